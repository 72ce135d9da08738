/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp's tar streams (ctr/cp.h): a file or directory tree written as a tar, and a tar written into
 * a directory tree. Both walk and create through directory fds: the writer never follows a
 * symlink below the item it was given, the extractor resolves every name inside its tree
 * (store/safe-path.h), so neither ".." nor symlinks lead out of it.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* The deepest directory nesting written (each level holds an fd while it is written). */
#define CTR_CP_TAR_MAX_DEPTH 256

/*
 * Write the item item_fd (an O_PATH fd of a directory, file, symlink, FIFO or device; a symlink
 * fd opened with O_NOFOLLOW stands for the link itself) to out_fd as an uncompressed tar. The
 * item's entry is called name; a directory's entries follow as "name/child". With name "" a
 * directory's children are the top entries and the directory itself is left out (docker's
 * "dir/." form). Sockets are left out; files hard-linked to each other inside the tree become
 * link entries. shown names the item in messages.
 */
int ctr_cp_tar_write(int item_fd, const char *name, int out_fd, const char *shown,
		     struct sk_error **err);

struct ctr_cp_extract_opts {
	int root_fd;	       /* the tree: every name resolves inside it */
	const char *dir;       /* the directory to write into, cleaned, relative to root_fd */
	const char *shown_dir; /* how messages name that directory ("/tmp" or a host path) */
	bool chown;	       /* everything gets uid:gid (else the owners in the tar) */
	uid_t uid;
	gid_t gid;
	/* Replace a directory by a non-directory and the reverse; without it that fails with
	 * docker's "cannot overwrite directory ... with non-directory ..." */
	bool overwrite;
	bool devices; /* make device nodes; when false they are skipped (FIFOs are made) */
};

/*
 * Read a tar (plain or compressed) from in_fd and write its entries below o->dir. Entry names
 * are cleaned as archive members ("../" cannot climb above o->dir), missing parents are made
 * (0755), an existing directory takes a directory entry's metadata, anything else with an
 * entry's name is replaced. Directory modes and times are set once everything is written.
 * INVALID when in_fd holds no tar at all.
 */
int ctr_cp_tar_extract(int in_fd, const struct ctr_cp_extract_opts *o, struct sk_error **err);
