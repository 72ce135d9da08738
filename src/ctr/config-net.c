/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The networking part of a container's settings: the network mode and networks (docker's
 * HostConfig.NetworkMode, selkie's Selkie.Networks with aliases and static addresses),
 * published and exposed ports, DNS and /etc/hosts options. Pure: that the networks exist is
 * checked by create (ctr/create.c), which can read their configs.
 */
#include "ctr/config-doc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "config/userns.h"
#include "net/network.h"
#include "net/ports.h"
#include "net/slirp.h"
#include "util/json-util.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool ip_valid(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* six hex pairs separated by ':' (or '-') */
static bool mac_valid(const char *s)
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		s += 2;
		if (i < 5 && *s != ':' && *s != '-')
			return false;
		if (i < 5)
			s++;
	}
	return *s == '\0';
}

static bool is_user_mode(const char *s)
{
	return streq(s, "slirp4netns") || strncmp(s, "slirp4netns:", 12) == 0 ||
	       streq(s, "pasta") || strncmp(s, "pasta:", 6) == 0;
}

static bool is_mode(const char *s)
{
	return streq(s, "host") || streq(s, "none") || streq(s, "private") || is_user_mode(s) ||
	       strncmp(s, "ns:", 3) == 0 || strncmp(s, "container:", 10) == 0;
}

/* --network values → NetworkMode and the list of networks (empty for the modes). */
static int mode_build(const struct ctr_create_opts *o, json_t *host, json_t *priv,
		      struct sk_error **err)
{
	json_t *nets = json_array();
	json_object_set_new(priv, "Networks", nets);
	size_t n = strv_length(o->networks);
	/* podman's defaults: a bridge for root, slirp4netns for an ordinary user */
	const char *first = n			       ? o->networks[0]
			    : config_userns_rootless() ? "slirp4netns"
						       : "bridge";
	/* --network is split at commas: slirp4netns:a=1,b=2 (and pasta:--x,1) come back whole */
	_cleanup_free_ char *joined = NULL;
	if (n > 1 &&
	    (strncmp(first, "slirp4netns:", 12) == 0 || strncmp(first, "pasta:", 6) == 0)) {
		joined = strv_join(o->networks, ",");
		first = joined;
		n = 1;
	}
	if (n <= 1 && is_mode(first)) {
		if (is_user_mode(first)) {
			/* options are checked now rather than at start */
			struct net_slirp_opts so = { 0 };
			int r = strncmp(first, "slirp4netns:", 12) == 0
					? net_slirp_opts_parse(first + 12, &so, err)
					: 0;
			if (r < 0)
				return r;
		}
		sk_json_set_str(host, "NetworkMode", first);
		if (strncmp(first, "container:", 10) == 0 && !first[10])
			return sk_err_invalid(err, "must provide a container name or ID after "
						   "container:");
		return 0;
	}
	for (size_t i = 0; i < (n ? n : 1); i++) {
		const char *name = n ? o->networks[i] : "bridge";
		if (is_mode(name))
			return sk_err_invalid(err,
					      "cannot set multiple networks without bridge network "
					      "mode, selected mode %s: invalid argument",
					      name);
		if (!name[0])
			return sk_err_invalid(err, "network name must not be empty");
		if (streq(name, "bridge") || streq(name, "default"))
			name = NET_DEFAULT_NAME;
		/* before m is made: an early return would leak it */
		if (i == 0 && o->ip && !ip_valid(o->ip))
			return sk_err_invalid(err, "%s is not an ip address", o->ip);
		json_t *m = json_pack("{s:s,s:o}", "Name", name, "Aliases",
				      sk_json_from_strv(o->network_alias));
		if (i == 0 && o->ip)
			sk_json_set_str(m, "IPAddress", o->ip);
		if (i == 0 && o->mac_address) {
			if (!mac_valid(o->mac_address)) {
				json_decref(m);
				return sk_err_invalid(err,
						      "invalid MAC address %s: address %s: "
						      "invalid MAC address",
						      o->mac_address, o->mac_address);
			}
			sk_json_set_str(m, "MacAddress", o->mac_address);
		}
		json_array_append_new(nets, m);
	}
	sk_json_set_str(host, "NetworkMode", "bridge");
	return 0;
}

static int ports_build(const struct ctr_create_opts *o, json_t *doc, struct sk_error **err)
{
	json_t *host = json_object_get(doc, "HostConfig");
	json_t *exposed = sk_json_path(doc, "Config.ExposedPorts");
	STRV_FOREACH (e, o->expose) {
		_cleanup_strv_free_ char **keys = strv_new(NULL);
		int r = net_expose_parse(*e, &keys, err);
		if (r < 0)
			return r;
		STRV_FOREACH (k, keys)
			json_object_set_new(exposed, *k, json_object());
	}
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n = 0;
	STRV_FOREACH (p, o->publish) {
		int r = net_port_parse(*p, &ports, &n, err);
		if (r < 0)
			return r;
	}
	if (o->publish_all)
		net_ports_publish_all(exposed, &ports, &n);
	int r = net_ports_check(ports, n, err);
	if (r < 0)
		return r;
	const char *mode = sk_json_str(host, "NetworkMode");
	if (n && !streq(mode, "bridge") && !is_user_mode(mode)) {
		log_warn(
			"Port mappings have been discarded as one of the Host, Container, Pod, and "
			"None network modes are in use");
		n = 0;
	}
	/* docker lists published ports among the exposed ones */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key =
			xasprintf("%u/%s", ports[i].container_port, ports[i].protocol);
		if (!json_object_get(exposed, key))
			json_object_set_new(exposed, key, json_object());
	}
	json_object_set_new(host, "PortBindings", net_ports_to_json(ports, n));
	json_object_set_new(host, "PublishAllPorts", json_boolean(o->publish_all));
	return 0;
}

static int dns_build(const struct ctr_create_opts *o, json_t *host, json_t *priv,
		     struct sk_error **err)
{
	STRV_FOREACH (d, o->dns)
		if (!ip_valid(*d))
			return sk_err_invalid(err, "%s is not an ip address", *d);
	if (o->no_hosts && o->add_host && o->add_host[0])
		return sk_err_invalid(err, "--no-hosts and --add-host cannot be set together");
	json_t *extra = json_array();
	json_object_set_new(host, "ExtraHosts", extra);
	STRV_FOREACH (h, o->add_host) {
		const char *sep = strchr(*h, ':');
		if (!sep || sep == *h)
			return sk_err_invalid(err, "invalid add-host: %s: invalid argument", *h);
		/* "name:ip" — an IPv6 address holds colons too, the name never does */
		if (!ip_valid(sep + 1) && !streq(sep + 1, "host-gateway"))
			return sk_err_invalid(err, "invalid IP address in add-host: \"%s\"",
					      sep + 1);
		json_array_append_new(extra, json_string(*h));
	}
	json_object_set_new(host, "Dns", sk_json_from_strv(o->dns));
	json_object_set_new(host, "DnsSearch", sk_json_from_strv(o->dns_search));
	json_object_set_new(host, "DnsOptions", sk_json_from_strv(o->dns_option));
	json_object_set_new(priv, "NoHosts", json_boolean(o->no_hosts));
	return 0;
}

int ctr_config_net_build(const struct ctr_create_opts *o, json_t *doc, struct sk_error **err)
{
	json_t *host = json_object_get(doc, "HostConfig");
	json_t *priv = json_object_get(doc, "Selkie");
	int r = mode_build(o, host, priv, err);
	if (r >= 0)
		r = ports_build(o, doc, err);
	if (r >= 0)
		r = dns_build(o, host, priv, err);
	return r;
}
