/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by mount-spec.c (-v, --tmpfs, lists) and mount-flag.c (--mount). */
#pragma once

#include "ctr/mount-spec.h"

/* A host path made absolute against the working directory, then cleaned. */
int ctr_mount_host_path_absolute(const char *path, char **ret, struct sk_error **err);
/* Volume names as podman allows them: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
int ctr_mount_volume_name_check(const char *name, struct sk_error **err);
/* Bind and volume options: known ones, at most one of each kind (podman's wording). */
int ctr_mount_opts_validate(char *const *opts, struct sk_error **err);
/* Add rw, noexec, nosuid, nodev to tmpfs options that set none of their pair. */
void ctr_mount_tmpfs_defaults(char ***opts);
/* Set readonly and nocopy from the options. */
void ctr_mount_flags_from_opts(struct ctr_mount *m);
