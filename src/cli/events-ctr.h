/* SPDX-License-Identifier: Apache-2.0 */
/* Container events for the events log (state/events.h), as podman records them: the image and
 * name, the container's labels, and per action extras (containerExitCode for died). */
#pragma once

#include "cli/context.h"
#include "state/containers.h"

/* Never fails the command: a log that cannot be written is skipped. */
void cli_event_container(struct cli_ctx *ctx, const struct state_container *c, const char *action,
			 char *const *attributes);
