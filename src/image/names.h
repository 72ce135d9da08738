/* SPDX-License-Identifier: Apache-2.0 */
/* Local image names: tag, untag and remove (rmi), with podman's semantics. */
#pragma once

#include <stdbool.h>

#include "store/store.h"
#include "util/error.h"

/* The full name a user's tag target stands for: a name without a registry goes under
 * localhost/ ("foo" → "localhost/foo:latest"), as podman tags. */
int image_name_for_tag(const char *input, char **ret, struct sk_error **err);
int image_tag(struct store *s, const char *image, const char *target, struct sk_error **err);
/* Remove the given names (all names when none are given). */
int image_untag(struct store *s, const char *image, char *const *names, struct sk_error **err);

struct image_remove_report {
	char **untagged;
	char **deleted;
};
void image_remove_report_release(struct image_remove_report *r);

/* rmi: a name of an image with more names only untags it; otherwise the image goes (refused
 * by ID when it has several names unless force). Category INUSE when containers use it. */
int image_remove(struct store *s, const char *input, bool force, struct image_remove_report *report,
		 struct sk_error **err);
