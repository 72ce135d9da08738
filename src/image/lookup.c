/* SPDX-License-Identifier: Apache-2.0 */
#include "lookup.h"

#include <errno.h>
#include <string.h>

#include "image/reference.h"
#include "util/digest.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool looks_like_id_prefix(const char *s)
{
	size_t n = strlen(s);
	return n >= 3 && n <= 64 && hex_is_valid(s, n);
}

/* Match by repository suffix at a path boundary ("busybox" matches ".../library/busybox"),
 * then compare tags; a digest in the input never matches a name. */
bool image_name_matches(const char *stored, const char *input)
{
	_cleanup_image_reference_ struct image_reference *in = NULL;
	_cleanup_image_reference_ struct image_reference *st = NULL;
	if (image_reference_parse_unnormalized(input, &in, NULL) < 0 ||
	    image_reference_parse(stored, &st, NULL) < 0)
		return false;
	if (in->digest)
		return false;
	const char *want_tag = in->tag ? in->tag : "latest";
	if (!st->tag || !streq(st->tag, want_tag))
		return false;
	_cleanup_free_ char *full = image_reference_name(st);
	_cleanup_free_ char *want = in->domain ? image_reference_name(in) : xstrdup(in->path);
	if (!in->domain) {
		/* "busybox" matches docker.io/library/busybox and localhost/busybox alike. */
		size_t fl = strlen(full), wl = strlen(want);
		return fl > wl && streq(full + fl - wl, want) && full[fl - wl - 1] == '/';
	}
	/* A qualified input is normalised the same way the stored name was. */
	_cleanup_image_reference_ struct image_reference *norm = NULL;
	if (image_reference_parse(input, &norm, NULL) < 0)
		return false;
	_cleanup_free_ char *nn = image_reference_name(norm);
	return streq(full, nn);
}

static int lookup_by_id(struct store *s, const char *input, char **ret, struct sk_error **err)
{
	const char *hex = strncmp(input, "sha256:", 7) == 0 ? input + 7 : input;
	if (!looks_like_id_prefix(hex))
		return 0;
	_cleanup_strv_free_ char **ids = NULL;
	int r = state_image_ids_by_prefix(s->db, hex, &ids, err);
	if (r < 0)
		return r;
	if (strv_length(ids) > 1)
		return sk_err_invalid(err, "%s: image ID prefix is ambiguous (%zu images)", input,
				      strv_length(ids));
	if (ids[0]) {
		*ret = xstrdup(ids[0]);
		return 1;
	}
	return 0;
}

/* "repo@sha256:..." names content: the manifest digest identifies one image whatever names it
 * has now (podman finds an untagged image the same way). */
static int lookup_by_digest(struct store *s, const char *input, char **ret, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (image_reference_parse_unnormalized(input, &ref, NULL) < 0 || !ref->digest)
		return 0;
	_cleanup_strv_free_ char **ids = NULL;
	int r = state_image_ids_by_digest(s->db, ref->digest, &ids, err);
	if (r < 0)
		return r;
	if (!ids[0])
		return 0;
	*ret = xstrdup(ids[0]);
	return 1;
}

static int lookup_by_name(struct store *s, const char *input, char **ret, char **ret_name,
			  struct sk_error **err)
{
	/* The common case first: the full name as stored. */
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (image_reference_parse_unnormalized(input, &ref, NULL) >= 0 && ref->domain &&
	    !ref->digest) {
		_cleanup_free_ char *full = NULL;
		image_reference_free(TAKE_PTR(ref));
		if (image_reference_parse(input, &ref, NULL) >= 0) {
			image_reference_tag_default(ref);
			full = image_reference_format(ref);
		}
		if (full && state_image_id_by_name(s->db, full, ret, NULL) >= 0) {
			if (ret_name)
				*ret_name = TAKE_PTR(full);
			return 1;
		}
	}
	_cleanup_strv_free_ char **names = NULL, **ids = NULL;
	int r = state_image_names_all(s->db, &names, &ids, err);
	if (r < 0)
		return r;
	/* Prefer localhost/ for short names, as podman does; then the newest match. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; names[i]; i++) {
			bool local = strncmp(names[i], "localhost/", 10) == 0;
			if ((pass == 0) != local || !image_name_matches(names[i], input))
				continue;
			*ret = xstrdup(ids[i]);
			if (ret_name)
				*ret_name = xstrdup(names[i]);
			return 1;
		}
	}
	return 0;
}

int image_lookup(struct store *s, const char *input, char **ret_id, char **ret_matched_name,
		 struct sk_error **err)
{
	_cleanup_free_ char *id = NULL, *name = NULL;
	int r = lookup_by_id(s, input, &id, err);
	if (r == 0 && strchr(input, '@'))
		r = lookup_by_digest(s, input, &id, err);
	if (r == 0)
		r = lookup_by_name(s, input, &id, &name, err);
	if (r < 0)
		return r;
	if (r == 0) {
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		_cleanup_error_ struct sk_error *perr = NULL;
		if (!looks_like_id_prefix(input) &&
		    image_reference_parse_unnormalized(input, &ref, &perr) < 0)
			return sk_err_invalid(err, "%s", perr->msg);
		return sk_err_notfound(err, "%s: image not known", input);
	}
	*ret_id = TAKE_PTR(id);
	if (ret_matched_name)
		*ret_matched_name = TAKE_PTR(name);
	return 0;
}

int image_lookup_record(struct store *s, const char *input, struct state_image **ret,
			struct sk_error **err)
{
	_cleanup_free_ char *id = NULL;
	int r = image_lookup(s, input, &id, NULL, err);
	if (r < 0)
		return r;
	return state_image_get(s->db, id, ret, err);
}
