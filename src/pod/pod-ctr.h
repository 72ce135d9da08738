/* SPDX-License-Identifier: Apache-2.0 */
/* Containers joining pods: `run/create --pod NAME|new:NAME`, and starting a pod's infra
 * container before one of its members. */
#pragma once

#include "ctr/create.h"
#include "util/error.h"

/*
 * Resolve o->pod (making the pod for "new:NAME", which takes the container's published ports)
 * and point the container at the pod: o->pod_id, and "container:<infra id>" for the network,
 * ipc, uts (and pid, cgroupns) namespaces the pod shares, unless the user chose one. A
 * container with its own published ports in a pod that shares its network is refused in
 * podman's words. Replaces fields of o (freeing what they held); o->pod_id is allocated.
 */
int pod_container_opts_apply(struct ctr_ctx *x, struct ctr_create_opts *o, struct sk_error **err);

/* Before starting c: start its pod's infra container if c is a pod member and the infra is
 * not running. */
int pod_container_deps_start(struct ctr_ctx *x, const struct state_container *c,
			     struct sk_error **err);
