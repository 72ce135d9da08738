/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name resolution on user-defined networks through aardvark-dns (Debian's, as netavark drives
 * it): one config file per network under <run root>/networks/aardvark-dns, an aardvark-dns
 * process listening on each DNS-enabled network's gateway, told of changes with SIGHUP, so a
 * container that joins later is found by the others at once. Stopped when no entry is left.
 */
#pragma once

#include "net/network.h"
#include "util/error.h"

struct net_dns_entry {
	const char *container_id;
	const char *ipv4; /* may be NULL */
	const char *ipv6; /* may be NULL */
	char **names;	  /* the container's name, then aliases */
};

/* Add (or replace) the entry of a container on network n, starting aardvark-dns if needed. */
int net_dns_add(const char *run_root, const struct net_network *n, const struct net_dns_entry *e,
		struct sk_error **err);
/* Remove a container's entry from network_name; stop aardvark-dns when nothing is left. A
 * missing entry is not an error. */
int net_dns_remove(const char *run_root, const char *network_name, const char *container_id,
		   struct sk_error **err);
/* The search domain written to containers' resolv.conf with DNS on. */
#define NET_DNS_DOMAIN "dns.selkie"
