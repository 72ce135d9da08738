/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/events-emit.h"

#include "util/log.h"
#include "util/xalloc.h"

void cli_event_emit(struct cli_ctx *ctx, const struct state_event *e)
{
	if (ctx->global.events_backend && streq(ctx->global.events_backend, "none"))
		return;
	_cleanup_error_ struct sk_error *err = NULL;
	if (!ctx->paths.run_root &&
	    config_paths_resolve(ctx->global.root, ctx->global.runroot, &ctx->paths, &err) < 0) {
		log_debug("event %s %s not recorded: %s", e->type, e->action, err->msg);
		return;
	}
	_cleanup_free_ char *path = state_events_path(ctx->paths.run_root);
	if (state_event_append(path, e, &err) < 0)
		log_debug("event %s %s not recorded: %s", e->type, e->action, err->msg);
}

void cli_event_image(struct cli_ctx *ctx, const char *action, const char *id, const char *name)
{
	struct state_event e = {
		.type = (char *)"image",
		.action = (char *)action,
		.id = (char *)id,
		.name = (char *)name,
	};
	cli_event_emit(ctx, &e);
}
