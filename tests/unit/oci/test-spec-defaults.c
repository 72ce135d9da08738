/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "oci/spec-defaults.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* errp, not err: the call in the first argument sets it, in no particular order */
static void expect_error(int r, struct sk_error **errp, const char *msg_part)
{
	struct sk_error *err = *errp;
	*errp = NULL;
	assert_int_equal(r, -EINVAL);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	if (!strstr(err->msg, msg_part))
		fail_msg("'%s' does not contain '%s'", err->msg, msg_part);
	sk_error_free(err);
}

static void test_oci_cap_normalize_forms(void **state)
{
	(void)state;
	const char *forms[] = { "sys_admin", "SYS_ADMIN", "cap_sys_admin", "CAP_SYS_ADMIN" };
	for (size_t i = 0; i < ELEMENTSOF(forms); i++) {
		_cleanup_free_ char *c = NULL;
		assert_int_equal(oci_cap_normalize(forms[i], &c), 0);
		assert_string_equal(c, "CAP_SYS_ADMIN");
	}
	char *c = NULL;
	assert_int_equal(oci_cap_normalize("CAP_", &c), -EINVAL);
	assert_int_equal(oci_cap_normalize("", &c), -EINVAL);
	assert_int_equal(oci_cap_normalize("CAP_FLY", &c), -EINVAL);
	assert_null(c);
}

static void test_oci_caps_all_is_the_bounding_set(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **all = oci_caps_all();
	assert_non_null(all);
	assert_string_equal(all[0], "CAP_CHOWN");
	assert_true(strv_contains(all, "CAP_KILL"));
	assert_false(strv_contains(all, "CAP_NOPE"));
}

static void test_oci_caps_compute_defaults_add_drop(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **def = NULL;
	assert_int_equal(oci_caps_compute(false, NULL, NULL, &def, NULL), 0);
	assert_int_equal(strv_length(def), 11);
	assert_true(strv_contains(def, "CAP_SETFCAP"));
	assert_false(strv_contains(def, "CAP_NET_RAW"));
	assert_false(strv_contains(def, "CAP_AUDIT_WRITE"));

	char *add[] = { "net_raw", "CHOWN", NULL };
	char *drop[] = { "cap_kill", NULL };
	_cleanup_strv_free_ char **caps = NULL;
	assert_int_equal(oci_caps_compute(false, add, drop, &caps, NULL), 0);
	assert_true(strv_contains(caps, "CAP_NET_RAW"));
	assert_false(strv_contains(caps, "CAP_KILL"));
	assert_int_equal(strv_length(caps), 11);

	char *all[] = { "all", NULL };
	_cleanup_strv_free_ char **none = NULL;
	assert_int_equal(oci_caps_compute(false, NULL, all, &none, NULL), 0);
	assert_non_null(none);
	assert_int_equal(strv_length(none), 0);

	char *bad[] = { "fly", NULL };
	struct sk_error *err = NULL;
	char **out = NULL;
	expect_error(oci_caps_compute(false, bad, NULL, &out, &err), &err,
		     "\"CAP_FLY\": unknown capability");
	err = NULL;
	expect_error(oci_caps_compute(true, NULL, bad, &out, &err), &err,
		     "\"CAP_FLY\": unknown capability");
	assert_null(out);
}

static void test_oci_ulimit_parse_values(void **state)
{
	(void)state;
	struct oci_rlimit rl = { 0 };
	assert_int_equal(oci_ulimit_parse("nofile=1024:2048", &rl, NULL), 0);
	assert_string_equal(rl.type, "RLIMIT_NOFILE");
	assert_int_equal(rl.soft, 1024);
	assert_int_equal(rl.hard, 2048);
	oci_rlimit_release(&rl);
	assert_int_equal(oci_ulimit_parse("NPROC=50", &rl, NULL), 0);
	assert_string_equal(rl.type, "RLIMIT_NPROC");
	assert_true(rl.soft == 50 && rl.hard == 50);
	oci_rlimit_release(&rl);
	assert_int_equal(oci_ulimit_parse("memlock=-1:unlimited", &rl, NULL), 0);
	assert_true(rl.soft == UINT64_MAX && rl.hard == UINT64_MAX);
	oci_rlimit_release(&rl);
	oci_rlimit_release(NULL);
}

static void test_oci_ulimit_parse_errors(void **state)
{
	(void)state;
	const char *bad[][2] = {
		{ "nofile=2048:1024", "soft limit 2048 is larger than hard limit 1024" },
		{ "bogus=1", "invalid ulimit type: bogus" },
		{ "nofile", "requires name=SOFT:HARD" },
		{ "nofile=abc", "invalid value" },
		{ "nofile=1:", "invalid value" },
		{ "=5", "requires name=SOFT:HARD" },
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct oci_rlimit rl = { 0 };
		struct sk_error *err = NULL;
		expect_error(oci_ulimit_parse(bad[i][0], &rl, &err), &err, bad[i][1]);
		assert_null(rl.type);
	}
}

static void test_oci_rlimit_host_hard_matches_getrlimit(void **state)
{
	(void)state;
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	uint64_t want = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
	assert_true(oci_rlimit_host_hard("RLIMIT_NOFILE") == want);
	assert_true(oci_rlimit_host_hard("RLIMIT_BOGUS") == UINT64_MAX);
}

static void test_oci_sysctl_validate_namespaced_only(void **state)
{
	(void)state;
	const char *ok[] = { "kernel.msgmax",	  "kernel.sem",		 "kernel.shmmax",
			     "fs.mqueue.msg_max", "net.ipv4.ip_forward", "kernel.hostname" };
	for (size_t i = 0; i < ELEMENTSOF(ok); i++)
		assert_int_equal(oci_sysctl_validate(ok[i], false, false, false, NULL), 0);
	struct sk_error *err = NULL;
	expect_error(oci_sysctl_validate("kernel.panic", false, false, false, &err), &err,
		     "sysctl 'kernel.panic': not whitelisted");
	err = NULL;
	expect_error(oci_sysctl_validate("vm.swappiness", false, false, false, &err), &err,
		     "not whitelisted");
	err = NULL;
	expect_error(oci_sysctl_validate("net.core.somaxconn", true, false, false, &err), &err,
		     "host network");
	err = NULL;
	expect_error(oci_sysctl_validate("fs.mqueue.queues_max", false, true, false, &err), &err,
		     "host IPC namespace");
	err = NULL;
	expect_error(oci_sysctl_validate("kernel.domainname", false, false, true, &err), &err,
		     "host UTS namespace");
	/* kernel.semaphore-like names are not kernel.sem */
	err = NULL;
	expect_error(oci_sysctl_validate("kernel.semx", false, false, false, &err), &err,
		     "not whitelisted");
}

static void test_oci_device_parse_forms(void **state)
{
	(void)state;
	struct oci_device d = { 0 };
	assert_int_equal(oci_device_parse("/dev/null", &d, NULL), 0);
	assert_string_equal(d.path, "/dev/null");
	assert_int_equal(d.type, 'c');
	assert_int_equal(d.major, 1);
	assert_int_equal(d.minor, 3);
	assert_string_equal(d.access, "rwm");
	oci_device_release(&d);
	assert_int_equal(oci_device_parse("/dev/zero:mr", &d, NULL), 0);
	assert_string_equal(d.path, "/dev/zero");
	assert_string_equal(d.access, "mr");
	oci_device_release(&d);
	assert_int_equal(oci_device_parse("/dev/zero:/dev/z:w", &d, NULL), 0);
	assert_string_equal(d.host_path, "/dev/zero");
	assert_string_equal(d.path, "/dev/z");
	assert_string_equal(d.access, "w");
	oci_device_release(&d);
	oci_device_release(NULL);
}

static void test_oci_device_parse_errors(void **state)
{
	(void)state;
	const char *bad[][2] = {
		{ "/dev/does-not-exist", "stat '/dev/does-not-exist'" },
		{ "/dev/null:/dev/x:rwx", "invalid permissions 'rwx'" },
		{ "/dev/null:rr", "invalid permissions 'rr'" },
		{ "/etc/hostname", "is not a device node" },
		{ "dev/null", "paths must be absolute" },
		{ "/dev/null:/a:r:x", "expected host[:container][:permissions]" },
		{ "", "expected host[:container][:permissions]" },
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct oci_device d = { 0 };
		struct sk_error *err = NULL;
		assert_true(oci_device_parse(bad[i][0], &d, &err) < 0);
		assert_non_null(err);
		if (!strstr(err->msg, bad[i][1]))
			fail_msg("'%s' does not contain '%s'", err->msg, bad[i][1]);
		sk_error_free(err);
		assert_null(d.path);
	}
}

static void test_oci_devices_host_list_skips_runtime_nodes(void **state)
{
	(void)state;
	struct oci_device *v = NULL;
	size_t n = 0;
	oci_devices_host_list("/dev", &v, &n);
	bool null_found = false;
	for (size_t i = 0; i < n; i++) {
		null_found |= streq(v[i].path, "/dev/null");
		assert_false(streq(v[i].path, "/dev/ptmx"));
		assert_false(strneq(v[i].path, "/dev/pts/", 9));
		assert_true(v[i].type == 'c' || v[i].type == 'b');
	}
	assert_true(null_found);
	oci_devices_free(v, n);
	oci_devices_host_list("/nonexistent", &v, &n);
	assert_int_equal(n, 0);
	oci_devices_free(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_cap_normalize_forms),
		cmocka_unit_test(test_oci_caps_all_is_the_bounding_set),
		cmocka_unit_test(test_oci_caps_compute_defaults_add_drop),
		cmocka_unit_test(test_oci_ulimit_parse_values),
		cmocka_unit_test(test_oci_ulimit_parse_errors),
		cmocka_unit_test(test_oci_rlimit_host_hard_matches_getrlimit),
		cmocka_unit_test(test_oci_sysctl_validate_namespaced_only),
		cmocka_unit_test(test_oci_device_parse_forms),
		cmocka_unit_test(test_oci_device_parse_errors),
		cmocka_unit_test(test_oci_devices_host_list_skips_runtime_nodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
