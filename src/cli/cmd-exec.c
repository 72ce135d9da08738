/* SPDX-License-Identifier: Apache-2.0 */
/* exec: the process's exit code passes through; 126/127 when it can't be started. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "ctr/exec.h"
#include "ctr/healthcheck.h"
#include "util/digest.h"
#include "util/strv.h"

int cmd_exec(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct exec_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	const char *name = argv[0];
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int first = o->latest ? 0 : 1;
	int rc = cli_ctr_targets(ctx, o->latest ? 0 : 1, o->latest ? NULL : (char **)&name, false,
				 o->latest, false, &list, &failed);
	if (rc != 0 || failed)
		return rc ? rc : EXIT_ENGINE;
	if (!list[0])
		return cli_failf("no containers to exec in");
	if (argc - first < 1)
		return cli_failf(
			"exec requires the name or ID of a container or the --latest flag");
	if (o->tty && o->detach)
		return cli_failf("--detach and --tty cannot be used together yet");
	struct ctr_exec_opts eo = {
		.cmd = argv + first,
		.env = o->env,
		.env_files = o->env_file,
		.user = o->user,
		.workdir = o->workdir,
		.tty = o->tty,
		.interactive = o->interactive,
		.detach = o->detach,
		.privileged = o->privileged,
	};
	int code = 0;
	if (ctr_exec(x, list[0], &eo, &code, &err) < 0)
		return cli_fail(err);
	if (x->event)
		x->event(x->event_userdata, list[0], "exec", NULL);
	if (o->detach) {
		/* podman prints the exec session's ID; sessions are not kept (yet), the ID is new */
		char id[DIGEST_HEX_LEN + 1];
		random_hex_id(id);
		puts(id);
	}
	return code;
}

int cmd_healthcheck_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	bool healthy = false;
	if (ctr_healthcheck_run(x, argv[0], &healthy, &err) < 0)
		return cli_fail(err);
	if (healthy)
		return 0;
	puts("unhealthy");
	return 1;
}
