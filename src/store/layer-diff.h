/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reverse of unpacking: the changes of a layer as an uncompressed tar (pax, entries in a
 * fixed order so the same tree always gives the same bytes and diff ID). Used by commit,
 * build and save.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "store/layer-unpack.h"
#include "util/digest.h"
#include "util/error.h"

struct store_diff_opts {
	/* OVERLAY: dir_fd is an overlay upper directory; its 0/0 character devices become
	 * ".wh.NAME" entries and its opaque directories get a ".wh..wh..opq" entry. (Assumes
	 * the overlay was mounted without redirect_dir and metacopy.)
	 * APPLY: dir_fd is a vfs layer's full tree, compared with parent_fd's. */
	enum store_layer_mode mode;
	int dir_fd;
	/* APPLY: the parent layer's full tree; -1 when there is none (everything is new). */
	int parent_fd;
	/* OVERLAY: opaque directories carry user.overlay.opaque, not trusted.overlay.opaque. */
	bool userxattr;
	/* Host IDs to container IDs; NULL: as on disk. */
	store_idmap_fn idmap;
	void *idmap_data;
};

struct store_diff_result {
	char diff_id[DIGEST_STR_LEN]; /* sha256 of the tar written */
	uint64_t size;		      /* bytes written */
};

/*
 * Write the layer's changes to out_fd as an uncompressed tar. Entries: a directory, then its
 * children sorted by name (bytewise), recursively; the root directory itself is not an entry.
 * Regular files, directories, symlinks, devices and FIFOs (sockets are left out) with mode,
 * owner, mtime (whole seconds, as docker), the security.capability and user.* xattrs (never
 * trusted.*, user.overlay.*), hard links within the tar as link entries. APPLY: an entry is in
 * the tar when it is new or its type, mode, owner, xattrs, size, mtime, symlink target or
 * device differ from the parent's (contents with equal size and mtime count as equal, as
 * docker's); deleted names become ".wh.NAME"; an unchanged directory is written only before
 * a changed entry inside it.
 */
int store_layer_diff(const struct store_diff_opts *opts, int out_fd, struct store_diff_result *ret,
		     struct sk_error **err);

/* The whole tree of dir_fd as one layer tar (a diff against nothing). */
int store_layer_tar_dir(int dir_fd, int out_fd, struct store_diff_result *ret,
			struct sk_error **err);
