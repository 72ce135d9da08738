/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `-u user[:group]` and `--group-add` resolved against the container's /etc/passwd and
 * /etc/group, as runc and podman resolve them. The files are read through the rootfs
 * directory fd with every symlink kept inside the rootfs (the image is untrusted), their
 * sizes are bounded and overlong or malformed lines are skipped.
 *
 * - "" means root; a number is taken as a uid even without a passwd entry (gid 0, HOME "/");
 *   a name must have a passwd entry: "unable to find user NAME: no matching entries in passwd
 *   file".
 * - Without an explicit group, the gid is the passwd entry's and the supplementary groups are
 *   the /etc/group entries listing the user's name as a member.
 * - An explicit group (number or name) sets the gid and no supplementary groups are added.
 * - `--group-add` entries (names or numbers) are added; "keep-groups" must come alone.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* /etc/passwd or /etc/group larger than this is refused; longer lines are skipped. */
#define CTR_USER_FILE_MAX (8u * 1024 * 1024)
#define CTR_USER_LINE_MAX (64u * 1024)
/* At most this many supplementary groups (below the kernel's 65536, so that a hostile group
 * file can't make the duplicate check slow). */
#define CTR_USER_GROUPS_MAX 8192

struct ctr_user {
	uid_t uid;
	gid_t gid;
	char *name;    /* the passwd entry's name, NULL when none matched */
	char *home;    /* the passwd entry's home, "/" when none (or it is empty) */
	gid_t *groups; /* supplementary groups, no duplicates, in order of discovery */
	size_t n_groups;
	bool keep_groups; /* --group-add keep-groups */
};

/* Resolve against the text of /etc/passwd and /etc/group (NULL for a missing file). */
int ctr_user_resolve_buf(const char *passwd, const char *group, const char *spec,
			 char *const *group_add, struct ctr_user *ret, struct sk_error **err);
/* Resolve against the files below rootfs_fd. */
int ctr_user_resolve(int rootfs_fd, const char *spec, char *const *group_add, struct ctr_user *ret,
		     struct sk_error **err);
/* Release what a resolved user holds (not the struct itself). */
void ctr_user_done(struct ctr_user *u);
