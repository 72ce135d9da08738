/* SPDX-License-Identifier: Apache-2.0 */
/*
 * monitor_run(): the monitor's main (monitor.h steps 1-8) and what it does around the loop:
 * its own setup, the sync line, health checks, the exit file and the exit command.
 *
 * "Ignores SIGINT/SIGHUP/SIGPIPE": they are blocked and read (and dropped) from the same
 * signalfd as SIGCHLD, rather than set to SIG_IGN, which would survive exec into the runtime
 * and from there into the container. Children get an empty signal mask.
 *
 * After the sync line, a problem can't be reported to anyone: it goes into
 * <run_dir>/monitor.err (one line, the latest) and the monitor carries on where it can.
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "util/child.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

void monitor_ctx_init(struct monitor_ctx *c, const struct monitor_opts *o)
{
	*c = (struct monitor_ctx){
		.o = o,
		.dir_fd = -1,
		.sync_fd = -1,
		.listen_fd = -1,
		.out_fd = -1,
		.err_fd = -1,
		.in_fd = -1,
		.sig_fd = -1,
		.timer_fd = -1,
		.terminal = o->terminal,
		.in_pending = STRBUF_INIT,
	};
}

void monitor_ctx_done(struct monitor_ctx *c)
{
	monitor_attach_close(c);
	int *fds[] = { &c->sync_fd, &c->out_fd,	  &c->err_fd, &c->in_fd,
		       &c->sig_fd,  &c->timer_fd, &c->dir_fd };
	for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	strbuf_release(&c->in_pending);
	monitor_log_writer_free(c->log);
	c->log = NULL;
	free(c->last_err);
	c->last_err = NULL;
}

void monitor_err_note(struct monitor_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (c->last_err && streq(c->last_err, msg))
		return; /* the same problem again (a full disk): written already */
	free(c->last_err);
	c->last_err = xstrdup(msg);
	if (c->dir_fd < 0)
		return;
	_cleanup_free_ char *ts = time_format_rfc3339nano(time_now_ns());
	_cleanup_free_ char *line = xasprintf("%s %s\n", ts, msg);
	for (char *p = line; p[1]; p++) /* one line */
		if (*p == '\n')
			*p = ' ';
	_cleanup_close_ int fd =
		openat(c->dir_fd, MONITOR_ERR_NAME,
		       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd >= 0)
		(void)fd_write_all(fd, line, strlen(line));
}

void monitor_err_note_error(struct monitor_ctx *c, struct sk_error **err)
{
	monitor_err_note(c, "%s", *err ? (*err)->msg : "unknown error");
	sk_error_free(*err);
	*err = NULL;
}

/* Step 1: subreaper, signals, stdio, working directory. */
static int setup_process(struct monitor_ctx *c, struct sk_error **err)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return sk_err_system(err, errno, "become a subreaper: %s", strerror(errno));
	sigset_t mask;
	sigemptyset(&mask);
	int sigs[] = { SIGCHLD, SIGINT, SIGHUP, SIGPIPE };
	for (size_t i = 0; i < ELEMENTSOF(sigs); i++) {
		sigaddset(&mask, sigs[i]);
		signal(sigs[i], SIG_DFL);
	}
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return sk_err_system(err, errno, "block signals: %s", strerror(errno));
	c->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c->sig_fd < 0)
		return sk_err_system(err, errno, "signalfd: %s", strerror(errno));
	if (!streq(c->o->log_driver, "passthrough")) {
		_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
		for (int fd = 0; null >= 0 && fd < 3; fd++)
			if (fd != null)
				dup2(null, fd);
		if (null >= 0 && null < 3) { /* landed on a free stdio slot: keep it there */
			fcntl(null, F_SETFD, 0);
			null = -1;
		}
	}
	if (chdir("/") < 0)
		return sk_err_system(err, errno, "chdir /: %s", strerror(errno));
	return 0;
}

/* The sync pipe monitor_spawn() left us, if any; -1 otherwise. Taken once. */
static int sync_fd_take(void)
{
	const char *s = getenv(MONITOR_SYNC_FD_ENV);
	int fd = -1;
	if (!s || parse_int(s, &fd) < 0 || fd <= 2 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		fd = -1;
	unsetenv(MONITOR_SYNC_FD_ENV);
	return fd;
}

void monitor_report_error(const struct sk_error *e)
{
	int fd = sync_fd_take();
	if (fd < 0)
		return;
	_cleanup_free_ char *line = monitor_sync_line_failed(e);
	(void)fd_write_all(fd, line, strlen(line));
	close(fd);
}

static int setup(struct monitor_ctx *c, struct sk_error **err)
{
	c->sync_fd = sync_fd_take();
	int r = setup_process(c, err);
	if (r < 0)
		return r;
	c->dir_fd = open(c->o->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dir_fd < 0)
		return sk_err_system(err, errno, "open run directory '%s': %s", c->o->run_dir,
				     strerror(errno));
	/* Who we are, for a start or rm that finds a monitor its recorder never heard of (the
	 * CLI that spawned us was killed before it wrote our PID down). */
	char pid[32];
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	_cleanup_free_ char *pid_file = xasprintf("%s/" MONITOR_PID_NAME, c->o->run_dir);
	(void)fs_write_atomic(pid_file, pid, strlen(pid), 0600);
	r = monitor_attach_listen(c, err);
	if (r < 0)
		return r;
	if (streq(c->o->log_driver, "k8s-file"))
		r = monitor_log_writer_open(c->o->log_path, c->o->log_max_size, &c->log, err);
	return r;
}

static void sync_send(struct monitor_ctx *c, const char *line)
{
	if (c->sync_fd < 0)
		return;
	int r = fd_write_all(c->sync_fd, line, strlen(line));
	if (r < 0)
		monitor_err_note(c, "write sync line: %s", strerror(-r));
	close(c->sync_fd);
	c->sync_fd = -1;
}

static void health_timer_start(struct monitor_ctx *c)
{
	int64_t iv = c->o->health_interval_ns;
	if (!c->o->health_command || iv <= 0)
		return;
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct timespec ts = { .tv_sec = iv / 1000000000LL, .tv_nsec = iv % 1000000000LL };
	struct itimerspec its = { .it_interval = ts, .it_value = ts };
	if (c->timer_fd < 0 || timerfd_settime(c->timer_fd, 0, &its, NULL) < 0)
		monitor_err_note(c, "health check timer: %s", strerror(errno));
}

/* fork + exec with stdio on /dev/null and an empty signal mask; not waited for here. */
static pid_t spawn_quiet(char *const *argv)
{
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (null < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		signal(SIGPIPE, SIG_DFL); /* child_run() leaves it ignored in the monitor */
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int fd = 0; fd < 3; fd++)
			if (dup2(null, fd) < 0)
				_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

void monitor_health_start(struct monitor_ctx *c)
{
	pid_t pid = spawn_quiet(c->o->health_command);
	if (pid < 0)
		monitor_err_note(c, "start health check: %s", strerror((int)-pid));
	else
		c->health_pid = pid;
}

static void health_stop(struct monitor_ctx *c)
{
	if (c->health_pid <= 0)
		return;
	kill(c->health_pid, SIGKILL);
	RETRY_EINTR(waitpid(c->health_pid, NULL, 0));
	c->health_pid = 0;
}

/* Steps 7 and 8. */
static void finish(struct monitor_ctx *c)
{
	_cleanup_error_ struct sk_error *err = NULL;
	if (c->log && monitor_log_writer_sync(c->log, &err) < 0)
		monitor_err_note_error(c, &err);
	health_stop(c);
	struct monitor_exit e = {
		.exit_code = child_exit_code(c->ctr_status),
		.oom_killed = monitor_oom_check(CGROUP_ROOT, c->o->cgroup_path),
		.finished_at = time_now_ns(),
	};
	if (monitor_exit_write(c->o->run_dir, &e, &err) < 0)
		monitor_err_note_error(c, &err);
	char pkt[MONITOR_MSG_EXIT_LEN];
	monitor_attach_broadcast(c, pkt, monitor_msg_encode_exit(e.exit_code, pkt));
	monitor_attach_close(c);
	if (!c->o->exit_command)
		return;
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct child_opts co = CHILD_OPTS_INIT;
	co.stdout_fd = null;
	co.stderr_fd = null;
	int status = 0;
	int r = child_run(c->o->exit_command, &co, &status, NULL, NULL);
	if (r < 0)
		monitor_err_note(c, "exit command '%s': %s", c->o->exit_command[0], strerror(-r));
	else if (status != 0)
		monitor_err_note(c, "exit command '%s' failed: exit status %d",
				 c->o->exit_command[0], child_exit_code(status));
}

static int create_failed(struct monitor_ctx *c, struct sk_error *err)
{
	_cleanup_free_ char *line = monitor_sync_line_failed(err);
	monitor_err_note(c, "%s", err ? err->msg : "unknown error");
	monitor_attach_close(c); /* gone before the caller hears of the failure */
	sync_send(c, line);
	monitor_ctx_done(c);
	return 1;
}

/* The fds monitor_spawn() passed past the sync pipe (sockets holding published ports). */
struct held_fds {
	int fds[MONITOR_KEEP_FDS_MAX];
	size_t n;
};

static void held_fds_take(struct held_fds *h)
{
	h->n = 0;
	for (int fd = MONITOR_SYNC_FD + 1; fd < MONITOR_SYNC_FD + 1 + MONITOR_KEEP_FDS_MAX; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			break; /* passed as 4, 5, ... without gaps */
		h->fds[h->n++] = fd;
	}
	/* kept open here, never passed to the runtime or the exit command */
	close_range(MONITOR_SYNC_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* The container is gone: its ports are free at once (a restart binds them again while the
 * exit command still runs). */
static void held_fds_close(struct held_fds *h)
{
	for (size_t i = 0; i < h->n; i++)
		close(h->fds[i]);
	h->n = 0;
}

int monitor_run(const struct monitor_opts *o)
{
	static struct held_fds held;
	held_fds_take(&held);
	struct monitor_ctx c;
	monitor_ctx_init(&c, o);
	_cleanup_error_ struct sk_error *err = NULL;
	int r = setup(&c, &err);
	if (r >= 0)
		r = monitor_container_create(&c, &err);
	if (r < 0)
		return create_failed(&c, err);
	_cleanup_free_ char *line = monitor_sync_line_created(c.ctr_pid, getpid());
	sync_send(&c, line);
	health_timer_start(&c);
	monitor_memory_trim();
	monitor_loop_run(&c);
	held_fds_close(&held);
	monitor_output_drain(&c);
	finish(&c);
	monitor_ctx_done(&c);
	return 0;
}
