/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User namespace ID mappings: ranges "container:host:size" as --uidmap writes them and the
 * runtime spec's linux.uidMappings holds them. "host" is an ID of the namespace the mapping is
 * written from (the host's when rootful, selkie's rootless user namespace otherwise). Tier 1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap_range {
	uint32_t container;
	uint32_t host;
	uint32_t size;
};

/* "C:H:S": three decimal uint32 (podman's "uint32:uint32:uint32"); -EINVAL otherwise. */
int idmap_range_parse(const char *s, struct idmap_range *ret);
/* "C:H:S" (allocated). */
char *idmap_range_format(const struct idmap_range *r);
/* Every range as "C:H:S" (allocated strv). */
char **idmap_format_all(const struct idmap_range *v, size_t n);
/* Parse a strv of "C:H:S"; -EINVAL on the first bad one (*ret untouched). */
int idmap_parse_all(char *const *s, struct idmap_range **ret, size_t *ret_n);

/* The host ID of container ID id; false when no range maps it. */
bool idmap_to_host(const struct idmap_range *v, size_t n, uint32_t id, uint32_t *ret);
/* The container ID that host ID id is; false when no range maps onto it. */
bool idmap_to_container(const struct idmap_range *v, size_t n, uint32_t id, uint32_t *ret);
/* Is host ID id the target of some range? */
bool idmap_host_mapped(const struct idmap_range *v, size_t n, uint32_t id);
/* The index of the first range whose container or host IDs overlap those of an earlier one
 * (or that runs past UINT32_MAX), or -1 when none does. */
long idmap_find_conflict(const struct idmap_range *v, size_t n);
/* The lowest host ID below limit that no range maps onto (where IDs the container does not
 * map can be parked, seen as the overflow ID inside); false when every one is taken. */
bool idmap_host_unused(const struct idmap_range *v, size_t n, uint64_t limit, uint32_t *ret);
/* The last container ID + 1 any range covers (0 for none). */
uint64_t idmap_container_end(const struct idmap_range *v, size_t n);
