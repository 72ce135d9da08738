/* SPDX-License-Identifier: Apache-2.0 */
#include "save-load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/archive-docker.h"
#include "image/archive-oci.h"
#include "image/archive-stream.h"
#include "image/archive-tree.h"
#include "image/commit.h"
#include "image/lookup.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "store/blob-store.h"
#include "store/layer-store.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const format_names[_IMAGE_ARCHIVE_FORMAT_MAX] = {
	[IMAGE_ARCHIVE_DOCKER] = "docker-archive",
	[IMAGE_ARCHIVE_OCI] = "oci-archive",
	[IMAGE_ARCHIVE_OCI_DIR] = "oci-dir",
};

const char *image_archive_format_to_string(enum image_archive_format f)
{
	return f >= 0 && f < _IMAGE_ARCHIVE_FORMAT_MAX ? format_names[f] : NULL;
}

enum image_archive_format image_archive_format_from_string(const char *s)
{
	for (int i = 0; s && i < _IMAGE_ARCHIVE_FORMAT_MAX; i++)
		if (streq(s, format_names[i]))
			return i;
	return _IMAGE_ARCHIVE_FORMAT_INVALID;
}

void image_copy_emit(const struct image_copy_progress *p, enum image_copy_event ev,
		     const char *digest)
{
	if (p && p->event)
		p->event(p->userdata, ev, digest);
}

/* ---- shared helpers ---- */

const char *image_layer_oci_media_type(const char *stored, enum store_compression c)
{
	static const char *const oci[] = { MT_OCI_LAYER, MT_OCI_LAYER_GZIP, MT_OCI_LAYER_ZSTD };
	for (size_t i = 0; stored && i < ELEMENTSOF(oci); i++)
		if (streq(stored, oci[i]))
			return oci[i];
	if (stored && streq(stored, MT_DOCKER_LAYER_GZIP))
		return MT_OCI_LAYER_GZIP;
	if (stored && streq(stored, "application/vnd.docker.image.rootfs.diff.tar"))
		return MT_OCI_LAYER;
	switch (c) {
	case STORE_COMPRESSION_NONE:
		return MT_OCI_LAYER;
	case STORE_COMPRESSION_ZSTD:
		return MT_OCI_LAYER_ZSTD;
	default:
		return MT_OCI_LAYER_GZIP;
	}
}

char *image_oci_manifest_build(const char *config_digest, size_t config_len,
			       const struct image_load_layer *layers, size_t n)
{
	json_t *ls = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ls, json_pack("{s:s, s:s, s:I}", "mediaType",
						    layers[i].media_type, "digest",
						    layers[i].blob_digest, "size",
						    (json_int_t)layers[i].blob_size));
	_cleanup_json_ json_t *m =
		json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
			  MT_OCI_MANIFEST, "config", "mediaType", MT_OCI_CONFIG, "digest",
			  config_digest, "size", (json_int_t)config_len, "layers", ls);
	return sk_json_dump(m, JSON_COMPACT);
}

int image_save_parts_load(struct store *s, const struct state_image *img,
			  struct image_save_parts *ret, struct sk_error **err)
{
	struct image_save_parts p = { 0 };
	snprintf(p.config_digest, sizeof(p.config_digest), "sha256:%s", img->id);
	int r = store_blob_read(s, p.config_digest, CONFIG_MAX_SIZE, &p.config, &p.config_len, err);
	p.n_layers = strv_length(img->layers);
	p.layers = xnew(struct state_layer *, p.n_layers + 1);
	for (size_t i = 0; r >= 0 && i < p.n_layers; i++)
		r = state_layer_get(s->db, img->layers[i], &p.layers[i], err);
	if (r < 0) {
		image_save_parts_release(&p);
		return r;
	}
	*ret = p;
	return 0;
}

void image_save_parts_release(struct image_save_parts *p)
{
	free(p->config);
	state_layer_list_free(p->layers);
	*p = (struct image_save_parts){ 0 };
}

void image_load_item_release(struct image_load_item *it)
{
	free(it->manifest);
	free(it->config);
	for (size_t i = 0; i < it->n_layers; i++)
		free(it->layers[i].path);
	free(it->layers);
	strv_free(it->names);
	free(it->manifest_digest);
	*it = (struct image_load_item){ 0 };
}

int image_load_layer_prepare(struct image_load_ctx *lc, struct image_archive_tree *t,
			     const char *path, const char *diff_id, const char *blob_digest,
			     int64_t blob_size, struct image_load_layer *l, struct sk_error **err)
{
	l->path = xasprintf("%s/blob-%u", lc->work, lc->next_file++);
	int r = image_archive_tree_export(t, path, l->path, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open %s: %s", l->path, strerror(errno));
	struct image_layer_info info = { 0 };
	r = image_layer_read(fd, false, NULL, NULL, &info, err);
	if (r < 0 && blob_digest && digest_file(l->path, info.blob_digest) >= 0 &&
	    !streq(info.blob_digest, blob_digest)) {
		/* a damaged blob: its digest says so better than its decompression */
		sk_error_free(*err);
		*err = NULL;
		r = 0;
	}
	if (r < 0)
		return sk_error_wrap(err, "layer \"%s\"", path);
	if (blob_digest && !streq(info.blob_digest, blob_digest))
		return sk_err_corrupt(err, "layer \"%s\": digest mismatch: got %s", path,
				      info.blob_digest);
	if (blob_size >= 0 && info.blob_size != (uint64_t)blob_size)
		return sk_err_corrupt(err,
				      "layer \"%s\": size mismatch: %llu bytes, manifest says "
				      "%lld",
				      path, (unsigned long long)info.blob_size,
				      (long long)blob_size);
	if (!streq(info.diff_id, diff_id))
		return sk_err_corrupt(
			err, "layer \"%s\": diff ID mismatch: got %s, image config says %s", path,
			info.diff_id, diff_id);
	memcpy(l->blob_digest, info.blob_digest, DIGEST_STR_LEN);
	memcpy(l->diff_id, info.diff_id, DIGEST_STR_LEN);
	l->blob_size = info.blob_size;
	l->compression = info.compression;
	l->media_type = image_layer_oci_media_type(NULL, info.compression);
	return 0;
}

void image_load_ctx_add(struct image_load_ctx *lc, struct image_load_item *it)
{
	for (size_t i = 0; it->manifest_digest && i < lc->n_items; i++) {
		struct image_load_item *o = &lc->items[i];
		if (!o->manifest_digest || !streq(o->manifest_digest, it->manifest_digest))
			continue;
		STRV_FOREACH (n, it->names)
			if (!strv_contains(o->names, *n))
				strv_push(&o->names, *n);
		image_load_item_release(it);
		return;
	}
	lc->items = xreallocarray(lc->items, lc->n_items + 1, sizeof(*lc->items));
	lc->items[lc->n_items++] = *it;
	*it = (struct image_load_item){ 0 };
}

/* ---- load ---- */

static char *first_repo(char *const *names)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (!names || !names[0] || image_reference_parse(names[0], &ref, NULL) < 0)
		return NULL;
	return image_reference_name(ref);
}

static int item_layers_store(struct image_load_ctx *lc, const struct image_load_item *it,
			     char **chain, bool *created, struct sk_error **err)
{
	for (size_t i = 0; i < it->n_layers; i++) {
		char cid[DIGEST_STR_LEN];
		store_layer_chain_id(i ? chain[i - 1] : NULL, it->layers[i].diff_id, cid);
		chain[i] = xstrdup(cid);
	}
	/* Leased before looking, so a concurrent rmi can't remove a layer this load reuses. */
	int lr = store_layer_lease(lc->s, lc->work, chain, err);
	if (lr < 0)
		return lr;
	for (size_t i = 0; i < it->n_layers; i++) {
		const struct image_load_layer *l = &it->layers[i];
		const char *cid = chain[i];
		char got[DIGEST_STR_LEN];
		image_copy_emit(lc->progress, IMAGE_COPY_BLOB, l->blob_digest);
		int r = store_layer_exists(lc->s, cid, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		struct store_layer_input in = {
			.parent_chain = i ? chain[i - 1] : NULL,
			.blob_path = l->path,
			.blob_digest = l->blob_digest,
			.blob_media_type = l->media_type,
			.blob_size = l->blob_size,
			.expected_diff_id = l->diff_id,
		};
		*created = true;
		r = store_layer_create(lc->s, &in, got, err);
		if (r < 0)
			return r;
		if (!streq(got, cid))
			return sk_err_corrupt(err, "layer %s: chain ID mismatch", l->blob_digest);
	}
	return 0;
}

static int item_store(struct image_load_ctx *lc, const struct image_load_item *it, bool *created,
		      char ***loaded, struct sk_error **err)
{
	image_copy_emit(lc->progress, IMAGE_COPY_SIGNATURES, NULL);
	_cleanup_strv_free_ char **chain = xnew(char *, it->n_layers + 1);
	int r = item_layers_store(lc, it, chain, created, err);
	if (r < 0)
		return r;
	char config_digest[DIGEST_STR_LEN];
	digest_buffer(it->config, it->config_len, config_digest);
	image_copy_emit(lc->progress, IMAGE_COPY_CONFIG, config_digest);
	image_copy_emit(lc->progress, IMAGE_COPY_MANIFEST, NULL);
	_cleanup_free_ char *repo = first_repo(it->names);
	struct image_commit_input in = {
		.manifest = it->manifest,
		.manifest_len = it->manifest_len,
		.manifest_media_type = it->manifest_media_type,
		.config = it->config,
		.config_len = it->config_len,
		.config_media_type = it->config_media_type,
		.layers = chain,
		.names = it->names,
		.digest_repo = repo,
	};
	_cleanup_free_ char *id = NULL;
	r = image_commit(lc->s, &in, &id, err);
	if (r < 0)
		return r;
	if (!it->names || !it->names[0])
		strv_pushf(loaded, "sha256:%s", id);
	STRV_FOREACH (n, it->names)
		strv_push(loaded, *n);
	return 0;
}

static int load_open_tree(const struct image_load_opts *o, const char *work,
			  struct image_archive_tree **ret, struct sk_error **err)
{
	if (o->input && fs_is_dir(o->input))
		return image_archive_tree_open_dir(o->input, ret, err);
	_cleanup_close_ int own = -1;
	int fd = o->in_fd;
	if (o->input) {
		fd = own = open(o->input, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sk_err_system(err, errno, "open \"%s\": %s", o->input,
					     strerror(errno));
	}
	int r = image_archive_tree_read(fd, work, ret, err);
	if (r < 0 && (*err)->kind == SK_ERR_CORRUPT)
		sk_error_wrap(err, "payload does not match any of the supported image formats");
	return r;
}

static int load_read(struct image_load_ctx *lc, const struct image_load_opts *o,
		     struct sk_error **err)
{
	_cleanup_archive_tree_ struct image_archive_tree *t = NULL;
	int r = load_open_tree(o, lc->work, &t, err);
	if (r < 0)
		return r;
	if (image_archive_tree_has(t, "manifest.json"))
		r = image_docker_archive_read(lc, t, err);
	else if (image_archive_tree_has(t, "index.json"))
		r = image_oci_layout_read(lc, t, err);
	else
		return sk_err_corrupt(err, "payload does not match any of the supported image "
					   "formats: no manifest.json (docker-archive) or "
					   "index.json (OCI layout) found");
	if (r >= 0 && lc->n_items == 0)
		r = sk_err_corrupt(err, "the archive holds no image");
	return r;
}

static int load_work(struct store *s, const struct image_load_opts *o, const char *work,
		     char ***ret_loaded, struct sk_error **err)
{
	struct image_load_ctx lc = { .s = s, .work = work, .progress = o->progress };
	_cleanup_strv_free_ char **loaded = NULL;
	bool created = false;
	int r = load_read(&lc, o, err);
	for (size_t i = 0; r >= 0 && i < lc.n_items; i++)
		r = item_store(&lc, &lc.items[i], &created, &loaded, err);
	for (size_t i = 0; i < lc.n_items; i++)
		image_load_item_release(&lc.items[i]);
	free(lc.items);
	store_layer_release(s, work);
	/* Layers this load made for an image it could not store go again. */
	if (r < 0 && created)
		store_layer_gc(s, NULL);
	if (r < 0)
		return r;
	*ret_loaded = TAKE_PTR(loaded);
	return 0;
}

int image_load(struct store *s, const struct image_load_opts *o, char ***ret_loaded,
	       struct sk_error **err)
{
	store_sweep_tmp(s);
	_cleanup_free_ char *work = NULL;
	_cleanup_close_ int lock = -1;
	int r = store_tmpdir_new(s, "load-", &work, &lock, err);
	if (r < 0)
		return r;
	r = load_work(s, o, work, ret_loaded, err);
	store_tmpdir_remove(work);
	return r;
}

/* ---- save ---- */

static void items_free(struct image_save_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		state_image_free(items[i].img);
		strv_free(items[i].tags);
	}
	free(items);
}

static void item_tag(struct image_save_item *it, const char *tag)
{
	if (tag && !strv_contains(it->tags, tag))
		strv_push(&it->tags, tag);
}

/* Another name for the first image (podman's "additional tags"), normalised as docker does. */
static int extra_tag(const char *input, char **ret, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	int r = image_reference_parse(input, &ref, err);
	if (r < 0)
		return r;
	if (ref->digest)
		return sk_err_invalid(err, "tag \"%s\": a tag cannot name a digest", input);
	image_reference_tag_default(ref);
	*ret = image_reference_format(ref);
	return 0;
}

static int save_items(struct store *s, char *const *inputs, const struct image_save_opts *o,
		      struct image_save_item **ret, size_t *ret_n, struct sk_error **err)
{
	size_t n_in = strv_length(inputs), n = 0;
	struct image_save_item *items = xnew(struct image_save_item, n_in + 1);
	int r = 0;
	for (size_t i = 0; r >= 0 && i < (o->multi_image ? n_in : 1); i++) {
		_cleanup_free_ char *id = NULL, *matched = NULL;
		r = image_lookup(s, inputs[i], &id, &matched, err);
		size_t k = 0;
		while (r >= 0 && k < n && !streq(items[k].img->id, id))
			k++;
		if (r >= 0 && k == n)
			r = state_image_get(s->db, id, &items[n++].img, err);
		if (r >= 0)
			item_tag(&items[k], matched);
	}
	for (size_t i = 1;
	     r >= 0 && !o->multi_image && o->format == IMAGE_ARCHIVE_DOCKER && i < n_in; i++) {
		_cleanup_free_ char *tag = NULL;
		r = extra_tag(inputs[i], &tag, err);
		if (r >= 0)
			item_tag(&items[0], tag);
	}
	if (r < 0) {
		items_free(items, n);
		return r;
	}
	*ret = items;
	*ret_n = n;
	return 0;
}

static int save_write(struct store *s, const struct image_save_item *items, size_t n,
		      const struct image_save_opts *o, struct image_archive_writer *w,
		      struct sk_error **err)
{
	int r = o->format == IMAGE_ARCHIVE_DOCKER
			? image_docker_archive_write(s, items, n, w, o->progress, err)
			: image_oci_layout_write(s, items, n, w, o->progress, err);
	if (r >= 0)
		r = image_archive_writer_close(w, err);
	return r;
}

static mode_t umasked(mode_t mode)
{
	mode_t um = umask(0);
	umask(um);
	return mode & ~um;
}

static char *temp_name_next_to(const char *path)
{
	_cleanup_free_ char *dir = path_dirname(path);
	return xasprintf("%s/.%s.XXXXXX", dir, path_basename(path));
}

static int save_file(struct store *s, const struct image_save_item *items, size_t n,
		     const struct image_save_opts *o, struct sk_error **err)
{
	if (fs_is_dir(o->output))
		return sk_err_invalid(err, "save: \"%s\" is a directory", o->output);
	_cleanup_free_ char *tmp = temp_name_next_to(o->output);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "create \"%s\": %s", o->output, strerror(errno));
	_cleanup_archive_writer_ struct image_archive_writer *w = NULL;
	int r = fchmod(fd, umasked(0666)) < 0
			? sk_err_system(err, errno, "chmod %s: %s", tmp, strerror(errno))
			: 0;
	if (r >= 0)
		r = image_archive_writer_tar(fd, &w, err);
	if (r >= 0)
		r = save_write(s, items, n, o, w, err);
	if (r >= 0 && fsync(fd) < 0)
		r = sk_err_system(err, errno, "write \"%s\": %s", o->output, strerror(errno));
	if (r >= 0 && rename(tmp, o->output) < 0)
		r = sk_err_system(err, errno, "rename to \"%s\": %s", o->output, strerror(errno));
	if (r < 0)
		unlink(tmp);
	return r;
}

/* oci-dir: built next to the target, then swapped in place of an older one. */
static int save_dir(struct store *s, const struct image_save_item *items, size_t n,
		    const struct image_save_opts *o, struct sk_error **err)
{
	bool exists = fs_exists(o->output);
	if (exists && !fs_is_dir(o->output))
		return sk_err_invalid(err, "save: \"%s\" exists and is not a directory", o->output);
	_cleanup_free_ char *tmp = temp_name_next_to(o->output);
	if (!mkdtemp(tmp))
		return sk_err_system(err, errno, "create \"%s\": %s", o->output, strerror(errno));
	_cleanup_archive_writer_ struct image_archive_writer *w = NULL;
	int r = chmod(tmp, umasked(0777)) < 0
			? sk_err_system(err, errno, "chmod %s: %s", tmp, strerror(errno))
			: 0;
	if (r >= 0)
		r = image_archive_writer_dir(tmp, &w, err);
	if (r >= 0)
		r = save_write(s, items, n, o, w, err);
	if (r >= 0 && exists && renameat2(AT_FDCWD, tmp, AT_FDCWD, o->output, RENAME_EXCHANGE) < 0)
		r = sk_err_system(err, errno, "replace \"%s\": %s", o->output, strerror(errno));
	else if (r >= 0 && !exists && rename(tmp, o->output) < 0)
		r = sk_err_system(err, errno, "rename to \"%s\": %s", o->output, strerror(errno));
	fs_rm_rf(tmp); /* the work on failure, the old directory on success */
	return r;
}

int image_save(struct store *s, char *const *inputs, const struct image_save_opts *o,
	       struct sk_error **err)
{
	const char *fmt = image_archive_format_to_string(o->format);
	if (!fmt)
		return sk_err_invalid(err, "format value must be one of oci-dir oci-archive "
					   "docker-archive");
	if (o->multi_image && strv_length(inputs) > 1 && o->format != IMAGE_ARCHIVE_DOCKER)
		return sk_err_invalid(err,
				      "unsupported format \"%s\" for saving multiple images (only "
				      "docker-archive)",
				      fmt);
	if (o->format == IMAGE_ARCHIVE_OCI_DIR && !o->output)
		return sk_err_invalid(err, "format \"oci-dir\" needs an output directory (-o)");
	struct image_save_item *items = NULL;
	size_t n = 0;
	int r = save_items(s, inputs, o, &items, &n, err);
	if (r < 0)
		return r;
	if (o->format == IMAGE_ARCHIVE_OCI_DIR)
		r = save_dir(s, items, n, o, err);
	else if (o->output)
		r = save_file(s, items, n, o, err);
	else {
		_cleanup_archive_writer_ struct image_archive_writer *w = NULL;
		r = image_archive_writer_tar(o->out_fd, &w, err);
		if (r >= 0)
			r = save_write(s, items, n, o, w, err);
	}
	items_free(items, n);
	return r;
}
