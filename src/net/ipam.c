/* SPDX-License-Identifier: Apache-2.0 */
#include "ipam.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "net/subnet.h"
#include "state/networks.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* A /16 has 65534 addresses; scanning them all for a free one is still cheap. */
#define IPAM_SCAN_MAX (1u << 20)

void net_lease_release(struct net_lease *l)
{
	free(l->address);
	free(l->ip);
	free(l->gateway);
	*l = (struct net_lease){ 0 };
}

static int lease_try(struct state_db *db, const struct net_network *n, const char *ctr_id,
		     const char *ifname, const struct net_ip *ip, int prefix,
		     const struct net_subnet *s, struct net_lease *ret, struct sk_error **err)
{
	char buf[NET_IP_STRLEN];
	net_ip_format(ip, buf);
	struct state_net_attachment a = {
		.container_id = (char *)ctr_id,
		.network = n->name,
		.ifname = (char *)ifname,
		.ip = buf,
	};
	int r = state_net_attachment_reserve(db, &a, err);
	if (r < 0)
		return r;
	ret->ip = xstrdup(buf);
	ret->prefix = prefix;
	ret->address = xasprintf("%s/%d", buf, prefix);
	ret->gateway = s->gateway ? xstrdup(s->gateway) : NULL;
	return 0;
}

static bool is_reserved(const struct net_cidr *net, const struct net_subnet *s,
			const struct net_ip *ip, uint64_t off)
{
	struct net_ip gw;
	if (s->gateway && net_ip_parse(s->gateway, &gw) == 0 && net_ip_equal(&gw, ip))
		return true;
	if (off == 0)
		return true;
	/* IPv4's broadcast address */
	return net->ip.family == AF_INET && off == net_cidr_size(net) - 1;
}

int net_ipam_reserve(struct state_db *db, const struct net_network *n, const char *ctr_id,
		     const char *ifname, const char *want, struct net_lease *ret,
		     struct sk_error **err)
{
	if (n->n_subnets == 0)
		return sk_err_invalid(err, "network %s has no subnet to take an address from",
				      n->name);
	const struct net_subnet *s = &n->subnets[0];
	struct net_cidr net;
	if (net_cidr_parse(s->subnet, &net) < 0)
		return sk_err_corrupt(err, "network %s: invalid subnet %s", n->name, s->subnet);
	net_cidr_masked(&net, &net);
	if (want) {
		struct net_ip ip;
		uint64_t off;
		if (net_ip_parse(want, &ip) < 0)
			return sk_err_invalid(err, "%s is not an IP address", want);
		if (net_cidr_offset(&net, &ip, &off) < 0)
			return sk_err_invalid(err,
					      "requested static ip %s not in any subnet on "
					      "network %s",
					      want, n->name);
		int r = lease_try(db, n, ctr_id, ifname, &ip, net.prefix, s, ret, err);
		if (r == -EEXIST)
			return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
					    "requested ip address %s is already allocated on "
					    "network %s",
					    want, n->name);
		return r;
	}
	uint64_t first = 1, last = net_cidr_size(&net) - 1;
	struct net_ip lim;
	if (s->range_start && net_ip_parse(s->range_start, &lim) == 0)
		net_cidr_offset(&net, &lim, &first);
	if (s->range_end && net_ip_parse(s->range_end, &lim) == 0)
		net_cidr_offset(&net, &lim, &last);
	for (uint64_t off = first, tries = 0; off <= last && tries < IPAM_SCAN_MAX;
	     off++, tries++) {
		struct net_ip ip;
		if (net_cidr_nth(&net, off, &ip) < 0)
			break;
		if (is_reserved(&net, s, &ip, off))
			continue;
		int r = lease_try(db, n, ctr_id, ifname, &ip, net.prefix, s, ret, err);
		if (r != -EEXIST)
			return r;
	}
	return sk_error_set(err, SK_ERR_EXISTS, ENOSPC,
			    "IPAM error: failed to find free IP in range: %s", s->subnet);
}
