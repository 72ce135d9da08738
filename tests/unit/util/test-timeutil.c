/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "util/macro.h"
#include "util/timeutil.h"

#define SEC 1000000000LL

static void test_time_format_rfc3339nano_trims(void **state)
{
	_cleanup_free_ char *a = time_format_rfc3339nano(0);
	assert_string_equal(a, "1970-01-01T00:00:00Z");
	_cleanup_free_ char *b = time_format_rfc3339nano(1 * SEC + 500000000LL);
	assert_string_equal(b, "1970-01-01T00:00:01.5Z");
}

static void test_time_parse_rfc3339_roundtrip(void **state)
{
	int64_t ns;
	assert_int_equal(time_parse_rfc3339("2026-11-22T22:48:01.123456789Z", &ns), 0);
	_cleanup_free_ char *s = time_format_rfc3339nano(ns);
	assert_string_equal(s, "2026-11-22T22:48:01.123456789Z");
	int64_t off;
	assert_int_equal(time_parse_rfc3339("2026-11-22T23:48:01.123456789+01:00", &off), 0);
	assert_int_equal(off, ns);
	assert_int_equal(time_parse_rfc3339("2026-13-01T00:00:00Z", &ns), -EINVAL);
	assert_int_equal(time_parse_rfc3339("yesterday", &ns), -EINVAL);
	/* Go's zero time does not fit nanoseconds in an int64 */
	assert_int_equal(time_parse_rfc3339("0001-01-01T00:00:00Z", &ns), -ERANGE);
	assert_int_equal(time_parse_rfc3339("2300-01-01T00:00:00Z", &ns), -ERANGE);
}

static void test_time_human_ago_buckets(void **state)
{
	struct {
		int64_t d;
		const char *want;
	} cases[] = {
		{ 0, "Less than a second ago" },     { 5 * SEC, "5 seconds ago" },
		{ 61 * SEC, "About a minute ago" },  { 10 * 60 * SEC, "10 minutes ago" },
		{ 3600 * SEC, "About an hour ago" }, { 5 * 3600 * SEC, "5 hours ago" },
		{ 3 * 86400 * SEC, "3 days ago" },   { 20 * 86400 * SEC, "2 weeks ago" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		_cleanup_free_ char *s = time_human_ago(100000 * SEC, 100000 * SEC + cases[i].d);
		assert_string_equal(s, cases[i].want);
	}
}

static void test_size_human_decimal(void **state)
{
	_cleanup_free_ char *a = size_human(999);
	assert_string_equal(a, "999 B");
	_cleanup_free_ char *b = size_human(4861234);
	assert_string_equal(b, "4.86 MB");
	_cleanup_free_ char *c = size_human(1000);
	assert_string_equal(c, "1 kB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format_rfc3339nano_trims),
		cmocka_unit_test(test_time_parse_rfc3339_roundtrip),
		cmocka_unit_test(test_time_human_ago_buckets),
		cmocka_unit_test(test_size_human_decimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
