/* SPDX-License-Identifier: Apache-2.0 */
#include "net/slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "net/helper-proc.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define API_TIMEOUT_MS 5000
#define API_REPLY_MAX 65536
#define HELP_TIMEOUT_MS 5000

/* Go's %q for the ASCII range: what podman's messages show around user values. */
static char *go_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, (char)*p);
		} else if (*p == '\n') {
			strbuf_addstr(&sb, "\\n");
		} else if (*p == '\t') {
			strbuf_addstr(&sb, "\\t");
		} else if (*p == '\r') {
			strbuf_addstr(&sb, "\\r");
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_addf(&sb, "\\x%02x", *p);
		} else {
			strbuf_addch(&sb, (char)*p);
		}
	}
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

static int opt_bool(const char *name, const char *value, bool *ret, struct sk_error **err)
{
	if (streq(value, "true")) {
		*ret = true;
	} else if (streq(value, "false")) {
		*ret = false;
	} else {
		_cleanup_free_ char *q = go_quote(value);
		return sk_err_invalid(err, "invalid value of %s for slirp4netns: %s", name, q);
	}
	return 0;
}

/* An address of the family, or the name of an interface that exists. */
static bool outbound_valid(const char *value, int family)
{
	struct net_ip ip;
	if (net_ip_parse(value, &ip) == 0)
		return ip.family == family;
	return strlen(value) < IF_NAMESIZE && if_nametoindex(value) > 0;
}

static int opt_set(struct net_slirp_opts *o, const char *key, const char *value, const char *whole,
		   struct sk_error **err)
{
	_cleanup_free_ char *q = go_quote(value);
	if (streq(key, "cidr")) {
		struct net_cidr c;
		if (net_cidr_parse(value, &c) < 0 || c.ip.family != AF_INET ||
		    strlen(value) >= sizeof(o->cidr))
			return sk_err_invalid(err, "invalid cidr %s", q);
		memcpy(o->cidr, value, strlen(value) + 1);
	} else if (streq(key, "port_handler")) {
		if (!streq(value, "slirp4netns") && !streq(value, "rootlesskit"))
			return sk_err_invalid(err, "unknown port_handler for slirp4netns: %s", q);
	} else if (streq(key, "allow_host_loopback")) {
		return opt_bool(key, value, &o->allow_host_loopback, err);
	} else if (streq(key, "enable_ipv6")) {
		return opt_bool(key, value, &o->enable_ipv6, err);
	} else if (streq(key, "outbound_addr")) {
		if (!outbound_valid(value, AF_INET))
			return sk_err_invalid(err, "invalid outbound_addr %s", q);
		memcpy(o->outbound_addr, value, strlen(value) + 1);
	} else if (streq(key, "outbound_addr6")) {
		if (!outbound_valid(value, AF_INET6))
			return sk_err_invalid(err, "invalid outbound_addr6: %s", q);
		memcpy(o->outbound_addr6, value, strlen(value) + 1);
	} else if (streq(key, "mtu")) {
		int mtu = 0;
		if (parse_int(value, &mtu) < 0 || mtu < 68 || mtu > (int)NET_SLIRP_MAX_MTU)
			return sk_err_invalid(err, "invalid mtu %s", q);
		o->mtu = (unsigned)mtu;
	} else {
		_cleanup_free_ char *qw = go_quote(whole);
		return sk_err_invalid(err, "unknown option for slirp4netns: %s", qw);
	}
	return 0;
}

int net_slirp_opts_parse(const char *s, struct net_slirp_opts *o, struct sk_error **err)
{
	if (strneq(s, "slirp4netns", 11) && (s[11] == ':' || s[11] == '\0'))
		s += s[11] ? 12 : 11;
	if (!*s)
		return 0;
	struct net_slirp_opts tmp = *o;
	_cleanup_strv_free_ char **items = strv_split(s, ",", false);
	STRV_FOREACH (it, items) {
		const char *eq = strchr(*it, '=');
		if (!eq) {
			_cleanup_free_ char *q = go_quote(*it);
			return sk_err_invalid(err, "unknown option for slirp4netns: %s", q);
		}
		_cleanup_free_ char *key = xstrndup(*it, (size_t)(eq - *it));
		int r = opt_set(&tmp, key, eq + 1, *it, err);
		if (r < 0)
			return r;
	}
	*o = tmp;
	return 0;
}

int net_slirp_addrs_get(const char *cidr, struct net_slirp_addrs *ret)
{
	struct net_cidr c, net;
	int r = net_cidr_parse(isempty(cidr) ? NET_SLIRP_DEFAULT_CIDR : cidr, &c);
	if (r < 0)
		return r;
	if (c.ip.family != AF_INET)
		return -EINVAL;
	net_cidr_masked(&c, &net);
	struct net_ip ip, gw, dns;
	if ((r = net_cidr_nth(&net, 100, &ip)) < 0 || (r = net_cidr_nth(&net, 2, &gw)) < 0 ||
	    (r = net_cidr_nth(&net, 3, &dns)) < 0)
		return r;
	struct net_slirp_addrs a = { 0 };
	net_cidr_format(&net, a.subnet);
	net_ip_format(&ip, a.ip);
	net_ip_format(&gw, a.gateway);
	net_ip_format(&dns, a.dns);
	memcpy(a.dns6, "fd00::3", sizeof("fd00::3"));
	*ret = a;
	return 0;
}

void net_slirp_features_parse(const char *help, struct net_slirp_features *ret)
{
	*ret = (struct net_slirp_features){
		.mtu = strstr(help, "--mtu") != NULL,
		.cidr = strstr(help, "--cidr") != NULL,
		.disable_host_loopback = strstr(help, "--disable-host-loopback") != NULL,
		.enable_sandbox = strstr(help, "--enable-sandbox") != NULL,
		.enable_seccomp = strstr(help, "--enable-seccomp") != NULL,
		.enable_ipv6 = strstr(help, "--enable-ipv6") != NULL,
		.outbound_addr = strstr(help, "--outbound-addr") != NULL,
		.netns_type = strstr(help, "--netns-type") != NULL,
	};
}

static int unsupported(struct sk_error **err, const char *what)
{
	return sk_error_set(err, SK_ERR_RUNTIME, EOPNOTSUPP, "%s", what);
}

static bool api_socket_too_long(const char *path)
{
	struct sockaddr_un sa;
	return strlen(path) >= sizeof(sa.sun_path);
}

int net_slirp_argv_build(const char *prog, const struct net_slirp_opts *o,
			 const struct net_slirp_features *f, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **v = strv_new(prog, "--configure", NULL);
	/* podman's choice: what this slirp4netns can't do is silently skipped, except what the
	 * user asked for explicitly */
	if (f->mtu)
		strv_pushf(&v, "--mtu=%u", o->mtu ? o->mtu : NET_SLIRP_DEFAULT_MTU);
	if (!o->allow_host_loopback && f->disable_host_loopback)
		strv_push(&v, "--disable-host-loopback");
	if (f->enable_sandbox)
		strv_push(&v, "--enable-sandbox");
	if (f->enable_seccomp)
		strv_push(&v, "--enable-seccomp");
	if (o->cidr[0]) {
		if (!f->cidr)
			return unsupported(err, "cidr not supported");
		strv_pushf(&v, "--cidr=%s", o->cidr);
	}
	if (o->enable_ipv6) {
		if (!f->enable_ipv6)
			return unsupported(err, "enable_ipv6 not supported");
		strv_push(&v, "--enable-ipv6");
	}
	if (o->outbound_addr[0]) {
		if (!f->outbound_addr)
			return unsupported(err, "outbound_addr not supported");
		strv_pushf(&v, "--outbound-addr=%s", o->outbound_addr);
	}
	if (o->outbound_addr6[0]) {
		if (!f->outbound_addr || !f->enable_ipv6)
			return unsupported(err, "outbound_addr6 not supported");
		if (!o->enable_ipv6)
			return sk_err_invalid(err,
					      "enable_ipv6=true is required for outbound_addr6");
		strv_pushf(&v, "--outbound-addr6=%s", o->outbound_addr6);
	}
	if (!f->netns_type)
		return unsupported(err, "slirp4netns: --netns-type not supported (too old)");
	strv_push(&v, "--netns-type=path");
	strv_push(&v, "--ready-fd=3");
	if (!o->keep_running)
		strv_push(&v, "--exit-fd=4");
	/* too long for a socket address: relative to its directory, slirp4netns's cwd */
	if (!isempty(o->api_socket))
		strv_pushf(&v, "--api-socket=%s",
			   api_socket_too_long(o->api_socket) ? path_basename(o->api_socket)
							      : o->api_socket);
	strv_push(&v, o->netns_path);
	strv_push(&v, "tap0");
	*ret = TAKE_PTR(v);
	return 0;
}

char *net_slirp_hostfwd_request(const struct net_port *p, const char *guest_addr)
{
	_cleanup_json_ json_t *j =
		json_pack("{s:s, s:{s:s, s:s, s:i, s:s, s:i}}", "execute", "add_hostfwd",
			  "arguments", "proto", p->protocol, "host_addr",
			  p->host_ip[0] ? p->host_ip : "0.0.0.0", "host_port", (int)p->host_port,
			  "guest_addr", guest_addr, "guest_port", (int)p->container_port);
	return sk_json_dump(j, JSON_COMPACT);
}

char *net_slirp_hostfwd_remove_request(int id)
{
	_cleanup_json_ json_t *j =
		json_pack("{s:s, s:{s:i}}", "execute", "remove_hostfwd", "arguments", "id", id);
	return sk_json_dump(j, JSON_COMPACT);
}

int net_slirp_reply_check(const char *reply, int *ret_id, char **ret_desc)
{
	_cleanup_free_ char *reason = NULL, *desc = NULL;
	_cleanup_json_ json_t *j = sk_json_parse(reply, strlen(reply), &reason);
	int r = 0;
	if (!j || !json_is_object(j)) {
		desc = xstrdup(reason ? reason : "not a JSON object");
		r = -EBADMSG;
	} else if (json_object_get(j, "error")) {
		json_t *e = json_object_get(j, "error");
		const char *d = sk_json_str(e, "desc");
		desc = d ? xstrdup(d) : sk_json_dump(e, JSON_COMPACT);
		r = -EIO;
	} else if (!json_object_get(j, "return")) {
		desc = xstrdup("no \"return\" in the reply");
		r = -EBADMSG;
	} else if (ret_id) {
		*ret_id = (int)sk_json_int(json_object_get(j, "return"), "id", -1);
	}
	if (r < 0 && ret_desc)
		*ret_desc = TAKE_PTR(desc);
	return r;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One request on its own connection, as slirp4netns wants: write, shut down writing, read
 * the reply until EOF. */
static int api_call(const char *path, const char *req, char **ret_reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int dir_fd = -1;
	_cleanup_free_ char *short_path = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		/* a deep run root: reach the socket through its directory's fd */
		_cleanup_free_ char *dir = path_dirname(path);
		dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir_fd < 0)
			return -errno;
		short_path = xasprintf("/proc/self/fd/%d/%s", dir_fd, path_basename(path));
		path = short_path;
	}
	size_t plen = strlen(path);
	if (plen >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, plen + 1);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (RETRY_EINTR(connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0)
		return -errno;
	for (size_t off = 0, len = strlen(req); off < len;) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			off += (size_t)n;
	}
	if (shutdown(fd, SHUT_WR) < 0)
		return -errno;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int64_t deadline = now_ms() + API_TIMEOUT_MS;
	for (;;) {
		int64_t left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (sb.len + (size_t)n > API_REPLY_MAX)
			return -EMSGSIZE;
		strbuf_add(&sb, buf, (size_t)n);
	}
	*ret_reply = strbuf_detach(&sb, NULL);
	return 0;
}

/* slirp4netns only says "slirp_add_hostfwd failed": find out why ourselves. */
static int port_error(const struct net_port *p, const char *desc, struct sk_error **err)
{
	int r = net_helper_port_probe(p, err);
	if (r < 0)
		return r;
	return sk_error_set(err, SK_ERR_RUNTIME, EIO,
			    "from slirp4netns while setting up port redirection: %s", desc);
}

/* What slirp4netns can't publish fails clearly, before anything is asked of it. */
static int port_check(const struct net_port *p, struct sk_error **err)
{
	struct in_addr a;
	if (!streq(p->protocol, "tcp") && !streq(p->protocol, "udp"))
		return sk_err_invalid(err,
				      "publish port %u/%s: slirp4netns forwards tcp and udp only",
				      p->container_port, p->protocol);
	if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, &a) != 1)
		return sk_err_invalid(err,
				      "publish port %u on '%s': slirp4netns forwards IPv4 "
				      "host addresses only",
				      p->host_port, p->host_ip);
	if (p->host_port == 0)
		return sk_err_internal(err, "publish port %u: no host port assigned",
				       p->container_port);
	return 0;
}

/* One API request and its reply's verdict; a slirp4netns error is -EIO with *ret_desc. */
static int api_request(const char *api, const char *req, int *ret_id, char **ret_desc,
		       struct sk_error **err)
{
	_cleanup_free_ char *reply = NULL, *desc = NULL;
	int r = api_call(api, req, &reply);
	if (r < 0)
		return sk_err_system(err, r, "cannot open connection to %s: %s", api,
				     strerror_go(-r));
	r = net_slirp_reply_check(reply, ret_id, &desc);
	if (r == -EIO) {
		*ret_desc = TAKE_PTR(desc);
		return r;
	}
	if (r < 0)
		return sk_error_set(err, SK_ERR_RUNTIME, EBADMSG,
				    "parsing error status from slirp4netns: %s", desc);
	return 0;
}

int net_slirp_port_add(const char *api_socket, const struct net_port *p, const char *guest_addr,
		       int *ret_id, struct sk_error **err)
{
	int r = port_check(p, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *req = net_slirp_hostfwd_request(p, guest_addr);
	_cleanup_free_ char *desc = NULL;
	int id = -1;
	r = api_request(api_socket, req, &id, &desc, err);
	if (r == -EIO)
		return port_error(p, desc, err);
	if (r < 0)
		return r;
	if (ret_id)
		*ret_id = id;
	return 0;
}

int net_slirp_port_remove(const char *api_socket, int id, struct sk_error **err)
{
	_cleanup_free_ char *req = net_slirp_hostfwd_remove_request(id);
	_cleanup_free_ char *desc = NULL;
	int r = api_request(api_socket, req, NULL, &desc, err);
	if (r == -EIO)
		return sk_error_set(err, SK_ERR_RUNTIME, EIO,
				    "from slirp4netns while removing port forward %d: %s", id,
				    desc);
	return r;
}

/* Before anything starts. */
static int opts_check(const struct net_slirp_opts *o, struct sk_error **err)
{
	if (isempty(o->netns_path))
		return sk_err_internal(err, "slirp4netns: no network namespace given");
	struct sockaddr_un sa;
	if ((o->n_ports > 0 && isempty(o->api_socket)) ||
	    (o->api_socket && strlen(path_basename(o->api_socket)) >= sizeof(sa.sun_path)))
		return sk_err_invalid(err, "slirp4netns: bad API socket path '%s'",
				      o->api_socket ? o->api_socket : "");
	for (size_t i = 0; i < o->n_ports; i++) {
		int r = port_check(&o->ports[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "path size mtime": the --help text recorded for this very binary is still its text. */
static char *features_key(const char *prog)
{
	struct stat st;
	if (stat(prog, &st) < 0)
		return NULL;
	return xasprintf("%s %lld %lld.%09ld\n", prog, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static int features_probe(const char *prog, const char *cache, struct net_slirp_features *ret,
			  struct sk_error **err)
{
	/* an exec of `slirp4netns --help` per container was a tenth of a rootless start */
	_cleanup_free_ char *key = cache ? features_key(prog) : NULL;
	_cleanup_free_ char *cached = NULL;
	if (key && fs_read_file(cache, 65536, &cached, NULL) >= 0 &&
	    strncmp(cached, key, strlen(key)) == 0) {
		net_slirp_features_parse(cached + strlen(key), ret);
		return 0;
	}
	char *argv[] = { (char *)prog, "--help", NULL };
	struct child_opts co = CHILD_OPTS_INIT;
	co.capture_stdout = true;
	co.capture_stderr = true;
	co.timeout_ms = HELP_TIMEOUT_MS;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int status = 0;
	int r = child_run(argv, &co, &status, &out, &errout);
	if (r < 0)
		return sk_err_system(err, r, "checking slirp4netns binary %s: %s", prog,
				     strerror_go(-r));
	net_slirp_features_parse(out, ret);
	if (key && out) {
		_cleanup_free_ char *text = xasprintf("%s%s", key, out);
		(void)fs_write_atomic(cache, text, strlen(text), 0600);
	}
	return 0;
}

/* Wait for the "1" on the ready fd; EOF means slirp4netns is gone (then *pid is reaped and
 * cleared). */
static int wait_ready(int ready_fd, pid_t *pid, int log_fd, struct sk_error **err)
{
	struct pollfd p = { .fd = ready_fd, .events = POLLIN };
	int64_t deadline = now_ms() + NET_SLIRP_READY_TIMEOUT_MS;
	int r;
	do {
		int64_t left = deadline - now_ms();
		r = left > 0 ? poll(&p, 1, (int)left) : 0;
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return sk_err_system(err, errno, "wait for slirp4netns: %s", strerror_go(errno));
	if (r == 0)
		return sk_error_set(err, SK_ERR_RUNTIME, ETIMEDOUT,
				    "slirp4netns: not ready after %d seconds",
				    NET_SLIRP_READY_TIMEOUT_MS / 1000);
	char c = 0;
	if (RETRY_EINTR(read(ready_fd, &c, 1)) == 1)
		return 0;
	int status = 0;
	if (net_helper_wait(*pid, 1000, &status) == 0)
		*pid = 0;
	_cleanup_free_ char *tail = net_helper_log_tail(log_fd);
	if (tail)
		return sk_error_set(err, SK_ERR_RUNTIME, EIO, "slirp4netns failed: %s", tail);
	return sk_error_set(err, SK_ERR_RUNTIME, EIO, "slirp4netns failed: exited with code %d",
			    child_exit_code(status));
}

int net_slirp_start(const struct net_slirp_opts *o, struct net_slirp *ret, struct sk_error **err)
{
	struct net_slirp_addrs a;
	int r = net_slirp_addrs_get(o->cidr, &a);
	if (r < 0)
		return sk_err_invalid(err, "calculating expected ip for slirp4netns: %s",
				      r == -ERANGE ? "subnet too small" : "invalid cidr");
	r = opts_check(o, err);
	if (r >= 0)
		r = net_tun_check(err);
	if (r < 0)
		return r;
	_cleanup_free_ char *prog = child_find_program("slirp4netns");
	if (!prog)
		return sk_err_system(err, ENOENT,
				     "could not find slirp4netns, the network namespace can't be "
				     "configured: exec: \"slirp4netns\": executable file not found "
				     "in $PATH");
	struct net_slirp_features f;
	r = features_probe(prog, o->features_cache, &f, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **argv = NULL;
	r = net_slirp_argv_build(prog, o, &f, &argv, err);
	if (r < 0)
		return r;
	if (!isempty(o->api_socket) && unlink(o->api_socket) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove %s: %s", o->api_socket,
				     strerror_go(errno));

	int ready[2], exitp[2] = { -1, -1 };
	if (pipe2(ready, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "pipe: %s", strerror_go(errno));
	_cleanup_close_ int ready_r = ready[0], ready_w = ready[1];
	if (!o->keep_running && pipe2(exitp, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "pipe: %s", strerror_go(errno));
	_cleanup_close_ int exit_r = exitp[0], exit_w = exitp[1];
	_cleanup_close_ int log_fd = memfd_create("slirp4netns-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return sk_err_system(err, errno, "memfd_create: %s", strerror_go(errno));

	/* The sandbox unmounts what it leaves behind: in a namespace of its own with private
	 * mounts, or the unmount propagates and takes the netns bind mount with it. */
	_cleanup_free_ char *api_dir = !isempty(o->api_socket) && api_socket_too_long(o->api_socket)
					       ? path_dirname(o->api_socket)
					       : NULL;
	struct net_helper_spawn s = { .prog = prog,
				      .argv = argv,
				      .fd3 = ready_w,
				      .fd4 = exit_r,
				      .log_fd = log_fd,
				      .quiet_stdout = true,
				      .private_mounts = f.enable_sandbox,
				      .cwd = api_dir };
	_cleanup_pid_ pid_t pid = 0;
	r = net_helper_spawn(&s, &pid);
	if (r < 0)
		return sk_err_system(err, r, "failed to start slirp4netns process: %s",
				     strerror_go(-r));
	close(TAKE_FD(ready_w));
	if (exit_r >= 0)
		close(TAKE_FD(exit_r));
	r = wait_ready(ready_r, &pid, log_fd, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < o->n_ports; i++) {
		r = net_slirp_port_add(o->api_socket, &o->ports[i], a.ip, NULL, err);
		if (r < 0) {
			unlink(o->api_socket);
			return r;
		}
	}
	ret->pid = pid;
	ret->exit_fd = TAKE_FD(exit_w);
	pid = 0;
	return 0;
}
