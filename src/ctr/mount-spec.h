/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `-v/--volume`, `--mount` and `--tmpfs` parsed into one normalized list of mounts, with
 * podman 4.3's grammar and error wording:
 *
 *   -v [SRC:]DST[:OPT,...]    SRC "/abs" or "./rel" (made absolute) is a bind mount, any other
 *                             SRC a named volume; without SRC an anonymous volume.
 *   --mount type=bind|volume|tmpfs,src=...,dst=...,ro,...   (CSV fields, "..." quoting)
 *   --tmpfs DST[:OPT,...]
 *
 * Destinations must be absolute and are cleaned lexically ("/a//b/../c/" is "/a/c"); a list
 * refuses two mounts on the same destination ("/x: duplicate mount destination").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum ctr_mount_type {
	CTR_MOUNT_BIND,
	CTR_MOUNT_VOLUME,
	CTR_MOUNT_TMPFS,
	_CTR_MOUNT_TYPE_MAX,
	_CTR_MOUNT_TYPE_INVALID = -22,
};

const char *ctr_mount_type_to_string(enum ctr_mount_type t);
enum ctr_mount_type ctr_mount_type_from_string(const char *s);

struct ctr_mount {
	enum ctr_mount_type type;
	char *source;	   /* absolute host path, volume name; NULL for anonymous volumes, tmpfs */
	char *destination; /* absolute and clean */
	char **options;	   /* mount options as given, normalized ("ro", "rprivate", "size=..") */
	char **volume_options; /* --mount volume-opt=K=V, for the volume driver */
	bool anonymous;	       /* a volume without a name: created for this container */
	bool nocopy;	       /* do not copy the image's content up into a new volume */
	bool readonly;
};

struct ctr_mount_list {
	struct ctr_mount *items;
	size_t n;
};

/* Clean an absolute container path; "invalid container path "P", must be an absolute path". */
int ctr_mount_dest_clean(const char *path, char **ret, struct sk_error **err);

/* Parse one -v value. */
int ctr_mount_volume_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err);
/* Parse one --mount value. */
int ctr_mount_flag_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err);
/* Parse one --tmpfs value; the defaults rw,noexec,nosuid,nodev are added where not given. */
int ctr_mount_tmpfs_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err);

/* Append m to the list, taking its contents (m is cleared, also on failure). */
int ctr_mount_list_take(struct ctr_mount_list *l, struct ctr_mount *m, struct sk_error **err);
/* The mount at destination dst (clean), or NULL. */
const struct ctr_mount *ctr_mount_list_find(const struct ctr_mount_list *l, const char *dst);

void ctr_mount_clear(struct ctr_mount *m);
void ctr_mount_list_clear(struct ctr_mount_list *l);
