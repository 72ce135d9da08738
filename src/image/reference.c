/* SPDX-License-Identifier: Apache-2.0 */
#include "reference.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "util/refname.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_REPO_PREFIX "library/"

static int digest_error(int r, struct sk_error **err)
{
	switch (r) {
	case 0:
		return 0;
	case -EOPNOTSUPP:
		return sk_err_invalid(err, "unsupported digest algorithm");
	case -EMSGSIZE:
		return sk_err_invalid(err, "invalid checksum digest length");
	case -EBADMSG:
		return sk_err_invalid(err, "invalid checksum digest format");
	default:
		return sk_err_invalid(err, "invalid digest format");
	}
}

/* distribution/reference's Parse(), with its error messages. */
static int ref_parse_parts(const char *s, struct refname_parts *p, struct sk_error **err)
{
	if (!*s)
		return sk_err_invalid(err, "repository name must have at least one component");
	if (!refname_split(s, p)) {
		_cleanup_free_ char *lower = xstrdup(s);
		struct refname_parts ignored;
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (refname_split(lower, &ignored))
			return sk_err_invalid(err, "repository name must be lowercase");
		return sk_err_invalid(err, "invalid reference format");
	}
	if (p->name_len > REFNAME_NAME_MAX)
		return sk_err_invalid(err, "repository name must not be more than %d characters",
				      REFNAME_NAME_MAX);
	if (p->digest)
		return digest_error(refname_digest_check(p->digest, p->digest_len), err);
	return 0;
}

static bool is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	}
	return true;
}

/* Podman's short-name rule: the first element is a registry only if it looks like one
 * ("library/busybox" has no registry although the grammar reads "library" as a domain). */
static int ref_build(const char *s, bool normalize, struct image_reference **ret,
		     struct sk_error **err)
{
	struct refname_parts p;
	int r = ref_parse_parts(s, &p, err);
	if (r < 0)
		return r;
	if (normalize && is_hex64(s))
		return sk_err_invalid(err,
				      "invalid repository name (%s), cannot specify 64-byte "
				      "hexadecimal strings",
				      s);
	_cleanup_image_reference_ struct image_reference *ref = xnew(struct image_reference, 1);
	if (p.domain && refname_is_domain_like(p.domain, p.domain_len)) {
		ref->domain = xstrndup(p.domain, p.domain_len);
		ref->path = xstrndup(p.path, p.path_len);
	} else {
		ref->path = xstrndup(s, p.name_len);
		ref->short_name = true;
		if (!refname_path_is_valid(ref->path, p.name_len))
			return sk_err_invalid(err, "repository name must be lowercase");
	}
	if (p.tag)
		ref->tag = xstrndup(p.tag, p.tag_len);
	if (p.digest)
		ref->digest = xstrndup(p.digest, p.digest_len);
	if (normalize) {
		if (!ref->domain || streq(ref->domain, LEGACY_DEFAULT_DOMAIN)) {
			free(ref->domain);
			ref->domain = xstrdup(IMAGE_DEFAULT_DOMAIN);
		}
		if (streq(ref->domain, IMAGE_DEFAULT_DOMAIN) && !strchr(ref->path, '/')) {
			char *path = xasprintf(OFFICIAL_REPO_PREFIX "%s", ref->path);
			free(ref->path);
			ref->path = path;
		}
		if (strlen(ref->domain) + 1 + strlen(ref->path) > REFNAME_NAME_MAX)
			return sk_err_invalid(err,
					      "repository name must not be more than %d characters",
					      REFNAME_NAME_MAX);
	}
	*ret = TAKE_PTR(ref);
	return 0;
}

int image_reference_parse(const char *s, struct image_reference **ret, struct sk_error **err)
{
	return ref_build(s, true, ret, err);
}

int image_reference_parse_unnormalized(const char *s, struct image_reference **ret,
				       struct sk_error **err)
{
	return ref_build(s, false, ret, err);
}

bool image_reference_is_short_name(const char *s)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (ref_build(s, false, &ref, NULL) < 0)
		return false;
	return ref->short_name;
}

static char *strdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct image_reference *image_reference_dup(const struct image_reference *ref)
{
	struct image_reference *d = xnew(struct image_reference, 1);
	d->domain = strdup_or_null(ref->domain);
	d->path = xstrdup(ref->path);
	d->tag = strdup_or_null(ref->tag);
	d->digest = strdup_or_null(ref->digest);
	d->short_name = ref->short_name;
	return d;
}

void image_reference_free(struct image_reference *ref)
{
	if (!ref)
		return;
	free(ref->domain);
	free(ref->path);
	free(ref->tag);
	free(ref->digest);
	free(ref);
}

static void add_tag_digest(struct strbuf *sb, const struct image_reference *ref)
{
	if (ref->tag)
		strbuf_addf(sb, ":%s", ref->tag);
	if (ref->digest)
		strbuf_addf(sb, "@%s", ref->digest);
}

char *image_reference_format(const struct image_reference *ref)
{
	struct strbuf sb = STRBUF_INIT;
	if (ref->domain)
		strbuf_addf(&sb, "%s/", ref->domain);
	strbuf_addstr(&sb, ref->path);
	add_tag_digest(&sb, ref);
	return strbuf_detach(&sb, NULL);
}

char *image_reference_name(const struct image_reference *ref)
{
	if (!ref->domain)
		return xstrdup(ref->path);
	return xasprintf("%s/%s", ref->domain, ref->path);
}

char *image_reference_familiar(const struct image_reference *ref)
{
	struct strbuf sb = STRBUF_INIT;
	const char *path = ref->path;
	if (!ref->domain || streq(ref->domain, IMAGE_DEFAULT_DOMAIN)) {
		size_t n = strlen(OFFICIAL_REPO_PREFIX);
		if (strneq(path, OFFICIAL_REPO_PREFIX, n) && !strchr(path + n, '/'))
			path += n;
	} else {
		strbuf_addf(&sb, "%s/", ref->domain);
	}
	strbuf_addstr(&sb, path);
	add_tag_digest(&sb, ref);
	return strbuf_detach(&sb, NULL);
}

void image_reference_tag_default(struct image_reference *ref)
{
	if (!ref->tag && !ref->digest)
		ref->tag = xstrdup(IMAGE_DEFAULT_TAG);
}

int image_reference_set_tag(struct image_reference *ref, const char *tag, struct sk_error **err)
{
	if (tag && !refname_tag_is_valid(tag, strlen(tag)))
		return sk_err_invalid(err, "invalid tag format");
	free(ref->tag);
	ref->tag = strdup_or_null(tag);
	return 0;
}

int image_reference_set_digest(struct image_reference *ref, const char *digest,
			       struct sk_error **err)
{
	if (digest) {
		int r = digest_error(refname_digest_check(digest, strlen(digest)), err);
		if (r < 0)
			return r;
	}
	free(ref->digest);
	ref->digest = strdup_or_null(digest);
	return 0;
}

void image_reference_drop_tag_if_digested(struct image_reference *ref)
{
	if (ref->digest) {
		free(ref->tag);
		ref->tag = NULL;
	}
}
