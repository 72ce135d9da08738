/* SPDX-License-Identifier: Apache-2.0 */
/* push: podman's progress lines on stderr (a bar while a layer uploads on a terminal). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/events-emit.h"
#include "image/lookup.h"
#include "image/push.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/timeutil.h"

struct push_display {
	bool tty;
	int64_t last_draw;
};

/* containers/image cuts "Copying <kind> <hex>" to the width of "Copying blob " + 12. */
static const char *short_hex(const char *digest, int width, char buf[13])
{
	snprintf(buf, 13, "%.*s", width, digest_hex(digest));
	return buf;
}

static void draw_bar(const char *digest, uint64_t done, uint64_t total)
{
	char sd[13], bar[32];
	int width = 30, filled = total ? (int)((double)done / (double)total * width) : 0;
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
	bar[width] = '\0';
	_cleanup_free_ char *d = size_human(done), *t = size_human(total);
	fprintf(stderr, "\rCopying blob %s [%s] %s / %s\033[K", short_hex(digest, 12, sd), bar, d,
		t);
}

static void on_event(void *userdata, enum image_push_event ev, const char *text, uint64_t done,
		     uint64_t total)
{
	struct push_display *d = userdata;
	char sd[13];
	switch (ev) {
	case IMAGE_PUSH_SIGNATURES:
		fputs("Getting image source signatures\n", stderr);
		break;
	case IMAGE_PUSH_BLOB_SKIPPED:
		fprintf(stderr, "Copying blob %s skipped: already exists\n",
			short_hex(text, 12, sd));
		break;
	case IMAGE_PUSH_BLOB_PROGRESS:
		if (d->tty && time_now_ns() - d->last_draw > 100000000LL) {
			draw_bar(text, done, total);
			d->last_draw = time_now_ns();
		}
		break;
	case IMAGE_PUSH_BLOB_DONE:
		if (d->tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "Copying blob %s done\n", short_hex(text, 12, sd));
		break;
	case IMAGE_PUSH_CONFIG:
		fprintf(stderr, "Copying config %s done\n", short_hex(text, 10, sd));
		break;
	case IMAGE_PUSH_WRITING_MANIFEST:
		fputs("Writing manifest to image destination\n", stderr);
		break;
	default:
		break;
	}
}

static int push_opts_build(const struct push_opts *po, struct image_push_opts *o)
{
	if (po->format && streq(po->format, "v2s1"))
		return cli_failf("pushing Docker schema1 manifests (--format v2s1) is not "
				 "supported");
	o->format = image_push_format_from_string(po->format);
	if (o->format < 0)
		return cli_failf("unknown format \"%s\". Choose on of the supported formats: "
				 "'oci', 'v2s1', or 'v2s2'",
				 po->format);
	struct stat st;
	if (po->authfile && stat(po->authfile, &st) < 0)
		return cli_failf("stat %s: %s", po->authfile,
				 errno == ENOENT ? "no such file or directory" : strerror(errno));
	if (po->tls_verify) {
		bool b;
		if (parse_bool(po->tls_verify, &b) < 0)
			return cli_failf("invalid argument \"%s\" for \"--tls-verify\" flag",
					 po->tls_verify);
		o->tls_verify = b;
	}
	return 0;
}

int cmd_push(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct push_opts *po = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct push_display disp = { .tty = isatty(STDERR_FILENO) };
	struct image_push_progress progress = { .event = on_event, .userdata = &disp };
	struct image_push_opts o = {
		.registries_conf = ctx->global.registries_conf,
		.tls_verify = -1,
		.cert_dir = po->cert_dir,
		.creds = po->creds,
		.authfile = po->authfile,
		.progress = po->quiet ? NULL : &progress,
	};
	int rc = push_opts_build(po, &o);
	if (rc != 0)
		return rc;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	char digest[DIGEST_STR_LEN];
	if (image_push(s, argv[0], argc > 1 ? argv[1] : NULL, &o, digest, &err) < 0)
		return cli_fail(err);
	_cleanup_free_ char *id = NULL;
	if (image_lookup(s, argv[0], &id, NULL, NULL) >= 0)
		cli_event_image(ctx, "push", id, argc > 1 ? argv[1] : argv[0]);
	if (!po->quiet)
		fputs("Storing signatures\n", stderr);
	if (po->digestfile) {
		int r = fs_write_atomic(po->digestfile, digest, strlen(digest), 0644);
		if (r < 0)
			return cli_failf("writing digest file \"%s\": %s", po->digestfile,
					 strerror(-r));
	}
	return 0;
}
