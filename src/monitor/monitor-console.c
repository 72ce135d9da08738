/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A terminal container: the runtime makes the pty inside the container and sends its master
 * over the --console-socket we listen on (SOCK_STREAM, one SCM_RIGHTS message; runc and crun
 * send the pty's name as the payload). The runtime connects and sends before its `create`
 * returns, and the connection waits in the backlog until we accept it, so the monitor takes
 * it after the runtime has exited.
 *
 * The runtime connects by path, so the path must fit in sun_path: <run_dir>/console.sock when
 * it does, else the same socket through /proc/<monitor pid>/fd/<fd of run_dir>/ (which the
 * runtime, running as our user, may follow).
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "util/fs.h"
#include "util/xalloc.h"

/* How long to wait for the runtime's connection after `create` succeeded. */
#define CONSOLE_ACCEPT_TIMEOUT_MS 5000

static char *console_path(const struct monitor_ctx *c)
{
	struct sockaddr_un sa;
	char *direct = path_join(c->o->run_dir, MONITOR_CONSOLE_NAME);
	if (strlen(direct) < sizeof(sa.sun_path))
		return direct;
	free(direct);
	return xasprintf("/proc/%d/fd/%d/%s", (int)getpid(), c->dir_fd, MONITOR_CONSOLE_NAME);
}

int monitor_console_listen(struct monitor_ctx *c, char **ret_path, struct sk_error **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", c->dir_fd,
			 MONITOR_CONSOLE_NAME);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return sk_err_internal(err, "console socket: address too long");
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return sk_err_system(err, errno, "console socket: %s", strerror(errno));
	if (unlinkat(c->dir_fd, MONITOR_CONSOLE_NAME, 0) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove old console socket in '%s': %s",
				     c->o->run_dir, strerror(errno));
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (r < 0)
		return sk_err_system(err, e, "bind console socket in '%s': %s", c->o->run_dir,
				     strerror(e));
	if (listen(fd, 1) < 0)
		return sk_err_system(err, errno, "listen on console socket: %s", strerror(errno));
	*ret_path = console_path(c);
	return TAKE_FD(fd);
}

/* The fd carried by one SCM_RIGHTS message on conn; -errno. */
static int console_recv_fd(int conn)
{
	char name[256];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct pollfd p = { .fd = conn, .events = POLLIN };
	if (RETRY_EINTR(poll(&p, 1, CONSOLE_ACCEPT_TIMEOUT_MS)) <= 0)
		return -ETIMEDOUT;
	ssize_t n = RETRY_EINTR(recvmsg(conn, &msg, MSG_CMSG_CLOEXEC));
	if (n < 0)
		return -errno;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	if (msg.msg_flags & MSG_CTRUNC) {
		close(fd);
		return -EBADMSG;
	}
	return fd;
}

static int console_take_master(struct monitor_ctx *c, int master, struct sk_error **err)
{
	int flags = fcntl(master, F_GETFL);
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0) {
		close(master);
		return sk_err_system(err, errno, "console: %s", strerror(errno));
	}
	c->out_fd = master;
	if (c->o->open_stdin) {
		c->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
		if (c->in_fd < 0)
			return sk_err_system(err, errno, "console: %s", strerror(errno));
	}
	return 0;
}

int monitor_console_receive(struct monitor_ctx *c, int listen_fd, struct sk_error **err)
{
	struct pollfd p = { .fd = listen_fd, .events = POLLIN };
	int r = RETRY_EINTR(poll(&p, 1, CONSOLE_ACCEPT_TIMEOUT_MS));
	if (r == 0)
		return sk_error_set(err, SK_ERR_SYSTEM, ETIMEDOUT,
				    "%s: no terminal received on the console socket",
				    path_basename(c->o->runtime));
	_cleanup_close_ int conn = r < 0 ? -1 : accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return sk_err_system(err, errno, "accept on console socket: %s", strerror(errno));
	int master = console_recv_fd(conn);
	if (master < 0)
		return sk_error_set(err, SK_ERR_SYSTEM, master,
				    "%s: receive terminal on the console socket: %s",
				    path_basename(c->o->runtime), strerror(-master));
	unlinkat(c->dir_fd, MONITOR_CONSOLE_NAME, 0);
	return console_take_master(c, master, err);
}
