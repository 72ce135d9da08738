/* SPDX-License-Identifier: Apache-2.0 */
/* volume create, ls, inspect, rm, prune, exists. */
#include <errno.h>
#include <string.h>

#include "cli/cmds-volume.h"
#include "cli/events-emit.h"
#include "cli/format-template.h"
#include "ctr/volume.h"
#include "cli/ctr-context.h"
#include "state/volumes.h"
#include "util/parse.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct users_remove {
	struct cli_ctx *ctx;
	const char *time;
};

/* `volume rm -f` removes the containers using a volume first, as podman does. */
static int volume_remove_users(void *userdata, char *const *ids, struct sk_error **err)
{
	struct users_remove *u = userdata;
	struct ctr_ctx *x;
	int r = cli_ctx_ctr(u->ctx, &x, err);
	if (r < 0)
		return r;
	int timeout = -1;
	if (u->time && parse_int(u->time, &timeout) < 0)
		return sk_err_invalid(err, "invalid --time value \"%s\"", u->time);
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

static const char *const volume_headers[] = { "Name", "VOLUME NAME", NULL };

static void volume_event(struct cli_ctx *ctx, const char *action, const char *name)
{
	struct state_event e = { .type = (char *)"volume",
				 .action = (char *)action,
				 .name = (char *)name };
	cli_event_emit(ctx, &e);
}

int cmd_volume_create(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct volume_create_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	struct ctr_volume_create_opts co = {
		.name = argc > 0 ? argv[0] : NULL,
		.driver = o->driver,
		.labels = o->labels,
		.options = o->opts,
		.ignore_if_exists = o->ignore,
	};
	/* podman parses -o as labels are parsed, with its own wording for a bad one. */
	STRV_FOREACH (opt, o->opts)
		if ((*opt)[0] == '=' || (*opt)[0] == '\0')
			return cli_failf("unable to process options: invalid label format: \"%s\"",
					 *opt);
	bool existed = false;
	if (o->ignore && co.name) {
		_cleanup_state_volume_ struct state_volume *old = NULL;
		existed = state_volume_get(s->db, co.name, &old, NULL) >= 0;
	}
	_cleanup_state_volume_ struct state_volume *v = NULL;
	if (ctr_volume_create(s, &co, &v, &err) < 0)
		return cli_fail(err);
	if (!existed)
		volume_event(ctx, "create", v->name);
	puts(v->name);
	return 0;
}

/* encoding/json through json-iterator, as podman's `volume ls --format json` prints: two
 * spaces per level, HTML characters escaped, and an empty object written as "{", a line of
 * the inner indentation, "}". */
static void ls_json_write(struct strbuf *sb, const json_t *v, unsigned level)
{
	size_t i;
	const char *key;
	json_t *e;
	if (json_is_object(v)) {
		strbuf_addstr(sb, "{\n");
		if (json_object_size(v) == 0)
			strbuf_addchars(sb, ' ', 2 * (level + 1));
		bool first = true;
		json_object_foreach ((json_t *)v, key, e) {
			if (!first)
				strbuf_addstr(sb, ",\n");
			first = false;
			strbuf_addchars(sb, ' ', 2 * (level + 1));
			_cleanup_json_ json_t *k = json_string(key);
			format_json_write(sb, k, 0, true);
			strbuf_addstr(sb, ": ");
			ls_json_write(sb, e, level + 1);
		}
		strbuf_addch(sb, '\n');
		strbuf_addchars(sb, ' ', 2 * level);
		strbuf_addch(sb, '}');
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		strbuf_addstr(sb, "[\n");
		json_array_foreach ((json_t *)v, i, e) {
			strbuf_addchars(sb, ' ', 2 * (level + 1));
			ls_json_write(sb, e, level + 1);
			strbuf_addstr(sb, i + 1 < json_array_size(v) ? ",\n" : "\n");
		}
		strbuf_addchars(sb, ' ', 2 * level);
		strbuf_addch(sb, ']');
	} else {
		format_json_write(sb, v, 0, true);
	}
}

int cmd_volume_ls(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct volume_ls_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_state_volume_list_ struct state_volume **vols = NULL;
	if (ctr_volume_list(s, o->filters, false, &vols, &err) < 0)
		return cli_fail(err);
	bool json = !o->quiet && o->format && format_is_json(o->format);
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; vols[i]; i++)
		json_array_append_new(rows, ctr_volume_inspect_json(s, vols[i], !json));
	if (json) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		ls_json_write(&sb, rows, 0);
		printf("%s\n", strbuf_str(&sb));
		return 0;
	}
	if (!vols[0])
		return 0; /* podman prints nothing, not even the header */
	if (o->quiet) {
		for (size_t i = 0; vols[i]; i++)
			puts(vols[i]->name);
		return 0;
	}
	if (format_print_list(o->format, rows, "table {{.Driver}}\t{{.Name}}", volume_headers,
			      o->noheading, stdout, &err) < 0)
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

int cmd_volume_inspect(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct volume_inspect_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if ((o->all && argc > 0) || (!o->all && argc == 0))
		return cli_failf("provide one or more volume names or use --all");
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_state_volume_list_ struct state_volume **vols = NULL;
	_cleanup_strv_free_ char **errors = NULL;
	if (o->all && ctr_volume_list(s, NULL, false, &vols, &err) < 0)
		return cli_fail(err);
	if (!o->all) {
		vols = xnew(struct state_volume *, (size_t)argc + 1);
		size_t n = 0;
		for (int i = 0; i < argc; i++) {
			struct sk_error *e = NULL;
			if (state_volume_get(s->db, argv[i], &vols[n], &e) >= 0)
				n++;
			else if (e->kind == SK_ERR_NOTFOUND)
				strv_pushf(&errors, "no such volume %s", argv[i]);
			else
				strv_push(&errors, e->msg);
			sk_error_free(e);
		}
	}
	bool json = isempty(o->format) || format_is_json(o->format);
	_cleanup_json_ json_t *docs = json_array();
	for (size_t i = 0; vols[i]; i++)
		json_array_append_new(docs, ctr_volume_inspect_json(s, vols[i], !json));
	if (json) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, docs, 5, false);
		printf("%s\n", strbuf_str(&sb));
		return inspect_errors(errors);
	}
	size_t i;
	json_t *doc;
	json_array_foreach (docs, i, doc) {
		if (format_print_one_strict(o->format, doc, stdout, &err) < 0) {
			sk_error_wrap(&err, "inspecting object: printing inspect output");
			return cli_fail(err);
		}
	}
	return inspect_errors(errors);
}

/* podman's exit codes for volume rm: the last "no such volume" (1) or "in use" (2) error
 * decides; any other error alone gives 125. */
static int rm_exit_code(const struct sk_error *e, int rc)
{
	if (e->kind == SK_ERR_NOTFOUND)
		return 1;
	if (e->kind == SK_ERR_INUSE)
		return 2;
	return rc ? rc : EXIT_ENGINE;
}

int cmd_volume_rm(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct volume_rm_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if ((o->all && argc > 0) || (!o->all && argc == 0))
		return cli_failf("choose either one or more volumes or all");
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **names = NULL, **errors = NULL;
	int rc = 0;
	if (o->all) {
		_cleanup_state_volume_list_ struct state_volume **vols = NULL;
		if (ctr_volume_list(s, NULL, false, &vols, &err) < 0)
			return cli_fail(err);
		for (size_t i = 0; vols[i]; i++)
			strv_push(&names, vols[i]->name);
	}
	/* Every name is looked up first, as podman does; -f ignores missing ones. */
	for (int i = 0; i < argc; i++) {
		_cleanup_state_volume_ struct state_volume *v = NULL;
		struct sk_error *e = NULL;
		if (state_volume_get(s->db, argv[i], &v, &e) >= 0) {
			strv_push(&names, argv[i]);
		} else if (!(o->force && e->kind == SK_ERR_NOTFOUND)) {
			strv_push(&errors, e->msg);
			rc = rm_exit_code(e, rc);
		}
		sk_error_free(e);
	}
	struct users_remove users = { .ctx = ctx, .time = o->time };
	struct ctr_volume_remove_opts ro = {
		.force = o->force,
		.remove_users = volume_remove_users,
		.userdata = &users,
	};
	STRV_FOREACH (n, names) {
		struct sk_error *e = NULL;
		if (ctr_volume_remove(s, *n, &ro, &e) >= 0) {
			volume_event(ctx, "remove", *n);
			puts(*n);
			continue;
		}
		if (!(o->force && e->kind == SK_ERR_NOTFOUND)) {
			strv_push(&errors, e->msg);
			rc = rm_exit_code(e, rc);
		}
		sk_error_free(e);
	}
	fflush(stdout);
	STRV_FOREACH (e, errors)
		fprintf(stderr, "Error: %s\n", *e);
	return rc;
}

/* Ask before pruning, listing what would go; *ret_yes when the answer starts with 'y'. */
static int prune_confirm(struct store *s, char *const *filters, bool *ret_yes)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_strv_free_ char **dangling = strv_copy(filters);
	strv_push(&dangling, "dangling=true");
	puts("WARNING! This will remove all volumes not used by at least one container. The "
	     "following volumes will be removed:");
	_cleanup_state_volume_list_ struct state_volume **vols = NULL;
	if (ctr_volume_list(s, dangling, false, &vols, &err) < 0)
		return cli_fail(err);
	if (!vols[0]) {
		puts("No dangling volumes found");
		*ret_yes = false;
		return 0;
	}
	for (size_t i = 0; vols[i]; i++)
		puts(vols[i]->name);
	fputs("Are you sure you want to continue? [y/N] ", stdout);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return cli_failf("EOF");
	*ret_yes = line[0] == 'y' || line[0] == 'Y';
	return 0;
}

int cmd_volume_prune(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct volume_prune_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	/* Bad filters fail before the question. */
	_cleanup_state_volume_list_ struct state_volume **check = NULL;
	if (ctr_volume_list(s, o->filters, true, &check, &err) < 0)
		return cli_fail(err);
	if (!o->force) {
		bool yes = false;
		int rc = prune_confirm(s, o->filters, &yes);
		if (rc != 0 || !yes)
			return rc;
	}
	_cleanup_strv_free_ char **removed = NULL;
	int r = ctr_volume_prune(s, o->filters, &removed, &err);
	STRV_FOREACH (n, removed) {
		volume_event(ctx, "remove", *n);
		volume_event(ctx, "prune", *n);
		puts(*n);
	}
	return r < 0 ? cli_fail(err) : 0;
}

int cmd_volume_exists(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (isempty(argv[0]))
		return cli_failf("name or ID cannot be empty");
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_state_volume_ struct state_volume *v = NULL;
	if (state_volume_get(s->db, argv[0], &v, &err) < 0)
		return err->kind == SK_ERR_NOTFOUND ? 1 : cli_fail(err);
	return 0;
}
