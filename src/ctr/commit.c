/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commit (ctr/commit.h): the config is built (and --change checked) before anything is
 * written; then the writable layer is diffed into the work directory, stored as a layer on top
 * of the image's, and the image recorded with image_commit().
 */
#include "ctr/commit.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ctr/signal-name.h"
#include "ctr/userns.h"
#include "image/change.h"
#include "image/commit.h"
#include "image/inspect.h"
#include "image/manifest.h"
#include "image/names.h"
#include "image/push.h"
#include "state/images.h"
#include "store/layer-diff.h"
#include "store/layer-store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* What the commit works with. */
struct commit {
	struct ctr_ctx *x;
	struct state_container *c;
	const struct ctr_commit_opts *o;
	struct state_image *img;
	json_t *config; /* the new image config, without the new layer yet */
	char *work;
	char diff_id[DIGEST_STR_LEN];
	uint64_t size;
	char chain[DIGEST_STR_LEN];
};

static void commit_release(struct commit *cm)
{
	state_image_free(cm->img);
	json_decref(cm->config);
	free(cm->work);
}

/* key gets a copy of value when it holds something, else goes. */
static void set_or_del(json_t *obj, const char *key, const json_t *value)
{
	bool some = (json_is_array(value) && json_array_size(value) > 0) ||
		    (json_is_object(value) && json_object_size(value) > 0) ||
		    (json_is_string(value) && json_string_length(value) > 0);
	if (some)
		json_object_set_new(obj, key, json_deep_copy(value));
	else
		json_object_del(obj, key);
}

static void stop_signal_set(json_t *conf, const json_t *cc)
{
	json_int_t sig = json_integer_value(json_object_get(cc, "StopSignal"));
	if (sig <= 0 || (sig == 15 && !json_object_get(conf, "StopSignal")))
		return;
	_cleanup_free_ char *name = ctr_signal_name_new((int)sig);
	if (name)
		sk_json_set_str(conf, "StopSignal", name);
}

static void volumes_set(json_t *conf, const json_t *doc, const struct ctr_commit_opts *o)
{
	json_t *vols = json_deep_copy(sk_json_path((json_t *)doc, "Config.Volumes"));
	if (!json_is_object(vols)) {
		json_decref(vols);
		vols = json_object();
	}
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m) {
		const char *dst = sk_json_str(m, "Destination");
		if (o->include_volumes && dst && !streq(sk_json_str(m, "Type") ?: "", "tmpfs"))
			json_object_set_new(vols, dst, json_object());
	}
	set_or_del(conf, "Volumes", vols);
	json_decref(vols);
}

/* The container's settings over the image's config, then the --change instructions. */
static int config_build(struct commit *cm, struct sk_error **err)
{
	_cleanup_json_ json_t *base = NULL;
	int r = image_config_load(cm->x->store, cm->img, &base, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *doc = sk_json_parse(cm->c->config, strlen(cm->c->config), NULL);
	if (!doc)
		return sk_err_corrupt(err, "container %.12s: settings unreadable", cm->c->id);
	const json_t *cc = json_object_get(doc, "Config");
	json_t *cfg = json_deep_copy(base);
	json_t *conf = json_object_get(cfg, "config");
	if (!json_is_object(conf)) {
		conf = json_object();
		json_object_set_new(cfg, "config", conf);
	}
	set_or_del(conf, "Entrypoint", json_object_get(cc, "Entrypoint"));
	set_or_del(conf, "Cmd", json_object_get(cc, "Cmd"));
	set_or_del(conf, "Env", json_object_get(cc, "Env"));
	set_or_del(conf, "WorkingDir", json_object_get(cc, "WorkingDir"));
	set_or_del(conf, "User", json_object_get(cc, "User"));
	set_or_del(conf, "Labels", json_object_get(cc, "Labels"));
	set_or_del(conf, "ExposedPorts", json_object_get(cc, "ExposedPorts"));
	stop_signal_set(conf, cc);
	volumes_set(conf, doc, cm->o);
	r = image_changes_apply(conf, cm->o->changes, err);
	if (r < 0) {
		json_decref(cfg);
		return r;
	}
	cm->config = cfg;
	return 0;
}

/* The container's writable layer as an uncompressed tar in the work directory. */
static int layer_write(struct commit *cm, struct sk_error **err)
{
	struct store *s = cm->x->store;
	_cleanup_free_ char *dir = ctr_dir(cm->x, cm->c->id);
	_cleanup_free_ char *upper = path_join(dir, "diff");
	_cleanup_free_ char *path = path_join(cm->work, "layer.tar");
	_cleanup_close_ int dfd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sk_err_system(err, errno, "open %s: %s", upper, strerror(errno));
	_cleanup_close_ int pfd = -1;
	size_t n = strv_length(cm->img->layers);
	if (s->driver == STORE_DRIVER_VFS && n > 0) {
		_cleanup_free_ char *top = NULL;
		int r = store_layer_dir(s, cm->img->layers[n - 1], &top, err);
		if (r < 0)
			return r;
		pfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			return sk_err_system(err, errno, "open %s: %s", top, strerror(errno));
	}
	_cleanup_close_ int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return sk_err_system(err, errno, "create %s: %s", path, strerror(errno));
	struct store_diff_opts d = {
		.mode = s->driver == STORE_DRIVER_VFS ? STORE_LAYER_APPLY : STORE_LAYER_OVERLAY,
		.dir_fd = dfd,
		.parent_fd = pfd,
		.userxattr = s->rootless,
	};
	/* A container with a user namespace of its own: its files' owners as it sees them. */
	_cleanup_json_ json_t *doc = sk_json_parse(cm->c->config, strlen(cm->c->config), NULL);
	_cleanup_(ctr_userns_done) struct ctr_userns u = { 0 };
	if (ctr_userns_load(doc, &u, err) < 0)
		return sk_error_ret(*err);
	if (u.n_uids > 0) {
		d.idmap = ctr_userns_to_container;
		d.idmap_data = &u;
	}
	struct store_diff_result res;
	int r = store_layer_diff(&d, out, &res, err);
	if (r < 0)
		return sk_error_wrap(err, "commit %.12s", cm->c->id);
	memcpy(cm->diff_id, res.diff_id, DIGEST_STR_LEN);
	cm->size = res.size;
	return 0;
}

static int layer_store(struct commit *cm, struct sk_error **err)
{
	struct store *s = cm->x->store;
	size_t n = strv_length(cm->img->layers);
	const char *parent = n ? cm->img->layers[n - 1] : NULL;
	store_layer_chain_id(parent, cm->diff_id, cm->chain);
	_cleanup_strv_free_ char **lease = strv_copy(cm->img->layers);
	strv_push(&lease, cm->chain);
	int r = store_layer_lease(s, cm->work, lease, err);
	if (r >= 0)
		r = store_layer_exists(s, cm->chain, err);
	if (r != 0)
		return r < 0 ? r : 0;
	_cleanup_free_ char *path = path_join(cm->work, "layer.tar");
	struct store_layer_input in = {
		.parent_chain = parent,
		.blob_path = path,
		.blob_digest = cm->diff_id,
		.blob_media_type = MT_OCI_LAYER,
		.blob_size = cm->size,
		.expected_diff_id = cm->diff_id,
	};
	char chain[DIGEST_STR_LEN];
	return store_layer_create(s, &in, chain, err);
}

/* The config with the new layer and its history entry, serialised. */
static char *config_finish(struct commit *cm)
{
	const struct ctr_commit_opts *o = cm->o;
	json_t *cfg = cm->config;
	_cleanup_free_ char *now = time_format_rfc3339nano(time_now_ns());
	sk_json_set_str(cfg, "created", now);
	if (!isempty(o->author))
		sk_json_set_str(cfg, "author", o->author);
	if (o->docker_format) {
		sk_json_set_str(cfg, "container", cm->c->id);
		if (!isempty(o->message))
			sk_json_set_str(cfg, "comment", o->message);
	}
	json_t *rootfs = json_object_get(cfg, "rootfs");
	if (!json_is_object(rootfs)) {
		rootfs = json_pack("{s:s, s:[]}", "type", "layers", "diff_ids");
		json_object_set_new(cfg, "rootfs", rootfs);
	}
	json_t *ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids)) {
		ids = json_array();
		json_object_set_new(rootfs, "diff_ids", ids);
	}
	json_array_append_new(ids, json_string(cm->diff_id));
	json_t *hist = json_pack("{s:s, s:s}", "created", now, "created_by", "/bin/sh");
	if (!isempty(o->author))
		sk_json_set_str(hist, "author", o->author);
	_cleanup_free_ char *from = xasprintf("FROM %s", cm->c->image_name ?: cm->img->id);
	sk_json_set_str(hist, "comment", from);
	json_t *history = json_object_get(cfg, "history");
	if (!json_is_array(history)) {
		history = json_array();
		json_object_set_new(cfg, "history", history);
	}
	json_array_append_new(history, hist);
	return sk_json_dump(cfg, JSON_COMPACT);
}

/* The OCI manifest of the image's layers and the new one (converted for docker format). */
static int manifest_build(struct commit *cm, const char *config_digest, size_t config_len,
			  char **ret, struct sk_error **err)
{
	size_t n = strv_length(cm->img->layers);
	_cleanup_free_ struct image_load_layer *ls = xnew(struct image_load_layer, n + 1);
	for (size_t i = 0; i < n; i++) {
		_cleanup_state_layer_ struct state_layer *l = NULL;
		int r = state_layer_get(cm->x->store->db, cm->img->layers[i], &l, err);
		if (r < 0)
			return r;
		if (!l->blob_digest)
			return sk_err_corrupt(err, "layer %s has no blob", l->chain_id);
		snprintf(ls[i].blob_digest, DIGEST_STR_LEN, "%s", l->blob_digest);
		ls[i].blob_size = l->blob_size;
		ls[i].media_type =
			image_layer_oci_media_type(l->blob_media_type, STORE_COMPRESSION_GZIP);
	}
	memcpy(ls[n].blob_digest, cm->diff_id, DIGEST_STR_LEN);
	ls[n].blob_size = cm->size;
	ls[n].media_type = MT_OCI_LAYER;
	char *oci = image_oci_manifest_build(config_digest, config_len, ls, n + 1);
	if (!cm->o->docker_format) {
		*ret = oci;
		return 0;
	}
	_cleanup_free_ char *body = oci;
	_cleanup_manifest_ struct image_manifest *m = NULL;
	int r = image_manifest_parse(body, strlen(body), MT_OCI_MANIFEST, &m, err);
	size_t len;
	if (r >= 0)
		r = image_push_manifest_convert(m, MT_DOCKER_MANIFEST, ret, &len, err);
	return r;
}

static int image_record(struct commit *cm, const char *name, char **ret_id, struct sk_error **err)
{
	const struct ctr_commit_opts *o = cm->o;
	_cleanup_free_ char *config = config_finish(cm);
	char digest[DIGEST_STR_LEN];
	digest_buffer(config, strlen(config), digest);
	for (size_t i = 0; cm->img->layers && cm->img->layers[i]; i++) {
		_cleanup_state_layer_ struct state_layer *l = NULL;
		if (state_layer_get(cm->x->store->db, cm->img->layers[i], &l, NULL) >= 0)
			image_copy_emit(o->progress, IMAGE_COPY_BLOB, l->blob_digest);
	}
	image_copy_emit(o->progress, IMAGE_COPY_BLOB, cm->diff_id);
	image_copy_emit(o->progress, IMAGE_COPY_CONFIG, digest);
	_cleanup_free_ char *manifest = NULL;
	int r = manifest_build(cm, digest, strlen(config), &manifest, err);
	if (r < 0)
		return r;
	image_copy_emit(o->progress, IMAGE_COPY_MANIFEST, NULL);
	_cleanup_strv_free_ char **layers = strv_copy(cm->img->layers);
	strv_push(&layers, cm->chain);
	char *names[] = { (char *)name, NULL };
	struct image_commit_input in = {
		.manifest = manifest,
		.manifest_len = strlen(manifest),
		.manifest_media_type = o->docker_format ? MT_DOCKER_MANIFEST : MT_OCI_MANIFEST,
		.config = config,
		.config_len = strlen(config),
		.config_media_type = o->docker_format ? MT_DOCKER_CONFIG : MT_OCI_CONFIG,
		.layers = layers,
		.names = name ? names : NULL,
	};
	return image_commit(cm->x->store, &in, ret_id, err);
}

static int commit_work(struct commit *cm, const char *name, char **ret_id, struct sk_error **err)
{
	struct store *s = cm->x->store;
	_cleanup_close_ int lock = -1;
	int r = store_tmpdir_new(s, "commit-", &cm->work, &lock, err);
	if (r < 0)
		return r;
	bool paused = false;
	if (cm->o->pause && cm->c->state == STATE_CTR_RUNNING) {
		r = ctr_pause(cm->x, cm->c, err);
		paused = r >= 0;
	}
	image_copy_emit(cm->o->progress, IMAGE_COPY_SIGNATURES, NULL);
	if (r >= 0)
		r = layer_write(cm, err);
	if (paused) {
		struct sk_error *uerr = NULL;
		int u = ctr_unpause(cm->x, cm->c, &uerr);
		if (u < 0 && r >= 0) {
			*err = uerr;
			r = u;
		} else {
			sk_error_free(uerr);
		}
	}
	bool created = false;
	if (r >= 0) {
		r = layer_store(cm, err);
		created = r >= 0;
	}
	if (r >= 0)
		r = image_record(cm, name, ret_id, err);
	store_layer_release(s, cm->work);
	if (r < 0 && created)
		store_layer_gc(s, NULL);
	store_tmpdir_remove(cm->work);
	return r;
}

int ctr_commit(struct ctr_ctx *x, struct state_container *c, const struct ctr_commit_opts *o,
	       char **ret_id, struct sk_error **err)
{
	if (!o->docker_format && !isempty(o->message))
		return sk_err_invalid(err, "messages are only compatible with the docker image "
					   "format (-f docker)");
	_cleanup_free_ char *name = NULL;
	int r = o->reference ? image_name_for_tag(o->reference, &name, err) : 0;
	if (r < 0)
		return r;
	struct commit cm = { .x = x, .c = c, .o = o };
	r = state_image_get(x->store->db, c->image_id, &cm.img, err);
	if (r < 0)
		sk_error_wrap(err, "container %.12s", c->id);
	if (r >= 0)
		r = config_build(&cm, err);
	if (r >= 0) {
		store_sweep_tmp(x->store);
		r = commit_work(&cm, name, ret_id, err);
	}
	commit_release(&cm);
	if (r >= 0 && x->event)
		x->event(x->event_userdata, c, "commit", NULL);
	return r;
}
