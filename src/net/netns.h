/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network namespaces that outlive their first process: made by a short-lived child that
 * unshares, brings loopback up and bind-mounts its /proc/self/ns/net on a file (as `ip netns
 * add` does), so the runtime can join it by path and the CNI plugins (issue 4) can configure it.
 */
#pragma once

#include "util/error.h"

/* Make a namespace at path (its directory is created); loopback is up. */
int net_netns_create(const char *path, struct sk_error **err);
/* Unmount and remove; a missing one is not an error. */
int net_netns_remove(const char *path, struct sk_error **err);
