/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/ctr-context.h"

#include <limits.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/events-ctr.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct cli_ctr_state {
	struct ctr_ctx x;
	char *self_exe;
	char **global_args;
	char *run_root;
};

/* The global flags a monitor and its exit command must repeat to find the same store. */
static char **global_args_build(const struct cli_ctx *ctx)
{
	char **v =
		strv_new("--root", ctx->paths.graph_root, "--runroot", ctx->paths.run_root, NULL);
	if (ctx->global.storage_driver) {
		strv_push(&v, "--storage-driver");
		strv_push(&v, ctx->global.storage_driver);
	}
	if (ctx->global.events_backend) {
		strv_push(&v, "--events-backend");
		strv_push(&v, ctx->global.events_backend);
	}
	if (ctx->global.log_level) {
		strv_push(&v, "--log-level");
		strv_push(&v, ctx->global.log_level);
	}
	return v;
}

static void event_forward(void *userdata, const struct state_container *c, const char *action,
			  char *const *attributes)
{
	struct cli_ctx *ctx = userdata;
	cli_event_container(ctx, c, action, attributes);
}

int cli_ctx_ctr(struct cli_ctx *ctx, struct ctr_ctx **ret, struct sk_error **err)
{
	if (ctx->ctr) {
		*ret = &ctx->ctr->x;
		return 0;
	}
	const char *mgr = ctx->global.cgroup_manager;
	if (mgr && !streq(mgr, "cgroupfs") && !streq(mgr, "systemd"))
		return sk_err_invalid(err,
				      "invalid cgroup manager \"%s\": must be cgroupfs or "
				      "systemd",
				      mgr);
	/* No systemd to talk to (and no unit support yet): podman falls back the same way. */
	if (mgr && streq(mgr, "systemd"))
		fputs("WARN[0000] Falling back to --cgroup-manager=cgroupfs\n", stderr);
	struct store *s;
	int r = cli_ctx_store(ctx, &s, err);
	if (r < 0)
		return r;
	struct cli_ctr_state *st = xnew(struct cli_ctr_state, 1);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	st->self_exe = n > 0 ? xstrndup(exe, (size_t)n) : xstrdup("selkie");
	st->global_args = global_args_build(ctx);
	st->x = (struct ctr_ctx){
		.store = s,
		.graph_root = s->graph_root,
		.run_root = s->run_root,
		.self_exe = st->self_exe,
		.global_args = st->global_args,
		.runtime = ctx->global.runtime,
		.cgroup_manager = "cgroupfs",
		.registries_conf = ctx->global.registries_conf,
		.event = event_forward,
		.event_userdata = ctx,
	};
	ctx->ctr = st;
	*ret = &st->x;
	return 0;
}

void cli_ctr_release(struct cli_ctx *ctx)
{
	if (!ctx->ctr)
		return;
	free(ctx->ctr->self_exe);
	strv_free(ctx->ctr->global_args);
	free(ctx->ctr);
	ctx->ctr = NULL;
}

int cli_ctr_targets(struct cli_ctx *ctx, int argc, char **argv, bool all, bool latest, bool ignore,
		    struct state_container ***ret, bool *ret_failed)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	*ret_failed = false;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail_take(&err);
	if ((all || latest) && argc > 0)
		return cli_failf("--all, --latest and containers cannot be used together");
	if (!all && !latest && argc == 0)
		return cli_failf("you must provide at least one name or id");
	struct state_container **list = NULL;
	if (all || latest) {
		if (ctr_list(x, &list, &err) < 0)
			return cli_fail_take(&err);
		if (latest && list[0]) {
			for (size_t i = 1; list[i]; i++)
				state_container_free(list[i]);
			list[1] = NULL;
		}
		*ret = list;
		return 0;
	}
	list = xnew(struct state_container *, (size_t)argc + 1);
	size_t n = 0;
	for (int i = 0; i < argc; i++) {
		struct state_container *c = NULL;
		if (ctr_lookup(x, argv[i], &c, &err) < 0) {
			if (!ignore || err->kind != SK_ERR_NOTFOUND)
				*ret_failed = true, cli_fail(err);
			sk_error_free(TAKE_PTR(err));
			continue;
		}
		list[n++] = c;
	}
	list[n] = NULL;
	*ret = list;
	return 0;
}

const char *cli_ctr_given_name(char *const *names, int n, const struct state_container *c)
{
	for (int i = 0; names && i < n; i++)
		if (streq(names[i], c->name) || strncmp(c->id, names[i], strlen(names[i])) == 0)
			return names[i];
	return c->id;
}
