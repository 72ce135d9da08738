/* SPDX-License-Identifier: Apache-2.0 */
#include "inspect.h"

#include <string.h>

#include "image/manifest.h"
#include "image/reference.h"
#include "store/blob-store.h"
#include "store/layer-store.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int image_config_load(struct store *s, const struct state_image *img, json_t **ret,
		      struct sk_error **err)
{
	_cleanup_free_ char *digest = xasprintf("sha256:%s", img->id);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = store_blob_read(s, digest, CONFIG_MAX_SIZE, &buf, &len, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *reason = NULL;
	json_t *cfg = sk_json_parse(buf, len, &reason);
	if (!cfg)
		return sk_err_corrupt(err, "image %s: config: %s", img->id, reason);
	*ret = cfg;
	return 0;
}

int64_t image_config_created(const json_t *config)
{
	const char *c = sk_json_str(config, "created");
	int64_t ns = 0;
	if (c && time_parse_rfc3339(c, &ns) < 0)
		ns = 0;
	return ns;
}

static json_t *json_or(json_t *v, json_t *def)
{
	if (v) {
		json_decref(def);
		return json_incref(v);
	}
	return def;
}

/* Podman spells the image's Config with Go's field names; the OCI config's "config" object
 * uses the same names already. */
static json_t *graph_driver(struct store *s, const struct state_image *img)
{
	json_t *data = json_object();
	_cleanup_strv_free_ char **dirs = NULL;
	for (size_t i = strv_length(img->layers); i > 0; i--) {
		char *d = NULL;
		if (store_layer_dir(s, img->layers[i - 1], &d, NULL) >= 0)
			strv_push_take(&dirs, d);
	}
	if (dirs && dirs[0]) {
		json_object_set_new(data, "UpperDir", json_string(dirs[0]));
		if (dirs[1]) {
			_cleanup_free_ char *lower = strv_join(dirs + 1, ":");
			json_object_set_new(data, "LowerDir", json_string(lower));
		}
		if (s->driver == STORE_DRIVER_OVERLAY) {
			_cleanup_free_ char *work = path_join(dirs[0], "../work");
			json_object_set_new(data, "WorkDir", json_string(work));
		}
	}
	return json_pack("{s:s, s:o}", "Name", store_driver_to_string(s->driver), "Data", data);
}

static json_t *diff_ids(const json_t *cfg)
{
	json_t *ids = sk_json_path((json_t *)cfg, "rootfs.diff_ids");
	return json_is_array(ids) ? json_copy(ids) : json_array();
}

int image_inspect_json(struct store *s, const struct state_image *img, json_t **ret,
		       struct sk_error **err)
{
	_cleanup_json_ json_t *cfg = NULL;
	int r = image_config_load(s, img, &cfg, err);
	if (r < 0)
		return r;
	json_t *config = json_object_get(cfg, "config");
	int64_t created = image_config_created(cfg);
	_cleanup_free_ char *created_s = time_format_rfc3339nano(created);
	json_t *labels = json_object_get(config, "Labels");
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "Digest", json_string(img->digest));
	json_object_set_new(o, "RepoTags", sk_json_from_strv(img->names));
	json_object_set_new(o, "RepoDigests", sk_json_from_strv(img->repo_digests));
	json_object_set_new(o, "Parent", json_string(""));
	json_object_set_new(o, "Comment", json_string(sk_json_str(cfg, "comment") ?: ""));
	json_object_set_new(o, "Created", json_string(created_s));
	json_object_set_new(o, "Config", json_or(config, json_object()));
	json_object_set_new(o, "Version", json_string(sk_json_str(cfg, "docker_version") ?: ""));
	json_object_set_new(o, "Author", json_string(sk_json_str(cfg, "author") ?: ""));
	json_object_set_new(o, "Architecture", json_string(sk_json_str(cfg, "architecture") ?: ""));
	json_object_set_new(o, "Os", json_string(sk_json_str(cfg, "os") ?: ""));
	if (sk_json_str(cfg, "variant"))
		json_object_set_new(o, "Variant", json_string(sk_json_str(cfg, "variant")));
	json_object_set_new(o, "Size", json_integer((json_int_t)img->size));
	json_object_set_new(o, "VirtualSize", json_integer((json_int_t)img->size));
	json_object_set_new(o, "GraphDriver", graph_driver(s, img));
	json_object_set_new(o, "RootFS",
			    json_pack("{s:s, s:o}", "Type", "layers", "Layers", diff_ids(cfg)));
	json_object_set_new(o, "Labels", json_or(labels, json_null()));
	json_object_set_new(o, "Annotations", json_object());
	json_object_set_new(o, "ManifestType", json_string(img->manifest_media_type));
	json_object_set_new(o, "User", json_string(sk_json_str(config, "User") ?: ""));
	json_object_set_new(o, "History", json_or(json_object_get(cfg, "history"), json_array()));
	json_object_set_new(o, "NamesHistory", sk_json_from_strv(img->names));
	*ret = o;
	return 0;
}

int image_summary_json(struct store *s, const struct state_image *img, json_t **ret,
		       struct sk_error **err)
{
	/* Labels are kept in the database; only images stored before that need their config. */
	_cleanup_json_ json_t *cfg = NULL, *labels = NULL;
	if (img->labels)
		labels = sk_json_parse(img->labels, strlen(img->labels), NULL);
	if (!labels) {
		int r = image_config_load(s, img, &cfg, err);
		if (r < 0)
			return r;
		labels = json_incref(sk_json_path(cfg, "config.Labels"));
	}
	_cleanup_free_ char *created_s = time_format_rfc3339nano(img->created);
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(img->id));
	json_object_set_new(o, "ParentId", json_string(""));
	json_object_set_new(o, "RepoTags", sk_json_from_strv(img->names));
	json_object_set_new(o, "RepoDigests", sk_json_from_strv(img->repo_digests));
	json_object_set_new(o, "Size", json_integer((json_int_t)img->size));
	json_object_set_new(o, "SharedSize", json_integer(0));
	json_object_set_new(o, "VirtualSize", json_integer((json_int_t)img->size));
	json_object_set_new(o, "Labels", json_or(labels, json_object()));
	json_object_set_new(o, "Containers", json_integer(0));
	json_object_set_new(o, "ReadOnly", json_boolean(img->read_only));
	json_object_set_new(o, "Names", sk_json_from_strv(img->names));
	json_object_set_new(o, "Digest", json_string(img->digest));
	json_object_set_new(o, "History", sk_json_from_strv(img->names));
	json_object_set_new(o, "Created", json_integer(img->created / 1000000000LL));
	json_object_set_new(o, "CreatedAt", json_string(created_s));
	*ret = o;
	return 0;
}
