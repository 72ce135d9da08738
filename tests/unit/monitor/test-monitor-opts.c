/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "monitor/monitor-internal.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *tmpdir;

static int setup(void **state)
{
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-monopts-", &tmpdir), 0);
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static void write_opts_file(const char *text)
{
	_cleanup_free_ char *path = path_join(tmpdir, "monitor.json");
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0600), 0);
}

/* Read tmpdir/monitor.json expecting failure of kind; returns nothing, checks the message
 * names the key. */
static void expect_bad(const char *text, enum sk_error_kind kind, const char *needle)
{
	write_opts_file(text);
	struct monitor_opts o = { 0 };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_opts_read(tmpdir, &o, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, kind);
	if (!strstr(err->msg, needle))
		fail_msg("'%s' does not mention '%s'", err->msg, needle);
	assert_null(o.id);
}

static void test_monitor_opts_round_trip_full(void **state)
{
	_cleanup_strv_free_ char **exit_cmd =
		strv_new("/usr/bin/selkie", "--root", "/r", "container", "cleanup", "abc", NULL);
	_cleanup_strv_free_ char **health =
		strv_new("/usr/bin/selkie", "healthcheck", "run", "abc", NULL);
	struct monitor_opts in = {
		.id = "abc",
		.run_dir = tmpdir,
		.bundle = "/var/lib/selkie/b/abc",
		.runtime = "/usr/bin/runc",
		.runtime_root = "/run/selkie/runc",
		.systemd_cgroup = true,
		.cgroup_path = "/selkie/abc",
		.terminal = true,
		.open_stdin = true,
		.log_driver = "k8s-file",
		.log_path = "/var/lib/selkie/c/abc/ctr.log",
		.log_max_size = 10 * 1024 * 1024,
		.exit_command = exit_cmd,
		.health_command = health,
		.health_interval_ns = 30000000000LL,
		.health_start_period_ns = 5000000000LL,
	};
	assert_int_equal(monitor_opts_write(&in, NULL), 0);
	_cleanup_free_ char *path = path_join(tmpdir, "monitor.json");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	struct monitor_opts o = { 0 };
	assert_int_equal(monitor_opts_read(tmpdir, &o, NULL), 0);
	assert_string_equal(o.id, "abc");
	assert_string_equal(o.run_dir, tmpdir);
	assert_string_equal(o.bundle, in.bundle);
	assert_string_equal(o.runtime, in.runtime);
	assert_string_equal(o.runtime_root, in.runtime_root);
	assert_true(o.systemd_cgroup && o.terminal && o.open_stdin);
	assert_string_equal(o.cgroup_path, in.cgroup_path);
	assert_string_equal(o.log_driver, "k8s-file");
	assert_string_equal(o.log_path, in.log_path);
	assert_true(o.log_max_size == in.log_max_size);
	assert_int_equal(strv_length(o.exit_command), 6);
	assert_string_equal(o.exit_command[5], "abc");
	assert_int_equal(strv_length(o.health_command), 4);
	assert_string_equal(o.health_command[1], "healthcheck");
	assert_true(o.health_interval_ns == in.health_interval_ns);
	assert_true(o.health_start_period_ns == in.health_start_period_ns);
	monitor_opts_done(&o);
	assert_null(o.id);
	monitor_opts_done(&o); /* twice, and NULL: no harm */
	monitor_opts_done(NULL);
}

static void test_monitor_opts_round_trip_minimal(void **state)
{
	struct monitor_opts in = {
		.id = "x",
		.run_dir = tmpdir,
		.bundle = "/b",
		.runtime = "/usr/bin/crun",
		.log_driver = "none",
	};
	assert_int_equal(monitor_opts_write(&in, NULL), 0);
	struct monitor_opts o = { 0 };
	assert_int_equal(monitor_opts_read(tmpdir, &o, NULL), 0);
	assert_null(o.runtime_root);
	assert_null(o.cgroup_path);
	assert_null(o.log_path);
	assert_null(o.exit_command);
	assert_null(o.health_command);
	assert_false(o.terminal || o.open_stdin || o.systemd_cgroup);
	assert_string_equal(o.log_driver, "none");
	assert_true(o.log_max_size == 0 && o.health_interval_ns == 0);
	monitor_opts_done(&o);
}

static void test_monitor_opts_read_defaults(void **state)
{
	/* run_dir from the argument, log driver k8s-file, unknown keys ignored */
	write_opts_file("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_path\":\"/l\","
			"\"future_key\":[1,2]}");
	struct monitor_opts o = { 0 };
	assert_int_equal(monitor_opts_read(tmpdir, &o, NULL), 0);
	assert_string_equal(o.run_dir, tmpdir);
	assert_string_equal(o.log_driver, "k8s-file");
	monitor_opts_done(&o);
}

static void test_monitor_opts_read_rejects_bad_input(void **state)
{
	expect_bad("{\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_driver\":\"none\"}", SK_ERR_CORRUPT,
		   "\"id\" is missing");
	expect_bad("{\"id\":1,\"bundle\":\"/b\",\"runtime\":\"/r\"}", SK_ERR_CORRUPT, "\"id\"");
	expect_bad("{\"id\":\"a\",\"bundle\":\"b\",\"runtime\":\"/r\",\"log_driver\":\"none\"}",
		   SK_ERR_CORRUPT, "not an absolute path");
	expect_bad("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"terminal\":\"yes\"}",
		   SK_ERR_CORRUPT, "\"terminal\"");
	expect_bad("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_max_size\":-1}",
		   SK_ERR_CORRUPT, "\"log_max_size\"");
	expect_bad("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_driver\":\"none\","
		   "\"exit_command\":[]}",
		   SK_ERR_CORRUPT, "\"exit_command\"");
	expect_bad("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_driver\":\"none\","
		   "\"health_command\":[\"/x\",3]}",
		   SK_ERR_CORRUPT, "\"health_command\"");
	expect_bad("{\"id\":\"a\\u0000b\",\"bundle\":\"/b\",\"runtime\":\"/r\"}", SK_ERR_CORRUPT,
		   "\"id\"");
	expect_bad(
		"{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\",\"log_driver\":\"journald\"}",
		SK_ERR_CORRUPT, "unknown log driver 'journald'");
	expect_bad("{\"id\":\"a\",\"bundle\":\"/b\",\"runtime\":\"/r\"}", SK_ERR_CORRUPT,
		   "without \"log_path\"");
	expect_bad("[1]", SK_ERR_CORRUPT, "not an object");
	expect_bad("{\"id\":", SK_ERR_CORRUPT, "line 1");
}

static void test_monitor_opts_read_missing_file(void **state)
{
	struct monitor_opts o = { 0 };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(monitor_opts_read("/nonexistent/selkie-test", &o, &err), -ENOENT);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
}

static void test_monitor_opts_write_needs_run_dir(void **state)
{
	struct monitor_opts in = { .id = "x" };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_opts_write(&in, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_opts_round_trip_full),
		cmocka_unit_test(test_monitor_opts_round_trip_minimal),
		cmocka_unit_test(test_monitor_opts_read_defaults),
		cmocka_unit_test(test_monitor_opts_read_rejects_bad_input),
		cmocka_unit_test(test_monitor_opts_read_missing_file),
		cmocka_unit_test(test_monitor_opts_write_needs_run_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
