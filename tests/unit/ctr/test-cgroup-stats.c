/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctr/cgroup-stats.h"
#include "util/fs.h"
#include "util/xalloc.h"

#define HOST_MEM 25276026880ULL
#define V1_UNLIMITED "9223372036854771712\n"

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *work = xasprintf("%s/selkie-cgroup-stats-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(work));
	*state = work;
	return 0;
}

static int teardown(void **state)
{
	char *work = *state;
	fs_rm_rf(work);
	free(work);
	return 0;
}

static void put(const char *root, const char *rel, const char *content)
{
	char *path = path_join(root, rel);
	assert_int_equal(fs_mkdir_parents(path, 0755), 0);
	assert_int_equal(fs_write_atomic(path, content, strlen(content), 0644), 0);
	free(path);
}

static void mkdir_in(const char *root, const char *rel)
{
	char *path = path_join(root, rel);
	assert_int_equal(fs_mkdir_p(path, 0755), 0);
	free(path);
}

static void assert_error(int r, struct sk_error *err, enum sk_error_kind kind, const char *msg)
{
	assert_true(r < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, kind);
	if (msg)
		assert_string_equal(err->msg, msg);
	sk_error_free(err);
}

/* This host's layout: v1 controllers plus a unified hierarchy holding only hugetlb. */
static void hybrid_tree(const char *root, const char *cpuacct_dir)
{
	char rel[256];
	put(root, "unified/cgroup.controllers", "hugetlb\n");
	snprintf(rel, sizeof(rel), "%s/selkie/abc/cpuacct.usage", cpuacct_dir);
	put(root, rel, "93546368\n");
	snprintf(rel, sizeof(rel), "%s/selkie/abc/cpuacct.usage_sys", cpuacct_dir);
	put(root, rel, "40000000\n");
	snprintf(rel, sizeof(rel), "%s/selkie/abc/cpuacct.usage_percpu", cpuacct_dir);
	put(root, rel, "83741375 9805000 \n");
	put(root, "memory/selkie/abc/memory.usage_in_bytes", "22290432\n");
	put(root, "memory/selkie/abc/memory.limit_in_bytes", V1_UNLIMITED);
	put(root, "memory/selkie/abc/memory.stat",
	    "cache 20996096\nrss 118784\ninactive_file 20971520\ntotal_cache 20996096\n"
	    "total_rss 118784\ntotal_inactive_file 20971520\n");
	put(root, "pids/selkie/abc/pids.current", "2\n");
	put(root, "pids/selkie/abc/pids.max", "max\n");
	put(root, "blkio/selkie/abc/blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n"
	    "8:0 Total 12288\n8:16 Read 1000\n8:16 Write 24\nTotal 13312\n");
	put(root, "blkio/selkie/abc/blkio.throttle.io_service_bytes", "8:0 Read 1\nTotal 1\n");
}

static void test_ctr_cgroup_version_detect_kinds(void **state)
{
	const char *work = *state;
	char *v1 = path_join(work, "v1"), *v2 = path_join(work, "v2"), *none = path_join(work, "x");
	struct sk_error *err = NULL;

	hybrid_tree(v1, "cpuacct");
	put(v2, "cgroup.controllers", "cpu io memory pids\n");
	mkdir_in(none, "unified");
	assert_int_equal(ctr_cgroup_version_detect(v1, NULL), CTR_CGROUP_V1);
	assert_int_equal(ctr_cgroup_version_detect(v2, NULL), CTR_CGROUP_V2);
	int r = ctr_cgroup_version_detect(none, &err);
	assert_true(r < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_non_null(strstr(err->msg, "no cgroup hierarchy found at"));
	sk_error_free(err);
	free(v1);
	free(v2);
	free(none);
}

static void test_ctr_cgroup_stats_read_v1_hybrid(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };
	struct sk_error *err = NULL;

	hybrid_tree(work, "cpuacct");
	assert_int_equal(ctr_cgroup_stats_read(work, "/selkie/abc", HOST_MEM, &st, &err), 0);
	assert_null(err);
	assert_int_equal(st.version, CTR_CGROUP_V1);
	assert_int_equal(st.cpu_ns, 93546368);
	assert_int_equal(st.cpu_system_ns, 40000000);
	assert_int_equal(st.n_cpu_percpu, 2);
	assert_int_equal(st.cpu_percpu_ns[0], 83741375);
	assert_int_equal(st.cpu_percpu_ns[1], 9805000);
	assert_int_equal(st.mem_usage, 22290432);
	assert_int_equal(st.mem_inactive_file, 20971520);
	assert_int_equal(st.mem_limit, HOST_MEM);
	assert_int_equal(st.pids_current, 2);
	assert_int_equal(st.pids_max, 0);
	/* the recursive file wins; "Total" lines are not counted */
	assert_int_equal(st.block_read_bytes, 5096);
	assert_int_equal(st.block_write_bytes, 8216);
	assert_int_equal(st.net_rx_bytes, 0);
	ctr_cgroup_stats_done(&st);
	assert_null(st.cpu_percpu_ns);
}

static void test_ctr_cgroup_stats_read_v1_combined_cpu_dir(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };

	hybrid_tree(work, "cpu,cpuacct");
	put(work, "memory/selkie/abc/memory.limit_in_bytes", "104857600\n");
	put(work, "pids/selkie/abc/pids.max", "2048\n");
	assert_int_equal(ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, NULL), 0);
	assert_int_equal(st.cpu_ns, 93546368);
	assert_int_equal(st.mem_limit, 104857600);
	assert_int_equal(st.pids_max, 2048);
	ctr_cgroup_stats_done(&st);
}

static void test_ctr_cgroup_stats_read_v1_missing_files(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };

	/* only the memory controller has the cgroup, with no counters at all */
	mkdir_in(work, "memory/selkie/abc");
	mkdir_in(work, "cpuacct");
	assert_int_equal(ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, NULL), 0);
	assert_int_equal(st.cpu_ns, 0);
	assert_null(st.cpu_percpu_ns);
	assert_int_equal(st.mem_usage, 0);
	assert_int_equal(st.mem_limit, HOST_MEM);
	assert_int_equal(st.pids_current, 0);
	assert_int_equal(st.block_read_bytes, 0);
	ctr_cgroup_stats_done(&st);
}

static void test_ctr_cgroup_stats_read_v1_blkio_fallback(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };
	char *rec = path_join(work, "blkio/selkie/abc/blkio.throttle.io_service_bytes_recursive");

	hybrid_tree(work, "cpuacct");
	assert_int_equal(unlink(rec), 0);
	put(work, "blkio/selkie/abc/blkio.throttle.io_service_bytes",
	    "8:0 read 7\n8:0 WRITE 9\nTotal 16\n");
	assert_int_equal(ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, NULL), 0);
	assert_int_equal(st.block_read_bytes, 7);
	assert_int_equal(st.block_write_bytes, 9);
	ctr_cgroup_stats_done(&st);
	free(rec);
}

static void v2_tree(const char *root, const char *dir)
{
	char rel[256];
	struct {
		const char *file, *content;
	} files[] = {
		{ "cpu.stat", "usage_usec 172938\nuser_usec 56938\nsystem_usec 116000\n" },
		{ "memory.current", "15859712\n" },
		{ "memory.max", "max\n" },
		{ "memory.stat",
		  "anon 2000\nfile 13000000\nactive_file 1000\ninactive_file 12000000\n" },
		{ "pids.current", "3\n" },
		{ "pids.max", "max\n" },
		{ "io.stat", "8:0 rbytes=24576 wbytes=4096 rios=6 wios=1 dbytes=0 dios=0\n"
			     "253:1 rbytes=100 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n" },
	};
	put(root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		snprintf(rel, sizeof(rel), "%s/%s", dir, files[i].file);
		put(root, rel, files[i].content);
	}
}

static void test_ctr_cgroup_stats_read_v2(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };
	struct sk_error *err = NULL;

	v2_tree(work, "machine.slice/selkie-abc.scope");
	assert_int_equal(
		ctr_cgroup_stats_read(work, "machine.slice/selkie-abc.scope", HOST_MEM, &st, &err),
		0);
	assert_null(err);
	assert_int_equal(st.version, CTR_CGROUP_V2);
	assert_int_equal(st.cpu_ns, 172938000);
	assert_int_equal(st.cpu_system_ns, 116000000);
	assert_null(st.cpu_percpu_ns);
	assert_int_equal(st.mem_usage, 15859712);
	assert_int_equal(st.mem_inactive_file, 12000000);
	assert_int_equal(st.mem_limit, HOST_MEM);
	assert_int_equal(st.pids_current, 3);
	assert_int_equal(st.pids_max, 0);
	assert_int_equal(st.block_read_bytes, 24676);
	assert_int_equal(st.block_write_bytes, 4096);
	ctr_cgroup_stats_done(&st);
}

static void test_ctr_cgroup_stats_read_v2_limits(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };

	v2_tree(work, "selkie/abc");
	put(work, "selkie/abc/memory.max", "6291456\n");
	put(work, "selkie/abc/pids.max", "100\n");
	assert_int_equal(ctr_cgroup_stats_read(work, "/selkie/abc", HOST_MEM, &st, NULL), 0);
	assert_int_equal(st.mem_limit, 6291456);
	assert_int_equal(st.pids_max, 100);
	ctr_cgroup_stats_done(&st);
	/* a limit above the host's memory shows the host's memory */
	put(work, "selkie/abc/memory.max", "99999999999999\n");
	assert_int_equal(ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, NULL), 0);
	assert_int_equal(st.mem_limit, HOST_MEM);
	ctr_cgroup_stats_done(&st);
}

static void test_ctr_cgroup_stats_read_errors(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };
	struct sk_error *err = NULL;
	int r;

	v2_tree(work, "selkie/abc");
	r = ctr_cgroup_stats_read(work, "selkie/nope", HOST_MEM, &st, &err);
	assert_error(r, err, SK_ERR_NOTFOUND,
		     "unable to load cgroup at 'selkie/nope': no such file or directory");
	err = NULL;
	r = ctr_cgroup_stats_read(work, "selkie/../../etc", HOST_MEM, &st, &err);
	assert_error(r, err, SK_ERR_INVALID,
		     "cgroup path 'selkie/../../etc': must not contain '..'");
	err = NULL;
	put(work, "selkie/abc/memory.current", "lots\n");
	r = ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, &err);
	assert_error(r, err, SK_ERR_SYSTEM, NULL);
	err = NULL;
	put(work, "selkie/abc/memory.current", "1\n");
	put(work, "selkie/abc/cpu.stat", "usage_usec x\n");
	r = ctr_cgroup_stats_read(work, "selkie/abc", HOST_MEM, &st, &err);
	assert_error(r, err, SK_ERR_SYSTEM, NULL);
}

static void test_ctr_cgroup_stats_read_v1_missing_cgroup(void **state)
{
	const char *work = *state;
	struct ctr_cgroup_stats st = { 0 };
	struct sk_error *err = NULL;

	hybrid_tree(work, "cpuacct");
	int r = ctr_cgroup_stats_read(work, "selkie/gone", HOST_MEM, &st, &err);
	assert_error(r, err, SK_ERR_NOTFOUND, NULL);
}

static void test_ctr_cgroup_procs_read_v1_and_v2(void **state)
{
	const char *work = *state;
	char *v1 = path_join(work, "v1"), *v2 = path_join(work, "v2");
	pid_t *pids = NULL;
	size_t n = 0;
	struct sk_error *err = NULL;

	hybrid_tree(v1, "cpuacct");
	put(v1, "memory/selkie/abc/cgroup.procs", "1\n");
	put(v1, "pids/selkie/abc/cgroup.procs", "2086\n3438\n");
	put(v1, "pids/selkie/abc/b/cgroup.procs", "4000\n");
	put(v1, "pids/selkie/abc/a/cgroup.procs", "3999\n\n");
	assert_int_equal(ctr_cgroup_procs_read(v1, "/selkie/abc", &pids, &n, &err), 0);
	assert_null(err);
	assert_int_equal(n, 4);
	assert_int_equal(pids[0], 2086);
	assert_int_equal(pids[1], 3438);
	assert_int_equal(pids[2], 3999);
	assert_int_equal(pids[3], 4000);
	free(pids);

	v2_tree(v2, "selkie/abc");
	put(v2, "selkie/abc/cgroup.procs", "");
	assert_int_equal(ctr_cgroup_procs_read(v2, "selkie/abc", &pids, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(pids);

	int r = ctr_cgroup_procs_read(v2, "selkie/gone", &pids, &n, &err);
	assert_error(r, err, SK_ERR_NOTFOUND, NULL);
	err = NULL;
	r = ctr_cgroup_procs_read(v2, "../x", &pids, &n, &err);
	assert_error(r, err, SK_ERR_INVALID, NULL);
	free(v1);
	free(v2);
}

static void test_ctr_net_dev_read_sums(void **state)
{
	const char *work = *state;
	char *path = path_join(work, "net-dev");
	uint64_t rx = 1, tx = 1;
	struct sk_error *err = NULL;

	put(work, "net-dev",
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
	    "errs drop fifo colls carrier compressed\n"
	    "    lo:     500       5    0    0    0     0          0         0      500       5    "
	    "0    0    0     0       0          0\n"
	    "  eth0:    8952      50    0    0    0     0          0         0     7072      28    "
	    "0    0    0     0       0          0\n"
	    "  eth1:48       1    0    0    0     0          0         0     10      1    0    0   "
	    " "
	    "0     0       0          0\n"
	    "  bad: 1 2 3\n");
	assert_int_equal(ctr_net_dev_read(path, &rx, &tx, &err), 0);
	assert_null(err);
	assert_int_equal(rx, 9000);
	assert_int_equal(tx, 7082);
	free(path);

	path = path_join(work, "missing");
	int r = ctr_net_dev_read(path, &rx, &tx, &err);
	assert_error(r, err, SK_ERR_NOTFOUND, NULL);
	free(path);
}

static void test_ctr_host_mem_total_reads(void **state)
{
	const char *work = *state;
	char *path = path_join(work, "meminfo");
	uint64_t total = 0;
	struct sk_error *err = NULL;

	put(work, "meminfo", "MemTotal:       24683620 kB\nMemFree:        23850036 kB\n");
	assert_int_equal(ctr_host_mem_total(path, &total, NULL), 0);
	assert_int_equal(total, HOST_MEM);
	put(work, "meminfo", "MemFree:        23850036 kB\n");
	int r = ctr_host_mem_total(path, &total, &err);
	assert_error(r, err, SK_ERR_SYSTEM, NULL);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_version_detect_kinds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v1_hybrid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v1_combined_cpu_dir,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v1_missing_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v1_blkio_fallback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v1_missing_cgroup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_v2_limits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_stats_read_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cgroup_procs_read_v1_and_v2, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_net_dev_read_sums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_host_mem_total_reads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
