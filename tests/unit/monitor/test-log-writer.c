/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "monitor/log-writer.h"
#include "util/fs.h"
#include "util/timeutil.h"

/* 2026-11-22T22:48:01.000000042Z */
#define TS 1795387681000000042LL

static char *tmpdir;

static int setup(void **state)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-logw-", &tmpdir), 0);
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static char *read_all(const char *path)
{
	char *s = NULL;
	size_t n;
	assert_int_equal(fs_read_file(path, 64 << 20, &s, &n), 0);
	return s;
}

static void test_monitor_log_stream_names(void **state)
{
	assert_string_equal(monitor_log_stream_to_string(MONITOR_LOG_STDOUT), "stdout");
	assert_string_equal(monitor_log_stream_to_string(MONITOR_LOG_STDERR), "stderr");
	assert_null(monitor_log_stream_to_string(_MONITOR_LOG_STREAM_MAX));
	assert_int_equal(monitor_log_stream_from_string("stderr xx", 6), MONITOR_LOG_STDERR);
	assert_int_equal(monitor_log_stream_from_string("stdin", 5), _MONITOR_LOG_STREAM_INVALID);
	assert_int_equal(monitor_log_stream_from_string("stdou", 5), _MONITOR_LOG_STREAM_INVALID);
}

static void test_monitor_log_timestamp_format_offsets(void **state)
{
	char buf[MONITOR_LOG_TIMESTAMP_MAX];
	size_t n = monitor_log_timestamp_format(TS, false, buf);
	assert_string_equal(buf, "2026-11-22T22:48:01.000000042+00:00");
	assert_int_equal(n, strlen(buf));
	setenv("TZ", "IST-5:30", 1);
	tzset();
	monitor_log_timestamp_format(TS, false, buf);
	assert_string_equal(buf, "2026-11-23T04:18:01.000000042+05:30");
	int64_t back;
	assert_int_equal(time_parse_rfc3339(buf, &back), 0);
	assert_true(back == TS);
	setenv("TZ", "NST3:30", 1);
	tzset();
	monitor_log_timestamp_format(TS, false, buf);
	assert_string_equal(buf, "2026-11-22T19:18:01.000000042-03:30");
	assert_int_equal(time_parse_rfc3339(buf, &back), 0);
	assert_true(back == TS);
	setenv("TZ", "UTC0", 1);
	tzset();
	monitor_log_timestamp_format(0, false, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000+00:00");
	assert_int_equal(monitor_log_timestamp_format(TS, true, buf), 30);
	assert_string_equal(buf, "2026-11-22T22:48:01.000000042Z");
	setenv("TZ", "IST-5:30", 1);
	tzset();
	monitor_log_timestamp_format(TS, true, buf);
	assert_string_equal(buf, "2026-11-23T04:18:01.000000042+05:30");
	setenv("TZ", "UTC0", 1);
	tzset();
	monitor_log_timestamp_format(-1, false, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999999+00:00");
}

static void test_monitor_log_write_records(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "a.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	const char *in = "hello\n\nworld\npart";
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, in, strlen(in), TS, NULL), 0);
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDERR, "ial\n", 4, TS + 1, NULL), 0);
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, "", 0, TS, NULL), 0);
	_cleanup_free_ char *got = read_all(path);
	assert_string_equal(got, "2026-11-22T22:48:01.000000042+00:00 stdout F hello\n"
				 "2026-11-22T22:48:01.000000042+00:00 stdout F \n"
				 "2026-11-22T22:48:01.000000042+00:00 stdout F world\n"
				 "2026-11-22T22:48:01.000000042+00:00 stdout P part\n"
				 "2026-11-22T22:48:01.000000043+00:00 stderr F ial\n");
	assert_int_equal(monitor_log_writer_size(w), strlen(got));
	assert_int_equal(monitor_log_writer_sync(w, NULL), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_monitor_log_write_long_line_split(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "long.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	size_t len = 2 * MONITOR_LOG_RECORD_MAX + 10;
	_cleanup_free_ char *in = malloc(len + 1);
	memset(in, 'x', len);
	in[len] = '\n';
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, in, len + 1, TS, NULL), 0);
	_cleanup_free_ char *got = read_all(path);
	const char *hdr = "2026-11-22T22:48:01.000000042+00:00 stdout ";
	size_t h = strlen(hdr) + 2;
	assert_int_equal(strlen(got), 3 * (h + 1) + len);
	assert_memory_equal(got + strlen(hdr), "P ", 2);
	assert_int_equal(got[h + MONITOR_LOG_RECORD_MAX], '\n');
	const char *third = got + 2 * (h + MONITOR_LOG_RECORD_MAX + 1);
	assert_memory_equal(third + strlen(hdr), "F xxxxxxxxxx\n", 13);
}

static void test_monitor_log_write_rotates_at_max_size(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "rot.log");
	_cleanup_free_ char *tmp = path_join(tmpdir, "rot.log.tmp");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	/* each record: 35 + 1 + 6 + 3 + 5 + 1 = 51 bytes; four fit in 210 */
	assert_int_equal(monitor_log_writer_open(path, 210, &w, NULL), 0);
	for (int i = 0; i < 10; i++) {
		char line[16];
		snprintf(line, sizeof(line), "l%04d\n", i);
		assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, line, 6, TS, NULL), 0);
		assert_true(monitor_log_writer_size(w) <= 210);
	}
	assert_int_equal(monitor_log_writer_rotations(w), 2);
	_cleanup_free_ char *got = read_all(path);
	assert_int_equal(strlen(got), 2 * 51);
	assert_non_null(strstr(got, "stdout F l0008\n"));
	assert_non_null(strstr(got, "stdout F l0009\n"));
	assert_null(strstr(got, "l0007"));
	assert_false(fs_exists(tmp));
	/* one write crossing the limit rotates between records, never inside one */
	const char *many = "a\nb\nc\nd\ne\n";
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, many, 10, TS, NULL), 0);
	free(got);
	got = read_all(path);
	assert_true(strncmp(got, "2026-11-22T22:48:01.000000042+00:00 stdout F ", 45) == 0);
	assert_int_equal(monitor_log_writer_size(w), strlen(got));
}

static void test_monitor_log_writer_open_counts_existing(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "old.log");
	assert_int_equal(fs_write_atomic(path, "0123456789", 10, 0600), 0);
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 60, &w, NULL), 0);
	assert_int_equal(monitor_log_writer_size(w), 10);
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, "abcde\n", 6, TS, NULL), 0);
	assert_int_equal(monitor_log_writer_rotations(w), 1);
	/* a record larger than max_size still goes into the (empty) file */
	assert_int_equal(
		monitor_log_write(w, MONITOR_LOG_STDOUT, "abcdefghijklmnop\n", 17, TS, NULL), 0);
	assert_int_equal(monitor_log_writer_rotations(w), 2);
	assert_int_equal(monitor_log_writer_size(w), 35 + 1 + 6 + 3 + 16 + 1);
}

static void test_monitor_log_write_errors_never_hang(void **state)
{
	_cleanup_(sk_error_freep) struct sk_error *err = NULL;
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_true(monitor_log_writer_open("/nonexistent/dir/x.log", 0, &w, &err) < 0);
	assert_non_null(strstr(err->msg, "open log file '/nonexistent/dir/x.log'"));
	sk_error_free(TAKE_PTR(err));

	/* a full disk */
	assert_int_equal(monitor_log_writer_open("/dev/full", 0, &w, NULL), 0);
	assert_true(monitor_log_write(w, MONITOR_LOG_STDOUT, "x\n", 2, TS, &err) < 0);
	assert_int_equal(err->errnum, ENOSPC);
	assert_non_null(strstr(err->msg, "write log file '/dev/full'"));
	sk_error_free(TAKE_PTR(err));
	assert_true(monitor_log_write(w, _MONITOR_LOG_STREAM_MAX, "x\n", 2, TS, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	sk_error_free(TAKE_PTR(err));

	/* a FIFO nobody reads: fails at once instead of blocking in open() */
	_cleanup_free_ char *fifo = path_join(tmpdir, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	monitor_log_writer_free(TAKE_PTR(w));
	assert_true(monitor_log_writer_open(fifo, 0, &w, &err) < 0);
	assert_int_equal(err->errnum, ENXIO);
}

static void test_monitor_log_write_torn_record_is_ended(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "torn.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	/* the file may grow by 60 bytes only: the write stops inside the record */
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 60;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	_cleanup_(sk_error_freep) struct sk_error *err = NULL;
	const char *in = "0123456789012345678901234567890123456789\n";
	int r = monitor_log_write(w, MONITOR_LOG_STDOUT, in, strlen(in), TS, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_true(r < 0);
	assert_int_equal(err->errnum, EFBIG);
	assert_int_equal(monitor_log_writer_size(w), 60);
	/* the next write first ends the torn line, so its record starts a line of its own */
	assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDERR, "ok\n", 3, TS, NULL), 0);
	_cleanup_free_ char *got = read_all(path);
	assert_string_equal(got, "2026-11-22T22:48:01.000000042+00:00 stdout F 012345678901234\n"
				 "2026-11-22T22:48:01.000000042+00:00 stderr F ok\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_log_stream_names),
		cmocka_unit_test(test_monitor_log_timestamp_format_offsets),
		cmocka_unit_test(test_monitor_log_write_records),
		cmocka_unit_test(test_monitor_log_write_long_line_split),
		cmocka_unit_test(test_monitor_log_write_rotates_at_max_size),
		cmocka_unit_test(test_monitor_log_writer_open_counts_existing),
		cmocka_unit_test(test_monitor_log_write_errors_never_hang),
		cmocka_unit_test(test_monitor_log_write_torn_record_is_ended),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
