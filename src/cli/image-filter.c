/* SPDX-License-Identifier: Apache-2.0 */
#include "image-filter.h"

#include <fnmatch.h>
#include <string.h>

#include "image/lookup.h"
#include "image/reference.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

void image_filter_release(struct image_filter *f)
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

int image_filter_parse(struct store *s, char **filters, struct image_filter *f,
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
		bool b;
		if ((streq(key, "dangling") || streq(key, "readonly")) && parse_bool(val, &b) < 0)
			return sk_err_invalid(err,
					      "non-boolean value \"%s\" for %s filter: "
					      "strconv.ParseBool: parsing \"%s\": invalid syntax",
					      key, val, val);
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
			return sk_err_invalid(err, "unsupported image filter \"%s\"", key);
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

/* podman's reference filter: the glob matches the repository, or any trailing part of it
 * after a "/" ("box" matches ".../library/busybox"? no: "busybox" does); a pattern without a
 * tag matches any tag. */
bool image_reference_filter_match(const char *name, const char *pattern)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (image_reference_parse(name, &ref, NULL) < 0)
		return fnmatch(pattern, name, 0) == 0;
	_cleanup_free_ char *repo = image_reference_name(ref);
	const char *slash = strrchr(pattern, '/');
	const char *colon = strrchr(slash ? slash : pattern, ':');
	_cleanup_free_ char *pat_repo =
		colon ? xstrndup(pattern, (size_t)(colon - pattern)) : xstrdup(pattern);
	if (colon && (!ref->tag || fnmatch(colon + 1, ref->tag, 0) != 0))
		return false;
	if (fnmatch(pat_repo, repo, 0) == 0)
		return true;
	for (const char *p = repo; (p = strchr(p, '/')); p++)
		if (fnmatch(pat_repo, p + 1, 0) == 0)
			return true;
	return false;
}

/* A name row is shown when it matches every reference pattern. */
bool image_reference_filter_match_all(const char *name, char *const *patterns)
{
	STRV_FOREACH (p, patterns)
		if (!image_reference_filter_match(name, *p))
			return false;
	return true;
}

bool image_reference_filter_any(char *const *names, char *const *patterns)
{
	STRV_FOREACH (n, names)
		if (image_reference_filter_match_all(*n, patterns))
			return true;
	return false;
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

bool image_filter_keep(const struct image_filter *f, const struct state_image *img, json_t *labels)
{
	if (!bool_filter(f->dangling, state_image_is_dangling(img)))
		return false;
	if (!bool_filter(f->readonly, img->read_only))
		return false;
	if (f->reference && !image_reference_filter_any(img->names, f->reference))
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
