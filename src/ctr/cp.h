/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp: files and directories copied between a container and the host (or another container),
 * or streamed as a tar on stdin/stdout, with docker's rules:
 *
 *   SRC is a file:        DST a directory → DST/basename(SRC); DST a file → overwritten;
 *                         DST missing → created (its parent must exist; "DST/" must exist)
 *   SRC is a directory:   DST missing → created with SRC's content; DST a file → error;
 *                         DST a directory → DST/basename(SRC), or SRC's content with "SRC/."
 *
 * The source's last component is copied as the symlink it is unless follow_link (-L) or the
 * path ends in "/" or "/."; the destination's symlinks are followed. Paths in a container
 * resolve in its root — symlinks, absolute or relative, and ".." never lead out of it — and a
 * relative one starts at its working directory. Files copied into a container belong to its
 * root (archive: they keep the source's owners), files copied to the host to the caller.
 *
 * A running container is reached through its init's root (/proc/PID/root: its volumes and
 * mounts included); a stopped one's root file system is mounted for the copy (writable: what
 * is copied in lands in its writable layer) under the container's lock, and unmounted after.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ctr/ctr.h"
#include "util/error.h"

/* ---- the rules, pure ---- */

/* "dir/." or ".": a directory's content rather than the directory. */
bool ctr_cp_path_is_contents(const char *path);
/* "dir/": the path must be a directory. */
bool ctr_cp_path_has_slash(const char *path);

/* What the destination looks like. */
struct ctr_cp_target {
	bool exists;
	bool is_dir;
	bool parent_is_dir; /* when it does not exist: its parent is a directory */
};

enum ctr_cp_verdict {
	CTR_CP_OK,
	CTR_CP_DEST_MISSING, /* "DST" could not be found: no such file or directory */
	CTR_CP_DIR_TO_FILE,  /* destination must be a directory when copying a directory */
	_CTR_CP_VERDICT_MAX,
	_CTR_CP_VERDICT_INVALID = -22,
};

struct ctr_cp_plan {
	char *dir;  /* where the entries go: cleaned, relative to the destination's root */
	char *name; /* the source's name there; "" when a directory's content goes in as is */
};

void ctr_cp_plan_release(struct ctr_cp_plan *p);

/*
 * Where a copy goes. src and dst are the paths as the user gave them, made absolute in their
 * trees (dst with its last symlink already followed); src_is_dir what the source turned out
 * to be. On CTR_CP_OK *ret is filled.
 */
enum ctr_cp_verdict ctr_cp_plan_build(const char *src, bool src_is_dir, const char *dst,
				      const struct ctr_cp_target *t, struct ctr_cp_plan *ret);

/* ---- a container's root file system, reachable ---- */

struct ctr_rootfs {
	int fd;	       /* O_PATH: the container's "/" */
	char *mounted; /* the mount point, when mounted for us (unmounted on release) */
	int lock_fd;   /* the container's lock, held while mounted for us */
};

/*
 * Reach c's root file system: with live, a running container's through its init's root (its
 * mounts and volumes included); otherwise (or when it is not running) the container's own
 * rootfs mount, mounted for the caller when it is not mounted. c is brought up to date.
 */
int ctr_rootfs_open(struct ctr_ctx *x, struct state_container *c, bool live, struct ctr_rootfs *ret,
		    struct sk_error **err);
void ctr_rootfs_release(struct ctr_rootfs *r);

/* ---- copying ---- */

/* One side of a copy: a container path, a host path, or a tar stream ("-"). */
struct ctr_cp_end {
	struct state_container *ctr; /* NULL: the host */
	const char *ctr_name;	     /* the container as the user named it, for messages */
	const char *path;	     /* on the host, "-" is a tar on stdio_fd */
	int stdio_fd;
};

struct ctr_cp_opts {
	bool archive;	  /* copying into a container: keep the source's owners */
	bool follow_link; /* follow the source's last symlink */
	bool overwrite;	  /* replace directories by non-directories and the reverse */
};

/*
 * Copy src to dst; exactly one of them may be a tar stream, and one at least is in a
 * container. Errors as podman words them: `"/x" could not be found on container c: no such
 * file or directory`, `destination must be a directory when copying a directory`, ...
 */
int ctr_cp(struct ctr_ctx *x, const struct ctr_cp_end *src, const struct ctr_cp_end *dst,
	   const struct ctr_cp_opts *o, struct sk_error **err);
