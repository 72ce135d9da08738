/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach socket (<run_dir>/attach, SOCK_SEQPACKET, mode 0600): the monitor's server side,
 * the client's connect, and the packet codec (monitor.h "Attach protocol").
 *
 * The path may be longer than sun_path (108 bytes) allows, so both sides name it through
 * "/proc/self/fd/<fd of run_dir>/attach" (conmon does the same).
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>

#include "util/xalloc.h"

/* Send buffer asked for each client (the kernel doubles it). */
#define CLIENT_SNDBUF (1024 * 1024)

size_t monitor_msg_encode(enum monitor_msg_type type, const void *data, size_t len,
			  char buf[static MONITOR_MSG_MAX])
{
	if (len > MONITOR_MSG_MAX - 1)
		return 0;
	buf[0] = (char)type;
	if (len > 0)
		memcpy(buf + 1, data, len);
	return len + 1;
}

size_t monitor_msg_encode_resize(const struct monitor_winsize *ws,
				 char buf[static MONITOR_MSG_RESIZE_LEN])
{
	buf[0] = (char)MONITOR_MSG_RESIZE;
	memcpy(buf + 1, &ws->rows, sizeof(ws->rows));
	memcpy(buf + 1 + sizeof(ws->rows), &ws->cols, sizeof(ws->cols));
	return MONITOR_MSG_RESIZE_LEN;
}

size_t monitor_msg_encode_exit(int exit_code, char buf[static MONITOR_MSG_EXIT_LEN])
{
	int32_t code = exit_code;
	buf[0] = (char)MONITOR_MSG_EXIT;
	memcpy(buf + 1, &code, sizeof(code));
	return MONITOR_MSG_EXIT_LEN;
}

int monitor_msg_exit_code(const struct monitor_msg *m)
{
	int32_t code = -1;
	if (m->type == MONITOR_MSG_EXIT && m->len == sizeof(code))
		memcpy(&code, m->data, sizeof(code));
	return code;
}

bool monitor_msg_decode(const void *pkt, size_t len, struct monitor_msg *ret)
{
	const char *p = pkt;
	if (len == 0 || len > MONITOR_MSG_MAX)
		return false;
	unsigned char type = (unsigned char)p[0];
	if (type > MONITOR_MSG_EXIT)
		return false;
	if (type == MONITOR_MSG_RESIZE && len != MONITOR_MSG_RESIZE_LEN)
		return false;
	if (type == MONITOR_MSG_STDIN_CLOSE && len != 1)
		return false;
	if (type == MONITOR_MSG_EXIT && len != MONITOR_MSG_EXIT_LEN)
		return false;
	*ret = (struct monitor_msg){ .type = type, .data = p + 1, .len = len - 1 };
	return true;
}

struct monitor_winsize monitor_msg_winsize(const struct monitor_msg *m)
{
	struct monitor_winsize ws = { 0 };
	if (m->type == MONITOR_MSG_RESIZE && m->len == MONITOR_MSG_RESIZE_LEN - 1) {
		memcpy(&ws.rows, m->data, sizeof(ws.rows));
		memcpy(&ws.cols, m->data + sizeof(ws.rows), sizeof(ws.cols));
	}
	return ws;
}

/* "/proc/self/fd/<dir_fd>/<name>" in a sockaddr; false when even that is too long. */
static bool sockaddr_at(int dir_fd, const char *name, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dir_fd, name);
	return n > 0 && (size_t)n < sizeof(sa->sun_path);
}

int monitor_attach_connect(const char *run_dir, int *ret_fd, struct sk_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", run_dir, MONITOR_ATTACH_NAME);
	_cleanup_close_ int dir_fd = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return sk_error_set(err, errno == ENOENT ? SK_ERR_STATE : SK_ERR_SYSTEM, errno,
				    "attach socket '%s': %s", path, strerror(errno));
	struct sockaddr_un sa;
	if (!sockaddr_at(dir_fd, MONITOR_ATTACH_NAME, &sa))
		return sk_err_internal(err, "attach socket '%s': address too long", path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sk_err_system(err, errno, "attach socket: %s", strerror(errno));
	if (RETRY_EINTR(connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0) {
		/* No socket, or nobody listening: the container's monitor is not running. */
		bool gone = errno == ENOENT || errno == ECONNREFUSED;
		return sk_error_set(err, gone ? SK_ERR_STATE : SK_ERR_SYSTEM, errno,
				    "connect to attach socket '%s': %s", path, strerror(errno));
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int monitor_attach_listen(struct monitor_ctx *c, struct sk_error **err)
{
	struct sockaddr_un sa;
	if (!sockaddr_at(c->dir_fd, MONITOR_ATTACH_NAME, &sa))
		return sk_err_internal(err, "attach socket: address too long");
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return sk_err_system(err, errno, "attach socket: %s", strerror(errno));
	if (unlinkat(c->dir_fd, MONITOR_ATTACH_NAME, 0) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove old attach socket in '%s': %s",
				     c->o->run_dir, strerror(errno));
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (r < 0)
		return sk_err_system(err, e, "bind attach socket in '%s': %s", c->o->run_dir,
				     strerror(e));
	if (listen(fd, 16) < 0)
		return sk_err_system(err, errno, "listen on attach socket in '%s': %s",
				     c->o->run_dir, strerror(errno));
	c->listen_fd = TAKE_FD(fd);
	return 0;
}

void monitor_attach_accept(struct monitor_ctx *c)
{
	for (;;) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				monitor_err_note(c, "accept attach client: %s", strerror(errno));
			if (errno != EINTR && errno != ECONNABORTED)
				return;
			continue;
		}
		if (c->n_clients >= MONITOR_CLIENTS_MAX) {
			close(fd);
			monitor_err_note(c, "attach: more than %d clients, refused",
					 MONITOR_CLIENTS_MAX);
			continue;
		}
		/* Room for bursts before a client counts as too slow (kernel memory, and only
		 * while the client lags; best effort: capped by net.core.wmem_max). */
		int sndbuf = CLIENT_SNDBUF;
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		c->clients = xreallocarray(c->clients, c->n_clients + 1, sizeof(int));
		c->clients[c->n_clients++] = fd;
	}
}

void monitor_attach_client_drop(struct monitor_ctx *c, size_t i)
{
	close(c->clients[i]);
	c->clients[i] = c->clients[--c->n_clients];
	if (c->n_clients == 0) {
		free(c->clients);
		c->clients = NULL;
	}
}

void monitor_attach_broadcast(struct monitor_ctx *c, const char *pkt, size_t len)
{
	for (size_t i = 0; i < c->n_clients;) {
		ssize_t n = RETRY_EINTR(send(c->clients[i], pkt, len, MSG_DONTWAIT | MSG_NOSIGNAL));
		if (n < 0) /* full (too slow to keep up) or gone: drop it */
			monitor_attach_client_drop(c, i);
		else
			i++;
	}
}

static void client_resize(struct monitor_ctx *c, const struct monitor_msg *m)
{
	struct monitor_winsize ws = monitor_msg_winsize(m);
	struct winsize w = { .ws_row = ws.rows, .ws_col = ws.cols };
	if (c->terminal && c->out_fd >= 0 && ioctl(c->out_fd, TIOCSWINSZ, &w) < 0)
		monitor_err_note(c, "resize terminal: %s", strerror(errno));
}

static void client_message(struct monitor_ctx *c, const struct monitor_msg *m)
{
	bool input = c->in_fd >= 0 && !c->in_close_pending;
	switch (m->type) {
	case MONITOR_MSG_STDIN:
		if (input)
			strbuf_add(&c->in_pending, m->data, m->len);
		break;
	case MONITOR_MSG_STDIN_CLOSE:
		/* A terminal has no end of input to give; its stdin stays open. */
		if (input && !c->terminal)
			c->in_close_pending = true;
		break;
	case MONITOR_MSG_RESIZE:
		client_resize(c, m);
		break;
	default: /* output types from a client: ignored */
		break;
	}
}

bool monitor_attach_client_read(struct monitor_ctx *c, size_t i)
{
	char buf[MONITOR_MSG_MAX];
	ssize_t n = RETRY_EINTR(recv(c->clients[i], buf, sizeof(buf), MSG_DONTWAIT));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return true;
	if (n <= 0) {
		monitor_attach_client_drop(c, i);
		return false;
	}
	struct monitor_msg m;
	if (monitor_msg_decode(buf, (size_t)n, &m))
		client_message(c, &m);
	return true;
}

void monitor_attach_close(struct monitor_ctx *c)
{
	while (c->n_clients > 0)
		monitor_attach_client_drop(c, c->n_clients - 1);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		c->listen_fd = -1;
		if (unlinkat(c->dir_fd, MONITOR_ATTACH_NAME, 0) < 0 && errno != ENOENT)
			monitor_err_note(c, "remove attach socket: %s", strerror(errno));
	}
}
