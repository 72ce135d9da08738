/* SPDX-License-Identifier: Apache-2.0 */
/* network create, ls, inspect, rm, prune, exists. */
#include <errno.h>
#include <string.h>

#include "cli/cmds-network.h"
#include "cli/ctr-context.h"
#include "cli/events-emit.h"
#include "cli/format-template.h"
#include "cli/network-filter.h"
#include "cli/output.h"
#include "net/network.h"
#include "state/networks.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const network_headers[] = { "ID", "NETWORK ID", NULL };
static const char *const time_fields[] = { "created", NULL };

static void network_event(struct cli_ctx *ctx, const char *action, const struct net_network *n)
{
	struct state_event e = {
		.type = (char *)"network", .action = (char *)action, .id = n->id, .name = n->name
	};
	cli_event_emit(ctx, &e);
}

/* The store (for the state database) and the networks' config directory. */
static int network_env(struct cli_ctx *ctx, struct store **s, char **dir, struct sk_error **err)
{
	int r = cli_ctx_store(ctx, s, err);
	if (r < 0)
		return r;
	*dir = net_config_dir((*s)->graph_root);
	return 0;
}

static bool network_in_use(struct store *s, const struct net_network *n)
{
	_cleanup_strv_free_ char **users = NULL;
	return state_network_users(s->db, n->name, &users, NULL) >= 0 && users && users[0];
}

int cmd_network_create(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct network_create_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	struct net_create_opts co = {
		.name = argc > 0 ? argv[0] : NULL,
		.driver = o->driver,
		.subnets = o->subnets,
		.gateways = o->gateways,
		.ip_ranges = o->ip_ranges,
		.internal = o->internal,
		.disable_dns = o->disable_dns,
		.ipv6 = o->ipv6,
		.labels = o->labels,
		.options = o->opts,
		.interface_name = o->interface_name,
		.ignore_existing = o->ignore,
	};
	bool existed = false;
	if (o->ignore && co.name) {
		_cleanup_net_network_ struct net_network *old = NULL;
		existed = net_network_get(dir, co.name, &old, NULL) >= 0;
	}
	_cleanup_net_network_ struct net_network *n = NULL;
	if (net_network_create(dir, &co, &n, &err) < 0)
		return cli_fail(err);
	if (!existed)
		network_event(ctx, "create", n);
	puts(n->name);
	return 0;
}

/* A document for templates: Go prints an empty map as map[] and a time as time.Time. */
static json_t *template_doc(const struct net_network *n)
{
	json_t *doc = net_network_to_json(n);
	if (!json_object_get(doc, "labels"))
		json_object_set_new(doc, "labels", json_object());
	if (!json_object_get(doc, "options"))
		json_object_set_new(doc, "options", json_object());
	cli_template_times(doc, time_fields);
	return doc;
}

/* An ls row: podman's ListPrintReports (a short ID, the labels as "k=v,k=v"). */
static json_t *ls_row(const struct net_network *n, bool no_trunc)
{
	json_t *row = template_doc(n);
	char buf[13];
	json_object_set_new(row, "id", json_string(cli_short_id(n->id, no_trunc, buf)));
	_cleanup_free_ char *labels = strv_join(n->labels, ",");
	json_object_set_new(row, "labels", json_string(labels ? labels : ""));
	return row;
}

/* The networks matching filters (all without), with the users looked up once each. */
static int networks_filtered(struct store *s, const char *dir, char *const *filters, bool prune,
			     struct net_network ***ret, struct sk_error **err)
{
	_cleanup_network_filter_ struct network_filter *f = NULL;
	int r = network_filter_parse(filters, prune, &f, err);
	if (r < 0)
		return r;
	struct net_network **all = NULL;
	r = net_network_list(dir, &all, err);
	if (r < 0)
		return r;
	size_t n = 0;
	while (all[n])
		n++;
	struct net_network **out = xnew(struct net_network *, n + 1);
	size_t k = 0;
	bool need_users = filters && filters[0];
	for (size_t i = 0; i < n; i++) {
		bool use = need_users && network_in_use(s, all[i]);
		if (network_filter_match(f, all[i], use))
			out[k++] = all[i];
		else
			net_network_free(all[i]);
	}
	free(all);
	*ret = out;
	return 0;
}

int cmd_network_ls(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct network_ls_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	_cleanup_net_network_list_ struct net_network **list = NULL;
	if (networks_filtered(s, dir, o->filters, false, &list, &err) < 0)
		return cli_fail(err);
	if (o->quiet) {
		for (size_t i = 0; list[i]; i++)
			puts(list[i]->name);
		return 0;
	}
	_cleanup_json_ json_t *rows = json_array();
	bool json = o->format && format_is_json(o->format);
	for (size_t i = 0; list[i]; i++)
		json_array_append_new(rows, json ? net_network_to_json(list[i])
						 : ls_row(list[i], o->no_trunc));
	if (json) {
		/* podman: json.MarshalIndent with two spaces. */
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, rows, 2, true);
		printf("%s\n", strbuf_str(&sb));
		return 0;
	}
	if (format_print_list(o->format, rows, "table {{.ID}}\t{{.Name}}\t{{.Driver}}",
			      network_headers, o->noheading, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* podman's inspect: the documents found, then every error but the first as a plain line and
 * the first as the command's error. */
static int inspect_errors(char **errors)
{
	if (!errors)
		return 0;
	fflush(stdout);
	for (size_t i = 1; errors[i]; i++)
		fprintf(stderr, "error inspecting object: %s\n", errors[i]);
	return cli_failf("inspecting object: %s", errors[0]);
}

int cmd_network_inspect(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct network_inspect_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	bool json = isempty(o->format) || format_is_json(o->format);
	_cleanup_json_ json_t *docs = json_array();
	_cleanup_strv_free_ char **errors = NULL;
	for (int i = 0; i < argc; i++) {
		_cleanup_net_network_ struct net_network *n = NULL;
		_cleanup_error_ struct sk_error *e = NULL;
		if (net_network_get(dir, argv[i], &n, &e) < 0) {
			strv_pushf(&errors, "network %s: %s", argv[i], e->msg);
			continue;
		}
		json_array_append_new(docs, json ? net_network_to_json(n) : template_doc(n));
	}
	if (json) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, docs, 5, false);
		printf("%s\n", strbuf_str(&sb));
		return inspect_errors(errors);
	}
	size_t i;
	json_t *doc;
	json_array_foreach (docs, i, doc) {
		if (format_print_one(o->format, doc, stdout, &err) < 0) {
			sk_error_wrap(&err, "inspecting object: printing inspect output");
			return cli_fail(err);
		}
	}
	return inspect_errors(errors);
}

/* `network rm -f`: the containers on the network go first, as podman does. */
static int remove_users(struct cli_ctx *ctx, char *const *ids, const char *time,
			struct sk_error **err)
{
	struct ctr_ctx *x;
	int r = cli_ctx_ctr(ctx, &x, err);
	if (r < 0)
		return r;
	int timeout = -1;
	if (time && parse_int(time, &timeout) < 0)
		return sk_err_invalid(err, "invalid --time value \"%s\"", time);
	STRV_FOREACH (id, (char **)ids) {
		_cleanup_state_container_ struct state_container *c = NULL;
		r = ctr_lookup(x, *id, &c, err);
		if (r >= 0)
			r = ctr_remove(x, c, true, false, timeout, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int network_rm_one(struct cli_ctx *ctx, struct store *s, const char *dir,
			  const struct network_rm_opts *o, const char *name, struct sk_error **err)
{
	_cleanup_net_network_ struct net_network *n = NULL;
	int r = net_network_get(dir, name, &n, err);
	if (r < 0)
		return r;
	if (streq(n->name, NET_DEFAULT_NAME))
		return net_network_remove(dir, n, err);
	_cleanup_strv_free_ char **users = NULL;
	r = state_network_users(s->db, n->name, &users, err);
	if (r < 0)
		return r;
	if (users && users[0] && !o->force)
		return sk_error_set(err, SK_ERR_INUSE, EBUSY,
				    "\"%s\" has associated containers with it. Use -f to forcibly "
				    "delete containers and pods: network is being used",
				    name);
	if (users && users[0] && (r = remove_users(ctx, users, o->time, err)) < 0)
		return r;
	r = net_network_remove(dir, n, err);
	if (r < 0)
		return r;
	network_event(ctx, "remove", n);
	puts(name);
	return 0;
}

/* podman's exit codes: 1 for a missing network, 2 for one in use, 125 for anything else; the
 * last error decides. */
int cmd_network_rm(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct network_rm_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (o->time && !o->force)
		return cli_failf("--force option must be specified to use the --time option");
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_error_ struct sk_error *e = NULL;
		if (network_rm_one(ctx, s, dir, o, argv[i], &e) >= 0)
			continue;
		if (o->force && e->kind == SK_ERR_NOTFOUND)
			continue;
		fflush(stdout);
		fprintf(stderr, "Error: %s\n", e->msg);
		rc = e->kind == SK_ERR_NOTFOUND ? 1 : e->kind == SK_ERR_INUSE ? 2 : EXIT_ENGINE;
	}
	return rc;
}

static int prune_confirm(bool *ret_yes)
{
	puts("WARNING! This will remove all networks not used by at least one container.");
	fputs("Are you sure you want to continue? [y/N] ", stdout);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return cli_failf("EOF");
	*ret_yes = line[0] == 'y' || line[0] == 'Y';
	return 0;
}

int cmd_network_prune(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct network_prune_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	_cleanup_net_network_list_ struct net_network **list = NULL;
	if (networks_filtered(s, dir, o->filters, true, &list, &err) < 0)
		return cli_fail(err);
	if (!o->force) {
		bool yes = false;
		int rc = prune_confirm(&yes);
		if (rc != 0 || !yes)
			return rc;
	}
	int rc = 0;
	for (size_t i = 0; list[i]; i++) {
		if (streq(list[i]->name, NET_DEFAULT_NAME) || network_in_use(s, list[i]))
			continue;
		_cleanup_error_ struct sk_error *e = NULL;
		if (net_network_remove(dir, list[i], &e) < 0) {
			if (e->kind != SK_ERR_NOTFOUND)
				rc = cli_fail(e);
			continue;
		}
		network_event(ctx, "remove", list[i]);
		puts(list[i]->name);
	}
	return rc;
}

int cmd_network_exists(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	_cleanup_free_ char *dir = NULL;
	if (network_env(ctx, &s, &dir, &err) < 0)
		return cli_fail(err);
	_cleanup_net_network_ struct net_network *n = NULL;
	if (net_network_get(dir, argv[0], &n, &err) < 0)
		return err->kind == SK_ERR_NOTFOUND ? 1 : cli_fail(err);
	return 0;
}
