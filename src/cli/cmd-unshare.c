/* SPDX-License-Identifier: Apache-2.0 */
/* unshare (a command inside the rootless user namespace) and system migrate (a new one). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/ctr-context.h"
#include "config/userns.h"
#include "ctr/ctr.h"
#include "state/containers.h"
#include "util/xalloc.h"

int cmd_unshare(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	if (!config_userns_rootless())
		return cli_failf("please use unshare with rootless");
	_cleanup_error_ struct sk_error *err = NULL;
	if (!ctx->paths.graph_root &&
	    config_paths_resolve(ctx->global.root, ctx->global.runroot, &ctx->paths, &err) < 0)
		return cli_fail(err);
	/* podman's names, so scripts written for `podman unshare` find the store. */
	setenv("CONTAINERS_GRAPHROOT", ctx->paths.graph_root, 1);
	setenv("CONTAINERS_RUNROOT", ctx->paths.run_root, 1);
	setenv(CONFIG_USERNS_UNSHARE_ENV, "1", 1);
	const char *shell = getenv("SHELL");
	char *sh_argv[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	char **cmd = argc > 0 ? argv : sh_argv;
	fflush(NULL);
	execvp(cmd[0], cmd);
	int e = errno;
	fprintf(stderr, "Error: exec %s: %s\n", cmd[0], strerror(e));
	return e == ENOENT ? 127 : 126;
}

/* The ranges of a running namespace never change: stop what runs in it and its holder, so
 * the next command starts a new one from /etc/subuid and /etc/subgid (podman's migrate). */
int cmd_system_migrate(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	(void)argv;
	if (!config_userns_rootless())
		return 0;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_state_container_list_ struct state_container **list = NULL;
	if (ctr_list(x, &list, &err) < 0)
		return cli_fail(err);
	int rc = 0;
	for (size_t i = 0; list[i]; i++) {
		if (list[i]->state != STATE_CTR_RUNNING && list[i]->state != STATE_CTR_PAUSED)
			continue;
		if (ctr_stop(x, list[i], 10, &err) < 0)
			rc = cli_fail_take(&err);
	}
	cli_ctx_release_store(ctx);
	if (config_userns_holder_stop(&err) < 0)
		return cli_fail(err);
	return rc;
}
