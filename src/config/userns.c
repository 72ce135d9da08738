/* SPDX-License-Identifier: Apache-2.0 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/subid.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Set by the first rootless selkie for everything it starts inside the namespace (monitors,
 * `container cleanup`), which sees itself as root there. */
#define ENV_HOST_UID "_SELKIE_ROOTLESS_UID"
#define ENV_HOST_GID "_SELKIE_ROOTLESS_GID"

static struct {
	bool known;
	bool rootless;
	uid_t uid;
	gid_t gid;
} self;

/* The initial user namespace maps every ID onto itself in one line. */
static bool in_child_userns(void)
{
	_cleanup_free_ char *map = NULL;
	if (fs_read_file("/proc/self/uid_map", 65536, &map, NULL) < 0)
		return false;
	unsigned long a, b, c;
	return !(sscanf(map, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 &&
		 c == 4294967295UL);
}

static bool parse_id(const char *s, unsigned *ret)
{
	char *end;
	errno = 0;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v >= UINT32_MAX)
		return false;
	*ret = (unsigned)v;
	return true;
}

static void self_init(void)
{
	if (self.known)
		return;
	self.known = true;
	unsigned u, g;
	if (geteuid() != 0) {
		self.rootless = true;
		self.uid = geteuid();
		self.gid = getegid();
	} else if (parse_id(getenv(ENV_HOST_UID), &u) && parse_id(getenv(ENV_HOST_GID), &g) &&
		   u != 0 && in_child_userns()) {
		self.rootless = true;
		self.uid = u;
		self.gid = g;
	}
}

bool config_userns_rootless(void)
{
	self_init();
	return self.rootless;
}

uid_t config_userns_host_uid(void)
{
	self_init();
	return self.rootless ? self.uid : geteuid();
}

gid_t config_userns_host_gid(void)
{
	self_init();
	return self.rootless ? self.gid : getegid();
}

char *config_userns_runtime_dir(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x && *x)
		return path_join(x, "selkie");
	/* No session runtime dir (su, cron, CI): a per-user directory in /tmp, as podman does. */
	return xasprintf("/tmp/selkie-run-%u", (unsigned)config_userns_host_uid());
}

/* The runtime dir, made if needed; in /tmp it must be ours alone (another user could have
 * made it first to watch or feed us). */
static int runtime_dir_ensure(char **ret, struct sk_error **err)
{
	_cleanup_free_ char *dir = config_userns_runtime_dir();
	if (fs_mkdir_p(dir, 0700) < 0)
		return sk_err_system(err, errno, "cannot create the runtime directory '%s': %m",
				     dir);
	struct stat st;
	if (lstat(dir, &st) < 0)
		return sk_err_system(err, errno, "runtime directory '%s': %m", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return sk_error_set(err, SK_ERR_SYSTEM, EPERM,
				    "runtime directory '%s' is not a directory owned by and only "
				    "writable by uid %u",
				    dir, (unsigned)geteuid());
	*ret = TAKE_PTR(dir);
	return 0;
}

static char *pidfile_path(void)
{
	_cleanup_free_ char *dir = config_userns_runtime_dir();
	return path_join(dir, "pause.pid");
}

/* A live process of ours whose command is the holder's. */
static bool is_holder(pid_t pid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) < 0 || st.st_uid != geteuid())
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	_cleanup_free_ char *cmd = NULL;
	size_t len = 0;
	if (fs_read_file(path, 4096, &cmd, &len) < 0)
		return false;
	const char *arg1 = memchr(cmd, '\0', len);
	return arg1 && (size_t)(arg1 + 1 - cmd) < len && streq(arg1 + 1, CONFIG_USERNS_HOLDER_CMD);
}

int config_userns_holder_pid(pid_t *ret)
{
	_cleanup_free_ char *path = pidfile_path();
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(path, 64, &text, NULL) < 0)
		return -ESRCH;
	unsigned pid;
	text[strcspn(text, "\n")] = '\0';
	if (!parse_id(text, &pid) || pid == 0 || !is_holder((pid_t)pid))
		return -ESRCH;
	*ret = (pid_t)pid;
	return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd_write_all(fd, text, strlen(text));
}

static int run_idmap_tool(const char *tool, pid_t pid, unsigned host_id,
			  const struct config_subid_range *ranges, size_t n, struct sk_error **err)
{
	_cleanup_strv_free_ char **argv = NULL;
	strv_push(&argv, tool);
	strv_pushf(&argv, "%d", (int)pid);
	/* newuidmap wants "inside outside count" as three words each. */
	strv_push(&argv, "0");
	strv_pushf(&argv, "%u", host_id);
	strv_push(&argv, "1");
	uint64_t inside = 1;
	for (size_t i = 0; i < n; i++) {
		strv_pushf(&argv, "%llu", (unsigned long long)inside);
		strv_pushf(&argv, "%u", ranges[i].start);
		strv_pushf(&argv, "%u", ranges[i].count);
		inside += ranges[i].count;
	}
	struct child_opts o = CHILD_OPTS_INIT;
	o.capture_stderr = true;
	int status;
	_cleanup_free_ char *errout = NULL;
	int r = child_run(argv, &o, &status, NULL, &errout);
	if (r == -ENOENT)
		return sk_err_notfound(err, "%s not found: install the uidmap package", tool);
	if (r < 0)
		return sk_err_system(err, -r, "cannot run %s: %s", tool, strerror(-r));
	if (status != 0) {
		errout[strcspn(errout, "\n")] = '\0';
		return sk_error_set(err, SK_ERR_SYSTEM, EPERM, "%s: %s", tool,
				    *errout ? errout : "failed");
	}
	return 0;
}

/* Map the new namespace: the user's ID to root, the subordinate ranges after it; a single
 * mapping (with a warning) when the user has none. */
static int userns_map(pid_t pid, struct sk_error **err)
{
	struct passwd *pw = getpwuid(self.uid);
	const char *name = pw ? pw->pw_name : NULL;
	_cleanup_free_ struct config_subid_range *uids = NULL, *gids = NULL;
	size_t nu = config_subid_read("/etc/subuid", name, self.uid, &uids);
	size_t ng = config_subid_read("/etc/subgid", name, self.gid, &gids);
	if (nu > 0 && ng > 0) {
		int r = run_idmap_tool("newuidmap", pid, self.uid, uids, nu, err);
		if (r >= 0)
			r = run_idmap_tool("newgidmap", pid, self.gid, gids, ng, err);
		return r;
	}
	log_warn("no subordinate %s for user \"%s\" in %s: using a single UID/GID mapping; "
		 "images with files owned by other users will fail to unpack (add ranges with "
		 "`usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s`, then run "
		 "`selkie system migrate`)",
		 nu == 0 ? "UIDs" : "GIDs", name ? name : "?",
		 nu == 0 ? "/etc/subuid" : "/etc/subgid", name ? name : "USER");
	char line[64];
	int r = write_proc(pid, "setgroups", "deny");
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)self.uid);
	if (r >= 0)
		r = write_proc(pid, "uid_map", line);
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)self.gid);
	if (r >= 0)
		r = write_proc(pid, "gid_map", line);
	if (r < 0)
		return sk_err_system(err, -r, "cannot write the user namespace's ID map: %s",
				     strerror(-r));
	return 0;
}

/* In the forked holder-to-be: new namespaces, report, wait to be mapped, become the holder. */
_noreturn_ static void holder_child(int report_fd, int go_fd)
{
	struct {
		int err;
		pid_t pid;
	} msg = { 0, getpid() };
	if (setsid() < 0 || unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		msg.err = errno;
	if (fd_write_all(report_fd, &msg, sizeof(msg)) < 0 || msg.err)
		_exit(1);
	char go;
	if (read(go_fd, &go, 1) != 1)
		_exit(1);
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(1);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	/* report_fd is close-on-exec: the parent reads EOF once the exec is done. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != report_fd)
			close(fd);
	if (chdir("/") < 0)
		_exit(1);
	char *argv[] = { "selkie", CONFIG_USERNS_HOLDER_CMD, NULL };
	execv("/proc/self/exe", argv);
	_exit(127);
}

static int holder_create(pid_t *ret, struct sk_error **err)
{
	int report[2], go[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "pipe: %m");
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(report[0]);
		close(report[1]);
		return sk_err_system(err, errno, "pipe: %m");
	}
	_cleanup_close_ int report_rd = report[0], go_wr = go[1];
	pid_t mid = fork();
	if (mid == 0) {
		/* The holder must not be our child: it outlives us, and we reap our own. */
		close(report[0]);
		close(go[1]);
		if (fork() == 0)
			holder_child(report[1], go[0]);
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	if (mid < 0)
		return sk_err_system(err, errno, "fork: %m");
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	struct {
		int err;
		pid_t pid;
	} msg;
	if (fd_read_full(report_rd, &msg, sizeof(msg)) != sizeof(msg))
		return sk_err_system(err, EIO, "the user namespace holder did not start");
	if (msg.err) {
		if (msg.err == EPERM || msg.err == ENOSPC)
			return sk_err_system(err, msg.err,
					     "cannot create a user namespace: %s (are "
					     "unprivileged user namespaces enabled? see "
					     "/proc/sys/user/max_user_namespaces)",
					     strerror(msg.err));
		return sk_err_system(err, msg.err, "cannot create a user namespace: %s",
				     strerror(msg.err));
	}
	pid_t pid = msg.pid;
	if (userns_map(pid, err) < 0) {
		kill(pid, SIGKILL);
		return -1;
	}
	if (write(go_wr, "x", 1) != 1) {
		kill(pid, SIGKILL);
		return sk_err_system(err, errno, "the user namespace holder died");
	}
	/* EOF once the holder has exec'd (its end is close-on-exec) or died. */
	char c;
	while (read(report_rd, &c, 1) > 0)
		;
	if (!is_holder(pid))
		return sk_err_system(err, ESRCH, "the user namespace holder died at start");
	_cleanup_free_ char *path = pidfile_path();
	char text[32];
	int len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	int r = fs_write_atomic(path, text, (size_t)len, 0600);
	if (r < 0) {
		kill(pid, SIGKILL);
		return sk_err_system(err, -r, "cannot write '%s': %s", path, strerror(-r));
	}
	*ret = pid;
	return 0;
}

static int holder_join(pid_t pid, struct sk_error **err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	_cleanup_close_ int user_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	_cleanup_close_ int mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (user_fd < 0 || mnt_fd < 0)
		return sk_err_system(err, ESRCH, "the user namespace holder %d is gone", (int)pid);
	if (setns(user_fd, CLONE_NEWUSER) < 0)
		return sk_err_system(err, errno, "cannot join the user namespace of %d: %m",
				     (int)pid);
	if (setns(mnt_fd, CLONE_NEWNS) < 0)
		return sk_err_system(err, errno, "cannot join the mount namespace of %d: %m",
				     (int)pid);
	return 0;
}

int config_userns_enter(struct sk_error **err)
{
	self_init();
	if (!self.rootless || geteuid() == 0)
		return 0;
	_cleanup_free_ char *dir = NULL;
	int r = runtime_dir_ensure(&dir, err);
	if (r < 0)
		return r;
	pid_t pid;
	if (config_userns_holder_pid(&pid) < 0) {
		_cleanup_free_ char *lock_path = path_join(dir, "pause.lock");
		_cleanup_close_ int lock = lock_file_take(lock_path, true, false);
		if (lock < 0)
			return sk_err_system(err, -lock, "cannot lock '%s': %s", lock_path,
					     strerror(-lock));
		if (config_userns_holder_pid(&pid) < 0 && holder_create(&pid, err) < 0)
			return -1;
	}
	/* setns moves the working directory to the namespace's root: come back to it. */
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	r = holder_join(pid, err);
	if (r < 0)
		return r;
	if (!cwd || chdir(cwd) < 0)
		(void)!chdir("/");
	char id[16];
	snprintf(id, sizeof(id), "%u", (unsigned)self.uid);
	setenv(ENV_HOST_UID, id, 1);
	snprintf(id, sizeof(id), "%u", (unsigned)self.gid);
	setenv(ENV_HOST_GID, id, 1);
	return 0;
}

int config_userns_holder_stop(struct sk_error **err)
{
	pid_t pid;
	if (config_userns_holder_pid(&pid) < 0)
		return 0;
	if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
		return sk_err_system(err, errno, "cannot stop the user namespace holder %d: %m",
				     (int)pid);
	for (int i = 0; i < 200 && is_holder(pid); i++)
		usleep(10000);
	_cleanup_free_ char *path = pidfile_path();
	(void)unlink(path);
	return 0;
}

int config_userns_holder_main(int argc, char **argv)
{
	(void)argv;
	if (argc != 2)
		return 2;
	(void)prctl(PR_SET_NAME, "selkie-userns");
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (;;)
		pause();
}
