/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "monitor/monitor-internal.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *tmpdir;

static int setup(void **state)
{
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-monexit-", &tmpdir), 0);
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static void put(const char *name, const char *text)
{
	_cleanup_free_ char *path = path_join(tmpdir, name);
	assert_int_equal(fs_mkdir_parents(path, 0755), 0);
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_monitor_exit_encode_format(void **state)
{
	struct monitor_exit e = { .exit_code = 137, .oom_killed = true, .finished_at = 42 };
	_cleanup_free_ char *s = monitor_exit_encode(&e);
	assert_string_equal(s, "{\"exit_code\":137,\"oom_killed\":true,\"finished_at\":42}\n");
}

static void test_monitor_exit_round_trip(void **state)
{
	struct monitor_exit in = { .exit_code = 3,
				   .oom_killed = false,
				   .finished_at = 1795387681000000042LL };
	assert_int_equal(monitor_exit_write(tmpdir, &in, NULL), 0);
	struct monitor_exit out = { .exit_code = -1 };
	assert_int_equal(monitor_exit_read(tmpdir, &out, NULL), 0);
	assert_int_equal(out.exit_code, 3);
	assert_false(out.oom_killed);
	assert_true(out.finished_at == in.finished_at);
}

/* The file is replaced by rename (a new inode), never rewritten in place, and no temporary
 * file is left behind. */
static void test_monitor_exit_write_is_atomic(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "exit");
	struct monitor_exit a = { .exit_code = 1, .finished_at = 1 };
	struct monitor_exit b = { .exit_code = 143, .oom_killed = true, .finished_at = 2 };
	assert_int_equal(monitor_exit_write(tmpdir, &a, NULL), 0);
	struct stat st1, st2;
	assert_int_equal(stat(path, &st1), 0);
	/* a reader holding the old file keeps seeing the old, whole content */
	_cleanup_fclose_ FILE *old = fopen(path, "re");
	assert_non_null(old);
	assert_int_equal(monitor_exit_write(tmpdir, &b, NULL), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	char buf[128] = "";
	assert_non_null(fgets(buf, sizeof(buf), old));
	assert_string_equal(buf, "{\"exit_code\":1,\"oom_killed\":false,\"finished_at\":1}\n");
	assert_int_equal(dir_entries(tmpdir), 1);
	struct monitor_exit out;
	assert_int_equal(monitor_exit_read(tmpdir, &out, NULL), 0);
	assert_int_equal(out.exit_code, 143);
	assert_true(out.oom_killed);
}

static void test_monitor_exit_read_missing(void **state)
{
	struct monitor_exit out;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(monitor_exit_read(tmpdir, &out, &err), -ENOENT);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_int_equal(monitor_exit_read(tmpdir, &out, NULL), -ENOENT);
}

static void expect_corrupt(const char *text)
{
	put("exit", text);
	struct monitor_exit out;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_exit_read(tmpdir, &out, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	assert_non_null(strstr(err->msg, tmpdir));
}

static void test_monitor_exit_read_corrupt(void **state)
{
	expect_corrupt("");
	expect_corrupt("{\"exit_code\":");
	expect_corrupt("{\"exit_code\":\"1\"}");
	expect_corrupt("{\"exit_code\":256}");
	expect_corrupt("{\"exit_code\":-1}");
	expect_corrupt("{\"exit_code\":0,\"oom_killed\":1}");
	expect_corrupt("{\"exit_code\":0,\"finished_at\":\"x\"}");
	/* finished_at and oom_killed may be missing */
	put("exit", "{\"exit_code\":9}");
	struct monitor_exit out;
	assert_int_equal(monitor_exit_read(tmpdir, &out, NULL), 0);
	assert_int_equal(out.exit_code, 9);
	assert_false(out.oom_killed);
	assert_true(out.finished_at == 0);
}

static void test_monitor_exit_write_rejects_bad_code(void **state)
{
	struct monitor_exit e = { .exit_code = 300 };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_exit_write(tmpdir, &e, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_int_equal(dir_entries(tmpdir), 0);
}

static void test_monitor_oom_check_v1_v2(void **state)
{
	_cleanup_free_ char *root = path_join(tmpdir, "cg");
	put("cg/memory/selkie/a/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put("cg/memory/selkie/b/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put("cg/selkie/c/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
	put("cg/selkie/d/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	put("cg/selkie/e/memory.events", "oom_kill_x 5\n");
	assert_true(monitor_oom_check(root, "/selkie/a"));
	assert_true(monitor_oom_check(root, "selkie/a"));
	assert_false(monitor_oom_check(root, "/selkie/b"));
	assert_true(monitor_oom_check(root, "/selkie/c"));
	assert_false(monitor_oom_check(root, "/selkie/d"));
	assert_false(monitor_oom_check(root, "/selkie/e"));
	assert_false(monitor_oom_check(root, "/selkie/missing"));
	assert_false(monitor_oom_check(root, NULL));
	assert_false(monitor_oom_check(root, ""));
	assert_false(monitor_oom_check(root, "/"));
	/* never outside the cgroup tree */
	assert_false(monitor_oom_check(root, "/selkie/x/../a"));
	assert_false(monitor_oom_check(root, "../cg/memory/selkie/a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_exit_encode_format),
		cmocka_unit_test_setup_teardown(test_monitor_exit_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_exit_write_is_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_exit_read_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_exit_read_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_exit_write_rejects_bad_code, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_oom_check_v1_v2, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
