/* SPDX-License-Identifier: Apache-2.0 */
#include "net/pasta.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "net/helper-proc.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/strv.h"

char **net_pasta_opts_parse(const char *s)
{
	if (strneq(s, "pasta", 5) && (s[5] == ':' || s[5] == '\0'))
		s += s[5] ? 6 : 5;
	char **v = strv_split(s, ",", true);
	return v ? v : strv_new(NULL, NULL);
}

/* Does the user's argument set this option ("-t", "-t8080", "--tcp-ports", "--tcp-ports=")? */
static bool arg_is(const char *arg, const char *shrt, const char *lng)
{
	size_t n = strlen(lng);
	return strneq(arg, shrt, 2) || (strneq(arg, lng, n) && (arg[n] == '\0' || arg[n] == '='));
}

static bool args_have(char *const *args, const char *shrt, const char *lng)
{
	STRV_FOREACH (a, args)
		if (arg_is(*a, shrt, lng))
			return true;
	return false;
}

int net_pasta_argv_build(const char *prog, const struct net_pasta_opts *o, char ***ret,
			 struct sk_error **err)
{
	if (isempty(o->netns_path) || isempty(o->pid_file))
		return sk_err_internal(err, "pasta: no network namespace or pid file given");
	_cleanup_strv_free_ char **v = strv_new(prog, "--config-net", "--quiet", NULL);
	bool map_gw = false;
	/* "--map-gw" is podman's, not pasta's: it only drops our --no-map-gw */
	STRV_FOREACH (a, o->args) {
		if (streq(*a, "--map-gw"))
			map_gw = true;
		else
			strv_push(&v, *a);
	}
	bool tcp = false, udp = false;
	for (size_t i = 0; i < o->n_ports; i++) {
		const struct net_port *p = &o->ports[i];
		bool is_tcp = streq(p->protocol, "tcp");
		if (!is_tcp && !streq(p->protocol, "udp"))
			return sk_err_invalid(err,
					      "publish port %u/%s: pasta forwards tcp and udp only",
					      p->container_port, p->protocol);
		if (p->host_port == 0)
			return sk_err_internal(err, "publish port %u: no host port assigned",
					       p->container_port);
		tcp |= is_tcp;
		udp |= !is_tcp;
		strv_push(&v, is_tcp ? "-t" : "-u");
		strv_pushf(&v, "%s%s%u:%u", p->host_ip, p->host_ip[0] ? "/" : "", p->host_port,
			   p->container_port);
	}
	static const char *const defaults[][3] = {
		{ "-t", "--tcp-ports" },
		{ "-u", "--udp-ports" },
		{ "-T", "--tcp-ns" },
		{ "-U", "--udp-ns" },
	};
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
		if ((i == 0 && tcp) || (i == 1 && udp) ||
		    args_have(o->args, defaults[i][0], defaults[i][1]))
			continue;
		strv_push(&v, defaults[i][0]);
		strv_push(&v, "none");
	}
	if (!map_gw)
		strv_push(&v, "--no-map-gw");
	strv_push(&v, "--pid");
	strv_push(&v, o->pid_file);
	strv_push(&v, "--netns");
	strv_push(&v, o->netns_path);
	*ret = TAKE_PTR(v);
	return 0;
}

static int pid_file_read(const char *path, pid_t *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = fs_read_file(path, 64, &s, NULL);
	if (r < 0)
		return r;
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	int pid = 0;
	r = parse_int(s, &pid);
	if (r < 0 || pid <= 0)
		return -EBADMSG;
	*ret = pid;
	return 0;
}

int net_pasta_start(const struct net_pasta_opts *o, struct net_pasta *ret, struct sk_error **err)
{
	_cleanup_free_ char *prog = child_find_program("pasta");
	if (!prog)
		return sk_err_system(err, ENOENT,
				     "could not find pasta, the network namespace can't be "
				     "configured: exec: \"pasta\": executable file not found in "
				     "$PATH");
	_cleanup_strv_free_ char **argv = NULL;
	int r = net_tun_check(err);
	if (r >= 0)
		r = net_pasta_argv_build(prog, o, &argv, err);
	if (r < 0)
		return r;
	/* this pasta (2023_03_09) starts without a word when it can't bind a port: a taken or
	 * privileged port must fail the start, so try each first */
	for (size_t i = 0; i < o->n_ports; i++) {
		r = net_helper_port_probe(&o->ports[i], err);
		if (r < 0)
			return r;
	}
	if (unlink(o->pid_file) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove %s: %s", o->pid_file, strerror_go(errno));
	_cleanup_close_ int log_fd = memfd_create("pasta-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return sk_err_system(err, errno, "memfd_create: %s", strerror_go(errno));
	struct net_helper_spawn s = {
		.prog = prog, .argv = argv, .fd3 = -1, .fd4 = -1, .log_fd = log_fd
	};
	_cleanup_pid_ pid_t pid = 0;
	r = net_helper_spawn(&s, &pid);
	if (r < 0)
		return sk_err_system(err, r, "failed to start pasta: %s", strerror_go(-r));
	/* pasta forks into the background once the namespace is set up */
	int status = 0;
	r = net_helper_wait(pid, NET_PASTA_START_TIMEOUT_MS, &status);
	if (r == -ETIMEDOUT)
		return sk_error_set(err, SK_ERR_RUNTIME, ETIMEDOUT,
				    "pasta: not ready after %d seconds",
				    NET_PASTA_START_TIMEOUT_MS / 1000);
	if (r < 0)
		return sk_err_system(err, r, "wait for pasta: %s", strerror_go(-r));
	pid = 0;
	if (child_exit_code(status) != 0) {
		_cleanup_free_ char *tail = net_helper_log_tail(log_fd);
		return sk_error_set(err, SK_ERR_RUNTIME, EIO, "pasta failed with exit code %d: %s",
				    child_exit_code(status), tail ? tail : "no output");
	}
	pid_t daemon = 0;
	r = pid_file_read(o->pid_file, &daemon);
	if (r < 0)
		return sk_err_system(err, r, "pasta: read its pid from %s: %s", o->pid_file,
				     strerror_go(-r));
	unlink(o->pid_file);
	ret->pid = daemon;
	return 0;
}
