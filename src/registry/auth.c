/* SPDX-License-Identifier: Apache-2.0 */
#include "auth.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "config/auth-file.h"
#include "request.h"
#include "util/base64.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define TOKEN_BODY_MAX (1u << 20)
#define TOKEN_MIN_LIFETIME_S 60
/* Refresh a token this long before it expires: a request may take a moment to arrive. */
#define TOKEN_MARGIN_S 5
#define NSEC_PER_SEC 1000000000LL

static const char *const scheme_names[_REGISTRY_AUTH_MAX] = {
	[REGISTRY_AUTH_NONE] = "none",
	[REGISTRY_AUTH_BASIC] = "basic",
	[REGISTRY_AUTH_BEARER] = "bearer",
};

const char *registry_auth_scheme_to_string(enum registry_auth_scheme s)
{
	if ((int)s < 0 || s >= _REGISTRY_AUTH_MAX)
		return NULL;
	return scheme_names[s];
}

enum registry_auth_scheme registry_auth_scheme_from_string(const char *s)
{
	for (size_t i = 0; s && i < ELEMENTSOF(scheme_names); i++)
		if (strcasecmp(s, scheme_names[i]) == 0)
			return (enum registry_auth_scheme)i;
	return _REGISTRY_AUTH_INVALID;
}

void registry_challenge_release(struct registry_challenge *ch)
{
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	free(ch->error);
	*ch = (struct registry_challenge){ 0 };
}

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* RFC 7230 token characters, loosely: anything but separators we parse on. */
static size_t token_len(const char *p)
{
	return strcspn(p, " \t,=\"");
}

/* A quoted-string (p at the opening quote) or a bare token. Advances *pp. Allocated. */
static char *param_value(const char **pp)
{
	const char *p = *pp;
	if (*p != '"') {
		size_t n = strcspn(p, " \t,");
		*pp = p + n;
		return xstrndup(p, n);
	}
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		strbuf_addch(&sb, *p);
	}
	*pp = *p == '"' ? p + 1 : p;
	return strbuf_detach(&sb, NULL);
}

static void challenge_param(struct registry_challenge *ch, const char *name, size_t nlen,
			    char *value)
{
	char **slot = NULL;
	if (nlen == 5 && strncasecmp(name, "realm", 5) == 0)
		slot = &ch->realm;
	else if (nlen == 7 && strncasecmp(name, "service", 7) == 0)
		slot = &ch->service;
	else if (nlen == 5 && strncasecmp(name, "scope", 5) == 0)
		slot = &ch->scope;
	else if (nlen == 5 && strncasecmp(name, "error", 5) == 0)
		slot = &ch->error;
	if (slot && !*slot)
		*slot = value;
	else
		free(value);
}

/* One challenge starting at *pp (its scheme); stops before the next challenge's scheme. */
static void challenge_one(const char **pp, struct registry_challenge *ch, char **ret_scheme)
{
	const char *p = *pp;
	size_t n = token_len(p);
	*ret_scheme = xstrndup(p, n);
	p += n;
	for (;;) {
		while (is_ws(*p) || *p == ',')
			p++;
		const char *name = p;
		size_t nlen = token_len(p);
		const char *q = p + nlen;
		while (is_ws(*q))
			q++;
		if (nlen == 0 || *q != '=') {
			/* Not "name=": the end, or the scheme of the next challenge. */
			p = nlen == 0 && *p ? p + 1 : p;
			break;
		}
		q++;
		while (is_ws(*q))
			q++;
		challenge_param(ch, name, nlen, param_value(&q));
		p = q;
	}
	*pp = p;
}

int registry_challenge_parse(const char *header, struct registry_challenge *ret,
			     struct sk_error **err)
{
	struct registry_challenge bearer = { 0 }, basic = { 0 };
	const char *p = header ? header : "";
	while (*p) {
		while (is_ws(*p) || *p == ',')
			p++;
		if (!*p)
			break;
		struct registry_challenge ch = { 0 };
		_cleanup_free_ char *scheme = NULL;
		challenge_one(&p, &ch, &scheme);
		enum registry_auth_scheme kind = registry_auth_scheme_from_string(scheme);
		if (kind == REGISTRY_AUTH_BEARER && !bearer.scheme) {
			ch.scheme = REGISTRY_AUTH_BEARER;
			bearer = ch;
		} else if (kind == REGISTRY_AUTH_BASIC && !basic.scheme) {
			ch.scheme = REGISTRY_AUTH_BASIC;
			basic = ch;
		} else {
			registry_challenge_release(&ch);
		}
	}
	if (bearer.scheme && isempty(bearer.realm)) {
		registry_challenge_release(&bearer);
		registry_challenge_release(&basic);
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
				    "bearer challenge without a realm: '%s'", header);
	}
	if (!bearer.scheme && !basic.scheme)
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
				    "unsupported authentication challenge '%s'",
				    header ? header : "");
	if (bearer.scheme) {
		registry_challenge_release(&basic);
		*ret = bearer;
	} else {
		*ret = basic;
	}
	return 0;
}

int registry_token_parse(const char *body, size_t len, char **ret_token, int64_t *ret_expires_in,
			 struct sk_error **err)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *root = sk_json_parse(body, len, &reason);
	if (!json_is_object(root))
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO, "invalid token response: %s",
				    reason ? reason : "not a JSON object");
	const char *tok = sk_json_str(root, "token");
	if (isempty(tok))
		tok = sk_json_str(root, "access_token");
	if (isempty(tok))
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
				    "invalid token response: no token");
	int64_t exp = sk_json_int(root, "expires_in", TOKEN_MIN_LIFETIME_S);
	*ret_token = xstrdup(tok);
	*ret_expires_in = exp < TOKEN_MIN_LIFETIME_S ? TOKEN_MIN_LIFETIME_S : exp;
	return 0;
}

int registry_creds_parse(const char *creds, char **ret_user, char **ret_pass, struct sk_error **err)
{
	const char *colon = creds ? strchr(creds, ':') : NULL;
	size_t ulen = colon ? (size_t)(colon - creds) : (creds ? strlen(creds) : 0);
	if (ulen == 0)
		return sk_err_invalid(err, "invalid credentials: the username is empty");
	*ret_user = xstrndup(creds, ulen);
	*ret_pass = colon ? xstrdup(colon + 1) : NULL;
	return 0;
}

int registry_auth_creds(struct registry_client *c, const char *repo, const char **ret_user,
			const char **ret_pass, struct sk_error **err)
{
	if (c->username) {
		*ret_user = c->username;
		*ret_pass = c->password ? c->password : "";
		return 1;
	}
	struct registry_creds *cr;
	for (cr = c->creds; cr; cr = cr->next)
		if (repo ? cr->repo && streq(cr->repo, repo) : !cr->repo)
			break;
	if (!cr) {
		_cleanup_free_ char *key =
			repo ? xasprintf("%s/%s", c->name, repo) : xstrdup(c->name);
		char *user = NULL, *pass = NULL;
		int r = config_auth_lookup(c->authfile, key, &user, &pass, err);
		if (r < 0)
			return r;
		cr = xnew(struct registry_creds, 1);
		cr->repo = repo ? xstrdup(repo) : NULL;
		cr->user = user;
		cr->pass = pass;
		cr->next = c->creds;
		c->creds = cr;
	}
	if (!cr->user)
		return 0;
	*ret_user = cr->user;
	*ret_pass = cr->pass;
	return 1;
}

static char *basic_header(const char *user, const char *pass)
{
	_cleanup_free_ char *plain = xasprintf("%s:%s", user, pass);
	_cleanup_free_ char *b64 = base64_encode(plain, strlen(plain));
	return xasprintf("Basic %s", b64);
}

/* The scopes of a token request, sorted and without duplicates. */
static char **scope_list(char *const *scopes, const char *extra)
{
	char **v = scopes ? strv_copy(scopes) : xnew(char *, 1);
	if (extra)
		strv_push(&v, extra);
	strv_sort(v);
	strv_uniq(v);
	return v;
}

static char *token_url(const struct registry_client *c, char *const *scopes, const char *user)
{
	char *url = xstrdup(c->challenge.realm);
	const char *keys[] = { "service", "account" };
	const char *vals[] = { c->challenge.service, user };
	for (size_t i = 0; url && i < ELEMENTSOF(keys); i++) {
		if (isempty(vals[i]))
			continue;
		char *u = registry_url_add_query(url, keys[i], vals[i]);
		free(url);
		url = u;
	}
	STRV_FOREACH (s, scopes) {
		if (!url)
			break;
		char *u = registry_url_add_query(url, "scope", *s);
		free(url);
		url = u;
	}
	return url;
}

/* GET realm?service=&scope=... with basic credentials when we have them. */
static int token_fetch(struct registry_client *c, const char *repo, char *const *scopes,
		       struct registry_token **ret, struct sk_error **err)
{
	const char *user = NULL, *pass = NULL;
	int r = registry_auth_creds(c, repo, &user, &pass, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *url = token_url(c, scopes, user);
	if (!url)
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO, "invalid token realm '%s'",
				    c->challenge.realm);
	_cleanup_free_ char *auth = user ? basic_header(user, pass) : NULL;
	_cleanup_free_ char *what =
		xasprintf("requesting bearer token from '%s'", c->challenge.realm);
	const struct registry_request req = { .url = url,
					      .no_auth = true,
					      .authorization = auth,
					      .max_body = TOKEN_BODY_MAX,
					      .what = what };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r < 0)
		return r;
	if (resp.status == 200) {
		struct registry_token *t = xnew(struct registry_token, 1);
		int64_t expires_in = 0;
		r = registry_token_parse(resp.body.buf, resp.body.len, &t->token, &expires_in, err);
		if (r < 0) {
			free(t);
			sk_error_wrap(err, "%s", what);
		} else {
			t->expires_ns =
				time_now_ns() + (expires_in - TOKEN_MARGIN_S) * NSEC_PER_SEC;
			*ret = t;
		}
	} else if ((resp.status == 401 || resp.status == 403) && user) {
		r = sk_error_set(err, SK_ERR_AUTH, EACCES,
				 "authenticating to \"%s\": invalid username/password", c->name);
	} else {
		r = registry_response_error(&resp, what, NULL, err);
	}
	registry_response_release(&resp);
	return r;
}

static struct registry_token **token_find(struct registry_client *c, const char *key)
{
	for (struct registry_token **t = &c->tokens; *t; t = &(*t)->next)
		if (streq((*t)->scope_key, key))
			return t;
	return NULL;
}

static void token_free(struct registry_token *t)
{
	free(t->scope_key);
	free(t->token);
	free(t);
}

static int bearer_header(struct registry_client *c, const char *repo, char *const *scopes,
			 const char *extra, char **ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **all = scope_list(scopes, extra);
	_cleanup_free_ char *key = strv_join(all, " ");
	struct registry_token **slot = token_find(c, key);
	if (slot && (*slot)->expires_ns <= time_now_ns()) {
		struct registry_token *old = *slot;
		*slot = old->next;
		token_free(old);
		slot = NULL;
	}
	if (!slot) {
		struct registry_token *t = NULL;
		int r = token_fetch(c, repo, all, &t, err);
		if (r < 0)
			return r;
		t->scope_key = TAKE_PTR(key);
		t->next = c->tokens;
		c->tokens = t;
		slot = &c->tokens;
	}
	*ret = xasprintf("Bearer %s", (*slot)->token);
	return 0;
}

int registry_auth_header(struct registry_client *c, const char *repo, char *const *scopes,
			 const char *extra_scope, char **ret, bool *ret_basic,
			 struct sk_error **err)
{
	*ret = NULL;
	*ret_basic = false;
	if (c->challenge.scheme == REGISTRY_AUTH_BEARER)
		return bearer_header(c, repo, scopes, extra_scope, ret, err);
	if (c->challenge.scheme != REGISTRY_AUTH_BASIC)
		return 0;
	const char *user = NULL, *pass = NULL;
	int r = registry_auth_creds(c, repo, &user, &pass, err);
	if (r <= 0)
		return r;
	*ret = basic_header(user, pass);
	*ret_basic = true;
	return 0;
}

void registry_auth_forget(struct registry_client *c, char *const *scopes, const char *extra)
{
	_cleanup_strv_free_ char **all = scope_list(scopes, extra);
	_cleanup_free_ char *key = strv_join(all, " ");
	struct registry_token **slot = token_find(c, key);
	if (slot) {
		struct registry_token *old = *slot;
		*slot = old->next;
		token_free(old);
	}
}

void registry_auth_cache_free(struct registry_client *c)
{
	while (c->tokens) {
		struct registry_token *t = c->tokens;
		c->tokens = t->next;
		token_free(t);
	}
	while (c->creds) {
		struct registry_creds *cr = c->creds;
		c->creds = cr->next;
		free(cr->repo);
		free(cr->user);
		free(cr->pass);
		free(cr);
	}
}
