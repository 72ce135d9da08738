/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image mounts with podman's counting: each `image mount` of an image adds one to its count,
 * each `image unmount` takes one away, and the file system is unmounted when the count reaches
 * zero (or at once when forced).
 *
 * The records live under the run root, which a reboot empties:
 *   <runroot>/image-mounts/<image id>/merged   the mount point
 *   <runroot>/image-mounts/<image id>/count    the count, written atomically after mounting
 * The kernel's mount table is the truth: a record whose "merged" is not a mount is stale (the
 * machine rebooted, or someone ran umount) and is repaired by the next command that looks; a
 * mount without a count (a command killed between mounting and writing it) counts as one.
 * Changes happen under the store lock, which also keeps the image's layers from being removed
 * underneath.
 */
#pragma once

#include <stdbool.h>

#include "store/store.h"
#include "util/error.h"

struct store_mounted_image {
	char *id;
	char *path; /* the mount point */
	unsigned count;
};

void store_mounted_image_free(struct store_mounted_image *m);
void store_mounted_image_list_free(struct store_mounted_image **list);

/* Mount the image (by ID) read-only, or count one more mount of it; returns the mount point. */
int store_image_mount(struct store *s, const char *image_id, char **ret_path,
		      struct sk_error **err);
/* Take one mount away (every one with force). Returns 1 when the image was mounted, 0 when it
 * was not (which is not an error). */
int store_image_unmount(struct store *s, const char *image_id, bool force, struct sk_error **err);
/* The mount point if the image is mounted (ret_path optional); 0 when it is not. */
int store_image_mount_get(struct store *s, const char *image_id, char **ret_path,
			  struct sk_error **err);
/* Every mounted image, in no particular order; stale records are removed on the way. */
int store_image_mount_list(struct store *s, struct store_mounted_image ***ret,
			   struct sk_error **err);
