/* SPDX-License-Identifier: Apache-2.0 */
/* OCI and Docker schema2 manifests, indexes / manifest lists, and image configs: parsing and
 * validation of untrusted registry documents. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/macro.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Upper bounds for documents we accept from registries and archives. */
#define MANIFEST_MAX_SIZE (4u << 20)
#define CONFIG_MAX_SIZE (8u << 20)
#define MANIFEST_MAX_LAYERS 1000

enum manifest_kind {
	MANIFEST_KIND_IMAGE, /* OCI manifest or Docker schema2 */
	MANIFEST_KIND_INDEX, /* OCI index or Docker manifest list */
	_MANIFEST_KIND_MAX,
	_MANIFEST_KIND_INVALID = -22,
};

struct image_descriptor {
	char *media_type;
	char *digest;
	int64_t size;
	char *os, *arch, *variant; /* index entries only */
};

struct image_manifest {
	char *media_type;
	struct image_descriptor config;
	struct image_descriptor *layers;
	size_t n_layers;
	json_t *annotations; /* borrowed from doc */
	json_t *doc;
};

struct image_index {
	char *media_type;
	struct image_descriptor *manifests;
	size_t n_manifests;
	json_t *doc;
};

/* What a document is, from the Content-Type and the document itself. */
int image_manifest_kind(const char *content_type, const char *body, size_t len,
			char **ret_media_type, struct sk_error **err);
int image_manifest_parse(const char *body, size_t len, const char *media_type,
			 struct image_manifest **ret, struct sk_error **err);
int image_index_parse(const char *body, size_t len, const char *media_type,
		      struct image_index **ret, struct sk_error **err);
void image_manifest_free(struct image_manifest *m);
void image_index_free(struct image_index *ix);
DEFINE_CLEANUP_FUNC(struct image_manifest *, image_manifest_free)
DEFINE_CLEANUP_FUNC(struct image_index *, image_index_free)
#define _cleanup_manifest_ _cleanup_(image_manifest_freep)
#define _cleanup_index_ _cleanup_(image_index_freep)

/* The platform a pull wants; NULL fields mean the host's. */
struct image_platform {
	const char *os;
	const char *arch;
	const char *variant;
};
/* The host's GOARCH-style architecture name (amd64, arm64, ...). */
const char *image_host_arch(void);
/* Parse "os/arch[/variant]". Borrowed pointers into a copy the caller frees (ret_buf). */
int image_platform_parse(const char *s, struct image_platform *ret, char **ret_buf,
			 struct sk_error **err);
/* Pick the index entry for the platform. */
int image_index_select(const struct image_index *ix, const struct image_platform *p,
		       const struct image_descriptor **ret, struct sk_error **err);

/* Validate an image config against its manifest (rootfs.diff_ids match the layers).
 * ret gets the parsed config. */
int image_config_parse(const char *body, size_t len, const struct image_manifest *m, json_t **ret,
		       struct sk_error **err);
/* Whether a layer media type is one we can unpack. */
bool image_layer_media_type_known(const char *mt);
