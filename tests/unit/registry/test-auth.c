/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>

#include "registry/auth.h"

static void test_registry_challenge_parse_bearer(void **state)
{
	struct registry_challenge ch = { 0 };
	assert_int_equal(
		registry_challenge_parse(
			"Bearer realm=\"https://auth.docker.io/token\","
			"service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"",
			&ch, NULL),
		0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BEARER);
	assert_string_equal(ch.realm, "https://auth.docker.io/token");
	assert_string_equal(ch.service, "registry.docker.io");
	assert_string_equal(ch.scope, "repository:library/alpine:pull");
	assert_null(ch.error);
	registry_challenge_release(&ch);
}

static void test_registry_challenge_parse_quoted_commas(void **state)
{
	struct registry_challenge ch = { 0 };
	assert_int_equal(registry_challenge_parse(
				 "bearer  REALM = \"http://127.0.0.1:9/token?a=1,b=2\" , "
				 "scope=\"repository:x/y:pull,push\", error=\"insufficient_scope\"",
				 &ch, NULL),
			 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BEARER);
	assert_string_equal(ch.realm, "http://127.0.0.1:9/token?a=1,b=2");
	assert_string_equal(ch.scope, "repository:x/y:pull,push");
	assert_string_equal(ch.error, "insufficient_scope");
	assert_null(ch.service);
	registry_challenge_release(&ch);
}

static void test_registry_challenge_parse_bare_and_escaped_values(void **state)
{
	struct registry_challenge ch = { 0 };
	assert_int_equal(registry_challenge_parse("Bearer realm=https://r/t,service=svc,"
						  "scope=\"a\\\"b\"",
						  &ch, NULL),
			 0);
	assert_string_equal(ch.realm, "https://r/t");
	assert_string_equal(ch.service, "svc");
	assert_string_equal(ch.scope, "a\"b");
	registry_challenge_release(&ch);
}

static void test_registry_challenge_parse_basic(void **state)
{
	struct registry_challenge ch = { 0 };
	assert_int_equal(registry_challenge_parse("Basic realm=\"Registry Realm\"", &ch, NULL), 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BASIC);
	assert_string_equal(ch.realm, "Registry Realm");
	registry_challenge_release(&ch);
	assert_int_equal(registry_challenge_parse("BASIC", &ch, NULL), 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BASIC);
	assert_null(ch.realm);
	registry_challenge_release(&ch);
}

static void test_registry_challenge_parse_several_prefers_bearer(void **state)
{
	struct registry_challenge ch = { 0 };
	assert_int_equal(registry_challenge_parse("Basic realm=\"b, c\", Negotiate abc==, "
						  "Bearer realm=\"https://t/x\",service=\"s\"",
						  &ch, NULL),
			 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BEARER);
	assert_string_equal(ch.realm, "https://t/x");
	assert_string_equal(ch.service, "s");
	registry_challenge_release(&ch);
	assert_int_equal(registry_challenge_parse("Negotiate, Basic realm=x", &ch, NULL), 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_BASIC);
	assert_string_equal(ch.realm, "x");
	registry_challenge_release(&ch);
}

static void test_registry_challenge_parse_rejects(void **state)
{
	struct registry_challenge ch = { 0 };
	_cleanup_error_ struct sk_error *e1 = NULL, *e2 = NULL;
	assert_true(registry_challenge_parse("Bearer service=\"x\"", &ch, &e1) < 0);
	assert_non_null(strstr(e1->msg, "without a realm"));
	assert_true(registry_challenge_parse("Digest realm=\"x\", nonce=\"y\"", &ch, &e2) < 0);
	assert_int_equal(e2->kind, SK_ERR_REGISTRY);
	assert_true(registry_challenge_parse("", &ch, NULL) < 0);
	assert_true(registry_challenge_parse("=\",,==\"", &ch, NULL) < 0);
	assert_true(registry_challenge_parse(NULL, &ch, NULL) < 0);
	assert_int_equal(ch.scheme, REGISTRY_AUTH_NONE);
}

static void test_registry_token_parse_fields(void **state)
{
	char *tok = NULL;
	int64_t exp = 0;
	const char *b1 = "{\"token\":\"abc\",\"access_token\":\"zzz\",\"expires_in\":300}";
	assert_int_equal(registry_token_parse(b1, strlen(b1), &tok, &exp, NULL), 0);
	assert_string_equal(tok, "abc");
	assert_int_equal(exp, 300);
	free(tok);
	const char *b2 = "{\"access_token\":\"oauth\",\"expires_in\":5}";
	assert_int_equal(registry_token_parse(b2, strlen(b2), &tok, &exp, NULL), 0);
	assert_string_equal(tok, "oauth");
	assert_int_equal(exp, 60);
	free(tok);
	const char *b3 = "{\"token\":\"\",\"access_token\":\"second\"}";
	assert_int_equal(registry_token_parse(b3, strlen(b3), &tok, &exp, NULL), 0);
	assert_string_equal(tok, "second");
	assert_int_equal(exp, 60);
	free(tok);
}

static void test_registry_token_parse_rejects(void **state)
{
	char *tok = NULL;
	int64_t exp = 0;
	_cleanup_error_ struct sk_error *e1 = NULL, *e2 = NULL;
	const char *b1 = "{\"expires_in\":60}";
	assert_true(registry_token_parse(b1, strlen(b1), &tok, &exp, &e1) < 0);
	assert_int_equal(e1->kind, SK_ERR_REGISTRY);
	assert_string_equal(e1->msg, "invalid token response: no token");
	assert_true(registry_token_parse("<html>", 6, &tok, &exp, &e2) < 0);
	assert_non_null(strstr(e2->msg, "invalid token response"));
	assert_true(registry_token_parse("[]", 2, &tok, &exp, NULL) < 0);
	assert_null(tok);
}

static void test_registry_creds_parse_forms(void **state)
{
	_cleanup_free_ char *u = NULL, *p = NULL, *u2 = NULL, *p2 = NULL;
	assert_int_equal(registry_creds_parse("user:pa:ss", &u, &p, NULL), 0);
	assert_string_equal(u, "user");
	assert_string_equal(p, "pa:ss");
	assert_int_equal(registry_creds_parse("alone", &u2, &p2, NULL), 0);
	assert_string_equal(u2, "alone");
	assert_null(p2);
	char *x = NULL, *y = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(registry_creds_parse(":pass", &x, &y, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_null(x);
}

static void test_registry_auth_scheme_to_string_round_trip(void **state)
{
	assert_string_equal(registry_auth_scheme_to_string(REGISTRY_AUTH_NONE), "none");
	assert_string_equal(registry_auth_scheme_to_string(REGISTRY_AUTH_BASIC), "basic");
	assert_string_equal(registry_auth_scheme_to_string(REGISTRY_AUTH_BEARER), "bearer");
	assert_null(registry_auth_scheme_to_string(_REGISTRY_AUTH_MAX));
	assert_int_equal(registry_auth_scheme_from_string("Bearer"), REGISTRY_AUTH_BEARER);
	assert_int_equal(registry_auth_scheme_from_string("basic"), REGISTRY_AUTH_BASIC);
	assert_int_equal(registry_auth_scheme_from_string("Digest"), _REGISTRY_AUTH_INVALID);
	assert_int_equal(registry_auth_scheme_from_string(NULL), _REGISTRY_AUTH_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_challenge_parse_bearer),
		cmocka_unit_test(test_registry_challenge_parse_quoted_commas),
		cmocka_unit_test(test_registry_challenge_parse_bare_and_escaped_values),
		cmocka_unit_test(test_registry_challenge_parse_basic),
		cmocka_unit_test(test_registry_challenge_parse_several_prefers_bearer),
		cmocka_unit_test(test_registry_challenge_parse_rejects),
		cmocka_unit_test(test_registry_token_parse_fields),
		cmocka_unit_test(test_registry_token_parse_rejects),
		cmocka_unit_test(test_registry_creds_parse_forms),
		cmocka_unit_test(test_registry_auth_scheme_to_string_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
