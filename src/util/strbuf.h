/* SPDX-License-Identifier: Apache-2.0 */
/* A growable, always NUL-terminated byte buffer (git's strbuf, smaller). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct strbuf {
	char *buf; /* never NULL after init: points at "" when empty */
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		.buf = NULL, .len = 0, .alloc = 0                                                  \
	}

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Give the buffer to the caller (never NULL) and reset sb. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
/* Append n copies of c. */
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
/* Append s with JSON string escaping, without the surrounding quotes. */
void strbuf_add_json_escaped(struct strbuf *sb, const char *s);
void strbuf_rtrim(struct strbuf *sb);
/* The current contents, "" for a never-used buffer. */
const char *strbuf_str(const struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)
