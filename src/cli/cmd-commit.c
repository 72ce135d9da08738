/* SPDX-License-Identifier: Apache-2.0 */
/* commit: podman's progress lines on stderr (unless -q), the new image's ID on stdout. */
#include <stdio.h>
#include <string.h>

#include "cli/cmds-container-fs.h"
#include "cli/ctr-context.h"
#include "cli/events-emit.h"
#include "ctr/commit.h"
#include "util/fs.h"

int cmd_commit(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct commit_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	const char *format = o->format ? o->format : "oci";
	if (!streq(format, "oci") && !streq(format, "docker"))
		return cli_failf("unrecognized image format \"%s\"", format);
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_state_container_ struct state_container *c = NULL;
	if (ctr_lookup(x, argv[0], &c, &err) < 0)
		return cli_fail(err);
	struct ctr_commit_opts co = {
		.reference = argc > 1 ? argv[1] : NULL,
		.author = o->author,
		.message = o->message,
		.changes = o->changes,
		.pause = o->pause,
		.docker_format = streq(format, "docker"),
		.include_volumes = o->include_volumes,
		.progress = o->quiet ? NULL : cli_copy_progress(),
	};
	_cleanup_free_ char *id = NULL;
	if (ctr_commit(x, c, &co, &id, &err) < 0)
		return cli_fail(err);
	if (co.reference)
		cli_event_image(ctx, "tag", id, co.reference);
	if (o->iidfile) {
		int r = fs_write_atomic(o->iidfile, id, strlen(id), 0644);
		if (r < 0)
			return cli_failf("failed to write image ID to file %s: %s", o->iidfile,
					 strerror(-r));
	}
	puts(id);
	return 0;
}
