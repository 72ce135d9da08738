/* SPDX-License-Identifier: Apache-2.0 */
/* export: the container's file system as a tar on stdout (never a terminal) or in a file. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cmds-container-fs.h"
#include "cli/ctr-context.h"
#include "ctr/export.h"

int cmd_export(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct export_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct sk_error *err = NULL;
	if (!o->output && isatty(STDOUT_FILENO))
		return cli_failf("refusing to export to terminal. Use -o flag or redirect");
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_state_container_ struct state_container *c = NULL;
	if (ctr_lookup(x, argv[0], &c, &err) < 0)
		return cli_fail(err);
	fflush(stdout);
	int r = o->output ? ctr_export_file(x, c, o->output, &err)
			  : ctr_export(x, c, STDOUT_FILENO, &err);
	if (r < 0)
		return cli_fail(err);
	return 0;
}
