/* SPDX-License-Identifier: Apache-2.0 */
#include "archive-tree.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/safe-path.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* Hard links are rare in image archives; a bound keeps their linear lookup cheap. */
#define MAX_HARDLINKS 1000
#define MAX_LINK_DEPTH 40

struct image_archive_tree *image_archive_tree_new(void)
{
	struct image_archive_tree *t = xnew(struct image_archive_tree, 1);
	t->root_fd = -1;
	t->sorted = true;
	return t;
}

void image_archive_tree_free(struct image_archive_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_members; i++) {
		free(t->members[i].path);
		free(t->members[i].link);
		free(t->members[i].file);
	}
	free(t->members);
	free(t->root);
	if (t->root_fd >= 0)
		close(t->root_fd);
	free(t);
}

static int outside(const char *path, struct sk_error **err)
{
	return sk_err_corrupt(err, "file \"%s\" named in the archive is outside the archive", path);
}

int image_archive_tree_add(struct image_archive_tree *t, const char *path, const char *link,
			   const char *file, uint64_t size, struct sk_error **err)
{
	if (t->n_members >= IMAGE_ARCHIVE_MAX_MEMBERS)
		return sk_err_corrupt(err, "archive has more than %d members",
				      IMAGE_ARCHIVE_MAX_MEMBERS);
	if (strlen(path) > IMAGE_ARCHIVE_MAX_PATH)
		return sk_err_corrupt(err, "archive member name longer than %d bytes",
				      IMAGE_ARCHIVE_MAX_PATH);
	_cleanup_free_ char *clean = NULL;
	int r = safe_path_clean(path, &clean);
	if (r == -EXDEV)
		return sk_err_corrupt(err, "archive member \"%s\" is outside the archive", path);
	if (r < 0)
		return sk_err_corrupt(err, "archive member \"%s\": invalid name", path);
	if (!*clean)
		return 0; /* the root directory itself */
	t->members = xreallocarray(t->members, t->n_members + 1, sizeof(*t->members));
	t->members[t->n_members] = (struct image_archive_member){
		.path = TAKE_PTR(clean),
		.link = link ? xstrdup(link) : NULL,
		.file = file ? xstrdup(file) : NULL,
		.size = size,
		.order = t->n_members,
	};
	t->n_members++;
	t->sorted = false;
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const struct image_archive_member *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int path_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct image_archive_member *)elem)->path);
}

/* The member with exactly this cleaned path; the last one when the archive repeats it. */
static const struct image_archive_member *lookup(struct image_archive_tree *t, const char *path)
{
	if (!t->sorted) {
		qsort(t->members, t->n_members, sizeof(*t->members), member_cmp);
		t->sorted = true;
	}
	const struct image_archive_member *m =
		bsearch(path, t->members, t->n_members, sizeof(*t->members), path_cmp);
	if (!m)
		return NULL;
	const struct image_archive_member *end = t->members + t->n_members;
	while (m + 1 < end && streq(m[1].path, path))
		m++;
	return m;
}

/* Replace the symlink at cur[0..plen) with its target; the result is cleaned. */
static int follow(const char *cur, size_t plen, const char *link, char **ret)
{
	if (link[0] == '/' || !*link)
		return -EXDEV;
	const char *slash = memrchr(cur, '/', plen);
	size_t dlen = slash ? (size_t)(slash - cur) : 0;
	_cleanup_free_ char *joined =
		xasprintf("%.*s%s%s%s", (int)dlen, cur, dlen ? "/" : "", link, cur + plen);
	return safe_path_clean(joined, ret);
}

int image_archive_tree_resolve(struct image_archive_tree *t, const char *path,
			       const struct image_archive_member **ret, struct sk_error **err)
{
	if (isempty(path) || path[0] == '/')
		return outside(path ? path : "", err);
	_cleanup_free_ char *cur = NULL;
	if (safe_path_clean(path, &cur) < 0 || !*cur)
		return outside(path, err);
	for (int depth = 0; depth < MAX_LINK_DEPTH; depth++) {
		bool followed = false;
		for (size_t i = 1; !followed && i <= strlen(cur); i++) {
			if (cur[i] != '/' && cur[i] != '\0')
				continue;
			_cleanup_free_ char *prefix = xstrndup(cur, i);
			const struct image_archive_member *m = lookup(t, prefix);
			if (m && !m->link && cur[i] == '\0') {
				*ret = m;
				return 0;
			}
			if (!m || !m->link)
				continue;
			char *next = NULL;
			if (follow(cur, i, m->link, &next) < 0 || !*next) {
				free(next);
				return outside(path, err);
			}
			free(cur);
			cur = next;
			followed = true;
		}
		if (!followed)
			return sk_err_corrupt(err, "file \"%s\" not found in the archive", path);
	}
	return sk_err_corrupt(err, "file \"%s\": too many levels of symbolic links", path);
}

bool image_archive_tree_has(struct image_archive_tree *t, const char *path)
{
	if (t->root) {
		_cleanup_free_ char *clean = NULL;
		if (safe_path_clean(path, &clean) < 0)
			return false;
		_cleanup_close_ int fd = safe_path_open(t->root_fd, clean, O_RDONLY, 0);
		return fd >= 0;
	}
	const struct image_archive_member *m;
	return image_archive_tree_resolve(t, path, &m, NULL) >= 0;
}

/* An open regular file for a member, and its size. */
static int member_open(struct image_archive_tree *t, const char *path, uint64_t *ret_size,
		       struct sk_error **err)
{
	int fd;
	if (t->root) {
		_cleanup_free_ char *clean = NULL;
		if (path[0] == '/' || safe_path_clean(path, &clean) < 0 || !*clean)
			return outside(path, err);
		fd = safe_path_open(t->root_fd, clean, O_RDONLY, 0);
		if (fd == -ENOENT)
			return sk_err_corrupt(err, "file \"%s\" not found in \"%s\"", path,
					      t->root);
		if (fd < 0)
			return sk_err_system(err, fd, "open \"%s\" in \"%s\": %s", path, t->root,
					     strerror(-fd));
	} else {
		const struct image_archive_member *m;
		int r = image_archive_tree_resolve(t, path, &m, err);
		if (r < 0)
			return r;
		fd = open(m->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sk_err_system(err, errno, "open %s: %s", m->file, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sk_err_corrupt(err, "\"%s\" in the archive is not a regular file", path);
	}
	*ret_size = (uint64_t)st.st_size;
	return fd;
}

int image_archive_tree_read_member(struct image_archive_tree *t, const char *path, size_t max,
				   char **ret, size_t *ret_len, struct sk_error **err)
{
	uint64_t size;
	_cleanup_close_ int fd = member_open(t, path, &size, err);
	if (fd < 0)
		return fd;
	if (size > max)
		return sk_err_corrupt(err, "\"%s\" in the archive is too large (%llu bytes)", path,
				      (unsigned long long)size);
	int r = fs_read_fd(fd, max, ret, ret_len);
	if (r < 0)
		return sk_err_system(err, r, "read \"%s\" from the archive: %s", path,
				     strerror(-r));
	return 0;
}

int image_archive_tree_export(struct image_archive_tree *t, const char *path, const char *dest,
			      struct sk_error **err)
{
	if (!t->root) {
		const struct image_archive_member *m;
		int r = image_archive_tree_resolve(t, path, &m, err);
		if (r < 0)
			return r;
		if (link(m->file, dest) == 0)
			return 0;
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			return sk_err_system(err, errno, "link %s: %s", dest, strerror(errno));
	}
	uint64_t size;
	_cleanup_close_ int in = member_open(t, path, &size, err);
	if (in < 0)
		return in;
	_cleanup_close_ int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return sk_err_system(err, errno, "create %s: %s", dest, strerror(errno));
	int r = fd_copy_all(in, out);
	if (r < 0)
		return sk_err_system(err, r, "copy \"%s\" from the archive: %s", path,
				     strerror(-r));
	return 0;
}

int image_archive_tree_open_dir(const char *dir, struct image_archive_tree **ret,
				struct sk_error **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open \"%s\": %s", dir, strerror(errno));
	struct image_archive_tree *t = image_archive_tree_new();
	t->root = xstrdup(dir);
	t->root_fd = fd;
	*ret = t;
	return 0;
}

/* ---- reading a tar ---- */

static int archive_fail(struct archive *a, struct sk_error **err)
{
	const char *why = archive_error_string(a);
	if (!why)
		why = "unreadable archive";
	int e = archive_errno(a);
	if (e == EIO || e == EISDIR || e == EBADF || e == ENOMEM)
		return sk_err_system(err, e, "read archive: %s", strerror(e));
	return sk_err_corrupt(err, "read archive: %c%s", tolower((unsigned char)why[0]), why + 1);
}

static int store_data(struct archive *a, const char *file, uint64_t *total, uint64_t *ret_size,
		      struct sk_error **err)
{
	_cleanup_close_ int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_err_system(err, errno, "create %s: %s", file, strerror(errno));
	char buf[65536];
	uint64_t size = 0;
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n < 0)
			return archive_fail(a, err);
		if (n == 0)
			break;
		size += (uint64_t)n;
		*total += (uint64_t)n;
		if (*total > IMAGE_ARCHIVE_MAX_SIZE)
			return sk_err_corrupt(err, "archive larger than %llu bytes",
					      (unsigned long long)IMAGE_ARCHIVE_MAX_SIZE);
		int r = fd_write_all(fd, buf, (size_t)n);
		if (r < 0)
			return sk_err_system(err, r, "write %s: %s", file, strerror(-r));
	}
	*ret_size = size;
	return 0;
}

/* A hard link entry names an earlier member: it shares that member's file. */
static int add_hardlink(struct image_archive_tree *t, const char *path, const char *target,
			size_t *n_links, struct sk_error **err)
{
	if (++*n_links > MAX_HARDLINKS)
		return sk_err_corrupt(err, "archive has more than %d hard links", MAX_HARDLINKS);
	_cleanup_free_ char *clean = NULL;
	if (safe_path_clean(target, &clean) < 0)
		return sk_err_corrupt(err, "archive member \"%s\" links outside the archive", path);
	for (size_t i = t->n_members; i > 0; i--) {
		const struct image_archive_member *m = &t->members[i - 1];
		if (!streq(m->path, clean))
			continue;
		if (m->link)
			break;
		return image_archive_tree_add(t, path, NULL, m->file, m->size, err);
	}
	return sk_err_corrupt(err, "archive member \"%s\" links to missing \"%s\"", path, target);
}

static int read_entry(struct image_archive_tree *t, struct archive *a, struct archive_entry *ae,
		      const char *work, uint64_t *total, size_t *n_links, struct sk_error **err)
{
	const char *path = archive_entry_pathname(ae);
	if (!path)
		return sk_err_corrupt(err, "read archive: member without a name");
	const char *hard = archive_entry_hardlink(ae);
	if (hard)
		return add_hardlink(t, path, hard, n_links, err);
	switch (archive_entry_filetype(ae)) {
	case AE_IFLNK: {
		const char *target = archive_entry_symlink(ae);
		return image_archive_tree_add(t, path, target ? target : "", NULL, 0, err);
	}
	case AE_IFREG: {
		_cleanup_free_ char *file = xasprintf("%s/m%zu", work, t->n_members);
		uint64_t size = 0;
		int r = store_data(a, file, total, &size, err);
		if (r < 0)
			return r;
		return image_archive_tree_add(t, path, NULL, file, size, err);
	}
	default:
		return 0; /* directories and special files mean nothing to an image archive */
	}
}

int image_archive_tree_read(int fd, const char *work, struct image_archive_tree **ret,
			    struct sk_error **err)
{
	struct archive *a = archive_read_new();
	if (!a)
		abort();
	_cleanup_(image_archive_tree_freep) struct image_archive_tree *t = image_archive_tree_new();
	int r = 0;
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK)
		r = sk_err_internal(err, "libarchive lacks tar support");
	else if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		r = archive_fail(a, err);
	uint64_t total = 0;
	size_t n_links = 0;
	while (r >= 0) {
		struct archive_entry *ae;
		int ar = archive_read_next_header(a, &ae);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = archive_fail(a, err);
			break;
		}
		r = read_entry(t, a, ae, work, &total, &n_links, err);
	}
	archive_read_free(a);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(t);
	return 0;
}
