/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff (ctr/diff.h). overlay: the writable (or top) layer is walked through directory fds,
 * and each of its names is looked up in the layers below, top first, inside each layer's
 * tree (store/safe-path.h) — containers/storage's overlay changes. vfs: the layer's full tree
 * and its parent's are walked side by side — containers/storage's naive diff.
 */
#include "ctr/diff.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "state/images.h"
#include "store/layer-store.h"
#include "store/layer-unpack.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define DIFF_MAX_DEPTH 256

/* Mount points the runtime (and selkie) make in every container: never reported. */
static const char *const runtime_paths[] = {
	"/dev", "/etc/hostname", "/etc/hosts",	       "/etc/resolv.conf", "/proc",
	"/run", "/run/notify",	 "/run/.containerenv", "/run/secrets",	   "/run/selkie-init",
	"/sys", "/etc/mtab",
};

static const char *const kind_names[_CTR_CHANGE_KIND_MAX] = {
	[CTR_CHANGE_MODIFY] = "C",
	[CTR_CHANGE_ADD] = "A",
	[CTR_CHANGE_DELETE] = "D",
};

const char *ctr_change_kind_to_string(enum ctr_change_kind k)
{
	return (int)k >= 0 && k < _CTR_CHANGE_KIND_MAX ? kind_names[k] : NULL;
}

void ctr_changes_release(struct ctr_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	*c = (struct ctr_changes){ 0 };
}

int ctr_change_path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		if (*a == *b) {
			if (!*a)
				return 0;
			continue;
		}
		/* the end sorts first, then '/', then every other byte */
		int x = !*a ? 0 : *a == '/' ? 1 : (unsigned char)*a + 2;
		int y = !*b ? 0 : *b == '/' ? 1 : (unsigned char)*b + 2;
		return x < y ? -1 : 1;
	}
}

static int change_cmp(const void *a, const void *b)
{
	const struct ctr_change *x = a, *y = b;
	return ctr_change_path_cmp(x->path, y->path);
}

struct differ {
	struct ctr_changes *out;
	int *lowers; /* overlay: the layers below, top first */
	size_t n_lowers;
	bool userxattr;
};

/* A directory being walked: its path ("" for the root) and whether it is reported. */
struct dir {
	const char *rel;
	bool reported;
};

static void change_add(struct differ *d, enum ctr_change_kind kind, const char *rel)
{
	struct ctr_changes *c = d->out;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct ctr_change){ .kind = kind, .path = xasprintf("/%s", rel) };
}

/* An entry right inside dir was added or deleted: the directory counts as changed. */
static void parent_touch(struct differ *d, struct dir *dir)
{
	if (dir->reported || !dir->rel[0])
		return;
	change_add(d, CTR_CHANGE_MODIFY, dir->rel);
	dir->reported = true;
}

static char *rel_join(const char *dir, const char *name)
{
	return dir[0] ? xasprintf("%s/%s", dir, name) : xstrdup(name);
}

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

/* Docker's sameFsTime: a side without nanoseconds compares by seconds only. */
static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec &&
	       (a->tv_nsec == b->tv_nsec || a->tv_nsec == 0 || b->tv_nsec == 0);
}

static int diff_fail(const char *rel, int e, const char *what, struct sk_error **err)
{
	if (e < 0)
		e = -e;
	return sk_err_system(err, e, "diff: \"/%s\": %s: %s", rel, what, strerror(e));
}

/* ---- overlay ---- */

/* The entry rel in the layers below: 1 (st filled) when the topmost layer that has it does
 * not white it out, 0 when none has it, -errno. */
static int lower_stat(const struct differ *d, const char *rel, struct stat *st)
{
	for (size_t i = 0; i < d->n_lowers; i++) {
		const char *name;
		_cleanup_close_ int pfd =
			safe_path_open_parent(d->lowers[i], rel, false, 0, 0, 0, &name);
		if (pfd == -ENOENT || pfd == -ENOTDIR)
			continue;
		if (pfd < 0)
			return pfd;
		if (fstatat(pfd, name, st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		return is_whiteout(st) ? 0 : 1;
	}
	return 0;
}

static bool dir_is_opaque(const struct differ *d, int fd)
{
	const char *key = d->userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
	char v[2];
	return fgetxattr(fd, key, v, sizeof(v)) == 1 && v[0] == 'y';
}

/* An opaque directory hides what the layers below had in it: those names are deleted. */
static int opaque_deletions(struct differ *d, struct dir *dir, char *const *names,
			    struct sk_error **err)
{
	_cleanup_strv_free_ char **gone = NULL;
	for (size_t i = 0; i < d->n_lowers; i++) {
		_cleanup_close_ int fd =
			safe_path_open(d->lowers[i], dir->rel, O_RDONLY | O_DIRECTORY, 0);
		_cleanup_strv_free_ char **lnames = NULL;
		if (fd < 0 || fs_dir_names_sorted(fd, &lnames) < 0)
			continue;
		STRV_FOREACH (n, lnames) {
			struct stat st;
			if (strv_contains((char **)names, *n) || strv_contains(gone, *n))
				continue;
			if (fstatat(fd, *n, &st, AT_SYMLINK_NOFOLLOW) < 0 || is_whiteout(&st))
				continue;
			_cleanup_free_ char *rel = rel_join(dir->rel, *n);
			struct stat lst;
			int r = lower_stat(d, rel, &lst);
			if (r < 0)
				return diff_fail(rel, r, "stat in a lower layer", err);
			if (r == 0)
				continue; /* whited out higher up */
			strv_push(&gone, *n);
			change_add(d, CTR_CHANGE_DELETE, rel);
			parent_touch(d, dir);
		}
	}
	return 0;
}

static int overlay_walk(struct differ *d, int fd, struct dir *dir, bool below, unsigned depth,
			struct sk_error **err);

static int overlay_visit(struct differ *d, int fd, struct dir *dir, const char *name, bool below,
			 unsigned depth, struct sk_error **err)
{
	_cleanup_free_ char *rel = rel_join(dir->rel, name);
	struct stat st, lst;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : diff_fail(rel, errno, "stat", err);
	if (is_whiteout(&st)) {
		change_add(d, CTR_CHANGE_DELETE, rel);
		parent_touch(d, dir);
		return 0;
	}
	int found = below ? lower_stat(d, rel, &lst) : 0;
	if (found < 0)
		return diff_fail(rel, found, "stat in a lower layer", err);
	bool reported = true;
	if (!found) {
		change_add(d, CTR_CHANGE_ADD, rel);
		parent_touch(d, dir);
	} else if (S_ISDIR(st.st_mode) && S_ISDIR(lst.st_mode) && st.st_size == lst.st_size &&
		   st.st_mode == lst.st_mode && same_time(&st.st_mtim, &lst.st_mtim)) {
		reported = false;
	} else {
		change_add(d, CTR_CHANGE_MODIFY, rel);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	_cleanup_close_ int cfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return diff_fail(rel, errno, "open", err);
	struct dir child = { .rel = rel, .reported = reported };
	return overlay_walk(d, cfd, &child, found > 0, depth + 1, err);
}

/* below: the layers below may have entries in this directory (it is neither new nor opaque). */
static int overlay_walk(struct differ *d, int fd, struct dir *dir, bool below, unsigned depth,
			struct sk_error **err)
{
	if (depth > DIFF_MAX_DEPTH)
		return diff_fail(dir->rel, ELOOP, "directories nested too deeply", err);
	_cleanup_strv_free_ char **names = NULL;
	int r = fs_dir_names_sorted(fd, &names);
	if (r < 0)
		return diff_fail(dir->rel, r, "read directory", err);
	if (below && dir->rel[0] && dir_is_opaque(d, fd)) {
		r = opaque_deletions(d, dir, names, err);
		if (r < 0)
			return r;
		below = false;
	}
	STRV_FOREACH (n, names) {
		r = overlay_visit(d, fd, dir, *n, below, depth, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- vfs ---- */

static int links_differ(int dfd, int odfd, const char *name)
{
	char t[PATH_MAX], ot[PATH_MAX];
	ssize_t n = readlinkat(dfd, name, t, sizeof(t));
	ssize_t on = readlinkat(odfd, name, ot, sizeof(ot));
	if (n < 0 || on < 0)
		return -errno;
	return n != on || memcmp(t, ot, (size_t)n) != 0;
}

static int entry_changed(int dfd, int odfd, const char *name, const struct stat *st,
			 const struct stat *ost)
{
	if (st->st_mode != ost->st_mode || st->st_uid != ost->st_uid || st->st_gid != ost->st_gid ||
	    st->st_rdev != ost->st_rdev || !same_time(&st->st_mtim, &ost->st_mtim))
		return 1;
	if (!S_ISDIR(st->st_mode) && st->st_size != ost->st_size)
		return 1;
	return S_ISLNK(st->st_mode) ? links_differ(dfd, odfd, name) : 0;
}

static int apply_walk(struct differ *d, int fd, int ofd, struct dir *dir, unsigned depth,
		      struct sk_error **err);

static int apply_visit(struct differ *d, int fd, int ofd, struct dir *dir, const char *name,
		       unsigned depth, struct sk_error **err)
{
	_cleanup_free_ char *rel = rel_join(dir->rel, name);
	struct stat st, ost;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : diff_fail(rel, errno, "stat", err);
	bool old = ofd >= 0 && fstatat(ofd, name, &ost, AT_SYMLINK_NOFOLLOW) >= 0;
	int changed = 1;
	if (!old) {
		change_add(d, CTR_CHANGE_ADD, rel);
		parent_touch(d, dir);
	} else {
		changed = entry_changed(fd, ofd, name, &st, &ost);
		if (changed < 0)
			return diff_fail(rel, changed, "compare", err);
		if (changed)
			change_add(d, CTR_CHANGE_MODIFY, rel);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	_cleanup_close_ int cfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return diff_fail(rel, errno, "open", err);
	_cleanup_close_ int cofd = -1;
	if (old && S_ISDIR(ost.st_mode)) {
		cofd = openat(ofd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cofd < 0)
			return diff_fail(rel, errno, "open in the parent layer", err);
	}
	struct dir child = { .rel = rel, .reported = changed != 0 };
	return apply_walk(d, cfd, cofd, &child, depth + 1, err);
}

static int apply_walk(struct differ *d, int fd, int ofd, struct dir *dir, unsigned depth,
		      struct sk_error **err)
{
	if (depth > DIFF_MAX_DEPTH)
		return diff_fail(dir->rel, ELOOP, "directories nested too deeply", err);
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_strv_free_ char **onames = NULL;
	int r = fs_dir_names_sorted(fd, &names);
	if (r >= 0 && ofd >= 0)
		r = fs_dir_names_sorted(ofd, &onames);
	if (r < 0)
		return diff_fail(dir->rel, r, "read directory", err);
	STRV_FOREACH (n, onames) {
		if (strv_contains(names, *n))
			continue;
		_cleanup_free_ char *rel = rel_join(dir->rel, *n);
		change_add(d, CTR_CHANGE_DELETE, rel);
		parent_touch(d, dir);
	}
	STRV_FOREACH (n, names) {
		r = apply_visit(d, fd, ofd, dir, *n, depth, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the layers ---- */

static bool runtime_path(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(runtime_paths); i++)
		if (streq(path, runtime_paths[i]))
			return true;
	return false;
}

static void changes_finish(struct ctr_changes *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (runtime_path(c->v[i].path))
			free(c->v[i].path);
		else
			c->v[n++] = c->v[i];
	}
	c->n = n;
	if (n > 1)
		qsort(c->v, n, sizeof(*c->v), change_cmp);
}

static int layer_open(struct ctr_ctx *x, const char *chain, int *ret, struct sk_error **err)
{
	_cleanup_free_ char *dir = NULL;
	int r = store_layer_dir(x->store, chain, &dir, err);
	if (r < 0)
		return r;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open %s: %s", dir, strerror(errno));
	*ret = fd;
	return 0;
}

/* The changes of the tree dir over the layers (chain IDs, bottom first). */
static int diff_layers(struct ctr_ctx *x, const char *dir, char *const *layers,
		       struct ctr_changes *ret, struct sk_error **err)
{
	size_t n = strv_length((char **)layers);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open %s: %s", dir, strerror(errno));
	bool overlay = x->store->driver == STORE_DRIVER_OVERLAY;
	size_t n_open = overlay ? n : MIN(n, (size_t)1);
	_cleanup_free_ int *lowers = xnew(int, n_open + 1);
	size_t opened = 0;
	int r = 0;
	/* top first; vfs needs only the top layer (a full tree) */
	for (; r >= 0 && opened < n_open; opened++)
		r = layer_open(x, layers[n - 1 - opened], &lowers[opened], err);
	if (r < 0)
		opened--;
	struct ctr_changes out = { 0 };
	struct differ d = {
		.out = &out,
		.lowers = lowers,
		.n_lowers = opened,
		.userxattr = x->store->rootless,
	};
	struct dir root = { .rel = "", .reported = true };
	if (r >= 0)
		r = overlay ? overlay_walk(&d, fd, &root, n > 0, 0, err)
			    : apply_walk(&d, fd, opened ? lowers[0] : -1, &root, 0, err);
	for (size_t i = 0; i < opened; i++)
		close(lowers[i]);
	if (r < 0) {
		ctr_changes_release(&out);
		return r;
	}
	changes_finish(&out);
	*ret = out;
	return 0;
}

int ctr_diff_container(struct ctr_ctx *x, const struct state_container *c, struct ctr_changes *ret,
		       struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = state_image_get(x->store->db, c->image_id, &img, err);
	if (r < 0)
		return sk_error_wrap(err, "container %.12s", c->id);
	_cleanup_free_ char *dir = ctr_dir(x, c->id);
	_cleanup_free_ char *upper = xasprintf("%s/diff", dir);
	return diff_layers(x, upper, img->layers, ret, err);
}

int ctr_diff_image(struct ctr_ctx *x, const char *image_id, struct ctr_changes *ret,
		   struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = state_image_get(x->store->db, image_id, &img, err);
	if (r < 0)
		return r;
	size_t n = strv_length(img->layers);
	if (n == 0) {
		*ret = (struct ctr_changes){ 0 };
		return 0;
	}
	_cleanup_free_ char *top = NULL;
	r = store_layer_dir(x->store, img->layers[n - 1], &top, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *last = img->layers[n - 1];
	img->layers[n - 1] = NULL; /* the layers below the top one */
	return diff_layers(x, top, img->layers, ret, err);
}
