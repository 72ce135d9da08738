/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address allocation: a container's address on a network is a row of net_attachments (state),
 * whose unique (network, ip) index makes two selkie processes that pick the same free address
 * at once settle it: the loser moves on to the next one.
 */
#pragma once

#include "net/network.h"
#include "state/db.h"
#include "util/error.h"

#define NET_IPAM_CLAIM_ROOT "/run/selkie-ipam"

struct net_lease {
	char *address; /* "10.90.0.5/16", for the plugins */
	char *ip;      /* "10.90.0.5" */
	char *gateway; /* may be NULL */
	int prefix;
};

void net_lease_release(struct net_lease *l);

/* Reserve want (--ip; NULL: the first free address of the network's first subnet, within its
 * --ip-range, never the network, gateway or broadcast address). */
int net_ipam_reserve(struct state_db *db, const struct net_network *n, const char *ctr_id,
		     const char *ifname, const char *want, struct net_lease *ret,
		     struct sk_error **err);

/* Addresses of one bridge are shared by every selkie root (store) on the host that uses it:
 * besides its row, a lease is claimed as <claim_dir>/<ip> (O_EXCL) naming owner, the
 * container's namespace path; a claim whose namespace is gone is stale and taken over.
 * net_ipam_reserve() is this without claims. */
int net_ipam_reserve_claimed(struct state_db *db, const struct net_network *n, const char *ctr_id,
			     const char *ifname, const char *want, const char *claim_dir,
			     const char *owner, struct net_lease *ret, struct sk_error **err);
/* Drop a claim made by owner (another owner's claim of the same address is left). */
void net_ipam_unclaim(const char *claim_dir, const char *ip, const char *owner);
/* /run/selkie-ipam/<network>-<subnet>: the claims directory of network n's first subnet. */
/* root: NULL for NET_IPAM_CLAIM_ROOT (rootless stores use their own, net/rootless-netns.h) */
char *net_ipam_claim_dir(const char *root, const struct net_network *n);
