/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/top.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define SEC 1000000000LL
#define BTIME 1700000000LL
/* 100.5 s after process 100 started (btime + 5000 ticks / 100) */
#define NOW ((BTIME + 150) * SEC + 500000000LL)

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# comment\n"
			     "www:x:33:33::/:/bin/sh\n";
static const char group[] = "root:x:0:\nwww:x:33:\n";
static const char host_passwd[] = "root:x:0:0::/root:/bin/bash\nhostuser:x:1033:1033::/:/bin/sh\n";

struct fixture {
	char *work;
	char *proc;
	struct ctr_top_opts opts;
};

static void put(const char *root, const char *rel, const char *content, size_t len)
{
	char *path = path_join(root, rel);
	assert_int_equal(fs_mkdir_parents(path, 0755), 0);
	assert_int_equal(fs_write_atomic(path, content, len, 0644), 0);
	free(path);
}

static void puts_(const char *root, const char *rel, const char *content)
{
	put(root, rel, content, strlen(content));
}

static const char status_fmt[] = "Name:\t%s\n"
				 "Umask:\t0022\n"
				 "State:\t%s\n"
				 "Uid:\t%s\n"
				 "Gid:\t%s\n"
				 "Groups:\t%s\n"
				 "NStgid:\t%s\n"
				 "NSpid:\t%s\n"
				 "NSpgid:\t%s\n"
				 "%s"
				 "CapInh:\t0000000000000000\n"
				 "CapPrm:\t00000000800405fb\n"
				 "CapEff:\t%s\n"
				 "CapBnd:\t%s\n"
				 "CapAmb:\t0000000000000000\n"
				 "Seccomp:\t%s\n";

/* A fake /proc: 50 is the runtime on the host; 100, 101 and 102 are the container's
 * processes (container PIDs 1, 2, 3) in a user namespace mapping 0 → 1000. */
static void proc_tree(const char *proc)
{
	char *s;
	const char *map = "         0       1000      65536\n";

	puts_(proc, "stat", "cpu  1 2 3\nintr 0\nbtime 1700000000\nprocesses 10\n");
	puts_(proc, "50/stat",
	      "50 (conmon) S 1 50 50 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 "
	      "1000 10 0\n");
	s = xasprintf(status_fmt, "conmon", "S (sleeping)", "0\t0\t0\t0", "0\t0\t0\t0", "", "50",
		      "50", "50", "", "0000000000000000", "000001ffffffffff", "0");
	puts_(proc, "50/status", s);
	free(s);

	puts_(proc, "100/stat",
	      "100 (sh) S 50 100 100 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 "
	      "1 0 5000 2322432 394 18446744073709551615 1 1 0 0 0\n");
	s = xasprintf(status_fmt, "sh", "S (sleeping)", "1000\t1000\t1000\t1000",
		      "1000\t1000\t1000\t1000", "", "100\t1", "100\t1", "100\t1",
		      "VmRSS:\t    1576 kB\n", "00000000800405fb", "00000000800405fb", "2");
	puts_(proc, "100/status", s);
	free(s);
	put(proc, "100/cmdline", "sh\0-c\0sleep 100; true\0", 22);
	puts_(proc, "100/uid_map", map);
	puts_(proc, "100/gid_map", map);

	/* comm with a space and a parenthesis; on pts/0 (136:0) */
	puts_(proc, "101/stat",
	      "101 (sl ee)p) R 100 100 100 34816 101 0 0 0 0 0 1 0 0 0 20 5 "
	      "1 0 14000 4096 10 0\n");
	s = xasprintf(status_fmt, "sl ee)p", "R (running)", "1033\t1033\t1033\t1033",
		      "1033\t1033\t1033\t1033", "1033 3000 ", "101\t2", "101\t2", "100\t1",
		      "VmRSS:\t    1364 kB\n", "0000000000000000", "0000003fffffffff", "2");
	puts_(proc, "101/status", s);
	free(s);
	put(proc, "101/cmdline", "sleep\000100", 10); /* "sleep" NUL "100" NUL */
	puts_(proc, "101/uid_map", map);
	puts_(proc, "101/gid_map", map);
	puts_(proc, "101/attr/current", "unconfined\n");

	/* exec'd from outside (parent 50), no command line, no VmRSS, seccomp off */
	puts_(proc, "102/stat",
	      "102 (kworker) S 50 102 102 1025 -1 0 0 0 0 0 0 0 0 0 20 -5 1 0 "
	      "15000 0 0 0\n");
	s = xasprintf(status_fmt, "kworker", "S (sleeping)", "1000\t1000\t1000\t1000",
		      "1000\t1000\t1000\t1000", "", "102\t3", "102\t3", "102\t3", "",
		      "000001ffffffffff", "000001ffffffffff", "0");
	puts_(proc, "102/status", s);
	free(s);
	put(proc, "102/cmdline", "", 0);
	puts_(proc, "102/uid_map", map);
	puts_(proc, "102/gid_map", map);
}

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");

	f->work = xasprintf("%s/selkie-top-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->proc = path_join(f->work, "proc");
	proc_tree(f->proc);
	f->opts = (struct ctr_top_opts){
		.proc_root = f->proc,
		.passwd = passwd,
		.group = group,
		.host_passwd = host_passwd,
		.host_group = NULL,
		.now_ns = NOW,
		.clock_ticks = 100,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_rm_rf(f->work);
	free(f->work);
	free(f->proc);
	free(f);
	return 0;
}

static const pid_t all_pids[] = { 102, 103, 101, 100 }; /* 103 is gone */

static char **run_lines(struct fixture *f, char **args)
{
	struct ctr_top_table t = { 0 };
	struct sk_error *err = NULL;

	assert_int_equal(ctr_top_run(&f->opts, all_pids, ELEMENTSOF(all_pids), args, &t, &err), 0);
	assert_null(err);
	assert_int_equal(t.n_rows, 3);
	char **lines = ctr_top_table_lines(&t);
	ctr_top_table_done(&t);
	return lines;
}

static void test_ctr_top_run_default(void **state)
{
	struct fixture *f = *state;
	char **lines = run_lines(f, NULL);

	assert_int_equal(strv_length(lines), 4);
	assert_string_equal(lines[0], "USER\tPID\tPPID\t%CPU\tELAPSED\tTTY\tTIME\tCOMMAND");
	assert_string_equal(lines[1], "root\t1\t0\t3.980\t1m40.5s\t?\t4s\tsh -c sleep 100; true ");
	assert_string_equal(lines[2], "www\t2\t1\t0.000\t10.5s\tpts/0\t0s\tsleep 100 ");
	assert_string_equal(lines[3], "root\t3\t0\t0.000\t500ms\ttty1\t0s\t[kworker]");
	strv_free(lines);
}

static void test_ctr_top_run_ids_and_names(void **state)
{
	struct fixture *f = *state;
	char **args = strv_new("pid,ppid,pgid", "user", "%U,ruser,group,rgroup,groups", "huser",
			       "hgroup,hgroups,hpid", NULL);
	char **lines = run_lines(f, args);

	assert_string_equal(lines[0], "PID\tPPID\tPGID\tUSER\tUSER\tRUSER\tGROUP\tRGROUP\tGROUPS\t"
				      "HUSER\tHGROUP\tHGROUPS\tHPID");
	assert_string_equal(lines[1], "1\t0\t1\troot\troot\troot\troot\troot\t\t1000\t1000\t\t100");
	assert_string_equal(lines[2], "2\t1\t1\twww\twww\twww\twww\twww\twww,2000\thostuser\t1033\t"
				      "1033,3000\t101");
	assert_string_equal(lines[3], "3\t0\t3\troot\troot\troot\troot\troot\t\t1000\t1000\t\t102");
	strv_free(lines);
	strv_free(args);
}

static void test_ctr_top_run_process_fields(void **state)
{
	struct fixture *f = *state;
	char **args = strv_new("comm", "nice", "vsz,rss", "state", "stime", "seccomp", "label",
			       "%y", NULL);
	char **lines = run_lines(f, args);

	assert_string_equal(lines[0], "COMMAND\tNI\tVSZ\tRSS\tSTATE\tSTIME\tSECCOMP\tLABEL\tTTY");
	assert_string_equal(lines[1], "sh\t0\t2268\t1576\tS\t2023-11-14 22:14:10 +0000 UTC\t"
				      "filter\t?\t?");
	assert_string_equal(lines[2], "sl ee)p\t5\t4\t1364\tR\t2023-11-14 22:15:40 +0000 UTC\t"
				      "filter\tunconfined\tpts/0");
	assert_string_equal(lines[3], "kworker\t-5\t0\t0\tS\t2023-11-14 22:15:50 +0000 UTC\t"
				      "disabled\t?\ttty1");
	strv_free(lines);
	strv_free(args);
}

static void test_ctr_top_run_capabilities(void **state)
{
	struct fixture *f = *state;
	char **args = strv_new("capeff,capbnd,capamb", NULL);
	char **lines = run_lines(f, args);
	const char *dflt = "CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,"
			   "SETGID,SETPCAP,SETUID,SYS_CHROOT";
	char *want = xasprintf("%s\t%s\tnone", dflt, dflt);

	assert_string_equal(lines[0], "EFFECTIVE CAPS\tBOUNDING CAPS\tAMBIENT CAPS");
	assert_string_equal(lines[1], want);
	assert_string_equal(lines[2], "none\tfull\tnone");
	/* all 41 bits of a 6.x kernel: psgo knows 38 names, the rest print as "unknown" */
	assert_non_null(strstr(lines[3], "AUDIT_CONTROL,AUDIT_READ,AUDIT_WRITE,BLOCK_SUSPEND,"));
	assert_non_null(strstr(lines[3], ",SYSLOG,SYS_ADMIN,"));
	assert_non_null(strstr(lines[3], ",WAKE_ALARM,unknown,unknown,unknown\t"));
	free(want);
	strv_free(lines);
	strv_free(args);
}

static void test_ctr_top_run_unknown_descriptor(void **state)
{
	struct fixture *f = *state;
	struct ctr_top_table t = { 0 };
	struct sk_error *err = NULL;
	char **args = strv_new("pid", "foo", NULL);

	assert_true(ctr_top_run(&f->opts, all_pids, 1, args, &t, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, "'foo': unknown descriptor");
	assert_null(t.titles);
	sk_error_free(err);
	strv_free(args);
}

static void test_ctr_top_run_no_processes(void **state)
{
	struct fixture *f = *state;
	struct ctr_top_table t = { 0 };
	const pid_t gone[] = { 999 };
	char **args = strv_new("pid", NULL);

	assert_int_equal(ctr_top_run(&f->opts, gone, 1, args, &t, NULL), 0);
	assert_int_equal(t.n_rows, 0);
	char **lines = ctr_top_table_lines(&t);
	assert_int_equal(strv_length(lines), 1);
	assert_string_equal(lines[0], "PID");
	strv_free(lines);
	ctr_top_table_done(&t);
	strv_free(args);
}

static void test_ctr_top_run_missing_btime(void **state)
{
	struct fixture *f = *state;
	struct ctr_top_table t = { 0 };
	struct sk_error *err = NULL;

	puts_(f->proc, "stat", "cpu 1 2 3\n");
	assert_true(ctr_top_run(&f->opts, all_pids, 1, NULL, &t, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_SYSTEM);
	sk_error_free(err);
}

static void test_ctr_top_descriptors_valid_cases(void **state)
{
	(void)state;
	char *none[] = { NULL };
	char *known[] = { "pid", "user,comm", "%C", " args ", "pid,,ppid", NULL };
	char *ps_args[] = { "-ef", NULL };
	char *mixed[] = { "pid", "foo", NULL };
	char *not_in_43[] = { "uid", NULL };
	char *blank[] = { " ", NULL };

	assert_true(ctr_top_descriptors_valid(NULL));
	assert_true(ctr_top_descriptors_valid(none));
	assert_true(ctr_top_descriptors_valid(known));
	assert_false(ctr_top_descriptors_valid(ps_args));
	assert_false(ctr_top_descriptors_valid(mixed));
	assert_false(ctr_top_descriptors_valid(not_in_43));
	assert_false(ctr_top_descriptors_valid(blank));
}

static void test_ctr_top_descriptors_parse_splits(void **state)
{
	(void)state;
	char *args[] = { "pid,,user", " comm", ",", NULL };
	char **v = ctr_top_descriptors_parse(args);
	char *joined = strv_join(v, "|");

	assert_string_equal(joined, "pid|user|comm");
	free(joined);
	strv_free(v);
	v = ctr_top_descriptors_parse(NULL);
	joined = strv_join(v, " ");
	assert_string_equal(joined, "user pid ppid pcpu etime tty time args");
	free(joined);
	strv_free(v);
}

static void test_ctr_top_descriptors_list_sorted(void **state)
{
	(void)state;
	char **v = ctr_top_descriptors_list();
	char *joined = strv_join(v, " ");

	assert_string_equal(joined, "args capamb capbnd capeff capinh capprm comm etime group "
				    "groups hgroup hgroups hpid huser label nice pcpu pgid pid "
				    "ppid rgroup rss ruser seccomp state stime time tty user vsz");
	free(joined);
	strv_free(v);
}

static void test_ctr_top_ps_filter_drops_ps(void **state)
{
	(void)state;
	char *lines[] = { "PID   USER     COMMAND", "    1 root     sleep 1000",
			  "    7 root     ps -ef", NULL };
	char *args[] = { "-ef", NULL };
	char **v = ctr_top_ps_filter(lines, args);

	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[1], "    1 root     sleep 1000");
	strv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctr_top_run_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_ids_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_process_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_capabilities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_unknown_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_no_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_top_run_missing_btime, setup, teardown),
		cmocka_unit_test(test_ctr_top_descriptors_valid_cases),
		cmocka_unit_test(test_ctr_top_descriptors_parse_splits),
		cmocka_unit_test(test_ctr_top_descriptors_list_sorted),
		cmocka_unit_test(test_ctr_top_ps_filter_drops_ps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
