/* SPDX-License-Identifier: Apache-2.0 */
#include "archive-oci.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "image/archive-stream.h"
#include "image/archive-tree.h"
#include "image/manifest.h"
#include "image/names.h"
#include "store/blob-store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define OCI_LAYOUT_FILE "{\"imageLayoutVersion\": \"1.0.0\"}"

/* ---- index.json ---- */

void image_oci_refs_free(struct image_oci_ref *refs, size_t n)
{
	for (size_t i = 0; refs && i < n; i++) {
		free(refs[i].digest);
		free(refs[i].media_type);
		free(refs[i].ref_name);
	}
	free(refs);
}

int image_oci_index_parse(const char *body, size_t len, struct image_oci_ref **ret, size_t *ret_n,
			  struct sk_error **err)
{
	_cleanup_index_ struct image_index *ix = NULL;
	int r = image_index_parse(body, len, MT_OCI_INDEX, &ix, err);
	if (r < 0)
		return sk_error_wrap(err, "index.json");
	json_t *list = json_object_get(ix->doc, "manifests");
	struct image_oci_ref *refs = xnew(struct image_oci_ref, ix->n_manifests + 1);
	for (size_t i = 0; i < ix->n_manifests; i++) {
		json_t *ann = json_object_get(json_array_get(list, i), "annotations");
		const char *name = sk_json_str(ann, IMAGE_OCI_REF_NAME);
		refs[i] = (struct image_oci_ref){
			.digest = xstrdup(ix->manifests[i].digest),
			.media_type = xstrdup(ix->manifests[i].media_type),
			.size = ix->manifests[i].size,
			.ref_name = name ? xstrdup(name) : NULL,
		};
	}
	*ret = refs;
	*ret_n = ix->n_manifests;
	return 0;
}

int image_oci_blob_path(const char *digest, char **ret, struct sk_error **err)
{
	if (!digest_is_valid(digest) || strncmp(digest, "sha256:", 7) != 0)
		return sk_err_corrupt(err, "unsupported digest \"%s\": only sha256 is supported",
				      digest);
	*ret = xasprintf("blobs/sha256/%s", digest_hex(digest));
	return 0;
}

/* ---- reading ---- */

static int blob_read(struct image_archive_tree *t, const char *digest, int64_t size, size_t max,
		     char **ret, size_t *ret_len, struct sk_error **err)
{
	_cleanup_free_ char *path = NULL;
	int r = image_oci_blob_path(digest, &path, err);
	if (r < 0)
		return r;
	if (size > (int64_t)max)
		return sk_err_corrupt(err, "blob %s too large (%lld bytes)", digest,
				      (long long)size);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	r = image_archive_tree_read_member(t, path, max, &buf, &len, err);
	if (r < 0)
		return r;
	char got[DIGEST_STR_LEN];
	digest_buffer(buf, len, got);
	if (!streq(got, digest))
		return sk_err_corrupt(err, "blob %s: digest mismatch: got %s", digest, got);
	if (size >= 0 && (uint64_t)size != len)
		return sk_err_corrupt(err,
				      "blob %s: size mismatch: %zu bytes, descriptor says %lld",
				      digest, len, (long long)size);
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* The image manifest a ref names; an index is resolved for this host's platform. */
static int manifest_read(struct image_archive_tree *t, const struct image_oci_ref *ref,
			 struct image_manifest **ret, struct image_load_item *it,
			 struct sk_error **err)
{
	_cleanup_free_ char *body = NULL, *mt = NULL, *digest = xstrdup(ref->digest);
	size_t len = 0;
	int r = blob_read(t, ref->digest, ref->size, MANIFEST_MAX_SIZE, &body, &len, err);
	int kind = r < 0 ? r : image_manifest_kind(ref->media_type, body, len, &mt, err);
	if (kind == MANIFEST_KIND_INDEX) {
		_cleanup_index_ struct image_index *ix = NULL;
		const struct image_descriptor *d = NULL;
		r = image_index_parse(body, len, mt, &ix, err);
		if (r >= 0)
			r = image_index_select(ix, NULL, &d, err);
		if (r < 0)
			return r;
		free(body);
		free(mt);
		free(digest);
		body = mt = NULL;
		digest = xstrdup(d->digest);
		r = blob_read(t, d->digest, d->size, MANIFEST_MAX_SIZE, &body, &len, err);
		kind = r < 0 ? r : image_manifest_kind(d->media_type, body, len, &mt, err);
		if (kind == MANIFEST_KIND_INDEX)
			return sk_err_corrupt(err, "manifest %s: nested index", d->digest);
	}
	if (kind < 0)
		return kind;
	r = image_manifest_parse(body, len, mt, ret, err);
	if (r < 0)
		return r;
	/* the manifest's own bytes are kept: its digest is the image's digest */
	it->manifest = TAKE_PTR(body);
	it->manifest_len = len;
	it->manifest_digest = TAKE_PTR(digest);
	return 0;
}

static const char *static_type(const char *mt, const char *const *known, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (streq(mt, known[i]))
			return known[i];
	return known[0];
}

static int item_layers(struct image_load_ctx *lc, struct image_archive_tree *t,
		       const struct image_manifest *m, json_t *diff_ids, struct image_load_item *it,
		       struct sk_error **err)
{
	it->layers = xnew(struct image_load_layer, m->n_layers + 1);
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct image_descriptor *d = &m->layers[i];
		struct image_load_layer *l = &it->layers[i];
		_cleanup_free_ char *path = NULL;
		it->n_layers = i + 1;
		int r = image_oci_blob_path(d->digest, &path, err);
		if (r >= 0)
			r = image_load_layer_prepare(lc, t, path,
						     json_string_value(json_array_get(diff_ids, i)),
						     d->digest, d->size, l, err);
		if (r < 0)
			return r;
		l->media_type = image_layer_oci_media_type(d->media_type, l->compression);
	}
	return 0;
}

static int item_names(const struct image_oci_ref *ref, struct image_load_item *it,
		      struct sk_error **err)
{
	if (!ref->ref_name)
		return 0;
	char *name = NULL;
	if (image_name_for_tag(ref->ref_name, &name, NULL) < 0)
		return sk_err_corrupt(err, "index.json: invalid image name \"%s\"", ref->ref_name);
	strv_push_take(&it->names, name);
	return 0;
}

static int ref_read(struct image_load_ctx *lc, struct image_archive_tree *t,
		    const struct image_oci_ref *ref, struct image_load_item *it,
		    struct sk_error **err)
{
	static const char *const manifest_types[] = { MT_OCI_MANIFEST, MT_DOCKER_MANIFEST };
	static const char *const config_types[] = { MT_OCI_CONFIG, MT_DOCKER_CONFIG };
	_cleanup_manifest_ struct image_manifest *m = NULL;
	_cleanup_json_ json_t *cfg = NULL;
	int r = manifest_read(t, ref, &m, it, err);
	if (r >= 0)
		r = blob_read(t, m->config.digest, m->config.size, CONFIG_MAX_SIZE, &it->config,
			      &it->config_len, err);
	if (r >= 0)
		r = image_config_parse(it->config, it->config_len, m, &cfg, err);
	if (r >= 0)
		r = item_layers(lc, t, m, sk_json_path(cfg, "rootfs.diff_ids"), it, err);
	if (r >= 0)
		r = item_names(ref, it, err);
	if (r < 0)
		return r;
	it->manifest_media_type = static_type(m->media_type, manifest_types, 2);
	it->config_media_type = static_type(m->config.media_type, config_types, 2);
	return 0;
}

int image_oci_layout_read(struct image_load_ctx *lc, struct image_archive_tree *t,
			  struct sk_error **err)
{
	_cleanup_free_ char *body = NULL;
	size_t len = 0, n = 0;
	struct image_oci_ref *refs = NULL;
	int r = image_archive_tree_read_member(t, "index.json", MANIFEST_MAX_SIZE, &body, &len,
					       err);
	if (r >= 0)
		r = image_oci_index_parse(body, len, &refs, &n, err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct image_load_item it = { 0 };
		r = ref_read(lc, t, &refs[i], &it, err);
		if (r >= 0)
			image_load_ctx_add(lc, &it);
		image_load_item_release(&it);
	}
	image_oci_refs_free(refs, n);
	return r;
}

/* ---- writing ---- */

/* The compression of a stored blob whose media type does not say, from its first bytes. */
static enum store_compression blob_sniff(struct store *s, const char *digest)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char head[4] = { 0 };
	_cleanup_close_ int fd = store_blob_open(s, digest, NULL);
	if (fd < 0 || fd_read_full(fd, head, sizeof(head)) < 0)
		return STORE_COMPRESSION_GZIP;
	if (!memcmp(head, gz, sizeof(gz)))
		return STORE_COMPRESSION_GZIP;
	return memcmp(head, zst, sizeof(zst)) ? STORE_COMPRESSION_NONE : STORE_COMPRESSION_ZSTD;
}

/* The stored manifest when it is already the OCI manifest of exactly these blobs (so the
 * image keeps its digest), else a new one. */
static char *manifest_for(struct store *s, const struct state_image *img,
			  const struct image_save_parts *p)
{
	_cleanup_free_ char *body = NULL;
	size_t len = 0;
	_cleanup_manifest_ struct image_manifest *m = NULL;
	bool same = img->digest && img->manifest_media_type &&
		    streq(img->manifest_media_type, MT_OCI_MANIFEST) &&
		    store_blob_read(s, img->digest, MANIFEST_MAX_SIZE, &body, &len, NULL) >= 0 &&
		    image_manifest_parse(body, len, MT_OCI_MANIFEST, &m, NULL) >= 0 &&
		    streq(m->config.digest, p->config_digest) && m->n_layers == p->n_layers;
	for (size_t i = 0; same && i < p->n_layers; i++)
		same = p->layers[i]->blob_digest &&
		       streq(m->layers[i].digest, p->layers[i]->blob_digest);
	if (same)
		return TAKE_PTR(body);
	_cleanup_free_ struct image_load_layer *ls = xnew(struct image_load_layer, p->n_layers + 1);
	for (size_t i = 0; i < p->n_layers; i++) {
		const struct state_layer *l = p->layers[i];
		snprintf(ls[i].blob_digest, DIGEST_STR_LEN, "%s", l->blob_digest);
		ls[i].blob_size = l->blob_size;
		const char *mt = image_layer_oci_media_type(l->blob_media_type, -1);
		if (!l->blob_media_type || !image_layer_media_type_known(l->blob_media_type))
			mt = image_layer_oci_media_type(NULL, blob_sniff(s, l->blob_digest));
		ls[i].media_type = mt;
	}
	return image_oci_manifest_build(p->config_digest, p->config_len, ls, p->n_layers);
}

struct oci_writer {
	struct store *s;
	struct image_archive_writer *w;
	const struct image_copy_progress *progress;
	char **written;
	json_t *index;
};

static int blob_bytes_write(struct oci_writer *ow, const char *digest, const void *data, size_t len,
			    struct sk_error **err)
{
	_cleanup_free_ char *path = xasprintf("blobs/sha256/%s", digest_hex(digest));
	if (strv_contains(ow->written, path))
		return 0;
	strv_push(&ow->written, path);
	return image_archive_writer_add_bytes(ow->w, path, data, len, err);
}

static int layer_blob_write(struct oci_writer *ow, const struct state_layer *l,
			    struct sk_error **err)
{
	if (!l->blob_digest)
		return sk_err_notfound(err, "layer %s: no blob stored", l->diff_id);
	_cleanup_free_ char *path = NULL;
	int r = image_oci_blob_path(l->blob_digest, &path, err);
	if (r < 0 || strv_contains(ow->written, path))
		return r;
	image_copy_emit(ow->progress, IMAGE_COPY_BLOB, l->blob_digest);
	_cleanup_close_ int fd = store_blob_open(ow->s, l->blob_digest, err);
	if (fd < 0)
		return fd;
	strv_push(&ow->written, path);
	return image_archive_writer_add_fd(ow->w, path, fd, l->blob_size, err);
}

static void index_add(json_t *index, const char *digest, size_t size, char *const *tags)
{
	size_t n = MAX(strv_length(tags), (size_t)1);
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", MT_OCI_MANIFEST, "digest",
				      digest, "size", (json_int_t)size);
		if (tags && tags[i])
			json_object_set_new(d, "annotations",
					    json_pack("{s:s}", IMAGE_OCI_REF_NAME, tags[i]));
		json_array_append_new(index, d);
	}
}

static int item_write(struct oci_writer *ow, const struct image_save_item *it,
		      const struct image_save_parts *p, struct sk_error **err)
{
	int r = 0;
	for (size_t i = 0; r >= 0 && i < p->n_layers; i++)
		r = layer_blob_write(ow, p->layers[i], err);
	if (r < 0)
		return r;
	image_copy_emit(ow->progress, IMAGE_COPY_CONFIG, p->config_digest);
	r = blob_bytes_write(ow, p->config_digest, p->config, p->config_len, err);
	_cleanup_free_ char *manifest = manifest_for(ow->s, it->img, p);
	char digest[DIGEST_STR_LEN];
	digest_buffer(manifest, strlen(manifest), digest);
	if (r >= 0)
		r = blob_bytes_write(ow, digest, manifest, strlen(manifest), err);
	if (r >= 0)
		index_add(ow->index, digest, strlen(manifest), it->tags);
	return r;
}

int image_oci_layout_write(struct store *s, const struct image_save_item *items, size_t n,
			   struct image_archive_writer *w,
			   const struct image_copy_progress *progress, struct sk_error **err)
{
	struct oci_writer ow = { .s = s, .w = w, .progress = progress, .index = json_array() };
	int r = image_archive_writer_add_bytes(w, "oci-layout", OCI_LAYOUT_FILE,
					       strlen(OCI_LAYOUT_FILE), err);
	if (r >= 0)
		r = image_archive_writer_add_dir(w, "blobs", err);
	if (r >= 0)
		r = image_archive_writer_add_dir(w, "blobs/sha256", err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct image_save_parts p;
		r = image_save_parts_load(s, items[i].img, &p, err);
		if (r < 0)
			break;
		r = item_write(&ow, &items[i], &p, err);
		image_save_parts_release(&p);
	}
	if (r >= 0) {
		image_copy_emit(progress, IMAGE_COPY_MANIFEST, NULL);
		_cleanup_json_ json_t *doc =
			json_pack("{s:i, s:O}", "schemaVersion", 2, "manifests", ow.index);
		_cleanup_free_ char *text = sk_json_dump(doc, JSON_COMPACT);
		r = image_archive_writer_add_bytes(w, "index.json", text, strlen(text), err);
	}
	strv_free(ow.written);
	json_decref(ow.index);
	return r;
}
