/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/stats-format.h"
#include "util/json-util.h"

#define ID "2d6a67a9635e21d73d4e352761d3ce85d982e99562a8f8c25a653332ef7b25f0"
#define SEC 1000000000LL

static void assert_str_take(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_ctr_stats_size_human_podman_style(void **state)
{
	(void)state;
	assert_str_take(ctr_stats_size_human(0), "0B");
	assert_str_take(ctr_stats_size_human(516), "516B");
	assert_str_take(ctr_stats_size_human(999), "999B");
	assert_str_take(ctr_stats_size_human(1000), "1kB");
	assert_str_take(ctr_stats_size_human(1220), "1.22kB");
	assert_str_take(ctr_stats_size_human(6494), "6.494kB");
	assert_str_take(ctr_stats_size_human(10614), "10.61kB");
	assert_str_take(ctr_stats_size_human(1500000), "1.5MB");
	assert_str_take(ctr_stats_size_human(22290432), "22.29MB");
	assert_str_take(ctr_stats_size_human(25276026880ULL), "25.28GB");
	assert_str_take(ctr_stats_size_human(UINT64_MAX), "18.45EB");
}

static void test_ctr_stats_size_binary_podman_style(void **state)
{
	(void)state;
	assert_str_take(ctr_stats_size_binary(0), "0B");
	assert_str_take(ctr_stats_size_binary(1024), "1KiB");
	assert_str_take(ctr_stats_size_binary(22110208), "21.09MiB");
	assert_str_take(ctr_stats_size_binary(25276026880ULL), "23.54GiB");
}

static void test_ctr_stats_percent_values(void **state)
{
	(void)state;
	assert_str_take(ctr_stats_percent(0), "0.00%");
	assert_str_take(ctr_stats_percent(2.94), "2.94%");
	assert_str_take(ctr_stats_percent(0.7665810136167639), "0.77%");
	assert_str_take(ctr_stats_percent(100), "100.00%");
	assert_str_take(ctr_stats_percent(999999.5), "999999.50%");
	assert_str_take(ctr_stats_percent(0.0001), "0.00%");
	/* podman drops the exponent of Go's shortest form: 5e-05 → 5, 1.234567e+06 → 1.234567 */
	assert_str_take(ctr_stats_percent(0.00005), "5.00%");
	assert_str_take(ctr_stats_percent(1.5e-07), "1.50%");
	assert_str_take(ctr_stats_percent(1234567.0), "1.23%");
	assert_str_take(ctr_stats_percent(NAN), "NaN%");
	assert_str_take(ctr_stats_percent(INFINITY), "+Inf%");
}

static void test_ctr_duration_format_go_values(void **state)
{
	(void)state;
	assert_str_take(ctr_duration_format_go(0), "0s");
	assert_str_take(ctr_duration_format_go(1), "1ns");
	assert_str_take(ctr_duration_format_go(999), "999ns");
	assert_str_take(ctr_duration_format_go(1000), "1µs");
	assert_str_take(ctr_duration_format_go(1500), "1.5µs");
	assert_str_take(ctr_duration_format_go(93546368), "93.546368ms");
	assert_str_take(ctr_duration_format_go(100000000), "100ms");
	assert_str_take(ctr_duration_format_go(SEC), "1s");
	assert_str_take(ctr_duration_format_go(1749913987), "1.749913987s");
	assert_str_take(ctr_duration_format_go(60 * SEC), "1m0s");
	assert_str_take(ctr_duration_format_go(114460539776LL), "1m54.460539776s");
	assert_str_take(ctr_duration_format_go(3605 * SEC), "1h0m5s");
	assert_str_take(ctr_duration_format_go(90061 * SEC + 500000000), "25h1m1.5s");
	assert_str_take(ctr_duration_format_go(-1500), "-1.5µs");
	assert_str_take(ctr_duration_format_go(INT64_MIN), "-2562047h47m16.854775808s");
}

static struct ctr_cgroup_stats sample(void)
{
	static uint64_t percpu[] = { 83741375, 9805000 };
	struct ctr_cgroup_stats st = {
		.version = CTR_CGROUP_V1,
		.cpu_ns = 93546368,
		.cpu_system_ns = 40000000,
		.cpu_percpu_ns = percpu,
		.n_cpu_percpu = 2,
		.mem_usage = 22290432,
		.mem_limit = 25276026880ULL,
		.pids_current = 2,
		.block_read_bytes = 4096,
		.block_write_bytes = 0,
		.net_rx_bytes = 1220,
		.net_tx_bytes = 516,
	};
	return st;
}

static void test_ctr_stats_report_compute_first_round(void **state)
{
	struct ctr_cgroup_stats st = sample();
	struct ctr_stats_report r = { .id = ID, .name = "st1" };
	(void)state;

	/* 93.5 ms of CPU in 3.18 s since the start: 2.94% */
	ctr_stats_report_compute(&st, 1000 * SEC + 3180000000LL, 1000 * SEC, NULL, true, &r);
	assert_string_equal(r.id, ID);
	assert_string_equal(r.name, "st1");
	assert_true(fabs(r.avg_cpu_percent - 2.9417096) < 0.00001);
	assert_true(r.cpu_percent == r.avg_cpu_percent);
	assert_true(fabs(r.mem_percent - 0.088188) < 0.0001);
	assert_int_equal(r.pids, 2);
	assert_int_equal(r.net_input, 1220);
	assert_int_equal(r.net_output, 516);
	assert_int_equal(r.system_ns, 1003180000000LL);
	assert_int_equal(r.n_percpu, 2);
}

static void test_ctr_stats_report_compute_streaming(void **state)
{
	struct ctr_cgroup_stats st = sample();
	struct ctr_stats_report prev = { 0 }, r = { 0 };
	(void)state;

	ctr_stats_report_compute(&st, 10 * SEC, 0, NULL, true, &prev);
	st.cpu_ns += SEC / 2; /* half a second of CPU in 5 s */
	ctr_stats_report_compute(&st, 15 * SEC, 0, &prev, true, &r);
	assert_true(fabs(r.cpu_percent - 10.0) < 1e-9);
	assert_true(fabs(r.avg_cpu_percent - (double)st.cpu_ns / (15.0 * SEC) * 100) < 1e-9);
	/* a restart (less CPU than before) falls back to the average since start */
	st.cpu_ns = 1000;
	ctr_stats_report_compute(&st, 16 * SEC, 15 * SEC, &prev, true, &r);
	assert_true(fabs(r.cpu_percent - r.avg_cpu_percent) < 1e-12);
}

static void test_ctr_stats_report_compute_stopped(void **state)
{
	struct ctr_cgroup_stats st = { 0 };
	struct ctr_stats_report r = { .id = ID, .name = "st3" };
	(void)state;

	st.pids_current = 5;
	ctr_stats_report_compute(&st, 10 * SEC, 0, NULL, false, &r);
	assert_int_equal(r.pids, 0);
	assert_true(r.mem_percent == 0);
	json_t *j = ctr_stats_report_json(&r, false);
	assert_string_equal(sk_json_str(j, "cpu_percent"), "0.00%");
	assert_string_equal(sk_json_str(j, "mem_usage"), "0B / 0B");
	assert_string_equal(sk_json_str(j, "mem_percent"), "0.00%");
	assert_string_equal(sk_json_str(j, "pids"), "0");
	assert_string_equal(sk_json_str(j, "cpu_time"), "0s");
	json_decref(j);
}

static void test_ctr_stats_report_row_fields(void **state)
{
	struct ctr_cgroup_stats st = sample();
	struct ctr_stats_report r = { .id = ID, .name = "st1" };
	(void)state;

	ctr_stats_report_compute(&st, 1000 * SEC + 3180000000LL, 1000 * SEC, NULL, true, &r);
	json_t *row = ctr_stats_report_row(&r, false);
	assert_string_equal(sk_json_str(row, "ID"), "2d6a67a9635e");
	assert_string_equal(sk_json_str(row, "ContainerID"), ID);
	assert_string_equal(sk_json_str(row, "Name"), "st1");
	assert_string_equal(sk_json_str(row, "CPUPerc"), "2.94%");
	assert_string_equal(sk_json_str(row, "AVGCPU"), "2.94%");
	assert_string_equal(sk_json_str(row, "MemUsage"), "22.29MB / 25.28GB");
	assert_string_equal(sk_json_str(row, "MemUsageBytes"), "21.26MiB / 23.54GiB");
	assert_string_equal(sk_json_str(row, "MemPerc"), "0.09%");
	assert_string_equal(sk_json_str(row, "NetIO"), "1.22kB / 516B");
	assert_string_equal(sk_json_str(row, "BlockIO"), "4.096kB / 0B");
	assert_string_equal(sk_json_str(row, "PIDS"), "2");
	assert_string_equal(sk_json_str(row, "UpTime"), "93.546368ms");
	assert_string_equal(sk_json_str(row, "Up"), "93.546368ms");
	assert_int_equal(sk_json_int(row, "PIDs", -1), 2);
	assert_int_equal(sk_json_int(row, "CPUNano", -1), 93546368);
	assert_int_equal(sk_json_int(row, "Duration", -1), 93546368);
	assert_int_equal(sk_json_int(row, "CPUSystemNano", -1), 40000000);
	assert_int_equal(sk_json_int(row, "MemLimit", -1), 25276026880LL);
	assert_int_equal(sk_json_int(row, "NetInput", -1), 1220);
	assert_int_equal(sk_json_int(row, "BlockInput", -1), 4096);
	assert_true(json_is_real(json_object_get(row, "CPU")));
	json_t *percpu = json_object_get(row, "PerCPU");
	assert_true(json_is_array(percpu));
	assert_int_equal(json_array_size(percpu), 2);
	json_decref(row);

	row = ctr_stats_report_row(&r, true);
	assert_string_equal(sk_json_str(row, "ID"), ID);
	json_decref(row);
}

static void test_ctr_stats_report_json_order(void **state)
{
	static const char *const keys[] = { "id",	"name",	     "cpu_time",    "cpu_percent",
					    "avg_cpu",	"mem_usage", "mem_percent", "net_io",
					    "block_io", "pids" };
	struct ctr_cgroup_stats st = sample();
	struct ctr_stats_report r = { .id = ID, .name = "st1" };
	const char *key;
	json_t *value;
	size_t i = 0;
	(void)state;

	ctr_stats_report_compute(&st, 1000 * SEC + 3180000000LL, 1000 * SEC, NULL, true, &r);
	json_t *j = ctr_stats_report_json(&r, false);
	json_object_foreach (j, key, value) {
		assert_true(i < ELEMENTSOF(keys));
		assert_string_equal(key, keys[i++]);
		assert_true(json_is_string(value));
	}
	assert_int_equal(i, ELEMENTSOF(keys));
	assert_string_equal(sk_json_str(j, "net_io"), "1.22kB / 516B");
	assert_string_equal(sk_json_str(j, "block_io"), "4.096kB / 0B");
	json_decref(j);
}

static void test_ctr_stats_header_map_titles(void **state)
{
	const char *const *map = ctr_stats_header_map();
	const char *want[][2] = { { "CPUPerc", "CPU %" },   { "MemUsage", "MEM USAGE / LIMIT" },
				  { "UpTime", "CPU TIME" }, { "AVGCPU", "Avg CPU %" },
				  { "NetIO", "NET IO" },    { "PIDS", "PIDS" },
				  { "PIDs", "PI DS" },	    { "MemPerc", "MEM %" } };
	(void)state;

	for (size_t w = 0; w < ELEMENTSOF(want); w++) {
		bool found = false;
		for (size_t i = 0; map[i]; i += 2)
			if (strcmp(map[i], want[w][0]) == 0) {
				assert_string_equal(map[i + 1], want[w][1]);
				found = true;
			}
		assert_true(found);
	}
	assert_non_null(strstr(CTR_STATS_FORMAT_DEFAULT, "{{.UpTime}} {{.AVGCPU}}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_stats_size_human_podman_style),
		cmocka_unit_test(test_ctr_stats_size_binary_podman_style),
		cmocka_unit_test(test_ctr_stats_percent_values),
		cmocka_unit_test(test_ctr_duration_format_go_values),
		cmocka_unit_test(test_ctr_stats_report_compute_first_round),
		cmocka_unit_test(test_ctr_stats_report_compute_streaming),
		cmocka_unit_test(test_ctr_stats_report_compute_stopped),
		cmocka_unit_test(test_ctr_stats_report_row_fields),
		cmocka_unit_test(test_ctr_stats_report_json_order),
		cmocka_unit_test(test_ctr_stats_header_map_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
