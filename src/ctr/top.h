/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `selkie top`: the processes of a container described by podman's (psgo's) AIX-format
 * descriptors, read from /proc on the host for the container's host PIDs (its cgroup.procs),
 * shown as the container sees them: PIDs and PPIDs in its PID namespace (the last NSpid /
 * NSpgid entry), users and groups through its user namespace's uid_map/gid_map and named by
 * its /etc/passwd and /etc/group.
 *
 * Descriptors (podman 4.3), with their column titles:
 *   args %a COMMAND   capamb AMBIENT CAPS   capbnd BOUNDING CAPS   capeff EFFECTIVE CAPS
 *   capinh INHERITED CAPS   capprm PERMITTED CAPS   comm %c COMMAND   etime %t ELAPSED
 *   group %G GROUP   groups GROUPS   hgroup HGROUP   hgroups HGROUPS   hpid HPID   huser HUSER
 *   label LABEL   nice %n NI   pcpu %C %CPU   pgid %r PGID   pid %p PID   ppid %P PPID
 *   rgroup %g RGROUP   rss RSS   ruser %u RUSER   seccomp SECCOMP   state STATE   stime STIME
 *   time %x TIME   tty %y TTY   user %U USER   vsz %z VSZ
 * The default is "user pid ppid pcpu etime tty time args":
 *   USER  PID  PPID  %CPU   ELAPSED          TTY  TIME  COMMAND
 *   root  1    0     0.000  1m44.460539776s  ?    0s    sh -c sleep 100<space>
 * Values are psgo's: COMMAND (args) is the command line with every NUL turned into a space
 * (so it ends with one), or "[comm]" when empty; TIME is the CPU time in whole seconds and
 * ELAPSED the time since the process started (at whole-second precision), both Go durations;
 * %CPU is 100 × whole CPU seconds / elapsed seconds, "%.3f"; STIME is "2006-01-02 15:04:05
 * +0000 UTC"; VSZ and RSS are KiB; capabilities are sorted names without "CAP_", "none" or
 * "full"; an unknown TTY or a missing LABEL is "?".
 *
 * Arguments that are not all descriptors make podman run `ps ARGS...` inside the container
 * instead (see ctr_top_descriptors_valid() and ctr_top_ps_filter()); the caller does that.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Where ctr_top_run() looks. All pointers are borrowed; zero/NULL members take defaults. */
struct ctr_top_opts {
	const char *proc_root;	 /* the host's /proc; NULL: "/proc" */
	const char *passwd;	 /* the container's /etc/passwd text; NULL: ids print as numbers */
	const char *group;	 /* the container's /etc/group text */
	const char *host_passwd; /* the host's /etc/passwd text, for huser; NULL: numbers */
	const char *host_group;	 /* the host's /etc/group text, for hgroup */
	int64_t now_ns;		 /* the time of the reading (ns since the epoch); 0: now */
	long clock_ticks;	 /* USER_HZ; 0: sysconf(_SC_CLK_TCK) */
};

/* The result: column titles and one row of cells per process, ordered by container PID. */
struct ctr_top_table {
	char **titles;
	char ***rows;
	size_t n_rows;
};

/* podman's splitting of the arguments: each at commas, empty pieces dropped, spaces trimmed;
 * no descriptors at all give the default ones. A new strv. */
char **ctr_top_descriptors_parse(char *const *args);
/* Are all the (comma-separated) descriptors in args known? True for none (the default).
 * False means: run `ps args...` in the container, as podman does. */
bool ctr_top_descriptors_valid(char *const *args);
/* The known descriptors' long names, sorted (psgo's ListDescriptors). A new strv. */
char **ctr_top_descriptors_list(void);

/*
 * Describe the processes host_pids[0..n_pids) (the container's cgroup.procs) with the
 * descriptors in args (as ctr_top_descriptors_parse() splits them). A process that is gone
 * meanwhile is left out. Errors: SK_ERR_INVALID "'foo': unknown descriptor" (psgo's wording;
 * check with ctr_top_descriptors_valid() first), SK_ERR_SYSTEM when /proc can't be read.
 * On success the caller owns *ret (ctr_top_table_done()).
 */
int ctr_top_run(const struct ctr_top_opts *opts, const pid_t *host_pids, size_t n_pids,
		char *const *args, struct ctr_top_table *ret, struct sk_error **err);
void ctr_top_table_done(struct ctr_top_table *t);
/* The table as podman hands it to its tabwriter: the titles then each row, cells joined by
 * TABs. A new strv. */
char **ctr_top_table_lines(const struct ctr_top_table *t);

/* The lines of `ps ARGS...` output without the ps process itself: podman drops every line that
 * contains the arguments joined by spaces. A new strv. */
char **ctr_top_ps_filter(char *const *lines, char *const *args);
