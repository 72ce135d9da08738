/* SPDX-License-Identifier: Apache-2.0 */
/* Pulling images from registries into the store. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "image/manifest.h"
#include "store/store.h"
#include "util/error.h"

enum image_pull_event {
	IMAGE_PULL_RESOLVING,	 /* text: how a short name was resolved */
	IMAGE_PULL_TRYING,	 /* text: the reference being tried */
	IMAGE_PULL_SIGNATURES,	 /* "Getting image source signatures" */
	IMAGE_PULL_BLOB_SKIPPED, /* digest: a layer already in the store */
	IMAGE_PULL_BLOB_PROGRESS,
	IMAGE_PULL_BLOB_DONE,
	IMAGE_PULL_CONFIG,	     /* digest: the config */
	IMAGE_PULL_WRITING_MANIFEST, /* about to commit */
	_IMAGE_PULL_EVENT_MAX,
};

struct image_pull_progress {
	void (*event)(void *userdata, enum image_pull_event ev, const char *text, uint64_t done,
		      uint64_t total);
	void *userdata;
};

struct image_pull_opts {
	const char *registries_conf; /* --registries-conf */
	struct image_platform platform;
	int tls_verify; /* -1: per registries.conf, 0: off, 1: on */
	const char *cert_dir;
	const char *creds; /* "user[:pass]" */
	const char *authfile;
	bool all_tags;
	const struct image_pull_progress *progress;
};

/* Pull name (short names resolved per registries.conf) and return the image's ID. With
 * all_tags, every tag of the repository is pulled and ret_ids has one ID per tag. */
int image_pull(struct store *s, const char *name, const struct image_pull_opts *o, char ***ret_ids,
	       struct sk_error **err);
