/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's user namespace (ctr/userns-map.h has the modes), through its life:
 *
 * - create: the flags → HostConfig.UsernsMode ("" for host, "private" with mappings,
 *   "container:ID"), HostConfig.IDMappings {UidMap, GidMap} (podman's inspect fields) and
 *   Selkie.Userns {Mode, NsIds, NsGids, Key, KeepId {Uid, Gid, Passwd}, Container}; keep-id
 *   sets Config.User to the user's UID:GID when --user is not given.
 * - start: the root file system is overlay on an ID-shifted copy of the image (store/idmap.h),
 *   its writable layer's root owned by the container's root; the files selkie bind-mounts
 *   (/etc/hosts, ...) and new volumes are given to the container's root and user; the spec
 *   gets a user namespace with the mappings (or the path of the one it joins).
 * - remove: ID-shifted copies no container uses any more are removed.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "ctr/create.h"
#include "ctr/ctr.h"
#include "ctr/spec-build.h"
#include "ctr/userns-map.h"
#include "state/images.h"

/* What start needs, read back from the settings document. */
struct ctr_userns {
	enum ctr_userns_kind kind;
	struct idmap_range *uids, *gids;
	size_t n_uids, n_gids;
	uint64_t ns_ids;
	char *container; /* container:ID: the ID */
	bool keep_id_passwd;
	uint32_t keep_id_gid;
};

/* create, before the image is looked at: the flags' own errors (podman's words). */
int ctr_userns_validate(const struct ctr_create_opts *o, struct sk_error **err);
/* create: validate the flags and record the namespace in doc (see above). */
int ctr_userns_configure(struct ctr_ctx *x, const struct ctr_create_opts *o,
			 const struct state_image *img, json_t *doc, struct sk_error **err);
/* Does create need the store lock from the start (auto picks IDs no other container uses)? */
bool ctr_userns_create_locks_store(const struct ctr_create_opts *o);

int ctr_userns_load(const json_t *doc, struct ctr_userns *ret, struct sk_error **err);
void ctr_userns_done(struct ctr_userns *u);
/* The ID that container ID id is outside (itself without mappings; unmapped: the namespace's
 * overflow ID 65534). */
uint32_t ctr_userns_host_uid(const struct ctr_userns *u, uint32_t id);
uint32_t ctr_userns_host_gid(const struct ctr_userns *u, uint32_t id);

/* Mount the container's root file system (its writable layer on its image, ID-shifted for a
 * user namespace of its own) on target. */
int ctr_userns_rootfs_mount(struct ctr_ctx *x, const struct state_container *c, const char *target,
			    struct sk_error **err);
/* start, before the user is resolved: the keep-id user's and podman's "container user"
 * entries in the root file system's /etc/passwd and /etc/group (ctr/passwd-entries.h). */
int ctr_userns_passwd_write(const struct ctr_userns *u, const json_t *doc, const char *rootfs,
			    struct sk_error **err);
/* start, once the user is resolved: podman's supplementary groups for keep-id and nomap, and
 * its error when the user or group is not mapped. */
int ctr_userns_user_check(const struct ctr_userns *u, struct ctr_user *user, struct sk_error **err);
/* start: the user namespace in the spec (mappings or the joined container's namespace), the
 * files under userdata that rs bind-mounts given to the container's root, and the net.*
 * sysctls written by selkie into the network namespace it made (rs->net_sysctls_done). */
int ctr_userns_spec_prepare(struct ctr_ctx *x, const struct ctr_userns *u, const json_t *doc,
			    const char *userdata, struct ctr_start_resolved *rs,
			    struct sk_error **err);
/* commit and export (a store_idmap_fn, userdata the struct ctr_userns): the owners of the
 * container's files as it sees them (unmapped ones as the overflow ID 65534). */
int ctr_userns_to_container(void *userdata, uid_t *uid, gid_t *gid);
/* remove: drop the ID-shifted copies no remaining container uses (best effort). */
void ctr_userns_release(struct ctr_ctx *x, const json_t *doc);
