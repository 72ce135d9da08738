/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "registry/request.h"
#include "util/xalloc.h"

static char *describe(const char *body, enum sk_error_kind *kind)
{
	return registry_error_body_describe(body, strlen(body), kind);
}

static void test_registry_error_body_describe_single(void **state)
{
	enum sk_error_kind kind = _SK_ERR_INVALID;
	_cleanup_free_ char *d = describe("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\","
					  "\"message\":\"manifest unknown\","
					  "\"detail\":{\"Tag\":\"nope\"}}]}",
					  &kind);
	assert_string_equal(d, "manifest unknown");
	assert_int_equal(kind, SK_ERR_NOTFOUND);
	_cleanup_free_ char *n =
		describe("{\"errors\":[{\"code\":\"NAME_UNKNOWN\","
			 "\"message\":\"repository name not known to registry\"}]}",
			 &kind);
	assert_string_equal(n, "name unknown: repository name not known to registry");
	assert_int_equal(kind, SK_ERR_NOTFOUND);
}

static void test_registry_error_body_describe_several(void **state)
{
	enum sk_error_kind kind = _SK_ERR_INVALID;
	_cleanup_free_ char *d = describe(
		"{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"},"
		"{\"code\":\"DENIED\"},{\"message\":\"no code\"}]}",
		&kind);
	assert_string_equal(d, "unauthorized: authentication required; denied; unknown: no code");
	assert_int_equal(kind, SK_ERR_AUTH);
	_cleanup_free_ char *c = describe("{\"errors\":[{\"code\":\"DIGEST_INVALID\","
					  "\"message\":\"provided digest did not match\"}]}",
					  &kind);
	assert_int_equal(kind, SK_ERR_CORRUPT);
	_cleanup_free_ char *r = describe("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}", &kind);
	assert_string_equal(r, "toomanyrequests");
	assert_int_equal(kind, SK_ERR_REGISTRY);
}

static void test_registry_error_body_describe_not_an_error_body(void **state)
{
	assert_null(describe("", NULL));
	assert_null(describe("<html>502 Bad Gateway</html>", NULL));
	assert_null(describe("{\"errors\":[]}", NULL));
	assert_null(describe("{\"errors\":{}}", NULL));
	assert_null(describe("[1,2]", NULL));
	assert_null(registry_error_body_describe(NULL, 0, NULL));
}

static void test_registry_error_body_describe_sanitizes(void **state)
{
	_cleanup_free_ char *d =
		describe("{\"errors\":[{\"code\":\"X\",\"message\":\"a\\nb\\u001b[31m\"}]}", NULL);
	assert_string_equal(d, "x: a b [31m");
	_cleanup_free_ char *big = xmalloc(3000);
	memset(big, 'a', 2999);
	big[2999] = '\0';
	_cleanup_free_ char *body =
		xasprintf("{\"errors\":[{\"code\":\"X\",\"message\":\"%s\"}]}", big);
	_cleanup_free_ char *t = describe(body, NULL);
	assert_true(strlen(t) < 600);
	assert_non_null(strstr(t, "..."));
}

static struct registry_response response(long status, const char *reason, const char *body)
{
	struct registry_response r = { .status = status, .content_length = -1 };
	r.reason = xstrdup(reason);
	strbuf_addstr(&r.body, body);
	return r;
}

static void test_registry_response_error_categories(void **state)
{
	struct {
		long status;
		const char *reason, *body, *notfound, *msg;
		enum sk_error_kind kind;
		int errnum;
	} cases[] = {
		{ 404, "Not Found", "", "manifest unknown", "w: manifest unknown", SK_ERR_NOTFOUND,
		  ENOENT },
		{ 404, "Not Found", "", NULL, "w: not found", SK_ERR_NOTFOUND, ENOENT },
		{ 401, "Unauthorized",
		  "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication "
		  "required\"}]}",
		  NULL, "w: unauthorized: authentication required", SK_ERR_AUTH, EACCES },
		{ 403, "Forbidden", "", NULL,
		  "w: denied: requested access to the resource is denied", SK_ERR_AUTH, EACCES },
		{ 500, "Internal Server Error", "oops", NULL,
		  "w: received unexpected HTTP status: 500 Internal Server Error", SK_ERR_REGISTRY,
		  EPROTO },
		{ 400, "Bad Request",
		  "{\"errors\":[{\"code\":\"SIZE_INVALID\",\"message\":\"bad size\"}]}", NULL,
		  "w: size invalid: bad size", SK_ERR_CORRUPT, EBADMSG },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct registry_response r =
			response(cases[i].status, cases[i].reason, cases[i].body);
		_cleanup_error_ struct sk_error *err = NULL;
		int ret = registry_response_error(&r, "w", cases[i].notfound, &err);
		assert_int_equal(ret, -cases[i].errnum);
		assert_int_equal(err->kind, cases[i].kind);
		assert_string_equal(err->msg, cases[i].msg);
		registry_response_release(&r);
	}
}

static void test_registry_response_error_without_context(void **state)
{
	struct registry_response r = response(502, "Bad Gateway", "");
	_cleanup_error_ struct sk_error *err = NULL;
	registry_response_error(&r, NULL, NULL, &err);
	assert_string_equal(err->msg, "received unexpected HTTP status: 502 Bad Gateway");
	registry_response_release(&r);
}

static void test_registry_transport_error_messages(void **state)
{
	_cleanup_error_ struct sk_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	assert_int_equal(registry_transport_error(CURLE_COULDNT_CONNECT, ECONNREFUSED,
						  "Failed to connect", "pinging", &e1),
			 -ECONNREFUSED);
	assert_string_equal(e1->msg, "pinging: connection refused");
	assert_int_equal(e1->kind, SK_ERR_SYSTEM);
	registry_transport_error(CURLE_SSL_CONNECT_ERROR, 0,
				 "error:0A00010B:SSL routines::wrong version number", "x", &e2);
	assert_string_equal(e2->msg, "x: http: server gave HTTP response to HTTPS client");
	registry_transport_error(CURLE_PEER_FAILED_VERIFICATION, 0,
				 "SSL certificate problem: self-signed certificate", NULL, &e3);
	assert_string_equal(e3->msg, "tls: SSL certificate problem: self-signed certificate");
	registry_transport_error(CURLE_OPERATION_TIMEDOUT, 0, "", "y", &e4);
	assert_string_equal(e4->msg, "y: timed out");
	assert_int_equal(e4->errnum, ETIMEDOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_error_body_describe_single),
		cmocka_unit_test(test_registry_error_body_describe_several),
		cmocka_unit_test(test_registry_error_body_describe_not_an_error_body),
		cmocka_unit_test(test_registry_error_body_describe_sanitizes),
		cmocka_unit_test(test_registry_response_error_categories),
		cmocka_unit_test(test_registry_response_error_without_context),
		cmocka_unit_test(test_registry_transport_error_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
