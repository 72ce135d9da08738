/* SPDX-License-Identifier: Apache-2.0 */
/* ps: podman's table, its --format fields, filters and sorting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "cli/format-template.h"
#include "cli/output.h"
#include "cli/ps-filter.h"
#include "ctr/network.h"
#include "state/pods.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *const ps_headers[] = {
	"ID",		"CONTAINER ID", "Image",    "IMAGE",	"Command",    "COMMAND",
	"CreatedHuman", "CREATED",	"Status",   "STATUS",	"Ports",      "PORTS",
	"Names",	"NAMES",	"Size",	    "SIZE",	"RunningFor", "CREATED",
	"CreatedAt",	"CREATED AT",	"State",    "STATE",	"Pod",	      "POD ID",
	"PodName",	"PODNAME",	"Labels",   "LABELS",	"Mounts",     "MOUNTS",
	"ExitCode",	"EXIT CODE",	"Networks", "NETWORKS", NULL,
};

static json_t *labels_obj(const struct state_container *c)
{
	json_t *l = c->labels ? sk_json_parse(c->labels, strlen(c->labels), NULL) : NULL;
	return json_is_object(l) ? l : (json_decref(l), json_object());
}

static json_t *mounts_arr(const json_t *doc)
{
	json_t *arr = json_array();
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m)
		json_array_append_new(arr, json_string(sk_json_str(m, "Destination")));
	return arr;
}

static char *size_text(struct ctr_ctx *x, const struct state_container *c)
{
	_cleanup_free_ char *dir = ctr_dir(x, c->id);
	_cleanup_free_ char *diff = xasprintf("%s/diff", dir);
	unsigned long long used = 0;
	fs_disk_usage(diff, false, &used);
	_cleanup_free_ char *h = size_human(used);
	return xstrdup(h);
}

/* What a row says about networking and pods (looked up only for containers that have them). */
struct row_net {
	char *ports;
	char *networks;
	char *pod_id;
	char *pod_name;
};

static void row_net_fill(struct ctr_ctx *x, const struct state_container *c, struct row_net *rn)
{
	rn->ports = ctr_ports_text(x, c);
	_cleanup_strv_free_ char **nets = ctr_network_names(x, c);
	rn->networks = strv_join(nets, ",");
	rn->pod_id = xstrdup(c->pod_id ? c->pod_id : "");
	_cleanup_state_pod_ struct state_pod *pod = NULL;
	if (c->pod_id && state_pod_lookup(x->store->db, c->pod_id, &pod, NULL) >= 0)
		rn->pod_name = xstrdup(pod->name);
	else
		rn->pod_name = xstrdup("");
}

static void row_net_done(struct row_net *rn)
{
	free(rn->ports);
	free(rn->networks);
	free(rn->pod_id);
	free(rn->pod_name);
}

/* podman ps --format json: its ListContainer fields. */
static json_t *row_json(const struct state_container *c, const json_t *doc, int64_t now,
			const struct row_net *rn)
{
	_cleanup_free_ char *status = ctr_status_text(c, now);
	_cleanup_free_ char *created = time_human_ago(c->created, now);
	json_t *cmd = json_array();
	_cleanup_strv_free_ char **ep =
		sk_json_to_strv(sk_json_path((json_t *)doc, "Config.Entrypoint"));
	_cleanup_strv_free_ char **cm = sk_json_to_strv(sk_json_path((json_t *)doc, "Config.Cmd"));
	STRV_FOREACH (a, ep)
		json_array_append_new(cmd, json_string(*a));
	STRV_FOREACH (a, cm)
		json_array_append_new(cmd, json_string(*a));
	return json_pack(
		"{s:b,s:o,s:s,s:b,s:I,s:i,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:i,s:s,s:s,s:I,s:s,"
		"s:s,s:I}",
		"AutoRemove",
		sk_json_bool(sk_json_path((json_t *)doc, "HostConfig"), "AutoRemove", false),
		"Command", cmd, "CreatedAt", created, "Exited", c->state == STATE_CTR_EXITED,
		"ExitedAt", (json_int_t)(c->finished_at / 1000000000LL), "ExitCode", c->exit_code,
		"Id", c->id, "Image", c->image_name, "ImageID", c->image_id, "IsInfra", false,
		"Labels", labels_obj(c), "Mounts", mounts_arr(doc), "Names",
		json_pack("[s]", c->name), "Pid", c->pid, "Pod", rn->pod_id, "PodName",
		rn->pod_name, "StartedAt", (json_int_t)(c->started_at / 1000000000LL), "State",
		state_ctr_status_to_string(c->state), "Status", status, "Created",
		(json_int_t)(c->created / 1000000000LL));
}

/* The fields templates see (podman's psReporter). */
static json_t *row_template(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			    const struct ps_opts *o, int64_t now)
{
	struct row_net rn;
	row_net_fill(x, c, &rn);
	json_t *row = row_json(c, doc, now, &rn);
	char sid[13];
	_cleanup_free_ char *status = ctr_status_text(c, now);
	_cleanup_free_ char *ago = time_human_ago(c->created, now);
	_cleanup_free_ char *running = time_human_ago(c->created, now);
	_cleanup_free_ char *created = time_format_go(c->created);
	const char *full = c->command ? c->command : "";
	/* podman cuts the command at 17 characters */
	_cleanup_free_ char *command =
		!o->no_trunc && strlen(full) > 17 ? xasprintf("%.17s...", full) : xstrdup(full);
	sk_json_set_str(row, "ID", cli_short_id(c->id, o->no_trunc, sid));
	sk_json_set_str(row, "Command", command);
	sk_json_set_str(row, "CreatedHuman", ago);
	sk_json_set_str(row, "RunningFor", running);
	sk_json_set_str(row, "CreatedAt", created);
	sk_json_set_str(row, "Status", status);
	sk_json_set_str(row, "Names", c->name);
	sk_json_set_str(row, "Ports", rn.ports);
	sk_json_set_str(row, "Networks", rn.networks);
	char spod[13];
	sk_json_set_str(row, "Pod", cli_short_id(rn.pod_id, o->no_trunc, spod));
	row_net_done(&rn);
	if (o->size) {
		_cleanup_free_ char *sz = size_text(x, c);
		sk_json_set_str(row, "Size", sz);
	}
	return row;
}

/* The default table's columns only. */
static json_t *row_table(struct ctr_ctx *x, const struct state_container *c,
			 const struct ps_opts *o, int64_t now)
{
	struct row_net rn;
	row_net_fill(x, c, &rn);
	char spod[13];
	char sid[13];
	_cleanup_free_ char *status = ctr_status_text(c, now);
	_cleanup_free_ char *ago = time_human_ago(c->created, now);
	const char *full = c->command ? c->command : "";
	_cleanup_free_ char *command =
		!o->no_trunc && strlen(full) > 17 ? xasprintf("%.17s...", full) : xstrdup(full);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "ID",
				cli_short_id(c->id, o->no_trunc, sid), "Image", c->image_name,
				"Command", command, "CreatedHuman", ago, "Status", status, "Ports",
				rn.ports, "Names", c->name, "Pod",
				cli_short_id(rn.pod_id, o->no_trunc, spod), "PodName", rn.pod_name);
	row_net_done(&rn);
	return row;
}

static int cmp_created(const void *a, const void *b)
{
	const struct state_container *x = *(struct state_container *const *)a;
	const struct state_container *y = *(struct state_container *const *)b;
	return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

static const char *sort_key(const struct state_container *c, const char *by)
{
	if (streq(by, "id"))
		return c->id;
	if (streq(by, "image"))
		return c->image_name;
	if (streq(by, "names"))
		return c->name;
	if (streq(by, "command"))
		return c->command;
	return state_ctr_status_to_string(c->state);
}

static const char *sort_by;

static int cmp_key(const void *a, const void *b)
{
	const struct state_container *x = *(struct state_container *const *)a;
	const struct state_container *y = *(struct state_container *const *)b;
	return strcmp(sort_key(x, sort_by), sort_key(y, sort_by));
}

static int sort_list(struct state_container **list, size_t n, const char *by)
{
	if (!by || streq(by, "created") || streq(by, "runningfor")) {
		qsort(list, n, sizeof(*list), cmp_created);
		return 0;
	}
	static const char *const keys[] = { "id",     "image", "names", "command",
					    "status", "size",  NULL };
	if (!strv_contains((char **)keys, by))
		return cli_failf("invalid option for --sort, options are: command, created, id, "
				 "image, names, runningfor, size, or status");
	sort_by = by;
	qsort(list, n, sizeof(*list), cmp_key);
	return 0;
}

int cmd_ps(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct ps_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_(cli_ps_filter_freep) struct cli_ps_filter *filter = NULL;
	if (cli_ps_filter_parse(o->filters, &filter, &err) < 0)
		return cli_fail(err);
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	if (ctr_list(x, &list, &err) < 0)
		return cli_fail(err);
	if (cli_ps_filter_refs_check(filter, list, &err) < 0)
		return cli_fail(err);
	size_t n = 0;
	while (list[n])
		n++;
	if (sort_list(list, n, o->sort) != 0)
		return EXIT_ENGINE;
	bool all = o->all || o->latest || o->last > 0 || strv_length(o->filters) > 0;
	int64_t now = time_now_ns();
	bool json = o->format && format_is_json(o->format);
	/* The default table needs no settings document: skip parsing 1,000 of them. */
	bool plain = (!o->format || streq(o->format, "table")) && !o->size;
	_cleanup_json_ json_t *rows = json_array();
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct state_container *c = list[i];
		if (!all && c->state != STATE_CTR_RUNNING && c->state != STATE_CTR_PAUSED)
			continue;
		if (!cli_ps_filter_match(filter, x, c, list))
			continue;
		if ((o->latest && shown >= 1) || (o->last > 0 && shown >= (size_t)o->last))
			break;
		shown++;
		if (o->quiet) {
			char sid[13];
			puts(cli_short_id(c->id, o->no_trunc, sid));
			continue;
		}
		if (plain) {
			json_array_append_new(rows, row_table(x, c, o, now));
			continue;
		}
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		if (json) {
			struct row_net rn;
			row_net_fill(x, c, &rn);
			json_array_append_new(rows, row_json(c, doc, now, &rn));
			row_net_done(&rn);
		} else {
			json_array_append_new(rows, row_template(x, c, doc, o, now));
		}
	}
	if (o->quiet)
		return 0;
	_cleanup_free_ char *def = xasprintf(
		"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t"
		"{{.Ports}}\t{{.Names}}%s%s",
		o->size ? "\t{{.Size}}" : "", o->pod ? "\t{{.Pod}}\t{{.PodName}}" : "");
	if (format_print_list(o->format, rows, def, ps_headers, o->noheading, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}
