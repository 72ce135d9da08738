/* SPDX-License-Identifier: Apache-2.0 */
#include "store/idmap-copy.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <search.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define XATTR_LIST_MAX_SIZE (64u * 1024)
#define XATTR_VALUE_MAX_SIZE (64u * 1024)

struct link_entry {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination's root */
};

struct walker {
	const struct store_idmap_copy *m;
	int dst_root;
	void *links; /* tsearch tree of struct link_entry: inodes with more than one name */
	bool shift_caps;
	uint32_t cap_rootid;
	char *fail_path;
};

static int link_cmp(const void *a, const void *b)
{
	const struct link_entry *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static void link_free(void *p)
{
	struct link_entry *e = p;
	free(e->path);
	free(e);
}

static int fail(struct walker *w, const char *path, int r)
{
	if (!w->fail_path)
		w->fail_path = xstrdup(*path ? path : ".");
	return r;
}

static void ids_map(const struct walker *w, const struct stat *st, uid_t *u, gid_t *g)
{
	uint32_t id;
	*u = idmap_to_host(w->m->uids, w->m->n_uids, st->st_uid, &id) ? id : w->m->fallback_uid;
	*g = idmap_to_host(w->m->gids, w->m->n_gids, st->st_gid, &id) ? id : w->m->fallback_gid;
}

/* A file capability (v2, or v3 as the kernel shows it to us) → v3 for the container's root. */
static void caps_shift(const struct walker *w, char *val, size_t *len)
{
	struct vfs_ns_cap_data cap = { 0 };
	if (!w->shift_caps || *len < XATTR_CAPS_SZ_2 || *len > sizeof(cap))
		return;
	memcpy(&cap, val, *len);
	uint32_t magic = le32toh(cap.magic_etc);
	uint32_t rev = magic & VFS_CAP_REVISION_MASK;
	if (rev != VFS_CAP_REVISION_2 && rev != VFS_CAP_REVISION_3)
		return;
	cap.magic_etc = htole32(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_EFFECTIVE));
	cap.rootid = htole32(w->cap_rootid);
	memcpy(val, &cap, sizeof(cap));
	*len = XATTR_CAPS_SZ_3;
}

/* Extended attributes the destination's file system (or our privilege) does not take are
 * left out, as `cp -a` does. */
static int xattrs_copy(const struct walker *w, int in, int out)
{
	ssize_t n = flistxattr(in, NULL, 0);
	if (n <= 0)
		return n < 0 && errno != ENOTSUP && errno != EOPNOTSUPP ? -errno : 0;
	if ((size_t)n > XATTR_LIST_MAX_SIZE)
		return -E2BIG;
	_cleanup_free_ char *names = xmalloc((size_t)n + 1);
	n = flistxattr(in, names, (size_t)n);
	if (n < 0)
		return -errno;
	_cleanup_free_ char *val = xmalloc(XATTR_VALUE_MAX_SIZE + sizeof(struct vfs_ns_cap_data));
	for (char *name = names; name < names + n; name += strlen(name) + 1) {
		ssize_t len = fgetxattr(in, name, val, XATTR_VALUE_MAX_SIZE);
		if (len < 0) {
			if (errno == ENODATA || errno == ENOTSUP || errno == EPERM)
				continue;
			return -errno;
		}
		size_t l = (size_t)len;
		if (streq(name, "security.capability"))
			caps_shift(w, val, &l);
		if (fsetxattr(out, name, val, l, 0) < 0 && errno != ENOTSUP && errno != EPERM &&
		    errno != EOPNOTSUPP)
			return -errno;
	}
	return 0;
}

/* Owner first (chown clears set-ID bits and capabilities), then mode, xattrs, times. */
static int attrs_set(const struct walker *w, int in, int out, const struct stat *st)
{
	uid_t u;
	gid_t g;
	ids_map(w, st, &u, &g);
	if (fchown(out, u, g) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return -errno;
	int r = xattrs_copy(w, in, out);
	if (r < 0)
		return r;
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	return futimens(out, ts) < 0 ? -errno : 0;
}

static int copy_reg(struct walker *w, int sfd, int dfd, const char *name, const struct stat *st)
{
	_cleanup_close_ int in =
		openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return -errno;
	_cleanup_close_ int out =
		openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	int r = fd_copy_all(in, out);
	return r < 0 ? r : attrs_set(w, in, out, st);
}

static int copy_symlink(const struct walker *w, int sfd, int dfd, const char *name,
			const struct stat *st)
{
	char target[PATH_MAX + 1];
	ssize_t n = readlinkat(sfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	uid_t u;
	gid_t g;
	ids_map(w, st, &u, &g);
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (symlinkat(target, dfd, name) < 0 ||
	    fchownat(dfd, name, u, g, AT_SYMLINK_NOFOLLOW) < 0 ||
	    utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/* Device nodes, FIFOs, sockets (and overlay's whiteouts, should a tree have any). */
static int copy_node(const struct walker *w, int dfd, const char *name, const struct stat *st)
{
	uid_t u;
	gid_t g;
	ids_map(w, st, &u, &g);
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (mknodat(dfd, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0 ||
	    fchownat(dfd, name, u, g, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dfd, name, st->st_mode & 07777, 0) < 0 ||
	    utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int copy_dir(struct walker *w, int sfd, int dfd, const char *rel, unsigned depth);

static int copy_subdir(struct walker *w, int sfd, int dfd, const char *name, const char *path,
		       const struct stat *st, unsigned depth)
{
	if (mkdirat(dfd, name, 0700) < 0)
		return fail(w, path, -errno);
	_cleanup_close_ int s2 = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d2 = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s2 < 0 || d2 < 0)
		return fail(w, path, -errno);
	int r = copy_dir(w, s2, d2, path, depth + 1);
	if (r < 0)
		return r;
	r = attrs_set(w, s2, d2, st);
	return r < 0 ? fail(w, path, r) : 0;
}

/* A further name of an inode already copied: link to the copy. 1 when done so. */
static int hardlink_try(struct walker *w, int dfd, const char *name, const char *path,
			const struct stat *st)
{
	struct link_entry key = { st->st_dev, st->st_ino, NULL };
	struct link_entry **found = tfind(&key, &w->links, link_cmp);
	if (!found)
		return 0;
	if (linkat(w->dst_root, (*found)->path, dfd, name, 0) < 0)
		return -errno;
	return 1;
}

static void hardlink_record(struct walker *w, const char *path, const struct stat *st)
{
	struct link_entry *e = xnew(struct link_entry, 1);
	*e = (struct link_entry){ st->st_dev, st->st_ino, xstrdup(path) };
	if (!tsearch(e, &w->links, link_cmp))
		abort();
}

static int copy_entry(struct walker *w, int sfd, int dfd, const char *name, const char *rel,
		      unsigned depth)
{
	_cleanup_free_ char *path = *rel ? path_join(rel, name) : xstrdup(name);
	struct stat st;
	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(w, path, -errno);
	bool linked = !S_ISDIR(st.st_mode) && st.st_nlink > 1;
	int r = linked ? hardlink_try(w, dfd, name, path, &st) : 0;
	if (r != 0)
		return r < 0 ? fail(w, path, r) : 0;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(w, sfd, dfd, name, path, &st, depth);
	case S_IFREG:
		r = copy_reg(w, sfd, dfd, name, &st);
		break;
	case S_IFLNK:
		r = copy_symlink(w, sfd, dfd, name, &st);
		break;
	default:
		r = copy_node(w, dfd, name, &st);
		break;
	}
	if (r < 0)
		return fail(w, path, r);
	if (linked)
		hardlink_record(w, path, &st);
	return 0;
}

static int copy_dir(struct walker *w, int sfd, int dfd, const char *rel, unsigned depth)
{
	if (depth > STORE_IDMAP_COPY_DEPTH_MAX)
		return fail(w, rel, -ELOOP);
	_cleanup_strv_free_ char **names = NULL;
	int r = fs_dir_names_sorted(sfd, &names);
	if (r < 0)
		return fail(w, rel, r);
	STRV_FOREACH (n, names) {
		r = copy_entry(w, sfd, dfd, *n, rel, depth);
		if (r < 0)
			return r;
	}
	return 0;
}

int store_idmap_copy_tree(int src_fd, int dst_fd, const struct store_idmap_copy *m, char **ret_path)
{
	struct walker w = { .m = m, .dst_root = dst_fd };
	uint32_t root;
	/* Capabilities need a rewrite only when the container's root is not ours. */
	if (idmap_to_host(m->uids, m->n_uids, 0, &root) && root != 0) {
		w.shift_caps = true;
		w.cap_rootid = root;
	}
	struct stat st;
	int r = fstat(src_fd, &st) < 0 ? fail(&w, "", -errno) : 0;
	if (r >= 0)
		r = copy_dir(&w, src_fd, dst_fd, "", 0);
	if (r >= 0 && (r = attrs_set(&w, src_fd, dst_fd, &st)) < 0)
		fail(&w, "", r);
	tdestroy(w.links, link_free);
	if (r < 0 && ret_path)
		*ret_path = TAKE_PTR(w.fail_path);
	free(w.fail_path);
	return r;
}
