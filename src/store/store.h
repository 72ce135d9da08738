/* SPDX-License-Identifier: Apache-2.0 */
/* The image store: blobs, layers (overlay or vfs) and image records, under one graph root. */
#pragma once

#include <stdbool.h>

#include "state/db.h"
#include "util/error.h"

enum store_driver {
	STORE_DRIVER_OVERLAY,
	STORE_DRIVER_VFS,
	_STORE_DRIVER_MAX,
	_STORE_DRIVER_INVALID = -22,
};

const char *store_driver_to_string(enum store_driver d);
enum store_driver store_driver_from_string(const char *s);

struct store_opts {
	const char *graph_root;
	const char *run_root;
	const char *driver; /* NULL: the one the store was made with, else overlay if possible */
	bool rootless;
	/* overlay: mount with this FUSE program (fuse-overlayfs) instead of the kernel's
	 * overlay (--storage-opt overlay.mount_program=PATH); NULL: the kernel's, falling back to
	 * fuse-overlayfs when it refuses (a user namespace on an older kernel) */
	const char *mount_program;
};

struct store {
	char *graph_root;
	char *run_root;
	enum store_driver driver;
	bool rootless;
	char *mount_program; /* see store_opts; also set (and kept in <layers>/.mount_program)
				once the kernel has refused */
	struct state_db *db;
	char *layers_dir; /* <graph>/overlay or <graph>/vfs */
	char *blobs_dir;  /* <graph>/blobs/sha256 */
	char *tmp_dir;	  /* <graph>/tmp: work in progress, same file system as the rest */
	int lock_fd;	  /* >= 0 while store_lock() is held */
	int lock_depth;
};

int store_open(const struct store_opts *o, struct store **ret, struct sk_error **err);
void store_close(struct store *s);

/* The store-wide lock serialising changes to layer directories and blobs (flock on
 * <graph>/storage.lock). Re-entrant within one process. */
int store_lock(struct store *s, struct sk_error **err);
void store_unlock(struct store *s);

/* A private work directory under tmp/ that store_sweep_tmp() removes once its owner is gone.
 * ret_lock_fd holds the directory's lock until closed. */
int store_tmpdir_new(struct store *s, const char *prefix, char **ret_path, int *ret_lock_fd,
		     struct sk_error **err);
/* Remove a work directory made by store_tmpdir_new() and its lock file (the caller still
 * closes the lock fd). */
void store_tmpdir_remove(const char *path);
/* Remove work directories left behind by killed processes. */
void store_sweep_tmp(struct store *s);
