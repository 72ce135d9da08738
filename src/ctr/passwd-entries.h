/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /etc/passwd and /etc/group lines podman adds to a container's files when it starts
 * (appended to the files of its root file system; never when the image has no such file or
 * the user mounted one there):
 *
 * - keep-id's user (rootless, without uid=/gid=): "NAME:*:UID:GID:GECOS:HOME:/bin/sh" unless
 *   the image has that UID, HOME being the user's home when it or a parent of it is mounted
 *   into the container, else the working directory; and "GROUP:x:GID:NAME" unless the image
 *   has that group name or GID.
 * - a numeric --user the image's passwd lacks: "UID:*:UID:GID:container user:WORKDIR:/bin/sh"
 *   (GID from the group part, a number or a name the group file has, else 0), and with a
 *   numeric group the image lacks: "GID:x:GID:UID".
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct ctr_passwd_user {
	const char *name; /* NULL: no keep-id user */
	uint32_t uid;
	uint32_t gid;
	const char *gecos;
	const char *home;  /* the user's home on the host */
	const char *group; /* the name of their group */
};

struct ctr_passwd_request {
	const char *passwd; /* the image's files (NULL: the file is missing) */
	const char *group;
	const char *user;    /* the container's --user ("" or NULL: none) */
	const char *workdir; /* the container's working directory */
	char *const *mount_destinations;
	struct ctr_passwd_user keep_id;
};

/* The text to append to each file (allocated, "" when nothing), or an error for a group name
 * the group file lacks ("unable to get gid NAME from group file"). */
int ctr_passwd_entries(const struct ctr_passwd_request *req, char **ret_passwd, char **ret_group,
		       struct sk_error **err);

/* start: append them to the files of the root file system at rootfs_fd, for the container
 * whose settings document is doc (its User, WorkingDir and Mounts); keep_id: the keep-id user
 * or NULL. */
int ctr_passwd_entries_write(const json_t *doc, int rootfs_fd,
			     const struct ctr_passwd_user *keep_id, struct sk_error **err);
