/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static enum log_level current_level = LOG_LEVEL_WARN;

static const char *const level_names[_LOG_LEVEL_MAX] = {
	[LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_WARN] = "warn",	  [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug", [LOG_LEVEL_TRACE] = "trace",
};

const char *log_level_to_string(enum log_level l)
{
	if ((int)l < 0 || l >= _LOG_LEVEL_MAX)
		return NULL;
	return level_names[l];
}

enum log_level log_level_from_string(const char *s)
{
	for (int i = 0; i < _LOG_LEVEL_MAX; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return (enum log_level)i;
	if (strcasecmp(s, "warning") == 0)
		return LOG_LEVEL_WARN;
	if (strcasecmp(s, "fatal") == 0 || strcasecmp(s, "panic") == 0)
		return LOG_LEVEL_ERROR;
	return _LOG_LEVEL_INVALID;
}

void log_set_level(enum log_level l)
{
	current_level = l;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_msg(enum log_level l, const char *fmt, ...)
{
	if (l > current_level)
		return;
	static const char *const prefix[_LOG_LEVEL_MAX] = {
		[LOG_LEVEL_ERROR] = "Error: ",	   [LOG_LEVEL_WARN] = "WARN[0000] ",
		[LOG_LEVEL_INFO] = "INFO[0000] ",  [LOG_LEVEL_DEBUG] = "DEBU[0000] ",
		[LOG_LEVEL_TRACE] = "TRAC[0000] ",
	};
	va_list ap;
	va_start(ap, fmt);
	fputs(prefix[l], stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
