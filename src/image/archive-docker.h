/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docker-archive: the `docker save` tar. manifest.json ([{Config, RepoTags, Layers}]) names the
 * config (<id>.json) and the uncompressed layer tars (<diff ID>.tar); a `repositories` file and
 * one legacy directory per layer (VERSION, json, layer.tar) serve older readers.
 */
#pragma once

#include <stddef.h>

#include "image/save-load.h"
#include "util/error.h"
#include "util/macro.h"

#define IMAGE_DOCKER_MAX_IMAGES 1000

struct image_docker_entry {
	char *config;
	char **repo_tags; /* as written, maybe empty */
	char **layers;	  /* paths inside the archive, bottom first */
	size_t n_layers;
};

struct image_docker_manifest {
	struct image_docker_entry *entries;
	size_t n_entries;
};

/* Parse and validate manifest.json: every path relative and inside the archive, bounded
 * counts. CORRUPT on bad input. */
int image_docker_manifest_parse(const char *body, size_t len, struct image_docker_manifest **ret,
				struct sk_error **err);
void image_docker_manifest_free(struct image_docker_manifest *m);
DEFINE_CLEANUP_FUNC(struct image_docker_manifest *, image_docker_manifest_free)
#define _cleanup_docker_manifest_ _cleanup_(image_docker_manifest_freep)

/* Check every image of the archive and add it to lc. */
int image_docker_archive_read(struct image_load_ctx *lc, struct image_archive_tree *t,
			      struct sk_error **err);
/* Write the images as one docker-archive. */
int image_docker_archive_write(struct store *s, const struct image_save_item *items, size_t n,
			       struct image_archive_writer *w,
			       const struct image_copy_progress *progress, struct sk_error **err);
