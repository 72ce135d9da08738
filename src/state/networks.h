/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's networks: its membership (container_networks, kept while it exists; changed by
 * connect/disconnect) and what it holds while running (net_attachments: its address on each
 * network, reserved before the CNI plugins run and dropped after they undo their work).
 */
#pragma once

#include <stdint.h>

#include "state/db.h"
#include "util/error.h"

struct state_ctr_network {
	char *network;
	char **aliases;
	char *static_ip;  /* --ip; NULL = allocate */
	char *static_mac; /* --mac-address; NULL = the plugin's */
};

struct state_net_attachment {
	char *container_id;
	char *network;
	char *ifname;
	char *ip;
	int prefix_len;
	char *gateway;
	char *mac;
};

void state_ctr_networks_free(struct state_ctr_network *list, size_t n);
void state_net_attachments_free(struct state_net_attachment *list, size_t n);

/* Add a membership at the end of the container's list; EEXIST if it is on the network. */
int state_ctr_network_add(struct state_db *db, const char *ctr_id,
			  const struct state_ctr_network *m, struct sk_error **err);
/* ENOENT if the container is not on the network. */
int state_ctr_network_remove(struct state_db *db, const char *ctr_id, const char *network,
			     struct sk_error **err);
/* The container's networks in the order they were added. */
int state_ctr_networks(struct state_db *db, const char *ctr_id, struct state_ctr_network **ret,
		       size_t *n, struct sk_error **err);
/* IDs of the containers on a network. */
int state_network_users(struct state_db *db, const char *network, char ***ret,
			struct sk_error **err);

/* Reserve ip on network for a container (with prefix_len and gateway); EEXIST (no error set)
 * when the address is taken. */
int state_net_attachment_reserve(struct state_db *db, const struct state_net_attachment *a,
				 struct sk_error **err);
/* Record what the plugins reported (prefix, gateway, mac). */
int state_net_attachment_update(struct state_db *db, const struct state_net_attachment *a,
				struct sk_error **err);
int state_net_attachment_delete(struct state_db *db, const char *ctr_id, const char *network,
				struct sk_error **err);
/* Attachments of one container (ctr_id) or on one network (network); NULL = any. */
int state_net_attachments(struct state_db *db, const char *ctr_id, const char *network,
			  struct state_net_attachment **ret, size_t *n, struct sk_error **err);

/* The offset (in its subnet) of the last address handed out on a network; 0 when none. */
int state_net_ipam_last_get(struct state_db *db, const char *network, uint64_t *ret,
			    struct sk_error **err);
int state_net_ipam_last_set(struct state_db *db, const char *network, uint64_t offset,
			    struct sk_error **err);
