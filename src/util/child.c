/* SPDX-License-Identifier: Apache-2.0 */

#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "strbuf.h"
#include "strv.h"
#include "xalloc.h"

char *child_find_program(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_strv_free_ char **dirs = strv_split(path, ":", true);
	STRV_FOREACH (d, dirs) {
		char *p = path_join(*d, name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

int child_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* In the child: move fd onto target, leaving target without O_CLOEXEC. */
static void child_setup_fd(int fd, int target)
{
	if (fd == target) {
		int flags = fcntl(fd, F_GETFD);
		if (flags >= 0)
			fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	} else if (dup2(fd, target) < 0) {
		_exit(127);
	}
}

/* Drain the capture pipes and feed stdin until all are closed. */
static int pump(int in_fd, const char *in_data, int out_fd, int err_fd, struct strbuf *out,
		struct strbuf *errb, int timeout_ms)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	size_t in_len = in_data ? strlen(in_data) : 0, in_off = 0;
	if (in_fd >= 0 && in_len == 0) {
		close(in_fd);
		in_fd = -1;
	}
	while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
		struct pollfd p[3] = { { .fd = in_fd, .events = POLLOUT },
				       { .fd = out_fd, .events = POLLIN },
				       { .fd = err_fd, .events = POLLIN } };
		int wait = -1;
		if (timeout_ms > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long spent = (now.tv_sec - start.tv_sec) * 1000 +
				     (now.tv_nsec - start.tv_nsec) / 1000000;
			if (spent >= timeout_ms)
				return -ETIMEDOUT;
			wait = (int)(timeout_ms - spent);
		}
		int pr = poll(p, 3, wait);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pr == 0)
			continue;
		if (in_fd >= 0 && p[0].revents) {
			ssize_t n = write(in_fd, in_data + in_off, in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				in_off = in_len;
			if (in_off >= in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
		int *fds[2] = { &out_fd, &err_fd };
		struct strbuf *bufs[2] = { out, errb };
		for (int i = 0; i < 2; i++) {
			if (*fds[i] < 0 || !p[i + 1].revents)
				continue;
			char buf[8192];
			ssize_t n = read(*fds[i], buf, sizeof(buf));
			if (n > 0) {
				strbuf_add(bufs[i], buf, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(*fds[i]);
				*fds[i] = -1;
			}
		}
	}
	return 0;
}

int child_run(char *const argv[], const struct child_opts *opts, int *ret_status, char **ret_stdout,
	      char **ret_stderr)
{
	struct child_opts def = CHILD_OPTS_INIT;
	if (!opts)
		opts = &def;
	_cleanup_free_ char *prog = child_find_program(argv[0]);
	if (!prog)
		return -ENOENT;
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	if (opts->stdin_data && pipe2(in_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (opts->capture_stdout && pipe2(out_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (opts->capture_stderr && pipe2(err_pipe, O_CLOEXEC) < 0)
		return -errno;
	/* The error pipe tells the parent that exec failed, and why. */
	int exec_pipe[2];
	if (pipe2(exec_pipe, O_CLOEXEC) < 0)
		return -errno;

	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (opts->new_session)
			setsid();
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		int in = in_pipe[0] >= 0       ? in_pipe[0]
			 : opts->stdin_fd >= 0 ? opts->stdin_fd
					       : devnull;
		child_setup_fd(in, 0);
		if (out_pipe[1] >= 0)
			child_setup_fd(out_pipe[1], 1);
		else if (opts->stdout_fd >= 0)
			child_setup_fd(opts->stdout_fd, 1);
		if (err_pipe[1] >= 0)
			child_setup_fd(err_pipe[1], 2);
		else if (opts->stderr_fd >= 0)
			child_setup_fd(opts->stderr_fd, 2);
		if (opts->cwd && chdir(opts->cwd) < 0) {
			int e = errno;
			(void)!write(exec_pipe[1], &e, sizeof(e));
			_exit(127);
		}
		if (opts->env)
			execve(prog, argv, opts->env);
		else
			execv(prog, argv);
		int e = errno;
		(void)!write(exec_pipe[1], &e, sizeof(e));
		_exit(127);
	}
	close(exec_pipe[1]);
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);
	if (out_pipe[1] >= 0)
		close(out_pipe[1]);
	if (err_pipe[1] >= 0)
		close(err_pipe[1]);

	int exec_errno = 0;
	ssize_t n = RETRY_EINTR(read(exec_pipe[0], &exec_errno, sizeof(exec_errno)));
	close(exec_pipe[0]);

	struct strbuf out = STRBUF_INIT, errb = STRBUF_INIT;
	int r = 0;
	if (n == sizeof(exec_errno)) {
		if (in_pipe[1] >= 0)
			close(in_pipe[1]);
		if (out_pipe[0] >= 0)
			close(out_pipe[0]);
		if (err_pipe[0] >= 0)
			close(err_pipe[0]);
	} else {
		signal(SIGPIPE, SIG_IGN);
		r = pump(in_pipe[1], opts->stdin_data, out_pipe[0], err_pipe[0], &out, &errb,
			 opts->timeout_ms);
		if (r == -ETIMEDOUT)
			kill(pid, SIGKILL);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	}
	if (n == sizeof(exec_errno)) {
		strbuf_release(&out);
		strbuf_release(&errb);
		return -exec_errno;
	}
	if (ret_status)
		*ret_status = status;
	if (ret_stdout)
		*ret_stdout = strbuf_detach(&out, NULL);
	else
		strbuf_release(&out);
	if (ret_stderr)
		*ret_stderr = strbuf_detach(&errb, NULL);
	else
		strbuf_release(&errb);
	return r;
}
