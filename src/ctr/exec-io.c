/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stdio of `<runtime> exec`. The runtime prints its own errors on its stderr, which is
 * also the process's stderr: what arrives there before the process exists (the runtime writes
 * --pid-file just before it execs the process) is held back, so a failed start shows only
 * selkie's one error line. With a terminal, the runtime hands the pty's master over
 * --console-socket and we copy between it and our stdio, as podman's conmon does: the caller
 * need not have a terminal itself.
 */
#include "ctr/exec-io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct exec_io {
	const struct ctr_exec_io_opts *o;
	pid_t pid;
	int err_fd; /* the runtime's stderr */
	int listen_fd;
	int master;
	bool in_open;
	bool started; /* the pid file exists: output is the process's */
	struct strbuf held;
};

static int recv_fd(int conn)
{
	char data[1];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	if (recvmsg(conn, &m, MSG_CMSG_CLOEXEC) < 0)
		return -errno;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void winsize_copy(int from, int to)
{
	struct winsize ws;
	if (isatty(from) && ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static void stderr_handle(struct exec_io *io)
{
	char buf[4096];
	ssize_t n = read(io->err_fd, buf, sizeof(buf));
	if (n <= 0) {
		close(io->err_fd);
		io->err_fd = -1;
		return;
	}
	if (!io->started)
		io->started = fs_exists(io->o->pid_file);
	if (!io->started || io->o->tty) {
		/* Before the process exists only the runtime writes here; with a terminal the
		 * process never does. */
		if (io->held.len < 64 * 1024)
			strbuf_add(&io->held, buf, (size_t)n);
		return;
	}
	if (io->held.len) {
		fd_write_all(STDERR_FILENO, io->held.buf, io->held.len);
		strbuf_reset(&io->held);
	}
	fd_write_all(STDERR_FILENO, buf, (size_t)n);
}

static void console_accept(struct exec_io *io)
{
	int conn = accept4(io->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return;
	io->master = recv_fd(conn);
	close(conn);
	close(io->listen_fd);
	io->listen_fd = -1;
	if (io->master >= 0)
		winsize_copy(STDIN_FILENO, io->master);
}

static bool pty_copy(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return false;
	return fd_write_all(to, buf, (size_t)n) >= 0;
}

static void loop(struct exec_io *io)
{
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = io->err_fd, .events = POLLIN },
			{ .fd = io->listen_fd, .events = POLLIN },
			{ .fd = io->master, .events = POLLIN },
			{ .fd = io->master >= 0 && io->in_open ? STDIN_FILENO : -1,
			  .events = POLLIN },
		};
		if (io->err_fd < 0 && io->master < 0 && io->listen_fd < 0)
			return;
		int r = poll(p, 4, 100);
		if (r < 0 && errno != EINTR)
			return;
		if (r <= 0) {
			/* The runtime may be gone without closing what we wait on. */
			siginfo_t si = { 0 };
			if (waitid(P_PID, (id_t)io->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
			    (si.si_pid != 0 && io->master < 0))
				return;
			continue;
		}
		if (p[0].revents)
			stderr_handle(io);
		if (p[1].revents)
			console_accept(io);
		if (p[2].revents && !pty_copy(io->master, STDOUT_FILENO)) {
			close(io->master);
			io->master = -1;
		}
		if (p[3].revents && !pty_copy(STDIN_FILENO, io->master))
			io->in_open = false;
	}
}

static int console_listen(const char *dir, char **ret_path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *path = xasprintf("%s/console.sock", dir);
	_cleanup_close_ int dfd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		/* Too long for a socket address: go through our fd of the directory. */
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(path);
		path = xasprintf("/proc/%d/fd/%d/console.sock", (int)getpid(), dfd);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*ret_path = TAKE_PTR(path);
	dfd = -1; /* kept open while the runtime connects; closed when we exit */
	return fd;
}

int ctr_exec_io_run(char *const *args, const char *id, const struct ctr_exec_io_opts *o,
		    int *ret_status)
{
	struct exec_io io = { .o = o, .listen_fd = -1, .master = -1, .held = STRBUF_INIT };
	_cleanup_free_ char *sock = NULL;
	_cleanup_strv_free_ char **argv = strv_copy(args);
	if (o->tty) {
		io.listen_fd = console_listen(o->dir, &sock);
		if (io.listen_fd < 0)
			return io.listen_fd;
		strv_push(&argv, "--console-socket");
		strv_push(&argv, sock);
	}
	strv_push(&argv, id);
	int errp[2];
	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	/* Our terminal passes the pty's bytes through untouched, -i or not (podman). */
	bool raw = o->tty && isatty(STDIN_FILENO);
	struct termios saved;
	if (raw && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	} else {
		raw = false;
	}
	io.pid = fork();
	if (io.pid == 0) {
		int in = o->interactive && !o->tty ? STDIN_FILENO : open("/dev/null", O_RDONLY);
		dup2(in, 0);
		if (o->tty)
			dup2(open("/dev/null", O_WRONLY), 1);
		dup2(errp[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(errp[1]);
	io.err_fd = errp[0];
	io.in_open = o->interactive;
	if (io.pid > 0)
		loop(&io);
	int status = 0;
	while (io.pid > 0 && waitpid(io.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (io.err_fd >= 0)
		close(io.err_fd);
	if (io.listen_fd >= 0)
		close(io.listen_fd);
	if (io.master >= 0)
		close(io.master);
	/* What the runtime said although the process ran (a late error) is shown. */
	if (io.started && io.held.len && !o->tty)
		fd_write_all(STDERR_FILENO, io.held.buf, io.held.len);
	strbuf_release(&io.held);
	*ret_status = status;
	return io.pid < 0 ? -ENOMEM : 0;
}
