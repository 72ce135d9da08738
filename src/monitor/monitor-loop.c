/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Step 6 of the monitor (monitor.h): one poll(2) loop over the SIGCHLD signalfd, the
 * container's output (stdout and stderr pipes, or the pty master), its stdin when input is
 * pending, the attach socket and its clients, and the health-check timer, until the container
 * process has exited; then the output is drained before the exit file is written.
 *
 * Memory: one packet-sized buffer on the stack per read; input from clients is held only while
 * the container does not take it (MONITOR_STDIN_PENDING_MAX; clients are not read beyond, so
 * they wait instead of the monitor growing).
 */
#include "monitor/monitor-internal.h"

#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "util/timeutil.h"
#include "util/xalloc.h"

/* After the container exited: stop draining when no output came for this long... */
#define DRAIN_QUIET_MS 250
/* ...or after this long in all (a process outside the container may hold a pipe open). */
#define DRAIN_MAX_NS (2LL * 1000 * 1000 * 1000)
/* Keep a grown input buffer only up to this size once it is empty. */
#define STDIN_KEEP_ALLOC (16 * 1024)

enum { PFD_SIG, PFD_OUT, PFD_ERR, PFD_IN, PFD_LISTEN, PFD_TIMER, _PFD_FIXED };

static void output_handle(struct monitor_ctx *c, enum monitor_msg_type type, char *pkt, size_t n)
{
	if (c->log) {
		_cleanup_error_ struct sk_error *err = NULL;
		enum monitor_log_stream s =
			type == MONITOR_MSG_STDERR ? MONITOR_LOG_STDERR : MONITOR_LOG_STDOUT;
		if (monitor_log_write(c->log, s, pkt + 1, n, time_now_ns(), &err) < 0)
			monitor_err_note_error(c, &err);
	}
	pkt[0] = (char)type;
	monitor_attach_broadcast(c, pkt, n + 1);
}

/* Read once from *fd; 1 when data came, 0 when none was there, -1 at its end (*fd closed). */
static int output_read(struct monitor_ctx *c, int *fd, enum monitor_msg_type type)
{
	char pkt[MONITOR_MSG_MAX];
	ssize_t n = RETRY_EINTR(read(*fd, pkt + 1, sizeof(pkt) - 1));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0) {
		/* EOF, or EIO from a pty master whose slave side is closed everywhere */
		if (n < 0 && errno != EIO)
			monitor_err_note(c, "read container output: %s", strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	output_handle(c, type, pkt, (size_t)n);
	return 1;
}

static void stdin_close(struct monitor_ctx *c)
{
	close(c->in_fd);
	c->in_fd = -1;
	c->in_close_pending = false;
	strbuf_release(&c->in_pending);
}

/* Write pending input to the container without blocking. */
static void stdin_flush(struct monitor_ctx *c)
{
	struct strbuf *p = &c->in_pending;
	while (c->in_fd >= 0 && p->len > 0) {
		ssize_t n = RETRY_EINTR(write(c->in_fd, p->buf, p->len));
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) { /* EPIPE: nobody reads the container's stdin any more */
			stdin_close(c);
			return;
		}
		memmove(p->buf, p->buf + n, p->len - (size_t)n);
		strbuf_setlen(p, p->len - (size_t)n);
	}
	if (p->alloc > STDIN_KEEP_ALLOC && p->len == 0)
		strbuf_release(p);
	if (c->in_fd >= 0 && c->in_close_pending)
		stdin_close(c);
}

void monitor_children_reap(struct monitor_ctx *c)
{
	for (;;) {
		int status = 0;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		if (pid == c->ctr_pid) {
			c->ctr_status = status;
			c->ctr_exited = true;
		} else if (pid == c->health_pid) {
			c->health_pid = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
				monitor_err_note(c, "health check command '%s' could not run",
						 c->o->health_command[0]);
		}
		/* anything else: an orphan re-parented to us (we are a subreaper) */
	}
}

static void signals_read(struct monitor_ctx *c)
{
	struct signalfd_siginfo si;
	bool chld = false;
	while (RETRY_EINTR(read(c->sig_fd, &si, sizeof(si))) == (ssize_t)sizeof(si))
		chld = chld || si.ssi_signo == SIGCHLD; /* SIGINT, SIGHUP, SIGPIPE: ignored */
	if (chld)
		monitor_children_reap(c);
}

static void timer_fired(struct monitor_ctx *c)
{
	uint64_t ticks;
	if (RETRY_EINTR(read(c->timer_fd, &ticks, sizeof(ticks))) != (ssize_t)sizeof(ticks))
		return;
	if (c->health_pid == 0 && !c->ctr_exited)
		monitor_health_start(c);
}

static size_t pollfds_build(struct monitor_ctx *c, struct pollfd **pfd)
{
	size_t n = _PFD_FIXED + c->n_clients;
	*pfd = xreallocarray(*pfd, n, sizeof(struct pollfd));
	struct pollfd *p = *pfd;
	bool pending = c->in_pending.len > 0 && c->in_fd >= 0;
	p[PFD_SIG] = (struct pollfd){ .fd = c->sig_fd, .events = POLLIN };
	p[PFD_OUT] = (struct pollfd){ .fd = c->out_fd, .events = POLLIN };
	p[PFD_ERR] = (struct pollfd){ .fd = c->err_fd, .events = POLLIN };
	p[PFD_IN] = (struct pollfd){ .fd = pending ? c->in_fd : -1, .events = POLLOUT };
	p[PFD_LISTEN] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	p[PFD_TIMER] = (struct pollfd){ .fd = c->timer_fd, .events = POLLIN };
	bool room = c->in_pending.len < MONITOR_STDIN_PENDING_MAX;
	for (size_t i = 0; i < c->n_clients; i++)
		p[_PFD_FIXED + i] =
			(struct pollfd){ .fd = c->clients[i], .events = room ? POLLIN : 0 };
	return n;
}

/* One round of everything poll() reported. Clients first, from the last (dropping one moves
 * the last into its place), then output (whose broadcast may drop clients), then new ones. */
static void loop_dispatch(struct monitor_ctx *c, const struct pollfd *p, size_t n)
{
	if (p[PFD_SIG].revents)
		signals_read(c);
	for (size_t i = n - _PFD_FIXED; i > 0; i--)
		if (p[_PFD_FIXED + i - 1].revents)
			monitor_attach_client_read(c, i - 1);
	if (p[PFD_OUT].revents && c->out_fd >= 0)
		output_read(c, &c->out_fd, MONITOR_MSG_STDOUT);
	if (p[PFD_ERR].revents && c->err_fd >= 0)
		output_read(c, &c->err_fd, MONITOR_MSG_STDERR);
	if (p[PFD_LISTEN].revents)
		monitor_attach_accept(c);
	if (p[PFD_TIMER].revents)
		timer_fired(c);
	stdin_flush(c);
}

/* poll() itself failed: stop serving and only wait for the container, so its exit is still
 * recorded. */
static void loop_degraded(struct monitor_ctx *c)
{
	monitor_err_note(c, "poll: %s", strerror(errno));
	int status = 0;
	pid_t pid = RETRY_EINTR(waitpid(c->ctr_pid, &status, 0));
	if (pid == c->ctr_pid || (pid < 0 && errno == ECHILD)) {
		c->ctr_status = pid == c->ctr_pid ? status : 255 << 8; /* unknown: 255 */
		c->ctr_exited = true;
	}
}

void monitor_loop_run(struct monitor_ctx *c)
{
	_cleanup_free_ struct pollfd *pfd = NULL;
	/* The container may have exited before we looked (its SIGCHLD is then pending). */
	monitor_children_reap(c);
	while (!c->ctr_exited) {
		size_t n = pollfds_build(c, &pfd);
		if (poll(pfd, n, -1) < 0) {
			if (errno != EINTR)
				loop_degraded(c);
			continue;
		}
		loop_dispatch(c, pfd, n);
	}
}

void monitor_output_drain(struct monitor_ctx *c)
{
	int64_t deadline = time_now_ns() + DRAIN_MAX_NS;
	while (c->out_fd >= 0 || c->err_fd >= 0) {
		struct pollfd p[2] = { { .fd = c->out_fd, .events = POLLIN },
				       { .fd = c->err_fd, .events = POLLIN } };
		int r = RETRY_EINTR(poll(p, 2, DRAIN_QUIET_MS));
		if (r <= 0)
			break;
		if (p[0].revents && c->out_fd >= 0)
			output_read(c, &c->out_fd, MONITOR_MSG_STDOUT);
		if (p[1].revents && c->err_fd >= 0)
			output_read(c, &c->err_fd, MONITOR_MSG_STDERR);
		if (time_now_ns() > deadline)
			break;
	}
}
