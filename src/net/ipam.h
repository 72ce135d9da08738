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
