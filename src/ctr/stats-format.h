/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `selkie stats` figures and their text, as podman 4.3 computes and prints them:
 *
 *   ID            NAME  CPU %  MEM USAGE / LIMIT  MEM %  NET IO         BLOCK IO  PIDS
 *   2d6a67a9635e  st1   2.94%  22.21MB / 25.28GB  0.09%  516B / 1.22kB  0B / 0B   2
 *   (continued)   CPU TIME     AVG CPU %
 *                 93.546368ms  2.94%
 *
 * Sizes are go-units HumanSize (decimal units, 4 significant digits, no space: "22.21MB",
 * "516B", "1.22kB"), percentages "%.2f%%" of the value with any exponent dropped first (as
 * podman's RemoveScientificNotationFromFloat: 5e-05 prints "5.00%"), CPU TIME a Go duration.
 * A container that is not running has all-zero figures ("0.00%", "0B / 0B", "0", "0s").
 *
 * NET IO is "received / sent" by the container. (podman 4.3 prints them the other way round,
 * a bug fixed upstream in 4.4: containers/podman#16618.)
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctr/cgroup-stats.h"

/* podman's default table (the header names come from ctr_stats_header_map()). */
#define CTR_STATS_FORMAT_DEFAULT                                                                   \
	"table {{.ID}} {{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.MemPerc}} {{.NetIO}} {{.BlockIO}} " \
	"{{.PIDS}} {{.UpTime}} {{.AVGCPU}}"

/* One container's figures for one round (podman's define.ContainerStats). */
struct ctr_stats_report {
	const char *id;	  /* full container ID, borrowed */
	const char *name; /* borrowed */
	double cpu_percent;
	double avg_cpu_percent;
	uint64_t cpu_ns;
	uint64_t cpu_system_ns;
	uint64_t system_ns;	   /* when the reading was taken, ns since the epoch */
	const uint64_t *percpu_ns; /* borrowed from the cgroup reading; NULL on v2 */
	size_t n_percpu;
	uint64_t mem_usage;
	uint64_t mem_limit;
	double mem_percent;
	uint64_t net_input;  /* bytes received */
	uint64_t net_output; /* bytes sent */
	uint64_t block_input;
	uint64_t block_output;
	uint64_t pids;
};

/*
 * Fill *ret (id and name left to the caller) from a reading st taken at now_ns of a container
 * started at started_ns (both ns since the epoch):
 *  - avg_cpu_percent = cpu_ns / (now_ns - started_ns) * 100 (not divided by the CPU count);
 *  - cpu_percent: the same over the interval since prev (the previous round of a streaming
 *    `stats`); without prev (the first round, --no-stream) it is avg_cpu_percent. A prev with
 *    more CPU time than st (the container restarted in between) is ignored;
 *  - mem_percent = mem_usage / mem_limit * 100 (0 when there is no limit);
 *  - pids = pids_current when running, else 0 (podman's rule).
 * Borrows st->cpu_percpu_ns: st must outlive *ret.
 */
void ctr_stats_report_compute(const struct ctr_cgroup_stats *st, int64_t now_ns, int64_t started_ns,
			      const struct ctr_stats_report *prev, bool running,
			      struct ctr_stats_report *ret);

/* "22.21MB": go-units HumanSize (1000-based, "%.4g" and the unit, no space). */
char *ctr_stats_size_human(uint64_t bytes);
/* "21.09MiB": go-units BytesSize (1024-based), what {{.MemUsageBytes}} prints. */
char *ctr_stats_size_binary(uint64_t bytes);
/* "0.12%", as podman's floatToPercentString. */
char *ctr_stats_percent(double value);
/* Go's time.Duration String(): "0s", "850ns", "1.5µs", "93.546368ms", "2.5s", "1h0m5s". */
char *ctr_duration_format_go(int64_t ns);

/*
 * The row a --format template sees: every name podman's template offers, with podman's
 * types: strings ID (12 characters unless no_trunc), Name, CPUPerc, AVGCPU, MemUsage
 * ("22.21MB / 25.28GB"), MemUsageBytes ("21.09MiB / 23.54GiB"), MemPerc, NetIO, BlockIO, PIDS,
 * UpTime and Up (CPU time as a Go duration), ContainerID; numbers CPU and AvgCPU (reals),
 * CPUNano, CPUSystemNano, SystemNano, MemLimit, NetInput, NetOutput, BlockInput, BlockOutput,
 * PIDs, Duration (= CPUNano); PerCPU (an array, empty on v2). A new reference.
 */
json_t *ctr_stats_report_row(const struct ctr_stats_report *r, bool no_trunc);
/*
 * The object `stats --format json` prints for one container, keys in podman's order: id,
 * name, cpu_time, cpu_percent, avg_cpu, mem_usage, mem_percent, net_io, block_io, pids (all
 * strings). podman prints the array of them indented by one space
 * (format_json_write(out, array, 1, true)). A new reference.
 */
json_t *ctr_stats_report_json(const struct ctr_stats_report *r, bool no_trunc);
/* The header_map for format_template_header(): podman's column titles ("CPUPerc" → "CPU %",
 * "UpTime" → "CPU TIME", "AVGCPU" → "Avg CPU %", ...), NULL-terminated pairs. */
const char *const *ctr_stats_header_map(void);
