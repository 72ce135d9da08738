/* SPDX-License-Identifier: Apache-2.0 */
/* network connect, disconnect and reload: the networks of existing containers. */
#include <stdio.h>

#include "cli/cmds-network.h"
#include "cli/ctr-context.h"
#include "ctr/network.h"
#include "util/strv.h"

int cmd_network_connect(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct network_connect_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	struct ctr_network_connect_opts co = {
		.aliases = o->aliases,
		.ip = o->ip,
		.mac = o->mac,
	};
	if (ctr_network_connect(x, argv[1], argv[0], &co, &err) < 0)
		return cli_fail(err);
	return 0;
}

int cmd_network_disconnect(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct network_disconnect_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	if (ctr_network_disconnect(x, argv[1], argv[0], o->force, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* Like podman: the IDs of the containers whose networks were reloaded. */
int cmd_network_reload(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct network_reload_opts *o = opts;
	if (!o->all && argc == 0)
		return cli_failf("no arguments: requires exactly 1 arg(s), only received 0");
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, argc, argv, o->all, o->latest, false, &list, &failed);
	if (rc != 0)
		return rc;
	rc = failed ? EXIT_ENGINE : 0;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	for (size_t i = 0; list[i]; i++) {
		if (o->all && !ctr_is_active(list[i]))
			continue;
		if (ctr_network_reload(x, list[i], &err) < 0) {
			int code = cli_exit_code(err);
			cli_fail_take(&err);
			rc = rc ? rc : code;
			continue;
		}
		puts(list[i]->id);
	}
	return rc;
}
