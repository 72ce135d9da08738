/* SPDX-License-Identifier: Apache-2.0 */
/* The documents that describe a local image: podman's `image inspect` object and the summary
 * row `images --format json` prints (also what the REST API serves). */
#pragma once

#include <jansson.h>

#include "state/images.h"
#include "store/store.h"

/* The image's config blob, parsed. */
int image_config_load(struct store *s, const struct state_image *img, json_t **ret,
		      struct sk_error **err);
/* podman image inspect's object for one image. */
int image_inspect_json(struct store *s, const struct state_image *img, json_t **ret,
		       struct sk_error **err);
/* podman images --format json's object for one image. */
int image_summary_json(struct store *s, const struct state_image *img, json_t **ret,
		       struct sk_error **err);
/* Created time from the config ("created"), nanoseconds; 0 if absent. */
int64_t image_config_created(const json_t *config);
