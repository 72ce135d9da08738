/* SPDX-License-Identifier: Apache-2.0 */
/* A network as its CNI conflist and back. The plugin chain is podman's CNI backend's: bridge
 * (or macvlan/ipvlan) with host-local IPAM, then portmap, firewall and tuning. */
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "net/network-internal.h"
#include "util/digest.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

json_t *net_kv_to_object(char *const *kv)
{
	_cleanup_json_ json_t *given = json_object();
	STRV_FOREACH (s, kv) {
		const char *eq = strchr(*s, '=');
		_cleanup_free_ char *k = eq ? xstrndup(*s, (size_t)(eq - *s)) : xstrdup(*s);
		json_object_set_new(given, k, json_string(eq ? eq + 1 : ""));
	}
	/* Keys sorted, as Go marshals a map. */
	_cleanup_strv_free_ char **keys = NULL;
	const char *k;
	json_t *v;
	json_object_foreach (given, k, v)
		strv_push(&keys, k);
	strv_sort(keys);
	json_t *o = json_object();
	STRV_FOREACH (key, keys)
		json_object_set(o, *key, json_object_get(given, *key));
	return o;
}

char **net_kv_from_object(const json_t *obj)
{
	char **v = NULL;
	const char *k;
	json_t *val;
	json_object_foreach ((json_t *)obj, k, val)
		if (json_is_string(val))
			strv_pushf(&v, "%s=%s", k, json_string_value(val));
	return v;
}

/* The value of option key in "k=v" options, or NULL (the last one wins). */
static const char *option_get(char *const *options, const char *key)
{
	const char *found = NULL;
	size_t len = strlen(key);
	STRV_FOREACH (o, options)
		if (strneq(*o, key, len) && (*o)[len] == '=')
			found = *o + len + 1;
	return found;
}

static bool subnet_is_v6(const struct net_subnet *s)
{
	return strchr(s->subnet, ':') != NULL;
}

static json_t *ipam_build(const struct net_network *n)
{
	json_t *ranges = json_array(), *routes = json_array();
	bool v4_route = false, v6_route = false;
	for (size_t i = 0; i < n->n_subnets; i++) {
		const struct net_subnet *s = &n->subnets[i];
		json_t *r = json_pack("{s:s}", "subnet", s->subnet);
		if (s->gateway)
			json_object_set_new(r, "gateway", json_string(s->gateway));
		if (s->range_start)
			json_object_set_new(r, "rangeStart", json_string(s->range_start));
		if (s->range_end)
			json_object_set_new(r, "rangeEnd", json_string(s->range_end));
		json_array_append_new(ranges, json_pack("[o]", r));
		/* No way out of an internal network, nor without a gateway to go through. */
		if (n->internal || !s->gateway)
			continue;
		bool v6 = subnet_is_v6(s);
		if ((v6 && v6_route) || (!v6 && v4_route))
			continue;
		json_array_append_new(routes, json_pack("{s:s}", "dst", v6 ? "::/0" : "0.0.0.0/0"));
		*(v6 ? &v6_route : &v4_route) = true;
	}
	return json_pack("{s:s, s:o, s:o}", "type", "host-local", "ranges", ranges, "routes",
			 routes);
}

static void set_int_option(json_t *plugin, const char *key, char *const *options)
{
	const char *v = option_get(options, key);
	int i;
	if (v && parse_int(v, &i) >= 0)
		json_object_set_new(plugin, key, json_integer(i));
}

static json_t *main_plugin(const struct net_network *n)
{
	json_t *p;
	if (streq(n->driver, "bridge")) {
		p = json_pack("{s:s, s:s, s:b, s:b, s:b}", "type", "bridge", "bridge", n->interface,
			      "isGateway", 1, "ipMasq", !n->internal, "hairpinMode", 1);
		set_int_option(p, "vlan", n->options);
	} else {
		p = json_pack("{s:s, s:s}", "type", n->driver, "master", n->interface);
		const char *mode = option_get(n->options, "mode");
		if (mode)
			json_object_set_new(p, "mode", json_string(mode));
	}
	set_int_option(p, "mtu", n->options);
	json_object_set_new(p, "ipam", ipam_build(n));
	return p;
}

json_t *net_conflist_build(const struct net_network *n)
{
	json_t *plugins = json_array();
	json_array_append_new(plugins, main_plugin(n));
	if (streq(n->driver, "bridge")) {
		json_array_append_new(plugins,
				      json_pack("{s:s, s:{s:b}, s:b}", "type", "portmap",
						"capabilities", "portMappings", 1, "snat", 1));
		json_array_append_new(plugins, json_pack("{s:s, s:s}", "type", "firewall",
							 "backend", "iptables"));
	}
	json_array_append_new(
		plugins, json_pack("{s:s, s:{s:b}}", "type", "tuning", "capabilities", "mac", 1));
	_cleanup_free_ char *created = time_format_rfc3339nano(n->created);
	json_t *own = json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:b}", "id", n->id, "created",
				created, "driver", n->driver, "labels", net_kv_to_object(n->labels),
				"options", net_kv_to_object(n->options), "internal", n->internal,
				"dns_enabled", n->dns_enabled, "ipv6", n->ipv6);
	return json_pack("{s:s, s:s, s:o, s:o}", "cniVersion", "1.0.0", "name", n->name, "plugins",
			 plugins, "selkie", own);
}

static char *str_or_null(const json_t *o, const char *key)
{
	const char *s = sk_json_str(o, key);
	return s ? xstrdup(s) : NULL;
}

static void subnets_parse(struct net_network *n, const json_t *ipam)
{
	json_t *ranges = json_object_get(ipam, "ranges");
	size_t i;
	json_t *set;
	json_array_foreach (ranges, i, set) {
		json_t *r = json_array_get(set, 0);
		if (!sk_json_str(r, "subnet"))
			continue;
		n->subnets = xreallocarray(n->subnets, n->n_subnets + 1, sizeof(*n->subnets));
		n->subnets[n->n_subnets++] = (struct net_subnet){
			.subnet = str_or_null(r, "subnet"),
			.gateway = str_or_null(r, "gateway"),
			.range_start = str_or_null(r, "rangeStart"),
			.range_end = str_or_null(r, "rangeEnd"),
		};
	}
}

static void own_parse(struct net_network *n, const json_t *own, const char *path)
{
	n->id = str_or_null(own, "id");
	if (!n->id || !hex_is_valid(n->id, DIGEST_HEX_LEN)) {
		/* As podman's CNI backend: a conflist has no ID, the name's digest is one. */
		char d[DIGEST_STR_LEN];
		digest_buffer(n->name, strlen(n->name), d);
		free(n->id);
		n->id = xstrdup(digest_hex(d));
	}
	const char *created = sk_json_str(own, "created");
	struct stat st;
	if (!created || time_parse_rfc3339(created, &n->created) < 0)
		n->created = stat(path, &st) == 0
				     ? (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec
				     : 0;
	const char *driver = sk_json_str(own, "driver");
	if (driver) {
		free(n->driver);
		n->driver = xstrdup(driver);
	}
	n->labels = net_kv_from_object(json_object_get(own, "labels"));
	n->options = net_kv_from_object(json_object_get(own, "options"));
	n->internal = sk_json_bool(own, "internal", false);
	n->dns_enabled = sk_json_bool(own, "dns_enabled", false);
	bool any_v6 = false;
	for (size_t i = 0; i < n->n_subnets; i++)
		any_v6 = any_v6 || subnet_is_v6(&n->subnets[i]);
	n->ipv6 = sk_json_bool(own, "ipv6", any_v6);
}

int net_conflist_parse(const json_t *doc, const char *path, struct net_network **ret,
		       struct sk_error **err)
{
	const char *name = sk_json_str(doc, "name");
	json_t *first = json_array_get(json_object_get(doc, "plugins"), 0);
	const char *type = sk_json_str(first, "type");
	if (!name || !type)
		return sk_err_corrupt(err, "network config %s: no name or no plugins", path);
	_cleanup_net_network_ struct net_network *n = xnew(struct net_network, 1);
	n->name = xstrdup(name);
	n->driver = xstrdup(type);
	n->path = xstrdup(path);
	const char *iface = sk_json_str(first, streq(type, "bridge") ? "bridge" : "master");
	n->interface = xstrdup(iface ? iface : "");
	subnets_parse(n, json_object_get(first, "ipam"));
	own_parse(n, json_object_get(doc, "selkie"), path);
	*ret = TAKE_PTR(n);
	return 0;
}
