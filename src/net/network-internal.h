/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the network-*.c files: the conflist codec, the host probes and the config dir's
 * lock and loading. Not for other layers. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "net/network.h"
#include "net/subnet.h"
#include "util/error.h"

/* network-conflist.c: a network as its CNI conflist (with the "selkie" object), and back.
 * Parsing fills what the file says; a file without the "selkie" object (another tool's) gets
 * podman's CNI defaults (id = sha256 of the name). */
json_t *net_conflist_build(const struct net_network *n);
int net_conflist_parse(const json_t *doc, const char *path, struct net_network **ret,
		       struct sk_error **err);
/* "k=v" strv <-> JSON object of strings (later keys win). */
json_t *net_kv_to_object(char *const *kv);
char **net_kv_from_object(const json_t *obj);

/* network-host.c: what the host already uses. */
bool net_host_iface_exists(const char *name);
/* The host's routes (IPv4 and IPv6, without default, link-local and multicast routes). */
void net_host_routes(struct net_cidr **ret, size_t *n);

/* network.c */
char *net_network_path(const char *dir, const char *name);
/* flock on <dir>/networks.lock (the directory is made); the fd is returned. */
int net_dir_lock(const char *dir, struct sk_error **err);
/* Every parseable conflist in dir, unsorted by nothing but file name; NULL-terminated. Files
 * that do not parse are skipped. Does not make the default network. */
int net_dir_load(const char *dir, struct net_network ***ret, struct sk_error **err);
/* Write n's conflist atomically to n->path. */
int net_network_write(const struct net_network *n, struct sk_error **err);
/* Make the default network unless its file exists; the caller holds the lock. */
int net_default_ensure_locked(const char *dir, struct sk_error **err);
