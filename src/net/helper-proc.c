/* SPDX-License-Identifier: Apache-2.0 */
/* Starting, waiting for and stopping slirp4netns and pasta (net/slirp.c, net/pasta.c). */
#include "net/helper-proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/slirp.h"
#include "util/fs.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define STOP_TIMEOUT_MS 1000
#define LOG_TAIL_MAX 8192

/* In the child, between fork and exec: system calls only (the parent may have threads). */
static _noreturn_ void helper_exec(const struct net_helper_spawn *s, int null_fd, int err_fd)
{
	int src[5] = { null_fd, s->quiet_stdout ? null_fd : s->log_fd, s->log_fd, s->fd3, s->fd4 };
	/* lift every fd above the targets first, so a dup2() can't clobber a later source */
	err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, 10);
	if (err_fd < 0)
		_exit(127);
	for (int i = 0; i < 5; i++)
		if (src[i] >= 0 && (src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0)
			goto fail;
	for (int i = 0; i < 5; i++) {
		if (src[i] >= 0 && dup2(src[i], i) < 0)
			goto fail;
		if (src[i] < 0) /* fd 3 or 4 unused: whatever we have there stays ours */
			fcntl(i, F_SETFD, FD_CLOEXEC);
	}
	/* whatever else we hold (another container's exit fd, say) must not live on in it */
	if (syscall(SYS_close_range, 5U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 5; fd < 4096; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (setsid() < 0)
		goto fail;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (s->private_mounts &&
	    (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
		goto fail;
	if (s->cwd && chdir(s->cwd) < 0)
		goto fail;
	execv(s->prog, s->argv);
fail:;
	int e = errno;
	(void)!write(err_fd, &e, sizeof(e));
	_exit(127);
}

int net_helper_spawn(const struct net_helper_spawn *s, pid_t *ret_pid)
{
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		return -errno;
	int errp[2];
	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	_cleanup_close_ int err_r = errp[0], err_w = errp[1];
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		helper_exec(s, null_fd, err_w);
	close(TAKE_FD(err_w));
	int e = 0;
	if (RETRY_EINTR(read(err_r, &e, sizeof(e))) == (ssize_t)sizeof(e)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -(e ? e : EIO);
	}
	*ret_pid = pid;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Until the process is gone (readable pidfd): 1; 0 on timeout; -errno. */
static int pidfd_wait(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		int64_t left = deadline - now_ms();
		int r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

int net_helper_wait(pid_t pid, int timeout_ms, int *ret_status)
{
	_cleanup_close_ int pidfd = pidfd_open(pid, 0);
	int status = 0;
	if (pidfd >= 0) {
		int r = pidfd_wait(pidfd, timeout_ms);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
		if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
			return -errno;
	} else {
		/* no pidfds (before Linux 5.3): poll the status */
		int64_t deadline = now_ms() + timeout_ms;
		for (;;) {
			pid_t r = waitpid(pid, &status, WNOHANG);
			if (r < 0 && errno != EINTR)
				return -errno;
			if (r == pid)
				break;
			if (now_ms() >= deadline)
				return -ETIMEDOUT;
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
		}
	}
	if (ret_status)
		*ret_status = status;
	return 0;
}

static bool line_is_noise(const char *s, size_t len)
{
	static const char syslog_noise[] = "to syslog";
	return len >= sizeof(syslog_noise) - 1 && strneq(s, "Failed to send ", 15) &&
	       memcmp(s + len - (sizeof(syslog_noise) - 1), syslog_noise,
		      sizeof(syslog_noise) - 1) == 0;
}

char *net_helper_log_tail(int log_fd)
{
	struct stat st;
	if (fstat(log_fd, &st) < 0 || st.st_size <= 0)
		return NULL;
	off_t off = st.st_size > LOG_TAIL_MAX ? st.st_size - LOG_TAIL_MAX : 0;
	char buf[LOG_TAIL_MAX + 1];
	ssize_t n = RETRY_EINTR(pread(log_fd, buf, LOG_TAIL_MAX, off));
	if (n <= 0)
		return NULL;
	size_t end = (size_t)n;
	while (end > 0) {
		while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == ' ' ||
				   buf[end - 1] == '\r' || buf[end - 1] == '\t'))
			end--;
		size_t start = end;
		while (start > 0 && buf[start - 1] != '\n')
			start--;
		if (end > start && !line_is_noise(buf + start, end - start))
			return xstrndup(buf + start, end - start);
		end = start;
	}
	return NULL;
}

/* Is pid a slirp4netns or pasta whose arguments name netns_path? */
static bool helper_serves(pid_t pid, const char *netns_path)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	_cleanup_free_ char *cmd = NULL;
	size_t len = 0;
	if (fs_read_file(path, 1 << 16, &cmd, &len) < 0 || len == 0)
		return false;
	const char *prog = path_basename(cmd);
	if (!strneq(prog, "slirp4netns", 11) && !strneq(prog, "pasta", 5) &&
	    !strneq(prog, "passt", 5))
		return false;
	for (size_t off = strlen(cmd) + 1; off < len; off += strlen(cmd + off) + 1)
		if (streq(cmd + off, netns_path))
			return true;
	return false;
}

int net_helper_stop(pid_t pid, const char *netns_path, struct sk_error **err)
{
	if (pid <= 0)
		return 0;
	_cleanup_close_ int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0 && errno == ESRCH)
		return 0;
	if (pidfd < 0)
		return sk_err_system(err, errno, "stop network helper %d: %s", (int)pid,
				     strerror_go(errno));
	/* checked once the pidfd pins the process: a reused pid is somebody else's */
	if (!helper_serves(pid, netns_path))
		return 0;
	int r = pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 ? -errno : 0;
	if (r == 0 && pidfd_wait(pidfd, STOP_TIMEOUT_MS) == 0) {
		r = pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 ? -errno : 0;
		if (r == 0 && pidfd_wait(pidfd, STOP_TIMEOUT_MS) == 0)
			r = -ETIMEDOUT;
	}
	if (r == -ESRCH)
		r = 0;
	/* our own child (started by this process): reap it */
	(void)waitpid(pid, NULL, WNOHANG);
	if (r < 0)
		return sk_err_system(err, r, "stop network helper %d: %s", (int)pid,
				     strerror_go(-r));
	return 0;
}

static int unprivileged_port_start(void)
{
	_cleanup_free_ char *s = NULL;
	int v = 1024;
	if (fs_read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", 64, &s, NULL) == 0) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (parse_int(s, &v) < 0)
			v = 1024;
	}
	return v;
}

/* bind() as Go's listeners do (TCP with SO_REUSEADDR, IPv6 v6-only): 0 or -errno. */
static int port_bind(const struct net_port *p)
{
	bool tcp = streq(p->protocol, "tcp");
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u = { 0 };
	socklen_t len = sizeof(u.in);
	u.in.sin_family = AF_INET;
	u.in.sin_port = htons(p->host_port);
	if (strchr(p->host_ip, ':')) {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = htons(p->host_port);
		len = sizeof(u.in6);
		if (inet_pton(AF_INET6, p->host_ip, &u.in6.sin6_addr) != 1)
			return -EINVAL;
	} else if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, &u.in.sin_addr) != 1) {
		return -EINVAL;
	}
	_cleanup_close_ int fd =
		socket(u.sa.sa_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	if (u.sa.sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (tcp)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &u.sa, len) < 0)
		return -errno;
	if (tcp && listen(fd, 1) < 0)
		return -errno;
	return 0;
}

int net_helper_port_probe(const struct net_port *p, struct sk_error **err)
{
	int r = port_bind(p);
	if (r == 0 || r == -EINVAL)
		return 0;
	bool v6 = strchr(p->host_ip, ':') != NULL;
	char addr[NET_IP_STRLEN + 2];
	snprintf(addr, sizeof(addr), v6 ? "[%s]" : "%s", p->host_ip[0] ? p->host_ip : "0.0.0.0");
	if (r == -EACCES || r == -EPERM) {
		int start = unprivileged_port_start();
		return sk_error_set(
			err, SK_ERR_SYSTEM, EACCES,
			"cannot expose privileged port %u, you can add "
			"'net.ipv4.ip_unprivileged_port_start=%u' to /etc/sysctl.conf (currently "
			"%d), or choose a larger port number (>= %d): listen %s %s:%u: bind: "
			"permission denied",
			p->host_port, p->host_port, start, start, p->protocol, addr, p->host_port);
	}
	return sk_error_set(err, r == -EADDRINUSE ? SK_ERR_EXISTS : SK_ERR_SYSTEM, r,
			    "listen %s %s:%u: bind: %s", p->protocol, addr, p->host_port,
			    strerror_go(-r));
}

int net_tun_check(struct sk_error **err)
{
	if (access("/dev/net/tun", R_OK | W_OK) == 0)
		return 0;
	int e = errno;
	return sk_err_system(err, e,
			     "cannot open /dev/net/tun: %s: rootless networking (slirp4netns, "
			     "pasta) needs it usable by users (mode 0666, as udev makes it)",
			     strerror_go(e));
}

int net_user_ports_probe(const struct net_port *ports, size_t n, struct sk_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (ports[i].host_port == 0)
			continue;
		int r = net_helper_port_probe(&ports[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
