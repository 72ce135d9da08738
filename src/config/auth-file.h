/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry credentials in auth.json files (containers-auth.json(5), docker's config.json).
 *
 * Files read, first match wins (podman's order):
 *   1. the primary file: $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json,
 *      else /run/containers/<uid>/auth.json
 *   2. ${XDG_CONFIG_HOME:-$HOME/.config}/containers/auth.json
 *   3. ${DOCKER_CONFIG:-$HOME/.docker}/config.json
 * An explicit authfile (--authfile) replaces all of them, for reading and writing.
 *
 * Keys are "host[:port]" or "host[:port]/repo/path"; in one file the most specific key for a
 * repository wins. Legacy keys ("https://index.docker.io/v1/") match by their host.
 */
#pragma once

#include <stdbool.h>

#include "util/error.h"

/* The files consulted, in order (authfile non-NULL: just it). Never NULL. */
char **config_auth_file_paths(const char *authfile);
/* The file login writes and logout edits. Allocated. */
char *config_auth_file_primary(const char *authfile);

/* Credentials for "host[/repo]". Returns 1 and sets *ret_user and *ret_pass (allocated) when
 * found, 0 when no file has them (the out-params are then left alone), <0 on an unreadable or
 * malformed file. */
int config_auth_lookup(const char *authfile, const char *key, char **ret_user, char **ret_pass,
		       struct sk_error **err);
/* Record credentials under key ("host[/repo]"; a "https://" prefix and trailing "/" are dropped)
 * in the primary file: created 0600 in a 0700 directory, replaced atomically, every other key
 * kept. */
int config_auth_store(const char *authfile, const char *key, const char *user, const char *pass,
		      struct sk_error **err);
/* Forget key in the primary file. NOTFOUND ("not logged into HOST") when it has no entry. */
int config_auth_remove(const char *authfile, const char *key, struct sk_error **err);
/* Forget every registry in the primary file (a missing file is not an error). */
int config_auth_remove_all(const char *authfile, struct sk_error **err);
