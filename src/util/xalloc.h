/* SPDX-License-Identifier: Apache-2.0 */
/* Allocators that abort on out-of-memory: callers never check for NULL. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* realloc for arrays, with the multiplication checked for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);
#define xnew(type, n) ((type *)xcalloc((n), sizeof(type)))
