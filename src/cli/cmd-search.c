/* SPDX-License-Identifier: Apache-2.0 */
/*
 * search: registries without a search API are searched as podman does, through /v2/_catalog
 * (repositories whose name contains the term, a full match first); --list-tags lists a
 * repository's tags. A term "registry/rest" searches that registry, otherwise every
 * unqualified-search registry of registries.conf.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "config/registries-conf.h"
#include "image/reference.h"
#include "registry/catalog.h"
#include "registry/client.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* podman's searchMaxQueries: results per registry without --limit. */
#define SEARCH_DEFAULT_LIMIT 25

struct search_filter {
	int stars;
	int official;  /* -1: any */
	int automated; /* -1: any */
};

/* podman's ParseSearchFilter: a bare is-official / is-automated means true. */
static int search_filter_parse(char **filters, struct search_filter *f)
{
	*f = (struct search_filter){ .stars = 0, .official = -1, .automated = -1 };
	STRV_FOREACH (spec, filters) {
		const char *eq = strchr(*spec, '=');
		size_t klen = eq ? (size_t)(eq - *spec) : strlen(*spec);
		bool is_false = eq && streq(eq + 1, "false");
		if (klen == 5 && strneq(*spec, "stars", 5)) {
			if (!eq)
				return cli_failf("invalid filter \"%s\", should be stars=<value>",
						 *spec);
			if (parse_int(eq + 1, &f->stars) < 0)
				return cli_failf("incorrect value type for stars filter: "
						 "strconv.Atoi: parsing \"%s\": invalid syntax",
						 eq + 1);
		} else if (klen == 11 && strneq(*spec, "is-official", 11)) {
			f->official = !is_false;
		} else if (klen == 12 && strneq(*spec, "is-automated", 12)) {
			f->automated = !is_false;
		} else {
			return cli_failf("invalid filter type \"%s\"", *spec);
		}
	}
	return 0;
}

/* A catalog has no stars, official or automated marks: every result has 0, false, false. */
static bool search_filter_match(const struct search_filter *f)
{
	return f->stars <= 0 && f->official != 1 && f->automated != 1;
}

struct search_req {
	const struct search_opts *so;
	struct config_registries *conf;
	struct search_filter filter;
	size_t limit;
	json_t *rows;
};

static int search_client(const struct search_req *q, const char *registry,
			 struct registry_client **ret, struct sk_error **err)
{
	struct registry_opts ro = {
		.insecure = config_registries_is_insecure(q->conf, registry),
		.cert_dir = q->so->cert_dir,
		.authfile = q->so->authfile,
		.creds = q->so->creds,
	};
	if (q->so->tls_verify) {
		bool b = true;
		parse_bool(q->so->tls_verify, &b);
		ro.insecure = !b;
	}
	return registry_client_new(registry, &ro, ret, err);
}

static json_t *search_row(const char *registry, const char *name, const char *tag)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "Index", registry, "Name", name,
			 "Description", "", "Stars", 0, "Official", "", "Automated", "", "Tag",
			 tag ? tag : "");
}

static void search_row_add(const struct search_req *q, const char *registry, const char *repo)
{
	bool library = streq(registry, "docker.io") && !strchr(repo, '/');
	_cleanup_free_ char *name = library ? xasprintf("docker.io/library/%s", repo)
					    : xasprintf("%s/%s", registry, repo);
	json_array_append_new(q->rows, search_row(registry, name, NULL));
}

/* Repositories of the catalog containing term, a full match first, at most q->limit. */
static int search_catalog(const struct search_req *q, const char *registry, const char *term,
			  struct sk_error **err)
{
	_cleanup_registry_client_ struct registry_client *c = NULL;
	_cleanup_strv_free_ char **repos = NULL;
	int r = search_client(q, registry, &c, err);
	if (r >= 0)
		r = registry_catalog_list(c, 0, 0, &repos, err);
	if (r < 0)
		return sk_error_wrap(err, "couldn't search registry \"%s\"", registry);
	_cleanup_strv_free_ char **found = NULL;
	size_t n = 0;
	bool exact = false;
	STRV_FOREACH (repo, repos) {
		if (n >= q->limit)
			break;
		if (!strstr(*repo, term))
			continue;
		strv_push(&found, *repo);
		n++;
		exact = exact || streq(*repo, term);
	}
	if (!search_filter_match(&q->filter))
		return 0;
	/* A full match is listed first (bugzilla.redhat.com/1976283). */
	if (exact)
		search_row_add(q, registry, term);
	STRV_FOREACH (repo, found)
		if (!exact || !streq(*repo, term))
			search_row_add(q, registry, *repo);
	return 0;
}

static int search_tags(const struct search_req *q, const char *registry, const char *term,
		       struct sk_error **err)
{
	_cleanup_free_ char *full = xasprintf("%s/%s", registry, term);
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (image_reference_parse(full, &ref, NULL) < 0)
		return sk_err_invalid(err, "reference \"%s\" must be a docker reference", term);
	_cleanup_registry_client_ struct registry_client *c = NULL;
	_cleanup_strv_free_ char **tags = NULL;
	int r = search_client(q, ref->domain, &c, err);
	if (r >= 0)
		r = registry_tags_list(c, ref->path, 0, q->limit, &tags, err);
	if (r < 0)
		return sk_error_wrap(err, "getting repository tags");
	_cleanup_free_ char *name = image_reference_name(ref);
	STRV_FOREACH (t, tags)
		json_array_append_new(q->rows, search_row(registry, name, *t));
	return 0;
}

/* --list-tags --format json: one object per repository with all its tags. */
static json_t *tags_by_name(json_t *rows)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *row, *e;
	json_array_foreach (rows, i, row) {
		const char *name = sk_json_str(row, "Name");
		json_t *found = NULL;
		json_array_foreach (out, j, e)
			if (streq(sk_json_str(e, "Name"), name))
				found = e;
		if (!found) {
			found = json_pack("{s:s, s:[]}", "Name", name, "Tags");
			json_array_append_new(out, found);
		}
		json_array_append(json_object_get(found, "Tags"), json_object_get(row, "Tag"));
	}
	return out;
}

static int search_print(const struct search_opts *so, json_t *rows)
{
	_cleanup_error_ struct sk_error *err = NULL;
	const char *format = so->format;
	const char *table = so->compatible ? "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t"
					     "{{.Official}}\t{{.Automated}}"
					   : "table {{.Name}}\t{{.Description}}";
	if (json_array_size(rows) == 0)
		return 0;
	if (so->list_tags) {
		if (format && format_is_json(format)) {
			_cleanup_json_ json_t *by_name = tags_by_name(rows);
			if (format_print_list(format, by_name, NULL, NULL, false, stdout, &err) < 0)
				return cli_fail(err);
			return 0;
		}
		format = NULL;
		table = "table {{.Name}}\t{{.Tag}}";
	}
	if (format_print_list(format, rows, table, NULL, false, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* The registries to search and the term within them. */
static void search_targets(const struct search_req *q, const char *input, char ***ret_regs,
			   char **ret_term)
{
	const char *slash = strchr(input, '/');
	if (slash) {
		strv_push_take(ret_regs, xstrndup(input, (size_t)(slash - input)));
		*ret_term = xstrdup(slash + 1);
	} else {
		*ret_regs = strv_copy(q->conf->search);
		*ret_term = xstrdup(input);
	}
}

static int search_run(struct search_req *q, const char *input)
{
	_cleanup_strv_free_ char **regs = NULL;
	_cleanup_free_ char *term = NULL;
	search_targets(q, input, &regs, &term);
	_cleanup_strv_free_ char **errors = NULL;
	enum sk_error_kind kind = SK_ERR_REGISTRY;
	STRV_FOREACH (reg, regs) {
		_cleanup_error_ struct sk_error *err = NULL;
		int r = q->so->list_tags ? search_tags(q, *reg, term, &err)
					 : search_catalog(q, *reg, term, &err);
		if (r < 0) {
			strv_push(&errors, err->msg);
			kind = err->kind;
		}
	}
	/* Results from one registry are enough: the others' errors go unsaid, as in podman. */
	if (json_array_size(q->rows) == 0 && errors) {
		_cleanup_free_ char *msg = strv_join(errors, "; ");
		_cleanup_error_ struct sk_error *err = NULL;
		sk_error_set(&err, kind, EIO, "%s", msg);
		return cli_fail(err);
	}
	return search_print(q->so, q->rows);
}

int cmd_search(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct search_opts *so = opts_;
	if (so->list_tags && so->filters)
		return cli_failf("filters are not applicable to list tags result");
	struct search_filter filter;
	int rc = search_filter_parse(so->filters, &filter);
	if (rc != 0)
		return rc;
	bool b;
	if (so->tls_verify && parse_bool(so->tls_verify, &b) < 0)
		return cli_failf("invalid argument \"%s\" for \"--tls-verify\" flag",
				 so->tls_verify);
	struct stat st;
	if (so->authfile && stat(so->authfile, &st) < 0)
		return cli_failf("stat %s: %s", so->authfile,
				 errno == ENOENT ? "no such file or directory" : strerror(errno));
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	struct config_registries_opts co = { .path = ctx->global.registries_conf };
	if (config_registries_load(&co, &conf, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *rows = json_array();
	struct search_req q = {
		.so = so,
		.conf = conf,
		.filter = filter,
		.limit = so->limit > 0 ? (size_t)so->limit : SEARCH_DEFAULT_LIMIT,
		.rows = rows,
	};
	return search_run(&q, argv[0]);
}
