/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A client of one registry (distribution-spec v2) over libcurl.
 *
 * HTTPS with verification by default. An insecure registry (registries.conf insecure=true or
 * --tls-verify=false) is tried over HTTPS without verification, then over plain HTTP, as podman
 * does. The scheme and the registry's authentication challenge are found by a first GET /v2/,
 * made lazily by the first operation. Credentials come from the options (--creds), else from
 * auth.json (config/auth-file.h) for "registry/repo".
 *
 * Errors: NOTFOUND (404, unknown manifest/blob/repository), AUTH (401/403, bad credentials),
 * REGISTRY (any other protocol error; the registry's JSON error body becomes the message),
 * SYSTEM (connection refused, TLS, timeouts), CORRUPT (digest or size mismatch), INVALID (a bad
 * repository name, tag or digest given by the caller).
 *
 * A client is not thread-safe; use one per thread.
 */
#pragma once

#include <stdbool.h>

#include "util/error.h"

struct registry_client;

struct registry_opts {
	bool insecure; /* HTTPS without verification, falling back to HTTP */
	const char
		*cert_dir; /* CA files (.crt), client pairs (.cert + .key); NULL: the default dir */
	const char *creds; /* "user[:pass]" as --creds gives it; wins over username/password */
	const char *username; /* explicit credentials; NULL: auth.json */
	const char *password;
	const char *authfile; /* --authfile; NULL: the default search (config/auth-file.h) */
};

/* registry is "host[:port]" as written in an image reference ("docker.io" is served by
 * registry-1.docker.io). Nothing is sent until the first operation. */
int registry_client_new(const char *registry, const struct registry_opts *opts,
			struct registry_client **ret, struct sk_error **err);
void registry_client_free(struct registry_client *c);
DEFINE_CLEANUP_FUNC(struct registry_client *, registry_client_free)
#define _cleanup_registry_client_ _cleanup_(registry_client_freep)

/* The registry as given to registry_client_new(). */
const char *registry_client_name(const struct registry_client *c);
/* "https" or "http" once the registry answered, else NULL. */
const char *registry_client_scheme(const struct registry_client *c);

/* GET /v2/ with the credentials, as `login` does: 0 when the registry accepts them (or needs
 * none). Bad credentials are AUTH `authenticating to "HOST": invalid username/password`; no
 * credentials where some are needed are AUTH `... unauthorized: authentication required`. */
int registry_ping(struct registry_client *c, struct sk_error **err);

/* The certificate directory podman would use for registry: the first that exists of
 * ~/.config/containers/certs.d/<registry> (not for root), /etc/containers/certs.d/<registry>,
 * /etc/docker/certs.d/<registry>. NULL when none exists. Allocated. */
char *registry_cert_dir_default(const char *registry);
