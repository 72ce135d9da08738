/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's resource usage as `selkie stats` shows it, read from the cgroup filesystem
 * and from /proc/<pid>/net/dev. Every function takes the roots it reads below, so that the
 * unit tests can point them at fake trees.
 *
 * cgroup v1 (controllers in <root>/<controller>/<path>) and v2 (one hierarchy, <root>/<path>)
 * are both read. A hybrid host (v1 controllers plus a unified hierarchy under
 * <root>/unified) counts as v1: the v1 controllers hold the counters.
 *
 * What is read (podman 4.3's sources, so that the figures match):
 *   CPU     v1 cpuacct.usage, cpuacct.usage_sys, cpuacct.usage_percpu (in cpuacct/,
 *           cpu,cpuacct/ or cpuacct,cpu/); v2 cpu.stat usage_usec, system_usec
 *   memory  v1 memory.usage_in_bytes, memory.limit_in_bytes, memory.stat total_inactive_file;
 *           v2 memory.current, memory.max, memory.stat inactive_file
 *   pids    pids.current, pids.max
 *   blkio   v1 blkio.throttle.io_service_bytes_recursive (else blkio.throttle.io_service_bytes)
 *           "Read"/"Write" lines; v2 io.stat rbytes=/wbytes=, summed over devices
 * A counter file that does not exist reads as 0 (a controller may be missing); a container
 * cgroup that does not exist is an error.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define CTR_CGROUP_ROOT "/sys/fs/cgroup"

enum ctr_cgroup_version {
	CTR_CGROUP_V1 = 1,
	CTR_CGROUP_V2 = 2,
};

struct ctr_cgroup_stats {
	enum ctr_cgroup_version version;
	uint64_t cpu_ns;	 /* total CPU time used */
	uint64_t cpu_system_ns;	 /* the part spent in the kernel */
	uint64_t *cpu_percpu_ns; /* per CPU (v1 only; NULL on v2) */
	size_t n_cpu_percpu;
	/* memory.usage_in_bytes / memory.current: what podman 4.3 prints as MEM USAGE. Docker
	 * prints mem_usage - mem_inactive_file instead. */
	uint64_t mem_usage;
	uint64_t mem_inactive_file;
	/* The cgroup's limit, or the host's memory when it is unlimited or larger (podman's
	 * getMemLimit). */
	uint64_t mem_limit;
	uint64_t pids_current;
	uint64_t pids_max; /* 0 when "max" */
	uint64_t block_read_bytes;
	uint64_t block_write_bytes;
	/* Not from the cgroup: filled by ctr_net_dev_read(). */
	uint64_t net_rx_bytes;
	uint64_t net_tx_bytes;
};

/*
 * Which hierarchy cgroup_root (normally CTR_CGROUP_ROOT) holds: v2 when cgroup_root itself
 * has cgroup.controllers, v1 when it has a memory/, cpuacct/, cpu,cpuacct/ or pids/
 * directory. SK_ERR_NOTFOUND "no cgroup hierarchy found at 'ROOT'" otherwise.
 */
int ctr_cgroup_version_detect(const char *cgroup_root, struct sk_error **err);

/*
 * Read the counters of the cgroup at cgroup_path (relative to the hierarchy, as recorded for
 * the container: "selkie/<id>" or "/machine.slice/selkie-<id>.scope"; a leading slash is
 * allowed, ".." is not). host_mem_total (bytes, see ctr_host_mem_total()) bounds mem_limit.
 * The net_* fields are left 0. Errors: SK_ERR_INVALID for a bad path, SK_ERR_NOTFOUND "unable
 * to load cgroup at 'PATH': ..." when the cgroup does not exist, SK_ERR_SYSTEM when a file
 * can't be read or holds garbage. On success *ret is owned by the caller
 * (ctr_cgroup_stats_done()).
 */
int ctr_cgroup_stats_read(const char *cgroup_root, const char *cgroup_path, uint64_t host_mem_total,
			  struct ctr_cgroup_stats *ret, struct sk_error **err);
/* Release what the stats hold (not the struct); the struct is zeroed. */
void ctr_cgroup_stats_done(struct ctr_cgroup_stats *s);

/*
 * The PIDs (thread-group ids, as `top` wants them) in the cgroup at cgroup_path and in its
 * sub-cgroups: v2 <root>/<path>/cgroup.procs, v1 the first of the pids, memory, cpuacct and
 * systemd hierarchies that has the cgroup. In file order, depth first, at most
 * CTR_CGROUP_PROCS_MAX of them. Errors as ctr_cgroup_stats_read(). *ret (may be NULL when
 * *ret_n is 0) is the caller's to free.
 */
#define CTR_CGROUP_PROCS_MAX 65536
int ctr_cgroup_procs_read(const char *cgroup_root, const char *cgroup_path, pid_t **ret,
			  size_t *ret_n, struct sk_error **err);

/*
 * Sum the receive and transmit byte counters of every interface but "lo" in a
 * /proc/<pid>/net/dev file (path given whole, so the caller picks the container's process).
 * SK_ERR_NOTFOUND when the file does not exist (the process is gone), SK_ERR_SYSTEM else.
 */
int ctr_net_dev_read(const char *path, uint64_t *ret_rx, uint64_t *ret_tx, struct sk_error **err);

/* MemTotal of a /proc/meminfo file in bytes (what sysinfo() reports as totalram). */
int ctr_host_mem_total(const char *meminfo_path, uint64_t *ret, struct sk_error **err);

struct state_container;
/* The container's processes: its cgroup's, or (a rootless container without a cgroup) its
 * init (c->pid) and every descendant of it. */
int ctr_procs_read(const struct state_container *c, const char *cgroup_path, pid_t **ret,
		   size_t *ret_n, struct sk_error **err);
