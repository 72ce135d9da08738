/* SPDX-License-Identifier: Apache-2.0 */
/* Timestamps (nanoseconds since the epoch, UTC) and the human renderings podman prints. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int64_t time_now_ns(void);
/* "2026-11-22T22:48:01.123456789Z", trailing zeros of the fraction trimmed as Go does. */
char *time_format_rfc3339nano(int64_t ns);
/* Go's time.Time String(): "2023-11-14 22:13:20 +0000 UTC" (fraction trimmed, if any), what
 * podman's templates print for a time field. */
char *time_format_go(int64_t ns);
/* Parse RFC 3339 (with or without fraction, Z or +hh:mm). -EINVAL on bad input. */
int time_parse_rfc3339(const char *s, int64_t *ret_ns);
/* "2 hours ago", "About a minute ago" (docker's go-units HumanDuration + " ago"). */
char *time_human_ago(int64_t then_ns, int64_t now_ns);
/* Human duration without " ago" ("Up 3 seconds" uses it). */
char *time_human_duration(int64_t ns);
/* "4.86 MB": decimal units, 3 significant digits, as podman prints sizes. */
char *size_human(uint64_t bytes);
