/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/network.h"

#include <errno.h>
#include <string.h>

#include "ctr/net-internal.h"
#include "ctr/start-internal.h"
#include "net/attach.h"
#include "net/network.h"
#include "state/networks.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define PORTS_FILE_MAX (4u << 20)

/* A running container on bridge networking: one whose interfaces can change live. */
static bool bridge_running(const struct state_container *c, const json_t *doc)
{
	const char *mode = sk_json_str(json_object_get(doc, "HostConfig"), "NetworkMode");
	return ctr_is_active(c) && mode && streq(mode, "bridge");
}

static int bridge_mode_check(const struct state_container *c, const json_t *doc,
			     struct sk_error **err)
{
	const char *mode = sk_json_str(json_object_get(doc, "HostConfig"), "NetworkMode");
	if (mode && !streq(mode, "bridge"))
		return sk_err_invalid(err,
				      "container %s: network mode \"%s\" has no networks to "
				      "connect or disconnect: invalid argument",
				      c->name, mode);
	return 0;
}

static int locked_lookup(struct ctr_ctx *x, const char *name_or_id, struct state_container **c,
			 int *lock, json_t **doc, struct sk_error **err)
{
	int r = ctr_lookup(x, name_or_id, c, err);
	if (r < 0)
		return r;
	r = ctr_lock(x, (*c)->id, lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, *c, err);
	if (r < 0)
		return r;
	*doc = sk_json_parse((*c)->config, strlen((*c)->config), NULL);
	if (!*doc)
		return sk_err_corrupt(err, "container %.12s: settings unreadable", (*c)->id);
	return 0;
}

static int ports_running(struct ctr_ctx *x, const char *id, struct net_port **ports, size_t *n,
			 struct sk_error **err)
{
	_cleanup_free_ char *path = ctr_ports_file(x, id);
	_cleanup_free_ char *s = NULL;
	size_t len;
	int r = fs_read_file(path, PORTS_FILE_MAX, &s, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	_cleanup_json_ json_t *j = sk_json_parse(s, len, NULL);
	if (!j)
		return sk_err_corrupt(err, "%s is unreadable", path);
	r = net_ports_from_json(j, ports, n, err);
	return r < 0 ? r : 1;
}

int ctr_ports(struct ctr_ctx *x, const struct state_container *c, struct net_port **ports,
	      size_t *n, struct sk_error **err)
{
	*ports = NULL;
	*n = 0;
	if (ctr_is_active(c)) {
		int r = ports_running(x, c->id, ports, n, err);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	return net_ports_from_json(sk_json_path(doc, "HostConfig.PortBindings"), ports, n, err);
}

int ctr_network_connect(struct ctr_ctx *x, const char *name_or_id, const char *network,
			const struct ctr_network_connect_opts *o, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	_cleanup_close_ int lock = -1;
	_cleanup_json_ json_t *doc = NULL;
	int r = locked_lookup(x, name_or_id, &c, &lock, &doc, err);
	if (r >= 0)
		r = bridge_mode_check(c, doc, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	_cleanup_net_network_ struct net_network *n = NULL;
	r = net_network_get(dir, network, &n, err);
	if (r < 0)
		return r;
	struct state_ctr_network m = {
		.network = n->name,
		.aliases = o ? o->aliases : NULL,
		.static_ip = o ? (char *)o->ip : NULL,
		.static_mac = o ? (char *)o->mac : NULL,
	};
	r = state_ctr_network_add(x->store->db, c->id, &m, err);
	if (r < 0)
		return r;
	if (!bridge_running(c, doc))
		return 0;
	_cleanup_free_ char *netns = ctr_netns_path(x, c->id);
	struct net_env env = { x->store->db, dir, x->run_root, x->store->rootless };
	struct net_ctr nc = { .id = c->id, .name = c->name, .netns = netns };
	r = net_container_attach(&env, &nc, &m, err);
	if (r < 0) {
		state_ctr_network_remove(x->store->db, c->id, n->name, NULL);
		return r;
	}
	return ctr_net_etc_refresh(x, c, doc, err);
}

int ctr_network_disconnect(struct ctr_ctx *x, const char *name_or_id, const char *network,
			   bool force, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	_cleanup_close_ int lock = -1;
	_cleanup_json_ json_t *doc = NULL;
	int r = locked_lookup(x, name_or_id, &c, &lock, &doc, err);
	if (r >= 0)
		r = bridge_mode_check(c, doc, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	_cleanup_net_network_ struct net_network *n = NULL;
	r = net_network_get(dir, network, &n, err);
	/* a network removed with -f meanwhile can still be left by its containers */
	const char *name = r >= 0 ? n->name : network;
	if (r < 0 && !force)
		return r;
	if (r < 0) {
		sk_error_free(*err);
		*err = NULL;
	}
	r = state_ctr_network_remove(x->store->db, c->id, name, err);
	if (r < 0)
		return r;
	if (!bridge_running(c, doc))
		return 0;
	_cleanup_free_ char *netns = ctr_netns_path(x, c->id);
	struct net_env env = { x->store->db, dir, x->run_root };
	r = net_container_detach(&env, c->id, name, netns, err);
	if (r >= 0)
		r = ctr_net_etc_refresh(x, c, doc, err);
	return r;
}

int ctr_network_reload(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	if (!bridge_running(c, doc))
		return 0;
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	_cleanup_free_ char *netns = ctr_netns_path(x, c->id);
	struct net_env env = { x->store->db, dir, x->run_root };
	/* Rules intact (CHECK passes): nothing to do, connections stay up. */
	if (net_container_check(&env, c->id, netns, NULL) >= 0)
		return 0;
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n_ports = 0;
	r = ports_running(x, c->id, &ports, &n_ports, err);
	if (r < 0)
		return r;
	struct net_ctr nc = {
		.id = c->id,
		.name = c->name,
		.netns = netns,
		.ports = ports,
		.n_ports = n_ports,
	};
	return net_container_reapply(&env, &nc, err);
}

static json_t *endpoint_json(const struct state_net_attachment *a, const struct net_network *n,
			     char *const *aliases)
{
	json_t *e = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:i,s:s,s:s,s:n,s:n,s:n,s:o}", "EndpointID",
			      "", "Gateway", a && a->gateway ? a->gateway : "", "IPAddress",
			      a ? a->ip : "", "IPPrefixLen", a ? a->prefix_len : 0, "IPv6Gateway",
			      "", "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0, "MacAddress",
			      a && a->mac ? a->mac : "", "NetworkID", n ? n->id : "", "DriverOpts",
			      "IPAMConfig", "Links", "Aliases", sk_json_from_strv(aliases));
	return e;
}

json_t *ctr_network_settings_json(struct ctr_ctx *x, const struct state_container *c,
				  const json_t *doc)
{
	json_t *ns = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:i,s:s,s:s,s:s,s:b}", "EndpointID", "",
			       "Gateway", "", "IPAddress", "", "IPPrefixLen", 0, "IPv6Gateway", "",
			       "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0, "MacAddress", "",
			       "Bridge", "", "SandboxID", "", "HairpinMode", false);
	json_t *ports = json_object();
	json_object_set_new(ns, "Ports", ports);
	json_t *nets = json_object();
	json_object_set_new(ns, "Networks", nets);
	bool active = ctr_is_active(c);
	_cleanup_free_ char *netns = ctr_netns_path(x, c->id);
	sk_json_set_str(ns, "SandboxKey", active && fs_exists(netns) ? netns : "");
	/* exposed ports show as null, published ones with their host side */
	const char *key;
	json_t *v;
	json_object_foreach (sk_json_path((json_t *)doc, "Config.ExposedPorts"), key, v)
		json_object_set_new(ports, key, json_null());
	_cleanup_free_ struct net_port *pl = NULL;
	size_t n_ports = 0;
	if (ctr_ports(x, c, &pl, &n_ports, NULL) >= 0) {
		_cleanup_json_ json_t *pj = net_ports_to_json(pl, n_ports);
		json_object_update(ports, pj);
	}
	struct state_ctr_network *members = NULL;
	size_t n_members = 0;
	struct state_net_attachment *atts = NULL;
	size_t n_atts = 0;
	state_ctr_networks(x->store->db, c->id, &members, &n_members, NULL);
	if (active)
		state_net_attachments(x->store->db, c->id, NULL, &atts, &n_atts, NULL);
	_cleanup_free_ char *dir = ctr_net_config_dir(x);
	for (size_t i = 0; i < n_members; i++) {
		const struct state_net_attachment *a = NULL;
		for (size_t k = 0; k < n_atts && !a; k++)
			if (streq(atts[k].network, members[i].network))
				a = &atts[k];
		_cleanup_net_network_ struct net_network *n = NULL;
		net_network_get(dir, members[i].network, &n, NULL);
		_cleanup_strv_free_ char **aliases = strv_copy(members[i].aliases);
		_cleanup_free_ char *short_id = xstrndup(c->id, 12);
		if (!strv_contains(aliases, short_id))
			strv_push(&aliases, short_id);
		json_object_set_new(nets, members[i].network, endpoint_json(a, n, aliases));
		if (i == 0 && a) {
			sk_json_set_str(ns, "IPAddress", a->ip);
			sk_json_set_str(ns, "Gateway", a->gateway ? a->gateway : "");
			json_object_set_new(ns, "IPPrefixLen", json_integer(a->prefix_len));
			sk_json_set_str(ns, "MacAddress", a->mac ? a->mac : "");
		}
	}
	state_ctr_networks_free(members, n_members);
	state_net_attachments_free(atts, n_atts);
	return ns;
}

char *ctr_ports_text(struct ctr_ctx *x, const struct state_container *c)
{
	/* most containers publish nothing: don't parse their settings for ps */
	if (c->config && strstr(c->config, "\"PortBindings\":{}"))
		return xstrdup("");
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n = 0;
	if (ctr_ports(x, c, &ports, &n, NULL) < 0)
		return xstrdup("");
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		bool v6 = strchr(p->host_ip, ':') != NULL;
		strbuf_addf(&sb, "%s%s%s%s:", i ? ", " : "", v6 ? "[" : "",
			    p->host_ip[0] ? p->host_ip : "0.0.0.0", v6 ? "]" : "");
		if (p->host_port)
			strbuf_addf(&sb, "%u", p->host_port);
		strbuf_addf(&sb, "->%u/%s", p->container_port, p->protocol);
	}
	return sb.buf ? strbuf_detach(&sb, NULL) : xstrdup("");
}

char **ctr_network_names(struct ctr_ctx *x, const struct state_container *c)
{
	struct state_ctr_network *list = NULL;
	size_t n = 0;
	char **names = strv_new(NULL);
	if (state_ctr_networks(x->store->db, c->id, &list, &n, NULL) < 0)
		return names;
	for (size_t i = 0; i < n; i++)
		strv_push(&names, list[i].network);
	state_ctr_networks_free(list, n);
	return names;
}
