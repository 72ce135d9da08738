/* SPDX-License-Identifier: Apache-2.0 */
/* `network ls --filter` (name, id, driver, label, dangling, until) and `network prune
 * --filter` (label, until), as podman 4.3 reads them: values of one key OR, keys AND. */
#pragma once

#include <stdbool.h>

#include "net/network.h"
#include "util/error.h"

struct network_filter;

int network_filter_parse(char *const *filters, bool prune, struct network_filter **ret,
			 struct sk_error **err);
void network_filter_free(struct network_filter *f);
DEFINE_CLEANUP_FUNC(struct network_filter *, network_filter_free)
#define _cleanup_network_filter_ _cleanup_(network_filter_freep)

/* in_use: some container is on the network (the default one never counts as dangling). */
bool network_filter_match(const struct network_filter *f, const struct net_network *n, bool in_use);
