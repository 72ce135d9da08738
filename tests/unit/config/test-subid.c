/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/subid.h"
#include "util/macro.h"

static void by_name_and_by_uid(void **state)
{
	(void)state;
	const char *text = "# comment\n"
			   "alice:100000:65536\n"
			   "bob:165536:65536\n"
			   "1001:300000:1000\n"
			   "alice:500000:10\n";
	struct config_subid_range *r = NULL;
	size_t n = config_subid_parse(text, "alice", 1001, &r);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 100000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].start, 300000);
	assert_int_equal(r[2].start, 500000);
	assert_int_equal(config_subid_total(r, n), 65536 + 1000 + 10);
	free(r);
}

static void no_match_is_no_ranges(void **state)
{
	(void)state;
	struct config_subid_range *r = (void *)1;
	assert_int_equal(config_subid_parse("bob:1:2\n", "alice", 1000, &r), 0);
	assert_null(r);
	assert_int_equal(config_subid_parse("", "alice", 1000, &r), 0);
	assert_int_equal(config_subid_read("/nonexistent/subuid", "alice", 1000, &r), 0);
	assert_null(r);
}

static void malformed_lines_are_skipped(void **state)
{
	(void)state;
	const char *text = "alice:100000\n"	   /* no count */
			   "alice:x:10\n"	   /* not a number */
			   "alice:10:0\n"	   /* empty */
			   "alice:4294967295:2\n"  /* past the last ID */
			   "alice:99999999999:1\n" /* too big */
			   "alicia:1:1\n"	   /* a prefix is not the name */
			   "ali:2:1\n"		   /* nor the other way */
			   "alice:-5:10\n"	   /* negative */
			   "alice:200000:65536";   /* the last line without a newline counts */
	struct config_subid_range *r = NULL;
	size_t n = config_subid_parse(text, "alice", 1000, &r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 200000);
	assert_int_equal(r[0].count, 65536);
	free(r);
}

static void numeric_owner_does_not_match_other_uid(void **state)
{
	(void)state;
	struct config_subid_range *r = NULL;
	assert_int_equal(config_subid_parse("1002:1:5\n", NULL, 1001, &r), 0);
	assert_int_equal(config_subid_parse("1001:1:5\n", NULL, 1001, &r), 1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_name_and_by_uid),
		cmocka_unit_test(no_match_is_no_ranges),
		cmocka_unit_test(malformed_lines_are_skipped),
		cmocka_unit_test(numeric_owner_does_not_match_other_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
