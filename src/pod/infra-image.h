/* SPDX-License-Identifier: Apache-2.0 */
/* The infra containers' image, localhost/selkie-pause:<version>: one layer holding
 * /selkie-pause (the static binary installed next to selkie), entrypoint ["/selkie-pause"].
 * selkie makes it itself on first use; no registry is involved. */
#pragma once

#include "ctr/ctr.h"
#include "util/error.h"

#define POD_INFRA_IMAGE "localhost/selkie-pause:" SELKIE_VERSION

/* Make the image unless it exists. */
int pod_infra_image_ensure(struct ctr_ctx *x, struct sk_error **err);
/* Where the selkie-pause binary is (allocated), or NOTFOUND. */
int pod_pause_binary_find(const char *self_exe, char **ret, struct sk_error **err);
