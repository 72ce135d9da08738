/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Images for containers with a user namespace of their own (--userns=keep-id, nomap, auto,
 * --uidmap): a copy of the image's file tree whose owners are shifted by the container's
 * mapping (store/idmap-copy.h), so root's files still look root's inside. The copy is made
 * once per image and mapping, kept under <graph>/idmap/<key>/tree, and mounted as the one
 * lower layer of such containers' overlay through the short link l/x<key prefix> — the native
 * overlay's speed, no FUSE, and rootful and rootless alike. containers/storage does the same
 * when it has neither idmapped mounts nor a FUSE mount program; idmapped mounts are not an
 * option rootless (the layers' file system belongs to the initial user namespace, and overlay
 * itself cannot be idmapped).
 *
 * A copy is built in a work directory (the image's layers mounted read-only in a private mount
 * namespace of a child process, so a killed builder leaves no mount) and moved into place
 * under the store lock; the short link, made last, marks it complete.
 */
#pragma once

#include <stddef.h>

#include "store/store.h"
#include "util/error.h"
#include "util/idmap.h"

struct store_idmap_request {
	char *const *layers; /* chain IDs, bottom first (the image's) */
	const struct idmap_range *uids;
	size_t n_uids;
	const struct idmap_range *gids;
	size_t n_gids;
	/* The namespace's ID count (rootless: selkie's user namespace; rootful: 0, all of
	 * them): where IDs the mapping does not cover are parked. */
	uint64_t ns_ids;
};

/* The copy's key: sha256 hex of the top layer and the mappings (allocated). */
char *store_idmap_key(const struct store_idmap_request *req);
/* The short link name (for store_mount_request.lower_link) of req's copy, made first if
 * needed (the work outside the store lock, publishing under it). */
int store_idmap_get(struct store *s, const struct store_idmap_request *req, char **ret_link,
		    struct sk_error **err);
/* Remove every copy whose key is not in keep (the keys the remaining containers use) or
 * whose top layer is gone. Takes the store lock: the caller holds it while it lists the
 * containers (and store_idmap_get's caller while it mounts), so no copy in use goes. */
int store_idmap_prune(struct store *s, char *const *keep, struct sk_error **err);
/* Remove the copies whose top layer is gone (store_layer_gc, under the store lock). */
void store_idmap_gc(struct store *s);

/* For sizing --userns=auto: the highest owner (UID or GID) of the layers' files, and the
 * /etc/passwd and /etc/group of the highest layer that has them (NULL when none). Best
 * effort: what cannot be read counts as nothing. */
void store_layers_scan(struct store *s, char *const *layers, uint32_t *ret_max_id,
		       char **ret_passwd, char **ret_group);
