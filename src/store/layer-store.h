/* SPDX-License-Identifier: Apache-2.0 */
/* The layer store: each layer unpacked once, keyed by chain ID, shared by every image. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/digest.h"

/* chain_id = diff_id for the bottom layer, else sha256("<parent chain> <diff_id>"). */
void store_layer_chain_id(const char *parent_chain, const char *diff_id, char out[DIGEST_STR_LEN]);

struct store_layer_input {
	const char *parent_chain; /* NULL for the bottom layer */
	const char *blob_path;	  /* the verified, still compressed blob (moved into the store) */
	const char *blob_digest;
	const char *blob_media_type;
	uint64_t blob_size;
	const char *expected_diff_id; /* from the image config; checked after unpacking */
};

/* 1 if the layer is in the store, 0 if not. */
int store_layer_exists(struct store *s, const char *chain_id, struct sk_error **err);
/* Unpack a layer blob into a new layer on top of parent_chain and record it; an existing
 * layer with the same chain ID is kept and the work discarded. */
int store_layer_create(struct store *s, const struct store_layer_input *in,
		       char ret_chain_id[DIGEST_STR_LEN], struct sk_error **err);
/* The layer's directory (overlay: its diff dir; vfs: its full tree). */
int store_layer_dir(struct store *s, const char *chain_id, char **ret, struct sk_error **err);
/* Keep these layers (existing or still to be made) from garbage collection while the caller,
 * identified by its work directory from store_tmpdir_new(), builds an image on them. The lease
 * ends with store_layer_release(), or by itself once that work directory's lock is gone. */
int store_layer_lease(struct store *s, const char *holder, char *const *chain_ids,
		      struct sk_error **err);
void store_layer_release(struct store *s, const char *holder);
/* Delete layers no image uses, then directories no layer row names. Takes the store lock. */
int store_layer_gc(struct store *s, struct sk_error **err);
