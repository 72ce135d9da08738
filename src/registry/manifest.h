/* SPDX-License-Identifier: Apache-2.0 */
/* Manifests on a registry: GET (by tag or digest), HEAD, PUT. */
#pragma once

#include <stddef.h>

#include "registry/client.h"
#include "util/digest.h"

#define REGISTRY_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REGISTRY_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define REGISTRY_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REGISTRY_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
/* What GET and HEAD accept: the four types above. */
#define REGISTRY_MANIFEST_ACCEPT                                                                   \
	REGISTRY_MT_OCI_INDEX ", " REGISTRY_MT_OCI_MANIFEST ", " REGISTRY_MT_DOCKER_LIST           \
			      ", " REGISTRY_MT_DOCKER_MANIFEST
/* A larger manifest is refused (REGISTRY "response too large") without being read to its end. */
#define REGISTRY_MANIFEST_MAX (4u << 20)

struct registry_manifest {
	char *body; /* NUL-terminated; len bytes */
	size_t len;
	char *media_type;
	char digest[DIGEST_STR_LEN]; /* computed over body */
};

void registry_manifest_release(struct registry_manifest *m);

/* GET /v2/<repo>/manifests/<ref>; ref is a tag or a digest (then the body is verified against
 * it: CORRUPT on a mismatch). NOTFOUND: `reading manifest REF in REGISTRY/REPO: manifest
 * unknown`. */
int registry_manifest_get(struct registry_client *c, const char *repo, const char *ref,
			  struct registry_manifest *ret, struct sk_error **err);
/* HEAD: the digest (Docker-Content-Digest, or a GET when the registry sends none) and, if
 * ret_media_type is given, the media type, without transferring the body. */
int registry_manifest_head(struct registry_client *c, const char *repo, const char *ref,
			   char ret_digest[DIGEST_STR_LEN], char **ret_media_type,
			   struct sk_error **err);
/* PUT body as ref (a tag or its digest) with media_type; ret_digest (optional) gets the digest
 * of body. */
int registry_manifest_put(struct registry_client *c, const char *repo, const char *ref,
			  const char *media_type, const void *body, size_t len,
			  char ret_digest[DIGEST_STR_LEN], struct sk_error **err);

/* The media type of a fetched manifest: Content-Type unless it is missing or generic
 * (application/json, text/plain, ...), else the body's "mediaType", else a guess from its
 * shape ("manifests": an OCI index, "config"/"layers": an OCI manifest). Allocated; "" when
 * nothing tells. */
char *registry_manifest_media_type(const char *content_type, const char *body, size_t len);
