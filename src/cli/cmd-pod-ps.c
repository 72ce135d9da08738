/* SPDX-License-Identifier: Apache-2.0 */
/* pod ps: podman's table, its --format fields, filters and sorting. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds-pod.h"
#include "cli/ctr-context.h"
#include "cli/format-template.h"
#include "cli/output.h"
#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *const pod_ps_headers[] = {
	"ID",
	"POD ID",
	"Name",
	"NAME",
	"Status",
	"STATUS",
	"Created",
	"CREATED",
	"InfraID",
	"INFRA ID",
	"NumberOfContainers",
	"# OF CONTAINERS",
	"ContainerIds",
	"IDS",
	"ContainerNames",
	"NAMES",
	"ContainerStatuses",
	"STATUS",
	NULL,
};

static json_t *labels_of(const struct pod_info *p)
{
	json_t *l =
		p->pod->labels ? sk_json_parse(p->pod->labels, strlen(p->pod->labels), NULL) : NULL;
	return json_is_object(l) ? l : (json_decref(l), json_object());
}

static json_t *networks_of(const struct pod_info *p)
{
	json_t *n = json_object_get(json_object_get(p->config, "InfraConfig"), "Networks");
	return json_is_array(n) ? json_deep_copy(n) : json_array();
}

/* podman pod ps --format json: its ListPodsReport. */
static json_t *row_json(const struct pod_info *p)
{
	const struct state_container *infra = pod_infra(p);
	json_t *ctrs = json_array();
	for (size_t i = 0; p->ctrs[i]; i++)
		json_array_append_new(ctrs,
				      json_pack("{s:s,s:s,s:s}", "Id", p->ctrs[i]->id, "Names",
						p->ctrs[i]->name, "Status",
						state_ctr_status_to_string(p->ctrs[i]->state)));
	_cleanup_free_ char *created = time_format_rfc3339nano(p->pod->created);
	return json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o}", "Cgroup", "", "Containers",
			 ctrs, "Created", created, "Id", p->pod->id, "InfraId",
			 infra ? infra->id : "", "Name", p->pod->name, "Namespace", "", "Networks",
			 networks_of(p), "Status", pod_status(p), "Labels", labels_of(p));
}

/* The fields templates see (podman's ListPodReporter). */
static json_t *row_template(const struct pod_info *p, bool no_trunc, int64_t now)
{
	json_t *row = row_json(p);
	const struct state_container *infra = pod_infra(p);
	char sid[13];
	_cleanup_strv_free_ char **ids = strv_new(NULL);
	_cleanup_strv_free_ char **names = strv_new(NULL);
	_cleanup_strv_free_ char **states = strv_new(NULL);
	size_t n = 0;
	for (; p->ctrs[n]; n++) {
		strv_push(&ids, cli_short_id(p->ctrs[n]->id, no_trunc, sid));
		strv_push(&names, p->ctrs[n]->name);
		strv_push(&states, state_ctr_status_to_string(p->ctrs[n]->state));
	}
	_cleanup_free_ char *ago = time_human_ago(p->pod->created, now);
	_cleanup_free_ char *jids = strv_join(ids, ",");
	_cleanup_free_ char *jnames = strv_join(names, ",");
	_cleanup_free_ char *jstates = strv_join(states, ",");
	_cleanup_strv_free_ char **nets = sk_json_to_strv(json_object_get(row, "Networks"));
	_cleanup_free_ char *jnets = strv_join(nets, ",");
	sk_json_set_str(row, "ID", cli_short_id(p->pod->id, no_trunc, sid));
	sk_json_set_str(row, "Created", ago);
	sk_json_set_str(row, "InfraID", infra ? cli_short_id(infra->id, no_trunc, sid) : "");
	json_object_set_new(row, "NumberOfContainers", json_integer((json_int_t)n));
	sk_json_set_str(row, "ContainerIds", jids);
	sk_json_set_str(row, "ContainerNames", jnames);
	sk_json_set_str(row, "ContainerStatuses", jstates);
	sk_json_set_str(row, "Networks", jnets);
	json_object_del(row, "Containers");
	json_object_del(row, "Id");
	json_object_del(row, "InfraId");
	return row;
}

/* ---- filters: one key's values match any, different keys must all match ---- */

static bool name_matches(const char *pattern, const char *name)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool m = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool label_matches(const struct pod_info *p, const char *want)
{
	_cleanup_json_ json_t *labels = labels_of(p);
	const char *eq = strchr(want, '=');
	_cleanup_free_ char *k = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	const char *v = sk_json_str(labels, k);
	return v && (!eq || streq(v, eq + 1));
}

static bool ctr_matches(const struct pod_info *p, const char *key, const char *value)
{
	for (size_t i = 0; p->ctrs[i]; i++) {
		const struct state_container *c = p->ctrs[i];
		if ((streq(key, "ctr-names") && streq(c->name, value)) ||
		    (streq(key, "ctr-ids") && strneq(c->id, value, strlen(value))) ||
		    (streq(key, "ctr-status") &&
		     streq(state_ctr_status_to_string(c->state), value)))
			return true;
	}
	return false;
}

static bool one_matches(const struct pod_info *p, const char *key, const char *value)
{
	if (streq(key, "name"))
		return name_matches(value, p->pod->name);
	if (streq(key, "id"))
		return strneq(p->pod->id, value, strlen(value));
	if (streq(key, "status"))
		return strcasecmp(pod_status(p), value) == 0;
	if (streq(key, "label"))
		return label_matches(p, value);
	if (streq(key, "network")) {
		_cleanup_json_ json_t *nets = networks_of(p);
		_cleanup_strv_free_ char **v = sk_json_to_strv(nets);
		return strv_contains(v, value);
	}
	if (streq(key, "ctr-number")) {
		size_t n = 0;
		while (p->ctrs[n])
			n++;
		return strtoul(value, NULL, 10) == n;
	}
	return ctr_matches(p, key, value);
}

static const char *const filter_keys[] = {
	"ctr-ids", "ctr-names", "ctr-number", "ctr-status", "id",
	"label",   "name",	"network",    "status",	    NULL
};

static int filters_check(char *const *filters)
{
	STRV_FOREACH (f, (char **)filters) {
		const char *eq = strchr(*f, '=');
		if (!eq)
			return cli_failf("invalid filter \"%s\"", *f);
		_cleanup_free_ char *key = xstrndup(*f, (size_t)(eq - *f));
		if (!strv_contains((char **)filter_keys, key))
			return cli_failf("%s is an invalid filter", key);
	}
	return 0;
}

static bool filters_match(const struct pod_info *p, char *const *filters)
{
	for (size_t k = 0; filter_keys[k]; k++) {
		bool present = false, any = false;
		size_t klen = strlen(filter_keys[k]);
		STRV_FOREACH (f, (char **)filters) {
			if (!strneq(*f, filter_keys[k], klen) || (*f)[klen] != '=')
				continue;
			present = true;
			any = any || one_matches(p, filter_keys[k], *f + klen + 1);
		}
		if (present && !any)
			return false;
	}
	return true;
}

/* ---- sorting ---- */

static const char *sort_by;

static size_t ctr_count(const struct pod_info *p)
{
	size_t n = 0;
	while (p->ctrs[n])
		n++;
	return n;
}

static int cmp_pods(const void *a, const void *b)
{
	const struct pod_info *x = *(struct pod_info *const *)a;
	const struct pod_info *y = *(struct pod_info *const *)b;
	if (streq(sort_by, "name"))
		return strcmp(x->pod->name, y->pod->name);
	if (streq(sort_by, "id"))
		return strcmp(x->pod->id, y->pod->id);
	if (streq(sort_by, "status"))
		return strcmp(pod_status(x), pod_status(y));
	if (streq(sort_by, "number"))
		return ctr_count(x) < ctr_count(y) ? -1 : ctr_count(x) > ctr_count(y);
	return x->pod->created < y->pod->created ? 1 : x->pod->created > y->pod->created ? -1 : 0;
}

static int sort_pods(struct pod_info **list, const char *by)
{
	static const char *const keys[] = { "created", "id", "name", "number", "status", NULL };
	if (by && !strv_contains((char **)keys, by))
		return cli_failf("invalid option for --sort, options are: created, id, name, "
				 "number, or status");
	size_t n = 0;
	while (list[n])
		n++;
	sort_by = by ? by : "created";
	qsort(list, n, sizeof(*list), cmp_pods);
	return 0;
}

static char *default_table(const struct pod_ps_opts *o)
{
	bool ctr = o->ctr_ids || o->ctr_names || o->ctr_status;
	return xasprintf(
		"table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}%s%s%s%s",
		ctr ? "" : "\t{{.NumberOfContainers}}", o->ctr_ids ? "\t{{.ContainerIds}}" : "",
		o->ctr_names ? "\t{{.ContainerNames}}" : "",
		o->ctr_status ? "\t{{.ContainerStatuses}}" : "");
}

int cmd_pod_ps(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_ps_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (filters_check(o->filters) != 0)
		return EXIT_ENGINE;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_pod_info_list_ struct pod_info **list = NULL;
	if (pod_list(x, &list, &err) < 0)
		return cli_fail(err);
	if (sort_pods(list, o->sort) != 0)
		return EXIT_ENGINE;
	bool json = o->format && format_is_json(o->format);
	int64_t now = time_now_ns();
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; list[i]; i++) {
		if (!filters_match(list[i], o->filters))
			continue;
		if (o->latest && json_array_size(rows) > 0)
			break;
		if (o->quiet)
			puts(list[i]->pod->id);
		else
			json_array_append_new(rows, json ? row_json(list[i])
							 : row_template(list[i], o->no_trunc, now));
	}
	if (o->quiet)
		return 0;
	if (json) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, rows, 2, true);
		printf("%s\n", strbuf_str(&sb));
		return 0;
	}
	_cleanup_free_ char *table = default_table(o);
	if (format_print_list(o->format, rows, table, pod_ps_headers, o->noheading, stdout, &err) <
	    0)
		return cli_fail(err);
	return 0;
}
