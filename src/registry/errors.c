/* SPDX-License-Identifier: Apache-2.0 */
/* From what went wrong on the wire to a struct sk_error: HTTP statuses, the distribution
 * spec's JSON error bodies and curl's transport errors. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A registry's text is untrusted: one line, printable, bounded. */
#define REGISTRY_TEXT_MAX 512

static void add_sanitized(struct strbuf *sb, const char *s)
{
	size_t n = 0;
	for (; *s && n < REGISTRY_TEXT_MAX; s++, n++)
		strbuf_addch(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	if (*s)
		strbuf_addstr(sb, "...");
}

/* "MANIFEST_UNKNOWN" -> "manifest unknown". */
static char *code_text(const char *code)
{
	char *t = xstrdup(code);
	for (char *p = t; *p; p++)
		*p = *p == '_' ? ' ' : (char)tolower((unsigned char)*p);
	return t;
}

static enum sk_error_kind code_kind(const char *code)
{
	static const char *const notfound[] = { "MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN",
						"BLOB_UPLOAD_UNKNOWN" };
	for (size_t i = 0; i < ELEMENTSOF(notfound); i++)
		if (streq(code, notfound[i]))
			return SK_ERR_NOTFOUND;
	if (streq(code, "UNAUTHORIZED") || streq(code, "DENIED"))
		return SK_ERR_AUTH;
	if (streq(code, "DIGEST_INVALID") || streq(code, "SIZE_INVALID"))
		return SK_ERR_CORRUPT;
	return SK_ERR_REGISTRY;
}

char *registry_error_body_describe(const char *body, size_t len, enum sk_error_kind *ret_kind)
{
	if (!body || len == 0)
		return NULL;
	_cleanup_json_ json_t *root = sk_json_parse(body, len, NULL);
	json_t *errors = json_object_get(root, "errors");
	if (!json_is_array(errors) || json_array_size(errors) == 0)
		return NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	enum sk_error_kind kind = SK_ERR_REGISTRY;
	size_t i;
	json_t *e;
	json_array_foreach (errors, i, e) {
		const char *code = sk_json_str(e, "code");
		const char *msg = sk_json_str(e, "message");
		_cleanup_free_ char *ct = code_text(code ? code : "unknown");
		if (i == 0 && code)
			kind = code_kind(code);
		if (i > 0)
			strbuf_addstr(&sb, "; ");
		add_sanitized(&sb, ct);
		if (!isempty(msg) && strcasecmp(msg, ct) != 0) {
			strbuf_addstr(&sb, ": ");
			add_sanitized(&sb, msg);
		}
	}
	if (ret_kind)
		*ret_kind = kind;
	return strbuf_detach(&sb, NULL);
}

static int kind_errno(enum sk_error_kind kind)
{
	switch (kind) {
	case SK_ERR_NOTFOUND:
		return ENOENT;
	case SK_ERR_AUTH:
		return EACCES;
	case SK_ERR_CORRUPT:
		return EBADMSG;
	default:
		return EPROTO;
	}
}

static char *status_why(const struct registry_response *resp, const char *notfound_why)
{
	switch (resp->status) {
	case 401:
		return xstrdup("unauthorized: authentication required");
	case 403:
		return xstrdup("denied: requested access to the resource is denied");
	case 404:
		return xstrdup(notfound_why ? notfound_why : "not found");
	default: {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "received unexpected HTTP status: %ld ", resp->status);
		add_sanitized(&sb, resp->reason ? resp->reason : "");
		strbuf_rtrim(&sb);
		return strbuf_detach(&sb, NULL);
	}
	}
}

int registry_response_error(const struct registry_response *resp, const char *what,
			    const char *notfound_why, struct sk_error **err)
{
	enum sk_error_kind kind = SK_ERR_REGISTRY;
	_cleanup_free_ char *why =
		registry_error_body_describe(resp->body.buf, resp->body.len, &kind);
	if (!why)
		why = status_why(resp, notfound_why);
	if (resp->status == 404)
		kind = SK_ERR_NOTFOUND;
	else if (resp->status == 401 || resp->status == 403)
		kind = SK_ERR_AUTH;
	if (!what)
		return sk_error_set(err, kind, kind_errno(kind), "%s", why);
	return sk_error_set(err, kind, kind_errno(kind), "%s: %s", what, why);
}

/* curl's message, one line, starting lowercase. */
static char *curl_text(CURLcode code, const char *errbuf)
{
	char *t = xstrdup(!isempty(errbuf) ? errbuf : curl_easy_strerror(code));
	t[strcspn(t, "\r\n")] = '\0';
	/* "Failed to ..." -> "failed to ...", but "SSL ..." stays. */
	if (t[0] && !isupper((unsigned char)t[1]))
		t[0] = (char)tolower((unsigned char)t[0]);
	return t;
}

static char *errno_text(int e)
{
	char *t = xstrdup(strerror(e));
	t[0] = (char)tolower((unsigned char)t[0]);
	return t;
}

int registry_transport_error(CURLcode code, long os_errno, const char *errbuf, const char *what,
			     struct sk_error **err)
{
	_cleanup_free_ char *why = NULL;
	int e = os_errno > 0 ? (int)os_errno : EIO;
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		e = os_errno > 0 ? (int)os_errno : ECONNREFUSED;
		why = errno_text(e);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		e = EHOSTUNREACH;
		why = xstrdup("no such host");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		e = ETIMEDOUT;
		why = xstrdup("timed out");
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		e = EPROTO;
		if (errbuf && strstr(errbuf, "wrong version number")) {
			why = xstrdup("http: server gave HTTP response to HTTPS client");
		} else {
			_cleanup_free_ char *t = curl_text(code, errbuf);
			why = xasprintf("tls: %s", t);
		}
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		e = ELOOP;
		why = xstrdup("too many redirects");
		break;
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_READ_ERROR:
		why = xstrdup("reading the request body failed");
		break;
	default:
		if (os_errno <= 0 && (code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
				      code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE))
			e = ECONNRESET;
		why = curl_text(code, errbuf);
		break;
	}
	if (!what)
		return sk_err_system(err, e, "%s", why);
	return sk_err_system(err, e, "%s: %s", what, why);
}
