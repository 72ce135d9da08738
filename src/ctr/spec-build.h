/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime spec of a container being started (ctr/start.c). */
#pragma once

#include <jansson.h>

#include "ctr/user-resolve.h"
#include "oci/spec.h"
#include "util/error.h"

struct ctr_resolved_mount {
	const char *type; /* "bind", "tmpfs" */
	char *source;	  /* host path (binds and volumes) */
	char *destination;
	char **options;
};

/* What start worked out before writing the spec. */
struct ctr_net_pending;

struct ctr_start_resolved {
	const char *rootfs;
	struct ctr_user user;
	struct ctr_resolved_mount *mounts;
	size_t n_mounts;
	struct oci_ns ns[_OCI_NS_TYPE_MAX];
	/* the container's own user namespace (ctr/userns.h), owned: mappings, or one to join */
	struct idmap_range *uid_map, *gid_map;
	size_t n_uid_map, n_gid_map;
	char *userns_path;
	bool net_sysctls_done; /* selkie wrote the net.* sysctls itself: not in the spec */
	const char *cgroups_path;
	bool rootless;	  /* selkie runs in an ordinary user's namespace */
	bool no_cgroups;  /* rootless without a delegated cgroup: no limits in the spec */
	char **args;	  /* NULL: the document's Entrypoint + Cmd (an --init wrapper sets it) */
	char *netns_path; /* the namespace start made, owned */
	/* namespaces joined from other containers (container:ID): /proc/<pid>/ns/<type>, owned */
	char *joined_ns[_OCI_NS_TYPE_MAX];
	/* networking, for the /etc files (owned) */
	char *etc_from;	    /* container:ID networking: that container's userdata (its files) */
	char **net_ips;	    /* the container's addresses, first network first */
	char *gateway;	    /* of the first network */
	char **dns_servers; /* gateways of its DNS-enabled networks */
	int *port_fds;	    /* sockets reserving the published host ports, for the monitor */
	size_t n_port_fds;
	struct ctr_net_pending *net_pending; /* plugins still at work (ctr/net-start.c) */
};

int ctr_spec_build(const json_t *doc, const struct ctr_start_resolved *rs, json_t **ret,
		   struct sk_error **err);
