/* SPDX-License-Identifier: Apache-2.0 */
/* images / image ls. */
#include <fnmatch.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "cli/image-filter.h"
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

/* One table row per name ("<none>" for an untagged image), with podman's field names. */
static void add_rows(json_t *rows, const struct state_image *img, json_t *summary,
		     const struct images_opts *o, char *const *patterns, int64_t now)
{
	_cleanup_free_ char *ago = time_human_ago(img->created, now);
	_cleanup_free_ char *size = size_human(img->size);
	_cleanup_free_ char *created_at = time_format_go(img->created);
	_cleanup_free_ char *full_id = xasprintf("sha256:%s", img->id);
	char shortid[13];
	snprintf(shortid, sizeof(shortid), "%s", img->id);
	/* Rows come from the names; an image known only by digest shows its repository. */
	_cleanup_strv_free_ char **sources = NULL;
	bool by_digest = strv_length(img->names) == 0;
	STRV_FOREACH (rd, by_digest ? img->repo_digests : img->names) {
		_cleanup_free_ char *v =
			by_digest ? xstrndup(*rd, strcspn(*rd, "@")) : xstrdup(*rd);
		if (!strv_contains(sources, v))
			strv_push(&sources, v);
	}
	size_t n = strv_length(sources);
	for (size_t i = 0; i < (n ? n : 1); i++) {
		_cleanup_free_ char *repo = xstrdup("<none>"), *tag = xstrdup("<none>");
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		if (n && patterns && !image_reference_filter_match_all(sources[i], patterns))
			continue;
		if (n && by_digest) {
			free(repo);
			repo = xstrdup(sources[i]);
		} else if (n && image_reference_parse(sources[i], &ref, NULL) >= 0) {
			free(repo);
			free(tag);
			repo = image_reference_name(ref);
			tag = xstrdup(ref->tag ? ref->tag : "<none>");
		}
		json_t *row = json_copy(summary);
		json_object_set_new(row, "ID", json_string(o->no_trunc ? full_id : shortid));
		json_object_set_new(row, "Repository", json_string(repo));
		json_object_set_new(row, "Tag", json_string(tag));
		json_object_set_new(row, "Created", json_string(ago));
		json_object_set_new(row, "CreatedSince", json_string(ago));
		json_object_set_new(row, "CreatedAt", json_string(created_at));
		json_object_set_new(row, "Size", json_string(size));
		json_object_set_new(row, "Dangling", json_boolean(state_image_is_dangling(img)));
		json_array_append_new(rows, row);
	}
}

static int sort_key_cmp(json_t *a, json_t *b, const char *key)
{
	if (streq(key, "size")) /* smallest first, as podman */
		return (int)(sk_json_int(a, "VirtualSize", 0) > sk_json_int(b, "VirtualSize", 0)) -
		       (int)(sk_json_int(a, "VirtualSize", 0) < sk_json_int(b, "VirtualSize", 0));
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
	_cleanup_strv_free_ char **patterns = strv_copy(f.reference);
	if (match)
		strv_push(&patterns, match);
	for (size_t i = 0; r >= 0 && imgs[i]; i++) {
		json_t *summary = NULL;
		r = image_summary_json(s, imgs[i], &summary, err);
		if (r < 0)
			break;
		bool keep = image_filter_keep(&f, imgs[i], json_object_get(summary, "Labels"));
		if (keep && match && !image_reference_filter_any(imgs[i]->names, patterns))
			keep = strncmp(imgs[i]->id, match, strlen(match)) == 0;
		if (keep) {
			bool by_id = match && !image_reference_filter_any(imgs[i]->names, patterns);
			add_rows(rows, imgs[i], summary, o, by_id || !patterns[0] ? NULL : patterns,
				 now);
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
		return cli_failf("\"%s\" is not a valid field for sorting. Choose from: created, "
				 "id, repository, size, tag",
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
