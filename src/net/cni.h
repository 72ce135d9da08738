/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI driver (CNI spec 1.0): run a network's plugin chain from its .conflist against a
 * container's network namespace. ADD feeds each plugin the previous one's result; the address
 * comes from selkie's own allocation (net/ipam.c), handed to the plugins as a `static` IPAM
 * section. What ADD ran is cached (<cache_dir>/<network>-<container>-<ifname>.json) before the
 * first plugin starts, so DEL and CHECK replay exactly that chain, even after the network's
 * config was removed or when ADD was killed half-way. Published ports and masquerading are
 * net/firewall.c's, not the plugins'.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "net/network.h"
#include "net/ports.h"
#include "util/error.h"

struct net_cni_args {
	const char *container_id;
	const char *netns;   /* path of the bind-mounted namespace */
	const char *ifname;  /* eth0, eth1, ... */
	const char *address; /* "10.90.0.5/16" */
	const char *gateway; /* may be NULL */
	const char *mac;     /* may be NULL */
	bool default_route;  /* the first network: the others get no default route */
	const char *cache_dir;
	/* the tuning plugin's state dir instead of /run/cni/tuning (rootless: not writable) */
	const char *tuning_data_dir;
};

struct net_cni_result {
	char *mac; /* of the container's interface */
};

void net_cni_result_release(struct net_cni_result *r);

int net_cni_add(const struct net_network *n, const struct net_cni_args *a,
		struct net_cni_result *ret, struct sk_error **err);
/* Undo a cached ADD; nothing cached is not an error. The cache entry is removed. */
int net_cni_del(const char *cache_dir, const char *network, const char *container_id,
		const char *ifname, const char *netns, struct sk_error **err);
/* CHECK the cached chain; an error names the plugin that found something missing. */
int net_cni_check(const char *cache_dir, const char *network, const char *container_id,
		  const char *ifname, const char *netns, struct sk_error **err);
