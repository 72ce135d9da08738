/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "util/idmap.h"
#include "util/strv.h"

static void test_idmap_range_parse_valid(void **state)
{
	(void)state;
	struct idmap_range r;
	assert_int_equal(idmap_range_parse("0:100000:65536", &r), 0);
	assert_int_equal(r.container, 0);
	assert_int_equal(r.host, 100000);
	assert_int_equal(r.size, 65536);
	assert_int_equal(idmap_range_parse("4294967295:0:4294967295", &r), 0);
	assert_int_equal(r.container, 4294967295u);
	assert_int_equal(r.size, 4294967295u);
	char *s = idmap_range_format(&(struct idmap_range){ 1, 2, 3 });
	assert_string_equal(s, "1:2:3");
	free(s);
}

static void test_idmap_range_parse_invalid(void **state)
{
	(void)state;
	struct idmap_range r = { 7, 7, 7 };
	const char *bad[] = { "",	 "0:1",	   "0:1:",	     ":1:2",   "a:1:2",	 "-1:1:10",
			      "0:1:2:3", "0:1:2x", "4294967296:0:1", "0:+1:2", " 0:1:2", NULL };
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(idmap_range_parse(bad[i], &r), -EINVAL);
	assert_int_equal(idmap_range_parse(NULL, &r), -EINVAL);
	assert_int_equal(r.container, 7);
}

static void test_idmap_parse_all_and_format(void **state)
{
	(void)state;
	char *in[] = { "0:1:1001", "1001:0:1", "1002:1002:64535", NULL };
	struct idmap_range *v = NULL;
	size_t n = 0;
	assert_int_equal(idmap_parse_all(in, &v, &n), 0);
	assert_int_equal(n, 3);
	char **out = idmap_format_all(v, n);
	assert_int_equal(strv_length(out), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(out[i], in[i]);
	strv_free(out);
	free(v);
	char *bad[] = { "0:1:1", "nope", NULL };
	v = NULL;
	assert_int_equal(idmap_parse_all(bad, &v, &n), -EINVAL);
	assert_null(v);
}

static void test_idmap_to_host_and_back(void **state)
{
	(void)state;
	/* keep-id for uid 1001 in a namespace of 65537 IDs */
	const struct idmap_range v[] = { { 0, 1, 1001 }, { 1001, 0, 1 }, { 1002, 1002, 64535 } };
	uint32_t h, c;
	assert_true(idmap_to_host(v, 3, 0, &h));
	assert_int_equal(h, 1);
	assert_true(idmap_to_host(v, 3, 1000, &h));
	assert_int_equal(h, 1001);
	assert_true(idmap_to_host(v, 3, 1001, &h));
	assert_int_equal(h, 0);
	assert_true(idmap_to_host(v, 3, 65536, &h));
	assert_int_equal(h, 65536);
	assert_false(idmap_to_host(v, 3, 65537, &h));
	assert_true(idmap_to_container(v, 3, 0, &c));
	assert_int_equal(c, 1001);
	assert_true(idmap_to_container(v, 3, 1, &c));
	assert_int_equal(c, 0);
	assert_false(idmap_to_container(v, 3, 70000, &c));
	assert_true(idmap_host_mapped(v, 3, 0));
	assert_false(idmap_host_mapped(v, 3, 65537));
	/* a range running past UINT32_MAX maps nothing beyond it */
	const struct idmap_range big[] = { { 0, 4294967000u, 4294967295u } };
	assert_false(idmap_to_host(big, 1, 1000, &h));
	assert_int_equal(idmap_container_end(v, 3), 65537);
	assert_int_equal(idmap_container_end(NULL, 0), 0);
}

static void test_idmap_find_conflict(void **state)
{
	(void)state;
	const struct idmap_range ok[] = { { 0, 1, 10 }, { 10, 100, 5 }, { 20, 11, 1 } };
	assert_int_equal(idmap_find_conflict(ok, 3), -1);
	const struct idmap_range cside[] = { { 0, 1, 1000 }, { 500, 2000, 10 } };
	assert_int_equal(idmap_find_conflict(cside, 2), 1);
	const struct idmap_range hside[] = { { 0, 1, 10 }, { 100, 5, 10 } };
	assert_int_equal(idmap_find_conflict(hside, 2), 1);
	const struct idmap_range same[] = { { 0, 1, 1000 }, { 0, 2000, 10 } };
	assert_int_equal(idmap_find_conflict(same, 2), 1);
	const struct idmap_range wrap[] = { { 4294967295u, 0, 2 } };
	assert_int_equal(idmap_find_conflict(wrap, 1), 0);
	/* empty ranges overlap nothing */
	const struct idmap_range empty[] = { { 0, 1, 0 }, { 0, 1, 5 } };
	assert_int_equal(idmap_find_conflict(empty, 2), -1);
}

static void test_idmap_host_unused(void **state)
{
	(void)state;
	uint32_t id;
	/* nomap: 0..65535 → 1..65536; 0 is free */
	const struct idmap_range nomap[] = { { 0, 1, 65536 } };
	assert_true(idmap_host_unused(nomap, 1, 65537, &id));
	assert_int_equal(id, 0);
	/* keep-id maps every ID of the namespace */
	const struct idmap_range keep[] = { { 0, 1, 1001 }, { 1001, 0, 1 }, { 1002, 1002, 64535 } };
	assert_false(idmap_host_unused(keep, 3, 65537, &id));
	/* chained ranges in any order */
	const struct idmap_range chain[] = { { 5, 10, 5 }, { 0, 0, 10 } };
	assert_true(idmap_host_unused(chain, 2, 100, &id));
	assert_int_equal(id, 15);
	assert_true(idmap_host_unused(NULL, 0, 10, &id));
	assert_int_equal(id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idmap_range_parse_valid),
		cmocka_unit_test(test_idmap_range_parse_invalid),
		cmocka_unit_test(test_idmap_parse_all_and_format),
		cmocka_unit_test(test_idmap_to_host_and_back),
		cmocka_unit_test(test_idmap_find_conflict),
		cmocka_unit_test(test_idmap_host_unused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
