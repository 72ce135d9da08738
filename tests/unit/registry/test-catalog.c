/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "registry/catalog.h"

static void assert_next(const char *link, const char *want)
{
	_cleanup_free_ char *got = registry_link_next(link);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_registry_link_next_distribution(void **state)
{
	assert_next("</v2/_catalog?last=b&n=2>; rel=\"next\"", "/v2/_catalog?last=b&n=2");
	assert_next("</v2/x/tags/list?last=v1&n=1>; rel=\"next\"", "/v2/x/tags/list?last=v1&n=1");
}

static void test_registry_link_next_several_links(void **state)
{
	assert_next("<https://r/v2/_catalog?last=a>; rel=\"prev\", "
		    "<https://r/v2/_catalog?last=c,d>; rel=\"next\"",
		    "https://r/v2/_catalog?last=c,d");
	assert_next("<a>; title=\"x, rel=next\"; rel=prev, <b>; REL = next", "b");
	assert_next("<a>; rel=\"prev next\"", "a");
	assert_next("<a>;rel=next;type=\"text/html\"", "a");
}

static void test_registry_link_next_none(void **state)
{
	assert_next(NULL, NULL);
	assert_next("", NULL);
	assert_next("<a>; rel=\"prev\"", NULL);
	assert_next("<a>; rel=\"nextpage\"", NULL);
	assert_next("no brackets; rel=next", NULL);
	assert_next("<unterminated; rel=next", NULL);
	assert_next("<>; rel=next", NULL);
	assert_next("<a>; rel", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_link_next_distribution),
		cmocka_unit_test(test_registry_link_next_several_links),
		cmocka_unit_test(test_registry_link_next_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
