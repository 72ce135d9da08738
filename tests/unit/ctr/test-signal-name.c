/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>

#include "ctr/signal-name.h"

static void assert_parses(const char *s, int want)
{
	struct sk_error *err = NULL;
	assert_int_equal(ctr_signal_parse(s, &err), want);
	assert_null(err);
}

static void assert_rejects(const char *s, const char *msg)
{
	struct sk_error *err = NULL;
	assert_true(ctr_signal_parse(s, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
	sk_error_free(err);
}

static void assert_name(int signo, const char *want)
{
	char *name = ctr_signal_name_new(signo);
	if (!want) {
		assert_null(name);
		return;
	}
	assert_non_null(name);
	assert_string_equal(name, want);
	free(name);
}

static void test_ctr_signal_parse_names(void **state)
{
	(void)state;
	assert_parses("SIGTERM", SIGTERM);
	assert_parses("TERM", SIGTERM);
	assert_parses("term", SIGTERM);
	assert_parses("sigKill", SIGKILL);
	assert_parses("SIGHUP", SIGHUP);
	assert_parses("USR1", SIGUSR1);
	assert_parses("SIGUSR2", SIGUSR2);
	assert_parses("SIGWINCH", SIGWINCH);
	assert_parses("IOT", SIGABRT);
	assert_parses("CLD", SIGCHLD);
	assert_parses("POLL", SIGIO);
	assert_parses("SIGSYS", SIGSYS);
	assert_parses("STKFLT", 16);
	assert_parses("SIGPWR", 30);
}

static void test_ctr_signal_parse_numbers(void **state)
{
	(void)state;
	assert_parses("15", 15);
	assert_parses("1", 1);
	assert_parses("9", 9);
	assert_parses("64", 64);
	assert_parses("32", 32);
}

static void test_ctr_signal_parse_realtime(void **state)
{
	(void)state;
	assert_parses("RTMIN", 34);
	assert_parses("SIGRTMIN", 34);
	assert_parses("RTMIN+3", 37);
	assert_parses("sigrtmin+15", 49);
	assert_parses("RTMAX", 64);
	assert_parses("SIGRTMAX-1", 63);
	assert_parses("RTMAX-14", 50);
}

static void test_ctr_signal_parse_invalid(void **state)
{
	(void)state;
	assert_rejects("FOO", "invalid signal: FOO");
	assert_rejects("SIGFOO", "invalid signal: SIGFOO");
	assert_rejects("SIG", "invalid signal: SIG");
	assert_rejects("", "invalid signal: ");
	assert_rejects("0", "invalid signal: 0");
	assert_rejects("-9", "invalid signal: -9");
	assert_rejects("+9", "invalid signal: +9");
	assert_rejects("15x", "invalid signal: 15x");
	assert_rejects("99", "valid signals are 1 through 64");
	assert_rejects("65", "valid signals are 1 through 64");
	assert_rejects("99999999999999999999", "invalid signal: 99999999999999999999");
	assert_rejects("RTMIN+0", "invalid signal: RTMIN+0");
	assert_rejects("RTMIN+16", "invalid signal: RTMIN+16");
	assert_rejects("RTMIN-1", "invalid signal: RTMIN-1");
	assert_rejects("RTMAX-15", "invalid signal: RTMAX-15");
	assert_rejects("RTMAX+1", "invalid signal: RTMAX+1");
	assert_rejects("RTMIN+", "invalid signal: RTMIN+");
	assert_rejects("RTMIN+1x", "invalid signal: RTMIN+1x");
	assert_rejects("RTMIN+001", "invalid signal: RTMIN+001");
	assert_rejects(" TERM", "invalid signal:  TERM");
	assert_rejects("TERM ", "invalid signal: TERM ");
}

static void test_ctr_signal_parse_null_err(void **state)
{
	(void)state;
	assert_true(ctr_signal_parse("nope", NULL) < 0);
	assert_true(ctr_signal_parse(NULL, NULL) < 0);
}

static void test_ctr_signal_name_new_all(void **state)
{
	(void)state;
	assert_name(SIGTERM, "SIGTERM");
	assert_name(SIGKILL, "SIGKILL");
	assert_name(SIGABRT, "SIGABRT");
	assert_name(SIGCHLD, "SIGCHLD");
	assert_name(SIGIO, "SIGIO");
	assert_name(31, "SIGSYS");
	assert_name(32, "32");
	assert_name(33, "33");
	assert_name(34, "SIGRTMIN");
	assert_name(37, "SIGRTMIN+3");
	assert_name(49, "SIGRTMIN+15");
	assert_name(50, "SIGRTMAX-14");
	assert_name(63, "SIGRTMAX-1");
	assert_name(64, "SIGRTMAX");
	assert_name(0, NULL);
	assert_name(65, NULL);
	assert_name(-1, NULL);
}

static void test_ctr_signal_name_new_round_trip(void **state)
{
	(void)state;
	for (int i = 1; i <= 64; i++) {
		char *name = ctr_signal_name_new(i);
		assert_non_null(name);
		assert_int_equal(ctr_signal_parse(name, NULL), i);
		free(name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_signal_parse_names),
		cmocka_unit_test(test_ctr_signal_parse_numbers),
		cmocka_unit_test(test_ctr_signal_parse_realtime),
		cmocka_unit_test(test_ctr_signal_parse_invalid),
		cmocka_unit_test(test_ctr_signal_parse_null_err),
		cmocka_unit_test(test_ctr_signal_name_new_all),
		cmocka_unit_test(test_ctr_signal_name_new_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
