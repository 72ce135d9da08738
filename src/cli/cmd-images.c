/* SPDX-License-Identifier: Apache-2.0 */
/* images / image ls. */
#include <fnmatch.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "image/inspect.h"
#include "image/lookup.h"
#include "image/reference.h"
#include "state/images.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *const image_headers[] = {
	"ID",	     "IMAGE ID",   "Id",     "IMAGE ID", "Repository", "REPOSITORY",   "Tag",
	"TAG",	     "Digest",	   "DIGEST", "Created",	 "CREATED",    "CreatedSince", "CREATED",
	"CreatedAt", "CREATED AT", "Size",   "SIZE",	 "ReadOnly",   "R/O",	       NULL,
};

struct image_filter {
	char **dangling, **reference, **label, **readonly, **id;
	int64_t before, since; /* 0: not set */
};

static void image_filter_release(struct image_filter *f)
{
	strv_free(f->dangling);
	strv_free(f->reference);
	strv_free(f->label);
	strv_free(f->readonly);
	strv_free(f->id);
}

static int created_of(struct store *s, const char *input, int64_t *ret, struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = image_lookup_record(s, input, &img, err);
	if (r >= 0)
		*ret = img->created;
	return r;
}

static int image_filter_parse(struct store *s, char **filters, struct image_filter *f,
			      struct sk_error **err)
{
	STRV_FOREACH (spec, filters) {
		const char *eq = strchr(*spec, '=');
		if (!eq)
			return sk_err_invalid(err, "invalid image filter \"%s\": want key=value",
					      *spec);
		_cleanup_free_ char *key = xstrndup(*spec, (size_t)(eq - *spec));
		const char *val = eq + 1;
		int r = 0;
		if (streq(key, "dangling"))
			strv_push(&f->dangling, val);
		else if (streq(key, "reference"))
			strv_push(&f->reference, val);
		else if (streq(key, "label"))
			strv_push(&f->label, val);
		else if (streq(key, "readonly"))
			strv_push(&f->readonly, val);
		else if (streq(key, "id"))
			strv_push(&f->id, val);
		else if (streq(key, "before"))
			r = created_of(s, val, &f->before, err);
		else if (streq(key, "since") || streq(key, "after"))
			r = created_of(s, val, &f->since, err);
		else
			return sk_err_invalid(err, "invalid image filter \"%s\"", key);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool label_matches(json_t *labels, char *const *specs)
{
	STRV_FOREACH (spec, specs) {
		const char *eq = strchr(*spec, '=');
		_cleanup_free_ char *k =
			eq ? xstrndup(*spec, (size_t)(eq - *spec)) : xstrdup(*spec);
		const char *have = sk_json_str(labels, k);
		if (!have || (eq && !streq(have, eq + 1)))
			return false;
	}
	return true;
}

static bool reference_matches(char *const *names, char *const *patterns)
{
	STRV_FOREACH (p, patterns) {
		bool hit = false;
		STRV_FOREACH (n, names) {
			_cleanup_image_reference_ struct image_reference *ref = NULL;
			_cleanup_free_ char *fam = NULL, *repo = NULL, *famrepo = NULL;
			if (image_reference_parse(*n, &ref, NULL) >= 0) {
				fam = image_reference_familiar(ref);
				repo = image_reference_name(ref);
				famrepo = xstrndup(fam, strcspn(fam, ":@"));
			}
			if (fnmatch(*p, *n, 0) == 0 || (fam && fnmatch(*p, fam, 0) == 0) ||
			    (repo && fnmatch(*p, repo, 0) == 0) ||
			    (famrepo && fnmatch(*p, famrepo, 0) == 0) ||
			    image_name_matches(*n, *p)) {
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	return true;
}

static bool bool_filter(char *const *vals, bool actual)
{
	STRV_FOREACH (v, vals) {
		bool want = streq(*v, "true") || streq(*v, "1");
		if (want != actual)
			return false;
	}
	return true;
}

static bool image_filter_keep(const struct image_filter *f, const struct state_image *img,
			      json_t *labels)
{
	if (!bool_filter(f->dangling, !img->names || !img->names[0]))
		return false;
	if (!bool_filter(f->readonly, img->read_only))
		return false;
	if (f->reference && !reference_matches(img->names, f->reference))
		return false;
	if (f->label && !label_matches(labels, f->label))
		return false;
	if (f->before && img->created >= f->before)
		return false;
	if (f->since && img->created <= f->since)
		return false;
	STRV_FOREACH (id, f->id)
		if (strncmp(img->id, *id, strlen(*id)) != 0)
			return false;
	return true;
}

/* One table row per name ("<none>" for an untagged image), with podman's field names. */
static void add_rows(json_t *rows, const struct state_image *img, json_t *summary,
		     const struct images_opts *o, int64_t now)
{
	_cleanup_free_ char *ago = time_human_ago(img->created, now);
	_cleanup_free_ char *size = size_human(img->size);
	_cleanup_free_ char *created_at = time_format_rfc3339nano(img->created);
	char shortid[13];
	snprintf(shortid, sizeof(shortid), "%s", img->id);
	size_t n = strv_length(img->names);
	for (size_t i = 0; i < (n ? n : 1); i++) {
		_cleanup_free_ char *repo = xstrdup("<none>"), *tag = xstrdup("<none>");
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		if (n && image_reference_parse(img->names[i], &ref, NULL) >= 0) {
			free(repo);
			free(tag);
			repo = image_reference_name(ref);
			tag = xstrdup(ref->tag ? ref->tag : "<none>");
		}
		json_t *row = json_copy(summary);
		json_object_set_new(row, "ID", json_string(o->no_trunc ? img->id : shortid));
		json_object_set_new(row, "Repository", json_string(repo));
		json_object_set_new(row, "Tag", json_string(tag));
		json_object_set_new(row, "Created", json_string(ago));
		json_object_set_new(row, "CreatedSince", json_string(ago));
		json_object_set_new(row, "CreatedAt", json_string(created_at));
		json_object_set_new(row, "Size", json_string(size));
		json_object_set_new(row, "Dangling", json_boolean(n == 0));
		json_array_append_new(rows, row);
	}
}

static int sort_key_cmp(json_t *a, json_t *b, const char *key)
{
	if (streq(key, "size"))
		return (int)(sk_json_int(b, "VirtualSize", 0) > sk_json_int(a, "VirtualSize", 0)) -
		       (int)(sk_json_int(b, "VirtualSize", 0) < sk_json_int(a, "VirtualSize", 0));
	if (streq(key, "created"))
		return (int)(sk_json_int(b, "Created", 0) > sk_json_int(a, "Created", 0)) -
		       (int)(sk_json_int(b, "Created", 0) < sk_json_int(a, "Created", 0));
	const char *field = streq(key, "id") ? "Id" : streq(key, "tag") ? "Tag" : "Repository";
	return strcmp(sk_json_str(a, field) ?: "", sk_json_str(b, field) ?: "");
}

static void sort_rows(json_t *rows, const char *key)
{
	/* Insertion sort keeps equal keys in their (newest first) order. */
	size_t n = json_array_size(rows);
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			json_t *a = json_array_get(rows, j - 1), *b = json_array_get(rows, j);
			if (sort_key_cmp(a, b, key) <= 0)
				break;
			json_incref(a);
			json_array_set(rows, j - 1, b);
			json_array_set_new(rows, j, a);
		}
	}
}

static int collect(struct cli_ctx *ctx, struct images_opts *o, const char *match, json_t *rows,
		   json_t *summaries, struct sk_error **err)
{
	struct store *s;
	int r = cli_ctx_store(ctx, &s, err);
	if (r < 0)
		return r;
	struct image_filter f = { 0 };
	r = image_filter_parse(s, o->filters, &f, err);
	struct state_image **imgs = NULL;
	if (r >= 0)
		r = state_image_list(s->db, &imgs, err);
	int64_t now = time_now_ns();
	for (size_t i = 0; r >= 0 && imgs[i]; i++) {
		json_t *summary = NULL;
		r = image_summary_json(s, imgs[i], &summary, err);
		if (r < 0)
			break;
		bool keep = image_filter_keep(&f, imgs[i], json_object_get(summary, "Labels"));
		if (keep && match)
			keep = reference_matches(imgs[i]->names,
						 (char *[]){ (char *)match, NULL }) ||
			       strncmp(imgs[i]->id, match, strlen(match)) == 0;
		if (keep) {
			add_rows(rows, imgs[i], summary, o, now);
			json_array_append(summaries, summary);
		}
		json_decref(summary);
	}
	state_image_list_free(imgs);
	image_filter_release(&f);
	return r;
}

int cmd_images(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct images_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	const char *sort = o->sort ? o->sort : "created";
	if (!streq(sort, "created") && !streq(sort, "id") && !streq(sort, "repository") &&
	    !streq(sort, "size") && !streq(sort, "tag"))
		return cli_failf("\"%s\" is not a valid field for sorting: (created, id, "
				 "repository, size, tag)",
				 sort);
	_cleanup_json_ json_t *rows = json_array(), *summaries = json_array();
	if (collect(ctx, o, argc ? argv[0] : NULL, rows, summaries, &err) < 0)
		return cli_fail(err);
	sort_rows(rows, sort);
	if (o->quiet) {
		_cleanup_strv_free_ char **seen = NULL;
		size_t i;
		json_t *row;
		json_array_foreach (rows, i, row) {
			const char *id = sk_json_str(row, "ID");
			if (!strv_contains(seen, id)) {
				strv_push(&seen, id);
				puts(id);
			}
		}
		return 0;
	}
	if (o->format && format_is_json(o->format)) {
		sort_rows(summaries, sort);
		return format_print_list(o->format, summaries, NULL, NULL, false, stdout, &err) < 0
			       ? cli_fail(err)
			       : 0;
	}
	const char *def = o->digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t"
				       "{{.Created}}\t{{.Size}}"
				     : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t"
				       "{{.Size}}";
	if (format_print_list(o->format, rows, def, image_headers, o->noheading, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}
