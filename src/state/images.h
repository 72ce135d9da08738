/* SPDX-License-Identifier: Apache-2.0 */
/* Image, layer and blob records in the state database. Callers hold a transaction around
 * multi-row changes (state_db_begin/commit). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/db.h"

struct state_layer {
	char *chain_id;
	char *parent;
	char *diff_id;
	char *blob_digest;
	char *blob_media_type;
	uint64_t blob_size;
	uint64_t diff_size;
	char *dir;	  /* directory name under the driver's root */
	char *short_name; /* its short link name, for overlay's lowerdir */
	int64_t created;
};

struct state_image {
	char *id;     /* config digest hex */
	char *digest; /* manifest digest "sha256:..." */
	char *manifest_media_type;
	char *top_layer; /* chain ID or NULL */
	int64_t created;
	int64_t added;
	uint64_t size;
	bool read_only;
	char *labels;	     /* the config's Labels as compact JSON, NULL when unknown */
	char **names;	     /* full references, oldest first */
	char **repo_digests; /* "repo@sha256:..." */
	char **layers;	     /* chain IDs, bottom first */
	char **blobs;	     /* digests of every blob the image holds */
};

/* No name and no repository digest: what podman calls dangling. */
bool state_image_is_dangling(const struct state_image *img);

void state_layer_free(struct state_layer *l);
void state_image_free(struct state_image *img);
DEFINE_CLEANUP_FUNC(struct state_image *, state_image_free)
#define _cleanup_state_image_ _cleanup_(state_image_freep)
DEFINE_CLEANUP_FUNC(struct state_layer *, state_layer_free)
#define _cleanup_state_layer_ _cleanup_(state_layer_freep)
void state_image_list_free(struct state_image **list);

/* Lookups return 0 and the record, or -ENOENT with an SK_ERR_NOTFOUND error. */
int state_layer_get(struct state_db *db, const char *chain_id, struct state_layer **ret,
		    struct sk_error **err);
int state_layer_insert(struct state_db *db, const struct state_layer *l, struct sk_error **err);
int state_layer_delete(struct state_db *db, const char *chain_id, struct sk_error **err);
/* Layers no image references and no lease holds, newest first. */
int state_layer_list_unused(struct state_db *db, struct state_layer ***ret, struct sk_error **err);
/* Leases keep layers an unfinished pull or load relies on from garbage collection. */
int state_layer_lease_add(struct state_db *db, const char *chain_id, const char *holder,
			  struct sk_error **err);
int state_layer_lease_drop_holder(struct state_db *db, const char *holder, struct sk_error **err);
int state_layer_lease_holders(struct state_db *db, char ***ret, struct sk_error **err);
/* Every layer's directory name (for sweeping orphan directories). */
int state_layer_list_dirs(struct state_db *db, char ***ret, struct sk_error **err);
void state_layer_list_free(struct state_layer **list);

int state_image_get(struct state_db *db, const char *id, struct state_image **ret,
		    struct sk_error **err);
/* Every image, newest first. */
int state_image_list(struct state_db *db, struct state_image ***ret, struct sk_error **err);
/* The ID of the image a full name points at; -ENOENT when none. */
int state_image_id_by_name(struct state_db *db, const char *name, char **ret_id,
			   struct sk_error **err);
/* Every (name, image ID) pair, the newest image's names first. */
int state_image_names_all(struct state_db *db, char ***ret_names, char ***ret_ids,
			  struct sk_error **err);
/* IDs starting with prefix (for short IDs). */
int state_image_ids_by_prefix(struct state_db *db, const char *prefix, char ***ret,
			      struct sk_error **err);
/* Images whose repo digests include digest, or whose manifest digest is digest. */
int state_image_ids_by_digest(struct state_db *db, const char *digest, char ***ret,
			      struct sk_error **err);
/* Insert or replace the image row with its layers, blobs and digests; names are added with
 * state_image_name_set. */
int state_image_put(struct state_db *db, const struct state_image *img, struct sk_error **err);
int state_image_delete(struct state_db *db, const char *id, struct sk_error **err);
/* Point name at image id (moving it from any other image). */
int state_image_name_set(struct state_db *db, const char *id, const char *name,
			 struct sk_error **err);
/* Remove a name; -ENOENT when the image does not have it. */
int state_image_name_remove(struct state_db *db, const char *id, const char *name,
			    struct sk_error **err);
/* Drop repository digests whose repository no name of the image uses any more (all of them
 * when all). */
int state_image_digests_prune(struct state_db *db, const char *id, bool all, struct sk_error **err);
int state_image_digest_add(struct state_db *db, const char *id, const char *repo,
			   const char *digest, struct sk_error **err);

int state_blob_put(struct state_db *db, const char *digest, uint64_t size, const char *media_type,
		   struct sk_error **err);
/* Blobs no image references. */
int state_blob_list_unused(struct state_db *db, char ***ret, struct sk_error **err);
int state_blob_delete(struct state_db *db, const char *digest, struct sk_error **err);
int state_blob_exists(struct state_db *db, const char *digest, struct sk_error **err);
