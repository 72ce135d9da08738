/* SPDX-License-Identifier: Apache-2.0 */
/* The --filter and reference matching shared by `images` and `image prune`. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "state/images.h"
#include "store/store.h"

struct image_filter {
	char **dangling, **reference, **label, **readonly, **id;
	int64_t before, since; /* 0: not set */
};

/* Parse "key=value" filters; unknown keys and non-boolean values are errors, as podman. */
int image_filter_parse(struct store *s, char **filters, struct image_filter *f,
		       struct sk_error **err);
void image_filter_release(struct image_filter *f);
/* labels: the image config's Labels object (may be NULL). */
bool image_filter_keep(const struct image_filter *f, const struct state_image *img, json_t *labels);
/* Does name match the glob pattern as podman's reference filter does? */
bool image_reference_filter_match(const char *name, const char *pattern);
/* Does name match every pattern? */
bool image_reference_filter_match_all(const char *name, char *const *patterns);
/* Does any of names match every pattern? */
bool image_reference_filter_any(char *const *names, char *const *patterns);
