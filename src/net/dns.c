/* SPDX-License-Identifier: Apache-2.0 */
#include "net/dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "net/dns-internal.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* aardvark-dns writes its pid here and skips this one name when it reads the dir. */
#define AARDVARK_PID_FILE "aardvark.pid"
#define DNS_FILE_MAX (8u << 20)
#define DNS_NAME_MAX 253
#define AARDVARK_START_TIMEOUT_MS 3000
#define AARDVARK_STOP_TIMEOUT_MS 5000

/* Debian ships it in /usr/lib/podman, Fedora in /usr/libexec/podman. */
static const char *const aardvark_paths[] = {
	"/usr/libexec/podman/aardvark-dns",
	"/usr/lib/podman/aardvark-dns",
	"aardvark-dns",
};

char *net_dns_config_dir(const char *run_root)
{
	return xasprintf("%s/networks/aardvark-dns", run_root);
}

/* Outside the config dir: aardvark parses every file in it as a network, and dies on one it
 * cannot parse or that vanishes while it reads. */
static char *dns_side_path(const char *run_root, const char *what)
{
	return xasprintf("%s/networks/aardvark-dns.%s", run_root, what);
}

/* A field of a line: no separators (space, comma, newline) and no control characters. */
static bool dns_name_valid(const char *s)
{
	if (isempty(s) || strlen(s) > DNS_NAME_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == ',' || *p == 0x7f)
			return false;
	return true;
}

static bool dns_ip_valid(int af, const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(af, s, buf) == 1;
}

static bool dns_network_name_valid(const char *s)
{
	return dns_name_valid(s) && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..") &&
	       !streq(s, AARDVARK_PID_FILE);
}

/* The first line: every gateway of n, comma-separated; NULL when n has none. */
static char *dns_header(const struct net_network *n)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n->n_subnets; i++) {
		const char *gw = n->subnets[i].gateway;
		if (isempty(gw))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, gw);
	}
	if (!sb.len)
		return NULL;
	strbuf_addch(&sb, '\n');
	return strbuf_detach(&sb, NULL);
}

static int dns_entry_line(const struct net_dns_entry *e, struct strbuf *out, struct sk_error **err)
{
	if (!dns_name_valid(e->container_id))
		return sk_err_invalid(err, "dns entry: invalid container id '%s'",
				      e->container_id ? e->container_id : "");
	if (e->ipv4 && !dns_ip_valid(AF_INET, e->ipv4))
		return sk_err_invalid(err, "dns entry: invalid IPv4 address '%s'", e->ipv4);
	if (e->ipv6 && !dns_ip_valid(AF_INET6, e->ipv6))
		return sk_err_invalid(err, "dns entry: invalid IPv6 address '%s'", e->ipv6);
	if (!e->ipv4 && !e->ipv6)
		return sk_err_invalid(err, "dns entry '%s': no address", e->container_id);
	if (!e->names || !e->names[0])
		return sk_err_invalid(err, "dns entry '%s': no name", e->container_id);
	strbuf_addf(out, "%s %s %s ", e->container_id, e->ipv4 ? e->ipv4 : "",
		    e->ipv6 ? e->ipv6 : "");
	for (size_t i = 0; e->names[i]; i++) {
		if (!dns_name_valid(e->names[i]))
			return sk_err_invalid(err, "dns entry: invalid name '%s'", e->names[i]);
		if (i)
			strbuf_addch(out, ',');
		/* aardvark 1.4 lowercases the names it reads; say so in the file too. */
		for (const char *p = e->names[i]; *p; p++)
			strbuf_addch(out, (char)tolower((unsigned char)*p));
	}
	strbuf_addch(out, '\n');
	return 0;
}

/* Append to out the entry lines of content (header skipped) whose id is not container_id;
 * returns how many were kept. */
static size_t dns_keep_others(const char *content, const char *container_id, struct strbuf *out)
{
	size_t kept = 0, id_len = strlen(container_id);
	const char *p = content ? strchr(content, '\n') : NULL;
	while (p && *++p) {
		const char *end = strchrnul(p, '\n');
		bool mine = (size_t)(end - p) > id_len && strneq(p, container_id, id_len) &&
			    p[id_len] == ' ';
		if (!mine && end > p) {
			strbuf_add(out, p, end - p);
			strbuf_addch(out, '\n');
			kept++;
		}
		p = *end ? end : NULL;
	}
	return kept;
}

static int dns_file_read(const char *path, char **ret, struct sk_error **err)
{
	int r = fs_read_file(path, DNS_FILE_MAX, ret, NULL);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return sk_err_system(err, r, "read '%s': %s", path, strerror_go(-r));
	return 0;
}

/* Staged outside the dir, then renamed in: aardvark never sees a half-written file. */
static int dns_file_write(const char *run_root, const char *path, const struct strbuf *sb,
			  struct sk_error **err)
{
	_cleanup_free_ char *staging = dns_side_path(run_root, "new");
	int r = fs_write_replace(staging, sb->buf, sb->len, 0644, false);
	if (r >= 0 && rename(staging, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(staging);
		return sk_err_system(err, r, "write '%s': %s", path, strerror_go(-r));
	}
	return 0;
}

int net_dns_file_add(const char *run_root, const struct net_network *n,
		     const struct net_dns_entry *e, struct sk_error **err)
{
	if (!dns_network_name_valid(n->name))
		return sk_err_invalid(err, "dns: invalid network name '%s'", n->name);
	_cleanup_free_ char *header = dns_header(n);
	if (!header)
		return 0;
	_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;
	int r = dns_entry_line(e, &line, err);
	if (r < 0)
		return r;

	_cleanup_free_ char *dir = net_dns_config_dir(run_root);
	r = fs_mkdir_p(dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create '%s': %s", dir, strerror_go(-r));
	_cleanup_free_ char *path = path_join(dir, n->name), *old = NULL;
	r = dns_file_read(path, &old, err);
	if (r < 0)
		return r;
	/* The header is rewritten each time: the gateways come from the network, not the file. */
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, header);
	dns_keep_others(old, e->container_id, &sb);
	strbuf_add(&sb, line.buf, line.len);
	r = dns_file_write(run_root, path, &sb, err);
	return r < 0 ? r : 1;
}

int net_dns_file_remove(const char *run_root, const char *network_name, const char *container_id,
			struct sk_error **err)
{
	if (!dns_network_name_valid(network_name))
		return sk_err_invalid(err, "dns: invalid network name '%s'", network_name);
	if (!dns_name_valid(container_id))
		return sk_err_invalid(err, "dns: invalid container id '%s'", container_id);
	_cleanup_free_ char *dir = net_dns_config_dir(run_root);
	_cleanup_free_ char *path = path_join(dir, network_name), *old = NULL;
	int r = dns_file_read(path, &old, err);
	if (r < 0 || !old)
		return r;
	const char *nl = strchr(old, '\n');
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, old, nl ? (size_t)(nl - old) + 1 : strlen(old));
	if (dns_keep_others(old, container_id, &sb) > 0)
		return streq(sb.buf, old) ? 0 : dns_file_write(run_root, path, &sb, err);
	if (unlink(path) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove '%s': %s", path, strerror_go(errno));
	return 0;
}

int net_dns_files_count(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	_cleanup_strv_free_ char **names = NULL;
	int r = fs_dir_names_sorted(fd, &names);
	if (r < 0)
		return r;
	int count = 0;
	for (size_t i = 0; names && names[i]; i++)
		if (!streq(names[i], AARDVARK_PID_FILE))
			count++;
	return count;
}

/* Is pid an aardvark-dns serving exactly dir? Guards against a pid file outliving its process
 * and the pid being reused. */
static bool aardvark_is_ours(pid_t pid, const char *dir)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/%d/cmdline", (int)pid);
	_cleanup_free_ char *cmd = NULL;
	size_t len = 0;
	if (fs_read_file(proc, 64 * 1024, &cmd, &len) < 0 || len == 0)
		return false;
	if (!streq(path_basename(cmd), "aardvark-dns"))
		return false;
	for (const char *a = cmd; a < cmd + len; a += strlen(a) + 1)
		if (streq(a, "--config") && a + strlen(a) + 1 < cmd + len &&
		    streq(a + strlen(a) + 1, dir))
			return true;
	return false;
}

/* The pid of the running aardvark-dns of dir, or 0. */
static pid_t aardvark_pid(const char *dir)
{
	_cleanup_free_ char *path = path_join(dir, AARDVARK_PID_FILE), *text = NULL;
	int pid = 0;
	if (fs_read_file(path, 64, &text, NULL) < 0 || parse_int(text, &pid) < 0 || pid <= 0)
		return 0;
	return aardvark_is_ours(pid, dir) ? pid : 0;
}

/* Its SIGHUP handler is installed: until then a SIGHUP would kill it. */
static bool aardvark_catches_sighup(pid_t pid)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *status = NULL;
	if (fs_read_file(proc, 64 * 1024, &status, NULL) < 0)
		return false;
	const char *p = strstr(status, "\nSigCgt:");
	if (!p)
		return false;
	unsigned long long mask = strtoull(p + strlen("\nSigCgt:"), NULL, 16);
	return mask & (1ULL << (SIGHUP - 1));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static char *aardvark_find(void)
{
	for (size_t i = 0; i < ELEMENTSOF(aardvark_paths); i++) {
		char *p = child_find_program(aardvark_paths[i]);
		if (p)
			return p;
	}
	return NULL;
}

/* `aardvark-dns run` forks: the parent exits at once, the child writes the pid file, then
 * installs its handlers and binds. Wait until a SIGHUP is safe to send. */
static int aardvark_start(const char *run_root, const char *dir, struct sk_error **err)
{
	_cleanup_free_ char *bin = aardvark_find();
	if (!bin)
		return sk_err_system(err, ENOENT, "aardvark-dns: not found (install aardvark-dns)");
	_cleanup_free_ char *pid_path = path_join(dir, AARDVARK_PID_FILE);
	unlink(pid_path);
	_cleanup_free_ char *log_path = dns_side_path(run_root, "log");
	_cleanup_close_ int log_fd =
		open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct child_opts o = CHILD_OPTS_INIT;
	o.new_session = true;
	o.stdout_fd = null_fd;
	o.stderr_fd = log_fd >= 0 ? log_fd : null_fd;
	/* -f: a query for "name.dns.selkie" is answered as "name" and never forwarded. */
	char *argv[] = { bin,  "--config",	   (char *)dir, "-p", "53",
			 "-f", "." NET_DNS_DOMAIN, "run",	NULL };
	int status = 0;
	int r = child_run(argv, &o, &status, NULL, NULL);
	if (r < 0)
		return sk_err_system(err, r, "run '%s': %s", bin, strerror_go(-r));
	if (child_exit_code(status) != 0)
		return sk_error_set(err, SK_ERR_RUNTIME, EIO,
				    "aardvark-dns: exited with code %d (see '%s')",
				    child_exit_code(status), log_path);
	for (int waited = 0; waited < AARDVARK_START_TIMEOUT_MS; waited += 5) {
		pid_t pid = aardvark_pid(dir);
		if (pid > 0 && aardvark_catches_sighup(pid))
			return 0;
		sleep_ms(5);
	}
	return sk_error_set(err, SK_ERR_RUNTIME, ETIMEDOUT,
			    "aardvark-dns: did not start (see '%s')", log_path);
}

static int pidfd_wait(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r = RETRY_EINTR(poll(&p, 1, timeout_ms));
	return r < 0 ? -errno : r;
}

/* SIGTERM (it has no handler for it) and wait for it to be gone, so no process is left. */
static int aardvark_stop(const char *dir, pid_t pid, struct sk_error **err)
{
	_cleanup_close_ int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0 && errno != ESRCH)
		return sk_err_system(err, errno, "aardvark-dns %d: %s", (int)pid,
				     strerror_go(errno));
	/* Checked again through the pidfd: the pid can't be reused under us any more. */
	if (pidfd >= 0 && aardvark_is_ours(pid, dir)) {
		int r = pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 ? -errno : 0;
		if (r == 0 && pidfd_wait(pidfd, AARDVARK_STOP_TIMEOUT_MS) == 0) {
			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			r = pidfd_wait(pidfd, AARDVARK_STOP_TIMEOUT_MS) > 0 ? 0 : -ETIMEDOUT;
		}
		if (r < 0 && r != -ESRCH)
			return sk_err_system(err, r, "stop aardvark-dns %d: %s", (int)pid,
					     strerror_go(-r));
	}
	_cleanup_free_ char *pid_path = path_join(dir, AARDVARK_PID_FILE);
	unlink(pid_path);
	return 0;
}

/* Bring the process in line with the files: none left, stop it; else tell it to re-read them,
 * starting it if it is not running (never started, or its pid file is stale). */
static int aardvark_sync(const char *run_root, const char *dir, struct sk_error **err)
{
	int n = net_dns_files_count(dir);
	if (n < 0)
		return sk_err_system(err, n, "read '%s': %s", dir, strerror_go(-n));
	pid_t pid = aardvark_pid(dir);
	if (n == 0)
		return pid > 0 ? aardvark_stop(dir, pid, err) : 0;
	if (pid > 0 && kill(pid, SIGHUP) == 0)
		return 0;
	return aardvark_start(run_root, dir, err);
}

/* Serialises every read-modify-write of the dir and the start and stop of the process. */
static int dns_lock(const char *run_root, struct sk_error **err)
{
	_cleanup_free_ char *path = dns_side_path(run_root, "lock");
	int r = fs_mkdir_parents(path, 0700);
	if (r >= 0)
		r = lock_file_take(path, true, false);
	if (r < 0)
		return sk_err_system(err, r, "lock '%s': %s", path, strerror_go(-r));
	return r;
}

/* aardvark-dns compares the --config argument it was started with: use one spelling. */
static char *dns_dir_resolved(const char *run_root)
{
	_cleanup_free_ char *dir = net_dns_config_dir(run_root);
	char *real = realpath(dir, NULL);
	return real ? real : TAKE_PTR(dir);
}

int net_dns_add(const char *run_root, const struct net_network *n, const struct net_dns_entry *e,
		struct sk_error **err)
{
	if (!n->dns_enabled)
		return 0;
	_cleanup_close_ int lock = dns_lock(run_root, err);
	if (lock < 0)
		return lock;
	int r = net_dns_file_add(run_root, n, e, err);
	if (r <= 0)
		return r;
	_cleanup_free_ char *dir = dns_dir_resolved(run_root);
	r = aardvark_sync(run_root, dir, err);
	if (r < 0)
		return sk_error_wrap(err, "network '%s': dns", n->name);
	return 0;
}

int net_dns_remove(const char *run_root, const char *network_name, const char *container_id,
		   struct sk_error **err)
{
	_cleanup_free_ char *dir = dns_dir_resolved(run_root);
	if (!fs_is_dir(dir))
		return 0;
	_cleanup_close_ int lock = dns_lock(run_root, err);
	if (lock < 0)
		return lock;
	int r = net_dns_file_remove(run_root, network_name, container_id, err);
	if (r >= 0)
		r = aardvark_sync(run_root, dir, err);
	if (r < 0)
		return sk_error_wrap(err, "network '%s': dns", network_name);
	return 0;
}
