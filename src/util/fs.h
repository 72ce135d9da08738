/* SPDX-License-Identifier: Apache-2.0 */
/* File-system helpers. Tier 1: return -errno, never log. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "macro.h"

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* mkdir -p with mode for each created component. */
int fs_mkdir_p(const char *path, mode_t mode);
/* Create the parent directories of path. */
int fs_mkdir_parents(const char *path, mode_t mode);
/* Read a whole file (at most max bytes, -EFBIG beyond) into a NUL-terminated buffer. */
int fs_read_file(const char *path, size_t max, char **ret, size_t *ret_len);
int fs_read_fd(int fd, size_t max, char **ret, size_t *ret_len);
/* Write data to path through a temporary file + fsync + rename, so readers see old or new. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Remove what a killed fs_write_atomic() of path left: "<path>.tmp-<pid>" of a dead pid. */
void fs_write_atomic_leftovers_remove(const char *path);
/* The same, fsync()ed only with sync: for files rewritten on every use (a container's /etc
 * files, its bundle), which a crash may lose but never leaves half-written. */
int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode, bool sync);
/* Remove a tree; a missing path is not an error. Does not cross mount points. */
/* The names in the directory fd (without "." and ".."), sorted; fd stays the caller's.
 * -errno. */
int fs_dir_names_sorted(int fd, char ***ret);
int fs_rm_rf(const char *path);
int fs_rm_rf_at(int dirfd, const char *name);
/* Write the whole buffer, retrying short writes. */
int fd_write_all(int fd, const void *buf, size_t len);
/* Everything from in (at its offset) to out: copy_file_range (reflinks, in-kernel copy), else
 * read and write. -errno. */
int fd_copy_all(int in, int out);
/* Read exactly len bytes unless EOF; returns bytes read. */
ssize_t fd_read_full(int fd, void *buf, size_t len);
bool fs_exists(const char *path);
bool fs_is_dir(const char *path);
/* Join two path components with exactly one slash. */
char *path_join(const char *a, const char *b);
/* Last path component (never modifies its argument; returns a pointer into it). */
const char *path_basename(const char *path);
/* A newly allocated copy of everything before the last component ("." if none). */
char *path_dirname(const char *path);
/* Create a unique directory "<parent>/<prefix>XXXXXX"; returns its path. */
int fs_mkdtemp_in(const char *parent, const char *prefix, char **ret);
/* Total bytes of regular files under path (st_blocks-based if use_blocks). */
int fs_disk_usage(const char *path, bool use_blocks, unsigned long long *ret);
/* Copy a file's content; -errno. */
int fs_copy_file(const char *src, const char *dst, mode_t mode);
