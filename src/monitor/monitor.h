/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-container monitor (DESIGN.md "The shape of one selkie run"; conmon's protocol).
 *
 * ctr/ calls monitor_spawn(): it forks, the child calls setsid() and forks again, and the
 * grandchild execs `selkie container monitor <run_dir>` (a hidden command that reads
 * <run_dir>/monitor.json and calls monitor_run()); the middle process exits at once, so the
 * monitor is re-parented to init and outlives the CLI. The monitor:
 *
 *   1. becomes a child subreaper, ignores SIGINT/SIGHUP/SIGPIPE, puts its own stdio on
 *      /dev/null (except with log_driver "passthrough", where the container inherits the
 *      stdio the monitor was spawned with);
 *   2. makes the container's stdio: a pty (through the runtime's --console-socket) when
 *      terminal, else pipes for stdout and stderr and, when open_stdin, one for stdin
 *      (/dev/null otherwise);
 *   3. listens on <run_dir>/attach (SOCK_SEQPACKET, mode 0600), before the container exists,
 *      so a client can attach before `start`;
 *   4. runs `<runtime> [--root R] [--systemd-cgroup] create --bundle B --pid-file
 *      <run_dir>/pidfile [--console-socket S] <id>` and waits for it;
 *   5. writes ONE line of JSON to sync_fd (the pipe monitor_spawn() passes, see
 *      monitor-internal.h) and closes it: {"pid":N,"monitor_pid":M} when the container was
 *      created, or {"error":"<runtime's stderr, one line>",...} when not (then it removes the
 *      attach socket and exits 1);
 *   6. copies the container's output to the log (k8s-file writer, log_max_size) and to every
 *      attach client, and attach clients' input to the container's stdin, until the container
 *      process exits (it is our child: we are the subreaper) and its output is drained;
 *   7. writes <run_dir>/exit atomically (tmp + rename) as JSON
 *      {"exit_code":N,"oom_killed":bool,"finished_at":NS} — the exit code is the process's code,
 *      or 128+signal when killed; oom_killed when the memory cgroup counted an OOM kill
 *      (cgroup v1 memory.oom_control "oom_kill", v2 memory.events "oom_kill") for the
 *      container's cgroup (cgroup_path, relative to the controller root);
 *   8. sends every attach client MONITOR_MSG_EXIT and closes it (a client that could not take
 *      it sees EOF and reads the exit file), removes the attach socket, runs exit_command (if
 *      any) with stdio on /dev/null and waits for it, then exits 0.
 *
 * While the container runs, every health_interval_ns (after health_start_period_ns, first run
 * one interval after start) the monitor runs health_command (an argv: `selkie ...
 * healthcheck run <id>`) without waiting on it in its loop (a second check is not started
 * while one is still running).
 *
 * Attach protocol (SOCK_SEQPACKET, one message per packet, first byte the type):
 *   client → monitor: MONITOR_MSG_STDIN + data; MONITOR_MSG_STDIN_CLOSE (no payload: close the
 *                     container's stdin, as a client's EOF with --interactive does);
 *                     MONITOR_MSG_RESIZE + struct monitor_winsize (rows, cols; u16 each,
 *                     host byte order) applied to the pty with TIOCSWINSZ.
 *   monitor → client: MONITOR_MSG_STDOUT / MONITOR_MSG_STDERR + data (at most
 *                     MONITOR_MSG_MAX bytes per packet); MONITOR_MSG_EXIT + int32 exit code
 *                     (host byte order) last, once the exit file is written. A client too slow
 *                     to keep up (its socket buffer full) is dropped rather than blocking the
 *                     container.
 * Several clients may be attached at once; all see the output, and all may write input.
 *
 * The monitor keeps its RSS small (DESIGN/issue: under 2 MiB): no big buffers, nothing cached.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

enum monitor_msg_type {
	MONITOR_MSG_STDIN = 0,
	MONITOR_MSG_STDOUT = 1,
	MONITOR_MSG_STDERR = 2,
	MONITOR_MSG_RESIZE = 3,
	MONITOR_MSG_STDIN_CLOSE = 4,
	MONITOR_MSG_EXIT = 5, /* monitor → client, last message: int32 exit code (host order) */
};

/* Largest packet either side sends (type byte included). */
#define MONITOR_MSG_MAX 8192

struct monitor_winsize {
	uint16_t rows;
	uint16_t cols;
};

/* What the monitor needs, as ctr/ writes it to <run_dir>/monitor.json. */
struct monitor_opts {
	char *id;
	char *run_dir;	    /* the container's directory under the run root; absolute */
	char *bundle;	    /* holds config.json; absolute */
	char *runtime;	    /* absolute path of crun/runc */
	char *runtime_root; /* --root for the runtime, NULL for its default */
	bool systemd_cgroup;
	char *cgroup_path; /* for the OOM check; NULL to skip it */
	bool terminal;
	bool open_stdin;
	char *log_driver; /* "k8s-file", "none", "passthrough" */
	char *log_path;
	uint64_t log_max_size; /* 0: unlimited */
	char **exit_command;   /* argv, or NULL */
	char **health_command; /* argv, or NULL */
	int64_t health_interval_ns;
	int64_t health_start_period_ns;
};

/* <run_dir>/monitor.pid: the monitor's PID, written when it starts. */
#define MONITOR_PID_NAME "monitor.pid"

/* Read/write <run_dir>/monitor.json. */
int monitor_opts_write(const struct monitor_opts *o, struct sk_error **err);
int monitor_opts_read(const char *run_dir, struct monitor_opts *ret, struct sk_error **err);
void monitor_opts_done(struct monitor_opts *o);

/*
 * Spawn the monitor as described above: self_exe is the selkie binary, global_args the global
 * flags to pass before "container monitor" (--root, --runroot, ... as strings), inherit_stdio
 * keeps the caller's fds 0-2 for the monitor (log driver passthrough). Waits for the sync line:
 * on success *ret_pid is the container's PID and *ret_monitor_pid the monitor's; a failed
 * create is a RUNTIME error carrying the runtime's message (126/127 kinds, NOEXEC/NOCMD, when
 * the message says the executable was not found / not executable, as podman maps them).
 */
/* keep_fds (at most MONITOR_KEEP_FDS_MAX) are the monitor's fds 4, 5, ...: it holds them
 * open, never passing them on, until it exits (the sockets reserving published ports). */
#define MONITOR_KEEP_FDS_MAX 1024
int monitor_spawn(const char *self_exe, char *const *global_args, const char *run_dir,
		  bool inherit_stdio, const int *keep_fds, size_t n_keep_fds, pid_t *ret_pid,
		  pid_t *ret_monitor_pid, struct sk_error **err);

/* The monitor's main: steps 1-8. Returns the process exit code. */
int monitor_run(const struct monitor_opts *o);
/* For `container monitor` when it fails before monitor_run() (monitor_opts_read): when started
 * by monitor_spawn(), send e as the sync line, so the caller gets the reason instead of "exited
 * without reporting". Does nothing otherwise. */
void monitor_report_error(const struct sk_error *e);

/* The exit file (step 7). -ENOENT when it does not exist (yet). */
struct monitor_exit {
	int exit_code;
	bool oom_killed;
	int64_t finished_at;
};
int monitor_exit_read(const char *run_dir, struct monitor_exit *ret, struct sk_error **err);
/* Written by the monitor; also by ctr/ when it finds a container whose monitor died. */
int monitor_exit_write(const char *run_dir, const struct monitor_exit *e, struct sk_error **err);

/* A client of the attach socket: connect (the path may be longer than sun_path allows: connect
 * through /proc/self/fd/N of the directory), then send/receive packets as above. */
int monitor_attach_connect(const char *run_dir, int *ret_fd, struct sk_error **err);

/* Attach packets, for both sides. A received packet split: data points into the packet. */
struct monitor_msg {
	enum monitor_msg_type type;
	const char *data;
	size_t len;
};
/* Build a packet of type with len bytes of data in buf; returns its length (type byte
 * included), or 0 when len is over MONITOR_MSG_MAX - 1. */
size_t monitor_msg_encode(enum monitor_msg_type type, const void *data, size_t len,
			  char buf[static MONITOR_MSG_MAX]);
#define MONITOR_MSG_RESIZE_LEN (1 + 2 * sizeof(uint16_t))
size_t monitor_msg_encode_resize(const struct monitor_winsize *ws,
				 char buf[static MONITOR_MSG_RESIZE_LEN]);
/* Split a packet; false when it is empty, of an unknown type, or a RESIZE, STDIN_CLOSE or EXIT
 * of the wrong size. A RESIZE's data is the struct monitor_winsize (use monitor_msg_winsize),
 * an EXIT's the int32 exit code (use monitor_msg_exit_code). */
bool monitor_msg_decode(const void *pkt, size_t len, struct monitor_msg *ret);
struct monitor_winsize monitor_msg_winsize(const struct monitor_msg *m);
#define MONITOR_MSG_EXIT_LEN (1 + sizeof(int32_t))
size_t monitor_msg_encode_exit(int exit_code, char buf[static MONITOR_MSG_EXIT_LEN]);
int monitor_msg_exit_code(const struct monitor_msg *m);
