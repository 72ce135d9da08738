/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Networks: one CNI `.conflist` file per network in <graph root>/networks, readable by any CNI
 * tool (cnitool, podman's CNI backend). selkie's own facts about a network (id, created,
 * labels, options, internal, DNS) ride along in the file's top-level "selkie" object, which
 * CNI ignores. The default network `selkie` (bridge selkie0, 10.90.0.0/16) is made on first use.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define NET_DEFAULT_NAME "selkie"
#define NET_DEFAULT_BRIDGE "selkie0"
#define NET_DEFAULT_SUBNET "10.90.0.0/16"

struct net_subnet {
	char *subnet;	   /* "10.90.0.0/16" (host bits cleared) */
	char *gateway;	   /* "10.90.0.1"; NULL for macvlan/ipvlan without one */
	char *range_start; /* --ip-range: first and last address to hand out; NULL = subnet */
	char *range_end;
};

struct net_network {
	char *name;
	char *id;	 /* 64 hex digits */
	char *driver;	 /* "bridge", "macvlan", "ipvlan" */
	char *interface; /* the bridge (selkie0, selkie1, ...) or the macvlan/ipvlan parent */
	struct net_subnet *subnets;
	size_t n_subnets;
	bool internal; /* no masquerade, no default route */
	bool dns_enabled;
	bool ipv6;
	char **labels;	 /* "k=v" */
	char **options;	 /* "k=v": mtu, vlan, mode, isolate, ... */
	int64_t created; /* ns since the epoch */
	char *path;	 /* the .conflist file */
};

struct net_create_opts {
	const char *name;   /* NULL: the next free "selkieN" */
	const char *driver; /* NULL: bridge */
	char **subnets;	    /* CIDRs; none: a free /24 from 10.91.0.0/16 upwards */
	char **gateways;    /* one per subnet, in order (may be shorter) */
	char **ip_ranges;   /* one per subnet, in order (may be shorter) */
	bool internal;
	bool disable_dns;
	bool ipv6;
	char **labels;
	char **options;
	const char *interface_name; /* bridge name; NULL: the next free selkieN */
	bool ignore_existing;	    /* --ignore: an existing network is returned, not an error */
};

void net_network_free(struct net_network *n);
DEFINE_CLEANUP_FUNC(struct net_network *, net_network_free)
#define _cleanup_net_network_ _cleanup_(net_network_freep)
void net_network_list_free(struct net_network **list);
DEFINE_CLEANUP_FUNC(struct net_network **, net_network_list_free)
#define _cleanup_net_network_list_ _cleanup_(net_network_list_freep)

/* <graph_root>/networks */
char *net_config_dir(const char *graph_root);

/* Validate (podman's wording), choose subnet and bridge, write the conflist atomically. */
int net_network_create(const char *dir, const struct net_create_opts *o, struct net_network **ret,
		       struct sk_error **err);
/* By name, full id or unique id prefix; the default network is made when asked for by name.
 * Missing: SK_ERR_NOTFOUND "unable to find network with name or ID X: network not found". */
int net_network_get(const char *dir, const char *name_or_id, struct net_network **ret,
		    struct sk_error **err);
/* Every network, sorted by name; the default one included (made if missing). */
int net_network_list(const char *dir, struct net_network ***ret, struct sk_error **err);
/* Remove the config file only (callers check users first); the default network can't be. */
int net_network_remove(const char *dir, const struct net_network *n, struct sk_error **err);
/* The parsed conflist (with the "selkie" object), for the CNI driver. */
int net_network_conflist(const struct net_network *n, json_t **ret, struct sk_error **err);
/* `network inspect`'s object, podman's shape (name, id, driver, network_interface, created,
 * subnets[{subnet,gateway,lease_range}], ipv6_enabled, internal, dns_enabled, labels,
 * options, ipam_options). */
json_t *net_network_to_json(const struct net_network *n);
