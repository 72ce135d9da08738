/* SPDX-License-Identifier: Apache-2.0 */
#include "catalog.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define LIST_PAGE_MAX (16u << 20)
/* A registry that keeps sending "next" must not keep us forever. */
#define LIST_PAGES_MAX 10000

static bool link_ws(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Does the rel parameter value (a space-separated list) hold "next"? */
static bool rel_has_next(const char *v, size_t len)
{
	_cleanup_free_ char *s = xstrndup(v, len);
	_cleanup_strv_free_ char **rels = strv_split(s, " \t", true);
	STRV_FOREACH (r, rels)
		if (strcasecmp(*r, "next") == 0)
			return true;
	return false;
}

/* The parameters after "<url>" up to the next link (a ',' outside quotes). Advances *pp. */
static bool link_params_next(const char **pp)
{
	const char *p = *pp;
	bool next = false;
	while (*p && *p != ',') {
		while (link_ws(*p) || *p == ';')
			p++;
		const char *name = p;
		size_t nlen = strcspn(p, "=;, \t");
		p += nlen;
		while (link_ws(*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (link_ws(*p))
			p++;
		const char *v = p;
		size_t vlen;
		if (*p == '"') {
			v = ++p;
			vlen = strcspn(p, "\"");
			p += vlen + (p[vlen] == '"');
		} else {
			vlen = strcspn(p, ";, \t");
			p += vlen;
		}
		if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 && rel_has_next(v, vlen))
			next = true;
		while (link_ws(*p))
			p++;
	}
	*pp = p;
	return next;
}

char *registry_link_next(const char *link)
{
	const char *p = link ? link : "";
	while (*p) {
		while (link_ws(*p) || *p == ',')
			p++;
		if (*p != '<')
			break;
		const char *end = strchr(p, '>');
		if (!end)
			break;
		const char *url = p + 1;
		size_t ulen = (size_t)(end - url);
		p = end + 1;
		if (link_params_next(&p) && ulen > 0)
			return xstrndup(url, ulen);
	}
	return NULL;
}

/* Strings of the page's array member key, appended to *names (at most limit in all). */
static int page_names(const struct registry_response *resp, const char *key, size_t limit,
		      char ***names, const char *what, struct sk_error **err)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *root = sk_json_parse(resp->body.buf, resp->body.len, &reason);
	if (!json_is_object(root))
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO, "%s: invalid response: %s", what,
				    reason ? reason : "not a JSON object");
	json_t *arr = json_object_get(root, key);
	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
				    "%s: invalid response: \"%s\" is not an array", what, key);
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		if (limit && strv_length(*names) >= limit)
			break;
		if (json_is_string(v))
			strv_push(names, json_string_value(v));
	}
	return 0;
}

static int list_pages(struct registry_client *c, const char *first, const char *repo,
		      char *const *scopes, const char *key, size_t limit, const char *what,
		      char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **names = xnew(char *, 1);
	_cleanup_free_ char *url = xstrdup(first);
	int r = 0;
	for (int page = 0; url && page < LIST_PAGES_MAX; page++) {
		const struct registry_request req = { .url = url,
						      .repo = repo,
						      .scopes = scopes,
						      .max_body = LIST_PAGE_MAX,
						      .what = what };
		struct registry_response resp = { 0 };
		r = registry_request(c, &req, &resp, err);
		if (r >= 0 && resp.status != 200)
			r = registry_response_error(&resp, what, NULL, err);
		if (r >= 0)
			r = page_names(&resp, key, limit, &names, what, err);
		_cleanup_free_ char *next = r >= 0 ? registry_link_next(resp.link) : NULL;
		registry_response_release(&resp);
		if (r < 0)
			return r;
		if (limit && strv_length(names) >= limit)
			break;
		/* Relative links resolve against the page they came with. */
		_cleanup_free_ char *abs = next ? registry_url_resolve(c->base_url, url) : NULL;
		char *n = abs ? registry_url_resolve(abs, next) : NULL;
		if (n && streq(n, abs)) {
			free(n);
			return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
					    "%s: the next page is the same page", what);
		}
		free(url);
		url = n;
	}
	*ret = TAKE_PTR(names);
	return 0;
}

static char *first_url(const char *path, size_t page_size)
{
	if (!page_size)
		return xstrdup(path);
	return xasprintf("%s?n=%zu", path, page_size);
}

int registry_tags_list(struct registry_client *c, const char *repo, size_t page_size, size_t limit,
		       char ***ret_tags, struct sk_error **err)
{
	int r = registry_repo_check(repo, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = xasprintf("/v2/%s/tags/list", repo);
	_cleanup_free_ char *url = first_url(path, page_size);
	_cleanup_free_ char *what = xasprintf("listing tags of %s/%s", c->name, repo);
	_cleanup_free_ char *scope = xasprintf("repository:%s:pull", repo);
	char *scopes[] = { scope, NULL };
	return list_pages(c, url, repo, scopes, "tags", limit, what, ret_tags, err);
}

int registry_catalog_list(struct registry_client *c, size_t page_size, size_t limit,
			  char ***ret_repos, struct sk_error **err)
{
	_cleanup_free_ char *url = first_url("/v2/_catalog", page_size);
	_cleanup_free_ char *what = xasprintf("listing repositories of %s", c->name);
	char *scopes[] = { (char *)"registry:catalog:*", NULL };
	return list_pages(c, url, NULL, scopes, "repositories", limit, what, ret_repos, err);
}
