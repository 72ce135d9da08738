/* SPDX-License-Identifier: Apache-2.0 */
/* Where a pull goes: short names resolved, registries.conf's prefixes, locations, mirrors,
 * insecure and blocked applied. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "image/pull.h"

struct image_pull_source {
	char *name;	/* the name the image gets ("docker.io/library/busybox:latest") */
	char *pull_ref; /* where it is fetched from (after location/mirror rewriting) */
	char *display;	/* what "Trying to pull ..." shows */
	bool insecure;
};

/* ret_description (optional) gets podman's "Resolving ..." line for a short name, or NULL. */
int image_pull_sources(const char *input, const struct image_pull_opts *o,
		       struct image_pull_source **ret, size_t *ret_n, char **ret_description,
		       struct sk_error **err);
void image_pull_sources_free(struct image_pull_source *s, size_t n);
/* For --all-tags: the repository input resolves to and its tags in the registry. */
int image_pull_list_tags(const char *input, const struct image_pull_opts *o, char **ret_repo,
			 char ***ret_tags, struct sk_error **err);
