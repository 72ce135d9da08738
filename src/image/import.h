/* SPDX-License-Identifier: Apache-2.0 */
/* import: a tarball (a file, stdin or an http(s) URL; maybe compressed) becomes a one-layer
 * image, with --change instructions applied to its config, as podman import does. */
#pragma once

#include <stdbool.h>

#include "image/save-load.h"
#include "image/manifest.h"
#include "store/store.h"
#include "util/error.h"

/* The most import downloads from a URL. */
#define IMAGE_IMPORT_MAX_DOWNLOAD (UINT64_C(64) << 30)

struct image_import_opts {
	const char *source; /* a path, "-" for in_fd, or an http:// or https:// URL */
	int in_fd;
	const char *reference; /* the image's name ("foo" → localhost/foo:latest); NULL: none */
	char *const *changes;  /* Dockerfile instructions (image/change.h) */
	const char *message;   /* the history entry's comment */
	struct image_platform platform; /* NULL fields: this host's */
	const struct image_copy_progress *progress;
};

/* Whether a source names a URL to download. */
bool image_import_source_is_url(const char *source);
/* Import and return the new image's ID. */
int image_import(struct store *s, const struct image_import_opts *o, char **ret_id,
		 struct sk_error **err);
