/* SPDX-License-Identifier: Apache-2.0 */
/* Pushing a local image to a registry: layers and config uploaded from the blob store (or
 * skipped when the registry has them), then the manifest by tag, optionally rewritten between
 * OCI and Docker schema2. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/manifest.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/error.h"

enum image_push_event {
	IMAGE_PUSH_SIGNATURES,	     /* "Getting image source signatures" */
	IMAGE_PUSH_BLOB_SKIPPED,     /* digest: the registry has the layer already */
	IMAGE_PUSH_BLOB_PROGRESS,    /* digest: done bytes of total sent */
	IMAGE_PUSH_BLOB_DONE,	     /* digest: the layer was uploaded */
	IMAGE_PUSH_CONFIG,	     /* digest: the config is in the registry */
	IMAGE_PUSH_WRITING_MANIFEST, /* about to PUT the manifest */
	_IMAGE_PUSH_EVENT_MAX,
};

struct image_push_progress {
	void (*event)(void *userdata, enum image_push_event ev, const char *text, uint64_t done,
		      uint64_t total);
	void *userdata;
};

enum image_push_format {
	IMAGE_PUSH_FORMAT_KEEP, /* the manifest type the image has */
	IMAGE_PUSH_FORMAT_OCI,
	IMAGE_PUSH_FORMAT_V2S2,
	_IMAGE_PUSH_FORMAT_MAX,
	_IMAGE_PUSH_FORMAT_INVALID = -22,
};

/* "oci", "v2s2" ("" and NULL: keep). */
enum image_push_format image_push_format_from_string(const char *s);
const char *image_push_format_to_string(enum image_push_format f);

struct image_push_opts {
	const char *registries_conf; /* --registries-conf */
	enum image_push_format format;
	int tls_verify; /* -1: per registries.conf, 0: off, 1: on */
	const char *cert_dir;
	const char *creds; /* "user[:pass]" */
	const char *authfile;
	const struct image_push_progress *progress;
};

/* Push the local image named by image (an ID, a name, a short name) to destination, a
 * registry reference with an optional "docker://" prefix (NULL: image as the user typed it,
 * normalised as podman does: "busybox" goes to docker.io/library/busybox:latest).
 * ret_digest (optional) gets the digest of the manifest pushed. */
int image_push(struct store *s, const char *image, const char *destination,
	       const struct image_push_opts *o, char ret_digest[DIGEST_STR_LEN],
	       struct sk_error **err);

/* The manifest m (an OCI manifest or Docker schema2) as to_media_type (MT_OCI_MANIFEST or
 * MT_DOCKER_MANIFEST): media types of the config and layers rewritten, blobs unchanged,
 * serialised as containers/image does. INVALID when a layer can't be represented (zstd in
 * Docker schema2). */
int image_push_manifest_convert(const struct image_manifest *m, const char *to_media_type,
				char **ret, size_t *ret_len, struct sk_error **err);
