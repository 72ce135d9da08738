/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "image/lookup.h"
#include "image/names.h"
#include "util/macro.h"

static void test_image_name_matches_short_and_full(void **state)
{
	const char *stored = "docker.io/library/busybox:latest";
	assert_true(image_name_matches(stored, "busybox"));
	assert_true(image_name_matches(stored, "busybox:latest"));
	assert_true(image_name_matches(stored, "library/busybox"));
	assert_true(image_name_matches(stored, "docker.io/busybox"));
	assert_true(image_name_matches(stored, "docker.io/library/busybox:latest"));
	assert_false(image_name_matches(stored, "busybox:1.36"));
	assert_false(image_name_matches(stored, "box"));
	assert_false(image_name_matches(stored, "quay.io/busybox"));
	assert_true(image_name_matches("127.0.0.1:5000/a/b:v1", "a/b:v1"));
	assert_true(image_name_matches("127.0.0.1:5000/a/b:v1", "b:v1"));
	assert_false(image_name_matches("127.0.0.1:5000/a/b:v1", "a/b"));
}

static void test_image_name_for_tag_defaults(void **state)
{
	char *n = NULL;
	assert_int_equal(image_name_for_tag("foo", &n, NULL), 0);
	assert_string_equal(n, "localhost/foo:latest");
	free(n);
	assert_int_equal(image_name_for_tag("me/foo:1", &n, NULL), 0);
	assert_string_equal(n, "localhost/me/foo:1");
	free(n);
	assert_int_equal(image_name_for_tag("127.0.0.1:5000/x", &n, NULL), 0);
	assert_string_equal(n, "127.0.0.1:5000/x:latest");
	free(n);
	struct sk_error *err = NULL;
	assert_true(image_name_for_tag("Bad/Name", &n, &err) < 0);
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_name_matches_short_and_full),
		cmocka_unit_test(test_image_name_for_tag_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
