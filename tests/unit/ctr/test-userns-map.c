/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ctr/userns-map.h"

static void expect_mode_error(const char *s, const char *msg)
{
	struct ctr_userns_mode m = { 0 };
	struct sk_error *err = NULL;
	assert_true(ctr_userns_mode_parse(s, &m, &err) < 0);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	sk_error_free(err);
}

static void test_ctr_userns_mode_parse_modes(void **state)
{
	(void)state;
	struct ctr_userns_mode m = { 0 };
	struct sk_error *err = NULL;
	const char *host[] = { NULL, "", "host" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(ctr_userns_mode_parse(host[i], &m, &err), 0);
		assert_int_equal(m.kind, CTR_USERNS_HOST);
	}
	assert_int_equal(ctr_userns_mode_parse("keep-id", &m, &err), 0);
	assert_int_equal(m.kind, CTR_USERNS_KEEP_ID);
	assert_false(m.has_uid || m.has_gid);
	assert_int_equal(ctr_userns_mode_parse("keep-id:uid=1000,gid=100", &m, &err), 0);
	assert_true(m.has_uid && m.has_gid);
	assert_int_equal(m.uid, 1000);
	assert_int_equal(m.gid, 100);
	assert_int_equal(ctr_userns_mode_parse("nomap", &m, &err), 0);
	assert_int_equal(m.kind, CTR_USERNS_NOMAP);
	assert_int_equal(ctr_userns_mode_parse("auto", &m, &err), 0);
	assert_int_equal(m.kind, CTR_USERNS_AUTO);
	assert_false(m.has_size);
	assert_int_equal(ctr_userns_mode_parse("auto:size=500", &m, &err), 0);
	assert_true(m.has_size);
	assert_int_equal(m.size, 500);
	assert_int_equal(ctr_userns_mode_parse("container:abc", &m, &err), 0);
	assert_int_equal(m.kind, CTR_USERNS_CONTAINER);
	assert_string_equal(m.container, "abc");
	ctr_userns_mode_done(&m);
	assert_null(err);
	assert_string_equal(ctr_userns_kind_to_string(CTR_USERNS_KEEP_ID), "keep-id");
	assert_int_equal(ctr_userns_kind_from_string("nomap"), CTR_USERNS_NOMAP);
	assert_true(ctr_userns_kind_from_string("x") < 0);
}

static void test_ctr_userns_mode_parse_errors(void **state)
{
	(void)state;
	expect_mode_error("bogus", "unrecognized namespace mode bogus passed");
	expect_mode_error("nomap:x", "unrecognized namespace mode nomap:x passed");
	expect_mode_error("container:", "unrecognized namespace mode container: passed");
	expect_mode_error("keep-id:foo=1", "unknown option specified: \"foo\"");
	expect_mode_error("keep-id:uid", "invalid option specified: \"uid\"");
	expect_mode_error("keep-id:uid=abc", "strconv.ParseUint: parsing \"abc\": invalid syntax");
	expect_mode_error("keep-id:gid=-1", "strconv.ParseUint: parsing \"-1\": invalid syntax");
	expect_mode_error("keep-id:uid=4294967296",
			  "strconv.ParseUint: parsing \"4294967296\": value out of range");
	expect_mode_error("auto:foo", "invalid option specified: \"foo\"");
	expect_mode_error("auto:size", "invalid option specified: \"size\"");
	expect_mode_error("auto:size=abc", "strconv.ParseUint: parsing \"abc\": invalid syntax");
	expect_mode_error("private", "must provide at least one UID or GID mapping to configure "
				     "a user namespace");
}

static void test_ctr_idmap_parse_flags(void **state)
{
	(void)state;
	struct idmap_range *v = NULL;
	size_t n = 0;
	struct sk_error *err = NULL;
	char *ok[] = { "0:1:10,20:20:5", "100:200:1", NULL };
	assert_int_equal(ctr_idmap_parse_flags(ok, "UID", &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].container, 20);
	assert_int_equal(v[2].host, 200);
	free(v);
	v = NULL;
	assert_int_equal(ctr_idmap_parse_flags(NULL, "UID", &v, &n, &err), 0);
	assert_int_equal(n, 0);
	free(v);
	char *bad[] = { "0:1:10", "0:1", NULL };
	assert_true(ctr_idmap_parse_flags(bad, "UID", &v, &n, &err) < 0);
	assert_string_equal(err->msg, "initializing ID mappings: UID setting is malformed "
				      "expected [\"uint32:uint32:uint32\"]: [\"0:1:10\" \"0:1\"]");
	sk_error_free(err);
	err = NULL;
	char *quote[] = { "a\"b", NULL };
	assert_true(ctr_idmap_parse_flags(quote, "GID", &v, &n, &err) < 0);
	assert_string_equal(err->msg, "initializing ID mappings: GID setting is malformed "
				      "expected [\"uint32:uint32:uint32\"]: [\"a\\\"b\"]");
	sk_error_free(err);
}

static void test_ctr_idmap_check(void **state)
{
	(void)state;
	struct sk_error *err = NULL;
	const struct idmap_range ok[] = { { 0, 1, 1000 }, { 1000, 5000, 10 } };
	assert_int_equal(ctr_idmap_check(ok, 2, &err), 0);
	const struct idmap_range bad[] = { { 0, 1, 1000 }, { 500, 2000, 10 } };
	assert_true(ctr_idmap_check(bad, 2, &err) < 0);
	assert_string_equal(err->msg, "creating container storage: the specified UID and/or GID "
				      "mapping 500:2000:10 conflicts with other mappings: invalid "
				      "mappings specified");
	sk_error_free(err);
}

static void assert_ranges(const struct idmap_range *v, size_t n, const struct idmap_range *want,
			  size_t n_want)
{
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].container, want[i].container);
		assert_int_equal(v[i].host, want[i].host);
		assert_int_equal(v[i].size, want[i].size);
	}
}

static void test_ctr_idmap_keep_id(void **state)
{
	(void)state;
	struct idmap_range *v = NULL;
	size_t n = 0;
	/* podman: 0:1:1001, 1001:0:1, 1002:1002:64535 for uid 1001 and 65536 subordinate IDs */
	ctr_idmap_keep_id(65537, 1001, &v, &n);
	assert_ranges(
		v, n,
		(struct idmap_range[]){ { 0, 1, 1001 }, { 1001, 0, 1 }, { 1002, 1002, 64535 } }, 3);
	free(v);
	/* keep-id:uid=70000: beyond the namespace */
	ctr_idmap_keep_id(65537, 70000, &v, &n);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 1, 65536 }, { 70000, 0, 1 } }, 2);
	free(v);
	/* keep-id:uid=0 */
	ctr_idmap_keep_id(65537, 0, &v, &n);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 0, 1 }, { 1, 1, 65536 } }, 2);
	free(v);
	/* a single-ID namespace (no subordinate IDs) */
	ctr_idmap_keep_id(1, 1001, &v, &n);
	assert_ranges(v, n, (struct idmap_range[]){ { 1001, 0, 1 } }, 1);
	free(v);
}

static void test_ctr_idmap_nomap_and_ranges(void **state)
{
	(void)state;
	struct idmap_range *v = NULL;
	size_t n = 0;
	ctr_idmap_nomap(65537, &v, &n);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 1, 65536 } }, 1);
	free(v);
	ctr_idmap_nomap(1, &v, &n);
	assert_int_equal(n, 0);
	free(v);
	const struct idmap_range sub[] = { { 0, 100000, 65536 }, { 0, 300000, 10 } };
	ctr_idmap_from_ranges(sub, 2, &v, &n);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 100000, 65536 }, { 65536, 300000, 10 } },
		      2);
	free(v);
}

static void test_ctr_idmap_auto_allocate(void **state)
{
	(void)state;
	struct idmap_range *v = NULL;
	size_t n = 0;
	const struct idmap_range avail[] = { { 0, 1, 65536 } };
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, NULL, 0, 1024, &v, &n), 0);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 1, 1024 } }, 1);
	free(v);
	/* after two containers: the next free IDs */
	const struct idmap_range used[] = { { 0, 1025, 500 }, { 0, 1, 1024 } };
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, used, 2, 1024, &v, &n), 0);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 1525, 1024 } }, 1);
	free(v);
	/* a hole too small is used and the rest taken after the next used range */
	const struct idmap_range holes[] = { { 0, 1, 100 }, { 0, 150, 1000 } };
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, holes, 2, 200, &v, &n), 0);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 101, 49 }, { 49, 1150, 151 } }, 2);
	free(v);
	/* over several available ranges */
	const struct idmap_range two[] = { { 0, 100000, 10 }, { 0, 200000, 10 } };
	assert_int_equal(ctr_idmap_auto_allocate(two, 2, NULL, 0, 15, &v, &n), 0);
	assert_ranges(v, n, (struct idmap_range[]){ { 0, 100000, 10 }, { 10, 200000, 5 } }, 2);
	free(v);
	/* keep-id's mapping takes everything */
	const struct idmap_range keep[] = { { 0, 1, 1001 }, { 1001, 0, 1 }, { 1002, 1002, 64535 } };
	v = NULL;
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, keep, 3, 1024, &v, &n), -ENOSPC);
	assert_null(v);
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, NULL, 0, 70000, &v, &n), -ENOSPC);
	assert_int_equal(ctr_idmap_auto_allocate(avail, 1, NULL, 0, 0, &v, &n), -ENOSPC);
}

static void test_ctr_idmap_auto_size(void **state)
{
	(void)state;
	/* busybox: root's files, users up to 1000 and nobody */
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
			     "selkie:x:1000:1000::/home/selkie:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
	const char *group = "root:x:0:\nnogroup:x:65534:\n";
	assert_int_equal(ctr_idmap_auto_size(0, passwd, group), 1024);
	/* a user 3000 in passwd: 3000, as podman */
	assert_int_equal(ctr_idmap_auto_size(0, "u:x:3000:3000::/:/bin/sh\n", NULL), 3000);
	/* files of 6000: 6001 */
	assert_int_equal(ctr_idmap_auto_size(6000, NULL, NULL), 6001);
	assert_int_equal(ctr_idmap_auto_size(4000000, NULL, NULL), 65536);
	assert_int_equal(ctr_idmap_auto_size(0, "g:x:5000\n", "#c:x:9000:\nx:x:bad:\n"), 5000);
}

static void test_ctr_idmap_unmapped_message(void **state)
{
	(void)state;
	const struct idmap_range v[] = { { 0, 1, 1000 }, { 1000, 0, 1 } };
	char *m = ctr_idmap_unmapped_message(v, 1, "UID", 2000);
	assert_string_equal(m, "container uses ID mappings ([]specs.LinuxIDMapping{specs."
			       "LinuxIDMapping{ContainerID:0x0, HostID:0x1, Size:0x3e8}}), but "
			       "doesn't map UID 2000");
	free(m);
	m = ctr_idmap_unmapped_message(v, 2, "GID", 5);
	assert_non_null(strstr(m, "Size:0x3e8}, specs.LinuxIDMapping{ContainerID:0x3e8, "
				  "HostID:0x0, Size:0x1}}), but doesn't map GID 5"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_userns_mode_parse_modes),
		cmocka_unit_test(test_ctr_userns_mode_parse_errors),
		cmocka_unit_test(test_ctr_idmap_parse_flags),
		cmocka_unit_test(test_ctr_idmap_check),
		cmocka_unit_test(test_ctr_idmap_keep_id),
		cmocka_unit_test(test_ctr_idmap_nomap_and_ranges),
		cmocka_unit_test(test_ctr_idmap_auto_allocate),
		cmocka_unit_test(test_ctr_idmap_auto_size),
		cmocka_unit_test(test_ctr_idmap_unmapped_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
