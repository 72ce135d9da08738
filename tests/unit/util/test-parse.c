/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "util/parse.h"

static void test_parse_size_units(void **state)
{
	uint64_t v;
	assert_int_equal(parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(parse_size("10k", &v), 0);
	assert_int_equal(v, 10240);
	assert_int_equal(parse_size("64m", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("1.5g", &v), 0);
	assert_int_equal(v, 3ULL << 29);
}

static void test_parse_size_rejects_garbage(void **state)
{
	uint64_t v;
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("12q", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("1mx", &v), -EINVAL);
}

static void test_parse_duration_go_syntax(void **state)
{
	int64_t ns;
	assert_int_equal(parse_duration_ns("30s", &ns), 0);
	assert_int_equal(ns, 30000000000LL);
	assert_int_equal(parse_duration_ns("1m30s", &ns), 0);
	assert_int_equal(ns, 90000000000LL);
	assert_int_equal(parse_duration_ns("300ms", &ns), 0);
	assert_int_equal(ns, 300000000LL);
	assert_int_equal(parse_duration_ns("10", &ns), 0);
	assert_int_equal(ns, 10000000000LL);
	assert_int_equal(parse_duration_ns("1x", &ns), -EINVAL);
}

static void test_parse_int_range(void **state)
{
	int v;
	assert_int_equal(parse_int("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int("99999999999", &v), -ERANGE);
	assert_int_equal(parse_int("4x", &v), -EINVAL);
	bool b;
	assert_int_equal(parse_bool("TRUE", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("maybe", &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_units),
		cmocka_unit_test(test_parse_size_rejects_garbage),
		cmocka_unit_test(test_parse_duration_go_syntax),
		cmocka_unit_test(test_parse_int_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
