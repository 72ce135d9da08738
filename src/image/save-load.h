/* SPDX-License-Identifier: Apache-2.0 */
/*
 * save and load (podman semantics): images written to, and read from, docker-archive tars,
 * OCI layouts (oci-archive tars and oci-dir directories). Load verifies everything before it
 * stores anything, and a rejected archive leaves the store as it was.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/images.h"
#include "store/layer-unpack.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/error.h"

enum image_archive_format {
	IMAGE_ARCHIVE_DOCKER,  /* docker-archive */
	IMAGE_ARCHIVE_OCI,     /* oci-archive */
	IMAGE_ARCHIVE_OCI_DIR, /* oci-dir */
	_IMAGE_ARCHIVE_FORMAT_MAX,
	_IMAGE_ARCHIVE_FORMAT_INVALID = -22,
};

const char *image_archive_format_to_string(enum image_archive_format f);
enum image_archive_format image_archive_format_from_string(const char *s);

/* What podman prints while copying ("Copying blob sha256:..."). */
enum image_copy_event {
	IMAGE_COPY_SIGNATURES, /* "Getting image source signatures" */
	IMAGE_COPY_BLOB,       /* digest: a layer */
	IMAGE_COPY_CONFIG,     /* digest: the config */
	IMAGE_COPY_MANIFEST,   /* "Writing manifest to image destination" */
	_IMAGE_COPY_EVENT_MAX,
};

struct image_copy_progress {
	void (*event)(void *userdata, enum image_copy_event ev, const char *digest);
	void *userdata;
};

void image_copy_emit(const struct image_copy_progress *p, enum image_copy_event ev,
		     const char *digest);

struct image_save_opts {
	enum image_archive_format format;
	const char *output; /* a file (or directory for oci-dir); NULL: write to out_fd */
	int out_fd;
	/* Every argument is an image (docker-archive only); without it the arguments after the
	 * first are more tags for the first image (docker-archive) or ignored (OCI). */
	bool multi_image;
	const struct image_copy_progress *progress;
};

/* Save the images that inputs name. A file is written to a temporary name next to the output
 * and renamed at the end: a failed save leaves no partial file. */
int image_save(struct store *s, char *const *inputs, const struct image_save_opts *o,
	       struct sk_error **err);

struct image_load_opts {
	const char *input; /* a file or an OCI layout directory; NULL: read in_fd */
	int in_fd;
	const struct image_copy_progress *progress;
};

/* Load every image of a docker-archive or OCI layout (tar, maybe compressed, or directory).
 * ret_loaded lists what podman prints after "Loaded image: ": each image's names, or
 * "sha256:<id>" for an image without one. */
int image_load(struct store *s, const struct image_load_opts *o, char ***ret_loaded,
	       struct sk_error **err);

/* ---- shared by the format readers and writers (archive-docker.c, archive-oci.c) ---- */

struct image_archive_tree;
struct image_archive_writer;

/* One image to save, with the names it is saved under. */
struct image_save_item {
	struct state_image *img;
	char **tags;
};

/* The parts of a stored image a writer needs. */
struct image_save_parts {
	char *config;
	size_t config_len;
	char config_digest[DIGEST_STR_LEN];
	struct state_layer **layers; /* bottom first, NULL-terminated */
	size_t n_layers;
};

int image_save_parts_load(struct store *s, const struct state_image *img,
			  struct image_save_parts *ret, struct sk_error **err);
void image_save_parts_release(struct image_save_parts *p);

/* A verified layer blob waiting in the work directory. */
struct image_load_layer {
	char *path;
	char blob_digest[DIGEST_STR_LEN];
	uint64_t blob_size;
	char diff_id[DIGEST_STR_LEN];
	enum store_compression compression;
	const char *media_type; /* static string */
};

/* One image of an archive, checked and ready to store. */
struct image_load_item {
	char *manifest;
	size_t manifest_len;
	const char *manifest_media_type; /* static string */
	char *config;
	size_t config_len;
	const char *config_media_type; /* static string */
	struct image_load_layer *layers;
	size_t n_layers;
	char **names;
	char *manifest_digest; /* for grouping the names of one image */
};

void image_load_item_release(struct image_load_item *it);

struct image_load_ctx {
	struct store *s;
	const char *work;
	unsigned next_file;
	const struct image_copy_progress *progress;
	struct image_load_item *items;
	size_t n_items;
};

/* Copy a layer out of the archive into the work directory and check it: a tar (maybe gzip or
 * zstd compressed) whose uncompressed digest is diff_id; the blob's digest and size too when
 * given (OCI descriptors). Fills l. */
int image_load_layer_prepare(struct image_load_ctx *lc, struct image_archive_tree *t,
			     const char *path, const char *diff_id, const char *blob_digest,
			     int64_t blob_size, struct image_load_layer *l, struct sk_error **err);
/* Add an item (taking its contents); a second item with the same manifest digest only adds its
 * names to the first. */
void image_load_ctx_add(struct image_load_ctx *lc, struct image_load_item *it);
/* The OCI manifest describing a config and layers (compact JSON). */
char *image_oci_manifest_build(const char *config_digest, size_t config_len,
			       const struct image_load_layer *layers, size_t n);
/* The OCI media type of a stored layer blob. */
const char *image_layer_oci_media_type(const char *stored, enum store_compression c);
