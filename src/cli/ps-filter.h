/* SPDX-License-Identifier: Apache-2.0 */
/* ps --filter: id, name, label, status, exited, ancestor, before, since, volume, health.
 * Values of one key are OR'ed, different keys AND'ed (podman). */
#pragma once

#include <stdbool.h>

#include "ctr/ctr.h"
#include "util/error.h"

struct cli_ps_filter;

int cli_ps_filter_parse(char *const *filters, struct cli_ps_filter **ret, struct sk_error **err);
/* all: every container (for before/since, which name another one). */
bool cli_ps_filter_match(const struct cli_ps_filter *f, struct ctr_ctx *x,
			 const struct state_container *c, struct state_container *const *all);
/* before= and since= must name an existing container. */
int cli_ps_filter_refs_check(const struct cli_ps_filter *f, struct state_container *const *all,
			     struct sk_error **err);
void cli_ps_filter_free(struct cli_ps_filter *f);
DEFINE_CLEANUP_FUNC(struct cli_ps_filter *, cli_ps_filter_free)
