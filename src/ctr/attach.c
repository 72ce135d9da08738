/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of attach: the caller's stdin goes to the container (through the monitor's
 * attach socket, monitor/monitor.h), its output comes back; the detach keys leave it running.
 * With a terminal on both sides, the local one is put in raw mode and its size follows.
 */
#include "ctr/attach.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "monitor/monitor.h"
#include "util/fs.h"
#include "util/xalloc.h"

int ctr_detach_keys_parse(const char *spec, char *buf, size_t *ret_len, struct sk_error **err)
{
	size_t n = 0;
	if (!spec)
		spec = CTR_DETACH_KEYS_DEFAULT;
	if (!spec[0]) {
		*ret_len = 0;
		return 0;
	}
	const char *p = spec;
	while (*p) {
		size_t len = strcspn(p, ",");
		char c;
		if (len == 1)
			c = p[0];
		else if (len == 6 && strncmp(p, "ctrl-", 5) == 0 && p[5] >= 'a' && p[5] <= 'z')
			c = (char)(p[5] - 'a' + 1);
		else if (len == 6 && strncmp(p, "ctrl-", 5) == 0 && strchr("@[\\]^_", p[5]))
			c = (char)(p[5] == '@' ? 0 : p[5] - '[' + 27);
		else
			return sk_err_invalid(err,
					      "invalid detach keys: \"%s\": unknown character "
					      "\"%.*s\"",
					      spec, (int)len, p);
		if (n >= CTR_DETACH_KEYS_MAX)
			return sk_err_invalid(err, "invalid detach keys: \"%s\": too long", spec);
		buf[n++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	*ret_len = n;
	return 0;
}

static int send_msg(int sock, uint8_t type, const void *data, size_t len)
{
	char buf[MONITOR_MSG_MAX];
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	buf[0] = (char)type;
	if (len)
		memcpy(buf + 1, data, len);
	ssize_t n = send(sock, buf, len + 1, MSG_NOSIGNAL);
	return n < 0 ? -errno : 0;
}

static void resize_send(int sock, int tty_fd)
{
	struct winsize ws;
	if (ioctl(tty_fd, TIOCGWINSZ, &ws) < 0)
		return;
	struct monitor_winsize w = { .rows = ws.ws_row, .cols = ws.ws_col };
	send_msg(sock, MONITOR_MSG_RESIZE, &w, sizeof(w));
}

struct attach_state {
	const struct ctr_attach_opts *o;
	int sock;
	char keys[CTR_DETACH_KEYS_MAX];
	size_t n_keys;
	size_t matched; /* bytes of the detach sequence seen and held back */
	bool detached;
	bool exited;
	bool output_closed;
	int exit_code;
};

/* Input from the user: look for the detach sequence, pass the rest on. */
static int input_handle(struct attach_state *st, const char *buf, size_t len)
{
	char out[MONITOR_MSG_MAX];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (st->n_keys && buf[i] == st->keys[st->matched]) {
			if (++st->matched == st->n_keys) {
				st->detached = true;
				return n ? send_msg(st->sock, MONITOR_MSG_STDIN, out, n) : 0;
			}
			continue;
		}
		/* A broken sequence: what was held back goes out first. */
		for (size_t k = 0; k < st->matched && n < sizeof(out) - 2; k++)
			out[n++] = st->keys[k];
		st->matched = 0;
		out[n++] = buf[i];
		if (n >= sizeof(out) - 2 - CTR_DETACH_KEYS_MAX) {
			int r = send_msg(st->sock, MONITOR_MSG_STDIN, out, n);
			if (r < 0)
				return r;
			n = 0;
		}
	}
	return n ? send_msg(st->sock, MONITOR_MSG_STDIN, out, n) : 0;
}

/* A packet from the monitor. Returns 0 to go on, 1 at the end. */
static int output_handle(struct attach_state *st, const char *buf, size_t len)
{
	if (len == 0)
		return 1;
	switch ((uint8_t)buf[0]) {
	case MONITOR_MSG_STDOUT:
	case MONITOR_MSG_STDERR: {
		int fd = (uint8_t)buf[0] == MONITOR_MSG_STDOUT ? st->o->out_fd : st->o->err_fd;
		/* A reader that went away (`| head`) ends the attach, as it ends podman's. */
		if (fd >= 0 && fd_write_all(fd, buf + 1, len - 1) == -EPIPE) {
			st->output_closed = true;
			return 1;
		}
		return 0;
	}
	case MONITOR_MSG_EXIT:
		if (len >= 1 + sizeof(int32_t)) {
			int32_t code;
			memcpy(&code, buf + 1, sizeof(code));
			st->exited = true;
			st->exit_code = code;
		}
		return 1;
	default:
		return 0;
	}
}

static int loop(struct attach_state *st, int sigfd)
{
	const struct ctr_attach_opts *o = st->o;
	bool in_open = o->in_fd >= 0;
	char buf[MONITOR_MSG_MAX];
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = st->sock, .events = POLLIN },
			{ .fd = in_open ? o->in_fd : -1, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno != EINTR)
				return -errno;
			if (o->pending_signal && *o->pending_signal) {
				int sig = *o->pending_signal;
				*o->pending_signal = 0;
				o->on_signal(o->signal_userdata, sig);
			}
			continue;
		}
		if (p[0].revents) {
			ssize_t n = recv(st->sock, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || output_handle(st, buf, (size_t)n) == 1)
				return 0;
		}
		if (p[1].revents) {
			ssize_t n = read(o->in_fd, buf, sizeof(buf) - 1);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				in_open = false;
				if (o->close_stdin_on_eof)
					send_msg(st->sock, MONITOR_MSG_STDIN_CLOSE, NULL, 0);
			} else if (input_handle(st, buf, (size_t)n) < 0 || st->detached) {
				return 0;
			}
		}
		if (p[2].revents) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && o->tty)
				resize_send(st->sock, o->in_fd >= 0 ? o->in_fd : STDIN_FILENO);
		}
	}
}

int ctr_attach_stream(int sock, const struct ctr_attach_opts *o, struct ctr_attach_result *ret,
		      struct sk_error **err)
{
	struct attach_state st = { .o = o, .sock = sock };
	int r = ctr_detach_keys_parse(o->detach_keys, st.keys, &st.n_keys, err);
	if (r < 0)
		return r;
	if (o->in_fd < 0)
		st.n_keys = 0;
	/* Our terminal passes the pty's bytes through untouched, with -i or without. */
	int term = o->in_fd >= 0 ? o->in_fd : STDIN_FILENO;
	bool raw = o->tty && isatty(term);
	struct termios saved;
	if (raw && tcgetattr(term, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(term, TCSANOW, &t);
		resize_send(sock, term);
	} else {
		raw = false;
	}
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &old);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	r = loop(&st, sigfd);
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (raw)
		tcsetattr(term, TCSANOW, &saved);
	if (r < 0)
		return sk_err_system(err, r, "attach: %s", strerror(-r));
	*ret = (struct ctr_attach_result){
		.detached = st.detached || st.output_closed,
		.exited = st.exited,
		.exit_code = st.exit_code,
	};
	return 0;
}

int ctr_attach_connect(struct ctr_ctx *x, const struct state_container *c, int *ret_fd,
		       struct sk_error **err)
{
	_cleanup_free_ char *run_dir = ctr_run_dir(x, c->id);
	return monitor_attach_connect(run_dir, ret_fd, err);
}
