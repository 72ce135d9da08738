/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's settings → the OCI runtime spec (config.json), with podman's defaults
 * (spec-defaults.h) and resource limits (cgroup-resources.h). Pure apart from stat() of
 * --device nodes and getrlimit() for the clamp of default rlimits.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci/cgroup-resources.h"
#include "util/error.h"
#include "util/idmap.h"

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_MOUNT,
	OCI_NS_NETWORK,
	OCI_NS_CGROUP,
	_OCI_NS_TYPE_MAX,
	_OCI_NS_TYPE_INVALID = -EINVAL,
};

enum oci_ns_mode {
	OCI_NS_DEFAULT, /* private, except cgroup: host (cgroups v1 hosts) */
	OCI_NS_PRIVATE,
	OCI_NS_HOST, /* not for mount */
	OCI_NS_PATH, /* join the namespace at .path (/proc/<pid>/ns/net, /run/netns/x) */
	_OCI_NS_MODE_MAX,
	_OCI_NS_MODE_INVALID = -EINVAL,
};

const char *oci_ns_type_to_string(enum oci_ns_type t);
enum oci_ns_type oci_ns_type_from_string(const char *s);

struct oci_ns {
	enum oci_ns_mode mode;
	const char *path;
};

struct oci_mount {
	const char *type; /* "bind" or "tmpfs" (others passed through) */
	const char *source;
	const char *destination;
	char **options; /* "ro", "rw", "rbind", "private", "size=64m", "mode=1777", ... */
};

struct oci_spec_settings {
	/* process */
	char **args; /* required */
	char **env;  /* "K=V"; PATH and TERM are added when missing */
	const char *cwd;
	uid_t uid;
	gid_t gid;
	const gid_t *additional_gids;
	size_t n_additional_gids;
	bool terminal;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char **ulimits; /* "nofile=1024:2048"; the defaults (nofile, nproc) are clamped */

	/* root and mounts */
	const char *rootfs; /* required, absolute */
	bool readonly_rootfs;
	const struct oci_mount *mounts;
	size_t n_mounts;
	uint64_t shm_size; /* 0: 64m */

	const char *hostname;
	struct oci_ns ns[_OCI_NS_TYPE_MAX];
	/* The user namespace: userns_path joins one (another container's); else with mappings a
	 * new one (linux.uidMappings, gidMappings); else none (the runtime's own). */
	const char *userns_path;
	const struct idmap_range *uid_mappings;
	size_t n_uid_mappings;
	const struct idmap_range *gid_mappings;
	size_t n_gid_mappings;

	/* security */
	bool privileged;
	/* selkie runs in an ordinary user's namespace: /proc and /sys of namespaces it does not
	 * own are bound from the host rather than mounted (the kernel refuses those mounts) */
	bool rootless;
	char **cap_add; /* "NET_ADMIN", "cap_sys_admin", "ALL" */
	char **cap_drop;
	const json_t *seccomp; /* linux.seccomp (borrowed); NULL: unconfined */
	char **mask_paths;     /* --security-opt mask=/a:/b, added to the defaults */
	char **unmask_paths;   /* --security-opt unmask=, "ALL" removes every default */

	char **sysctls;	    /* "name=value" */
	char **devices;	    /* "/dev/x[:/dev/y][:rwm]" */
	char **annotations; /* "key=value" */

	struct oci_resources resources;
	const char *cgroups_path; /* from oci_cgroup_path_build() */
};

/* Build config.json as a new jansson object; *err on invalid settings. */
int oci_spec_build(const struct oci_spec_settings *s, json_t **ret, struct sk_error **err);
/* Write <bundle>/config.json atomically. */
int oci_spec_write(const json_t *spec, const char *bundle, struct sk_error **err);
