/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Short-name resolution as containers/image's pkg/shortnames does it: an alias from
 * registries.conf wins; otherwise the name is completed with each unqualified-search
 * registry, subject to short-name-mode. Looking candidates up locally, prompting and pulling
 * are the caller's job.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/registries-conf.h"
#include "image/reference.h"
#include "util/error.h"
#include "util/macro.h"

enum image_shortname_rationale {
	IMAGE_SHORTNAME_NONE,	/* not a short name: the one candidate is the input */
	IMAGE_SHORTNAME_ALIAS,	/* resolved through a short-name alias */
	IMAGE_SHORTNAME_SEARCH, /* completed with the unqualified-search registries */
	_IMAGE_SHORTNAME_MAX,
	_IMAGE_SHORTNAME_INVALID = -22,
};

struct image_shortname_candidate {
	struct image_reference *ref; /* normalised; "latest" added when no tag or digest */
	bool from_alias;
};

struct image_shortname_resolved {
	struct image_shortname_candidate *candidates; /* in the order to try them */
	size_t n_candidates;
	enum image_shortname_rationale rationale;
	char *input;  /* the short name without tag or digest ("busybox"); NULL if not short */
	char *origin; /* the file that set the alias or the search registries */
	bool prompt;  /* ambiguous with a terminal at hand: the caller may let the user pick one
		       * (and record it as an alias) instead of trying them all */
};

/* Resolve name for pulling. tty says whether stdin and stdout are terminals: in enforcing mode
 * an ambiguous name without one is an error, in permissive mode all candidates are returned. */
int image_shortname_resolve(const struct config_registries *conf, const char *name, bool tty,
			    struct image_shortname_resolved **ret, struct sk_error **err);
/* Candidates for finding name in local storage: the alias if any, then "localhost/<name>",
 * then each unqualified-search registry. A name with a registry is its only candidate. */
int image_shortname_resolve_local(const struct config_registries *conf, const char *name,
				  struct image_shortname_resolved **ret, struct sk_error **err);
/* The line podman prints before pulling ("Resolved \"busybox\" as an alias (...)"), or NULL
 * when there is nothing to say. Allocated. */
char *image_shortname_description(const struct image_shortname_resolved *res);
void image_shortname_resolved_free(struct image_shortname_resolved *res);
DEFINE_CLEANUP_FUNC(struct image_shortname_resolved *, image_shortname_resolved_free)
#define _cleanup_shortname_resolved_ _cleanup_(image_shortname_resolved_freep)
