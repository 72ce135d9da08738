/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blobs on a registry: fetch (one, or several in parallel) with size and digest verification,
 * existence checks, and uploads (POST + monolithic PUT, or a cross-repository mount).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "registry/client.h"

/* At most this many blobs are fetched at once. */
#define REGISTRY_FETCH_PARALLEL 6

/* Bytes of digest's transfer done so far, of total (0 when unknown). Called from the thread
 * that fetches, at every chunk: throttle drawing in the callback. */
typedef void (*registry_progress_fn)(const char *digest, uint64_t done, uint64_t total,
				     void *userdata);

struct registry_blob_req {
	const char *digest; /* "sha256:..." */
	int64_t size;	    /* expected size; -1 when unknown */
	int fd;		    /* the blob is written here from the current offset */
};

/* GET /v2/<repo>/blobs/<digest> into fd, following redirects. Success means every byte
 * arrived and matched: more bytes than size abort the transfer at once, fewer or a wrong
 * digest are CORRUPT (`blob sha256:...: digest mismatch: got sha256:...`). On failure fd holds
 * garbage: the caller writes to a temporary file and renames it only after success. */
int registry_blob_fetch(struct registry_client *c, const char *repo, const char *digest,
			int64_t size, int fd, registry_progress_fn progress, void *userdata,
			struct sk_error **err);
/* The same for n blobs, REGISTRY_FETCH_PARALLEL at a time. The first failure stops them all
 * and is returned. */
int registry_blobs_fetch(struct registry_client *c, const char *repo,
			 const struct registry_blob_req *reqs, size_t n,
			 registry_progress_fn progress, void *userdata, struct sk_error **err);

/* HEAD: 1 and its size (if ret_size) when the repository has the blob, 0 when not. */
int registry_blob_exists(struct registry_client *c, const char *repo, const char *digest,
			 int64_t *ret_size, struct sk_error **err);

/* Upload size bytes of fd (read with pread from offset 0: a regular file or a memfd) as digest.
 * With mount_from ("other/repo" on the same registry) a mount is tried first. Returns 1 when
 * mounted, 0 when uploaded. The registry checks the digest (CORRUPT when it disagrees). */
int registry_blob_upload(struct registry_client *c, const char *repo, const char *digest,
			 uint64_t size, int fd, const char *mount_from,
			 registry_progress_fn progress, void *userdata, struct sk_error **err);
