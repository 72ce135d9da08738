/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/stats-format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define NSEC_PER_SEC 1000000000ULL

static const char *const decimal_units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
static const char *const binary_units[] = { "B",   "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB", "ZiB", "YiB" };

static char *size_format(double size, double base, const char *const *units, size_t n_units)
{
	size_t i = 0;

	while (size >= base && i + 1 < n_units) {
		size /= base;
		i++;
	}
	return xasprintf("%.4g%s", size, units[i]);
}

char *ctr_stats_size_human(uint64_t bytes)
{
	return size_format((double)bytes, 1000.0, decimal_units, ELEMENTSOF(decimal_units));
}

char *ctr_stats_size_binary(uint64_t bytes)
{
	return size_format((double)bytes, 1024.0, binary_units, ELEMENTSOF(binary_units));
}

/* The mantissa of Go's strconv.FormatFloat(x, 'g', -1, 64) when that uses an exponent
 * (exponent < -4 or >= 6 for the shortest form), else x. */
static double strip_exponent(double x)
{
	char buf[64];

	if (x == 0 || !isfinite(x))
		return x;
	for (int prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	char *e = strchr(buf, 'e');
	if (!e)
		return x;
	long exp = strtol(e + 1, NULL, 10);
	if (exp >= -4 && exp < 6)
		return x;
	*e = '\0';
	return strtod(buf, NULL);
}

char *ctr_stats_percent(double value)
{
	double v = strip_exponent(value);

	if (isnan(v))
		return xstrdup("NaN%");
	if (isinf(v))
		return xstrdup(v > 0 ? "+Inf%" : "-Inf%");
	return xasprintf("%.2f%%", v);
}

/* Append v / 10^prec with the fraction's trailing zeros (and a bare point) dropped. */
static void add_fixed(struct strbuf *sb, uint64_t v, int prec)
{
	uint64_t div = 1;

	for (int i = 0; i < prec; i++)
		div *= 10;
	strbuf_addf(sb, "%llu", (unsigned long long)(v / div));
	uint64_t frac = v % div;
	if (frac == 0)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		prec--;
	}
	strbuf_addf(sb, ".%0*llu", prec, (unsigned long long)frac);
}

char *ctr_duration_format_go(int64_t ns)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	strbuf_init(&sb, 24);
	if (ns < 0)
		strbuf_addch(&sb, '-');
	if (u == 0) {
		strbuf_addstr(&sb, "0s");
	} else if (u < 1000) {
		strbuf_addf(&sb, "%lluns", (unsigned long long)u);
	} else if (u < 1000000) {
		add_fixed(&sb, u, 3);
		strbuf_addstr(&sb, "µs");
	} else if (u < NSEC_PER_SEC) {
		add_fixed(&sb, u, 6);
		strbuf_addstr(&sb, "ms");
	} else {
		uint64_t secs = u / NSEC_PER_SEC, h = secs / 3600, m = secs / 60 % 60;
		if (h > 0)
			strbuf_addf(&sb, "%lluh", (unsigned long long)h);
		if (h > 0 || m > 0)
			strbuf_addf(&sb, "%llum", (unsigned long long)m);
		add_fixed(&sb, (secs % 60) * NSEC_PER_SEC + u % NSEC_PER_SEC, 9);
		strbuf_addch(&sb, 's');
	}
	return strbuf_detach(&sb, NULL);
}

static double cpu_percent(uint64_t cpu_ns, uint64_t prev_cpu_ns, int64_t now_ns, int64_t prev_ns)
{
	if (now_ns <= prev_ns || cpu_ns <= prev_cpu_ns)
		return 0.0;
	return (double)(cpu_ns - prev_cpu_ns) / (double)(now_ns - prev_ns) * 100.0;
}

void ctr_stats_report_compute(const struct ctr_cgroup_stats *st, int64_t now_ns, int64_t started_ns,
			      const struct ctr_stats_report *prev, bool running,
			      struct ctr_stats_report *ret)
{
	struct ctr_stats_report r = { .id = ret->id, .name = ret->name };

	r.cpu_ns = st->cpu_ns;
	r.cpu_system_ns = st->cpu_system_ns;
	r.system_ns = now_ns > 0 ? (uint64_t)now_ns : 0;
	r.percpu_ns = st->cpu_percpu_ns;
	r.n_percpu = st->n_cpu_percpu;
	r.avg_cpu_percent = cpu_percent(st->cpu_ns, 0, now_ns, started_ns);
	if (prev && prev->cpu_ns <= st->cpu_ns && prev->system_ns > 0)
		r.cpu_percent =
			cpu_percent(st->cpu_ns, prev->cpu_ns, now_ns, (int64_t)prev->system_ns);
	else
		r.cpu_percent = r.avg_cpu_percent;
	r.mem_usage = st->mem_usage;
	r.mem_limit = st->mem_limit;
	r.mem_percent = st->mem_limit ? (double)st->mem_usage / (double)st->mem_limit * 100.0 : 0;
	r.net_input = st->net_rx_bytes;
	r.net_output = st->net_tx_bytes;
	r.block_input = st->block_read_bytes;
	r.block_output = st->block_write_bytes;
	r.pids = running ? st->pids_current : 0;
	*ret = r;
}

static char *pair_format(uint64_t a, uint64_t b, char *(*fmt)(uint64_t))
{
	_cleanup_free_ char *x = fmt(a);
	_cleanup_free_ char *y = fmt(b);

	return xasprintf("%s / %s", x, y);
}

static void set_take(json_t *obj, const char *key, char *value)
{
	json_object_set_new(obj, key, json_string(value));
	free(value);
}

static json_t *json_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *json_finite(double v)
{
	return json_real(isfinite(v) ? v : 0.0);
}

static char *report_id(const struct ctr_stats_report *r, bool no_trunc)
{
	const char *id = r->id ? r->id : "";

	return no_trunc ? xstrdup(id) : xstrndup(id, 12);
}

static char *report_cpu_time(const struct ctr_stats_report *r)
{
	return ctr_duration_format_go((int64_t)MIN(r->cpu_ns, (uint64_t)INT64_MAX));
}

static char *report_pids(const struct ctr_stats_report *r)
{
	return xasprintf("%llu", (unsigned long long)r->pids);
}

json_t *ctr_stats_report_row(const struct ctr_stats_report *r, bool no_trunc)
{
	json_t *o = json_object();
	json_t *percpu = json_array();

	for (size_t i = 0; i < r->n_percpu; i++)
		json_array_append_new(percpu, json_u64(r->percpu_ns[i]));
	set_take(o, "ID", report_id(r, no_trunc));
	sk_json_set_str(o, "Name", r->name ? r->name : "");
	set_take(o, "CPUPerc", ctr_stats_percent(r->cpu_percent));
	set_take(o, "AVGCPU", ctr_stats_percent(r->avg_cpu_percent));
	set_take(o, "MemUsage", pair_format(r->mem_usage, r->mem_limit, ctr_stats_size_human));
	set_take(o, "MemUsageBytes",
		 pair_format(r->mem_usage, r->mem_limit, ctr_stats_size_binary));
	set_take(o, "MemPerc", ctr_stats_percent(r->mem_percent));
	set_take(o, "NetIO", pair_format(r->net_input, r->net_output, ctr_stats_size_human));
	set_take(o, "BlockIO", pair_format(r->block_input, r->block_output, ctr_stats_size_human));
	set_take(o, "PIDS", report_pids(r));
	set_take(o, "UpTime", report_cpu_time(r));
	set_take(o, "Up", report_cpu_time(r));
	sk_json_set_str(o, "ContainerID", r->id ? r->id : "");
	json_object_set_new(o, "CPU", json_finite(r->cpu_percent));
	json_object_set_new(o, "AvgCPU", json_finite(r->avg_cpu_percent));
	json_object_set_new(o, "CPUNano", json_u64(r->cpu_ns));
	json_object_set_new(o, "CPUSystemNano", json_u64(r->cpu_system_ns));
	json_object_set_new(o, "SystemNano", json_u64(r->system_ns));
	json_object_set_new(o, "MemLimit", json_u64(r->mem_limit));
	json_object_set_new(o, "NetInput", json_u64(r->net_input));
	json_object_set_new(o, "NetOutput", json_u64(r->net_output));
	json_object_set_new(o, "BlockInput", json_u64(r->block_input));
	json_object_set_new(o, "BlockOutput", json_u64(r->block_output));
	json_object_set_new(o, "PIDs", json_u64(r->pids));
	json_object_set_new(o, "Duration", json_u64(r->cpu_ns));
	json_object_set_new(o, "PerCPU", percpu);
	return o;
}

json_t *ctr_stats_report_json(const struct ctr_stats_report *r, bool no_trunc)
{
	json_t *o = json_object();

	set_take(o, "id", report_id(r, no_trunc));
	sk_json_set_str(o, "name", r->name ? r->name : "");
	set_take(o, "cpu_time", report_cpu_time(r));
	set_take(o, "cpu_percent", ctr_stats_percent(r->cpu_percent));
	set_take(o, "avg_cpu", ctr_stats_percent(r->avg_cpu_percent));
	set_take(o, "mem_usage", pair_format(r->mem_usage, r->mem_limit, ctr_stats_size_human));
	set_take(o, "mem_percent", ctr_stats_percent(r->mem_percent));
	set_take(o, "net_io", pair_format(r->net_input, r->net_output, ctr_stats_size_human));
	set_take(o, "block_io", pair_format(r->block_input, r->block_output, ctr_stats_size_human));
	set_take(o, "pids", report_pids(r));
	return o;
}

const char *const *ctr_stats_header_map(void)
{
	static const char *const map[] = {
		"ID",
		"ID",
		"Name",
		"NAME",
		"CPUPerc",
		"CPU %",
		"AVGCPU",
		"Avg CPU %",
		"MemUsage",
		"MEM USAGE / LIMIT",
		"MemUsageBytes",
		"MEM USAGE / LIMIT",
		"MemPerc",
		"MEM %",
		"NetIO",
		"NET IO",
		"BlockIO",
		"BLOCK IO",
		"PIDS",
		"PIDS",
		"UpTime",
		"CPU TIME",
		"ContainerID",
		"CONTAINER ID",
		"CPU",
		"CPU",
		"AvgCPU",
		"AVG CPU",
		"CPUNano",
		"CPU NANO",
		"CPUSystemNano",
		"CPU SYSTEM NANO",
		"SystemNano",
		"SYSTEM NANO",
		"MemLimit",
		"MEM LIMIT",
		"NetInput",
		"NET INPUT",
		"NetOutput",
		"NET OUTPUT",
		"BlockInput",
		"BLOCK INPUT",
		"BlockOutput",
		"BLOCK OUTPUT",
		"PIDs",
		"PI DS",
		"PerCPU",
		"PER CPU",
		"Duration",
		"DURATION",
		NULL,
	};
	return map;
}
