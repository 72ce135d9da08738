/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounting a stack of layers as one root file system: the mechanism image mounts use now and
 * containers use for their root file systems.
 *
 * overlay: an overlayfs of the layers' diff directories, read-only (lower layers only) or
 * writable (an upper and a work directory: the container layer). The lower directories are
 * given as the layers' short links relative to <graph>/overlay ("l/ABCDEFGHIJ"), so even 150+
 * layers fit in the one page of mount data; the mount runs in a forked child that changes
 * into that directory, leaving the caller's working directory alone. Stacks too long even for
 * that use the new mount API (fsconfig "lowerdir+" per layer, Linux 6.8+).
 *
 * vfs: every layer is a full tree already, so a read-only mount is a read-only bind mount of
 * the top layer; a writable one binds the container's own full copy (upper_dir).
 */
#pragma once

#include <stdbool.h>

#include "store/store.h"
#include "util/error.h"

/* The name, under <graph>/overlay, of the empty directory that completes a lone read-only
 * layer (overlayfs wants two lower directories when there is no upper one). */
#define STORE_OVERLAY_EMPTY_LOWER ".empty"

struct store_overlay_opts {
	char *const *lowers;   /* the layers' short link names, bottom first */
	const char *upper_dir; /* NULL: a read-only mount; else absolute */
	const char *work_dir;  /* with upper_dir: absolute, on the upper's file system */
	bool userxattr;	       /* rootless: overlay metadata in user.overlay.* xattrs */
};

/*
 * The overlay mount data "lowerdir=l/TOP:...:l/BOTTOM[,upperdir=U,workdir=W,index=off]
 * [,userxattr]": the top layer first, as overlayfs stacks them; a lone read-only layer gets
 * STORE_OVERLAY_EMPTY_LOWER as its second lower. Paths with ',' or ':' (which the option
 * syntax cannot carry) and empty stacks are INVALID.
 */
int store_overlay_data_build(const struct store_overlay_opts *o, char **ret, struct sk_error **err);
/* The lower directories one by one, top first ("l/TOP", ..., "l/BOTTOM"), for "lowerdir+". */
char **store_overlay_lowers_build(const struct store_overlay_opts *o);

struct store_mount_request {
	char *const *layers;   /* chain IDs, bottom first (struct state_image's layers) */
	const char *target;    /* an existing directory to mount on */
	const char *upper_dir; /* NULL: read-only; overlay: the upper dir; vfs: the full tree */
	const char *work_dir;  /* overlay with upper_dir */
	/* overlay: this short link under l/ is the one lower layer instead of the layers' (an
	 * ID-shifted copy of them, store/idmap.h) */
	const char *lower_link;
};

/* Mount the layers on req->target as the store's driver does (see above). */
int store_layers_mount(struct store *s, const struct store_mount_request *req,
		       struct sk_error **err);
/* Unmount what store_layers_mount() mounted (lazily, as podman does, so a process still inside
 * does not make it fail); a target that is not mounted (or is gone) is not an error. */
int store_layers_unmount(const char *target, struct sk_error **err);
/* Is path the root of a mount? False when it does not exist. */
bool store_mount_is_mounted(const char *path);
/* Unmount every mount at or below dir (system reset), deepest first. */
void store_unmount_all_below(const char *dir);
