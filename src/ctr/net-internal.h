/* SPDX-License-Identifier: Apache-2.0 */
/* Networking inside ctr/: create records a container's networks, start sets them up in its
 * namespace (ctr/net-start.c), release tears them down. */
#pragma once

#include <jansson.h>

#include "ctr/ctr.h"
#include "ctr/spec-build.h"
#include "net/attach.h"

/* <graph>/networks (allocated). */
char *ctr_net_config_dir(const struct ctr_ctx *x);
/* Check that every network in Selkie.Networks exists; names given by ID become names. */
int ctr_networks_resolve(struct ctr_ctx *x, json_t *doc, struct sk_error **err);
/* The memberships of a new container (inside create's transaction). */
int ctr_networks_record(struct ctr_ctx *x, const char *id, const json_t *doc,
			struct sk_error **err);
/* Bridge networking for a starting container whose namespace is rs->netns_path: reserve the
 * published ports (rs->port_fds) and the addresses, note addresses and DNS servers for the
 * /etc files, and start the networks' plugins on a thread (rs->net_pending) that
 * ctr_net_join() waits for: the runtime creates the container meanwhile. */
int ctr_net_start(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		  struct ctr_start_resolved *rs, struct sk_error **err);
/* The published ports of the settings, bound (random ones chosen and kept in the settings)
 * and written to ctr_ports_file(); the sockets in rs->port_fds for the monitor to hold. */
int ctr_ports_reserve(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		      struct ctr_start_resolved *rs, struct net_port **ports, size_t *n,
		      struct sk_error **err);
/* Close the reserved sockets: another process (slirp4netns, pasta) is to listen instead. */
void ctr_ports_let_go(struct ctr_start_resolved *rs);
/* NetworkMode "slirp4netns[:OPTIONS]" or "pasta[:OPTIONS]" (the rootless default): a user-mode
 * network stack for the namespace rs->netns_path, publishing the ports itself. Its exit fd
 * goes to the monitor with the port sockets (rs->port_fds), so it ends with the container. */
int ctr_net_user_start(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		       const char *mode, struct ctr_start_resolved *rs, struct sk_error **err);
/* Stop what ctr_net_user_start left running (best effort, repeatable). */
void ctr_net_user_stop(struct ctr_ctx *x, const char *id);
/* Wait for the plugins; their error if they failed (everything undone then). Nothing
 * pending: 0. */
int ctr_net_join(struct ctr_start_resolved *rs, struct sk_error **err);
/* Undo ctr_net_start (best effort, repeatable). */
void ctr_net_stop(struct ctr_ctx *x, const char *id);
/* <run>/containers/<id>/ports.json: the host ports bound while it runs. */
char *ctr_ports_file(const struct ctr_ctx *x, const char *id);
/* After connect/disconnect: the running container's /etc/hosts and resolv.conf again. */
int ctr_net_etc_refresh(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			struct sk_error **err);
