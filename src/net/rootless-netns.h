/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless bridge networks (podman's "rootless-netns"): an ordinary user can't make bridges,
 * veths or iptables rules in the host's network namespace, so they live in one network
 * namespace per run root, <run>/networks/rootless-netns, owned by the user's namespace and
 * connected to the outside by its own slirp4netns (pid in rootless-netns.pid, API socket
 * rootless-netns.sock). The CNI plugins, iptables-restore and aardvark-dns run inside it, from a
 * thread that entered it for one network operation. Published ports are forwarded by
 * that slirp4netns from the host to the namespace's tap address, where the usual DNAT rules
 * take them to the container. The namespace goes away with its last attachment.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "net/attach.h"
#include "util/error.h"

/* Rootful (e->rootless false): fn(arg) here. Otherwise fn(arg) on a thread inside the
 * namespace (a thread that entered it can't come back to the host's), making the namespace
 * (and its slirp4netns) first when create is set; without create and without a namespace, fn
 * is not called and 0 is returned (teardown of what never started). */
int net_rootless_ns_run(const struct net_env *e, bool create,
			int (*fn)(void *arg, struct sk_error **err), void *arg,
			struct sk_error **err);
/* The namespace and its slirp4netns go when no container of the store is attached any more
 * and nobody else is inside. */
void net_rootless_ns_drop_if_unused(const struct net_env *e);

/* Host ports of a container on a rootless bridge: forwarded by the namespace's slirp4netns
 * (ids recorded in <run>/networks/rootless-ports/<id>). All or nothing. */
int net_rootless_ports_add(const struct net_env *e, const char *ctr_id,
			   const struct net_port *ports, size_t n, struct sk_error **err);
void net_rootless_ports_remove(const struct net_env *e, const char *ctr_id);

/* Where rootless address claims and bridge locks go instead of /run/selkie-ipam. */
char *net_rootless_claim_root(const struct net_env *e);
