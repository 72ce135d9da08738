/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An untrusted archive (docker-archive, oci-archive) read into a private work directory for
 * load: every member stored flat, found by its cleaned path, symlinks inside the archive
 * followed, nothing outside it reachable. A directory (an OCI layout) can stand in for it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/macro.h"

/* Bounds on what an archive may hold. */
#define IMAGE_ARCHIVE_MAX_MEMBERS 100000
#define IMAGE_ARCHIVE_MAX_PATH 4096
#define IMAGE_ARCHIVE_MAX_SIZE (UINT64_C(256) << 30)

struct image_archive_member {
	char *path;    /* cleaned: relative, no "." or ".." components, no trailing "/" */
	char *link;    /* a symlink's target (as written), NULL for a file */
	char *file;    /* the local copy (a file in the work directory) */
	uint64_t size; /* the file's size */
	size_t order;  /* position in the archive: a later duplicate wins */
};

struct image_archive_tree {
	char *root; /* a directory read in place (an OCI layout given as a directory), or NULL */
	int root_fd;
	struct image_archive_member *members;
	size_t n_members;
	bool sorted;
};

/* Read a tar (plain or compressed) from fd to its end, storing regular files under work. */
int image_archive_tree_read(int fd, const char *work, struct image_archive_tree **ret,
			    struct sk_error **err);
/* Use a directory as it is: members are looked up inside it, never outside. */
int image_archive_tree_open_dir(const char *dir, struct image_archive_tree **ret,
				struct sk_error **err);
struct image_archive_tree *image_archive_tree_new(void);
/* Add a member (file or symlink); for unit tests and the tar reader. Takes nothing. */
int image_archive_tree_add(struct image_archive_tree *t, const char *path, const char *link,
			   const char *file, uint64_t size, struct sk_error **err);
void image_archive_tree_free(struct image_archive_tree *t);
DEFINE_CLEANUP_FUNC(struct image_archive_tree *, image_archive_tree_free)
#define _cleanup_archive_tree_ _cleanup_(image_archive_tree_freep)

/* Whether a path names a file in the archive (after following symlinks inside it). */
bool image_archive_tree_has(struct image_archive_tree *t, const char *path);
/* The member a path in a manifest names. A path that is absolute, climbs out with "..", or
 * reaches outside through a symlink is CORRUPT, as is a missing one. */
int image_archive_tree_resolve(struct image_archive_tree *t, const char *path,
			       const struct image_archive_member **ret, struct sk_error **err);
/* Read a member of at most max bytes. */
int image_archive_tree_read_member(struct image_archive_tree *t, const char *path, size_t max,
				   char **ret, size_t *ret_len, struct sk_error **err);
/* Give the member its own file at dest (a hard link to the extracted copy, or a copy of a file
 * of a directory read in place, so the caller may move it). */
int image_archive_tree_export(struct image_archive_tree *t, const char *path, const char *dest,
			      struct sk_error **err);
