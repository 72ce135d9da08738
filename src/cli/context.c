/* SPDX-License-Identifier: Apache-2.0 */
#include "context.h"

#include "cli/ctr-context.h"

#include <stdarg.h>
#include <string.h>

#include "store/store.h"
#include "util/strv.h"
#include "util/xalloc.h"

int cli_exit_code(const struct sk_error *err)
{
	if (!err)
		return EXIT_ENGINE;
	switch (err->kind) {
	case SK_ERR_NOEXEC:
		return 126;
	case SK_ERR_NOCMD:
		return 127;
	default:
		return EXIT_ENGINE;
	}
}

int cli_fail_take(struct sk_error **err)
{
	int rc = cli_fail(*err);
	sk_error_free(*err);
	*err = NULL;
	return rc;
}

int cli_fail(struct sk_error *err)
{
	fprintf(stderr, "Error: %s\n", err ? err->msg : "unknown error");
	return cli_exit_code(err);
}

int cli_failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_ENGINE;
}

int cli_ctx_store(struct cli_ctx *ctx, struct store **ret, struct sk_error **err)
{
	if (ctx->store) {
		*ret = ctx->store;
		return 0;
	}
	if (!ctx->paths.graph_root) {
		int r = config_paths_resolve(ctx->global.root, ctx->global.runroot, &ctx->paths,
					     err);
		if (r < 0)
			return r;
	}
	struct store_opts o = {
		.graph_root = ctx->paths.graph_root,
		.run_root = ctx->paths.run_root,
		.driver = ctx->global.storage_driver,
		.rootless = ctx->paths.rootless,
	};
	/* podman's storage.conf names; the only one selkie has */
	STRV_FOREACH (opt, ctx->global.storage_opts) {
		if (strncmp(*opt, "overlay.mount_program=", 22) == 0 ||
		    strncmp(*opt, "mount_program=", 14) == 0)
			o.mount_program = strchr(*opt, '=') + 1;
		else
			return sk_err_invalid(err, "unknown storage option \"%s\"", *opt);
	}
	int r = store_open(&o, &ctx->store, err);
	if (r < 0)
		return r;
	*ret = ctx->store;
	return 0;
}

void cli_ctx_release_store(struct cli_ctx *ctx)
{
	cli_ctr_release(ctx);
	store_close(ctx->store);
	ctx->store = NULL;
}

void cli_ctx_release(struct cli_ctx *ctx)
{
	cli_ctr_release(ctx);
	store_close(ctx->store);
	ctx->store = NULL;
	config_paths_release(&ctx->paths);
	cli_global_free(&ctx->global);
	free(ctx->cmd_path);
	ctx->cmd_path = NULL;
}
