/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diffing a layer into a tar. The tree is walked through directory fds only (every child is
 * opened with O_NOFOLLOW from its parent's fd), so symlinks in the tree are never followed.
 * An unchanged directory of a vfs layer is held back on a stack of pending frames and written
 * just before the first changed entry below it, so that unpacking restores its metadata.
 */
#include "store/layer-diff.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define DIFF_BUF_SIZE (128 * 1024)
#define DIFF_BLOCK_SIZE (64 * 1024)
/* Bound on one file's xattr names or values (the kernel's own limit is 64 KiB). */
#define DIFF_XATTR_MAX (64 * 1024)

/* A directory being walked; its header is written once (when changed, or before a change). */
struct frame {
	char *rel; /* "" for the root */
	int fd;	   /* O_RDONLY directory */
	bool written;
};

struct link_seen {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct differ {
	const struct store_diff_opts *opts;
	bool overlay;
	int out_fd;
	int write_errno;
	struct archive *a;
	bool closed;
	struct archive_entry *ae;
	struct digester *digest;
	uint64_t size;
	struct frame **stack;
	size_t depth;
	size_t stack_alloc;
	struct link_seen *links;
	size_t n_links;
	char buf[DIFF_BUF_SIZE];
};

static void differ_free(struct differ *d)
{
	if (!d)
		return;
	if (d->a && !d->closed)
		archive_write_fail(d->a); /* a failed diff: free must not write the trailer */
	archive_write_free(d->a);
	archive_entry_free(d->ae);
	digester_free(d->digest);
	free(d->stack);
	for (size_t i = 0; i < d->n_links; i++)
		free(d->links[i].rel);
	free(d->links);
	free(d);
}
DEFINE_CLEANUP_FUNC(struct differ *, differ_free)

static char *quote_rel(const char *rel)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '"');
	strbuf_add_json_escaped(&sb, rel);
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

static int diff_fail(const char *rel, int errnum, const char *what, struct sk_error **err)
{
	_cleanup_free_ char *shown = quote_rel(rel[0] ? rel : ".");
	return sk_err_system(err, errnum, "layer diff: %s: %s: %s", shown, what,
			     strerror(errnum < 0 ? -errnum : errnum));
}

static int archive_fail(struct differ *d, const char *rel, struct sk_error **err)
{
	if (d->write_errno)
		return diff_fail(rel, d->write_errno, "write tar", err);
	const char *why = archive_error_string(d->a);
	_cleanup_free_ char *shown = quote_rel(rel[0] ? rel : ".");
	if (!why)
		why = "tar writer failed";
	return sk_err_internal(err, "layer diff: %s: %c%s", shown, tolower((unsigned char)why[0]),
			       why + 1);
}

static la_ssize_t tar_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct differ *d = data;
	int r = fd_write_all(d->out_fd, buf, len);
	if (r < 0) {
		d->write_errno = -r;
		archive_set_error(a, -r, "write error");
		return -1;
	}
	digester_update(d->digest, buf, len);
	d->size += len;
	return (la_ssize_t)len;
}

static char *rel_join(const char *dir, const char *name)
{
	return dir[0] ? xasprintf("%s/%s", dir, name) : xstrdup(name);
}

/* ---- reading the tree ---- */

static bool xattr_wanted(const char *name)
{
	if (streq(name, "security.capability"))
		return true;
	return strneq(name, "user.", strlen("user.")) &&
	       !strneq(name, "user.overlay.", strlen("user.overlay."));
}

/* The wanted xattr names of a file (sorted), through fd or by name in dfd. -errno. */
static int xattr_names(int fd, int dfd, const char *name, char ***ret)
{
	_cleanup_free_ char *proc = fd < 0 ? xasprintf("/proc/self/fd/%d/%s", dfd, name) : NULL;
	char list[DIFF_XATTR_MAX];
	ssize_t n =
		fd >= 0 ? flistxattr(fd, list, sizeof(list)) : llistxattr(proc, list, sizeof(list));
	char **v = NULL;

	if (n < 0)
		return errno == ENOTSUP ? (*ret = NULL, 0) : -errno;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(list + i) + 1)
		if (xattr_wanted(list + i))
			strv_push(&v, list + i);
	if (v)
		strv_sort(v);
	*ret = v;
	return 0;
}

static ssize_t xattr_get(int fd, int dfd, const char *name, const char *key, char *buf, size_t size)
{
	if (fd >= 0)
		return fgetxattr(fd, key, buf, size);
	_cleanup_free_ char *proc = xasprintf("/proc/self/fd/%d/%s", dfd, name);
	return lgetxattr(proc, key, buf, size);
}

/* Add the wanted xattrs to the entry. -errno. */
static int add_xattrs(struct differ *d, int fd, int dfd, const char *name)
{
	_cleanup_strv_free_ char **keys = NULL;
	char value[DIFF_XATTR_MAX];

	int r = xattr_names(fd, dfd, name, &keys);
	if (r < 0)
		return r;
	for (size_t i = 0; keys && keys[i]; i++) {
		ssize_t n = xattr_get(fd, dfd, name, keys[i], value, sizeof(value));
		if (n < 0) {
			if (errno == ENODATA)
				continue; /* gone meanwhile */
			return -errno;
		}
		archive_entry_xattr_add_entry(d->ae, keys[i], value, (size_t)n);
	}
	return 0;
}

/* ---- writing entries ---- */

/* Start an entry from a stat: name, type and mode, owner, whole-second mtime. */
static int entry_start(struct differ *d, const char *rel, const struct stat *st,
		       struct sk_error **err)
{
	uid_t uid = st->st_uid;
	gid_t gid = st->st_gid;

	if (d->opts->idmap && d->opts->idmap(d->opts->idmap_data, &uid, &gid) < 0) {
		_cleanup_free_ char *shown = quote_rel(rel);
		return sk_error_set(err, SK_ERR_INVALID, EINVAL,
				    "layer diff: %s: owner %u:%u is not mapped", shown,
				    (unsigned)st->st_uid, (unsigned)st->st_gid);
	}
	archive_entry_clear(d->ae);
	archive_entry_set_pathname(d->ae, rel);
	archive_entry_set_mode(d->ae, st->st_mode);
	archive_entry_set_uid(d->ae, uid);
	archive_entry_set_gid(d->ae, gid);
	archive_entry_set_mtime(d->ae, st->st_mtim.tv_sec, 0);
	return 0;
}

static int entry_write(struct differ *d, const char *rel, struct sk_error **err)
{
	int r = archive_write_header(d->a, d->ae);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return archive_fail(d, rel, err);
	return 0;
}

/* A ".wh.NAME" entry in directory dir: with the metadata of st (an overlay whiteout), or
 * root's 0600 at the epoch for a vfs deletion (st NULL). */
static int write_whiteout(struct differ *d, const char *dir, const char *name,
			  const struct stat *st, struct sk_error **err)
{
	_cleanup_free_ char *base = xasprintf(STORE_WHITEOUT_PREFIX "%s", name);
	_cleanup_free_ char *rel = rel_join(dir, base);
	if (st) {
		int r = entry_start(d, rel, st, err);
		if (r < 0)
			return r;
	} else {
		archive_entry_clear(d->ae);
		archive_entry_set_pathname(d->ae, rel);
		archive_entry_set_perm(d->ae, 0600);
	}
	archive_entry_set_filetype(d->ae, AE_IFREG);
	archive_entry_set_size(d->ae, 0);
	return entry_write(d, rel, err);
}

static bool dir_is_opaque(const struct differ *d, int fd)
{
	const char *key = d->opts->userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
	char v[2];
	ssize_t n = fgetxattr(fd, key, v, sizeof(v));
	return n == 1 && v[0] == 'y';
}

static int write_dir(struct differ *d, struct frame *f, struct sk_error **err)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0)
		return diff_fail(f->rel, errno, "stat", err);
	int r = entry_start(d, f->rel, &st, err);
	if (r < 0)
		return r;
	r = add_xattrs(d, f->fd, -1, NULL);
	if (r < 0)
		return diff_fail(f->rel, r, "read xattrs", err);
	r = entry_write(d, f->rel, err);
	if (r < 0)
		return r;
	f->written = true;
	if (d->overlay && dir_is_opaque(d, f->fd)) {
		_cleanup_free_ char *rel = rel_join(f->rel, STORE_WHITEOUT_OPAQUE);
		r = entry_start(d, rel, &st, err);
		if (r < 0)
			return r;
		archive_entry_set_filetype(d->ae, AE_IFREG);
		archive_entry_set_perm(d->ae, st.st_mode & 0777);
		archive_entry_set_size(d->ae, 0);
		r = entry_write(d, rel, err);
	}
	return r;
}

/* Write the headers of the directories still pending above the next entry. */
static int flush_pending(struct differ *d, struct sk_error **err)
{
	for (size_t i = 0; i < d->depth; i++) {
		if (d->stack[i]->written)
			continue;
		int r = write_dir(d, d->stack[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_data(struct differ *d, int fd, const char *rel, off_t size, struct sk_error **err)
{
	while (size > 0) {
		ssize_t n = RETRY_EINTR(read(fd, d->buf, (size_t)MIN((off_t)sizeof(d->buf), size)));
		if (n < 0)
			return diff_fail(rel, errno, "read", err);
		if (n == 0)
			break; /* shrunk meanwhile: the writer pads with zeros */
		if (archive_write_data(d->a, d->buf, (size_t)n) < 0)
			return archive_fail(d, rel, err);
		size -= n;
	}
	return 0;
}

/* A regular file: content, or a link entry to where this inode went into the tar first. */
static int write_file(struct differ *d, int dfd, const char *name, const char *rel,
		      struct sk_error **err)
{
	struct stat st;
	_cleanup_close_ int fd =
		openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return diff_fail(rel, errno, "open", err);
	if (!S_ISREG(st.st_mode))
		return diff_fail(rel, EAGAIN, "open", err); /* replaced while we looked */
	int r = entry_start(d, rel, &st, err);
	if (r < 0)
		return r;
	if (st.st_nlink > 1) {
		for (size_t i = 0; i < d->n_links; i++) {
			if (d->links[i].dev == st.st_dev && d->links[i].ino == st.st_ino) {
				archive_entry_set_hardlink(d->ae, d->links[i].rel);
				archive_entry_set_size(d->ae, 0);
				return entry_write(d, rel, err);
			}
		}
		d->links = xreallocarray(d->links, d->n_links + 1, sizeof(*d->links));
		d->links[d->n_links++] = (struct link_seen){ st.st_dev, st.st_ino, xstrdup(rel) };
	}
	archive_entry_set_size(d->ae, st.st_size);
	r = add_xattrs(d, fd, -1, NULL);
	if (r < 0)
		return diff_fail(rel, r, "read xattrs", err);
	r = entry_write(d, rel, err);
	if (r < 0)
		return r;
	return write_data(d, fd, rel, st.st_size, err);
}

/* Symlinks, devices, FIFOs. */
static int write_other(struct differ *d, int dfd, const char *name, const char *rel,
		       const struct stat *st, struct sk_error **err)
{
	int r = entry_start(d, rel, st, err);
	if (r < 0)
		return r;
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return diff_fail(rel, errno, "readlink", err);
		target[n] = '\0';
		archive_entry_set_symlink(d->ae, target);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		archive_entry_set_rdevmajor(d->ae, major(st->st_rdev));
		archive_entry_set_rdevminor(d->ae, minor(st->st_rdev));
	}
	r = add_xattrs(d, -1, dfd, name);
	if (r < 0)
		return diff_fail(rel, r, "read xattrs", err);
	return entry_write(d, rel, err);
}

/* ---- comparing with the parent (vfs) ---- */

/* Docker's sameFsTime: a side without nanoseconds compares by seconds only. */
static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec &&
	       (a->tv_nsec == b->tv_nsec || a->tv_nsec == 0 || b->tv_nsec == 0);
}

/* Whether the wanted xattrs of name differ between dfd and odfd. -errno. */
static int xattrs_differ(int dfd, int odfd, const char *name)
{
	_cleanup_strv_free_ char **keys = NULL;
	_cleanup_strv_free_ char **okeys = NULL;
	_cleanup_free_ char *v = xmalloc(DIFF_XATTR_MAX);
	_cleanup_free_ char *ov = xmalloc(DIFF_XATTR_MAX);

	int r = xattr_names(-1, dfd, name, &keys);
	if (r >= 0)
		r = xattr_names(-1, odfd, name, &okeys);
	if (r < 0)
		return r;
	if (strv_length(keys) != strv_length(okeys))
		return 1;
	for (size_t i = 0; keys && keys[i]; i++) {
		if (!streq(keys[i], okeys[i]))
			return 1;
		ssize_t n = xattr_get(-1, dfd, name, keys[i], v, DIFF_XATTR_MAX);
		ssize_t on = xattr_get(-1, odfd, name, keys[i], ov, DIFF_XATTR_MAX);
		if (n < 0 || on < 0)
			return -errno;
		if (n != on || memcmp(v, ov, (size_t)n) != 0)
			return 1;
	}
	return 0;
}

static int links_differ(int dfd, int odfd, const char *name)
{
	char t[PATH_MAX], ot[PATH_MAX];
	ssize_t n = readlinkat(dfd, name, t, sizeof(t));
	ssize_t on = readlinkat(odfd, name, ot, sizeof(ot));
	if (n < 0 || on < 0)
		return -errno;
	return n != on || memcmp(t, ot, (size_t)n) != 0;
}

/* 1 when name changed from the parent's (odfd) to the layer's (dfd), 0 if not, -errno. */
static int entry_changed(int dfd, int odfd, const char *name, const struct stat *st,
			 const struct stat *ost)
{
	if (st->st_mode != ost->st_mode || st->st_uid != ost->st_uid || st->st_gid != ost->st_gid)
		return 1;
	if (!S_ISDIR(st->st_mode) && !same_time(&st->st_mtim, &ost->st_mtim))
		return 1;
	if (S_ISREG(st->st_mode) && st->st_size != ost->st_size)
		return 1;
	if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) && st->st_rdev != ost->st_rdev)
		return 1;
	if (S_ISLNK(st->st_mode)) {
		int r = links_differ(dfd, odfd, name);
		if (r != 0)
			return r;
	}
	return xattrs_differ(dfd, odfd, name);
}

/* ---- the walk ---- */

static void stack_push(struct differ *d, struct frame *f)
{
	if (d->depth == d->stack_alloc) {
		d->stack_alloc = d->stack_alloc ? d->stack_alloc * 2 : 16;
		d->stack = xreallocarray(d->stack, d->stack_alloc, sizeof(*d->stack));
	}
	d->stack[d->depth++] = f;
}

static int walk_dir(struct differ *d, struct frame *f, int odfd, struct sk_error **err);

static int visit_dir(struct differ *d, struct frame *parent, int odfd, const char *name, char *rel,
		     bool changed, struct sk_error **err)
{
	_cleanup_close_ int fd =
		openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return diff_fail(rel, errno, "open", err);
	_cleanup_close_ int ofd = -1;
	if (odfd >= 0) {
		ofd = openat(odfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ofd < 0)
			return diff_fail(rel, errno, "open in the parent layer", err);
	}
	struct frame child = { .rel = rel, .fd = fd };
	stack_push(d, &child);
	int r = changed ? flush_pending(d, err) : 0;
	if (r >= 0)
		r = walk_dir(d, &child, ofd, err);
	d->depth--;
	return r;
}

/* One name of directory f; odfd is the parent layer's same directory (-1: none). */
static int visit(struct differ *d, struct frame *f, int odfd, const char *name,
		 struct sk_error **err)
{
	_cleanup_free_ char *rel = rel_join(f->rel, name);
	struct stat st, ost;
	int changed = 1;

	if (fstatat(f->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : diff_fail(rel, errno, "stat", err);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (d->overlay && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		int r = flush_pending(d, err);
		return r < 0 ? r : write_whiteout(d, f->rel, name, &st, err);
	}
	if (odfd >= 0 && fstatat(odfd, name, &ost, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return diff_fail(rel, errno, "stat in the parent layer", err);
		odfd = -1;
	}
	if (odfd >= 0) {
		changed = entry_changed(f->fd, odfd, name, &st, &ost);
		if (changed < 0)
			return diff_fail(rel, changed, "compare with the parent layer", err);
	}
	if (S_ISDIR(st.st_mode))
		return visit_dir(d, f, odfd >= 0 && S_ISDIR(ost.st_mode) ? odfd : -1, name, rel,
				 changed, err);
	if (!changed)
		return 0;
	int r = flush_pending(d, err);
	if (r < 0)
		return r;
	if (S_ISREG(st.st_mode))
		return write_file(d, f->fd, name, rel, err);
	return write_other(d, f->fd, name, rel, &st, err);
}

/* The children of f in name order, with whiteouts for the names only odfd has. */
static int walk_dir(struct differ *d, struct frame *f, int odfd, struct sk_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_strv_free_ char **onames = NULL;

	int r = fs_dir_names_sorted(f->fd, &names);
	if (r < 0)
		return diff_fail(f->rel, r, "read directory", err);
	if (odfd >= 0 && (r = fs_dir_names_sorted(odfd, &onames)) < 0)
		return diff_fail(f->rel, r, "read directory in the parent layer", err);
	for (size_t i = 0, j = 0; names[i] || (onames && onames[j]);) {
		int c = !names[i] ? 1 : !(onames && onames[j]) ? -1 : strcmp(names[i], onames[j]);
		if (c > 0) {
			r = flush_pending(d, err);
			if (r >= 0)
				r = write_whiteout(d, f->rel, onames[j], NULL, err);
			j++;
		} else {
			r = visit(d, f, c == 0 ? odfd : -1, names[i], err);
			i++;
			j += c == 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int differ_open(struct differ *d, struct sk_error **err)
{
	d->a = archive_write_new();
	d->ae = archive_entry_new();
	if (!d->a || !d->ae)
		abort();
	if (archive_write_set_format_pax_restricted(d->a) != ARCHIVE_OK ||
	    archive_write_set_format_option(d->a, "pax", "xattrheader", "SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(d->a, DIFF_BLOCK_SIZE) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(d->a, 1) != ARCHIVE_OK ||
	    archive_write_open(d->a, d, NULL, tar_write, NULL) != ARCHIVE_OK)
		return sk_err_internal(err, "layer diff: set up the tar writer: %s",
				       archive_error_string(d->a) ?: "unknown error");
	return 0;
}

static int layer_diff(const struct store_diff_opts *opts, int out_fd, struct store_diff_result *ret,
		      struct sk_error **err)
{
	_cleanup_(differ_freep) struct differ *d = xnew(struct differ, 1);
	d->opts = opts;
	d->overlay = opts->mode == STORE_LAYER_OVERLAY;
	d->out_fd = out_fd;
	d->digest = digester_new();
	int r = differ_open(d, err);
	if (r < 0)
		return r;

	_cleanup_close_ int fd = openat(opts->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diff_fail("", errno, "open", err);
	_cleanup_close_ int ofd = -1;
	if (!d->overlay && opts->parent_fd >= 0) {
		ofd = openat(opts->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (ofd < 0)
			return diff_fail("", errno, "open the parent layer", err);
	}
	struct frame root = { .rel = (char *)"", .fd = fd, .written = true };
	stack_push(d, &root);
	r = walk_dir(d, &root, ofd, err);
	if (r < 0)
		return r;
	d->closed = true;
	if (archive_write_close(d->a) != ARCHIVE_OK)
		return archive_fail(d, "", err);
	digester_final(d->digest, ret->diff_id);
	ret->size = d->size;
	return 0;
}

/*
 * libarchive converts names between the current locale and the UTF-8 of pax records: under
 * "C" a non-ASCII name gets a "hdrcharset=BINARY" record, under a UTF-8 locale it does not.
 * The same tree must give the same tar whatever the caller's locale: this thread works in
 * C.UTF-8 while writing (names that are not UTF-8 still go out as binary, always alike).
 */
int store_layer_diff(const struct store_diff_opts *opts, int out_fd, struct store_diff_result *ret,
		     struct sk_error **err)
{
	if (!store_layer_mode_to_string(opts->mode))
		return sk_err_invalid(err, "layer diff: invalid mode %d", (int)opts->mode);
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	int r = layer_diff(opts, out_fd, ret, err);
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	return r;
}

int store_layer_tar_dir(int dir_fd, int out_fd, struct store_diff_result *ret,
			struct sk_error **err)
{
	struct store_diff_opts opts = {
		.mode = STORE_LAYER_APPLY,
		.dir_fd = dir_fd,
		.parent_fd = -1,
	};
	return store_layer_diff(&opts, out_fd, ret, err);
}
