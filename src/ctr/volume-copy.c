/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/volume-copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "store/mount.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A regular file with more than one link, first copied at path (relative to the copy's root). */
struct copy_link {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct copy_ctx {
	int dst_root_fd;
	struct strbuf rel; /* the destination path being copied, relative to the root */
	struct copy_link *links;
	size_t n_links;
	unsigned depth;
	bool root; /* chown to other owners is expected to work */
};

static int copy_fail(struct copy_ctx *c, int e, const char *what, struct sk_error **err)
{
	return sk_err_system(err, e, "copying up %s: %s: %s",
			     isempty(c->rel.buf) ? "." : c->rel.buf, what, strerror(e));
}

/* Append name to c->rel; returns the old length to restore. */
static size_t rel_push(struct copy_ctx *c, const char *name)
{
	size_t old = c->rel.len;
	if (old > 0)
		strbuf_addch(&c->rel, '/');
	strbuf_addstr(&c->rel, name);
	return old;
}

static bool xattr_skipped(const char *name)
{
	/* overlayfs' own metadata, should a lower layer's show through. */
	return strneq(name, "trusted.overlay.", 16) || strneq(name, "user.overlay.", 13);
}

/* Copy the extended attributes of sfd to dfd; ones the destination refuses are skipped. */
static int copy_xattrs(struct copy_ctx *c, int sfd, int dfd, struct sk_error **err)
{
	ssize_t n = flistxattr(sfd, NULL, 0);
	if (n < 0)
		return errno == ENOTSUP || errno == EOPNOTSUPP
			       ? 0
			       : copy_fail(c, errno, "list xattrs", err);
	if (n == 0)
		return 0;
	_cleanup_free_ char *names = xmalloc((size_t)n);
	n = flistxattr(sfd, names, (size_t)n);
	if (n < 0)
		return copy_fail(c, errno, "list xattrs", err);
	for (char *name = names; name < names + n; name += strlen(name) + 1) {
		if (xattr_skipped(name))
			continue;
		ssize_t len = fgetxattr(sfd, name, NULL, 0);
		if (len < 0)
			continue; /* went away meanwhile, or not readable by us */
		_cleanup_free_ char *val = xmalloc((size_t)len + 1);
		len = fgetxattr(sfd, name, val, (size_t)len);
		if (len < 0)
			continue;
		if (fsetxattr(dfd, name, val, (size_t)len, 0) < 0 && errno != EPERM &&
		    errno != ENOTSUP && errno != EOPNOTSUPP && errno != EACCES && errno != EINVAL)
			return copy_fail(c, errno, name, err);
	}
	return 0;
}

/* Owner first (chown clears setuid bits), then the mode. */
static int set_owner_mode(struct copy_ctx *c, int fd, const struct stat *st, struct sk_error **err)
{
	if (fchown(fd, st->st_uid, st->st_gid) < 0 && (c->root || errno != EPERM))
		return copy_fail(c, errno, "chown", err);
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return copy_fail(c, errno, "chmod", err);
	return 0;
}

static int set_times(struct copy_ctx *c, int fd, const struct stat *st, struct sk_error **err)
{
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (futimens(fd, ts) < 0)
		return copy_fail(c, errno, "set times", err);
	return 0;
}

static const struct copy_link *link_find(const struct copy_ctx *c, const struct stat *st)
{
	for (size_t i = 0; i < c->n_links; i++)
		if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
			return &c->links[i];
	return NULL;
}

static int copy_file(struct copy_ctx *c, int sdir, int ddir, const char *name,
		     const struct stat *st, struct sk_error **err)
{
	if (st->st_nlink > 1) {
		const struct copy_link *l = link_find(c, st);
		if (l) {
			if (linkat(c->dst_root_fd, l->path, ddir, name, 0) < 0)
				return copy_fail(c, errno, "link", err);
			return 0;
		}
	}
	_cleanup_close_ int sfd = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (sfd < 0)
		return copy_fail(c, errno, "open", err);
	_cleanup_close_ int dfd =
		openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0)
		return copy_fail(c, errno, "create", err);
	int r = fd_copy_all(sfd, dfd);
	if (r < 0)
		return copy_fail(c, -r, "copy", err);
	r = set_owner_mode(c, dfd, st, err);
	if (r >= 0)
		r = copy_xattrs(c, sfd, dfd, err);
	if (r >= 0)
		r = set_times(c, dfd, st, err);
	if (r >= 0 && st->st_nlink > 1) {
		c->links = xreallocarray(c->links, c->n_links + 1, sizeof(*c->links));
		c->links[c->n_links++] =
			(struct copy_link){ st->st_dev, st->st_ino, xstrdup(c->rel.buf) };
	}
	return r;
}

static int copy_symlink(struct copy_ctx *c, int sdir, int ddir, const char *name,
			const struct stat *st, struct sk_error **err)
{
	size_t size = st->st_size > 0 && st->st_size < 65536 ? (size_t)st->st_size + 1 : 4096;
	_cleanup_free_ char *target = xmalloc(size + 1);
	ssize_t n = readlinkat(sdir, name, target, size);
	if (n < 0)
		return copy_fail(c, errno, "read link", err);
	if ((size_t)n >= size)
		return copy_fail(c, ENAMETOOLONG, "read link", err);
	target[n] = '\0';
	if (symlinkat(target, ddir, name) < 0)
		return copy_fail(c, errno, "symlink", err);
	if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    (c->root || errno != EPERM))
		return copy_fail(c, errno, "chown", err);
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return copy_fail(c, errno, "set times", err);
	return 0;
}

static int copy_node(struct copy_ctx *c, int ddir, const char *name, const struct stat *st,
		     struct sk_error **err)
{
	if (mknodat(ddir, name, st->st_mode & (S_IFMT | 0600), st->st_rdev) < 0)
		return copy_fail(c, errno, "mknod", err);
	_cleanup_close_ int fd = openat(ddir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return copy_fail(c, errno, "open", err);
	/* fchown/fchmod refuse O_PATH fds: go through the fd's /proc link (not a symlink in the
	 * tree, so nothing outside can be reached). */
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (chown(proc, st->st_uid, st->st_gid) < 0 && (c->root || errno != EPERM))
		return copy_fail(c, errno, "chown", err);
	if (chmod(proc, st->st_mode & 07777) < 0)
		return copy_fail(c, errno, "chmod", err);
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return copy_fail(c, errno, "set times", err);
	return 0;
}

static int copy_children(struct copy_ctx *c, int sfd, int dfd, struct sk_error **err);

static int copy_dir(struct copy_ctx *c, int sdir, int ddir, const char *name, const struct stat *st,
		    struct sk_error **err)
{
	if (c->depth >= CTR_VOLUME_COPY_MAX_DEPTH)
		return sk_err_invalid(err, "copying up %s: more than %d nested directories",
				      c->rel.buf, CTR_VOLUME_COPY_MAX_DEPTH);
	if (mkdirat(ddir, name, 0700) < 0)
		return copy_fail(c, errno, "mkdir", err);
	_cleanup_close_ int sfd =
		openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return copy_fail(c, errno, "open", err);
	_cleanup_close_ int dfd =
		openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return copy_fail(c, errno, "open", err);
	c->depth++;
	int r = copy_children(c, sfd, dfd, err);
	c->depth--;
	if (r >= 0)
		r = set_owner_mode(c, dfd, st, err);
	if (r >= 0)
		r = copy_xattrs(c, sfd, dfd, err);
	if (r >= 0)
		r = set_times(c, dfd, st, err);
	return r;
}

static int copy_entry(struct copy_ctx *c, int sfd, int dfd, const char *name, struct sk_error **err)
{
	struct stat st;
	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : copy_fail(c, errno, "stat", err);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(c, sfd, dfd, name, &st, err);
	case S_IFREG:
		return copy_file(c, sfd, dfd, name, &st, err);
	case S_IFLNK:
		return copy_symlink(c, sfd, dfd, name, &st, err);
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
		return copy_node(c, dfd, name, &st, err);
	default:
		return 0; /* sockets belong to the process that made them */
	}
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static int copy_children(struct copy_ctx *c, int sfd, int dfd, struct sk_error **err)
{
	int fd = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return copy_fail(c, errno, "open", err);
	__attribute__((cleanup(closedirp))) DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return copy_fail(c, e, "read directory", err);
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		size_t old = rel_push(c, de->d_name);
		int r = copy_entry(c, sfd, dfd, de->d_name, err);
		strbuf_setlen(&c->rel, old);
		if (r < 0)
			return r;
		errno = 0;
	}
	if (errno != 0)
		return copy_fail(c, errno, "read directory", err);
	return 0;
}

int ctr_volume_copy_tree(int src_fd, int dst_fd, struct sk_error **err)
{
	struct copy_ctx c = { .dst_root_fd = dst_fd, .rel = STRBUF_INIT, .root = geteuid() == 0 };
	strbuf_init(&c.rel, 256);
	int r = copy_children(&c, src_fd, dst_fd, err);
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].path);
	free(c.links);
	strbuf_release(&c.rel);
	return r;
}

/* --- a volume's first use -------------------------------------------------------------- */

static int dir_is_empty(int fd)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -ENOMEM;
	}
	struct dirent *de;
	int empty = 1;
	while (empty && (de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* Remove copy-up work directories a killed container start left in the volume's directory. */
static void copyup_leftovers_remove(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strneq(de->d_name, ".copyup-", 8))
			fs_rm_rf_at(dirfd(d), de->d_name);
	closedir(d);
}

/* Owner, mode and times of the image's directory (or the container's user) on _data, the
 * first time a container uses the volume (podman's NeedsChown). */
static int first_use_chown(int data_fd, int src_fd, const struct ctr_volume_mount_opts *o,
			   struct sk_error **err)
{
	if ((o->uid != (uid_t)-1 || o->gid != (gid_t)-1) && fchown(data_fd, o->uid, o->gid) < 0)
		return sk_err_system(err, errno, "chown volume: %s", strerror(errno));
	if (src_fd < 0)
		return 0;
	struct stat st;
	if (fstat(src_fd, &st) < 0 || fchown(data_fd, st.st_uid, st.st_gid) < 0 ||
	    fchmod(data_fd, st.st_mode & 07777) < 0 ||
	    futimens(data_fd, (const struct timespec[2]){ st.st_atim, st.st_mtim }) < 0)
		return sk_err_system(err, errno, "chown volume: %s", strerror(errno));
	return 0;
}

/* Copy the image's directory into an empty volume: into a work directory next to _data that
 * then replaces the empty _data in one rename, so a kill leaves either nothing or everything
 * (a mounted _data, a tmpfs or a bind mount, is copied into directly). */
static int copy_up(const struct state_volume *v, const char *dir, int src_fd, int data_fd,
		   struct sk_error **err)
{
	int r;
	if (store_mount_is_mounted(v->mountpoint)) {
		r = ctr_volume_copy_tree(src_fd, data_fd, err);
		return r < 0 ? sk_error_wrap(err, "volume %s", v->name) : 0;
	}
	_cleanup_free_ char *tmp = NULL;
	r = fs_mkdtemp_in(dir, ".copyup-", &tmp);
	if (r < 0)
		return sk_err_system(err, r, "volume %s: copy up: %s", v->name, strerror(-r));
	_cleanup_close_ int tmp_fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (tmp_fd < 0 || fstat(data_fd, &st) < 0) {
		r = sk_err_system(err, errno, "volume %s: copy up: %s", v->name, strerror(errno));
	} else {
		r = ctr_volume_copy_tree(src_fd, tmp_fd, err);
		if (r < 0)
			sk_error_wrap(err, "volume %s", v->name);
	}
	if (r >= 0 &&
	    (fchown(tmp_fd, st.st_uid, st.st_gid) < 0 || fchmod(tmp_fd, st.st_mode & 07777) < 0 ||
	     futimens(tmp_fd, (const struct timespec[2]){ st.st_atim, st.st_mtim }) < 0 ||
	     rename(tmp, v->mountpoint) < 0))
		r = sk_err_system(err, errno, "volume %s: copy up: %s", v->name, strerror(errno));
	if (r < 0)
		fs_rm_rf(tmp);
	return r;
}

int ctr_volume_populate(const struct state_volume *v, const char *dir,
			const struct ctr_volume_mount_opts *o, bool nocopy_option,
			struct sk_error **err)
{
	copyup_leftovers_remove(dir);
	_cleanup_close_ int data_fd =
		open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (data_fd < 0)
		return sk_err_system(err, errno, "open %s: %s", v->mountpoint, strerror(errno));
	_cleanup_close_ int root_fd = -1, src_fd = -1;
	if (o->rootfs && o->container_path) {
		_cleanup_free_ char *clean = NULL;
		root_fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0)
			return sk_err_system(err, errno, "open %s: %s", o->rootfs, strerror(errno));
		int r = safe_path_clean(o->container_path, &clean);
		src_fd = r < 0 ? r : safe_path_open(root_fd, clean, O_RDONLY | O_DIRECTORY, 0);
		if (src_fd < 0 && src_fd != -ENOENT && src_fd != -ENOTDIR)
			return sk_err_system(err, src_fd, "volume %s: copy up from %s: %s", v->name,
					     o->container_path, strerror(-src_fd));
	}
	int r = ctr_volume_needs_chown(v) ? first_use_chown(data_fd, src_fd, o, err) : 0;
	if (r < 0 || o->nocopy || nocopy_option || src_fd < 0)
		return r;
	int empty = dir_is_empty(data_fd);
	if (empty < 0)
		return sk_err_system(err, empty, "read %s: %s", v->mountpoint, strerror(-empty));
	if (!empty || dir_is_empty(src_fd) != 0)
		return 0;
	return copy_up(v, dir, src_fd, data_fd, err);
}
