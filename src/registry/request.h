/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to src/registry/: the client's state and the request engine shared by manifest.c,
 * blob.c and catalog.c. Other layers include client.h, auth.h, manifest.h, blob.h, catalog.h.
 *
 * One request goes through registry_xfer_setup() (URL, TLS, headers, the Authorization header
 * — which may fetch a bearer token first), a curl perform (easy or multi), and
 * registry_xfer_done(), which maps transport errors and decides whether a 401 is worth one more
 * try with fresh credentials. registry_request() is that loop for one synchronous request.
 */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "registry/auth.h"
#include "registry/client.h"
#include "util/strbuf.h"

#define REGISTRY_ERROR_BODY_MAX (64u << 10)

struct registry_token {
	struct registry_token *next;
	char *scope_key; /* the scopes, sorted, joined by ' ' */
	char *token;
	int64_t expires_ns;
};

struct registry_creds {
	struct registry_creds *next;
	char *repo; /* NULL: the registry itself */
	char *user; /* NULL: none known */
	char *pass;
};

struct registry_client {
	char *name;	/* as given: "docker.io", "127.0.0.1:5000" */
	char *endpoint; /* where the API is: "registry-1.docker.io", "127.0.0.1:5000" */
	char *base_url; /* "https://endpoint" once the registry answered GET /v2/ */
	bool insecure;
	char *username; /* explicit credentials */
	char *password;
	char *authfile;
	char *ca_pem; /* system bundle + the cert dir's *.crt; NULL: curl's default */
	size_t ca_pem_len;
	char *client_cert;
	char *client_key;
	char *noproxy;
	struct registry_challenge challenge; /* from the first GET /v2/ (or a later 401) */
	struct registry_token *tokens;
	struct registry_creds *creds;
	CURL *easy;   /* reused by sequential requests: keeps connections alive */
	CURLM *multi; /* parallel blob fetches */
};

struct registry_body {
	const void *data; /* in memory, or (data NULL) ... */
	size_t len;
	int fd; /* ... read with pread() from offset 0 */
	uint64_t size;
};

struct registry_response {
	long status;
	char *reason;
	char *content_type;
	char *location;
	char *digest; /* Docker-Content-Digest */
	char *link;
	char **www_auth;
	int64_t content_length; /* -1: not sent */
	struct strbuf body;	/* collected body; for sink requests only non-2xx bodies */
};

struct registry_request {
	const char *method;  /* NULL: GET; "HEAD", "PUT", "POST" */
	const char *url;     /* absolute, or a path ("/v2/...") under the registry's base URL */
	const char *repo;    /* whose credentials; NULL: the registry's */
	char *const *scopes; /* bearer token scopes; NULL: none */
	bool no_auth;	     /* no registry credentials (the first GET /v2/, token requests) */
	const char *authorization; /* an explicit Authorization header value */
	const char *accept;
	const char *content_type;
	const struct registry_body *body;
	size_t max_body; /* limit of a collected 2xx body; 0: REGISTRY_ERROR_BODY_MAX */
	bool follow;	 /* follow redirects (blobs) */
	/* 2xx bodies go to sink instead of being collected; <0 aborts the transfer. */
	int (*sink)(void *userdata, const char *data, size_t len);
	/* The headers of each final (non-redirect) response; <0 aborts the transfer. */
	int (*on_headers)(void *userdata, const struct registry_response *resp);
	/* Upload progress: bytes of the body handed to curl so far. */
	void (*on_sent)(void *userdata, uint64_t sent);
	void *userdata;
	const char *what; /* error context: "reading manifest latest in host/x" */
};

struct registry_xfer {
	struct registry_client *c;
	const struct registry_request *req;
	CURL *easy;
	bool own_easy;
	char *url;
	struct curl_slist *headers;
	struct registry_response resp;
	char errbuf[CURL_ERROR_SIZE];
	uint64_t body_off;
	bool aborted; /* by sink/on_headers (their error is theirs) or too_big */
	bool too_big;
	bool sent_basic;
	int auth_retries;
	char *extra_scope; /* a scope a 401 challenge asked for */
};

void registry_response_release(struct registry_response *r);

/* Prepare x for (another) attempt. easy: the handle to use, NULL for one of x's own. */
int registry_xfer_setup(struct registry_xfer *x, struct registry_client *c,
			const struct registry_request *req, CURL *easy, struct sk_error **err);
/* After curl finished x with code: 0 when a response is in x->resp (any status), 1 when the
 * request should be set up and sent again (a 401 with new credentials to try), -ECANCELED
 * when a sink/on_headers hook aborted (its error is its own), else <0 with *err set. */
int registry_xfer_done(struct registry_xfer *x, CURLcode code, struct sk_error **err);
void registry_xfer_release(struct registry_xfer *x);

/* One request, with the registry pinged first for a relative URL. */
int registry_request(struct registry_client *c, const struct registry_request *req,
		     struct registry_response *ret, struct sk_error **err);
/* Find the scheme and the auth challenge (GET /v2/ without credentials), once. */
int registry_client_ensure(struct registry_client *c, struct sk_error **err);

/* The error for an unexpected response: NOTFOUND (404, *_UNKNOWN codes), AUTH (401/403,
 * UNAUTHORIZED/DENIED), CORRUPT (DIGEST_INVALID, SIZE_INVALID), else REGISTRY. The message is
 * "<what>: <the registry's errors>", or notfound_why / the HTTP status without a body. */
int registry_response_error(const struct registry_response *resp, const char *what,
			    const char *notfound_why, struct sk_error **err);
/* "manifest unknown: manifest unknown" from {"errors":[{"code":..,"message":..}]}, several
 * joined by "; ". NULL when the body is not such a document. ret_kind (optional) gets the
 * category of the first code. */
char *registry_error_body_describe(const char *body, size_t len, enum sk_error_kind *ret_kind);
/* The SYSTEM error for a failed transfer ("connection refused", "tls: ..."). */
int registry_transport_error(CURLcode code, long os_errno, const char *errbuf, const char *what,
			     struct sk_error **err);

/* ref resolved against base (both URLs or base + path). Allocated; NULL if unparsable. */
char *registry_url_resolve(const char *base, const char *ref);
/* url with "key=value" appended to its query, value percent-encoded. Allocated. */
char *registry_url_add_query(const char *url, const char *key, const char *value);
/* Same scheme, host and port. */
bool registry_url_same_origin(const char *a, const char *b);

/* Names the caller passed in: INVALID unless a valid repository path / tag or digest. */
int registry_repo_check(const char *repo, struct sk_error **err);
int registry_ref_check(const char *ref, struct sk_error **err);

/* auth.c: the Authorization header value for a request (NULL: none); *ret_basic tells that it
 * carries basic credentials. May fetch a bearer token. */
int registry_auth_header(struct registry_client *c, const char *repo, char *const *scopes,
			 const char *extra_scope, char **ret, bool *ret_basic,
			 struct sk_error **err);
/* Drop the cached token for these scopes (a 401 said it is no good). */
void registry_auth_forget(struct registry_client *c, char *const *scopes, const char *extra);
/* Credentials for repo (borrowed, NULL when none): explicit, else auth.json. */
int registry_auth_creds(struct registry_client *c, const char *repo, const char **ret_user,
			const char **ret_pass, struct sk_error **err);
void registry_auth_cache_free(struct registry_client *c);
