/* SPDX-License-Identifier: Apache-2.0 */
/* commit: podman's progress lines on stderr (unless -q), the new image's ID on stdout. */
#include <stdio.h>
#include <string.h>

#include "cli/cmds-container-fs.h"
#include "cli/ctr-context.h"
#include "cli/events-emit.h"
#include "ctr/commit.h"
#include "util/fs.h"

static void on_copy(void *userdata, enum image_copy_event ev, const char *digest)
{
	(void)userdata;
	switch (ev) {
	case IMAGE_COPY_SIGNATURES:
		fputs("Getting image source signatures\n", stderr);
		break;
	case IMAGE_COPY_BLOB:
		fprintf(stderr, "Copying blob %s\n", digest);
		break;
	case IMAGE_COPY_CONFIG:
		fprintf(stderr, "Copying config %s\n", digest);
		break;
	case IMAGE_COPY_MANIFEST:
		fputs("Writing manifest to image destination\nStoring signatures\n", stderr);
		break;
	default:
		break;
	}
}

static const struct image_copy_progress commit_progress = { .event = on_copy };

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
		.progress = o->quiet ? NULL : &commit_progress,
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
