/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --userns, --uidmap, --gidmap, --subuidname, --subgidname: the user namespace a container
 * runs in, as podman 4.3 reads these flags (its wording for errors). The pure part: parsing and
 * the mappings each mode makes; ctr/userns.c applies them (create, start, remove).
 *
 * Rootless, a mapping's "host" IDs are IDs of selkie's user namespace (config/userns.h): 0 is
 * the user, 1..N their subordinate IDs, so `--uidmap 0:1:1000` maps the container's 0..999 to
 * the user's first 1000 subordinate IDs, and inspect shows the mapping the same way, as podman
 * does. Rootful, they are the host's IDs.
 *
 * - host (the default, also ""): no user namespace of the container's own.
 * - keep-id[:uid=U,gid=G] (rootless): the user's own IDs inside equal to outside (or U/G):
 *   container 0..U-1 → 1..U, U → 0 (the user), U+1..N → U+1..N; the process runs as U:G.
 * - nomap (rootless): the subordinate IDs only, 0..N-1 → 1..N; the user's own ID not mapped.
 * - auto[:size=S]: S IDs (default: what the image's files and /etc/passwd and /etc/group
 *   need, at least 1024) from the subordinate IDs (rootful: /etc/subuid's "containers") that
 *   no other container's mapping uses.
 * - container:ID: the user namespace of that (running) container, with its mappings; what the
 *   members of a pod made with --userns get.
 * - --uidmap/--gidmap C:H:S (repeatable, comma lists): these; either defaults to the other.
 *   --subuidname/--subgidname NAME: NAME's ranges of /etc/subuid and /etc/subgid from 0 up
 *   (either defaults to the other).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/idmap.h"

enum ctr_userns_kind {
	CTR_USERNS_HOST,
	CTR_USERNS_KEEP_ID,
	CTR_USERNS_NOMAP,
	CTR_USERNS_AUTO,
	CTR_USERNS_CONTAINER,
	CTR_USERNS_MAPPED, /* --uidmap/--gidmap/--subuidname/--subgidname */
	_CTR_USERNS_KIND_MAX,
	_CTR_USERNS_KIND_INVALID = -EINVAL,
};

const char *ctr_userns_kind_to_string(enum ctr_userns_kind k);
enum ctr_userns_kind ctr_userns_kind_from_string(const char *s);

struct ctr_userns_mode {
	enum ctr_userns_kind kind;
	bool has_uid, has_gid; /* keep-id:uid=,gid= */
	uint32_t uid, gid;
	bool has_size; /* auto:size= */
	uint32_t size;
	char *container; /* container:ID */
};

void ctr_userns_mode_done(struct ctr_userns_mode *m);

/* The --userns value (NULL and "" are host). */
int ctr_userns_mode_parse(const char *s, struct ctr_userns_mode *ret, struct sk_error **err);

/* The values of --uidmap (what "UID") or --gidmap ("GID"), each a comma list of C:H:S. */
int ctr_idmap_parse_flags(char *const *values, const char *what, struct idmap_range **ret,
			  size_t *ret_n, struct sk_error **err);
/* podman's check of a finished mapping: no two ranges overlap on either side. */
int ctr_idmap_check(const struct idmap_range *v, size_t n, struct sk_error **err);

/* keep-id in a namespace of `ids` IDs (0: the user; 1..ids-1: subordinate): id ↔ 0. */
void ctr_idmap_keep_id(uint64_t ids, uint32_t id, struct idmap_range **ret, size_t *ret_n);
/* nomap: the subordinate IDs 1..ids-1 from container ID 0. */
void ctr_idmap_nomap(uint64_t ids, struct idmap_range **ret, size_t *ret_n);
/* Subordinate ranges (as /etc/subuid lists them: host start and count) mapped from 0 up. */
void ctr_idmap_from_ranges(const struct idmap_range *host_ranges, size_t n,
			   struct idmap_range **ret, size_t *ret_n);

/*
 * auto: size IDs taken, lowest first, from the host ranges avail (.host, .size; .container
 * ignored) minus every host ID the ranges of used map onto; the result maps container IDs
 * 0..size-1. -ENOSPC when there are not enough.
 */
int ctr_idmap_auto_allocate(const struct idmap_range *avail, size_t n_avail,
			    const struct idmap_range *used, size_t n_used, uint32_t size,
			    struct idmap_range **ret, size_t *ret_n);
/* auto's default size from the highest IDs the image's files use and the highest its
 * /etc/passwd and /etc/group name (nobody and nogroup left out), as podman sizes it: at least
 * 1024, at most 65536. */
uint32_t ctr_idmap_auto_size(uint32_t max_file_id, const char *passwd, const char *group);

/* podman's words when the process's user or group is not mapped:
 * "container uses ID mappings ([]specs.LinuxIDMapping{...}), but doesn't map UID 2000". */
char *ctr_idmap_unmapped_message(const struct idmap_range *v, size_t n, const char *what,
				 uint32_t id);
