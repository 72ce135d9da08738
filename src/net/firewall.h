/* SPDX-License-Identifier: Apache-2.0 */
/*
 * selkie's own firewall rules for bridge networks: masquerade of a container's outgoing
 * traffic, forwarding accepts, and published ports (DNAT, plus the masquerade that makes them
 * answer on 127.0.0.1 and to containers of the same network through the host's address).
 *
 * The CNI plugins that do this job (bridge's ipMasq, portmap, firewall) each exec iptables a
 * dozen times per container; these rules go in with ONE `iptables-restore --noflush` per
 * container and come out with one more, which is most of the difference between a container
 * start of ~100 ms and one of ~500 ms. The .conflist files still list those plugins, so a
 * CNI tool using them gets the same network; selkie leaves them out of the chain it runs.
 *
 * Every rule carries the comment "selkie:<container id>"; the rules are written to
 * <state_dir>/<network>-<container>.rules before they are applied, so removal replays
 * exactly them, even after a crash.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "net/ports.h"
#include "util/error.h"

#define NET_FW_CHAIN_DNAT "SELKIE-HOSTPORT-DNAT"
#define NET_FW_CHAIN_POSTROUTING "SELKIE-POSTROUTING"
#define NET_FW_CHAIN_FORWARD "SELKIE-FORWARD"

struct net_fw_ctr {
	const char *container_id;
	const char *network;
	const char *ip;	    /* the container's IPv4 address */
	const char *subnet; /* the network's subnet (masked CIDR) */
	const char *bridge; /* host-side interface: gets route_localnet for 127.0.0.1 ports */
	bool masquerade;    /* false for --internal networks */
	const struct net_port *ports;
	size_t n_ports;
};

/* The iptables-restore input adding (add=true) or deleting f's rules. Pure. */
char *net_fw_rules(const struct net_fw_ctr *f, bool add);

int net_fw_add(const char *state_dir, const struct net_fw_ctr *f, struct sk_error **err);
/* Remove what net_fw_add recorded; nothing recorded is not an error. */
int net_fw_del(const char *state_dir, const char *network, const char *container_id,
	       struct sk_error **err);
/* Are the container's rules and selkie's jumps in place? (`network reload` asks.) */
int net_fw_check(const char *state_dir, const char *network, const char *container_id,
		 struct sk_error **err);
/* Make selkie's chains and the jumps to them where missing (after a flush). */
int net_fw_setup_chains(struct sk_error **err);
/* 127.0.0.1:PORT reaches containers behind bridge (route_localnet); once it exists. */
void net_fw_localnet_enable(const char *bridge);
