/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry authentication: WWW-Authenticate challenges, bearer tokens (docker token auth spec:
 * GET realm?service=&scope=, cached per scope until they expire) and basic credentials.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum registry_auth_scheme {
	REGISTRY_AUTH_NONE,
	REGISTRY_AUTH_BASIC,
	REGISTRY_AUTH_BEARER,
	_REGISTRY_AUTH_MAX,
	_REGISTRY_AUTH_INVALID = -22,
};

const char *registry_auth_scheme_to_string(enum registry_auth_scheme s);
/* Case-insensitive ("Bearer" as in a challenge); _REGISTRY_AUTH_INVALID when unknown. */
enum registry_auth_scheme registry_auth_scheme_from_string(const char *s);

struct registry_challenge {
	enum registry_auth_scheme scheme;
	char *realm;   /* bearer: the token endpoint; basic: the realm's name */
	char *service; /* bearer only */
	char *scope;   /* bearer only: the scope the registry asked for, if any */
	char *error;   /* bearer only: e.g. "insufficient_scope", "invalid_token" */
};

/* Parse one WWW-Authenticate value: `Bearer realm="https://a/token",service="b",scope="c"` or
 * `Basic realm="x"`. Parameter values may be quoted (with \-escapes and commas inside) or bare
 * tokens; names are case-insensitive. When the header carries several challenges the first
 * Bearer one is taken, else the first Basic one. An unknown scheme or a bearer challenge
 * without a realm is INVALID. */
int registry_challenge_parse(const char *header, struct registry_challenge *ret,
			     struct sk_error **err);
void registry_challenge_release(struct registry_challenge *ch);

/* The token of a token endpoint's JSON answer ("token", else "access_token") and its lifetime
 * in seconds ("expires_in", at least 60 as the spec says). REGISTRY when there is none. */
int registry_token_parse(const char *body, size_t len, char **ret_token, int64_t *ret_expires_in,
			 struct sk_error **err);

/* Split --creds "user:password". Without a ':' *ret_pass is set to NULL: the caller asks for the
 * password. INVALID when the user is empty. */
int registry_creds_parse(const char *creds, char **ret_user, char **ret_pass,
			 struct sk_error **err);
