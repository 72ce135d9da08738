/* SPDX-License-Identifier: Apache-2.0 */
#include "shortname.h"

#include <errno.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"

void image_shortname_resolved_free(struct image_shortname_resolved *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_candidates; i++)
		image_reference_free(res->candidates[i].ref);
	free(res->candidates);
	free(res->input);
	free(res->origin);
	free(res);
}

static void candidate_add(struct image_shortname_resolved *res, struct image_reference *ref,
			  bool from_alias)
{
	image_reference_tag_default(ref);
	res->candidates =
		xreallocarray(res->candidates, res->n_candidates + 1, sizeof(*res->candidates));
	res->candidates[res->n_candidates++] =
		(struct image_shortname_candidate){ ref, from_alias };
}

/* "<registry>/<name>" for each registry, name as the user wrote it (tag or digest included). */
static int candidates_complete(struct image_shortname_resolved *res, char *const *registries,
			       const char *name, struct sk_error **err)
{
	STRV_FOREACH (reg, registries) {
		_cleanup_free_ char *full = xasprintf("%s/%s", *reg, name);
		struct image_reference *ref = NULL;
		int r = image_reference_parse(full, &ref, err);
		if (r < 0)
			return sk_error_wrap(
				err, "creating reference with unqualified-search registry '%s'",
				*reg);
		candidate_add(res, ref, false);
	}
	return 0;
}

/* The alias of the short name in short (if any), carrying short's tag and digest. */
static int alias_candidate(const struct config_registries *conf, const struct image_reference *in,
			   struct image_reference **ret, const char **ret_origin,
			   struct sk_error **err)
{
	const char *value = NULL;
	*ret = NULL;
	config_registries_alias_find(conf, in->path, &value, ret_origin);
	if (!value)
		return 0;
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	int r = image_reference_parse(value, &ref, err);
	if (r >= 0 && in->tag)
		r = image_reference_set_tag(ref, in->tag, err);
	if (r >= 0 && in->digest)
		r = image_reference_set_digest(ref, in->digest, err);
	if (r < 0)
		return sk_error_wrap(err, "short-name alias '%s'", value);
	*ret = TAKE_PTR(ref);
	return 0;
}

/* Parse name; a name with a registry becomes the only candidate (and *ret_short is NULL). */
static int resolved_start(const char *name, struct image_shortname_resolved **ret,
			  struct image_reference **ret_short, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *in = NULL;
	int r = image_reference_parse_unnormalized(name, &in, err);
	if (r < 0)
		return r;
	struct image_shortname_resolved *res = xnew(struct image_shortname_resolved, 1);
	*ret_short = NULL;
	if (!in->short_name) {
		struct image_reference *ref = NULL;
		r = image_reference_parse(name, &ref, err);
		if (r < 0) {
			image_shortname_resolved_free(res);
			return r;
		}
		candidate_add(res, ref, false);
	} else {
		res->input = xstrdup(in->path);
		*ret_short = TAKE_PTR(in);
	}
	*ret = res;
	return 0;
}

static int search_candidates(const struct config_registries *conf, const char *name,
			     struct image_shortname_resolved *res, struct sk_error **err)
{
	res->rationale = IMAGE_SHORTNAME_SEARCH;
	if (strv_length(conf->search) == 0) {
		if (!isempty(conf->search_origin))
			return sk_err_invalid(
				err,
				"short-name \"%s\" did not resolve to an alias and no "
				"unqualified-search registries are defined in \"%s\"",
				name, conf->search_origin);
		return sk_err_invalid(err,
				      "short-name \"%s\" did not resolve to an alias and no "
				      "containers-registries.conf(5) was found",
				      name);
	}
	res->origin = xstrdup(conf->search_origin);
	return candidates_complete(res, conf->search, name, err);
}

int image_shortname_resolve(const struct config_registries *conf, const char *name, bool tty,
			    struct image_shortname_resolved **ret, struct sk_error **err)
{
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res = NULL;
	_cleanup_image_reference_ struct image_reference *in = NULL;
	struct image_reference *alias = NULL;
	const char *origin = NULL;
	enum config_short_name_mode mode = conf->short_name_mode;
	if (mode < 0 || mode >= _CONFIG_SHORT_NAME_MAX)
		return sk_err_internal(err, "unsupported short-name mode (%d)", (int)mode);
	int r = resolved_start(name, &res, &in, err);
	if (r < 0)
		return r;
	if (in) {
		r = alias_candidate(conf, in, &alias, &origin, err);
		if (r < 0)
			return r;
	}
	if (alias) {
		candidate_add(res, alias, true);
		res->rationale = IMAGE_SHORTNAME_ALIAS;
		res->origin = xstrdup(origin);
	} else if (in) {
		r = search_candidates(conf, name, res, err);
		if (r < 0)
			return r;
		if (mode != CONFIG_SHORT_NAME_DISABLED && res->n_candidates > 1) {
			if (tty)
				res->prompt = true;
			else if (mode == CONFIG_SHORT_NAME_ENFORCING)
				return sk_err_invalid(err,
						      "short-name resolution enforced but cannot "
						      "prompt without a TTY");
		}
	}
	*ret = TAKE_PTR(res);
	return 0;
}

int image_shortname_resolve_local(const struct config_registries *conf, const char *name,
				  struct image_shortname_resolved **ret, struct sk_error **err)
{
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res = NULL;
	_cleanup_image_reference_ struct image_reference *in = NULL;
	struct image_reference *alias = NULL;
	const char *origin = NULL;
	int r = resolved_start(name, &res, &in, err);
	if (r < 0)
		return r;
	if (in) {
		r = alias_candidate(conf, in, &alias, &origin, err);
		if (r < 0)
			return r;
		if (alias) {
			candidate_add(res, alias, true);
			res->rationale = IMAGE_SHORTNAME_ALIAS;
			res->origin = xstrdup(origin);
		} else {
			res->rationale = IMAGE_SHORTNAME_SEARCH;
			res->origin = xstrdup(conf->search_origin);
		}
		static char *const localhost[] = { "localhost", NULL };
		r = candidates_complete(res, localhost, name, err);
		if (r >= 0)
			r = candidates_complete(res, conf->search, name, err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(res);
	return 0;
}

char *image_shortname_description(const struct image_shortname_resolved *res)
{
	switch (res->rationale) {
	case IMAGE_SHORTNAME_ALIAS:
		return xasprintf("Resolved \"%s\" as an alias (%s)", res->input, res->origin);
	case IMAGE_SHORTNAME_SEARCH:
		return xasprintf("Resolving \"%s\" using unqualified-search registries (%s)",
				 res->input, res->origin);
	default:
		return NULL;
	}
}
