/* SPDX-License-Identifier: Apache-2.0 */
/* `network create`: validation with podman's wording, then the choices podman makes when the
 * user leaves them open (name, bridge, subnet, gateway), and the conflist written atomically
 * under the config dir's lock. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "net/network-internal.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define NAME_RULE "[a-zA-Z0-9][a-zA-Z0-9_.-]*"
#define AUTO_POOL_FMT "10.91.%d.0/24"

struct create {
	const char *dir;
	const struct net_create_opts *o;
	struct net_network **existing;
	struct net_cidr *routes;
	size_t n_routes;
	struct net_network *n; /* being built */
};

static void create_release(struct create *c)
{
	net_network_list_free(c->existing);
	free(c->routes);
	net_network_free(c->n);
}

static bool name_valid(const char *s)
{
	if (!s ||
	    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] ==
	       '\0';
}

static int name_check(const char *name, struct sk_error **err)
{
	static const char *const modes[] = { "host",	    "none",	 "bridge", "private",
					     "slirp4netns", "container", "ns",	   "pasta" };
	if (!name_valid(name))
		return sk_err_invalid(err,
				      "network name %s invalid: names must match " NAME_RULE
				      ": invalid argument",
				      name);
	for (size_t i = 0; i < ELEMENTSOF(modes); i++)
		if (streq(name, modes[i]))
			return sk_err_invalid(err,
					      "cannot create network with name \"%s\" because it "
					      "conflicts with a valid network mode",
					      name);
	return 0;
}

static struct net_network *existing_named(struct create *c, const char *name)
{
	for (size_t i = 0; c->existing[i]; i++)
		if (streq(c->existing[i]->name, name))
			return c->existing[i];
	return NULL;
}

static int labels_check(char *const *labels, struct sk_error **err)
{
	STRV_FOREACH (l, labels)
		if ((*l)[0] == '=' || (*l)[0] == '\0')
			return sk_err_invalid(
				err, "failed to parse labels: invalid label format: \"%s\"", *l);
	return 0;
}

static int int_option(const char *key, const char *val, int max, struct sk_error **err)
{
	int i;
	if (parse_int(val, &i) < 0)
		return sk_err_invalid(err, "strconv.Atoi: parsing \"%s\": invalid syntax", val);
	if (streq(key, "mtu") && i < 0)
		return sk_err_invalid(err, "mtu %d is less than zero", i);
	if (i < 0 || i > max)
		return sk_err_invalid(err, "vlan ID %d must be between 0 and 4094", i);
	return 0;
}

/* One -o key=value for the driver; *parent is set for "parent". */
static int option_check(const char *driver, const char *kv, const char **parent,
			struct sk_error **err)
{
	const char *eq = strchr(kv, '=');
	_cleanup_free_ char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	const char *val = eq ? eq + 1 : "";
	bool bridge = streq(driver, "bridge");
	if (streq(key, "mtu"))
		return int_option(key, val, INT32_MAX, err);
	if (bridge && streq(key, "vlan"))
		return int_option(key, val, 4094, err);
	if (bridge && streq(key, "isolate")) {
		bool b;
		if (parse_bool(val, &b) < 0)
			return sk_err_invalid(
				err, "strconv.ParseBool: parsing \"%s\": invalid syntax", val);
		return 0;
	}
	if (!bridge && streq(key, "parent")) {
		*parent = val;
		return 0;
	}
	if (!bridge && streq(key, "mode")) {
		static const char *const macvlan[] = { "bridge", "private", "vepa", "passthru",
						       NULL };
		static const char *const ipvlan[] = { "l2", "l3", "l3s", NULL };
		if (!strv_contains((char **)(streq(driver, "macvlan") ? macvlan : ipvlan), val))
			return sk_err_invalid(err, "unknown %s mode \"%s\"", driver, val);
		return 0;
	}
	return sk_err_invalid(err, "unsupported %s network option %s", driver, key);
}

static int driver_options(struct create *c, struct sk_error **err)
{
	const struct net_create_opts *o = c->o;
	struct net_network *n = c->n;
	const char *parent = NULL;
	STRV_FOREACH (kv, o->options) {
		int r = option_check(n->driver, *kv, &parent, err);
		if (r < 0)
			return r;
		if (!strneq(*kv, "parent=", 7))
			strv_push(&n->options, *kv);
	}
	if (streq(n->driver, "bridge"))
		return 0;
	/* macvlan/ipvlan: the interface is the parent; --interface-name says it too. */
	if (isempty(parent))
		parent = o->interface_name;
	if (isempty(parent))
		return sk_err_invalid(err, "%s driver needs a parent interface: use -o parent=NAME",
				      n->driver);
	if (!net_host_iface_exists(parent))
		return sk_err_invalid(err, "parent interface %s does not exist", parent);
	n->interface = xstrdup(parent);
	return 0;
}

/* Used by another network, by the host's routes, or earlier in this command? */
static bool cidr_taken(const struct create *c, const struct net_cidr *want)
{
	for (size_t i = 0; c->existing[i]; i++)
		for (size_t j = 0; j < c->existing[i]->n_subnets; j++) {
			struct net_cidr have;
			if (net_cidr_parse(c->existing[i]->subnets[j].subnet, &have) >= 0 &&
			    net_cidr_overlaps(&have, want))
				return true;
		}
	for (size_t i = 0; i < c->n_routes; i++)
		if (net_cidr_overlaps(&c->routes[i], want))
			return true;
	for (size_t i = 0; i < c->n->n_subnets; i++) {
		struct net_cidr have;
		if (net_cidr_parse(c->n->subnets[i].subnet, &have) >= 0 &&
		    net_cidr_overlaps(&have, want))
			return true;
	}
	return false;
}

static struct net_subnet *subnet_add(struct net_network *n, const struct net_cidr *masked)
{
	char buf[NET_IP_STRLEN + 4];
	net_cidr_format(masked, buf);
	n->subnets = xreallocarray(n->subnets, n->n_subnets + 1, sizeof(*n->subnets));
	struct net_subnet *s = &n->subnets[n->n_subnets++];
	*s = (struct net_subnet){ .subnet = xstrdup(buf) };
	return s;
}

static char *ip_string(const struct net_ip *ip)
{
	char buf[NET_IP_STRLEN];
	net_ip_format(ip, buf);
	return xstrdup(buf);
}

static int gateway_set(struct net_subnet *s, const struct net_cidr *m, const char *given,
		       bool bridge, struct sk_error **err)
{
	struct net_ip gw;
	if (given) {
		if (net_ip_parse(given, &gw) < 0)
			return sk_err_invalid(err,
					      "invalid argument \"%s\" for \"--gateway\" flag: "
					      "invalid string being converted to IP address: %s",
					      given, given);
		if (!net_cidr_contains(m, &gw))
			return sk_err_invalid(err, "gateway %s not in subnet %s", given, s->subnet);
	} else if (!bridge) {
		return 0; /* macvlan/ipvlan: the LAN's router is not ours to guess */
	} else if (net_cidr_nth(m, 1, &gw) < 0 || net_cidr_size(m) < 2) {
		return sk_err_invalid(err, "subnet %s is too small", s->subnet);
	}
	s->gateway = ip_string(&gw);
	return 0;
}

/* --ip-range: a CIDR (podman 4.3) or "first-last". */
static int range_set(struct net_subnet *s, const struct net_cidr *m, const char *given,
		     struct sk_error **err)
{
	struct net_ip first, last;
	struct net_cidr rc;
	const char *dash = strchr(given, '-');
	if (net_cidr_parse(given, &rc) >= 0) {
		if (net_cidr_nth(&rc, net_cidr_size(&rc) > 1 ? 1 : 0, &first) < 0 ||
		    net_cidr_nth(&rc, net_cidr_size(&rc) - 1, &last) < 0)
			return sk_err_invalid(err, "invalid CIDR address: %s", given);
	} else if (dash) {
		_cleanup_free_ char *a = xstrndup(given, (size_t)(dash - given));
		if (net_ip_parse(a, &first) < 0 || net_ip_parse(dash + 1, &last) < 0)
			return sk_err_invalid(err, "invalid CIDR address: %s", given);
	} else {
		return sk_err_invalid(err, "invalid CIDR address: %s", given);
	}
	_cleanup_free_ char *fs = ip_string(&first), *ls = ip_string(&last);
	if (!net_cidr_contains(m, &first))
		return sk_err_invalid(err, "lease range start ip %s not in subnet %s", fs,
				      s->subnet);
	if (!net_cidr_contains(m, &last))
		return sk_err_invalid(err, "lease range end ip %s not in subnet %s", ls, s->subnet);
	uint64_t a = 0, b = 0;
	if (net_cidr_offset(m, &first, &a) >= 0 && net_cidr_offset(m, &last, &b) >= 0 && a > b)
		return sk_err_invalid(err, "lease range start ip %s is after end ip %s", fs, ls);
	s->range_start = TAKE_PTR(fs);
	s->range_end = TAKE_PTR(ls);
	return 0;
}

static int subnets_given(struct create *c, struct sk_error **err)
{
	const struct net_create_opts *o = c->o;
	size_t ns = strv_length(o->subnets);
	if (ns == 0 && (strv_length(o->gateways) || strv_length(o->ip_ranges)))
		return sk_err_invalid(err, "cannot set gateway or range without subnet");
	if (strv_length(o->gateways) > ns)
		return sk_err_invalid(err, "cannot set more gateways than subnets");
	if (strv_length(o->ip_ranges) > ns)
		return sk_err_invalid(err, "cannot set more ranges than subnets");
	bool bridge = streq(c->n->driver, "bridge");
	for (size_t i = 0; i < ns; i++) {
		struct net_cidr cidr, m;
		if (net_cidr_parse(o->subnets[i], &cidr) < 0)
			return sk_err_invalid(err, "invalid CIDR address: %s", o->subnets[i]);
		net_cidr_masked(&cidr, &m);
		if (cidr_taken(c, &m)) {
			char buf[NET_IP_STRLEN + 4];
			net_cidr_format(&m, buf);
			return sk_err_invalid(err,
					      "subnet %s is already used on the host or by another "
					      "config",
					      buf);
		}
		struct net_subnet *s = subnet_add(c->n, &m);
		const char *gw = i < strv_length(o->gateways) ? o->gateways[i] : NULL;
		int r = gateway_set(s, &m, gw, bridge, err);
		if (r >= 0 && i < strv_length(o->ip_ranges))
			r = range_set(s, &m, o->ip_ranges[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool has_family(const struct net_network *n, int family)
{
	for (size_t i = 0; i < n->n_subnets; i++)
		if ((strchr(n->subnets[i].subnet, ':') != NULL) == (family == AF_INET6))
			return true;
	return false;
}

static int free_v4(struct create *c, struct sk_error **err)
{
	for (int i = 0; i < 256; i++) {
		_cleanup_free_ char *s = xasprintf(AUTO_POOL_FMT, i);
		struct net_cidr m;
		if (net_cidr_parse(s, &m) < 0 || cidr_taken(c, &m))
			continue;
		return gateway_set(subnet_add(c->n, &m), &m, NULL, true, err);
	}
	return sk_error_set(err, SK_ERR_STATE, ENOSPC,
			    "could not find free subnet from subnet pools");
}

/* A unique local /64 (fdXX:XXXX:XXXX:XXXX::/64) derived from the name, so it is stable. */
static int free_v6(struct create *c, struct sk_error **err)
{
	for (int attempt = 0; attempt < 256; attempt++) {
		_cleanup_free_ char *seed = xasprintf("%s/%d", c->n->name, attempt);
		char d[DIGEST_STR_LEN];
		digest_buffer(seed, strlen(seed), d);
		struct net_cidr m = { .ip.family = AF_INET6, .prefix = 64 };
		m.ip.addr[0] = 0xfd;
		for (int i = 1; i < 8; i++) {
			unsigned b = 0;
			sscanf(digest_hex(d) + 2 * i, "%2x", &b);
			m.ip.addr[i] = (uint8_t)b;
		}
		if (cidr_taken(c, &m))
			continue;
		return gateway_set(subnet_add(c->n, &m), &m, NULL, true, err);
	}
	return sk_error_set(err, SK_ERR_STATE, ENOSPC, "could not find free IPv6 subnet");
}

static int subnets_choose(struct create *c, struct sk_error **err)
{
	int r = subnets_given(c, err);
	if (r < 0)
		return r;
	struct net_network *n = c->n;
	bool given = n->n_subnets > 0;
	if (!given && !streq(n->driver, "bridge"))
		return sk_err_invalid(err,
				      "%s driver needs at least one subnet specified, DHCP is not "
				      "yet supported",
				      n->driver);
	if ((!given || c->o->ipv6) && !has_family(n, AF_INET) && (r = free_v4(c, err)) < 0)
		return r;
	if (c->o->ipv6 && !has_family(n, AF_INET6) && (r = free_v6(c, err)) < 0)
		return r;
	n->ipv6 = has_family(n, AF_INET6);
	return 0;
}

static bool iface_used(const struct create *c, const char *name)
{
	for (size_t i = 0; c->existing[i]; i++)
		if (streq(c->existing[i]->driver, "bridge") &&
		    streq(c->existing[i]->interface, name))
			return true;
	return false;
}

static int bridge_choose(struct create *c, struct sk_error **err)
{
	const char *want = c->o->interface_name;
	if (!isempty(want)) {
		if (iface_used(c, want))
			return sk_err_invalid(err, "bridge name %s already in use", want);
		if (!name_valid(want) || strlen(want) > 15)
			return sk_err_invalid(err,
					      "bridge name %s invalid: names must match " NAME_RULE
					      " and be at most 15 characters: invalid argument",
					      want);
		c->n->interface = xstrdup(want);
		return 0;
	}
	for (int i = 1; i < 100000; i++) {
		_cleanup_free_ char *name = xasprintf("selkie%d", i);
		if (!iface_used(c, name) && !net_host_iface_exists(name)) {
			c->n->interface = TAKE_PTR(name);
			return 0;
		}
	}
	return sk_error_set(err, SK_ERR_STATE, ENOSPC, "could not find a free bridge name");
}

static char *name_choose(struct create *c)
{
	for (int i = 1;; i++) {
		char *name = xasprintf(NET_DEFAULT_NAME "%d", i);
		if (!existing_named(c, name))
			return name;
		free(name);
	}
}

/* Take the existing network of that name out of the list, for the caller to own. */
static struct net_network *existing_take(struct create *c, const char *name)
{
	for (size_t i = 0; c->existing[i]; i++) {
		if (!streq(c->existing[i]->name, name))
			continue;
		struct net_network *n = c->existing[i];
		for (size_t j = i; c->existing[j]; j++)
			c->existing[j] = c->existing[j + 1];
		return n;
	}
	return NULL;
}

static int create_build(struct create *c, struct sk_error **err)
{
	const struct net_create_opts *o = c->o;
	const char *driver = isempty(o->driver) ? "bridge" : o->driver;
	if (!streq(driver, "bridge") && !streq(driver, "macvlan") && !streq(driver, "ipvlan"))
		return sk_err_invalid(err, "unsupported driver %s: invalid argument", driver);
	struct net_network *n = c->n = xnew(struct net_network, 1);
	n->driver = xstrdup(driver);
	n->name = o->name ? xstrdup(o->name) : name_choose(c);
	int r = labels_check(o->labels, err);
	if (r >= 0)
		r = driver_options(c, err);
	if (r >= 0)
		r = subnets_choose(c, err);
	if (r >= 0 && streq(driver, "bridge"))
		r = bridge_choose(c, err);
	if (r < 0)
		return r;
	n->labels = strv_copy(o->labels);
	n->internal = o->internal;
	/* DNS needs an address of ours on the network: bridges only. */
	n->dns_enabled = !o->disable_dns && streq(driver, "bridge");
	char id[DIGEST_HEX_LEN + 1];
	random_hex_id(id);
	n->id = xstrdup(id);
	n->created = time_now_ns();
	n->path = net_network_path(c->dir, n->name);
	return 0;
}

int net_network_create(const char *dir, const struct net_create_opts *o, struct net_network **ret,
		       struct sk_error **err)
{
	int r = o->name ? name_check(o->name, err) : 0;
	if (r < 0)
		return r;
	_cleanup_close_ int lock = net_dir_lock(dir, err);
	if (lock < 0)
		return lock;
	r = net_default_ensure_locked(dir, err);
	if (r < 0)
		return r;
	_cleanup_(create_release) struct create c = { .dir = dir, .o = o };
	r = net_dir_load(dir, &c.existing, err);
	if (r < 0)
		return r;
	if (o->name && existing_named(&c, o->name)) {
		if (!o->ignore_existing)
			return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
					    "network name %s already used: network already exists",
					    o->name);
		*ret = existing_take(&c, o->name);
		return 0;
	}
	net_host_routes(&c.routes, &c.n_routes);
	r = create_build(&c, err);
	if (r < 0)
		return r;
	r = net_network_write(c.n, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c.n);
	return 0;
}

int net_default_ensure_locked(const char *dir, struct sk_error **err)
{
	_cleanup_free_ char *path = net_network_path(dir, NET_DEFAULT_NAME);
	if (fs_exists(path))
		return 0;
	_cleanup_net_network_ struct net_network *n = xnew(struct net_network, 1);
	char d[DIGEST_STR_LEN];
	digest_buffer(NET_DEFAULT_NAME, strlen(NET_DEFAULT_NAME), d);
	n->name = xstrdup(NET_DEFAULT_NAME);
	n->id = xstrdup(digest_hex(d));
	n->driver = xstrdup("bridge");
	n->interface = xstrdup(NET_DEFAULT_BRIDGE);
	struct net_cidr m;
	net_cidr_parse(NET_DEFAULT_SUBNET, &m);
	struct net_subnet *s = subnet_add(n, &m);
	if (gateway_set(s, &m, NULL, true, err) < 0)
		return -EINVAL;
	n->created = time_now_ns();
	n->path = TAKE_PTR(path);
	return net_network_write(n, err);
}
