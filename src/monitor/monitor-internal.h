/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the monitor's files share: the running monitor's context, the sync-line protocol between
 * monitor_spawn() and the monitor, and the pure encoders/decoders the unit tests call.
 *
 * The sync pipe: monitor_spawn() puts its write end on fd 3 of the monitor and names it in the
 * environment (MONITOR_SYNC_FD_ENV), as conmon's _OCI_SYNCPIPE. The monitor writes one line of
 * JSON and closes it:
 *
 *     {"pid":N,"monitor_pid":M}               the container was created
 *     {"error":"<message>","kind":"<kind>","errno":N}
 *                                             it was not; kind is an sk_error kind name (errno
 *                                             optional), and "runtime" messages are the
 *                                             runtime's own words
 *     {"exec_errno":N}                        (from the forked child) exec of the monitor failed
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/log-writer.h"
#include "monitor/monitor.h"
#include "util/error.h"
#include "util/strbuf.h"

#define MONITOR_SYNC_FD_ENV "_SELKIE_MONITOR_SYNC_FD"
#define MONITOR_SYNC_FD 3
/* The sync text read at most (the runtime's message is cut well before). */
#define MONITOR_SYNC_MAX (64 * 1024)
/* The runtime's error message kept at most. */
#define MONITOR_RUNTIME_MSG_MAX 4096

#define MONITOR_ATTACH_NAME "attach"
#define MONITOR_CONSOLE_NAME "console.sock"
#define MONITOR_PIDFILE_NAME "pidfile"
#define MONITOR_EXIT_NAME "exit"
#define MONITOR_ERR_NAME "monitor.err"
#define MONITOR_OPTS_NAME "monitor.json"

/* Attach clients at once; more are refused. */
#define MONITOR_CLIENTS_MAX 64
/* Input from clients held while the container's stdin is full; clients are not read beyond. */
#define MONITOR_STDIN_PENDING_MAX (64 * 1024)

/* ---- sync line (monitor-sync.c, pure) ---- */

struct monitor_sync_result {
	pid_t pid;
	pid_t monitor_pid;
};

char *monitor_sync_line_created(pid_t pid, pid_t monitor_pid);
char *monitor_sync_line_failed(const struct sk_error *e);
/* Parse everything read from the sync pipe. A created container fills *ret; a reported failure
 * becomes *err with its kind (a runtime's message classified as podman does: NOCMD, NOEXEC or
 * RUNTIME, with podman's suffix); empty or malformed text is an INTERNAL error. self_exe names
 * the monitor binary in an exec failure. */
int monitor_sync_parse(const char *text, size_t len, const char *self_exe,
		       struct monitor_sync_result *ret, struct sk_error **err);
/* podman's classification of a runtime's message: NOEXEC ("permission denied", "operation not
 * permitted"), NOCMD ("executable file not found", "no such file or directory"), else
 * RUNTIME. */
enum sk_error_kind monitor_runtime_error_kind(const char *msg);
/* The runtime's stderr (logrus text, JSON lines or plain text) as one line prefixed with the
 * runtime's name: its last error record, else its last non-empty line; with no text, the wait
 * status. */
char *monitor_runtime_msg_clean(const char *runtime_name, const char *text, size_t len, int status);

/* ---- exit file (monitor-exit.c) ---- */

char *monitor_exit_encode(const struct monitor_exit *e);
int monitor_exit_decode(const char *text, size_t len, struct monitor_exit *ret,
			struct sk_error **err);
/* Whether the memory cgroup cgroup_path (relative) under cgroup_root ("/sys/fs/cgroup") counted
 * an OOM kill: v1 <root>/memory/<path>/memory.oom_control, v2 <root>/<path>/memory.events. */
bool monitor_oom_check(const char *cgroup_root, const char *cgroup_path);

/* ---- the running monitor ---- */

struct monitor_ctx {
	const struct monitor_opts *o;
	int dir_fd;    /* O_PATH of run_dir */
	int sync_fd;   /* -1 once the sync line is written */
	int listen_fd; /* the attach socket */
	int out_fd;    /* stdout pipe or pty master */
	int err_fd;    /* stderr pipe (in pipe mode also the runtime's stderr) */
	int in_fd;     /* stdin pipe or a second fd of the pty master; -1 without stdin */
	int sig_fd;    /* signalfd for SIGCHLD */
	int timer_fd;  /* health checks; -1 without */
	bool terminal;
	bool in_close_pending; /* close in_fd once in_pending is written */
	struct strbuf in_pending;
	int *clients;
	size_t n_clients;
	struct monitor_log_writer *log;
	pid_t ctr_pid;
	int ctr_status;
	bool ctr_exited;
	pid_t health_pid;
	char *last_err; /* the last line written to monitor.err */
};

void monitor_ctx_init(struct monitor_ctx *c, const struct monitor_opts *o);
void monitor_ctx_done(struct monitor_ctx *c);

/* Record a problem met after the sync line in <run_dir>/monitor.err (one line, the latest). */
void monitor_err_note(struct monitor_ctx *c, const char *fmt, ...) _printf_(2, 3);
void monitor_err_note_error(struct monitor_ctx *c, struct sk_error **err);

/* monitor-attach.c */
int monitor_attach_listen(struct monitor_ctx *c, struct sk_error **err);
void monitor_attach_accept(struct monitor_ctx *c);
/* Send one packet to every client; a client that can't take it now is dropped. */
void monitor_attach_broadcast(struct monitor_ctx *c, const char *pkt, size_t len);
/* Read one packet from client i; false when the client is gone (dropped). */
bool monitor_attach_client_read(struct monitor_ctx *c, size_t i);
void monitor_attach_client_drop(struct monitor_ctx *c, size_t i);
void monitor_attach_close(struct monitor_ctx *c);

/* monitor-console.c: the listening socket (returned) and the path to give the runtime */
int monitor_console_listen(struct monitor_ctx *c, char **ret_path, struct sk_error **err);
/* After `create`: take the pty master the runtime sent (c->out_fd, and c->in_fd with stdin). */
int monitor_console_receive(struct monitor_ctx *c, int listen_fd, struct sk_error **err);

/* monitor-create.c: steps 2, 4 and 5 up to the sync line */
int monitor_container_create(struct monitor_ctx *c, struct sk_error **err);

/* monitor-run.c: start the health command (the caller checks that none runs) */
void monitor_health_start(struct monitor_ctx *c);

/* monitor-loop.c: step 6 */
void monitor_loop_run(struct monitor_ctx *c);
void monitor_output_drain(struct monitor_ctx *c);
/* Reap every child that exited; records the container's status. */
void monitor_children_reap(struct monitor_ctx *c);

/* Drop the start-up's clean file-backed pages from the page tables (monitor-trim.c). */
void monitor_memory_trim(void);
