/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "registry/request.h"

static void assert_resolve(const char *base, const char *ref, const char *want)
{
	_cleanup_free_ char *got = registry_url_resolve(base, ref);
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_registry_url_resolve_forms(void **state)
{
	assert_resolve("https://r:5000", "/v2/", "https://r:5000/v2/");
	assert_resolve("http://127.0.0.1:5000", "/v2/x/blobs/uploads/",
		       "http://127.0.0.1:5000/v2/x/blobs/uploads/");
	assert_resolve("http://r/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/u1?_state=abc",
		       "http://r/v2/x/blobs/uploads/u1?_state=abc");
	assert_resolve("http://r/v2/x/blobs/uploads/", "u2", "http://r/v2/x/blobs/uploads/u2");
	assert_resolve("http://r/v2/", "https://other:1/up", "https://other:1/up");
	assert_resolve("http://r/v2/_catalog?n=2", "/v2/_catalog?last=b&n=2",
		       "http://r/v2/_catalog?last=b&n=2");
}

static void test_registry_url_add_query_encodes(void **state)
{
	_cleanup_free_ char *a =
		registry_url_add_query("http://r/token", "scope", "repository:a/b:pull,push");
	assert_non_null(a);
	assert_non_null(strstr(a, "http://r/token?scope="));
	_cleanup_free_ char *b = registry_url_add_query(a, "service", "my service&x=1");
	assert_non_null(b);
	assert_null(strstr(b, "&x=1"));
	assert_non_null(strstr(b, "&service=my"));
	_cleanup_free_ char *c =
		registry_url_add_query("http://r/up/u1?_state=s", "digest", "sha256:00");
	assert_string_equal(c, "http://r/up/u1?_state=s&digest=sha256%3a00");
}

static void test_registry_url_same_origin_ports(void **state)
{
	assert_true(registry_url_same_origin("https://r/v2/", "https://R:443/x"));
	assert_true(registry_url_same_origin("http://127.0.0.1:5000/a", "http://127.0.0.1:5000"));
	assert_false(registry_url_same_origin("http://r:5000/", "https://r:5000/"));
	assert_false(registry_url_same_origin("http://r:5000/", "http://r:5001/"));
	assert_false(registry_url_same_origin("http://r/", "http://s3.example/"));
	assert_false(registry_url_same_origin("not a url", "http://r/"));
}

static void test_registry_repo_check_names(void **state)
{
	const char *good[] = { "x",   "library/alpine", "a/b/c", "my-app", "my_app",
			       "a.b", "a__b",		"0/1" };
	const char *bad[] = { "",   "/x",     "x/",  "a//b", "Upper", "-a",  "a-",
			      "..", "a/../b", "a b", "a?b",  "a%2f",  "a/.b" };
	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		assert_int_equal(registry_repo_check(good[i], NULL), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_error_ struct sk_error *err = NULL;
		assert_true(registry_repo_check(bad[i], &err) < 0);
		assert_int_equal(err->kind, SK_ERR_INVALID);
	}
	assert_true(registry_repo_check(NULL, NULL) < 0);
}

static void test_registry_ref_check_tags_and_digests(void **state)
{
	const char *good[] = {
		"latest", "v1.2.3", "_x", "A-b_c.d",
		"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	};
	const char *bad[] = { "", ".x", "-x", "a/b", "a b", "sha256:abc", "md5:00", "a:b" };
	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		assert_int_equal(registry_ref_check(good[i], NULL), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_true(registry_ref_check(bad[i], NULL) < 0);
	char long_tag[130];
	memset(long_tag, 'a', 129);
	long_tag[129] = '\0';
	assert_true(registry_ref_check(long_tag, NULL) < 0);
	long_tag[128] = '\0';
	assert_int_equal(registry_ref_check(long_tag, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_url_resolve_forms),
		cmocka_unit_test(test_registry_url_add_query_encodes),
		cmocka_unit_test(test_registry_url_same_origin_ports),
		cmocka_unit_test(test_registry_repo_check_names),
		cmocka_unit_test(test_registry_ref_check_tags_and_digests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
