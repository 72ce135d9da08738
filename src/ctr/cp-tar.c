/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The writer walks the item through directory fds (children opened with O_NOFOLLOW from their
 * parent's fd); the item itself comes as an O_PATH fd, reopened through /proc/self/fd. The
 * extractor opens each entry's parent with safe_path_open_parent() inside its tree and makes
 * the entry with *at() calls on that fd, never following its last component; directory modes
 * and times wait for the end, since writing into a directory changes its mtime.
 */
#include "ctr/cp-tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "store/safe-path.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CP_BUF_SIZE (128 * 1024)
#define CP_BLOCK_SIZE (10 * 1024)

static char *rel_join(const char *dir, const char *name)
{
	if (isempty(dir))
		return xstrdup(name);
	if (isempty(name))
		return xstrdup(dir);
	return xasprintf("%s/%s", dir, name);
}

/* "name" JSON-escaped, so no control character reaches a terminal. */
static char *quote(const char *s)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '"');
	strbuf_add_json_escaped(&sb, s);
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

/* libarchive capitalises its messages; ours are lowercase. */
static const char *archive_why(struct archive *a, char *buf, size_t size)
{
	const char *why = archive_error_string(a);
	if (!why)
		why = "unreadable archive";
	snprintf(buf, size, "%c%s", tolower((unsigned char)why[0]), why + 1);
	return buf;
}

/* ---- writing ---- */

struct link_seen {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct writer {
	struct archive *a;
	struct archive_entry *ae;
	int out_fd;
	int write_errno;
	bool closed;
	const char *shown; /* the item as the user named it */
	struct link_seen *links;
	size_t n_links;
	char buf[CP_BUF_SIZE];
};

static void writer_free(struct writer *w)
{
	if (!w)
		return;
	if (w->a && !w->closed)
		archive_write_fail(w->a);
	archive_write_free(w->a);
	archive_entry_free(w->ae);
	for (size_t i = 0; i < w->n_links; i++)
		free(w->links[i].rel);
	free(w->links);
	free(w);
}
DEFINE_CLEANUP_FUNC(struct writer *, writer_free)

static la_ssize_t tar_out(struct archive *a, void *data, const void *buf, size_t len)
{
	struct writer *w = data;
	int r = fd_write_all(w->out_fd, buf, len);
	if (r < 0) {
		w->write_errno = -r;
		archive_set_error(a, -r, "write error");
		return -1;
	}
	return (la_ssize_t)len;
}

/* A failure on the item or below it: "copying "/etc" (passwd): read: ...". */
static int write_fail(const struct writer *w, const char *rel, int errnum, const char *what,
		      struct sk_error **err)
{
	_cleanup_free_ char *shown = quote(w->shown);
	if (errnum < 0)
		errnum = -errnum;
	if (isempty(rel))
		return sk_err_system(err, errnum, "copying %s: %s: %s", shown, what,
				     strerror(errnum));
	_cleanup_free_ char *r = quote(rel);
	return sk_err_system(err, errnum, "copying %s: %s: %s: %s", shown, r, what,
			     strerror(errnum));
}

static int archive_fail(const struct writer *w, const char *rel, struct sk_error **err)
{
	if (w->write_errno)
		return write_fail(w, rel, w->write_errno, "write", err);
	char why[512];
	_cleanup_free_ char *shown = quote(w->shown);
	return sk_err_internal(err, "copying %s: %s", shown, archive_why(w->a, why, sizeof(why)));
}

/* Open a child (name) of dfd, or the item itself (name "") through its O_PATH fd. */
static int item_open(int dfd, const char *name, int flags)
{
	if (name[0])
		return openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dfd);
	return open(proc, flags | O_CLOEXEC);
}

static int item_stat(int dfd, const char *name, struct stat *st)
{
	int flags = AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH);
	return fstatat(dfd, name, st, flags) < 0 ? -errno : 0;
}

static void entry_start(struct writer *w, const char *rel, const struct stat *st)
{
	archive_entry_clear(w->ae);
	archive_entry_set_pathname(w->ae, rel);
	archive_entry_set_mode(w->ae, st->st_mode);
	archive_entry_set_uid(w->ae, st->st_uid);
	archive_entry_set_gid(w->ae, st->st_gid);
	archive_entry_set_mtime(w->ae, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static int header_write(struct writer *w, const char *rel, struct sk_error **err)
{
	int r = archive_write_header(w->a, w->ae);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return archive_fail(w, rel, err);
	return 0;
}

static int data_write(struct writer *w, int fd, const char *rel, off_t size, struct sk_error **err)
{
	while (size > 0) {
		ssize_t n = RETRY_EINTR(read(fd, w->buf, (size_t)MIN((off_t)sizeof(w->buf), size)));
		if (n < 0)
			return write_fail(w, rel, errno, "read", err);
		if (n == 0)
			break; /* shrunk meanwhile: the writer pads with zeros */
		if (archive_write_data(w->a, w->buf, (size_t)n) < 0)
			return archive_fail(w, rel, err);
		size -= n;
	}
	return 0;
}

static int file_write(struct writer *w, int dfd, const char *name, const char *rel,
		      struct sk_error **err)
{
	struct stat st;
	_cleanup_close_ int fd = item_open(dfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return write_fail(w, rel, errno, "open", err);
	if (!S_ISREG(st.st_mode))
		return write_fail(w, rel, EAGAIN, "open", err); /* replaced while we looked */
	entry_start(w, rel, &st);
	if (st.st_nlink > 1) {
		for (size_t i = 0; i < w->n_links; i++) {
			if (w->links[i].dev == st.st_dev && w->links[i].ino == st.st_ino) {
				archive_entry_set_hardlink(w->ae, w->links[i].rel);
				archive_entry_set_size(w->ae, 0);
				return header_write(w, rel, err);
			}
		}
		w->links = xreallocarray(w->links, w->n_links + 1, sizeof(*w->links));
		w->links[w->n_links++] = (struct link_seen){ st.st_dev, st.st_ino, xstrdup(rel) };
	}
	archive_entry_set_size(w->ae, st.st_size);
	int r = header_write(w, rel, err);
	return r < 0 ? r : data_write(w, fd, rel, st.st_size, err);
}

static int other_write(struct writer *w, int dfd, const char *name, const char *rel,
		       const struct stat *st, struct sk_error **err)
{
	entry_start(w, rel, st);
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return write_fail(w, rel, errno, "readlink", err);
		target[n] = '\0';
		archive_entry_set_symlink(w->ae, target);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		archive_entry_set_rdevmajor(w->ae, major(st->st_rdev));
		archive_entry_set_rdevminor(w->ae, minor(st->st_rdev));
	}
	return header_write(w, rel, err);
}

static int node_write(struct writer *w, int dfd, const char *name, const char *rel, unsigned depth,
		      struct sk_error **err);

static int dir_write(struct writer *w, int dfd, const char *name, const char *rel,
		     const struct stat *st, unsigned depth, struct sk_error **err)
{
	if (depth > CTR_CP_TAR_MAX_DEPTH)
		return write_fail(w, rel, ELOOP, "directories nested too deeply", err);
	_cleanup_close_ int fd = item_open(dfd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return write_fail(w, rel, errno, "open", err);
	if (rel[0]) {
		entry_start(w, rel, st);
		int r = header_write(w, rel, err);
		if (r < 0)
			return r;
	}
	_cleanup_strv_free_ char **names = NULL;
	int r = fs_dir_names_sorted(fd, &names);
	if (r < 0)
		return write_fail(w, rel, r, "read directory", err);
	STRV_FOREACH (n, names) {
		_cleanup_free_ char *child = rel_join(rel, *n);
		r = node_write(w, fd, *n, child, depth + 1, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int node_write(struct writer *w, int dfd, const char *name, const char *rel, unsigned depth,
		      struct sk_error **err)
{
	struct stat st;
	int r = item_stat(dfd, name, &st);
	if (r == -ENOENT && name[0])
		return 0; /* gone meanwhile */
	if (r < 0)
		return write_fail(w, rel, r, "stat", err);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		return dir_write(w, dfd, name, rel, &st, depth, err);
	if (S_ISREG(st.st_mode))
		return file_write(w, dfd, name, rel, err);
	return other_write(w, dfd, name, rel, &st, err);
}

int ctr_cp_tar_write(int item_fd, const char *name, int out_fd, const char *shown,
		     struct sk_error **err)
{
	_cleanup_(writer_freep) struct writer *w = xnew(struct writer, 1);
	w->out_fd = out_fd;
	w->shown = shown;
	w->a = archive_write_new();
	w->ae = archive_entry_new();
	if (!w->a || !w->ae)
		abort();
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(w->a, CP_BLOCK_SIZE) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open(w->a, w, NULL, tar_out, NULL) != ARCHIVE_OK)
		return archive_fail(w, "", err);
	struct stat st;
	int r = item_stat(item_fd, "", &st);
	if (r < 0)
		return write_fail(w, "", r, "stat", err);
	if (!S_ISDIR(st.st_mode) && isempty(name))
		return sk_err_internal(err, "copying %s: a file needs a name", shown);
	r = node_write(w, item_fd, "", name, 0, err);
	if (r < 0)
		return r;
	w->closed = true;
	if (archive_write_close(w->a) != ARCHIVE_OK)
		return archive_fail(w, "", err);
	return 0;
}

/* ---- extracting ---- */

struct dir_fixup {
	char *path; /* relative to the tree's root */
	char *rel;  /* relative to the destination directory */
	dev_t dev;
	ino_t ino;
	mode_t mode;
	struct timespec times[2];
};

struct extractor {
	const struct ctr_cp_extract_opts *o;
	int in_fd;
	int in_errno;
	struct archive *a;
	struct dir_fixup *dirs;
	size_t n_dirs;
	char buf[CP_BUF_SIZE];
};

/* The entry being written. */
struct entry {
	struct archive_entry *ae;
	const char *path; /* relative to the tree's root */
	const char *rel;  /* relative to the destination directory, as the tar names it */
	int dfd;	  /* its parent directory */
	const char *name; /* its last component */
	uid_t uid;
	gid_t gid;
};

static void extractor_free(struct extractor *x)
{
	if (!x)
		return;
	archive_read_free(x->a);
	for (size_t i = 0; i < x->n_dirs; i++) {
		free(x->dirs[i].path);
		free(x->dirs[i].rel);
	}
	free(x->dirs);
	free(x);
}
DEFINE_CLEANUP_FUNC(struct extractor *, extractor_free)

static la_ssize_t tar_in(struct archive *a, void *data, const void **buf)
{
	struct extractor *x = data;
	ssize_t n = RETRY_EINTR(read(x->in_fd, x->buf, sizeof(x->buf)));
	if (n < 0) {
		x->in_errno = errno;
		archive_set_error(a, errno, "read error");
		return -1;
	}
	*buf = x->buf;
	return n;
}

/* The destination as the user sees it: "/tmp/x" in a container, "out/x" on the host. */
static char *shown_path(const struct extractor *x, const char *rel)
{
	const char *dir = x->o->shown_dir ? x->o->shown_dir : "";
	if (isempty(rel))
		return quote(dir);
	_cleanup_free_ char *p = streq(dir, "/") ? xasprintf("/%s", rel)
				 : isempty(dir)	 ? xstrdup(rel)
						 : xasprintf("%s/%s", dir, rel);
	return quote(p);
}

static int entry_fail(const struct extractor *x, const struct entry *en, int errnum,
		      const char *what, struct sk_error **err)
{
	_cleanup_free_ char *shown = shown_path(x, en->rel);
	if (errnum < 0)
		errnum = -errnum;
	return sk_err_system(err, errnum, "copying to %s: %s: %s", shown, what, strerror(errnum));
}

static int stream_fail(const struct extractor *x, struct sk_error **err)
{
	if (x->in_errno)
		return sk_err_system(err, x->in_errno, "read tar stream: %s",
				     strerror(x->in_errno));
	char why[512];
	return sk_err_invalid(err, "read tar stream: %s", archive_why(x->a, why, sizeof(why)));
}

static bool xattr_allowed(const char *name)
{
	return !strneq(name, "trusted.", strlen("trusted.")) &&
	       !strneq(name, "user.overlay.", strlen("user.overlay.")) &&
	       !streq(name, "security.selinux");
}

/* The xattrs a tar carries; file systems without (these) xattrs are no error. */
static int entry_xattrs(const struct extractor *x, const struct entry *en, int fd,
			struct sk_error **err)
{
	const char *key;
	const void *value;
	size_t size;
	_cleanup_free_ char *proc = NULL;

	archive_entry_xattr_reset(en->ae);
	while (archive_entry_xattr_next(en->ae, &key, &value, &size) == ARCHIVE_OK) {
		if (!xattr_allowed(key))
			continue;
		int r;
		if (fd >= 0) {
			r = fsetxattr(fd, key, value, size, 0);
		} else {
			if (!proc)
				proc = xasprintf("/proc/self/fd/%d/%s", en->dfd, en->name);
			r = lsetxattr(proc, key, value, size, 0);
		}
		if (r < 0 && errno != ENOTSUP && errno != EPERM)
			return entry_fail(x, en, errno, "set xattr", err);
	}
	return 0;
}

static int entry_chown(const struct extractor *x, const struct entry *en, int fd,
		       struct sk_error **err)
{
	int r = fd >= 0 ? fchown(fd, en->uid, en->gid)
			: fchownat(en->dfd, en->name, en->uid, en->gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0 && !(errno == EPERM && geteuid() != 0))
		return entry_fail(x, en, errno, "chown", err);
	return 0;
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(ae);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ae);
	if (ts[1].tv_nsec < 0 || ts[1].tv_nsec >= 1000000000)
		ts[1].tv_nsec = 0;
	ts[0] = ts[1];
}

/* Owner, mode (chown clears setuid), xattrs, times; fd -1: by name in the parent. */
static int entry_meta(const struct extractor *x, const struct entry *en, int fd,
		      struct sk_error **err)
{
	mode_t mode = archive_entry_perm(en->ae) & 07777;
	struct timespec ts[2];

	int r = entry_chown(x, en, fd, err);
	if (r < 0)
		return r;
	r = fd >= 0 ? fchmod(fd, mode) : fchmodat(en->dfd, en->name, mode, AT_SYMLINK_NOFOLLOW);
	if (r < 0 && !(fd < 0 && errno == EOPNOTSUPP))
		return entry_fail(x, en, errno, "chmod", err);
	r = entry_xattrs(x, en, fd, err);
	if (r < 0)
		return r;
	entry_times(en->ae, ts);
	r = fd >= 0 ? futimens(fd, ts) : utimensat(en->dfd, en->name, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return entry_fail(x, en, errno, "set times", err);
	return 0;
}

/*
 * Make room for the entry: a directory meets a directory (1: merge into it), anything else
 * goes, except a directory replaced by a non-directory or the reverse without overwrite.
 */
static int entry_clear(const struct extractor *x, const struct entry *en, bool is_dir,
		       struct sk_error **err)
{
	struct stat st;

	if (fstatat(en->dfd, en->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return entry_fail(x, en, errno, "stat", err);
	}
	bool was_dir = S_ISDIR(st.st_mode);
	if (is_dir && was_dir)
		return 1;
	if (was_dir != is_dir && !x->o->overwrite) {
		_cleanup_free_ char *shown = shown_path(x, en->rel);
		_cleanup_free_ char *name = quote(en->rel);
		return sk_error_set(err, SK_ERR_INVALID, was_dir ? EISDIR : ENOTDIR,
				    "cannot overwrite %sdirectory %s with %sdirectory %s",
				    was_dir ? "" : "non-", shown, was_dir ? "non-" : "", name);
	}
	int r = fs_rm_rf_at(en->dfd, en->name);
	if (r < 0)
		return entry_fail(x, en, r, "remove the existing file", err);
	return 0;
}

static int data_read(struct extractor *x, const struct entry *en, int fd, int64_t size,
		     struct sk_error **err)
{
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(x->a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return stream_fail(x, err);
		if (off < 0 || off > size || len > (uint64_t)(size - off))
			return sk_err_invalid(
				err, "read tar stream: %s: data beyond the file's size", en->rel);
		while (len > 0) {
			ssize_t n = RETRY_EINTR(pwrite(fd, buf, len, off));
			if (n < 0)
				return entry_fail(x, en, errno, "write", err);
			buf = (const char *)buf + n;
			len -= (size_t)n;
			off += n;
		}
	}
	if (ftruncate(fd, size) < 0) /* a sparse file's trailing hole */
		return entry_fail(x, en, errno, "write", err);
	return 0;
}

static int entry_file(struct extractor *x, const struct entry *en, struct sk_error **err)
{
	int64_t size = archive_entry_size(en->ae);
	if (size < 0)
		return sk_err_invalid(err, "read tar stream: %s: invalid size", en->rel);
	int r = entry_clear(x, en, false, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = openat(en->dfd, en->name,
					O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return entry_fail(x, en, errno, "create", err);
	r = data_read(x, en, fd, size, err);
	return r < 0 ? r : entry_meta(x, en, fd, err);
}

/* Directory mode and times wait for the end; the inode tells if it is still the same. */
static int dir_defer(struct extractor *x, const struct entry *en, int fd, struct sk_error **err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return entry_fail(x, en, errno, "stat", err);
	x->dirs = xreallocarray(x->dirs, x->n_dirs + 1, sizeof(*x->dirs));
	struct dir_fixup *f = &x->dirs[x->n_dirs++];
	*f = (struct dir_fixup){
		.path = xstrdup(en->path),
		.rel = xstrdup(en->rel),
		.dev = st.st_dev,
		.ino = st.st_ino,
		.mode = archive_entry_perm(en->ae) & 07777,
	};
	entry_times(en->ae, f->times);
	return 0;
}

static int entry_dir(struct extractor *x, const struct entry *en, struct sk_error **err)
{
	int r = entry_clear(x, en, true, err);
	if (r < 0)
		return r;
	if (r == 0 && mkdirat(en->dfd, en->name, 0700) < 0)
		return entry_fail(x, en, errno, "mkdir", err);
	_cleanup_close_ int fd =
		openat(en->dfd, en->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return entry_fail(x, en, errno, "open", err);
	r = entry_chown(x, en, fd, err);
	if (r >= 0)
		r = entry_xattrs(x, en, fd, err);
	return r < 0 ? r : dir_defer(x, en, fd, err);
}

static int entry_symlink(struct extractor *x, const struct entry *en, struct sk_error **err)
{
	const char *target = archive_entry_symlink(en->ae);
	if (isempty(target) || strlen(target) >= PATH_MAX)
		return sk_err_invalid(err, "read tar stream: %s: invalid symlink target", en->rel);
	int r = entry_clear(x, en, false, err);
	if (r < 0)
		return r;
	if (symlinkat(target, en->dfd, en->name) < 0)
		return entry_fail(x, en, errno, "symlink", err);
	r = entry_chown(x, en, -1, err);
	if (r < 0)
		return r;
	struct timespec ts[2];
	entry_times(en->ae, ts);
	if (utimensat(en->dfd, en->name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_fail(x, en, errno, "set times", err);
	return 0;
}

/* A hard link: its target is a name of this tar, resolved below the destination too. */
static int entry_hardlink(struct extractor *x, const struct entry *en, struct sk_error **err)
{
	const char *link = archive_entry_hardlink(en->ae);
	_cleanup_free_ char *clean = NULL;
	if (strlen(link) >= PATH_MAX || safe_path_clean(link, &clean) < 0 || !clean[0])
		return sk_err_invalid(err, "read tar stream: %s: invalid hard link target",
				      en->rel);
	_cleanup_free_ char *target = rel_join(x->o->dir, clean);
	if (streq(target, en->path))
		return 0;
	const char *tname;
	struct stat st;
	_cleanup_close_ int tfd =
		safe_path_open_parent(x->o->root_fd, target, false, 0, 0, 0, &tname);
	int r = tfd;
	if (r >= 0 && fstatat(tfd, tname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r >= 0 && S_ISDIR(st.st_mode))
		r = -EISDIR;
	if (r < 0)
		return entry_fail(x, en, r, "hard link", err);
	r = entry_clear(x, en, false, err);
	if (r < 0)
		return r;
	if (linkat(tfd, tname, en->dfd, en->name, 0) < 0)
		return entry_fail(x, en, errno, "hard link", err);
	return 0;
}

static int entry_node(struct extractor *x, const struct entry *en, mode_t type,
		      struct sk_error **err)
{
	dev_t dev = 0;
	if (type != S_IFIFO) {
		if (!x->o->devices)
			return 0;
		dev = makedev(archive_entry_rdevmajor(en->ae), archive_entry_rdevminor(en->ae));
	}
	int r = entry_clear(x, en, false, err);
	if (r < 0)
		return r;
	if (mknodat(en->dfd, en->name, type | 0600, dev) < 0)
		return entry_fail(x, en, errno, "mknod", err);
	return entry_meta(x, en, -1, err);
}

static int entry_write(struct extractor *x, const struct entry *en, struct sk_error **err)
{
	mode_t type = archive_entry_filetype(en->ae);
	if (archive_entry_hardlink(en->ae))
		return entry_hardlink(x, en, err);
	switch (type) {
	case AE_IFREG:
		return entry_file(x, en, err);
	case AE_IFDIR:
		return entry_dir(x, en, err);
	case AE_IFLNK:
		return entry_symlink(x, en, err);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return entry_node(x, en, type, err);
	default:
		return sk_err_invalid(err, "read tar stream: %s: unsupported file type 0%o",
				      en->rel, (unsigned)type);
	}
}

static int entry_owner(const struct extractor *x, struct entry *en, struct sk_error **err)
{
	if (x->o->chown) {
		en->uid = x->o->uid;
		en->gid = x->o->gid;
		return 0;
	}
	la_int64_t uid = archive_entry_uid(en->ae);
	la_int64_t gid = archive_entry_gid(en->ae);
	if (uid < 0 || uid >= UINT32_MAX || gid < 0 || gid >= UINT32_MAX)
		return sk_err_invalid(err,
				      "read tar stream: %s: invalid owner %" PRId64 ":%" PRId64,
				      en->rel, (int64_t)uid, (int64_t)gid);
	en->uid = (uid_t)uid;
	en->gid = (gid_t)gid;
	return 0;
}

static int extract_entry(struct extractor *x, struct archive_entry *ae, struct sk_error **err)
{
	const char *name = archive_entry_pathname(ae);
	_cleanup_free_ char *rel = NULL;
	if (!name || strlen(name) >= PATH_MAX)
		return sk_err_invalid(err, "read tar stream: entry without a valid name");
	if (safe_path_clean(name, &rel) < 0) {
		_cleanup_free_ char *shown = quote(name);
		return sk_err_invalid(err, "read tar stream: %s is outside of the destination",
				      shown);
	}
	if (!rel[0])
		return 0; /* "./": the destination stays as it is */
	_cleanup_free_ char *path = rel_join(x->o->dir, rel);
	struct entry en = { .ae = ae, .path = path, .rel = rel };
	int r = entry_owner(x, &en, err);
	if (r < 0)
		return r;
	uid_t puid = x->o->chown ? x->o->uid : (uid_t)-1;
	gid_t pgid = x->o->chown ? x->o->gid : (gid_t)-1;
	_cleanup_close_ int dfd =
		safe_path_open_parent(x->o->root_fd, path, true, 0755, puid, pgid, &en.name);
	if (dfd < 0)
		return entry_fail(x, &en, dfd, "open parent directory", err);
	en.dfd = dfd;
	return entry_write(x, &en, err);
}

static int dir_fixup(const struct extractor *x, const struct dir_fixup *f)
{
	struct stat st;
	_cleanup_close_ int fd =
		safe_path_open(x->o->root_fd, f->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
		return 0; /* replaced later in the tar */
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != f->dev || st.st_ino != f->ino)
		return 0;
	if (fchmod(fd, f->mode) < 0 || futimens(fd, f->times) < 0)
		return -errno;
	return 0;
}

static int extract_run(struct extractor *x, struct sk_error **err)
{
	x->a = archive_read_new();
	if (!x->a)
		abort();
	if (archive_read_support_filter_all(x->a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(x->a) != ARCHIVE_OK)
		return stream_fail(x, err);
	bool first = true;
	int r = archive_read_open(x->a, x, NULL, tar_in, NULL);
	for (; r == ARCHIVE_OK || r == ARCHIVE_WARN; first = false) {
		struct archive_entry *ae;
		r = archive_read_next_header(x->a, &ae);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			break;
		r = extract_entry(x, ae, err);
		if (r < 0)
			return r;
	}
	if (r != ARCHIVE_EOF) {
		if (first && !x->in_errno)
			return sk_err_invalid(err, "source must be a (compressed) tar archive");
		return stream_fail(x, err);
	}
	for (size_t i = 0; i < x->n_dirs; i++) {
		r = dir_fixup(x, &x->dirs[i]);
		if (r < 0) {
			_cleanup_free_ char *shown = shown_path(x, x->dirs[i].rel);
			return sk_err_system(err, r, "copying to %s: set directory metadata: %s",
					     shown, strerror(-r));
		}
	}
	return 0;
}

int ctr_cp_tar_extract(int in_fd, const struct ctr_cp_extract_opts *o, struct sk_error **err)
{
	_cleanup_(extractor_freep) struct extractor *x = xnew(struct extractor, 1);
	x->o = o;
	x->in_fd = in_fd;
	return extract_run(x, err);
}
