/* SPDX-License-Identifier: Apache-2.0 */
#include "commit.h"

#include <errno.h>
#include <string.h>

#include "image/inspect.h"
#include "image/manifest.h"
#include "state/images.h"
#include "store/blob-store.h"
#include "util/digest.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* Sum of the layers' unpacked sizes, and every blob the image holds. */
static int collect_layers(struct store *s, char *const *layers, uint64_t *size, char ***blobs,
			  struct sk_error **err)
{
	for (size_t i = 0; layers && layers[i]; i++) {
		_cleanup_state_layer_ struct state_layer *l = NULL;
		int r = state_layer_get(s->db, layers[i], &l, err);
		if (r < 0)
			return sk_error_wrap(err, "layer removed while the image was being stored, "
						  "try again");
		*size += l->diff_size;
		if (l->blob_digest)
			strv_push(blobs, l->blob_digest);
	}
	return 0;
}

static int commit_rows(struct store *s, const struct image_commit_input *in,
		       const char *manifest_digest, const char *config_digest,
		       struct sk_error **err)
{
	_cleanup_strv_free_ char **blobs = NULL;
	uint64_t size = 0;
	int r = collect_layers(s, in->layers, &size, &blobs, err);
	if (r < 0)
		return r;
	strv_push(&blobs, manifest_digest);
	strv_push(&blobs, config_digest);
	_cleanup_json_ json_t *cfg = sk_json_parse(in->config, in->config_len, NULL);
	json_t *labels = sk_json_path(cfg, "config.Labels");
	_cleanup_free_ char *labels_text =
		json_is_object(labels) ? sk_json_dump(labels, JSON_COMPACT) : xstrdup("{}");
	size_t n = strv_length(in->layers);
	struct state_image img = {
		.id = (char *)digest_hex(config_digest),
		.digest = (char *)manifest_digest,
		.manifest_media_type = (char *)in->manifest_media_type,
		.top_layer = n ? in->layers[n - 1] : NULL,
		.created = image_config_created(cfg),
		.added = time_now_ns(),
		.size = size,
		.labels = labels_text,
		.layers = (char **)in->layers,
		.blobs = blobs,
	};
	r = state_image_put(s->db, &img, err);
	for (size_t i = 0; r >= 0 && in->names && in->names[i]; i++)
		r = state_image_name_set(s->db, img.id, in->names[i], err);
	if (r >= 0 && in->digest_repo) {
		r = state_image_digest_add(s->db, img.id, in->digest_repo, manifest_digest, err);
		for (size_t i = 0; r >= 0 && in->extra_digests && in->extra_digests[i]; i++)
			r = state_image_digest_add(s->db, img.id, in->digest_repo,
						   in->extra_digests[i], err);
	}
	return r;
}

int image_commit(struct store *s, const struct image_commit_input *in, char **ret_id,
		 struct sk_error **err)
{
	char manifest_digest[DIGEST_STR_LEN], config_digest[DIGEST_STR_LEN];
	int r = store_lock(s, err);
	if (r < 0)
		return r;
	r = state_db_begin(s->db, err);
	if (r >= 0)
		r = store_blob_put(s, in->manifest, in->manifest_len, in->manifest_media_type,
				   manifest_digest, err);
	if (r >= 0)
		r = store_blob_put(s, in->config, in->config_len,
				   in->config_media_type ?: MT_OCI_CONFIG, config_digest, err);
	if (r >= 0)
		r = commit_rows(s, in, manifest_digest, config_digest, err);
	if (r >= 0)
		r = state_db_commit(s->db, err);
	else
		state_db_rollback(s->db);
	store_unlock(s);
	if (r < 0)
		return r;
	if (ret_id)
		*ret_id = xstrdup(digest_hex(config_digest));
	return 0;
}
