/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening paths inside a directory tree (a layer, a rootfs) as if that directory were "/":
 * symlinks, absolute or relative, and ".." never lead out of it. Used for every path that
 * comes from untrusted input (tar entries, image configs) or that crosses a tree holding
 * untrusted symlinks.
 *
 * Low level: the functions return -errno (or an fd >= 0) and never set an sk_error; their
 * callers name the offending path in the message. -EXDEV means "escapes the root".
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * Clean an archive member name lexically, as containers/storage does: a leading "/" is dropped
 * (an absolute name is taken relative to the root), "//" and "." components go, and ".." is
 * resolved against the components before it. "/../x" gives "x" (".." at the root stays there),
 * but a relative name whose ".." climbs above its start ("../x", "a/../../x") gives -EXDEV.
 * The root itself ("", ".", "/", "./") cleans to "". The result never starts or ends with "/".
 */
int safe_path_clean(const char *name, char **ret);

/*
 * Open path below root_fd with every symlink and ".." resolved inside the tree rooted at
 * root_fd (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; a component-by-component walk
 * where openat2 is missing). The last component is followed too unless flags has O_NOFOLLOW.
 * O_CLOEXEC is always added; mode is used with O_CREAT. "" or "." opens the root itself.
 * Returns the new fd or -errno.
 */
int safe_path_open(int root_fd, const char *path, int flags, mode_t mode);

/*
 * Open (O_PATH) the directory at path below root_fd, resolved as safe_path_open() does,
 * creating the missing components with the given mode (exactly, umask ignored) and owner
 * (uid/gid (uid_t)-1 and (gid_t)-1 leave the creator's). Returns the fd or -errno
 * (-ENOTDIR when a component exists and is not a directory).
 */
int safe_path_mkdir_p(int root_fd, const char *path, mode_t mode, uid_t uid, gid_t gid);

/*
 * Open the parent directory of a cleaned relative path (O_PATH), creating it as
 * safe_path_mkdir_p() does when create is set. *ret_name points into path at the last
 * component. path must not be "" (the root has no parent inside the tree).
 */
int safe_path_open_parent(int root_fd, const char *path, bool create, mode_t mode, uid_t uid,
			  gid_t gid, const char **ret_name);

/* Tests only: force (false) or allow (true) the openat2-free walk. Returns the old setting. */
bool safe_path_use_openat2(bool use);
