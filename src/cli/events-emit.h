/* SPDX-License-Identifier: Apache-2.0 */
/* Recording events (state/events.h) from command handlers: what `selkie events` shows. */
#pragma once

#include "cli/context.h"
#include "state/events.h"

/* Append e to the events log under ctx's run root (its time is now when 0). Writing an event
 * never fails a command: errors are only logged at debug level. Nothing is written with
 * --events-backend=none. */
void cli_event_emit(struct cli_ctx *ctx, const struct state_event *e);
/* An image event: action as podman names it ("pull", "push", "tag", "untag", "remove", "save",
 * "loadfromarchive", "mount", "unmount"), the image's ID (may be NULL) and the name the event
 * is about (may be NULL). */
void cli_event_image(struct cli_ctx *ctx, const char *action, const char *id, const char *name);
