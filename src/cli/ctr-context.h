/* SPDX-License-Identifier: Apache-2.0 */
/* What container commands need beyond the store: the lifecycle context (ctr/ctr.h) with the
 * way back into selkie for the monitor, and the pull progress display. */
#pragma once

#include "cli/context.h"
#include "ctr/ctr.h"
#include "image/pull.h"

/* Open the store and fill the lifecycle context (kept in ctx until it is released). */
int cli_ctx_ctr(struct cli_ctx *ctx, struct ctr_ctx **ret, struct sk_error **err);
void cli_ctr_release(struct cli_ctx *ctx);
/* pull's progress lines on stderr, for commands that pull on the way (run, create). */
const struct image_pull_progress *cli_pull_progress(void);
/* save's "Copying blob ..." lines on stderr (cmd-archive.c), for commit too. */
const struct image_copy_progress *cli_copy_progress(void);

/* What the user typed for c among names (podman echoes it), or c's ID. */
const char *cli_ctr_given_name(char *const *names, int n, const struct state_container *c);

/* The containers a command acts on: every one with all, the newest with latest, else the named
 * ones (a missing name prints podman's error and makes the command fail at the end, unless
 * ignore). *ret_failed is set when a name was not found. */
int cli_ctr_targets(struct cli_ctx *ctx, int argc, char **argv, bool all, bool latest, bool ignore,
		    struct state_container ***ret, bool *ret_failed);
