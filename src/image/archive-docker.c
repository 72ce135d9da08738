/* SPDX-License-Identifier: Apache-2.0 */
#include "archive-docker.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "image/archive-stream.h"
#include "image/archive-tree.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "store/blob-store.h"
#include "store/safe-path.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- manifest.json ---- */

void image_docker_manifest_free(struct image_docker_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_entries; i++) {
		free(m->entries[i].config);
		strv_free(m->entries[i].repo_tags);
		strv_free(m->entries[i].layers);
	}
	free(m->entries);
	free(m);
}

/* A path a manifest may name: relative, and not climbing out of the archive. */
static int path_check(const char *path, struct sk_error **err)
{
	_cleanup_free_ char *clean = NULL;
	if (isempty(path) || path[0] == '/' || safe_path_clean(path, &clean) < 0 || !*clean)
		return sk_err_corrupt(err,
				      "invalid manifest.json: path \"%s\" is outside the "
				      "archive",
				      path ? path : "");
	return 0;
}

static int strings_get(json_t *arr, const char *what, size_t max, bool paths, char ***ret,
		       struct sk_error **err)
{
	if (!json_is_array(arr))
		return sk_err_corrupt(err, "invalid manifest.json: %s is not an array", what);
	if (json_array_size(arr) > max)
		return sk_err_corrupt(err, "invalid manifest.json: more than %zu %s", max, what);
	_cleanup_strv_free_ char **v = xnew(char *, json_array_size(arr) + 1);
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		if (!json_is_string(e))
			return sk_err_corrupt(err, "invalid manifest.json: %s holds a non-string",
					      what);
		if (paths && path_check(json_string_value(e), err) < 0)
			return -EBADMSG;
		v[i] = xstrdup(json_string_value(e));
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int entry_parse(json_t *o, struct image_docker_entry *e, struct sk_error **err)
{
	if (!json_is_object(o))
		return sk_err_corrupt(err, "invalid manifest.json: an entry is not an object");
	const char *config = sk_json_str(o, "Config");
	if (!config)
		return sk_err_corrupt(err, "invalid manifest.json: an entry has no Config");
	int r = path_check(config, err);
	if (r < 0)
		return r;
	e->config = xstrdup(config);
	json_t *tags = json_object_get(o, "RepoTags");
	if (tags && !json_is_null(tags)) {
		r = strings_get(tags, "RepoTags", MANIFEST_MAX_LAYERS, false, &e->repo_tags, err);
		if (r < 0)
			return r;
	}
	r = strings_get(json_object_get(o, "Layers"), "Layers", MANIFEST_MAX_LAYERS, true,
			&e->layers, err);
	if (r < 0)
		return r;
	e->n_layers = strv_length(e->layers);
	return 0;
}

int image_docker_manifest_parse(const char *body, size_t len, struct image_docker_manifest **ret,
				struct sk_error **err)
{
	if (len > MANIFEST_MAX_SIZE)
		return sk_err_corrupt(err, "manifest.json too large (%zu bytes)", len);
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *doc = sk_json_parse(body, len, &reason);
	if (!doc)
		return sk_err_corrupt(err, "invalid manifest.json: %s", reason);
	if (!json_is_array(doc))
		return sk_err_corrupt(err, "invalid manifest.json: not an array");
	if (json_array_size(doc) > IMAGE_DOCKER_MAX_IMAGES)
		return sk_err_corrupt(err, "invalid manifest.json: more than %d images",
				      IMAGE_DOCKER_MAX_IMAGES);
	_cleanup_(image_docker_manifest_freep) struct image_docker_manifest *m =
		xnew(struct image_docker_manifest, 1);
	m->entries = xnew(struct image_docker_entry, json_array_size(doc) + 1);
	size_t i;
	json_t *o;
	json_array_foreach (doc, i, o) {
		m->n_entries = i + 1;
		int r = entry_parse(o, &m->entries[i], err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(m);
	return 0;
}

/* ---- reading ---- */

/* A config named "<hex>.json" (docker save) or ".../sha256/<hex>" must have that digest. */
static int config_name_check(const char *path, const char *digest, struct sk_error **err)
{
	const char *base = path_basename(path);
	size_t len = strlen(base);
	bool named = (len == DIGEST_HEX_LEN + 5 && streq(base + DIGEST_HEX_LEN, ".json")) ||
		     (len == DIGEST_HEX_LEN && strstr(path, "sha256/"));
	_cleanup_free_ char *hex = xstrndup(base, DIGEST_HEX_LEN);
	if (!named || !hex_is_valid(hex, DIGEST_HEX_LEN))
		return 0;
	if (strncmp(base, digest_hex(digest), DIGEST_HEX_LEN) != 0)
		return sk_err_corrupt(err, "config \"%s\": digest mismatch: got %s", path, digest);
	return 0;
}

static int names_from_tags(char *const *tags, char ***ret, struct sk_error **err)
{
	STRV_FOREACH (t, tags) {
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		if (image_reference_parse(*t, &ref, NULL) < 0 || ref->digest)
			return sk_err_corrupt(err, "invalid manifest.json: invalid RepoTag \"%s\"",
					      *t);
		image_reference_tag_default(ref);
		char *name = image_reference_format(ref);
		if (strv_contains(*ret, name))
			free(name);
		else
			strv_push_take(ret, name);
	}
	return 0;
}

static int entry_layers(struct image_load_ctx *lc, struct image_archive_tree *t,
			const struct image_docker_entry *e, json_t *diff_ids,
			struct image_load_item *it, struct sk_error **err)
{
	if (json_array_size(diff_ids) != e->n_layers)
		return sk_err_corrupt(err, "config \"%s\": %zu diff IDs for %zu layers", e->config,
				      json_array_size(diff_ids), e->n_layers);
	it->layers = xnew(struct image_load_layer, e->n_layers + 1);
	for (size_t i = 0; i < e->n_layers; i++) {
		it->n_layers = i + 1;
		const char *diff = json_string_value(json_array_get(diff_ids, i));
		int r = image_load_layer_prepare(lc, t, e->layers[i], diff, NULL, -1,
						 &it->layers[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int entry_read(struct image_load_ctx *lc, struct image_archive_tree *t,
		      const struct image_docker_entry *e, struct image_load_item *it,
		      struct sk_error **err)
{
	int r = image_archive_tree_read_member(t, e->config, CONFIG_MAX_SIZE, &it->config,
					       &it->config_len, err);
	if (r < 0)
		return r;
	char digest[DIGEST_STR_LEN];
	digest_buffer(it->config, it->config_len, digest);
	r = config_name_check(e->config, digest, err);
	_cleanup_json_ json_t *cfg = NULL;
	if (r >= 0)
		r = image_config_parse(it->config, it->config_len, NULL, &cfg, err);
	if (r >= 0)
		r = entry_layers(lc, t, e, sk_json_path(cfg, "rootfs.diff_ids"), it, err);
	if (r >= 0)
		r = names_from_tags(e->repo_tags, &it->names, err);
	if (r < 0)
		return r;
	it->config_media_type = MT_OCI_CONFIG;
	it->manifest = image_oci_manifest_build(digest, it->config_len, it->layers, it->n_layers);
	it->manifest_len = strlen(it->manifest);
	it->manifest_media_type = MT_OCI_MANIFEST;
	char md[DIGEST_STR_LEN];
	digest_buffer(it->manifest, it->manifest_len, md);
	it->manifest_digest = xstrdup(md);
	return 0;
}

int image_docker_archive_read(struct image_load_ctx *lc, struct image_archive_tree *t,
			      struct sk_error **err)
{
	_cleanup_free_ char *body = NULL;
	size_t len = 0;
	int r = image_archive_tree_read_member(t, "manifest.json", MANIFEST_MAX_SIZE, &body, &len,
					       err);
	_cleanup_docker_manifest_ struct image_docker_manifest *m = NULL;
	if (r >= 0)
		r = image_docker_manifest_parse(body, len, &m, err);
	for (size_t i = 0; r >= 0 && i < m->n_entries; i++) {
		struct image_load_item it = { 0 };
		r = entry_read(lc, t, &m->entries[i], &it, err);
		if (r >= 0)
			image_load_ctx_add(lc, &it);
		image_load_item_release(&it);
	}
	return r;
}

/* ---- writing ---- */

struct layer_copy {
	struct image_archive_writer *w;
	const struct state_layer *l;
	uint64_t done;
};

static int layer_copy_data(void *userdata, const void *data, size_t len, struct sk_error **err)
{
	struct layer_copy *c = userdata;
	if (c->done + len > c->l->diff_size)
		return sk_err_corrupt(err, "stored blob larger than its recorded size");
	c->done += len;
	return image_archive_writer_write(c->w, data, len, err);
}

/* The layer as the uncompressed tar its diff ID names, decompressed from the stored blob. */
static int layer_write(struct store *s, const struct state_layer *l, const char *name,
		       struct image_archive_writer *w, struct sk_error **err)
{
	if (!l->blob_digest)
		return sk_err_notfound(err, "layer %s: no blob stored", l->diff_id);
	_cleanup_close_ int fd = store_blob_open(s, l->blob_digest, err);
	if (fd < 0)
		return fd;
	int r = image_archive_writer_begin(w, name, l->diff_size, err);
	if (r < 0)
		return r;
	struct layer_copy c = { .w = w, .l = l };
	struct image_layer_info info;
	r = image_layer_read(fd, true, layer_copy_data, &c, &info, err);
	if (r < 0)
		return sk_error_wrap(err, "layer %s", l->diff_id);
	if (!streq(info.diff_id, l->diff_id) || info.diff_size != l->diff_size)
		return sk_err_corrupt(err, "layer %s: stored blob does not match its diff ID",
				      l->diff_id);
	return image_archive_writer_end(w, err);
}

/* What one docker-archive being written has so far. */
struct docker_writer {
	struct store *s;
	struct image_archive_writer *w;
	const struct image_copy_progress *progress;
	char **written; /* names of the files and directories already in the tar */
	json_t *manifest;
	json_t *repos;
};

/* Legacy layer IDs: unique per image and layer, as the format wants. */
static void legacy_id(const char *config_digest, const char *chain_id, char out[DIGEST_STR_LEN])
{
	_cleanup_free_ char *s = xasprintf("%s %s", config_digest, chain_id);
	digest_buffer(s, strlen(s), out);
}

static char *legacy_json(const char *id, const char *parent, const json_t *cfg)
{
	static const char *const keys[] = {
		"architecture", "config",	  "container", "container_config",
		"created",	"docker_version", "os"
	};
	_cleanup_json_ json_t *o = json_object();
	for (size_t i = 0; cfg && i < ELEMENTSOF(keys); i++) {
		json_t *v = json_object_get(cfg, keys[i]);
		json_object_set_new(o, keys[i], v ? json_incref(v) : json_null());
	}
	json_object_set_new(o, "id", json_string(id));
	if (parent)
		json_object_set_new(o, "parent", json_string(parent));
	return sk_json_dump(o, JSON_COMPACT | JSON_SORT_KEYS);
}

/* <id>/VERSION, <id>/json and <id>/layer.tar (a link to the layer's tar). */
static int legacy_dir_write(struct docker_writer *dw, const char *id, const char *parent,
			    const json_t *cfg, const char *diff_id, struct sk_error **err)
{
	_cleanup_free_ char *json = legacy_json(id, parent, cfg);
	_cleanup_free_ char *version = xasprintf("%s/VERSION", id);
	_cleanup_free_ char *jname = xasprintf("%s/json", id);
	_cleanup_free_ char *lname = xasprintf("%s/layer.tar", id);
	_cleanup_free_ char *target = xasprintf("../%s.tar", digest_hex(diff_id));
	int r = image_archive_writer_add_dir(dw->w, id, err);
	if (r >= 0)
		r = image_archive_writer_add_bytes(dw->w, version, "1.0", 3, err);
	if (r >= 0)
		r = image_archive_writer_add_bytes(dw->w, jname, json, strlen(json), err);
	if (r >= 0)
		r = image_archive_writer_add_symlink(dw->w, lname, target, err);
	strv_push(&dw->written, id);
	return r;
}

static int legacy_write(struct docker_writer *dw, const struct image_save_parts *p,
			char top[DIGEST_STR_LEN], struct sk_error **err)
{
	_cleanup_json_ json_t *cfg = sk_json_parse(p->config, p->config_len, NULL);
	char parent[DIGEST_STR_LEN] = "";
	int r = 0;
	for (size_t i = 0; r >= 0 && i < p->n_layers; i++) {
		char id[DIGEST_STR_LEN];
		legacy_id(p->config_digest, p->layers[i]->chain_id, id);
		const char *hex = digest_hex(id);
		if (!strv_contains(dw->written, hex))
			r = legacy_dir_write(dw, hex, *parent ? parent : NULL,
					     i + 1 == p->n_layers ? cfg : NULL,
					     p->layers[i]->diff_id, err);
		snprintf(parent, sizeof(parent), "%s", hex);
	}
	snprintf(top, DIGEST_STR_LEN, "%s", parent);
	return r;
}

static void repos_add(json_t *repos, char *const *tags, const char *top)
{
	STRV_FOREACH (t, tags) {
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		if (!*top || image_reference_parse(*t, &ref, NULL) < 0 || !ref->tag)
			continue;
		_cleanup_free_ char *name = image_reference_name(ref);
		json_t *repo = json_object_get(repos, name);
		if (!repo) {
			repo = json_object();
			json_object_set_new(repos, name, repo);
		}
		json_object_set_new(repo, ref->tag, json_string(top));
	}
}

/* The layer tars (each once), the config, the legacy directories and the manifest entry. */
static int item_write(struct docker_writer *dw, const struct image_save_item *it,
		      const struct image_save_parts *p, struct sk_error **err)
{
	_cleanup_free_ char *cname = xasprintf("%s.json", digest_hex(p->config_digest));
	json_t *layers = json_array();
	json_array_append_new(dw->manifest,
			      json_pack("{s:s, s:o, s:o}", "Config", cname, "RepoTags",
					sk_json_from_strv(it->tags), "Layers", layers));
	int r = 0;
	for (size_t i = 0; r >= 0 && i < p->n_layers; i++) {
		const struct state_layer *l = p->layers[i];
		_cleanup_free_ char *name = xasprintf("%s.tar", digest_hex(l->diff_id));
		json_array_append_new(layers, json_string(name));
		if (strv_contains(dw->written, name))
			continue;
		image_copy_emit(dw->progress, IMAGE_COPY_BLOB, l->diff_id);
		r = layer_write(dw->s, l, name, dw->w, err);
		strv_push(&dw->written, name);
	}
	if (r >= 0 && !strv_contains(dw->written, cname)) {
		image_copy_emit(dw->progress, IMAGE_COPY_CONFIG, p->config_digest);
		r = image_archive_writer_add_bytes(dw->w, cname, p->config, p->config_len, err);
		strv_push(&dw->written, cname);
	}
	char top[DIGEST_STR_LEN];
	if (r >= 0)
		r = legacy_write(dw, p, top, err);
	if (r >= 0)
		repos_add(dw->repos, it->tags, top);
	return r;
}

static int add_json(struct image_archive_writer *w, const char *name, const json_t *v, size_t flags,
		    struct sk_error **err)
{
	_cleanup_free_ char *text = sk_json_dump(v, JSON_COMPACT | flags);
	return image_archive_writer_add_bytes(w, name, text, strlen(text), err);
}

int image_docker_archive_write(struct store *s, const struct image_save_item *items, size_t n,
			       struct image_archive_writer *w,
			       const struct image_copy_progress *progress, struct sk_error **err)
{
	struct docker_writer dw = {
		.s = s,
		.w = w,
		.progress = progress,
		.manifest = json_array(),
		.repos = json_object(),
	};
	int r = 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct image_save_parts p;
		r = image_save_parts_load(s, items[i].img, &p, err);
		if (r < 0)
			break;
		r = item_write(&dw, &items[i], &p, err);
		image_save_parts_release(&p);
	}
	if (r >= 0) {
		image_copy_emit(progress, IMAGE_COPY_MANIFEST, NULL);
		r = add_json(w, "manifest.json", dw.manifest, 0, err);
	}
	if (r >= 0)
		r = add_json(w, "repositories", dw.repos, JSON_SORT_KEYS, err);
	strv_free(dw.written);
	json_decref(dw.manifest);
	json_decref(dw.repos);
	return r;
}
