/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing numbers, sizes, durations and booleans from user text. Tier 1: -EINVAL/-ERANGE. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

int parse_uint64(const char *s, uint64_t *ret);
int parse_int64(const char *s, int64_t *ret);
int parse_int(const char *s, int *ret);
/* "true/false/1/0/yes/no/on/off". */
int parse_bool(const char *s, bool *ret);
/* "512", "10k", "64m", "1.5g", "1GiB" (binary units, as docker's --memory). */
int parse_size(const char *s, uint64_t *ret);
/* Go durations: "300ms", "1.5h", "2h45m", "30s"; a bare number means seconds. In nanoseconds. */
int parse_duration_ns(const char *s, int64_t *ret);
