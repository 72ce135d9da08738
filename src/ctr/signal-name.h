/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signal names as `--stop-signal` and `kill -s` take them: "SIGTERM", "term", "15",
 * "RTMIN+3", "SIGRTMAX-2", case-insensitive, with the real-time range numbered as podman and
 * docker number it (SIGRTMIN = 34, SIGRTMAX = 64).
 */
#pragma once

#include "util/error.h"

#define CTR_SIGNAL_RTMIN 34
#define CTR_SIGNAL_MAX 64

/* The signal number (1..64) that s names; "invalid signal: S" for anything else. */
int ctr_signal_parse(const char *s, struct sk_error **err);
/* The canonical name of signo ("SIGTERM", "SIGRTMIN+3"), or its number as text when it has no
 * name (32, 33); NULL when signo is outside 1..64. The caller frees it. */
char *ctr_signal_name_new(int signo);
