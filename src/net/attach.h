/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container on its networks: for each network it belongs to (state/networks.h), reserve an
 * address, run the CNI chain into the container's namespace, register its names with the DNS
 * server; and the reverse. Teardown works from what was recorded (attachments and the CNI
 * cache), so it finishes the job of a CLI or monitor killed at any point, and is idempotent.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "net/ports.h"
#include "state/db.h"
#include "state/networks.h"
#include "util/error.h"

struct net_env {
	struct state_db *db;
	const char *config_dir; /* net_config_dir() */
	const char *run_root;	/* CNI cache and DNS config live under <run_root>/networks */
	bool rootless;		/* bridges in the rootless network namespace (rootless-netns.h) */
};

struct net_ctr {
	const char *id;
	const char *name;
	const char *netns;
	const struct net_port *ports; /* published on the first network */
	size_t n_ports;
};

/* Every network of the container, eth0 first. On failure what was set up is undone. */
int net_container_setup(const struct net_env *e, const struct net_ctr *c, struct sk_error **err);
/* net_container_setup in two halves, so that a start can overlap the plugins' work with the
 * runtime's: reserve takes the addresses (rows a caller can read for /etc/hosts at once),
 * plug runs the plugins, firewall and DNS, and may run on another thread (SQLite serializes
 * the shared connection). Both undo everything on failure. e and c must outlive the setup. */
struct net_setup;
int net_container_reserve(const struct net_env *e, const struct net_ctr *c, struct net_setup **ret,
			  struct sk_error **err);
int net_container_plug(struct net_setup *s, struct sk_error **err);
void net_setup_free(struct net_setup *s);
/* Undo everything recorded for the container (best effort, repeatable). */
void net_container_teardown(const struct net_env *e, const char *ctr_id, const char *netns);

/* One network on a running container (connect): the next free ethN. */
int net_container_attach(const struct net_env *e, const struct net_ctr *c,
			 const struct state_ctr_network *m, struct sk_error **err);
/* One network off a running container (disconnect). */
int net_container_detach(const struct net_env *e, const char *ctr_id, const char *network,
			 const char *netns, struct sk_error **err);
/* Set every attachment up again with the same addresses, MACs and ports (network reload). */
int net_container_reapply(const struct net_env *e, const struct net_ctr *c, struct sk_error **err);
/* CHECK every attachment of a running container; an error says what is missing. */
int net_container_check(const struct net_env *e, const char *ctr_id, const char *netns,
			struct sk_error **err);
