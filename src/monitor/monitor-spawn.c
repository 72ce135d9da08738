/* SPDX-License-Identifier: Apache-2.0 */
/*
 * monitor_spawn(): start `selkie [global args] container monitor <run_dir>` detached from the
 * caller (fork, setsid, fork again, the middle process exits at once, so the monitor is
 * re-parented to a subreaper or init and outlives the CLI), then wait for its sync line.
 *
 * Everything the children need is prepared before the first fork: the caller may have threads
 * (the API server), so the children make system calls only.
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

extern char **environ;

struct spawn_job {
	const char *exe;
	char **argv;
	char **envp;
	int sync_fd; /* write end of the sync pipe */
	int null_fd;
	const int *keep_fds; /* go to fds 4, 5, ... of the monitor */
	size_t n_keep_fds;
	bool inherit_stdio;
};

static char **spawn_argv(const char *self_exe, char *const *global_args, const char *run_dir)
{
	char **argv = strv_new(self_exe, NULL);
	STRV_FOREACH (a, global_args)
		strv_push(&argv, *a);
	strv_push(&argv, "container");
	strv_push(&argv, "monitor");
	strv_push(&argv, run_dir);
	return argv;
}

static char **spawn_envp(void)
{
	char **envp = NULL;
	size_t klen = strlen(MONITOR_SYNC_FD_ENV);
	STRV_FOREACH (e, environ)
		if (!strneq(*e, MONITOR_SYNC_FD_ENV, klen) || (*e)[klen] != '=')
			strv_push(&envp, *e);
	strv_pushf(&envp, "%s=%d", MONITOR_SYNC_FD_ENV, MONITOR_SYNC_FD);
	return envp;
}

/* In the grandchild: report why exec failed as {"exec_errno":N} (no stdio, no malloc). */
static _noreturn_ void exec_failed(int fd, int e)
{
	char buf[40] = "{\"exec_errno\":";
	size_t n = strlen(buf);
	char digits[12];
	size_t d = 0;
	do
		digits[d++] = (char)('0' + e % 10);
	while ((e /= 10) > 0 && d < sizeof(digits));
	while (d > 0)
		buf[n++] = digits[--d];
	buf[n++] = '}';
	buf[n++] = '\n';
	(void)!write(fd, buf, n);
	_exit(127);
}

/* The grandchild: the monitor-to-be. */
static _noreturn_ void spawn_exec(const struct spawn_job *j)
{
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* out of the way of 0-3 first: the caller's stdio may be closed */
	int sync_fd = fcntl(j->sync_fd, F_DUPFD_CLOEXEC, 10);
	if (sync_fd < 0)
		_exit(127);
	for (int fd = 0; fd < 3; fd++)
		if ((!j->inherit_stdio || fcntl(fd, F_GETFD) < 0) && dup2(j->null_fd, fd) < 0)
			exec_failed(sync_fd, errno);
	if (dup2(sync_fd, MONITOR_SYNC_FD) < 0)
		exec_failed(sync_fd, errno);
	/* kept fds: first above any target number, then down into place */
	int moved[MONITOR_KEEP_FDS_MAX];
	size_t n_keep = j->n_keep_fds < MONITOR_KEEP_FDS_MAX ? j->n_keep_fds : MONITOR_KEEP_FDS_MAX;
	for (size_t i = 0; i < n_keep; i++)
		if ((moved[i] = fcntl(j->keep_fds[i], F_DUPFD_CLOEXEC, 4 + (int)n_keep)) < 0)
			exec_failed(MONITOR_SYNC_FD, errno);
	for (size_t i = 0; i < n_keep; i++)
		if (dup2(moved[i], MONITOR_SYNC_FD + 1 + (int)i) < 0)
			exec_failed(MONITOR_SYNC_FD, errno);
	close_range(MONITOR_SYNC_FD + 1 + (unsigned)n_keep, ~0U, 0);
	if (chdir("/") < 0)
		exec_failed(MONITOR_SYNC_FD, errno);
	execve(j->exe, j->argv, j->envp);
	exec_failed(MONITOR_SYNC_FD, errno);
}

/* The middle process: a new session, then the monitor, then gone. */
static _noreturn_ void spawn_middle(const struct spawn_job *j)
{
	setsid();
	pid_t pid = fork();
	if (pid < 0)
		exec_failed(j->sync_fd, errno);
	if (pid == 0)
		spawn_exec(j);
	_exit(0);
}

/* Everything the monitor writes on the sync pipe, until it closes it. */
static int sync_read(int fd, struct strbuf *sb, struct sk_error **err)
{
	char buf[4096];
	while (sb->len < MONITOR_SYNC_MAX) {
		ssize_t n = RETRY_EINTR(read(fd, buf, sizeof(buf)));
		if (n < 0)
			return sk_err_system(err, errno, "read from container monitor: %s",
					     strerror(errno));
		if (n == 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
	return 0;
}

int monitor_spawn(const char *self_exe, char *const *global_args, const char *run_dir,
		  bool inherit_stdio, const int *keep_fds, size_t n_keep_fds, pid_t *ret_pid,
		  pid_t *ret_monitor_pid, struct sk_error **err)
{
	if (n_keep_fds > MONITOR_KEEP_FDS_MAX)
		return sk_err_invalid(err, "spawn container monitor: more than %d fds to keep",
				      MONITOR_KEEP_FDS_MAX);
	/* the monitor starts in "/" */
	if (self_exe[0] != '/' || run_dir[0] != '/')
		return sk_err_invalid(err, "spawn container monitor: '%s' is not an absolute path",
				      self_exe[0] != '/' ? self_exe : run_dir);
	_cleanup_strv_free_ char **argv = spawn_argv(self_exe, global_args, run_dir);
	_cleanup_strv_free_ char **envp = spawn_envp();
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (null_fd < 0)
		return sk_err_system(err, errno, "open /dev/null: %s", strerror(errno));
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "create sync pipe: %s", strerror(errno));
	_cleanup_close_ int rd = p[0], wr = p[1];
	struct spawn_job j = { .exe = self_exe,
			       .argv = argv,
			       .envp = envp,
			       .sync_fd = wr,
			       .null_fd = null_fd,
			       .inherit_stdio = inherit_stdio,
			       .keep_fds = keep_fds,
			       .n_keep_fds = n_keep_fds };
	pid_t pid = fork();
	if (pid < 0)
		return sk_err_system(err, errno, "fork container monitor: %s", strerror(errno));
	if (pid == 0)
		spawn_middle(&j);
	close(TAKE_FD(wr));
	RETRY_EINTR(waitpid(pid, NULL, 0));
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	int r = sync_read(rd, &text, err);
	if (r < 0)
		return r;
	struct monitor_sync_result res;
	r = monitor_sync_parse(text.buf ? text.buf : "", text.len, self_exe, &res, err);
	if (r < 0)
		return r;
	*ret_pid = res.pid;
	*ret_monitor_pid = res.monitor_pid;
	return 0;
}
