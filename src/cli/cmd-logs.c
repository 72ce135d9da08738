/* SPDX-License-Identifier: Apache-2.0 */
/* logs: the k8s-file log of one or more containers, followed while they run. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "cli/output.h"
#include "monitor/log-reader.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct logs_print {
	const struct monitor_log_read_opts *ro;
	const char *prefix; /* "<id or name> " with several containers */
	FILE *last;	    /* the stream written last: flushed when the other one is used */
};

static int print_line(const struct monitor_log_line *line, void *userdata)
{
	struct logs_print *p = userdata;
	struct strbuf sb = STRBUF_INIT;
	if (p->prefix && !line->continuation)
		strbuf_addstr(&sb, p->prefix);
	monitor_log_line_render(&sb, p->ro, line);
	/* Buffered, but in order across the two streams. */
	FILE *out = line->stream == MONITOR_LOG_STDERR ? stderr : stdout;
	if (p->last && p->last != out)
		fflush(p->last);
	fwrite(sb.buf, 1, sb.len, out);
	p->last = out;
	strbuf_release(&sb);
	return 0;
}

static int time_opt(const char *s, const char *flag, int64_t *ret)
{
	*ret = 0;
	if (!s)
		return 0;
	int64_t now = time_now_ns(), d;
	if (time_parse_rfc3339(s, ret) >= 0)
		return 0;
	if (parse_duration_ns(s, &d) >= 0) {
		*ret = now - d;
		return 0;
	}
	int64_t secs;
	if (parse_int64(s, &secs) >= 0) {
		*ret = secs * 1000000000LL;
		return 0;
	}
	return cli_failf(
		"invalid value for %s: parsing time \"%s\" as \"2006-01-02T15:04:05Z07:00\"", flag,
		s);
}

static char *log_path_of(struct ctr_ctx *x, const struct state_container *c, const char **driver)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	const json_t *lc = sk_json_path(doc, "HostConfig.LogConfig");
	*driver = sk_json_str(lc, "Type") && streq(sk_json_str(lc, "Type"), "none") ? "none"
		  : sk_json_str(lc, "Type") && streq(sk_json_str(lc, "Type"), "passthrough")
			  ? "passthrough"
			  : "k8s-file";
	const char *p = sk_json_str(json_object_get(lc, "Config"), "path");
	if (p)
		return xstrdup(p);
	_cleanup_free_ char *ud = ctr_userdata_dir(x, c->id);
	return xasprintf("%s/ctr.log", ud);
}

static bool still_running(struct ctr_ctx *x, const char *id)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	struct sk_error *e = NULL;
	if (state_container_get(x->store->db, id, &c, &e) < 0) {
		sk_error_free(e);
		return false;
	}
	ctr_sync(x, c, NULL);
	return ctr_is_active(c) || c->state == STATE_CTR_CREATED;
}

static int follow(struct ctr_ctx *x, const struct state_container *c, const char *path,
		  struct logs_print *p, struct sk_error **err)
{
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	if (monitor_log_reader_open(path, p->ro, &r, err) < 0)
		return -1;
	for (;;) {
		if (monitor_log_reader_poll(r, print_line, p, err) < 0)
			return -1;
		fflush(stdout);
		fflush(stderr);
		if (!still_running(x, c->id))
			break;
		if (monitor_log_reader_wait(r, 250, err) < 0)
			return -1;
	}
	if (monitor_log_reader_poll(r, print_line, p, err) < 0)
		return -1;
	return monitor_log_reader_finish(r, print_line, p, err);
}

int cmd_logs(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct logs_opts *o = opts;
	struct monitor_log_read_opts ro = MONITOR_LOG_READ_OPTS_INIT;
	ro.timestamps = o->timestamps;
	if (time_opt(o->since, "--since", &ro.since_ns) ||
	    time_opt(o->until, "--until", &ro.until_ns))
		return EXIT_ENGINE;
	if (o->tail && parse_int64(o->tail, &ro.tail) < 0)
		return cli_failf("invalid argument \"%s\" for \"--tail\" flag", o->tail);
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, argc, argv, false, o->latest, false, &list, &failed);
	if (rc != 0 || failed)
		return rc ? rc : EXIT_ENGINE;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	cli_ctx_ctr(ctx, &x, &err);
	bool several = list[0] && list[1];
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	for (size_t i = 0; list[i]; i++) {
		const char *driver;
		_cleanup_free_ char *path = log_path_of(x, list[i], &driver);
		if (!streq(driver, "k8s-file"))
			return cli_failf("this container is using the '%s' log driver, cannot read "
					 "logs: this container is not logging output",
					 driver);
		char sid[13];
		_cleanup_free_ char *prefix =
			several || o->names
				? xasprintf("%s ", o->names ? list[i]->name
							    : cli_short_id(list[i]->id, false, sid))
				: NULL;
		struct logs_print p = { .ro = &ro, .prefix = prefix };
		int r = o->follow ? follow(x, list[i], path, &p, &err)
				  : monitor_log_read(path, &ro, print_line, &p, &err);
		fflush(stdout);
		fflush(stderr);
		if (r < 0 && err && err->kind != SK_ERR_NOTFOUND)
			return cli_fail(err);
		sk_error_free(TAKE_PTR(err));
	}
	return 0;
}
