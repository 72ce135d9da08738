/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util/strv.h"

static void test_strv_split_skip_empty(void **state)
{
	_cleanup_strv_free_ char **v = strv_split("a,,b,c,", ",", true);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[2], "c");
}

static void test_strv_split_keep_empty(void **state)
{
	_cleanup_strv_free_ char **v = strv_split("a,,b", ",", false);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[1], "");
}

static void test_strv_join_and_find(void **state)
{
	_cleanup_strv_free_ char **v = strv_new("x", "y", "z", NULL);
	_cleanup_free_ char *j = strv_join(v, ", ");
	assert_string_equal(j, "x, y, z");
	assert_int_equal(strv_find(v, "z"), 2);
	assert_int_equal(strv_find(v, "q"), -1);
}

static void test_strv_uniq_remove_sort(void **state)
{
	_cleanup_strv_free_ char **v = strv_new("b", "a", "b", "c", "a", NULL);
	strv_uniq(v);
	assert_int_equal(strv_length(v), 3);
	assert_int_equal(strv_remove(v, "a"), 1);
	strv_sort(v);
	assert_string_equal(v[0], "b");
	assert_string_equal(v[1], "c");
	assert_null(v[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strv_split_skip_empty),
		cmocka_unit_test(test_strv_split_keep_empty),
		cmocka_unit_test(test_strv_join_and_find),
		cmocka_unit_test(test_strv_uniq_remove_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
