/* SPDX-License-Identifier: Apache-2.0 */
/* save, load, import: podman's progress lines on stderr, results on stdout. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/ctr-context.h"
#include "cli/events-emit.h"
#include "image/lookup.h"
#include "image/save-load.h"
#include "image/import.h"
#include "image/manifest.h"
#include "store/store.h"
#include "util/strv.h"

static void on_copy(void *userdata, enum image_copy_event ev, const char *digest)
{
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

static const struct image_copy_progress copy_progress = { .event = on_copy };

const struct image_copy_progress *cli_copy_progress(void)
{
	return &copy_progress;
}

int cmd_save(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct save_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	const char *format = o->format ? o->format : "docker-archive";
	enum image_archive_format f = image_archive_format_from_string(format);
	if (f < 0)
		return cli_failf("format value must be one of oci-dir oci-archive docker-archive");
	if (!o->output && isatty(STDOUT_FILENO))
		return cli_failf("refusing to save to terminal. Use -o flag or redirect");
	struct image_save_opts so = {
		.format = f,
		.output = o->output,
		.out_fd = STDOUT_FILENO,
		.multi_image = o->multi_image,
		/* podman stays quiet when the archive goes to stdout */
		.progress = o->quiet || !o->output ? NULL : &copy_progress,
	};
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	if (image_save(s, argv, &so, &err) < 0)
		return cli_fail(err);
	for (int i = 0; i < argc; i++) {
		_cleanup_free_ char *id = NULL;
		if (image_lookup(s, argv[i], &id, NULL, NULL) >= 0)
			cli_event_image(ctx, "save", id, o->output ? o->output : "/dev/stdout");
	}
	if (!o->output && fflush(stdout) != 0)
		return cli_failf("write to stdout: %m");
	return 0;
}

int cmd_load(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct load_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	if (!o->input && isatty(STDIN_FILENO))
		return cli_failf("cannot read from terminal, use command-line redirection or the "
				 "--input flag");
	struct image_load_opts lo = {
		.input = o->input,
		.in_fd = STDIN_FILENO,
		.progress = o->quiet ? NULL : &copy_progress,
	};
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **loaded = NULL;
	if (image_load(s, &lo, &loaded, &err) < 0)
		return cli_fail(err);
	cli_event_image(ctx, "loadfromarchive", NULL, o->input ? o->input : "/dev/stdin");
	STRV_FOREACH (l, loaded)
		printf("Loaded image: %s\n", *l);
	return 0;
}

static int import_platform(const struct import_opts *io, struct image_platform *p, char **buf,
			   struct sk_error **err)
{
	if (io->platform) {
		int r = image_platform_parse(io->platform, p, buf, err);
		if (r < 0)
			return r;
	}
	if (io->os)
		p->os = io->os;
	if (io->arch)
		p->arch = io->arch;
	if (io->variant)
		p->variant = io->variant;
	return 0;
}

int cmd_import(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct import_opts *io = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct image_import_opts o = {
		.source = argv[0],
		.in_fd = STDIN_FILENO,
		.reference = argc > 1 ? argv[1] : NULL,
		.changes = io->changes,
		.message = io->message,
		.progress = io->quiet ? NULL : &copy_progress,
	};
	_cleanup_free_ char *platform_buf = NULL;
	if (import_platform(io, &o.platform, &platform_buf, &err) < 0)
		return cli_fail(err);
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	if (!io->quiet && image_import_source_is_url(o.source))
		fprintf(stderr, "Downloading from \"%s\"\n", o.source);
	_cleanup_free_ char *id = NULL;
	if (image_import(s, &o, &id, &err) < 0)
		return cli_fail(err);
	if (o.reference) /* podman records the name it gives, nothing for the import */
		cli_event_image(ctx, "tag", id, o.reference);
	printf("sha256:%s\n", id);
	return 0;
}
