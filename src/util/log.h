/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics on stderr, filtered by --log-level. Used by the fronts and the monitor, never by
 * library code to report errors (those travel back in struct sk_error). */
#pragma once

#include "macro.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
	_LOG_LEVEL_MAX,
	_LOG_LEVEL_INVALID = -22,
};

const char *log_level_to_string(enum log_level l);
enum log_level log_level_from_string(const char *s);
void log_set_level(enum log_level l);
enum log_level log_get_level(void);
void log_msg(enum log_level l, const char *fmt, ...) _printf_(2, 3);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
