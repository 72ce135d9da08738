/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registries.conf (containers-registries.conf(5), v2 format) and its registries.conf.d
 * drop-ins, read and merged the way containers/image does: unqualified-search registries,
 * short-name mode and aliases, and [[registry]] tables (prefix, location, insecure, blocked,
 * mirrors) matched by longest prefix.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/macro.h"

enum config_short_name_mode {
	CONFIG_SHORT_NAME_ENFORCING,
	CONFIG_SHORT_NAME_PERMISSIVE,
	CONFIG_SHORT_NAME_DISABLED,
	_CONFIG_SHORT_NAME_MAX,
	_CONFIG_SHORT_NAME_INVALID = -22,
};

const char *config_short_name_mode_to_string(enum config_short_name_mode m);
enum config_short_name_mode config_short_name_mode_from_string(const char *s);

enum config_mirror_pull {
	CONFIG_MIRROR_PULL_ALL,
	CONFIG_MIRROR_PULL_DIGEST_ONLY,
	CONFIG_MIRROR_PULL_TAG_ONLY,
	_CONFIG_MIRROR_PULL_MAX,
	_CONFIG_MIRROR_PULL_INVALID = -22,
};

struct config_registry_mirror {
	char *location;
	bool insecure;
	enum config_mirror_pull pull_from_mirror;
};

struct config_registry {
	char *prefix;	/* "example.com/foo", "*.example.com"; defaults to location */
	char *location; /* "" only for a wildcard prefix: matched names are used as they are */
	bool insecure;
	bool blocked;
	bool mirror_by_digest_only;
	struct config_registry_mirror *mirrors;
	size_t n_mirrors;
};

struct config_registries_alias {
	char *name;   /* "busybox" */
	char *value;  /* "docker.io/library/busybox"; NULL when a later file erased it with "" */
	char *origin; /* the file that set it */
};

struct config_registries {
	struct config_registry *registries; /* sorted by prefix, one per prefix */
	size_t n_registries;
	char **search;	     /* unqualified-search-registries, in order; never NULL */
	char *search_origin; /* file that set them (or the main file), "" if none was read */
	enum config_short_name_mode short_name_mode;
	char **credential_helpers; /* never empty: ["containers-auth.json"] by default */
	struct config_registries_alias *aliases; /* from registries.conf and drop-ins */
	size_t n_aliases;
	struct config_registries_alias *cached_aliases; /* short-name-aliases.conf, wins */
	size_t n_cached_aliases;
	char *sources; /* "registries.conf, dir.d, ..." for messages */
};

/* Where to read from; every field may be NULL for the default. */
struct config_registries_opts {
	const char *path;	  /* --registries-conf; else $CONTAINERS_REGISTRIES_CONF, then
				     $REGISTRIES_CONFIG_PATH; a missing explicit file is an error */
	const char *dir;	  /* read only this drop-in directory */
	const char *home;	  /* for ~/.config/containers/registries.conf{,.d}; else $HOME */
	const char *system_path;  /* default /etc/containers/registries.conf */
	const char *system_dir;	  /* default /etc/containers/registries.conf.d */
	const char *aliases_path; /* machine-written short-name-aliases.conf; "" for none */
};

/* Load the configuration podman would use: the explicit file, else the user's
 * ~/.config/containers/registries.conf if it exists, else the system file (a missing default
 * file is an empty configuration); then the *.conf drop-ins in name order, later files
 * overriding earlier ones. */
int config_registries_load(const struct config_registries_opts *opts,
			   struct config_registries **ret, struct sk_error **err);
/* Parse one file's text as registries.conf v2 (origin names it in messages). */
int config_registries_parse(const char *text, size_t len, const char *origin,
			    struct config_registries **ret, struct sk_error **err);
void config_registries_free(struct config_registries *conf);
DEFINE_CLEANUP_FUNC(struct config_registries *, config_registries_free)
#define _cleanup_config_registries_ _cleanup_(config_registries_freep)

/* The [[registry]] whose prefix matches ref ("host[:port][/path][:tag][@digest]", or just a
 * host) for the longest length; NULL if none. Borrowed. */
const struct config_registry *config_registries_find(const struct config_registries *conf,
						     const char *ref);
/* Whether the [[registry]] matching host (or a whole reference) allows plain HTTP and
 * unverified TLS. */
bool config_registries_is_insecure(const struct config_registries *conf, const char *host);
/* Whether pulling ref (or anything from host) is forbidden. */
bool config_registries_is_blocked(const struct config_registries *conf, const char *ref);
/* The alias for a short name (no tag or digest): *ret_value is NULL when there is none or it
 * was erased. Returns true when some file mentions name. Both out-params borrowed, optional. */
bool config_registries_alias_find(const struct config_registries *conf, const char *name,
				  const char **ret_value, const char **ret_origin);

struct config_pull_source {
	char *ref; /* the rewritten reference text: parse it again before use */
	bool insecure;
	bool mirror;
};

/* Where to pull ref from, in order: the matching registry's mirrors (filtered by
 * mirror-by-digest-only / pull-from-mirror, digested telling whether ref has a digest), then
 * its location, with the matched prefix replaced. Just ref itself when no [[registry]]
 * matches. */
int config_registries_pull_sources(const struct config_registries *conf, const char *ref,
				   bool digested, struct config_pull_source **ret, size_t *ret_n,
				   struct sk_error **err);
void config_pull_sources_free(struct config_pull_source *sources, size_t n);
