/* SPDX-License-Identifier: Apache-2.0 */
/* Choosing the OCI runtime (crun by default, runc as alternative) for this host. */
#pragma once

#include <stdbool.h>

#include "util/error.h"

enum oci_cgroup_layout {
	OCI_CGROUP_V1,
	OCI_CGROUP_V2,
	OCI_CGROUP_HYBRID_V2_CONTROLLERS, /* v1 with controllers also on the unified hierarchy */
	_OCI_CGROUP_LAYOUT_MAX,
};

struct oci_runtime_info {
	char *name;    /* "crun", "runc" or the basename of a given path */
	char *path;    /* absolute path of the binary */
	char *version; /* first line of `<runtime> --version` */
	char *note;    /* why the default was not used, or NULL */
};

enum oci_cgroup_layout oci_cgroup_layout_detect(void);
const char *oci_cgroup_version_string(enum oci_cgroup_layout l);
/* wanted: NULL (the default), a name in $PATH or a path. crun refuses hosts whose cgroup2
 * hierarchy holds controllers while v1 is in use; there the default becomes runc. */
int oci_runtime_pick(const char *wanted, struct oci_runtime_info *ret, struct sk_error **err);
/* The same without asking the runtime its version (version stays NULL): for every start. */
int oci_runtime_find(const char *wanted, struct oci_runtime_info *ret, struct sk_error **err);
void oci_runtime_info_release(struct oci_runtime_info *r);

/* Rootless: the cgroup v2 directory the user may write (systemd's delegation), as a path
 * below /sys/fs/cgroup ("/user.slice/.../user@1000.service/app.slice"), allocated; NULL on
 * cgroup v1 or without delegation: rootless containers then get no cgroup and resource limits
 * are ignored (podman's behaviour). */
char *oci_cgroup_rootless_parent(void);
