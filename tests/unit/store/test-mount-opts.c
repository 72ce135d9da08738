/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "store/mount.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *build_ok(const struct store_overlay_opts *o)
{
	char *data = NULL;
	struct sk_error *err = NULL;
	assert_int_equal(store_overlay_data_build(o, &data, &err), 0);
	assert_null(err);
	assert_non_null(data);
	return data;
}

static void build_fails(const struct store_overlay_opts *o, const char *msg_part)
{
	char *data = NULL;
	struct sk_error *err = NULL;
	assert_int_equal(store_overlay_data_build(o, &data, &err), -EINVAL);
	assert_null(data);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_non_null(strstr(err->msg, msg_part));
	sk_error_free(err);
}

static void test_store_overlay_data_build_top_layer_first(void **state)
{
	(void)state;
	char *lowers[] = { "BOTTOM0000", "MIDDLE0000", "TOP0000000", NULL };
	struct store_overlay_opts o = { .lowers = lowers };
	_cleanup_free_ char *data = build_ok(&o);
	assert_string_equal(data, "lowerdir=l/TOP0000000:l/MIDDLE0000:l/BOTTOM0000");
}

static void test_store_overlay_data_build_lone_layer_gets_empty_lower(void **state)
{
	(void)state;
	char *lowers[] = { "ONLY000000", NULL };
	struct store_overlay_opts o = { .lowers = lowers };
	_cleanup_free_ char *data = build_ok(&o);
	assert_string_equal(data, "lowerdir=l/ONLY000000:" STORE_OVERLAY_EMPTY_LOWER);
}

static void test_store_overlay_data_build_writable(void **state)
{
	(void)state;
	char *lowers[] = { "ONLY000000", NULL };
	struct store_overlay_opts o = {
		.lowers = lowers,
		.upper_dir = "/run/c/upper",
		.work_dir = "/run/c/work",
	};
	_cleanup_free_ char *data = build_ok(&o);
	assert_string_equal(data, "lowerdir=l/ONLY000000,upperdir=/run/c/upper,workdir=/run/c/work,"
				  "index=off");
}

static void test_store_overlay_data_build_userxattr(void **state)
{
	(void)state;
	char *lowers[] = { "A000000000", "B000000000", NULL };
	struct store_overlay_opts o = { .lowers = lowers, .userxattr = true };
	_cleanup_free_ char *data = build_ok(&o);
	assert_string_equal(data, "lowerdir=l/B000000000:l/A000000000,userxattr");
}

/* 151 layers (the "many" fixture) fit in one page of mount data; 500 do not. */
static void test_store_overlay_data_build_many_layers_fit_a_page(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **lowers = NULL;
	for (int i = 0; i < 151; i++)
		strv_pushf(&lowers, "L%09d", i);
	struct store_overlay_opts o = { .lowers = lowers };
	_cleanup_free_ char *data = build_ok(&o);
	assert_true(strlen(data) < 4096);
	const char *head = "lowerdir=l/L000000150:l/L000000149:";
	assert_true(strncmp(data, head, strlen(head)) == 0);
	size_t n = strlen(data);
	assert_string_equal(data + n - 13, ":l/L000000000");

	for (int i = 151; i < 500; i++)
		strv_pushf(&lowers, "L%09d", i);
	o.lowers = lowers;
	_cleanup_free_ char *big = build_ok(&o);
	assert_true(strlen(big) > 4096);
}

static void test_store_overlay_lowers_build_order(void **state)
{
	(void)state;
	char *lowers[] = { "A000000000", "B000000000", NULL };
	struct store_overlay_opts o = { .lowers = lowers };
	_cleanup_strv_free_ char **v = store_overlay_lowers_build(&o);
	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[0], "l/B000000000");
	assert_string_equal(v[1], "l/A000000000");

	char *one[] = { "A000000000", NULL };
	struct store_overlay_opts lone = { .lowers = one };
	_cleanup_strv_free_ char **w = store_overlay_lowers_build(&lone);
	assert_int_equal(strv_length(w), 2);
	assert_string_equal(w[1], STORE_OVERLAY_EMPTY_LOWER);
}

static void test_store_overlay_data_build_rejects_bad_input(void **state)
{
	(void)state;
	struct store_overlay_opts none = { 0 };
	build_fails(&none, "no layers");

	char *lowers[] = { "A000000000", NULL };
	struct store_overlay_opts comma = {
		.lowers = lowers,
		.upper_dir = "/run/a,b/upper",
		.work_dir = "/run/work",
	};
	build_fails(&comma, "'/run/a,b/upper'");

	struct store_overlay_opts relative = {
		.lowers = lowers,
		.upper_dir = "upper",
		.work_dir = "/run/work",
	};
	build_fails(&relative, "not an absolute path");

	struct store_overlay_opts no_work = { .lowers = lowers, .upper_dir = "/run/upper" };
	build_fails(&no_work, "work directory");

	char *bad_link[] = { "../../etc", NULL };
	struct store_overlay_opts link = { .lowers = bad_link };
	build_fails(&link, "bad layer link name");

	char *colon[] = { "A:B", NULL };
	struct store_overlay_opts col = { .lowers = colon };
	build_fails(&col, "bad layer link name");

	_cleanup_strv_free_ char **many = NULL;
	for (int i = 0; i < 501; i++)
		strv_pushf(&many, "L%09d", i);
	struct store_overlay_opts deep = { .lowers = many };
	build_fails(&deep, "at most 500");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_overlay_data_build_top_layer_first),
		cmocka_unit_test(test_store_overlay_data_build_lone_layer_gets_empty_lower),
		cmocka_unit_test(test_store_overlay_data_build_writable),
		cmocka_unit_test(test_store_overlay_data_build_userxattr),
		cmocka_unit_test(test_store_overlay_data_build_many_layers_fit_a_page),
		cmocka_unit_test(test_store_overlay_lowers_build_order),
		cmocka_unit_test(test_store_overlay_data_build_rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
