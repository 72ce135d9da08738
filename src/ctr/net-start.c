/* SPDX-License-Identifier: Apache-2.0 */
/* A container's networks from create to stop (see ctr/net-internal.h). */
#include "ctr/net-internal.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ctr/etc-files.h"
#include "ctr/start-internal.h"
#include "net/network.h"
#include "net/ports.h"
#include "net/slirp.h"
#include "state/networks.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

char *ctr_net_config_dir(const struct ctr_ctx *x)
{
	return net_config_dir(x->graph_root);
}

char *ctr_ports_file(const struct ctr_ctx *x, const char *id)
{
	_cleanup_free_ char *dir = ctr_run_dir(x, id);
	return xasprintf("%s/ports.json", dir);
}

int ctr_networks_resolve(struct ctr_ctx *x, json_t *doc, struct sk_error **err)
{
	json_t *nets = sk_json_path(doc, "Selkie.Networks");
	if (json_array_size(nets) == 0)
		return 0;
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	size_t i;
	json_t *m;
	json_array_foreach (nets, i, m) {
		_cleanup_net_network_ struct net_network *n = NULL;
		int r = net_network_get(dir, sk_json_str(m, "Name"), &n, err);
		if (r < 0)
			return r;
		sk_json_set_str(m, "Name", n->name);
		for (size_t k = 0; k < i; k++)
			if (streq(sk_json_str(json_array_get(nets, k), "Name"), n->name))
				return sk_err_invalid(err, "network %s is given twice", n->name);
	}
	return 0;
}

int ctr_networks_record(struct ctr_ctx *x, const char *id, const json_t *doc, struct sk_error **err)
{
	size_t i;
	json_t *m;
	json_array_foreach (sk_json_path((json_t *)doc, "Selkie.Networks"), i, m) {
		_cleanup_strv_free_ char **aliases = sk_json_to_strv(json_object_get(m, "Aliases"));
		struct state_ctr_network row = {
			.network = (char *)sk_json_str(m, "Name"),
			.aliases = aliases,
			.static_ip = (char *)sk_json_str(m, "IPAddress"),
			.static_mac = (char *)sk_json_str(m, "MacAddress"),
		};
		int r = state_ctr_network_add(x->store->db, id, &row, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ctr_ports_reserve(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		      struct ctr_start_resolved *rs, struct net_port **ports, size_t *n,
		      struct sk_error **err)
{
	int r = net_ports_from_json(sk_json_path((json_t *)doc, "HostConfig.PortBindings"), ports,
				    n, err);
	if (r < 0 || *n == 0)
		return r;
	bool random = false;
	for (size_t i = 0; i < *n; i++)
		random = random || (*ports)[i].host_port == 0;
	/* rootless: what an ordinary user can't bind, in rootless podman's words */
	if (x->store->rootless) {
		r = net_user_ports_probe(*ports, *n, err);
		if (r < 0)
			return r;
	}
	r = net_ports_bind(*ports, *n, &rs->port_fds, &rs->n_port_fds, err);
	/* A restart: the previous monitor lets go of the ports as its container exits, a moment
	 * after the stop returned. Its own ports are worth waiting for, briefly. */
	for (int tries = 0; r < 0 && (*err)->kind == SK_ERR_EXISTS && tries < 150 &&
			    c->monitor_pid > 0 && ctr_monitor_alive(c);
	     tries++) {
		sk_error_free(*err);
		*err = NULL;
		usleep(20 * 1000);
		r = net_ports_bind(*ports, *n, &rs->port_fds, &rs->n_port_fds, err);
	}
	if (r < 0)
		return r;
	if (random) {
		/* as podman: a random host port, once chosen, stays the container's */
		_cleanup_json_ json_t *d = sk_json_parse(c->config, strlen(c->config), NULL);
		if (!d)
			return sk_err_corrupt(err, "container %.12s: settings unreadable", c->id);
		json_object_set_new(json_object_get(d, "HostConfig"), "PortBindings",
				    net_ports_to_json(*ports, *n));
		_cleanup_free_ char *cfg = sk_json_dump(d, JSON_COMPACT);
		r = state_container_config_set(x->store->db, c->id, cfg, err);
		if (r < 0)
			return r;
	}
	/* what `port` and inspect show: the random ports as bound */
	_cleanup_json_ json_t *bound = net_ports_to_json(*ports, *n);
	_cleanup_free_ char *s = sk_json_dump(bound, JSON_COMPACT);
	_cleanup_free_ char *path = ctr_ports_file(x, c->id);
	r = fs_write_atomic(path, s, strlen(s), 0600);
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", path, strerror(-r));
	return 0;
}

/* The addresses and DNS servers the /etc files need. */
static int etc_facts(struct ctr_ctx *x, const struct state_container *c,
		     struct ctr_start_resolved *rs, struct sk_error **err)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	int r = state_net_attachments(x->store->db, c->id, NULL, &list, &n, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	rs->net_ips = strv_new(NULL);
	rs->dns_servers = strv_new(NULL);
	/* attachments come sorted by ifname: eth0 (the first network) first */
	for (size_t i = 0; i < n; i++) {
		strv_push(&rs->net_ips, list[i].ip);
		if (i == 0 && list[i].gateway)
			rs->gateway = xstrdup(list[i].gateway);
		_cleanup_net_network_ struct net_network *net = NULL;
		if (list[i].gateway && net_network_get(dir, list[i].network, &net, NULL) >= 0 &&
		    net->dns_enabled && !strv_contains(rs->dns_servers, list[i].gateway))
			strv_push(&rs->dns_servers, list[i].gateway);
	}
	state_net_attachments_free(list, n);
	return 0;
}

/* The plugins' half of a start, run on a thread of its own while the runtime creates the
 * container (net/attach.h): everything it uses is owned here. */
struct ctr_net_pending {
	pthread_t thread;
	bool threaded;
	char *dir;
	struct net_env env;
	char *id, *name, *netns;
	struct net_port *ports;
	struct net_ctr nc;
	struct net_setup *setup;
	int result;
	struct sk_error *err;
};

static void pending_free(struct ctr_net_pending *p)
{
	net_setup_free(p->setup);
	sk_error_free(p->err);
	free(p->dir);
	free(p->id);
	free(p->name);
	free(p->netns);
	free(p->ports);
	free(p);
}

static void *plug_thread(void *arg)
{
	struct ctr_net_pending *p = arg;
	p->result = net_container_plug(p->setup, &p->err);
	return NULL;
}

int ctr_net_start(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		  struct ctr_start_resolved *rs, struct sk_error **err)
{
	struct ctr_net_pending *p = xnew(struct ctr_net_pending, 1);
	size_t n_ports = 0;
	int r = ctr_ports_reserve(x, c, doc, rs, &p->ports, &n_ports, err);
	if (r >= 0 && x->store->rootless)
		ctr_ports_let_go(rs); /* the rootless namespace's slirp4netns listens on them */
	if (r < 0) {
		pending_free(p);
		return r;
	}
	p->dir = ctr_net_config_dir(x);
	p->env = (struct net_env){ x->store->db, p->dir, x->run_root, x->store->rootless };
	p->id = xstrdup(c->id);
	p->name = xstrdup(c->name);
	p->netns = xstrdup(rs->netns_path);
	p->nc = (struct net_ctr){
		.id = p->id,
		.name = p->name,
		.netns = p->netns,
		.ports = p->ports,
		.n_ports = n_ports,
	};
	r = net_container_reserve(&p->env, &p->nc, &p->setup, err);
	if (r >= 0)
		r = etc_facts(x, c, rs, err);
	if (r < 0) {
		pending_free(p);
		return r;
	}
	p->threaded = pthread_create(&p->thread, NULL, plug_thread, p) == 0;
	if (!p->threaded)
		plug_thread(p);
	rs->net_pending = p;
	return 0;
}

int ctr_net_join(struct ctr_start_resolved *rs, struct sk_error **err)
{
	struct ctr_net_pending *p = rs->net_pending;
	if (!p)
		return 0;
	rs->net_pending = NULL;
	if (p->threaded)
		pthread_join(p->thread, NULL);
	int r = p->result;
	if (r < 0 && err)
		*err = TAKE_PTR(p->err);
	pending_free(p);
	return r;
}

void ctr_net_stop(struct ctr_ctx *x, const char *id)
{
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	_cleanup_free_ char *netns = ctr_netns_path(x, id);
	struct net_env env = { x->store->db, dir, x->run_root, x->store->rootless };
	net_container_teardown(&env, id, netns);
	ctr_net_user_stop(x, id);
	_cleanup_free_ char *ports = ctr_ports_file(x, id);
	unlink(ports);
}

int ctr_net_etc_refresh(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			struct sk_error **err)
{
	struct ctr_start_resolved rs = { 0 };
	int r = etc_facts(x, c, &rs, err);
	_cleanup_free_ char *userdata = ctr_userdata_dir(x, c->id);
	if (r >= 0)
		r = ctr_etc_files_refresh(doc, userdata, &rs, err);
	strv_free(rs.net_ips);
	strv_free(rs.dns_servers);
	free(rs.gateway);
	return r;
}
