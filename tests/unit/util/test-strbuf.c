/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util/strbuf.h"

static void test_strbuf_addf_grows(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(strncmp(sb.buf, "0,1,2,", 6) == 0);
	assert_true(strstr(sb.buf, "999,") != NULL);
}

static void test_strbuf_detach_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s = strbuf_detach(&sb, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_strbuf_json_escape(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_escaped(&sb, "a\"b\\c\n\x01");
	assert_string_equal(sb.buf, "a\\\"b\\\\c\\n\\u0001");
}

static void test_strbuf_rtrim_and_setlen(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "hello \n\t");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "hello");
	strbuf_setlen(&sb, 2);
	assert_string_equal(sb.buf, "he");
	strbuf_addchars(&sb, 'x', 3);
	assert_string_equal(strbuf_str(&sb), "hexxx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_addf_grows),
		cmocka_unit_test(test_strbuf_detach_empty),
		cmocka_unit_test(test_strbuf_json_escape),
		cmocka_unit_test(test_strbuf_rtrim_and_setlen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
