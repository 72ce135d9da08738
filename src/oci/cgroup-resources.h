/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limits (--memory, --cpus, --pids-limit, ...) into the runtime spec's
 * linux.resources, their cgroups v2 equivalents, and the cgroupfs cgroupsPath.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "util/error.h"

#define OCI_MEMORY_MIN (6LL * 1024 * 1024)
#define OCI_CPU_PERIOD_DEFAULT 100000ULL
#define OCI_PIDS_LIMIT_DEFAULT 2048

/* 0 means "not set" everywhere; -1 means unlimited where the user may say so. */
struct oci_resources {
	int64_t memory;		    /* bytes; >= OCI_MEMORY_MIN */
	int64_t memory_swap;	    /* memory + swap in bytes, -1 unlimited; 0: twice memory */
	int64_t memory_reservation; /* bytes, soft limit */
	double cpus;		    /* --cpus: quota = cpus * period */
	uint64_t cpu_quota;	    /* explicit quota (µs), used when cpus is 0 */
	uint64_t cpu_period;	    /* µs, default OCI_CPU_PERIOD_DEFAULT */
	uint64_t cpu_shares;	    /* 2..262144 */
	const char *cpuset_cpus;    /* "0-2,4" */
	const char *cpuset_mems;
	int64_t pids_limit; /* 0: OCI_PIDS_LIMIT_DEFAULT, -1: unlimited */
};

/* Validate and add memory/cpu/pids to a linux.resources object (kept: devices and others). */
int oci_resources_apply(const struct oci_resources *r, json_t *resources, struct sk_error **err);
/* Check a cpuset list ("0-3,7"). */
int oci_cpuset_validate(const char *list, struct sk_error **err);
/* cgroups v2 weight (1..10000) from v1 shares (2..262144), as runc and crun convert; 0 for 0. */
uint64_t oci_cpu_shares_to_weight(uint64_t shares);
/* The v1 values of a linux.resources object as cgroup v2 files, a new object of strings
 * ("memory.max": "1048576", "cpu.max": "50000 100000", ...). */
json_t *oci_resources_to_unified(const json_t *resources);
/* cgroupfs path: "/selkie/<id>" or "<parent>/selkie-<id>" for --cgroup-parent. */
int oci_cgroup_path_build(const char *parent, const char *id, char **ret, struct sk_error **err);
