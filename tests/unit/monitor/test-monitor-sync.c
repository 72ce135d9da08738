/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "monitor/monitor-internal.h"
#include "util/xalloc.h"

/* What runc 1.1 writes on stderr when the command does not exist (logrus text format). */
#define RUNC_NOCMD                                                                                 \
	"time=\"2026-11-23T01:42:37Z\" level=error msg=\"runc create failed: unable to start "     \
	"container process: exec: \\\"nope\\\": executable file not found in $PATH\"\n"
#define RUNC_NOEXEC                                                                                \
	"time=\"2026-11-23T01:42:37Z\" level=error msg=\"runc create failed: unable to start "     \
	"container process: exec: \\\"/bin/busybox\\\": permission denied\"\n"

static int parse(const char *text, struct monitor_sync_result *res, struct sk_error **err)
{
	return monitor_sync_parse(text, strlen(text), "/usr/bin/selkie", res, err);
}

static void test_monitor_sync_parse_created(void **state)
{
	_cleanup_free_ char *line = monitor_sync_line_created(1234, 99);
	assert_string_equal(line, "{\"pid\":1234,\"monitor_pid\":99}\n");
	struct monitor_sync_result res = { 0 };
	assert_int_equal(parse(line, &res, NULL), 0);
	assert_int_equal(res.pid, 1234);
	assert_int_equal(res.monitor_pid, 99);
}

/* The runtime's message through the whole path: cleaned by the monitor, sent, classified. */
static void expect_runtime(const char *stderr_text, enum sk_error_kind kind, int errnum,
			   const char *msg)
{
	_cleanup_free_ char *clean =
		monitor_runtime_msg_clean("runc", stderr_text, strlen(stderr_text), 1 << 8);
	_cleanup_error_ struct sk_error *sent = NULL;
	sk_error_set(&sent, SK_ERR_RUNTIME, EIO, "%s", clean);
	_cleanup_free_ char *line = monitor_sync_line_failed(sent);
	assert_non_null(strchr(line, '\n'));
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	struct monitor_sync_result res = { 0 };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(parse(line, &res, &err) < 0);
	assert_int_equal(err->kind, kind);
	assert_int_equal(err->errnum, errnum);
	assert_string_equal(err->msg, msg);
}

static void test_monitor_sync_parse_runtime_errors(void **state)
{
	expect_runtime(RUNC_NOCMD, SK_ERR_NOCMD, ENOENT,
		       "runc: runc create failed: unable to start container process: exec: "
		       "\"nope\": executable file not found in $PATH: OCI runtime attempted to "
		       "invoke a command that was not found");
	expect_runtime(RUNC_NOEXEC, SK_ERR_NOEXEC, EACCES,
		       "runc: runc create failed: unable to start container process: exec: "
		       "\"/bin/busybox\": permission denied: OCI permission denied");
	expect_runtime("cgroups in hybrid mode not supported, drop all controllers from "
		       "cgroupv2\n",
		       SK_ERR_RUNTIME, EIO,
		       "runc: cgroups in hybrid mode not supported, drop all controllers from "
		       "cgroupv2: OCI runtime error");
}

static void test_monitor_sync_parse_monitor_errors(void **state)
{
	struct monitor_sync_result res = { 0 };
	_cleanup_error_ struct sk_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	/* the monitor's own failures keep their kind and message, unclassified */
	assert_true(parse("{\"error\":\"bind attach socket in '/r': no such file or directory\","
			  "\"kind\":\"system\"}\n",
			  &res, &e1) < 0);
	assert_int_equal(e1->kind, SK_ERR_SYSTEM);
	assert_int_equal(e1->errnum, EIO);
	assert_string_equal(e1->msg, "bind attach socket in '/r': no such file or directory");
	/* the errno travels with the kind */
	_cleanup_error_ struct sk_error *sent = NULL, *got = NULL;
	sk_error_set(&sent, SK_ERR_NOTFOUND, ENOENT, "read '/r/monitor.json': gone");
	_cleanup_free_ char *line = monitor_sync_line_failed(sent);
	assert_true(parse(line, &res, &got) < 0);
	assert_int_equal(got->kind, SK_ERR_NOTFOUND);
	assert_int_equal(got->errnum, ENOENT);
	assert_string_equal(got->msg, "read '/r/monitor.json': gone");
	assert_true(parse("{\"exec_errno\":2}\n", &res, &e2) < 0);
	assert_int_equal(e2->kind, SK_ERR_SYSTEM);
	assert_int_equal(e2->errnum, ENOENT);
	assert_string_equal(e2->msg,
			    "exec container monitor '/usr/bin/selkie': No such file or directory");
	assert_true(parse("{\"error\":\"x\",\"kind\":\"bogus\"}", &res, &e3) < 0);
	assert_int_equal(e3->kind, SK_ERR_INTERNAL);
	assert_true(parse("{\"other\":1}", &res, &e4) < 0);
	assert_int_equal(e4->kind, SK_ERR_INTERNAL);
}

static void test_monitor_sync_parse_bad_input(void **state)
{
	const char *bad[] = {
		"",
		"\n \n",
		"not json",
		"{\"pid\":12",
		"{\"pid\":0,\"monitor_pid\":1}",
		"{\"pid\":5}",
		"{\"pid\":-5,\"monitor_pid\":1}",
		"{\"pid\":99999999999,\"monitor_pid\":1}",
		"[1,2]",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct monitor_sync_result res = { .pid = 77 };
		_cleanup_error_ struct sk_error *err = NULL;
		assert_true(parse(bad[i], &res, &err) < 0);
		assert_int_equal(err->kind, SK_ERR_INTERNAL);
		assert_int_equal(res.pid, 77); /* untouched */
	}
	_cleanup_error_ struct sk_error *err = NULL;
	struct monitor_sync_result res;
	assert_true(parse("", &res, &err) < 0);
	assert_string_equal(err->msg, "container monitor exited without reporting");
}

static void test_monitor_runtime_error_kind_podman_order(void **state)
{
	assert_int_equal(monitor_runtime_error_kind("exec: x: Permission Denied"), SK_ERR_NOEXEC);
	assert_int_equal(monitor_runtime_error_kind("setrlimit: operation not permitted"),
			 SK_ERR_NOEXEC);
	assert_int_equal(monitor_runtime_error_kind("stat /x: no such file or directory"),
			 SK_ERR_NOCMD);
	assert_int_equal(monitor_runtime_error_kind("executable file not found in $PATH"),
			 SK_ERR_NOCMD);
	/* podman tests "permission denied" first */
	assert_int_equal(monitor_runtime_error_kind("no such file or directory; permission denied"),
			 SK_ERR_NOEXEC);
	assert_int_equal(monitor_runtime_error_kind("cgroups in hybrid mode"), SK_ERR_RUNTIME);
}

static void expect_clean(const char *text, int status, const char *want)
{
	_cleanup_free_ char *got =
		monitor_runtime_msg_clean("crun", text, text ? strlen(text) : 0, status);
	assert_string_equal(got, want);
}

static void test_monitor_runtime_msg_clean(void **state)
{
	/* the error record wins over later warnings and earlier lines */
	expect_clean("time=\"t\" level=warning msg=\"a warning\"\n"
		     "time=\"t\" level=error msg=\"the \\\"error\\\"\\nsecond line\"\n"
		     "time=\"t\" level=warning msg=\"late warning\"\n",
		     1 << 8, "crun: the \"error\" second line");
	/* JSON lines (--log-format=json) */
	expect_clean("{\"level\":\"info\",\"msg\":\"starting\"}\n"
		     "{\"level\":\"error\",\"msg\":\"json error\",\"time\":\"t\"}\n",
		     1 << 8, "crun: json error");
	/* plain text: the last non-empty line; the runtime's own prefix is not doubled */
	expect_clean("first\ncrun: the real reason\n\n", 1 << 8, "crun: the real reason");
	expect_clean("Error: crun: prefixed\n", 1 << 8, "crun: prefixed");
	/* control characters flattened */
	expect_clean("bad\tchars\x1b[0m here  \n", 1 << 8, "crun: bad chars [0m here");
	/* nothing said: the wait status */
	expect_clean(NULL, 3 << 8, "crun: create failed: exit status 3");
	expect_clean("\n  \n", 1 << 8, "crun: create failed: exit status 1");
	expect_clean(NULL, SIGKILL, "crun: create failed: killed by signal 9");
}

static void test_monitor_runtime_msg_clean_bounded(void **state)
{
	size_t n = 3 * MONITOR_RUNTIME_MSG_MAX;
	char *big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	_cleanup_free_ char *got = monitor_runtime_msg_clean("runc", big, n, 1 << 8);
	assert_int_equal(strlen(got), MONITOR_RUNTIME_MSG_MAX);
	assert_true(strneq(got, "runc: xxx", 9));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_sync_parse_created),
		cmocka_unit_test(test_monitor_sync_parse_runtime_errors),
		cmocka_unit_test(test_monitor_sync_parse_monitor_errors),
		cmocka_unit_test(test_monitor_sync_parse_bad_input),
		cmocka_unit_test(test_monitor_runtime_error_kind_podman_order),
		cmocka_unit_test(test_monitor_runtime_msg_clean),
		cmocka_unit_test(test_monitor_runtime_msg_clean_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
