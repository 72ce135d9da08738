/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "oci/cgroup-resources.h"
#include "util/json-util.h"
#include "util/xalloc.h"

#define MB (1024LL * 1024)

static json_t *apply_ok(const struct oci_resources *r)
{
	json_t *res = json_object();
	struct sk_error *err = NULL;
	assert_int_equal(oci_resources_apply(r, res, &err), 0);
	assert_null(err);
	return res;
}

static void apply_fails(const struct oci_resources *r, const char *msg_part)
{
	_cleanup_json_ json_t *res = json_object();
	struct sk_error *err = NULL;
	assert_int_equal(oci_resources_apply(r, res, &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	if (!strstr(err->msg, msg_part))
		fail_msg("'%s' does not contain '%s'", err->msg, msg_part);
	sk_error_free(err);
}

static json_int_t int_at(json_t *root, const char *path)
{
	json_t *v = sk_json_path(root, path);
	if (!json_is_integer(v))
		fail_msg("no integer at '%s'", path);
	return json_integer_value(v);
}

static void test_oci_resources_apply_empty_gets_default_pids(void **state)
{
	(void)state;
	struct oci_resources r = { 0 };
	_cleanup_json_ json_t *res = apply_ok(&r);
	assert_int_equal(int_at(res, "pids.limit"), OCI_PIDS_LIMIT_DEFAULT);
	assert_null(json_object_get(res, "memory"));
	assert_null(json_object_get(res, "cpu"));
}

static void test_oci_resources_apply_unlimited_pids_omitted(void **state)
{
	(void)state;
	struct oci_resources r = { .pids_limit = -1 };
	_cleanup_json_ json_t *res = apply_ok(&r);
	assert_null(json_object_get(res, "pids"));
	r.pids_limit = 100;
	_cleanup_json_ json_t *res2 = apply_ok(&r);
	assert_int_equal(int_at(res2, "pids.limit"), 100);
}

static void test_oci_resources_apply_memory_swap_defaults_twice(void **state)
{
	(void)state;
	struct oci_resources r = { .memory = 64 * MB, .memory_reservation = 32 * MB };
	_cleanup_json_ json_t *res = apply_ok(&r);
	assert_int_equal(int_at(res, "memory.limit"), 64 * MB);
	assert_int_equal(int_at(res, "memory.swap"), 128 * MB);
	assert_int_equal(int_at(res, "memory.reservation"), 32 * MB);
	r.memory_swap = -1;
	_cleanup_json_ json_t *res2 = apply_ok(&r);
	assert_int_equal(int_at(res2, "memory.swap"), -1);
	r.memory_swap = 100 * MB;
	_cleanup_json_ json_t *res3 = apply_ok(&r);
	assert_int_equal(int_at(res3, "memory.swap"), 100 * MB);
}

static void test_oci_resources_apply_memory_errors(void **state)
{
	(void)state;
	apply_fails(&(struct oci_resources){ .memory = 5 * MB },
		    "minimum memory limit allowed is 6MB");
	apply_fails(&(struct oci_resources){ .memory = -5 }, "memory: invalid value");
	apply_fails(&(struct oci_resources){ .memory = 64 * MB, .memory_swap = 32 * MB },
		    "should be larger than memory limit");
	apply_fails(&(struct oci_resources){ .memory_swap = 32 * MB },
		    "always set the memory limit");
	apply_fails(&(struct oci_resources){ .memory = 16 * MB, .memory_reservation = 32 * MB },
		    "memory reservation");
	apply_fails(&(struct oci_resources){ .memory_swap = -2 }, "memory-swap: invalid");
	/* exactly the minimum is fine */
	_cleanup_json_ json_t *res = apply_ok(&(struct oci_resources){ .memory = 6 * MB });
	assert_int_equal(int_at(res, "memory.limit"), 6 * MB);
}

static void test_oci_resources_apply_cpus_to_quota(void **state)
{
	(void)state;
	struct oci_resources r = { .cpus = 1.5, .cpu_shares = 512, .cpuset_cpus = "0-1,3" };
	_cleanup_json_ json_t *res = apply_ok(&r);
	assert_int_equal(int_at(res, "cpu.quota"), 150000);
	assert_int_equal(int_at(res, "cpu.period"), 100000);
	assert_int_equal(int_at(res, "cpu.shares"), 512);
	assert_string_equal(json_string_value(sk_json_path(res, "cpu.cpus")), "0-1,3");
	struct oci_resources r2 = { .cpus = 0.5, .cpu_period = 50000 };
	_cleanup_json_ json_t *res2 = apply_ok(&r2);
	assert_int_equal(int_at(res2, "cpu.quota"), 25000);
	assert_int_equal(int_at(res2, "cpu.period"), 50000);
}

static void test_oci_resources_apply_cpu_errors(void **state)
{
	(void)state;
	apply_fails(&(struct oci_resources){ .cpus = -1 }, "cpus: invalid value");
	apply_fails(&(struct oci_resources){ .cpus = 0.001 }, "minimum allowed cpu quota");
	apply_fails(&(struct oci_resources){ .cpu_shares = 1 }, "cpu-shares: 1 is out of range");
	apply_fails(&(struct oci_resources){ .cpu_shares = 300000 }, "out of range");
	apply_fails(&(struct oci_resources){ .cpuset_cpus = "0-" }, "cpuset-cpus: cpuset '0-'");
	apply_fails(&(struct oci_resources){ .cpuset_mems = "a" }, "cpuset-mems");
	apply_fails(&(struct oci_resources){ .cpu_period = 10 }, "cpu-period");
}

static void test_oci_cpuset_validate_lists(void **state)
{
	(void)state;
	const char *good[] = { "0", "0-3", "0,2,4", "0-1,5-7", "12" };
	const char *bad[] = { "", "-1", "1-", "3-1", "1,,2", "1,", "a", "1 2" };
	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		assert_int_equal(oci_cpuset_validate(good[i], NULL), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct sk_error *err = NULL;
		assert_int_equal(oci_cpuset_validate(bad[i], &err), -EINVAL);
		sk_error_free(err);
	}
}

static void test_oci_cpu_shares_to_weight_formula(void **state)
{
	(void)state;
	assert_int_equal(oci_cpu_shares_to_weight(0), 0);
	assert_int_equal(oci_cpu_shares_to_weight(2), 1);
	assert_int_equal(oci_cpu_shares_to_weight(1024), 39);
	assert_int_equal(oci_cpu_shares_to_weight(512), 20);
	assert_int_equal(oci_cpu_shares_to_weight(262144), 10000);
	assert_int_equal(oci_cpu_shares_to_weight(1), 1);
	assert_int_equal(oci_cpu_shares_to_weight(1000000), 10000);
}

static const char *unified_str(json_t *u, const char *file)
{
	const char *v = sk_json_str(u, file);
	if (!v)
		fail_msg("no '%s' in unified", file);
	return v;
}

static void test_oci_resources_to_unified_translates_v1(void **state)
{
	(void)state;
	struct oci_resources r = { .memory = 64 * MB,
				   .memory_swap = 96 * MB,
				   .memory_reservation = 32 * MB,
				   .cpus = 0.5,
				   .cpu_shares = 1024,
				   .cpuset_cpus = "0",
				   .pids_limit = 50 };
	_cleanup_json_ json_t *res = apply_ok(&r);
	_cleanup_json_ json_t *u = oci_resources_to_unified(res);
	assert_string_equal(unified_str(u, "memory.max"), "67108864");
	assert_string_equal(unified_str(u, "memory.low"), "33554432");
	assert_string_equal(unified_str(u, "memory.swap.max"), "33554432");
	assert_string_equal(unified_str(u, "cpu.max"), "50000 100000");
	assert_string_equal(unified_str(u, "cpu.weight"), "39");
	assert_string_equal(unified_str(u, "cpuset.cpus"), "0");
	assert_string_equal(unified_str(u, "pids.max"), "50");
}

static void test_oci_resources_to_unified_unlimited_is_max(void **state)
{
	(void)state;
	const char *text = "{\"memory\":{\"limit\":-1,\"swap\":-1},"
			   "\"cpu\":{\"quota\":-1,\"period\":100000},\"pids\":{\"limit\":0}}";
	_cleanup_json_ json_t *res = sk_json_parse(text, strlen(text), NULL);
	assert_non_null(res);
	_cleanup_json_ json_t *u = oci_resources_to_unified(res);
	assert_string_equal(unified_str(u, "memory.max"), "max");
	assert_string_equal(unified_str(u, "memory.swap.max"), "max");
	assert_string_equal(unified_str(u, "cpu.max"), "max 100000");
	assert_string_equal(unified_str(u, "pids.max"), "max");
	_cleanup_json_ json_t *empty = json_object();
	_cleanup_json_ json_t *u2 = oci_resources_to_unified(empty);
	assert_int_equal(json_object_size(u2), 0);
}

static void test_oci_cgroup_path_build_default_and_parent(void **state)
{
	(void)state;
	char *p = NULL;
	assert_int_equal(oci_cgroup_path_build(NULL, "abc123", &p, NULL), 0);
	assert_string_equal(p, "/selkie/abc123");
	free(p);
	assert_int_equal(oci_cgroup_path_build("/mygroup/", "abc", &p, NULL), 0);
	assert_string_equal(p, "/mygroup/selkie-abc");
	free(p);
	assert_int_equal(oci_cgroup_path_build("/", "abc", &p, NULL), 0);
	assert_string_equal(p, "/selkie-abc");
	free(p);
	const char *bad_parents[] = { "relative", "/a/../b", "/a/.." };
	for (size_t i = 0; i < ELEMENTSOF(bad_parents); i++) {
		struct sk_error *err = NULL;
		assert_int_equal(oci_cgroup_path_build(bad_parents[i], "abc", &p, &err), -EINVAL);
		assert_non_null(strstr(err->msg, bad_parents[i]));
		sk_error_free(err);
	}
	struct sk_error *err = NULL;
	assert_int_equal(oci_cgroup_path_build(NULL, "a/b", &p, &err), -EINVAL);
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_resources_apply_empty_gets_default_pids),
		cmocka_unit_test(test_oci_resources_apply_unlimited_pids_omitted),
		cmocka_unit_test(test_oci_resources_apply_memory_swap_defaults_twice),
		cmocka_unit_test(test_oci_resources_apply_memory_errors),
		cmocka_unit_test(test_oci_resources_apply_cpus_to_quota),
		cmocka_unit_test(test_oci_resources_apply_cpu_errors),
		cmocka_unit_test(test_oci_cpuset_validate_lists),
		cmocka_unit_test(test_oci_cpu_shares_to_weight_formula),
		cmocka_unit_test(test_oci_resources_to_unified_translates_v1),
		cmocka_unit_test(test_oci_resources_to_unified_unlimited_is_max),
		cmocka_unit_test(test_oci_cgroup_path_build_default_and_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
