/* SPDX-License-Identifier: Apache-2.0 */
#include "mount-state.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/images.h"
#include "store/mount.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define MOUNTS_DIR "image-mounts"

/* The paths of one image's record. */
struct record {
	char *dir;
	char *merged;
	char *count;
};

static void record_release(struct record *rec)
{
	free(rec->dir);
	free(rec->merged);
	free(rec->count);
}
#define _cleanup_record_ _cleanup_(record_release)

/* Image IDs are hex digests: nothing else may name a directory under the run root. */
static bool id_valid(const char *id)
{
	size_t n = strlen(id);
	return n > 0 && n <= 128 && strspn(id, "0123456789abcdef") == n;
}

static int record_init(struct store *s, const char *id, struct record *rec, struct sk_error **err)
{
	*rec = (struct record){ 0 };
	if (!id_valid(id))
		return sk_err_invalid(err, "image mount: invalid image ID '%s'", id);
	_cleanup_free_ char *base = path_join(s->run_root, MOUNTS_DIR);
	rec->dir = path_join(base, id);
	rec->merged = path_join(rec->dir, "merged");
	rec->count = path_join(rec->dir, "count");
	return 0;
}

/* Remove a record whose mount is gone. rmdir refuses a mount point, so a mount the check
 * missed keeps its tree. */
static void record_remove(const struct record *rec)
{
	unlink(rec->count);
	if (rmdir(rec->merged) < 0 && errno != ENOENT)
		return;
	fs_rm_rf(rec->dir);
}

/* The recorded count (0 when missing or unreadable) and whether the image is mounted; a
 * record without a mount is stale and goes. */
static unsigned record_state(const struct record *rec, bool *ret_mounted)
{
	*ret_mounted = store_mount_is_mounted(rec->merged);
	if (!*ret_mounted) {
		if (fs_exists(rec->dir))
			record_remove(rec);
		return 0;
	}
	_cleanup_free_ char *text = NULL;
	uint64_t n = 0;
	if (fs_read_file(rec->count, 64, &text, NULL) < 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (parse_uint64(text, &n) < 0 || n > UINT32_MAX)
		return 0;
	return (unsigned)n;
}

static int record_count_write(const struct record *rec, unsigned n, struct sk_error **err)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%u\n", n);
	int r = fs_write_atomic(rec->count, buf, (size_t)len, 0600);
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", rec->count, strerror(-r));
	return 0;
}

static int mount_new(struct store *s, const char *id, const struct record *rec,
		     struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = state_image_get(s->db, id, &img, err);
	if (r < 0)
		return r;
	r = fs_mkdir_p(rec->merged, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", rec->merged, strerror(-r));
	struct store_mount_request req = {
		.layers = img->layers,
		.target = rec->merged,
	};
	r = store_layers_mount(s, &req, err);
	if (r < 0) {
		record_remove(rec);
		return sk_error_wrap(err, "mount image %s", id);
	}
	return 0;
}

static int mount_locked(struct store *s, const char *id, const struct record *rec,
			struct sk_error **err)
{
	bool mounted;
	/* A mount without a count was made by a command killed before it told anyone. */
	unsigned n = record_state(rec, &mounted);
	if (!mounted) {
		int r = mount_new(s, id, rec, err);
		if (r < 0)
			return r;
	}
	int r = record_count_write(rec, n + 1, err);
	if (r < 0 && !mounted) {
		store_layers_unmount(rec->merged, NULL);
		record_remove(rec);
	}
	return r;
}

int store_image_mount(struct store *s, const char *image_id, char **ret_path, struct sk_error **err)
{
	_cleanup_record_ struct record rec = { 0 };
	int r = record_init(s, image_id, &rec, err);
	if (r < 0)
		return r;
	r = store_lock(s, err);
	if (r < 0)
		return r;
	r = mount_locked(s, image_id, &rec, err);
	store_unlock(s);
	if (r < 0)
		return r;
	*ret_path = xstrdup(rec.merged);
	return 0;
}

static int unmount_locked(const struct record *rec, bool force, struct sk_error **err)
{
	bool mounted;
	unsigned n = record_state(rec, &mounted);
	if (!mounted)
		return 0;
	if (force || n <= 1) {
		int r = store_layers_unmount(rec->merged, err);
		if (r < 0)
			return r;
		record_remove(rec);
		return 1;
	}
	int r = record_count_write(rec, n - 1, err);
	return r < 0 ? r : 1;
}

int store_image_unmount(struct store *s, const char *image_id, bool force, struct sk_error **err)
{
	_cleanup_record_ struct record rec = { 0 };
	int r = record_init(s, image_id, &rec, err);
	if (r < 0)
		return r;
	r = store_lock(s, err);
	if (r < 0)
		return r;
	r = unmount_locked(&rec, force, err);
	store_unlock(s);
	return r;
}

int store_image_mount_get(struct store *s, const char *image_id, char **ret_path,
			  struct sk_error **err)
{
	_cleanup_record_ struct record rec = { 0 };
	int r = record_init(s, image_id, &rec, err);
	if (r < 0)
		return r;
	r = store_lock(s, err);
	if (r < 0)
		return r;
	bool mounted;
	record_state(&rec, &mounted);
	store_unlock(s);
	if (mounted && ret_path)
		*ret_path = xstrdup(rec.merged);
	return mounted ? 1 : 0;
}

void store_mounted_image_free(struct store_mounted_image *m)
{
	if (!m)
		return;
	free(m->id);
	free(m->path);
	free(m);
}

void store_mounted_image_list_free(struct store_mounted_image **list)
{
	for (size_t i = 0; list && list[i]; i++)
		store_mounted_image_free(list[i]);
	free(list);
}

/* One directory entry of the records' directory: appended to *list if mounted. */
static void list_one(struct store *s, const char *id, struct store_mounted_image ***list, size_t *n)
{
	_cleanup_record_ struct record rec = { 0 };
	if (record_init(s, id, &rec, NULL) < 0)
		return;
	bool mounted;
	unsigned count = record_state(&rec, &mounted);
	if (!mounted)
		return;
	struct store_mounted_image *m = xnew(struct store_mounted_image, 1);
	m->id = xstrdup(id);
	m->path = xstrdup(rec.merged);
	m->count = count ? count : 1;
	*list = xreallocarray(*list, *n + 2, sizeof(**list));
	(*list)[(*n)++] = m;
	(*list)[*n] = NULL;
}

int store_image_mount_list(struct store *s, struct store_mounted_image ***ret,
			   struct sk_error **err)
{
	_cleanup_free_ char *base = path_join(s->run_root, MOUNTS_DIR);
	struct store_mounted_image **list = xnew(struct store_mounted_image *, 1);
	size_t n = 0;
	int r = store_lock(s, err);
	if (r < 0) {
		free(list);
		return r;
	}
	DIR *d = opendir(base);
	if (!d && errno != ENOENT) {
		r = sk_err_system(err, errno, "open %s: %s", base, strerror(errno));
		store_unlock(s);
		free(list);
		return r;
	}
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			list_one(s, de->d_name, &list, &n);
	if (d)
		closedir(d);
	store_unlock(s);
	*ret = list;
	return 0;
}
