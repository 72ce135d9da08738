/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Steps 2 and 4 of the monitor (monitor.h): the container's stdio, then `<runtime> create`.
 *
 * Pipe mode: the runtime's create process gets the write ends of a stdout and a stderr pipe
 * (and the read end of a stdin pipe with open_stdin, else /dev/null) as its fds 0-2, and the
 * container keeps them. The runtime's own error messages therefore arrive on the stderr pipe:
 * when create fails, that is where its message is read from (conmon does the same).
 * Terminal mode: the container gets a pty (monitor-console.c); the runtime's stderr is a pipe
 * of its own, read only when it fails. Passthrough (without terminal): the runtime, and so the
 * container, get the monitor's own fds 0-2; a failure message is then only on the user's
 * terminal, and the sync line carries the exit status.
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <string.h>

#include "util/child.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The runtime's stderr read at most when it failed. */
#define RUNTIME_STDERR_MAX (16 * 1024)

/* The fds the runtime's create process gets as 0, 1 and 2; owned unless passthrough. */
struct rt_stdio {
	int fd[3];
	bool owned;
};

static void rt_stdio_close(struct rt_stdio *rt)
{
	for (int i = 0; i < 3; i++) {
		if (rt->owned && rt->fd[i] >= 0)
			close(rt->fd[i]);
		rt->fd[i] = -1;
	}
}

/* A pipe whose end `ours` (0 read, 1 write) is kept non-blocking in *ret_ours; the other end
 * goes to the runtime. */
static int stdio_pipe(int ours, int *ret_ours, int *ret_theirs, struct sk_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "create stdio pipe: %s", strerror(errno));
	int flags = fcntl(p[ours], F_GETFL);
	if (flags < 0 || fcntl(p[ours], F_SETFL, flags | O_NONBLOCK) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return sk_err_system(err, e, "create stdio pipe: %s", strerror(e));
	}
	*ret_ours = p[ours];
	*ret_theirs = p[!ours];
	return 0;
}

static int stdio_devnull(int flags, int *ret, struct sk_error **err)
{
	*ret = open("/dev/null", flags | O_CLOEXEC | O_NOCTTY);
	if (*ret < 0)
		return sk_err_system(err, errno, "open /dev/null: %s", strerror(errno));
	return 0;
}

static int stdio_setup(struct monitor_ctx *c, struct rt_stdio *rt, struct sk_error **err)
{
	const struct monitor_opts *o = c->o;
	if (!o->terminal && streq(o->log_driver, "passthrough")) {
		*rt = (struct rt_stdio){ .fd = { 0, 1, 2 }, .owned = false };
		return 0;
	}
	rt->owned = true;
	int r = stdio_pipe(0, &c->err_fd, &rt->fd[2], err);
	if (r < 0)
		return r;
	if (o->terminal) {
		r = stdio_devnull(O_RDONLY, &rt->fd[0], err);
		return r < 0 ? r : stdio_devnull(O_WRONLY, &rt->fd[1], err);
	}
	r = stdio_pipe(0, &c->out_fd, &rt->fd[1], err);
	if (r < 0)
		return r;
	if (o->open_stdin)
		return stdio_pipe(1, &c->in_fd, &rt->fd[0], err);
	return stdio_devnull(O_RDONLY, &rt->fd[0], err);
}

static char **runtime_argv(const struct monitor_opts *o, const char *console)
{
	char **argv = strv_new(o->runtime, NULL);
	if (o->runtime_root) {
		strv_push(&argv, "--root");
		strv_push(&argv, o->runtime_root);
	}
	if (o->systemd_cgroup)
		strv_push(&argv, "--systemd-cgroup");
	strv_push(&argv, "create");
	strv_push(&argv, "--bundle");
	strv_push(&argv, o->bundle);
	strv_push(&argv, "--pid-file");
	strv_push_take(&argv, path_join(o->run_dir, MONITOR_PIDFILE_NAME));
	if (console) {
		strv_push(&argv, "--console-socket");
		strv_push(&argv, console);
	}
	strv_push(&argv, o->id);
	return argv;
}

/* Whatever the runtime wrote on its stderr before it exited (non-blocking reads). */
static void runtime_stderr_read(int fd, struct strbuf *sb)
{
	char buf[4096];
	while (fd >= 0 && sb->len < RUNTIME_STDERR_MAX) {
		ssize_t n = RETRY_EINTR(read(fd, buf, sizeof(buf)));
		if (n <= 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
}

static int runtime_failed(struct monitor_ctx *c, int status, struct sk_error **err)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	runtime_stderr_read(c->err_fd, &text);
	_cleanup_free_ char *msg = monitor_runtime_msg_clean(
		path_basename(c->o->runtime), text.len ? text.buf : NULL, text.len, status);
	return sk_error_set(err, SK_ERR_RUNTIME, EIO, "%s", msg);
}

static int runtime_run(struct monitor_ctx *c, const struct rt_stdio *rt, const char *console,
		       struct sk_error **err)
{
	_cleanup_strv_free_ char **argv = runtime_argv(c->o, console);
	struct child_opts co = CHILD_OPTS_INIT;
	co.stdin_fd = rt->fd[0];
	co.stdout_fd = rt->fd[1];
	co.stderr_fd = rt->fd[2];
	if (unlinkat(c->dir_fd, MONITOR_PIDFILE_NAME, 0) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove old pid file in '%s': %s", c->o->run_dir,
				     strerror(errno));
	int status = 0;
	int r = child_run(argv, &co, &status, NULL, NULL);
	if (r < 0)
		return sk_err_system(err, r, "run runtime '%s': %s", c->o->runtime, strerror(-r));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return runtime_failed(c, status, err);
	return 0;
}

static int pidfile_read(struct monitor_ctx *c, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(c->o->run_dir, MONITOR_PIDFILE_NAME);
	_cleanup_free_ char *text = NULL;
	int r = fs_read_file(path, 64, &text, NULL);
	if (r < 0)
		return sk_error_set(err, SK_ERR_SYSTEM, r, "%s: read pid file '%s': %s",
				    path_basename(c->o->runtime), path, strerror(-r));
	int pid = 0;
	text[strcspn(text, "\n")] = '\0';
	if (parse_int(text, &pid) < 0 || pid <= 0)
		return sk_error_set(err, SK_ERR_SYSTEM, EBADMSG, "%s: bad pid file '%s': '%s'",
				    path_basename(c->o->runtime), path, text);
	c->ctr_pid = pid;
	return 0;
}

int monitor_container_create(struct monitor_ctx *c, struct sk_error **err)
{
	struct rt_stdio rt = { .fd = { -1, -1, -1 } };
	_cleanup_close_ int console_fd = -1;
	_cleanup_free_ char *console = NULL;
	int r = stdio_setup(c, &rt, err);
	if (r >= 0 && c->o->terminal) {
		console_fd = monitor_console_listen(c, &console, err);
		r = MIN(console_fd, 0);
	}
	if (r >= 0)
		r = runtime_run(c, &rt, console, err);
	rt_stdio_close(&rt);
	if (r >= 0 && c->o->terminal)
		r = monitor_console_receive(c, console_fd, err);
	if (console_fd >= 0)
		unlinkat(c->dir_fd, MONITOR_CONSOLE_NAME, 0);
	if (r >= 0)
		r = pidfile_read(c, err);
	if (c->o->terminal && c->err_fd >= 0) {
		/* the runtime's stderr only: the container writes to the pty */
		close(c->err_fd);
		c->err_fd = -1;
	}
	return r;
}
