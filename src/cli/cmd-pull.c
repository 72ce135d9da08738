/* SPDX-License-Identifier: Apache-2.0 */
/* pull: podman's progress lines on stderr (bars on a terminal), the image ID on stdout. */
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/events-emit.h"
#include "image/pull.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct pull_display {
	bool tty;
	int64_t last_draw;
};

static const char *short_digest(const char *digest, char buf[13])
{
	snprintf(buf, 13, "%s", digest_hex(digest));
	return buf;
}

static void draw_bar(const char *digest, uint64_t done, uint64_t total)
{
	char sd[13];
	int width = 30, filled = total ? (int)((double)done / (double)total * width) : 0;
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
	bar[width] = '\0';
	_cleanup_free_ char *d = size_human(done), *t = size_human(total);
	fprintf(stderr, "\rCopying blob %s [%s] %s / %s\033[K", short_digest(digest, sd), bar, d,
		t);
}

static void on_event(void *userdata, enum image_pull_event ev, const char *text, uint64_t done,
		     uint64_t total)
{
	struct pull_display *d = userdata;
	char sd[13];
	switch (ev) {
	case IMAGE_PULL_RESOLVING:
		fprintf(stderr, "%s\n", text);
		break;
	case IMAGE_PULL_TRYING:
		fprintf(stderr, "Trying to pull %s...\n", text);
		break;
	case IMAGE_PULL_SIGNATURES:
		fputs("Getting image source signatures\n", stderr);
		break;
	case IMAGE_PULL_BLOB_SKIPPED:
		fprintf(stderr, "Copying blob %s skipped: already exists\n",
			short_digest(text, sd));
		break;
	case IMAGE_PULL_BLOB_PROGRESS:
		if (d->tty && time_now_ns() - d->last_draw > 100000000LL) {
			draw_bar(text, done, total);
			d->last_draw = time_now_ns();
		}
		break;
	case IMAGE_PULL_BLOB_DONE:
		if (d->tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "Copying blob %s done\n", short_digest(text, sd));
		break;
	case IMAGE_PULL_CONFIG:
		fprintf(stderr, "Copying config %s done\n", short_digest(text, sd));
		break;
	case IMAGE_PULL_WRITING_MANIFEST:
		fputs("Writing manifest to image destination\nStoring signatures\n", stderr);
		break;
	default:
		break;
	}
}

static int pull_platform(struct pull_opts *po, struct image_pull_opts *o, char **buf,
			 struct sk_error **err)
{
	if (po->platform) {
		int r = image_platform_parse(po->platform, &o->platform, buf, err);
		if (r < 0)
			return r;
	}
	if (po->os)
		o->platform.os = po->os;
	if (po->arch)
		o->platform.arch = po->arch;
	if (po->variant)
		o->platform.variant = po->variant;
	return 0;
}

int cmd_pull(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct pull_opts *po = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct pull_display disp = { .tty = isatty(STDERR_FILENO) };
	struct image_pull_progress progress = { .event = on_event, .userdata = &disp };
	struct image_pull_opts o = {
		.registries_conf = ctx->global.registries_conf,
		.tls_verify = -1,
		.cert_dir = po->cert_dir,
		.creds = po->creds,
		.authfile = po->authfile,
		.all_tags = po->all_tags,
		.progress = po->quiet ? NULL : &progress,
	};
	if (po->tls_verify) {
		bool b;
		if (parse_bool(po->tls_verify, &b) < 0)
			return cli_failf("invalid argument \"%s\" for \"--tls-verify\" flag",
					 po->tls_verify);
		o.tls_verify = b;
	}
	_cleanup_free_ char *platform_buf = NULL;
	if (pull_platform(po, &o, &platform_buf, &err) < 0)
		return cli_fail(err);
	if (po->authfile && access(po->authfile, F_OK) < 0)
		return cli_failf("stat %s: no such file or directory", po->authfile);
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	for (int i = 0; i < argc; i++) {
		_cleanup_strv_free_ char **ids = NULL;
		if (image_pull(s, argv[i], &o, &ids, &err) < 0)
			return cli_fail(err);
		STRV_FOREACH (id, ids) {
			puts(*id);
			cli_event_image(ctx, "pull", *id, argv[i]);
		}
	}
	return 0;
}

const struct image_pull_progress *cli_pull_progress(void)
{
	static struct pull_display disp;
	static struct image_pull_progress progress = { .event = on_event, .userdata = &disp };
	disp.tty = isatty(STDERR_FILENO);
	return &progress;
}
