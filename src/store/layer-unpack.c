/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unpacking a layer. Two libarchive readers in a pipe: the first ("raw" format, gzip and zstd
 * filters) turns the blob into the uncompressed tar stream, which is digested (the diff ID),
 * counted (the size bound) and fed to the second (tar format) through a read callback.
 *
 * Every entry's parent directory is opened inside the destination with safe_path (openat2
 * RESOLVE_IN_ROOT), and the entry itself is made with *at() calls on that directory fd and
 * never followed, so neither ".." nor symlinks, from this tar or already on disk, lead out.
 * Directory modes and times are set at the end, since writing into a directory changes its
 * mtime; opaque directories of a vfs (APPLY) layer are emptied at the end too, keeping what
 * this layer wrote, since their marker may come after the layer's own entries.
 */
#include "store/layer-unpack.h"

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

#define UNPACK_BUF_SIZE (128 * 1024)
/* Entry names longer than this in messages are cut. */
#define UNPACK_SHOWN_MAX 200

static const char *const layer_mode_names[_STORE_LAYER_MODE_MAX] = {
	[STORE_LAYER_OVERLAY] = "overlay",
	[STORE_LAYER_APPLY] = "vfs",
};

static const char *const compression_names[_STORE_COMPRESSION_MAX] = {
	[STORE_COMPRESSION_NONE] = "none",
	[STORE_COMPRESSION_GZIP] = "gzip",
	[STORE_COMPRESSION_ZSTD] = "zstd",
};

const char *store_layer_mode_to_string(enum store_layer_mode m)
{
	return (int)m >= 0 && m < _STORE_LAYER_MODE_MAX ? layer_mode_names[m] : NULL;
}

enum store_layer_mode store_layer_mode_from_string(const char *s)
{
	for (int i = 0; s && i < _STORE_LAYER_MODE_MAX; i++)
		if (streq(s, layer_mode_names[i]))
			return (enum store_layer_mode)i;
	return _STORE_LAYER_MODE_INVALID;
}

const char *store_compression_to_string(enum store_compression c)
{
	return (int)c >= 0 && c < _STORE_COMPRESSION_MAX ? compression_names[c] : NULL;
}

enum store_compression store_compression_from_string(const char *s)
{
	for (int i = 0; s && i < _STORE_COMPRESSION_MAX; i++)
		if (streq(s, compression_names[i]))
			return (enum store_compression)i;
	return _STORE_COMPRESSION_INVALID;
}

/* A directory whose mode and times are set once every entry is written. */
struct dir_fixup {
	char *path;
	dev_t dev;
	ino_t ino;
	mode_t mode;
	struct timespec times[2];
};

/* An entry this layer wrote, by its parent directory and name (APPLY: opaque dirs keep it). */
struct layer_mark {
	dev_t dev;
	ino_t ino;
	char *name;
};

struct unpack {
	const struct store_unpack_opts *opts;
	int root_fd;
	uint64_t max_size;
	uid_t root_uid; /* owner of the parent directories we make up ((uid_t)-1: ours) */
	gid_t root_gid;

	/* the stream */
	int blob_fd;
	int blob_errno;
	uint64_t blob_bytes;
	struct archive *raw;
	struct archive *tar;
	bool empty; /* a zero-byte blob: an empty layer */
	bool raw_failed;
	bool over_limit;
	struct digester *digest;
	uint64_t size;
	enum store_compression compression;

	/* the tree */
	struct dir_fixup *dirs;
	size_t n_dirs;
	struct layer_mark *marks;
	size_t n_marks;
	char **opaque; /* APPLY: directories to empty at the end */
	uint64_t devices_skipped;

	char blob_buf[UNPACK_BUF_SIZE];
	char tar_buf[UNPACK_BUF_SIZE];
};

/* The entry being written. */
struct entry {
	struct archive_entry *ae;
	const char *path;  /* cleaned, relative, "" for the root */
	const char *shown; /* the tar's name, quoted, for messages */
	int dfd;	   /* its parent directory */
	const char *name;  /* its last component */
	uid_t uid;
	gid_t gid;
};

static void unpack_free(struct unpack *u)
{
	if (!u)
		return;
	archive_read_free(u->tar);
	archive_read_free(u->raw);
	digester_free(u->digest);
	for (size_t i = 0; i < u->n_dirs; i++)
		free(u->dirs[i].path);
	free(u->dirs);
	for (size_t i = 0; i < u->n_marks; i++)
		free(u->marks[i].name);
	free(u->marks);
	strv_free(u->opaque);
	free(u);
}
DEFINE_CLEANUP_FUNC(struct unpack *, unpack_free)

/* "name" JSON-escaped (no control characters reach a terminal) and cut when long. */
static char *quote_name(const char *name)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(name);
	_cleanup_free_ char *cut = xstrndup(name, MIN(len, (size_t)UNPACK_SHOWN_MAX));

	strbuf_addch(&sb, '"');
	strbuf_add_json_escaped(&sb, cut);
	if (len > UNPACK_SHOWN_MAX)
		strbuf_addstr(&sb, "...");
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

/* ---- the stream ---- */

static la_ssize_t blob_read(struct archive *a, void *data, const void **buf)
{
	struct unpack *u = data;
	ssize_t n = RETRY_EINTR(read(u->blob_fd, u->blob_buf, sizeof(u->blob_buf)));
	if (n < 0) {
		u->blob_errno = errno;
		archive_set_error(a, errno, "read error");
		return -1;
	}
	u->blob_bytes += (uint64_t)n;
	*buf = u->blob_buf;
	return n;
}

/* The tar reader's input: the raw reader's output, digested and counted. */
static la_ssize_t tar_read(struct archive *a, void *data, const void **buf)
{
	struct unpack *u = data;
	la_ssize_t n = archive_read_data(u->raw, u->tar_buf, sizeof(u->tar_buf));
	if (n < 0) {
		u->raw_failed = true;
		return -1;
	}
	digester_update(u->digest, u->tar_buf, (size_t)n);
	u->size += (uint64_t)n;
	if (u->size > u->max_size) {
		u->over_limit = true;
		return -1;
	}
	*buf = u->tar_buf;
	return n;
}

/* The error of a failed read, from the stage that failed first. */
static int stream_error(struct unpack *u, struct archive *a, struct sk_error **err)
{
	if (u->over_limit)
		return sk_err_corrupt(
			err, "layer: uncompressed size exceeds the limit of %" PRIu64 " bytes",
			u->max_size);
	if (u->blob_errno)
		return sk_err_system(err, u->blob_errno, "layer: read blob: %s",
				     strerror(u->blob_errno));
	if (u->raw_failed)
		a = u->raw;
	const char *why = archive_error_string(a);
	if (!why)
		why = "unreadable archive";
	/* libarchive capitalises its messages; ours are lowercase */
	return sk_err_corrupt(err, "layer: %c%s", tolower((unsigned char)why[0]), why + 1);
}

static enum store_compression compression_of(int filter_code)
{
	switch (filter_code) {
	case ARCHIVE_FILTER_GZIP:
		return STORE_COMPRESSION_GZIP;
	case ARCHIVE_FILTER_ZSTD:
		return STORE_COMPRESSION_ZSTD;
	default:
		return STORE_COMPRESSION_NONE;
	}
}

static int stream_open(struct unpack *u, struct sk_error **err)
{
	struct archive_entry *ae;

	u->raw = archive_read_new();
	u->tar = archive_read_new();
	if (!u->raw || !u->tar)
		abort();
	if (archive_read_support_filter_gzip(u->raw) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(u->raw) != ARCHIVE_OK ||
	    archive_read_support_format_raw(u->raw) != ARCHIVE_OK ||
	    archive_read_support_format_tar(u->tar) != ARCHIVE_OK ||
	    archive_read_support_format_empty(u->tar) != ARCHIVE_OK)
		return sk_err_internal(err, "layer: libarchive lacks tar, gzip or zstd support");

	int r = archive_read_open(u->raw, u, NULL, blob_read, NULL);
	if (r == ARCHIVE_OK)
		r = archive_read_next_header(u->raw, &ae);
	if (r != ARCHIVE_OK) {
		if (u->blob_bytes == 0 && u->blob_errno == 0) {
			/* nothing at all: an empty layer, as Go's tar reader sees it */
			u->empty = true;
			return 0;
		}
		return stream_error(u, u->raw, err);
	}
	if (archive_filter_count(u->raw) > 2)
		return sk_err_corrupt(err, "layer: nested compression is not supported");
	u->compression = compression_of(archive_filter_code(u->raw, 0));

	if (archive_read_open(u->tar, u, NULL, tar_read, NULL) != ARCHIVE_OK)
		return stream_error(u, u->tar, err);
	return 0;
}

/* Read what follows the end of the tar: the diff ID covers the whole stream. */
static int stream_drain(struct unpack *u, struct sk_error **err)
{
	const void *buf;
	la_ssize_t n;

	while ((n = tar_read(u->tar, u, &buf)) > 0)
		;
	return n < 0 ? stream_error(u, u->raw, err) : 0;
}

/* ---- metadata ---- */

static int entry_fail(const struct entry *en, int errnum, const char *what, struct sk_error **err)
{
	return sk_err_system(err, errnum, "layer entry %s: %s: %s", en->shown, what,
			     strerror(errnum));
}

/* The parent could not be opened: a missing or non-directory component is the tar's fault
 * (or its lower layers'), anything else the disk's. */
static int parent_fail(const struct entry *en, int errnum, struct sk_error **err)
{
	if (errnum == ENOENT || errnum == ENOTDIR || errnum == ELOOP || errnum == EXDEV)
		return sk_error_set(err, SK_ERR_CORRUPT, errnum,
				    "layer entry %s: open parent directory: %s", en->shown,
				    strerror(errnum));
	return entry_fail(en, errnum, "open parent directory", err);
}

static bool xattr_allowed(const char *name)
{
	/* trusted.* and user.overlay.* would steer overlayfs (opaque, redirect, metacopy);
	 * SELinux labels are the engine's to set. */
	return !strneq(name, "trusted.", strlen("trusted.")) &&
	       !strneq(name, "user.overlay.", strlen("user.overlay.")) &&
	       !streq(name, "security.selinux");
}

/* Set the entry's xattrs through fd, or by name in its parent when fd < 0. */
static int entry_set_xattrs(const struct entry *en, int fd, struct sk_error **err)
{
	const char *name;
	const void *value;
	size_t size;
	_cleanup_free_ char *proc = NULL;

	archive_entry_xattr_reset(en->ae);
	while (archive_entry_xattr_next(en->ae, &name, &value, &size) == ARCHIVE_OK) {
		if (!xattr_allowed(name))
			continue;
		int r;
		if (fd >= 0) {
			r = fsetxattr(fd, name, value, size, 0);
		} else {
			if (!proc) /* the parent is trusted; the name is never followed */
				proc = xasprintf("/proc/self/fd/%d/%s", en->dfd, en->name);
			r = lsetxattr(proc, name, value, size, 0);
		}
		/* as containers/storage: file systems without (these) xattrs are no error */
		if (r < 0 && errno != ENOTSUP && errno != EPERM)
			return sk_err_system(err, errno, "layer entry %s: set xattr \"%s\": %s",
					     en->shown, name, strerror(errno));
	}
	return 0;
}

static int entry_chown(const struct unpack *u, const struct entry *en, int fd,
		       struct sk_error **err)
{
	int r = fd >= 0 ? fchown(fd, en->uid, en->gid)
			: fchownat(en->dfd, en->name, en->uid, en->gid, AT_SYMLINK_NOFOLLOW);
	if (r >= 0)
		return 0;
	if (u->opts->ignore_chown_errors && (errno == EPERM || errno == EINVAL))
		return 0;
	if (errno == EINVAL) /* the owner has no ID in this user namespace */
		return sk_err_system(err, errno,
				     "layer entry %s: owner %u:%u is not mapped in the user "
				     "namespace: add subordinate IDs (/etc/subuid, /etc/subgid) "
				     "for this user, then run `selkie system migrate`",
				     en->shown, (unsigned)en->uid, (unsigned)en->gid);
	return entry_fail(en, errno, "chown", err);
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(ae);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ae);
	if (ts[1].tv_nsec < 0 || ts[1].tv_nsec >= 1000000000)
		ts[1].tv_nsec = 0;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(ae)) {
		ts[0].tv_sec = archive_entry_atime(ae);
		ts[0].tv_nsec = archive_entry_atime_nsec(ae);
		if (ts[0].tv_nsec < 0 || ts[0].tv_nsec >= 1000000000)
			ts[0].tv_nsec = 0;
	}
}

/* Owner, then mode (chown clears setuid), then xattrs (chown clears capabilities), then times.
 * fd is the open file, or -1 for a node handled by name. */
static int entry_set_meta(const struct unpack *u, const struct entry *en, int fd,
			  struct sk_error **err)
{
	mode_t mode = archive_entry_perm(en->ae) & 07777;
	struct timespec ts[2];

	int r = entry_chown(u, en, fd, err);
	if (r < 0)
		return r;
	r = fd >= 0 ? fchmod(fd, mode) : fchmodat(en->dfd, en->name, mode, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return entry_fail(en, errno, "chmod", err);
	r = entry_set_xattrs(en, fd, err);
	if (r < 0)
		return r;
	entry_times(en->ae, ts);
	r = fd >= 0 ? futimens(fd, ts) : utimensat(en->dfd, en->name, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return entry_fail(en, errno, "set times", err);
	return 0;
}

/* APPLY: remember that this layer wrote the entry, for opaque directories. */
static int entry_mark(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	struct stat st;

	if (u->opts->mode != STORE_LAYER_APPLY)
		return 0;
	if (fstat(en->dfd, &st) < 0)
		return entry_fail(en, errno, "stat parent", err);
	u->marks = xreallocarray(u->marks, u->n_marks + 1, sizeof(*u->marks));
	u->marks[u->n_marks++] = (struct layer_mark){
		.dev = st.st_dev,
		.ino = st.st_ino,
		.name = xstrdup(en->name),
	};
	return 0;
}

/* Directory mode and times wait for the end; the inode tells if it is still the same. */
static int dir_defer(struct unpack *u, const struct entry *en, int fd, struct sk_error **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return entry_fail(en, errno, "stat", err);
	u->dirs = xreallocarray(u->dirs, u->n_dirs + 1, sizeof(*u->dirs));
	struct dir_fixup *f = &u->dirs[u->n_dirs++];
	*f = (struct dir_fixup){
		.path = xstrdup(en->path),
		.dev = st.st_dev,
		.ino = st.st_ino,
		.mode = archive_entry_perm(en->ae) & 07777,
	};
	entry_times(en->ae, f->times);
	return 0;
}

/* ---- entries ---- */

/*
 * Make room for the entry: whatever has its name goes, unless both are directories (then the
 * layer's directory is merged into the one there). Returns 1 when a directory was kept.
 */
static int entry_clear(const struct entry *en, bool is_dir, struct sk_error **err)
{
	struct stat st;

	if (fstatat(en->dfd, en->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return entry_fail(en, errno, "stat", err);
	}
	if (is_dir && S_ISDIR(st.st_mode))
		return 1;
	int r = fs_rm_rf_at(en->dfd, en->name);
	if (r < 0)
		return entry_fail(en, -r, "remove the existing file", err);
	return 0;
}

static int write_data(struct unpack *u, const struct entry *en, int fd, int64_t size,
		      struct sk_error **err)
{
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int r = archive_read_data_block(u->tar, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return stream_error(u, u->tar, err);
		if (off < 0 || off > size || len > (uint64_t)(size - off))
			return sk_err_corrupt(err, "layer entry %s: data beyond the file's size",
					      en->shown);
		while (len > 0) {
			ssize_t n = RETRY_EINTR(pwrite(fd, buf, len, off));
			if (n < 0)
				return entry_fail(en, errno, "write", err);
			buf = (const char *)buf + n;
			len -= (size_t)n;
			off += n;
		}
	}
	if (ftruncate(fd, size) < 0) /* a sparse file's trailing hole */
		return entry_fail(en, errno, "write", err);
	return 0;
}

static int entry_file(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	int64_t size = archive_entry_size(en->ae);

	if (size < 0 || (uint64_t)size > u->max_size)
		return sk_err_corrupt(err, "layer entry %s: size %" PRId64 " exceeds the limit",
				      en->shown, size);
	int r = entry_clear(en, false, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = openat(en->dfd, en->name,
					O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return entry_fail(en, errno, "create", err);
	r = write_data(u, en, fd, size, err);
	if (r < 0)
		return r;
	r = entry_set_meta(u, en, fd, err);
	if (r < 0)
		return r;
	return entry_mark(u, en, err);
}

static int entry_dir(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	int r = entry_clear(en, true, err);
	if (r < 0)
		return r;
	if (r == 0 && mkdirat(en->dfd, en->name, 0700) < 0)
		return entry_fail(en, errno, "mkdir", err);
	_cleanup_close_ int fd =
		openat(en->dfd, en->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return entry_fail(en, errno, "open", err);
	r = entry_chown(u, en, fd, err);
	if (r < 0)
		return r;
	r = entry_set_xattrs(en, fd, err);
	if (r < 0)
		return r;
	r = dir_defer(u, en, fd, err);
	if (r < 0)
		return r;
	return entry_mark(u, en, err);
}

/* The "./" entry: the destination itself takes its metadata; it is never replaced. */
static int entry_root(struct unpack *u, struct entry *en, struct sk_error **err)
{
	if (archive_entry_filetype(en->ae) != AE_IFDIR || archive_entry_hardlink(en->ae))
		return sk_err_corrupt(err, "layer entry %s: cannot replace the layer root",
				      en->shown);
	_cleanup_close_ int fd = openat(u->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return entry_fail(en, errno, "open", err);
	int r = entry_chown(u, en, fd, err);
	if (r < 0)
		return r;
	r = entry_set_xattrs(en, fd, err);
	if (r < 0)
		return r;
	return dir_defer(u, en, fd, err);
}

static int entry_symlink(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	const char *target = archive_entry_symlink(en->ae);

	if (isempty(target) || strlen(target) >= PATH_MAX)
		return sk_err_corrupt(err, "layer entry %s: invalid symlink target", en->shown);
	int r = entry_clear(en, false, err);
	if (r < 0)
		return r;
	if (symlinkat(target, en->dfd, en->name) < 0)
		return entry_fail(en, errno, "symlink", err);
	r = entry_chown(u, en, -1, err);
	if (r < 0)
		return r;
	r = entry_set_xattrs(en, -1, err);
	if (r < 0)
		return r;
	struct timespec ts[2];
	entry_times(en->ae, ts);
	if (utimensat(en->dfd, en->name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_fail(en, errno, "set times", err);
	return entry_mark(u, en, err);
}

/* A hard link: its target is resolved inside the root too, and never followed. */
static int entry_hardlink(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	const char *link = archive_entry_hardlink(en->ae);
	_cleanup_free_ char *target = NULL;
	_cleanup_free_ char *shown = quote_name(link);
	const char *tname;
	struct stat st;

	if (strlen(link) >= PATH_MAX || safe_path_clean(link, &target) < 0 || !target[0])
		return sk_err_corrupt(err,
				      "layer entry %s: hard link target %s escapes the layer root",
				      en->shown, shown);
	if (streq(target, en->path))
		return 0; /* a link to itself: nothing to do */
	_cleanup_close_ int tfd = safe_path_open_parent(u->root_fd, target, false, 0, 0, 0, &tname);
	int r = tfd;
	if (r >= 0 && fstatat(tfd, tname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r < 0)
		return sk_err_corrupt(err, "layer entry %s: hard link target %s: %s", en->shown,
				      shown, strerror(-r));
	if (S_ISDIR(st.st_mode))
		return sk_err_corrupt(err, "layer entry %s: hard link target %s is a directory",
				      en->shown, shown);
	r = entry_clear(en, false, err);
	if (r < 0)
		return r;
	if (linkat(tfd, tname, en->dfd, en->name, 0) < 0)
		return sk_err_corrupt(err, "layer entry %s: hard link target %s: %s", en->shown,
				      shown, strerror(errno));
	return entry_mark(u, en, err);
}

/* Character and block devices, FIFOs. */
static int entry_node(struct unpack *u, const struct entry *en, mode_t type, struct sk_error **err)
{
	dev_t dev = 0;

	if (type != S_IFIFO) {
		if (!u->opts->allow_devices) {
			u->devices_skipped++;
			return 0;
		}
		dev = makedev(archive_entry_rdevmajor(en->ae), archive_entry_rdevminor(en->ae));
	}
	int r = entry_clear(en, false, err);
	if (r < 0)
		return r;
	if (mknodat(en->dfd, en->name, type | 0600, dev) < 0)
		return entry_fail(en, errno, "mknod", err);
	r = entry_set_meta(u, en, -1, err);
	if (r < 0)
		return r;
	return entry_mark(u, en, err);
}

/* ---- whiteouts ---- */

/* ".wh.NAME": NAME was deleted in this layer. */
static int whiteout(struct unpack *u, struct entry *en, struct sk_error **err)
{
	const char *victim = en->name + strlen(STORE_WHITEOUT_PREFIX);
	bool overlay = u->opts->mode == STORE_LAYER_OVERLAY;

	if (streq(victim, ".."))
		return sk_err_corrupt(err, "layer entry %s: path escapes the layer root",
				      en->shown);
	if (!victim[0] || streq(victim, "."))
		return sk_err_corrupt(err, "layer entry %s: invalid whiteout", en->shown);
	_cleanup_close_ int dfd = safe_path_open_parent(u->root_fd, en->path, overlay, 0755,
							u->root_uid, u->root_gid, &en->name);
	if (dfd < 0) {
		if (!overlay && (dfd == -ENOENT || dfd == -ENOTDIR))
			return 0; /* nothing there to delete */
		return parent_fail(en, -dfd, err);
	}
	en->dfd = dfd;
	en->name = victim;
	int r = entry_clear(en, false, err);
	if (r < 0 || !overlay)
		return r;
	/* the overlay whiteout: a 0/0 character device named NAME */
	if (mknodat(dfd, victim, S_IFCHR | 0600, makedev(0, 0)) < 0)
		return entry_fail(en, errno, "mknod whiteout", err);
	return entry_set_meta(u, en, -1, err);
}

/* ".wh..wh..opq": the directory hides everything of the layers below. */
static int opaque(struct unpack *u, const struct entry *en, struct sk_error **err)
{
	_cleanup_free_ char *dir = xstrndup(en->path, (size_t)(en->name - en->path));
	size_t len = strlen(dir);
	if (len > 0)
		dir[len - 1] = '\0'; /* the slash before the marker */

	if (u->opts->mode == STORE_LAYER_APPLY) {
		strv_push(&u->opaque, dir);
		return 0;
	}
	_cleanup_close_ int pfd =
		safe_path_mkdir_p(u->root_fd, dir, 0755, u->root_uid, u->root_gid);
	if (pfd < 0)
		return parent_fail(en, -pfd, err);
	_cleanup_close_ int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return entry_fail(en, errno, "open directory", err);
	const char *xattr = u->opts->userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
	if (fsetxattr(fd, xattr, "y", 1, 0) < 0)
		return entry_fail(en, errno, "set opaque xattr", err);
	return 0;
}

/* ---- dispatch ---- */

/* Owners from the tar, checked and mapped. */
static int entry_owner(struct unpack *u, struct entry *en, struct sk_error **err)
{
	la_int64_t uid = archive_entry_uid(en->ae);
	la_int64_t gid = archive_entry_gid(en->ae);

	if (uid < 0 || uid >= UINT32_MAX || gid < 0 || gid >= UINT32_MAX)
		return sk_err_corrupt(err, "layer entry %s: invalid owner %" PRId64 ":%" PRId64,
				      en->shown, (int64_t)uid, (int64_t)gid);
	en->uid = (uid_t)uid;
	en->gid = (gid_t)gid;
	if (u->opts->idmap && u->opts->idmap(u->opts->idmap_data, &en->uid, &en->gid) < 0)
		return sk_error_set(err, SK_ERR_INVALID, EINVAL,
				    "layer entry %s: owner %" PRId64 ":%" PRId64 " is not mapped",
				    en->shown, (int64_t)uid, (int64_t)gid);
	return 0;
}

/* aufs bookkeeping (".wh..wh.plnk", ".wh..wh.aufs"...), skipped as docker does. */
static bool is_aufs_meta(const char *path)
{
	for (const char *p = path; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strneq(p, STORE_WHITEOUT_META_PREFIX, strlen(STORE_WHITEOUT_META_PREFIX)) &&
		    !streq(p, STORE_WHITEOUT_OPAQUE))
			return true;
	}
	return false;
}

static int entry_write(struct unpack *u, struct entry *en, struct sk_error **err)
{
	mode_t type = archive_entry_filetype(en->ae);

	if (archive_entry_hardlink(en->ae))
		return entry_hardlink(u, en, err);
	switch (type) {
	case AE_IFREG:
		return entry_file(u, en, err);
	case AE_IFDIR:
		return entry_dir(u, en, err);
	case AE_IFLNK:
		return entry_symlink(u, en, err);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return entry_node(u, en, type, err);
	default:
		return sk_err_corrupt(err, "layer entry %s: unsupported file type 0%o", en->shown,
				      (unsigned)type);
	}
}

static int unpack_entry(struct unpack *u, struct archive_entry *ae, struct sk_error **err)
{
	const char *name = archive_entry_pathname(ae);
	if (!name)
		return sk_err_corrupt(err, "layer: entry without a name");
	_cleanup_free_ char *shown = quote_name(name);
	_cleanup_free_ char *path = NULL;
	struct entry en = { .ae = ae, .shown = shown };

	if (strlen(name) >= PATH_MAX)
		return sk_err_corrupt(err, "layer entry %s: path too long", shown);
	if (safe_path_clean(name, &path) < 0)
		return sk_err_corrupt(err, "layer entry %s: path escapes the layer root", shown);
	if (is_aufs_meta(path))
		return 0;
	en.path = path;
	en.name = path_basename(path);
	int r = entry_owner(u, &en, err);
	if (r < 0)
		return r;
	if (!path[0])
		return entry_root(u, &en, err);
	if (streq(en.name, STORE_WHITEOUT_OPAQUE))
		return opaque(u, &en, err);
	if (strneq(en.name, STORE_WHITEOUT_PREFIX, strlen(STORE_WHITEOUT_PREFIX)))
		return whiteout(u, &en, err);

	_cleanup_close_ int dfd = safe_path_open_parent(u->root_fd, path, true, 0755, u->root_uid,
							u->root_gid, &en.name);
	if (dfd < 0)
		return parent_fail(&en, -dfd, err);
	en.dfd = dfd;
	return entry_write(u, &en, err);
}

/* ---- the end ---- */

static int mark_cmp(const void *a, const void *b)
{
	const struct layer_mark *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool is_marked(const struct unpack *u, const struct stat *dir, const char *name)
{
	struct layer_mark key = { .dev = dir->st_dev, .ino = dir->st_ino, .name = (char *)name };
	return bsearch(&key, u->marks, u->n_marks, sizeof(*u->marks), mark_cmp) != NULL;
}

/* Empty the directory dfd (owned) of everything this layer did not write. -errno. */
static int opaque_purge(const struct unpack *u, int dfd)
{
	struct stat dst;
	if (fstat(dfd, &dst) < 0) {
		close(dfd);
		return -errno;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	int r = 0;
	struct dirent *de;
	while (r >= 0 && (de = readdir(d))) {
		struct stat st;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		bool keep = is_marked(u, &dst, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno == ENOENT ? 0 : -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode) && st.st_dev == dst.st_dev) {
			/* a directory of the layer keeps its own entries only; one of the layers
			 * below stays only while it holds entries of this layer */
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = cfd < 0 ? -errno : opaque_purge(u, cfd);
			if (r >= 0 && !keep && unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 &&
			    errno != ENOTEMPTY && errno != EEXIST)
				r = -errno;
		} else if (!keep && unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			r = -errno;
		}
	}
	closedir(d);
	return r;
}

static int opaque_apply(struct unpack *u, struct sk_error **err)
{
	if (!u->opaque)
		return 0;
	qsort(u->marks, u->n_marks, sizeof(*u->marks), mark_cmp);
	for (char **dir = u->opaque; *dir; dir++) {
		int fd = safe_path_open(u->root_fd, *dir, O_RDONLY | O_DIRECTORY, 0);
		if (fd == -ENOENT || fd == -ENOTDIR)
			continue; /* deleted again by this layer */
		int r = fd < 0 ? fd : opaque_purge(u, fd);
		if (r < 0) {
			_cleanup_free_ char *shown = quote_name(*dir);
			return sk_err_system(err, r, "layer: empty opaque directory %s: %s", shown,
					     strerror(-r));
		}
	}
	return 0;
}

static int dir_fixup(struct unpack *u, const struct dir_fixup *f)
{
	struct stat st;
	_cleanup_close_ int fd =
		safe_path_open(u->root_fd, f->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
		return 0; /* replaced or deleted later in the layer */
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

static int dirs_fixup(struct unpack *u, struct sk_error **err)
{
	for (size_t i = 0; i < u->n_dirs; i++) {
		int r = dir_fixup(u, &u->dirs[i]);
		if (r < 0) {
			_cleanup_free_ char *shown = quote_name(u->dirs[i].path);
			return sk_err_system(err, r, "layer entry %s: set directory metadata: %s",
					     shown, strerror(-r));
		}
	}
	return 0;
}

static int unpack_run(struct unpack *u, struct sk_error **err)
{
	int r = stream_open(u, err);
	if (r < 0 || u->empty)
		return r;
	for (;;) {
		struct archive_entry *ae;
		r = archive_read_next_header(u->tar, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return stream_error(u, u->tar, err);
		r = unpack_entry(u, ae, err);
		if (r < 0)
			return r;
	}
	return stream_drain(u, err);
}

int store_layer_unpack(int blob_fd, int dest_fd, const struct store_unpack_opts *opts,
		       struct store_unpack_result *ret, struct sk_error **err)
{
	struct stat st;

	if (!store_layer_mode_to_string(opts->mode))
		return sk_err_invalid(err, "unpack layer: invalid mode %d", (int)opts->mode);
	if (fstat(dest_fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return sk_err_invalid(err, "unpack layer: destination is not a directory");

	_cleanup_(unpack_freep) struct unpack *u = xnew(struct unpack, 1);
	u->opts = opts;
	u->root_fd = dest_fd;
	u->blob_fd = blob_fd;
	u->max_size = opts->max_size ? opts->max_size : STORE_UNPACK_MAX_SIZE_DEFAULT;
	u->digest = digester_new();
	u->root_uid = (uid_t)-1;
	u->root_gid = (gid_t)-1;
	if (opts->idmap) {
		u->root_uid = 0;
		u->root_gid = 0;
		if (opts->idmap(opts->idmap_data, &u->root_uid, &u->root_gid) < 0)
			return sk_err_invalid(err, "unpack layer: root is not mapped");
	}

	int r = unpack_run(u, err);
	if (r >= 0)
		r = opaque_apply(u, err);
	if (r >= 0)
		r = dirs_fixup(u, err);
	if (r < 0)
		return r;
	digester_final(u->digest, ret->diff_id);
	ret->size = u->size;
	ret->compression = u->compression;
	ret->devices_skipped = u->devices_skipped;
	return 0;
}
