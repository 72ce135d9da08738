/* SPDX-License-Identifier: Apache-2.0 */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "net/cni.h"
#include "net/dns.h"
#include "net/firewall.h"
#include "net/ipam.h"
#include "net/network.h"
#include "net/rootless-netns.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *cache_dir(const struct net_env *e)
{
	return xasprintf("%s/networks/cni-cache", e->run_root);
}

static char *firewall_dir(const struct net_env *e)
{
	return xasprintf("%s/networks/firewall", e->run_root);
}

static int dns_register(const struct net_env *e, const struct net_network *n,
			const struct net_ctr *c, const struct state_ctr_network *m, const char *ip,
			struct sk_error **err)
{
	if (!n->dns_enabled)
		return 0;
	_cleanup_strv_free_ char **names = strv_new(c->name, NULL);
	STRV_FOREACH (a, m->aliases)
		if (!strv_contains(names, *a))
			strv_push(&names, *a);
	_cleanup_free_ char *short_id = xstrndup(c->id, 12);
	strv_push(&names, short_id);
	struct net_dns_entry de = { .container_id = c->id, .ipv4 = ip, .names = names };
	return net_dns_add(e->run_root, n, &de, err);
}

/* The bridge is the host's, used by every selkie store: adding to it and deleting it are
 * serialized by a host-wide lock next to the address claims. -1 when there is none to take. */
static char *claim_root(const struct net_env *e)
{
	return e->rootless ? net_rootless_claim_root(e) : xstrdup(NET_IPAM_CLAIM_ROOT);
}

static int bridge_lock_take(const struct net_env *e, const struct net_network *n, bool exclusive)
{
	if (!streq(n->driver, "bridge") || !n->interface || strchr(n->interface, '/'))
		return -1;
	_cleanup_free_ char *root = claim_root(e);
	if (fs_mkdir_p(root, 0700) < 0)
		return -1;
	_cleanup_free_ char *path = xasprintf("%s/%s.lock", root, n->interface);
	int fd = lock_file_take(path, exclusive, false);
	return fd >= 0 ? fd : -1;
}

struct fw_job {
	const char *dir;
	struct net_fw_ctr f;
	int r;
	struct sk_error *err;
};

static void *fw_thread(void *arg)
{
	struct fw_job *j = arg;
	j->r = net_fw_add(j->dir, &j->f, &j->err);
	return NULL;
}

/* One network's part of a setup: what reserve found, for plug to finish. */
struct setup_item {
	struct net_network *net;
	struct state_ctr_network m; /* borrowed from the membership list */
	char ifname[32];
	bool with_ports;
	struct net_lease lease;
	char *claims;
};

struct net_setup {
	const struct net_env *e;
	const struct net_ctr *c;
	struct state_ctr_network *members;
	size_t n_members;
	struct setup_item *items;
	size_t n_items;
};

static void item_release(struct setup_item *it)
{
	net_network_free(it->net);
	net_lease_release(&it->lease);
	free(it->claims);
}

void net_setup_free(struct net_setup *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_items; i++)
		item_release(&s->items[i]);
	free(s->items);
	state_ctr_networks_free(s->members, s->n_members);
	free(s);
}

static int reserve_one(const struct net_env *e, const struct net_ctr *c, struct setup_item *it,
		       struct sk_error **err)
{
	int r = net_network_get(e->config_dir, it->m.network, &it->net, err);
	if (r < 0)
		return r;
	/* What a killed start may have left for this pair: replaced. */
	state_net_attachment_delete(e->db, c->id, it->net->name, NULL);
	_cleanup_free_ char *root = claim_root(e);
	it->claims = net_ipam_claim_dir(root, it->net);
	return net_ipam_reserve_claimed(e->db, it->net, c->id, it->ifname, it->m.static_ip,
					it->claims, c->netns, &it->lease, err);
}

/* The plugins, the firewall and DNS for a reserved address; undone on failure. */
static int plug_one(const struct net_env *e, const struct net_ctr *c, struct setup_item *it,
		    struct sk_error **err)
{
	struct net_network *n = it->net;
	_cleanup_free_ char *cache = cache_dir(e);
	_cleanup_free_ char *tuning =
		e->rootless ? xasprintf("%s/networks/cni-tuning", e->run_root) : NULL;
	struct net_cni_args a = {
		.container_id = c->id,
		.netns = c->netns,
		.ifname = it->ifname,
		.address = it->lease.address,
		.gateway = it->lease.gateway,
		.mac = it->m.static_mac,
		.default_route = it->with_ports, /* the first network */
		.cache_dir = cache,
		.tuning_data_dir = tuning,
	};
	struct net_cni_result res = { 0 };
	_cleanup_free_ char *fw_dir = firewall_dir(e);
	/* The rules need only the address: they go in while the plugins make the interface. */
	struct fw_job fj = {
		.dir = fw_dir,
		.f = {
			.container_id = c->id,
			.network = n->name,
			.ip = it->lease.ip,
			.subnet = n->subnets[0].subnet,
			.bridge = n->interface,
			.masquerade = !n->internal,
			.ports = it->with_ports ? c->ports : NULL,
			.n_ports = it->with_ports ? c->n_ports : 0,
		},
	};
	_cleanup_free_ struct net_port *fw_ports = NULL;
	if (e->rootless && fj.f.n_ports) {
		/* slirp4netns listens on the host address; inside, every port arrives at the
		 * namespace's own address */
		fw_ports = xnew(struct net_port, fj.f.n_ports);
		memcpy(fw_ports, fj.f.ports, fj.f.n_ports * sizeof(*fw_ports));
		for (size_t i = 0; i < fj.f.n_ports; i++)
			fw_ports[i].host_ip[0] = '\0';
		fj.f.ports = fw_ports;
	}
	bool want_fw = streq(n->driver, "bridge");
	pthread_t fw_th;
	bool threaded = want_fw && pthread_create(&fw_th, NULL, fw_thread, &fj) == 0;
	if (want_fw && !threaded)
		fw_thread(&fj);
	/* shared: other starts may add to the bridge at once, but none may delete it meanwhile */
	int bridge_lock = bridge_lock_take(e, n, false);
	int r = net_cni_add(n, &a, &res, err);
	if (bridge_lock >= 0)
		close(bridge_lock);
	if (threaded)
		pthread_join(fw_th, NULL);
	if (want_fw && r >= 0 && fj.r < 0) {
		r = fj.r;
		*err = TAKE_PTR(fj.err);
	}
	sk_error_free(fj.err);
	if (r >= 0 && want_fw && fj.f.n_ports)
		net_fw_localnet_enable(n->interface); /* the bridge exists now */
	if (r >= 0) {
		struct state_net_attachment upd = {
			.container_id = (char *)c->id,
			.network = n->name,
			.prefix_len = it->lease.prefix,
			.gateway = it->lease.gateway,
			.mac = res.mac,
		};
		r = state_net_attachment_update(e->db, &upd, err);
	}
	if (r >= 0)
		r = dns_register(e, n, c, &it->m, it->lease.ip, err);
	if (r >= 0 && it->with_ports)
		r = net_rootless_ports_add(e, c->id, c->ports, c->n_ports, err);
	if (r < 0) {
		net_dns_remove(e->run_root, n->name, c->id, NULL);
		net_fw_del(fw_dir, n->name, c->id, NULL);
		net_cni_del(cache, n->name, c->id, it->ifname, c->netns, NULL);
		state_net_attachment_delete(e->db, c->id, n->name, NULL);
		net_ipam_unclaim(it->claims, it->lease.ip, c->netns);
	}
	net_cni_result_release(&res);
	return r;
}

static int attach_one(const struct net_env *e, const struct net_ctr *c,
		      const struct state_ctr_network *m, const char *ifname, bool with_ports,
		      struct sk_error **err)
{
	struct setup_item it = { .m = *m, .with_ports = with_ports };
	snprintf(it.ifname, sizeof(it.ifname), "%s", ifname);
	int r = reserve_one(e, c, &it, err);
	if (r >= 0)
		r = plug_one(e, c, &it, err);
	else if (it.lease.ip)
		state_net_attachment_delete(e->db, c->id, it.net->name, NULL);
	item_release(&it);
	return r;
}

int net_container_reserve(const struct net_env *e, const struct net_ctr *c, struct net_setup **ret,
			  struct sk_error **err)
{
	struct net_setup *s = xnew(struct net_setup, 1);
	s->e = e;
	s->c = c;
	int r = state_ctr_networks(e->db, c->id, &s->members, &s->n_members, err);
	if (r >= 0)
		s->items = xnew(struct setup_item, s->n_members ? s->n_members : 1);
	for (size_t i = 0; r >= 0 && i < s->n_members; i++) {
		struct setup_item *it = &s->items[s->n_items++];
		it->m = s->members[i];
		it->with_ports = i == 0;
		snprintf(it->ifname, sizeof(it->ifname), "eth%zu", i);
		r = reserve_one(e, c, it, err);
	}
	if (r < 0) {
		net_setup_free(s);
		net_container_teardown(e, c->id, c->netns);
		return r;
	}
	*ret = s;
	return 0;
}

static int plug_all(void *arg, struct sk_error **err)
{
	struct net_setup *s = arg;
	int r = 0;
	for (size_t i = 0; r >= 0 && i < s->n_items; i++)
		r = plug_one(s->e, s->c, &s->items[i], err);
	return r;
}

int net_container_plug(struct net_setup *s, struct sk_error **err)
{
	int r = s->n_items ? net_rootless_ns_run(s->e, true, plug_all, s, err) : 0;
	if (r < 0)
		net_container_teardown(s->e, s->c->id, s->c->netns);
	return r;
}

int net_container_setup(const struct net_env *e, const struct net_ctr *c, struct sk_error **err)
{
	struct net_setup *s = NULL;
	int r = net_container_reserve(e, c, &s, err);
	if (r >= 0)
		r = net_container_plug(s, err);
	net_setup_free(s);
	return r;
}

/* netavark's habit: a bridge nobody uses any more goes away with its last container. */
static void bridge_drop_if_unused(const struct net_env *e, const char *network)
{
	struct state_net_attachment *left = NULL;
	size_t n_left = 0;
	if (state_net_attachments(e->db, NULL, network, &left, &n_left, NULL) < 0)
		return;
	state_net_attachments_free(left, n_left);
	if (n_left > 0)
		return;
	_cleanup_net_network_ struct net_network *n = NULL;
	if (net_network_get(e->config_dir, network, &n, NULL) < 0 || !streq(n->driver, "bridge"))
		return;
	_cleanup_close_ int lock = bridge_lock_take(e, n, true);
	if (!e->rootless) {
		_cleanup_free_ char *brif = xasprintf("/sys/class/net/%s/brif", n->interface);
		_cleanup_close_ int fd = open(brif, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return;
		_cleanup_strv_free_ char **ports = NULL;
		if (fs_dir_names_sorted(fd, &ports) < 0 || strv_length(ports) > 0)
			return; /* another root's container is on it */
	}
	char *argv[] = { "ip", "link", "delete", n->interface, NULL };
	struct child_opts co = CHILD_OPTS_INIT;
	co.capture_stderr = true;
	int status;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	child_run(argv, &co, &status, &out, &errout);
}

static int detach_one(const struct net_env *e, const struct state_net_attachment *a,
		      const char *netns, struct sk_error **err)
{
	net_dns_remove(e->run_root, a->network, a->container_id, NULL);
	if (streq(a->ifname, "eth0"))
		net_rootless_ports_remove(e, a->container_id);
	_cleanup_free_ char *cache = cache_dir(e);
	_cleanup_free_ char *fw_dir = firewall_dir(e);
	net_fw_del(fw_dir, a->network, a->container_id, NULL);
	int r = net_cni_del(cache, a->network, a->container_id, a->ifname, netns, err);
	/* The address is freed even when a plugin failed: the namespace is going away, and a
	 * row kept would hold the address for ever. */
	state_net_attachment_delete(e->db, a->container_id, a->network, NULL);
	_cleanup_net_network_ struct net_network *n = NULL;
	if (netns && net_network_get(e->config_dir, a->network, &n, NULL) >= 0) {
		_cleanup_free_ char *root = claim_root(e);
		_cleanup_free_ char *claims = net_ipam_claim_dir(root, n);
		net_ipam_unclaim(claims, a->ip, netns);
	}
	bridge_drop_if_unused(e, a->network);
	return r;
}

/* The arguments of an operation run through net_rootless_ns_run. */
struct ns_op {
	const struct net_env *e;
	const struct net_ctr *c;
	const char *ctr_id, *netns;
	struct state_net_attachment *list;
	size_t n;
	const struct state_ctr_network *m; /* attach: the membership */
	const char *ifname;		   /* attach: the interface */
	struct state_ctr_network *members; /* reapply */
	size_t n_members;
};

static int teardown_all(void *arg, struct sk_error **unused)
{
	(void)unused;
	struct ns_op *op = arg;
	for (size_t i = op->n; i-- > 0;) {
		struct sk_error *err = NULL;
		if (detach_one(op->e, &op->list[i], op->netns, &err) < 0)
			log_warn("%s", err->msg);
		sk_error_free(err);
	}
	return 0;
}

void net_container_teardown(const struct net_env *e, const char *ctr_id, const char *netns)
{
	struct ns_op op = { .e = e, .netns = netns };
	if (state_net_attachments(e->db, ctr_id, NULL, &op.list, &op.n, NULL) < 0)
		return;
	if (op.n) {
		struct sk_error *err = NULL;
		if (net_rootless_ns_run(e, false, teardown_all, &op, &err) < 0)
			log_warn("%s", err->msg);
		sk_error_free(err);
		net_rootless_ns_drop_if_unused(e);
	}
	state_net_attachments_free(op.list, op.n);
}

static int attach_op(void *arg, struct sk_error **err)
{
	struct ns_op *op = arg;
	return attach_one(op->e, op->c, op->m, op->ifname, false, err);
}

int net_container_attach(const struct net_env *e, const struct net_ctr *c,
			 const struct state_ctr_network *m, struct sk_error **err)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	int r = state_net_attachments(e->db, c->id, NULL, &list, &n, err);
	if (r < 0)
		return r;
	/* the lowest ethN not in use */
	char ifname[32];
	for (size_t k = 0;; k++) {
		snprintf(ifname, sizeof(ifname), "eth%zu", k);
		bool used = false;
		for (size_t i = 0; i < n && !used; i++)
			used = streq(list[i].ifname, ifname);
		if (!used)
			break;
	}
	state_net_attachments_free(list, n);
	struct ns_op op = { .e = e, .c = c, .m = m, .ifname = ifname };
	return net_rootless_ns_run(e, true, attach_op, &op, err);
}

static int detach_op(void *arg, struct sk_error **err)
{
	struct ns_op *op = arg;
	int r = 0;
	for (size_t i = 0; r >= 0 && i < op->n; i++)
		r = detach_one(op->e, &op->list[i], op->netns, err);
	return r;
}

int net_container_detach(const struct net_env *e, const char *ctr_id, const char *network,
			 const char *netns, struct sk_error **err)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	int r = state_net_attachments(e->db, ctr_id, network, &list, &n, err);
	struct ns_op op = { .e = e, .netns = netns, .list = list, .n = n };
	if (r >= 0 && n) {
		r = net_rootless_ns_run(e, false, detach_op, &op, err);
		net_rootless_ns_drop_if_unused(e);
	}
	state_net_attachments_free(list, n);
	return r;
}

static int check_op(void *arg, struct sk_error **err)
{
	struct ns_op *op = arg;
	_cleanup_free_ char *cache = cache_dir(op->e);
	_cleanup_free_ char *fw_dir = firewall_dir(op->e);
	int r = 0;
	for (size_t i = 0; r >= 0 && i < op->n; i++) {
		r = net_cni_check(cache, op->list[i].network, op->ctr_id, op->list[i].ifname,
				  op->netns, err);
		if (r >= 0)
			r = net_fw_check(fw_dir, op->list[i].network, op->ctr_id, err);
	}
	return r;
}

int net_container_check(const struct net_env *e, const char *ctr_id, const char *netns,
			struct sk_error **err)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	int r = state_net_attachments(e->db, ctr_id, NULL, &list, &n, err);
	struct ns_op op = { .e = e, .ctr_id = ctr_id, .netns = netns, .list = list, .n = n };
	if (r >= 0 && n)
		r = net_rootless_ns_run(e, false, check_op, &op, err);
	state_net_attachments_free(list, n);
	return r;
}

static int reapply_op(void *arg, struct sk_error **err)
{
	struct ns_op *op = arg;
	int r = net_fw_setup_chains(err); /* a flush took the jumps too */
	for (size_t i = 0; r >= 0 && i < op->n; i++) {
		const struct state_net_attachment *a = &op->list[i];
		const struct state_ctr_network *m = NULL;
		for (size_t k = 0; k < op->n_members && !m; k++)
			if (streq(op->members[k].network, a->network))
				m = &op->members[k];
		struct state_ctr_network again = {
			.network = a->network,
			.aliases = m ? m->aliases : NULL,
			.static_ip = a->ip,
			.static_mac = a->mac,
		};
		detach_one(op->e, a, op->c->netns, NULL);
		r = attach_one(op->e, op->c, &again, a->ifname, streq(a->ifname, "eth0"), err);
	}
	return r;
}

int net_container_reapply(const struct net_env *e, const struct net_ctr *c, struct sk_error **err)
{
	struct ns_op op = { .e = e, .c = c };
	int r = state_net_attachments(e->db, c->id, NULL, &op.list, &op.n, err);
	if (r >= 0)
		r = state_ctr_networks(e->db, c->id, &op.members, &op.n_members, err);
	if (r >= 0)
		r = net_rootless_ns_run(e, true, reapply_op, &op, err);
	state_net_attachments_free(op.list, op.n);
	state_ctr_networks_free(op.members, op.n_members);
	return r;
}
