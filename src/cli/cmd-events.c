/* SPDX-License-Identifier: Apache-2.0 */
/* events: the events log (state/events.h), printed as podman prints it, and by default
 * followed as it grows until interrupted or --until passes. */
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "state/events.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define EXIT_CODE_ATTR "containerExitCode"

struct events_printer {
	bool no_trunc;
	bool json;
	struct format_template *tmpl; /* a --format template; NULL: podman's line or JSON */
	struct sk_error *err;	      /* what stopped the output */
	struct strbuf out;
};

/* Go's stringid.TruncateID: what follows a "sha256:", at most 12 characters. */
static const char *truncate_id(const char *id, bool no_trunc, char buf[13])
{
	if (no_trunc || !id)
		return id ? id : "";
	const char *colon = strchr(id, ':');
	snprintf(buf, 13, "%s", colon ? colon + 1 : id);
	return buf;
}

/* podman's Event.ToHumanReadable. */
static void add_human(struct strbuf *sb, const struct state_event *e, bool no_trunc)
{
	_cleanup_free_ char *t = time_format_go(e->time_ns);
	char buf[13];
	const char *id = truncate_id(e->id, no_trunc, buf);
	const char *name = e->name ? e->name : "", *type = e->type;
	strbuf_addf(sb, "%s %s %s", t, type, e->action);
	if (streq(type, "container") || streq(type, "pod")) {
		strbuf_addf(sb, " %s (image=%s, name=%s", id, e->image ? e->image : "", name);
		STRV_FOREACH (a, e->attributes) {
			size_t kl = strcspn(*a, "=");
			if (kl == strlen(EXIT_CODE_ATTR) && strneq(*a, EXIT_CODE_ATTR, kl))
				continue;
			strbuf_addf(sb, ", %.*s=%s", (int)kl, *a, (*a)[kl] ? *a + kl + 1 : "");
		}
		strbuf_addch(sb, ')');
	} else if (streq(type, "network")) {
		strbuf_addf(sb, " %s (container=%s, name=%s)", id, id, name);
	} else if (streq(type, "system") || streq(type, "volume")) {
		if (*name)
			strbuf_addf(sb, " %s", name);
	} else {
		strbuf_addf(sb, " %s %s", id, name);
	}
	strbuf_addch(sb, '\n');
}

/* The fields a --format template sees: podman's Event struct. */
static json_t *template_data(const struct state_event *e)
{
	_cleanup_free_ char *t = time_format_go(e->time_ns);
	json_t *attrs = json_object();
	json_int_t code = 0;
	STRV_FOREACH (a, e->attributes) {
		size_t kl = strcspn(*a, "=");
		_cleanup_free_ char *key = xstrndup(*a, kl);
		const char *value = (*a)[kl] ? *a + kl + 1 : "";
		if (streq(key, EXIT_CODE_ATTR))
			code = strtoll(value, NULL, 10);
		else
			json_object_set_new(attrs, key, json_string(value));
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "ContainerExitCode",
			 code, "ID", e->id ? e->id : "", "Image", e->image ? e->image : "", "Name",
			 e->name ? e->name : "", "Network", "", "Status", e->action, "Time", t,
			 "Type", e->type, "HealthStatus", "", "Attributes", attrs);
}

static int print_event(const struct state_event *e, void *userdata)
{
	struct events_printer *p = userdata;
	strbuf_reset(&p->out);
	if (p->json) {
		_cleanup_free_ char *line = state_event_to_json(e);
		strbuf_addstr(&p->out, line);
		strbuf_addch(&p->out, '\n');
	} else if (p->tmpl) {
		_cleanup_json_ json_t *data = template_data(e);
		if (format_template_exec(p->tmpl, data, &p->out, &p->err) < 0)
			return -EINVAL;
	} else {
		add_human(&p->out, e, p->no_trunc);
	}
	/* Each event goes out as it comes; a reader gone away ends the command quietly. */
	if (fwrite(p->out.buf, 1, p->out.len, stdout) != p->out.len || fflush(stdout) != 0)
		return 1;
	return 0;
}

static int parse_bound(const char *value, bool since, int64_t now, int64_t *bound)
{
	int64_t ns;
	if (state_event_time_parse(value, since, now, &ns) < 0)
		return cli_failf("unable to convert %s time of %s: unable to interpret time value",
				 since ? "since" : "until", value);
	if (since ? ns > *bound : (!*bound || ns < *bound))
		*bound = ns;
	return 0;
}

/* SIGINT and SIGTERM end following cleanly: they arrive on a signalfd. */
static int stop_signals_fd(void)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int cmd_events(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct events_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	if (ctx->global.events_backend && streq(ctx->global.events_backend, "none"))
		return cli_failf("cannot read events with the \"none\" backend");
	int64_t now = time_now_ns();
	_cleanup_state_event_filter_ struct state_event_filter *f = NULL;
	if (state_event_filter_parse(o->filters, now, &f, &err) < 0)
		return cli_fail(err);
	struct state_event_read_opts ro = {
		.since_ns = f->since_ns,
		.until_ns = f->until_ns,
		.filter = f,
		.follow = o->stream,
		.stop_fd = -1,
	};
	int rc = 0;
	if (o->since && (rc = parse_bound(o->since, true, now, &ro.since_ns)) != 0)
		return rc;
	if (o->until && (rc = parse_bound(o->until, false, now, &ro.until_ns)) != 0)
		return rc;
	_cleanup_format_template_ struct format_template *tmpl = NULL;
	bool json = !isempty(o->format) && format_is_json(o->format);
	if (!isempty(o->format) && !json && format_template_parse(o->format, &tmpl, &err) < 0)
		return cli_fail(err);
	if (!ctx->paths.run_root &&
	    config_paths_resolve(ctx->global.root, ctx->global.runroot, &ctx->paths, &err) < 0)
		return cli_fail(err);
	_cleanup_close_ int stop_fd = ro.follow ? stop_signals_fd() : -1;
	ro.stop_fd = stop_fd;
	struct events_printer p = { .no_trunc = o->no_trunc, .json = json, .tmpl = tmpl };
	strbuf_init(&p.out, 0);
	_cleanup_free_ char *path = state_events_path(ctx->paths.run_root);
	int r = state_events_read(path, &ro, print_event, &p, &err);
	strbuf_release(&p.out);
	if (p.err) {
		rc = cli_fail(p.err);
		sk_error_free(p.err);
		return rc;
	}
	return r < 0 ? cli_fail(err) : 0;
}
