/* SPDX-License-Identifier: Apache-2.0 */
/* Finding a local image from what a user typed: an ID or ID prefix, a full or short name, a
 * name with a digest — as podman's image lookup does. */
#pragma once

#include "state/images.h"
#include "store/store.h"

/* The image's ID, or NOTFOUND "<input>: image not known" (the wording podman scripts expect).
 * Ambiguous short IDs are INVALID. ret_matched_name (optional) gets the full name the input
 * matched, NULL when it matched by ID or digest. */
int image_lookup(struct store *s, const char *input, char **ret_id, char **ret_matched_name,
		 struct sk_error **err);
/* Load the whole record of the image input names. */
int image_lookup_record(struct store *s, const char *input, struct state_image **ret,
			struct sk_error **err);
/* Does a stored full name ("docker.io/library/busybox:latest") match what the user typed
 * ("busybox", "library/busybox:latest", "docker.io/busybox")? */
bool image_name_matches(const char *stored, const char *input);
