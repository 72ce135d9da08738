/* SPDX-License-Identifier: Apache-2.0 */
#include "ipam.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <string.h>
#include <sys/socket.h>

#include "net/subnet.h"
#include "state/networks.h"
#include "util/fs.h"
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

struct claim {
	const char *dir;
	const char *owner;
};

char *net_ipam_claim_dir(const char *root, const struct net_network *n)
{
	_cleanup_free_ char *key = xstrdup(n->n_subnets ? n->subnets[0].subnet : "none");
	for (char *p = key; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	return xasprintf("%s/%s-%s", root ? root : NET_IPAM_CLAIM_ROOT,
			 n->interface ? n->interface : n->name, key);
}

/* 0: claimed; -EEXIST: another live container has it. */
static int claim_take(const struct claim *cl, const char *ip)
{
	if (!cl || !cl->dir)
		return 0;
	if (fs_mkdir_p(cl->dir, 0700) < 0)
		return 0; /* no shared registry: the row alone decides */
	_cleanup_free_ char *path = xasprintf("%s/%s", cl->dir, ip);
	for (int tries = 0; tries < 2; tries++) {
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			fd_write_all(fd, cl->owner, strlen(cl->owner));
			return 0;
		}
		if (errno != EEXIST)
			return 0;
		_cleanup_free_ char *holder = NULL;
		if (fs_read_file(path, PATH_MAX, &holder, NULL) < 0)
			continue;
		if (streq(holder, cl->owner) || (holder[0] && !fs_exists(holder)) || !holder[0])
			unlink(path); /* ours from before, stale or half-written: take it over */
		else
			return -EEXIST;
	}
	return -EEXIST;
}

void net_ipam_unclaim(const char *claim_dir, const char *ip, const char *owner)
{
	if (!claim_dir || !ip)
		return;
	_cleanup_free_ char *path = xasprintf("%s/%s", claim_dir, ip);
	_cleanup_free_ char *holder = NULL;
	if (fs_read_file(path, PATH_MAX, &holder, NULL) >= 0 && streq(holder, owner))
		unlink(path);
	rmdir(claim_dir); /* the last one out; fails harmlessly while others hold claims */
}

static int lease_try(struct state_db *db, const struct net_network *n, const char *ctr_id,
		     const char *ifname, const struct net_ip *ip, int prefix,
		     const struct net_subnet *s, const struct claim *cl, struct net_lease *ret,
		     struct sk_error **err)
{
	char buf[NET_IP_STRLEN];
	net_ip_format(ip, buf);
	if (claim_take(cl, buf) < 0)
		return -EEXIST;
	struct state_net_attachment a = {
		.container_id = (char *)ctr_id,
		.network = n->name,
		.ifname = (char *)ifname,
		.ip = buf,
		.prefix_len = prefix,
		.gateway = s->gateway,
	};
	int r = state_net_attachment_reserve(db, &a, err);
	if (r < 0) {
		if (cl)
			net_ipam_unclaim(cl->dir, buf, cl->owner);
		return r;
	}
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
	return net_ipam_reserve_claimed(db, n, ctr_id, ifname, want, NULL, NULL, ret, err);
}

int net_ipam_reserve_claimed(struct state_db *db, const struct net_network *n, const char *ctr_id,
			     const char *ifname, const char *want, const char *claim_dir,
			     const char *owner, struct net_lease *ret, struct sk_error **err)
{
	struct claim claim = { claim_dir, owner };
	const struct claim *cl = claim_dir ? &claim : NULL;
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
		if (is_reserved(&net, s, &ip, off))
			return sk_err_invalid(err,
					      "requested static ip %s is the network, gateway or "
					      "broadcast address of network %s",
					      want, n->name);
		int r = lease_try(db, n, ctr_id, ifname, &ip, net.prefix, s, cl, ret, err);
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
	if (first > last)
		return sk_error_set(err, SK_ERR_EXISTS, ENOSPC,
				    "IPAM error: failed to find free IP in range: %s", s->subnet);
	/* round robin from after the last address handed out */
	uint64_t prev = 0, span = last - first + 1;
	state_net_ipam_last_get(db, n->name, &prev, NULL);
	uint64_t start = prev >= first && prev <= last ? prev - first + 1 : 0;
	for (uint64_t k = 0; k < span && k < IPAM_SCAN_MAX; k++) {
		uint64_t off = first + (start + k) % span;
		struct net_ip ip;
		if (net_cidr_nth(&net, off, &ip) < 0)
			break;
		if (is_reserved(&net, s, &ip, off))
			continue;
		int r = lease_try(db, n, ctr_id, ifname, &ip, net.prefix, s, cl, ret, err);
		if (r >= 0)
			state_net_ipam_last_set(db, n->name, off, NULL);
		if (r != -EEXIST)
			return r;
	}
	return sk_error_set(err, SK_ERR_EXISTS, ENOSPC,
			    "IPAM error: failed to find free IP in range: %s", s->subnet);
}
