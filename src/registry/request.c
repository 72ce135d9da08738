/* SPDX-License-Identifier: Apache-2.0 */
/* The request engine: one HTTP exchange with a registry over a curl easy handle. */
#include "request.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "util/digest.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define USER_AGENT "selkie/" SELKIE_VERSION
#define CONNECT_TIMEOUT_S 30L
/* Give up on a transfer that moved less than a byte per second for this long. */
#define STALL_TIMEOUT_S 60L
#define MAX_REDIRECTS 10L

void registry_response_release(struct registry_response *r)
{
	free(r->reason);
	free(r->content_type);
	free(r->location);
	free(r->digest);
	free(r->link);
	strv_free(r->www_auth);
	strbuf_release(&r->body);
	*r = (struct registry_response){ .content_length = -1 };
}

static void header_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* "HTTP/1.1 404 Not Found" starts a new response (each redirect and 100-continue has one). */
static void status_line(struct registry_response *r, const char *line)
{
	registry_response_release(r);
	const char *sp = strchr(line, ' ');
	if (!sp)
		return;
	r->status = strtol(sp + 1, NULL, 10);
	const char *reason = strchr(sp + 1, ' ');
	r->reason = xstrdup(reason ? reason + 1 : "");
}

static void header_line(struct registry_response *r, const char *name, size_t nlen,
			const char *value)
{
#define IS(h) (nlen == strlen(h) && strncasecmp(name, h, nlen) == 0)
	if (IS("content-type")) {
		header_set(&r->content_type, value);
	} else if (IS("location")) {
		header_set(&r->location, value);
	} else if (IS("docker-content-digest")) {
		header_set(&r->digest, value);
	} else if (IS("www-authenticate")) {
		strv_push(&r->www_auth, value);
	} else if (IS("link")) {
		char *l = r->link ? xasprintf("%s, %s", r->link, value) : xstrdup(value);
		free(r->link);
		r->link = l;
	} else if (IS("content-length")) {
		char *end = NULL;
		long long v = strtoll(value, &end, 10);
		r->content_length = end != value && *end == '\0' && v >= 0 ? v : -1;
	}
#undef IS
}

static bool is_redirect(const struct registry_xfer *x)
{
	long s = x->resp.status;
	return x->req->follow && s >= 300 && s < 400 && x->resp.location;
}

static size_t on_header(char *buf, size_t size, size_t n, void *userdata)
{
	struct registry_xfer *x = userdata;
	size_t len = size * n;
	_cleanup_free_ char *line = xstrndup(buf, len);
	line[strcspn(line, "\r\n")] = '\0';
	if (strneq(line, "HTTP/", 5)) {
		status_line(&x->resp, line);
		return len;
	}
	if (line[0] == '\0') {
		/* End of one response's headers. */
		if (x->resp.status >= 200 && !is_redirect(x) && x->req->on_headers &&
		    x->req->on_headers(x->req->userdata, &x->resp) < 0) {
			x->aborted = true;
			return 0;
		}
		return len;
	}
	char *colon = strchr(line, ':');
	if (!colon)
		return len;
	char *value = colon + 1;
	value += strspn(value, " \t");
	size_t vlen = strlen(value);
	while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		value[--vlen] = '\0';
	header_line(&x->resp, line, (size_t)(colon - line), value);
	return len;
}

static size_t on_write(char *data, size_t size, size_t n, void *userdata)
{
	struct registry_xfer *x = userdata;
	size_t len = size * n;
	long s = x->resp.status;
	if (is_redirect(x))
		return len;
	bool ok = s >= 200 && s < 300;
	if (ok && x->req->sink) {
		if (x->req->sink(x->req->userdata, data, len) < 0) {
			x->aborted = true;
			return 0;
		}
		return len;
	}
	size_t max = ok && x->req->max_body ? x->req->max_body : REGISTRY_ERROR_BODY_MAX;
	if (x->resp.body.len + len > max) {
		if (ok) {
			x->aborted = x->too_big = true;
			return 0;
		}
		/* An error body is only read for its message: keep its start. */
		strbuf_add(&x->resp.body, data, max - x->resp.body.len);
		return len;
	}
	strbuf_add(&x->resp.body, data, len);
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *userdata)
{
	struct registry_xfer *x = userdata;
	const struct registry_body *b = x->req->body;
	uint64_t total = b->data ? b->len : b->size;
	size_t want = size * n;
	if (x->body_off >= total)
		return 0;
	if (want > total - x->body_off)
		want = (size_t)(total - x->body_off);
	if (b->data) {
		memcpy(buf, (const char *)b->data + x->body_off, want);
	} else {
		ssize_t got = RETRY_EINTR(pread(b->fd, buf, want, (off_t)x->body_off));
		if (got <= 0)
			return CURL_READFUNC_ABORT; /* the file is shorter than it said */
		want = (size_t)got;
	}
	x->body_off += want;
	if (x->req->on_sent)
		x->req->on_sent(x->req->userdata, x->body_off);
	return want;
}

static int on_seek(void *userdata, curl_off_t offset, int origin)
{
	struct registry_xfer *x = userdata;
	if (origin != SEEK_SET || offset < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	x->body_off = (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

static void easy_common(struct registry_xfer *x)
{
	struct registry_client *c = x->c;
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, STALL_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOPROXY, c->noproxy);
	if (x->req->follow) {
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
	}
	/* TLS: an insecure registry is not verified; otherwise its cert dir's CAs join the
	 * system bundle and its client certificate is presented. */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_pem) {
		struct curl_blob blob = { .data = c->ca_pem,
					  .len = c->ca_pem_len,
					  .flags = CURL_BLOB_NOCOPY };
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->client_cert) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
	}
}

static void easy_method(struct registry_xfer *x)
{
	const struct registry_request *req = x->req;
	CURL *e = x->easy;
	const char *m = req->method ? req->method : "GET";
	const struct registry_body *b = req->body;
	curl_off_t blen = b ? (curl_off_t)(b->data ? b->len : b->size) : 0;
	if (streq(m, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (streq(m, "PUT")) {
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, blen);
	} else if (streq(m, "POST")) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, blen);
		if (!b)
			curl_easy_setopt(e, CURLOPT_POSTFIELDS,
					 ""); /* never curl's stdin default */
	} else if (!streq(m, "GET")) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	}
	if (b) {
		x->body_off = 0;
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, x);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
	}
}

static void headers_add(struct registry_xfer *x, const char *name, const char *value)
{
	_cleanup_free_ char *h = xasprintf("%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(x->headers, h);
	if (!l)
		abort();
	x->headers = l;
}

static int easy_headers(struct registry_xfer *x, struct sk_error **err)
{
	const struct registry_request *req = x->req;
	struct registry_client *c = x->c;
	_cleanup_free_ char *auth = NULL;
	x->sent_basic = false;
	if (req->authorization) {
		auth = xstrdup(req->authorization);
	} else if (!req->no_auth && c->base_url && registry_url_same_origin(x->url, c->base_url)) {
		/* Credentials only ever go to the registry itself, not to where it points. */
		int r = registry_auth_header(c, req->repo, req->scopes, x->extra_scope, &auth,
					     &x->sent_basic, err);
		if (r < 0)
			return r;
	}
	if (auth)
		headers_add(x, "Authorization", auth);
	if (req->accept)
		headers_add(x, "Accept", req->accept);
	/* Without a body type curl would label a POST as a form. */
	headers_add(x, "Content-Type", req->content_type ? req->content_type : "");
	return 0;
}

int registry_xfer_setup(struct registry_xfer *x, struct registry_client *c,
			const struct registry_request *req, CURL *easy, struct sk_error **err)
{
	x->c = c;
	x->req = req;
	registry_response_release(&x->resp);
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	x->aborted = x->too_big = false;
	x->errbuf[0] = '\0';
	free(x->url);
	x->url = c->base_url ? registry_url_resolve(c->base_url, req->url) : xstrdup(req->url);
	if (!x->url)
		return sk_err_internal(err, "%s: invalid URL '%s'", req->what, req->url);
	/* The Authorization header first: fetching a token uses c->easy, which may be ours. */
	int r = easy_headers(x, err);
	if (r < 0)
		return r;
	if (easy) {
		if (x->own_easy)
			curl_easy_cleanup(x->easy);
		x->easy = easy;
		x->own_easy = false;
	} else if (!x->own_easy) {
		x->easy = curl_easy_init();
		x->own_easy = true;
		if (!x->easy)
			return sk_err_internal(err, "%s: cannot create a curl handle", req->what);
	}
	curl_easy_reset(x->easy);
	easy_common(x);
	easy_method(x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	return 0;
}

/* A 401: learn the (possibly new) challenge and decide whether a second try can help. */
static bool xfer_auth_retry(struct registry_xfer *x)
{
	struct registry_client *c = x->c;
	const struct registry_request *req = x->req;
	if (req->no_auth || req->authorization || x->auth_retries > 0)
		return false;
	x->auth_retries++;
	/* The token we sent is no good: drop it before the challenge may change its scopes. */
	registry_auth_forget(c, req->scopes, x->extra_scope);
	STRV_FOREACH (h, x->resp.www_auth) {
		struct registry_challenge ch = { 0 };
		if (registry_challenge_parse(*h, &ch, NULL) < 0)
			continue;
		if (ch.scheme == REGISTRY_AUTH_BEARER && ch.scope &&
		    !strv_contains(req->scopes, ch.scope)) {
			free(x->extra_scope);
			x->extra_scope = TAKE_PTR(ch.scope);
		}
		registry_challenge_release(&c->challenge);
		c->challenge = ch;
		break;
	}
	if (c->challenge.scheme == REGISTRY_AUTH_BEARER)
		return true;
	if (c->challenge.scheme != REGISTRY_AUTH_BASIC || x->sent_basic)
		return false;
	const char *user = NULL, *pass = NULL;
	return registry_auth_creds(c, req->repo, &user, &pass, NULL) > 0 && user;
}

int registry_xfer_done(struct registry_xfer *x, CURLcode code, struct sk_error **err)
{
	const struct registry_request *req = x->req;
	if (code != CURLE_OK) {
		if (x->too_big)
			return sk_error_set(err, SK_ERR_REGISTRY, EFBIG, "%s: response too large",
					    req->what);
		if (x->aborted)
			return -ECANCELED;
		long os_errno = 0;
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
		return registry_transport_error(code, os_errno, x->errbuf, req->what, err);
	}
	if (x->resp.status != 401)
		return 0;
	if (x->sent_basic)
		return sk_error_set(err, SK_ERR_AUTH, EACCES,
				    "authenticating to \"%s\": invalid username/password",
				    x->c->name);
	return xfer_auth_retry(x) ? 1 : 0;
}

void registry_xfer_release(struct registry_xfer *x)
{
	if (x->own_easy && x->easy)
		curl_easy_cleanup(x->easy);
	x->easy = NULL;
	x->own_easy = false;
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	registry_response_release(&x->resp);
	free(x->url);
	x->url = NULL;
	free(x->extra_scope);
	x->extra_scope = NULL;
}

int registry_request(struct registry_client *c, const struct registry_request *req,
		     struct registry_response *ret, struct sk_error **err)
{
	bool absolute = strneq(req->url, "http://", 7) || strneq(req->url, "https://", 8);
	if (!absolute) {
		int r = registry_client_ensure(c, err);
		if (r < 0)
			return r;
	}
	struct registry_xfer x = { .resp = { .content_length = -1 } };
	int r;
	do {
		r = registry_xfer_setup(&x, c, req, c->easy, err);
		if (r < 0)
			break;
		r = registry_xfer_done(&x, curl_easy_perform(c->easy), err);
	} while (r == 1);
	if (r >= 0) {
		*ret = x.resp;
		x.resp = (struct registry_response){ .content_length = -1 };
	}
	/* c->easy is not x's: release must not clean it up. */
	x.own_easy = false;
	registry_xfer_release(&x);
	return r;
}

static CURLU *url_parse(const char *url)
{
	CURLU *u = curl_url();
	if (!u)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

static char *url_get(CURLU *u, CURLUPart part, unsigned flags)
{
	char *s = NULL;
	if (curl_url_get(u, part, &s, flags) != CURLUE_OK)
		return NULL;
	char *out = xstrdup(s);
	curl_free(s);
	return out;
}

char *registry_url_resolve(const char *base, const char *ref)
{
	CURLU *u = url_parse(base);
	if (!u)
		return NULL;
	char *out = NULL;
	/* Setting a relative URL on a handle that has one resolves it (RFC 3986). */
	if (curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK)
		out = url_get(u, CURLUPART_URL, 0);
	curl_url_cleanup(u);
	return out;
}

char *registry_url_add_query(const char *url, const char *key, const char *value)
{
	CURLU *u = url_parse(url);
	if (!u)
		return NULL;
	_cleanup_free_ char *part = xasprintf("%s=%s", key, value);
	char *out = NULL;
	if (curl_url_set(u, CURLUPART_QUERY, part, CURLU_APPENDQUERY | CURLU_URLENCODE) ==
	    CURLUE_OK)
		out = url_get(u, CURLUPART_URL, 0);
	curl_url_cleanup(u);
	return out;
}

bool registry_url_same_origin(const char *a, const char *b)
{
	CURLU *ua = url_parse(a), *ub = url_parse(b);
	bool same = false;
	if (ua && ub) {
		same = true;
		const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
		for (size_t i = 0; i < ELEMENTSOF(parts) && same; i++) {
			_cleanup_free_ char *pa = url_get(ua, parts[i], CURLU_DEFAULT_PORT);
			_cleanup_free_ char *pb = url_get(ub, parts[i], CURLU_DEFAULT_PORT);
			same = pa && pb && strcasecmp(pa, pb) == 0;
		}
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

static bool is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* One path component: lowercase alphanumerics, with '.', '_' or '-' only between them. */
static bool repo_component_ok(const char *s, size_t len)
{
	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_lower_alnum(s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

int registry_repo_check(const char *repo, struct sk_error **err)
{
	size_t len = repo ? strlen(repo) : 0;
	bool ok = len > 0 && len <= 255;
	for (const char *p = repo; ok && p;) {
		const char *slash = strchr(p, '/');
		ok = repo_component_ok(p, slash ? (size_t)(slash - p) : strlen(p));
		p = slash ? slash + 1 : NULL;
	}
	if (!ok)
		return sk_err_invalid(err, "invalid repository name '%s'", repo ? repo : "");
	return 0;
}

int registry_ref_check(const char *ref, struct sk_error **err)
{
	if (ref && strchr(ref, ':')) {
		if (digest_is_valid(ref))
			return 0;
		return sk_err_invalid(err, "invalid digest '%s'", ref);
	}
	size_t len = ref ? strlen(ref) : 0;
	bool ok = len > 0 && len <= 128 && ref[0] != '.' && ref[0] != '-';
	for (size_t i = 0; ok && i < len; i++) {
		char ch = ref[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		     (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
	}
	if (!ok)
		return sk_err_invalid(err, "invalid tag '%s'", ref ? ref : "");
	return 0;
}
