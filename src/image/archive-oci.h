/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI image layouts: oci-layout, index.json (names in the org.opencontainers.image.ref.name
 * annotation) and blobs/sha256/<hex>, as a directory (oci-dir) or a tar (oci-archive). Layer
 * blobs are written as the store keeps them, compressed.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "image/save-load.h"
#include "util/error.h"

#define IMAGE_OCI_REF_NAME "org.opencontainers.image.ref.name"

struct image_oci_ref {
	char *digest;
	char *media_type;
	int64_t size;
	char *ref_name; /* NULL when the entry has none */
};

/* Parse index.json: its manifests with their ref names. CORRUPT on bad input. */
int image_oci_index_parse(const char *body, size_t len, struct image_oci_ref **ret, size_t *ret_n,
			  struct sk_error **err);
void image_oci_refs_free(struct image_oci_ref *refs, size_t n);
/* The path of a blob inside a layout ("blobs/sha256/<hex>"); INVALID for other algorithms. */
int image_oci_blob_path(const char *digest, char **ret, struct sk_error **err);

/* Check every image of the layout and add it to lc. */
int image_oci_layout_read(struct image_load_ctx *lc, struct image_archive_tree *t,
			  struct sk_error **err);
/* Write the images as one OCI layout (tar or directory, as w is). */
int image_oci_layout_write(struct store *s, const struct image_save_item *items, size_t n,
			   struct image_archive_writer *w,
			   const struct image_copy_progress *progress, struct sk_error **err);
