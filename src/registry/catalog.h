/* SPDX-License-Identifier: Apache-2.0 */
/* Listing a repository's tags and a registry's repositories, following Link pagination. */
#pragma once

#include <stddef.h>

#include "registry/client.h"

/* GET /v2/<repo>/tags/list, page_size (n=) at a time (0: the registry's default), following
 * rel="next" links until limit names (0: all). *ret_tags is never NULL on success. */
int registry_tags_list(struct registry_client *c, const char *repo, size_t page_size, size_t limit,
		       char ***ret_tags, struct sk_error **err);
/* GET /v2/_catalog the same way. */
int registry_catalog_list(struct registry_client *c, size_t page_size, size_t limit,
			  char ***ret_repos, struct sk_error **err);

/* The target of the rel="next" link of a Link header (RFC 8288), e.g.
 * `</v2/_catalog?last=b&n=2>; rel="next"`. Allocated; NULL when there is none. */
char *registry_link_next(const char *link);
