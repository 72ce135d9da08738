/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to ctr/top.c: one process's /proc/<pid>/{stat,status,cmdline,attr/current,
 * uid_map,gid_map} read from the host, with its ids and PIDs translated to the container's
 * view (its innermost PID namespace and its user namespace).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct top_proc {
	pid_t hpid;    /* host PID */
	pid_t pid;     /* in the container's PID namespace (last NSpid entry) */
	pid_t ppid;    /* the parent's, 0 when the parent is outside that namespace */
	pid_t pgid;    /* last NSpgid entry */
	char *comm;    /* stat's comm */
	char *name;    /* status Name */
	char *state;   /* status State letter ("S") */
	char *nice;    /* stat's nice, as text */
	char *vmrss;   /* status VmRSS in kB as text, NULL when absent (kernel threads) */
	char *seccomp; /* status Seccomp as text, NULL when absent */
	char *args;    /* cmdline, NULs turned into spaces ("" when empty) */
	char *label;   /* attr/current, "?" when unreadable */
	uint64_t utime, stime, starttime, vsize, tty_nr; /* stat, in ticks and bytes */
	uint32_t host_uid[2], host_gid[2]; /* real, effective, as the host sees them */
	uint32_t uid[2], gid[2];	   /* the same through the process's uid_map/gid_map */
	uint32_t *host_groups;		   /* supplementary groups, host view */
	uint32_t *groups;		   /* container view */
	size_t n_groups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
};

/* Read hpid below proc_root. -ESRCH, with *err untouched, when the process is gone. */
int top_proc_read(const char *proc_root, pid_t hpid, struct top_proc *ret, struct sk_error **err);
void top_proc_done(struct top_proc *p);
/* btime of <proc_root>/stat, seconds since the epoch. */
int top_boot_time(const char *proc_root, int64_t *ret, struct sk_error **err);
