/* SPDX-License-Identifier: Apache-2.0 */
/* User-mode networking of one container: slirp4netns or pasta (see ctr/net-internal.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr/net-internal.h"
#include "net/pasta.h"
#include "net/slirp.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *run_file(const struct ctr_ctx *x, const char *id, const char *name)
{
	_cleanup_free_ char *dir = ctr_run_dir(x, id);
	return path_join(dir, name);
}

void ctr_ports_let_go(struct ctr_start_resolved *rs)
{
	for (size_t i = 0; i < rs->n_port_fds; i++)
		close(rs->port_fds[i]);
	free(rs->port_fds);
	rs->port_fds = NULL;
	rs->n_port_fds = 0;
}

static void fd_hand_to_monitor(struct ctr_start_resolved *rs, int fd)
{
	rs->port_fds = xreallocarray(rs->port_fds, rs->n_port_fds + 1, sizeof(int));
	rs->port_fds[rs->n_port_fds++] = fd;
}

static int pid_record(const char *path, pid_t pid, struct sk_error **err)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	int r = fs_write_atomic(path, text, (size_t)len, 0600);
	return r < 0 ? sk_err_system(err, -r, "write %s: %s", path, strerror(-r)) : 0;
}

static int slirp_start(struct ctr_ctx *x, const struct state_container *c, const char *mode,
		       const struct net_port *ports, size_t n, struct ctr_start_resolved *rs,
		       struct sk_error **err)
{
	struct net_slirp_opts o = { .netns_path = rs->netns_path, .ports = ports, .n_ports = n };
	int r = mode[11] == ':' ? net_slirp_opts_parse(mode + 12, &o, err) : 0;
	if (r < 0)
		return r;
	_cleanup_free_ char *api = run_file(x, c->id, "slirp4netns.sock");
	o.api_socket = api;
	_cleanup_free_ char *features = path_join(x->run_root, "slirp4netns.features");
	o.features_cache = features;
	struct net_slirp_addrs a;
	if (net_slirp_addrs_get(o.cidr, &a) < 0)
		return sk_err_invalid(err, "invalid cidr \"%s\"", o.cidr);
	struct net_slirp sl;
	r = net_slirp_start(&o, &sl, err);
	if (r < 0)
		return r;
	fd_hand_to_monitor(rs, sl.exit_fd);
	_cleanup_free_ char *pidfile = run_file(x, c->id, "slirp4netns.pid");
	r = pid_record(pidfile, sl.pid, err);
	if (r < 0)
		return r;
	/* what the /etc files say: the tap address, the host behind the gateway, slirp's DNS */
	rs->net_ips = strv_new(a.ip, NULL);
	rs->gateway = xstrdup(a.gateway);
	rs->dns_servers = strv_new(a.dns, NULL);
	return 0;
}

static int pasta_start(struct ctr_ctx *x, const struct state_container *c, const char *mode,
		       const struct net_port *ports, size_t n, struct ctr_start_resolved *rs,
		       struct sk_error **err)
{
	_cleanup_strv_free_ char **args = net_pasta_opts_parse(mode);
	_cleanup_free_ char *pidfile = run_file(x, c->id, "pasta.pid");
	struct net_pasta_opts o = {
		.netns_path = rs->netns_path,
		.pid_file = pidfile,
		.args = args,
		.ports = ports,
		.n_ports = n,
	};
	struct net_pasta p;
	int r = net_pasta_start(&o, &p, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *record = run_file(x, c->id, "pasta.pid.selkie");
	return pid_record(record, p.pid, err);
}

int ctr_net_user_start(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		       const char *mode, struct ctr_start_resolved *rs, struct sk_error **err)
{
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n = 0;
	int r = ctr_ports_reserve(x, c, doc, rs, &ports, &n, err);
	if (r < 0)
		return r;
	/* the helper listens on the host ports itself */
	ctr_ports_let_go(rs);
	if (strncmp(mode, "pasta", 5) == 0)
		r = pasta_start(x, c, mode, ports, n, rs, err);
	else
		r = slirp_start(x, c, mode, ports, n, rs, err);
	if (r < 0)
		ctr_net_user_stop(x, c->id);
	return r;
}

static void stop_recorded(struct ctr_ctx *x, const char *id, const char *file)
{
	_cleanup_free_ char *path = run_file(x, id, file);
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(path, 64, &text, NULL) < 0)
		return;
	_cleanup_free_ char *netns = ctr_netns_path(x, id);
	long pid = strtol(text, NULL, 10);
	if (pid > 0)
		net_helper_stop((pid_t)pid, netns, NULL);
	unlink(path);
}

void ctr_net_user_stop(struct ctr_ctx *x, const char *id)
{
	stop_recorded(x, id, "slirp4netns.pid");
	stop_recorded(x, id, "pasta.pid.selkie");
	_cleanup_free_ char *api = run_file(x, id, "slirp4netns.sock");
	unlink(api);
}
