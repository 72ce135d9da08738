/* SPDX-License-Identifier: Apache-2.0 */
/* The "Mounts" array of the settings document (ctr/config-doc.h) from the mount flags and the
 * image's VOLUMEs; volumes are created as needed. */
#pragma once

#include <jansson.h>

#include "ctr/create.h"
#include "store/store.h"
#include "util/error.h"

/* ret_created_volumes lists the volumes made here (anonymous ones), for a rollback. */
int ctr_mounts_build(struct store *s, const struct ctr_create_opts *o, const json_t *image_volumes,
		     json_t **ret, char ***ret_created_volumes, struct sk_error **err);
