/* SPDX-License-Identifier: Apache-2.0 */
/* Recording an image whose layers are already in the layer store: the last step of pull,
 * load, import, commit and build. Images appear all at once or not at all. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

struct image_commit_input {
	const char *manifest; /* the image manifest (OCI or Docker schema2) */
	size_t manifest_len;
	const char *manifest_media_type;
	const char *config; /* the config blob; its digest is the image ID */
	size_t config_len;
	const char *config_media_type;
	char *const *layers;	    /* chain IDs, bottom first */
	char *const *names;	    /* full references to point at the image */
	const char *digest_repo;    /* repository for RepoDigests, NULL for none */
	char *const *extra_digests; /* more manifest digests (an index's) for RepoDigests */
};

int image_commit(struct store *s, const struct image_commit_input *in, char **ret_id,
		 struct sk_error **err);
