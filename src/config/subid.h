/* SPDX-License-Identifier: Apache-2.0 */
/* Subordinate ID ranges (/etc/subuid, /etc/subgid): which host IDs an ordinary user may map
 * into a user namespace beyond their own. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config_subid_range {
	uint32_t start;
	uint32_t count;
};

/*
 * The ranges of one user in a subuid/subgid file's text: lines "name:start:count" or
 * "uid:start:count" (both forms match, as shadow's newuidmap accepts), '#' comments and
 * malformed lines skipped, zero counts and ranges past UINT32_MAX ignored. Returns how many
 * ranges were appended to *ranges (allocated; NULL when none).
 */
size_t config_subid_parse(const char *text, const char *user, uid_t id,
			  struct config_subid_range **ranges);
/* The same, from a file; a missing file is no ranges. */
size_t config_subid_read(const char *path, const char *user, uid_t id,
			 struct config_subid_range **ranges);
/* The sum of the counts (saturating at UINT32_MAX). */
uint32_t config_subid_total(const struct config_subid_range *ranges, size_t n);
