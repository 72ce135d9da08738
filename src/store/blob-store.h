/* SPDX-License-Identifier: Apache-2.0 */
/* Content-addressed blobs (manifests, configs, layer tarballs) under <graph>/blobs/sha256. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The path a blob is (or would be) stored at. */
char *store_blob_path(const struct store *s, const char *digest);
/* Move a verified file into place as digest (the caller verified it); records the blob row.
 * Safe if the blob already exists. */
int store_blob_commit_file(struct store *s, const char *tmp_path, const char *digest, uint64_t size,
			   const char *media_type, struct sk_error **err);
/* Store bytes; computes their digest into ret_digest (DIGEST_STR_LEN). */
int store_blob_put(struct store *s, const void *data, size_t len, const char *media_type,
		   char *ret_digest, struct sk_error **err);
/* Read a blob of at most max bytes, verifying its digest. */
int store_blob_read(struct store *s, const char *digest, size_t max, char **ret, size_t *ret_len,
		    struct sk_error **err);
/* Open a blob for reading. */
int store_blob_open(struct store *s, const char *digest, struct sk_error **err);
/* Remove blobs that no image references (under the store lock). */
int store_blob_gc(struct store *s, struct sk_error **err);
