/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's networking seen from the container's side: connect/disconnect (live when it
 * runs), re-applying firewall rules (`network reload`), the ports it publishes, and the users
 * of a network. The work itself is net/'s; this file ties it to containers' records and locks.
 */
#pragma once

#include <jansson.h>

#include "ctr/ctr.h"
#include "net/ports.h"
#include "state/containers.h"
#include "util/error.h"

struct ctr_network_connect_opts {
	char **aliases;
	const char *ip;
	const char *mac;
};

/* `network connect`: record the membership; a running container gets the interface now. */
int ctr_network_connect(struct ctr_ctx *x, const char *name_or_id, const char *network,
			const struct ctr_network_connect_opts *o, struct sk_error **err);
/* `network disconnect`; a running container loses the interface now. */
int ctr_network_disconnect(struct ctr_ctx *x, const char *name_or_id, const char *network,
			   bool force, struct sk_error **err);
/* `network reload`: tear down and set up again a running container's networks with the same
 * addresses (after someone flushed the firewall). */
int ctr_network_reload(struct ctr_ctx *x, struct state_container *c, struct sk_error **err);
/* The ports a container publishes: the host ports actually bound while it runs, else the
 * configured ones (a random port shows as 0). */
int ctr_ports(struct ctr_ctx *x, const struct state_container *c, struct net_port **ports,
	      size_t *n, struct sk_error **err);
/* inspect's NetworkSettings (docker's shape): addresses of the first network at the top,
 * every network under Networks, published and exposed ports. */
json_t *ctr_network_settings_json(struct ctr_ctx *x, const struct state_container *c,
				  const json_t *doc);
/* ps's PORTS column: "0.0.0.0:38080->80/tcp, 127.0.0.1:5353->53/udp" ("" without ports). */
char *ctr_ports_text(struct ctr_ctx *x, const struct state_container *c);
/* The container's networks, in order (empty for host, none, container:...). */
char **ctr_network_names(struct ctr_ctx *x, const struct state_container *c);
