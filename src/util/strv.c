/* SPDX-License-Identifier: Apache-2.0 */
#include "strv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **strv_new(const char *first, ...)
{
	char **v = xnew(char *, 1);
	if (!first)
		return v;
	strv_push(&v, first);
	va_list ap;
	va_start(ap, first);
	const char *s;
	while ((s = va_arg(ap, const char *)))
		strv_push(&v, s);
	va_end(ap);
	return v;
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **c = xnew(char *, n + 1);
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

void strv_push_take(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xreallocarray(*v, n + 2, sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_push(char ***v, const char *s)
{
	strv_push_take(v, xstrdup(s));
}

void strv_pushf(char ***v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	strv_push_take(v, s);
}

bool strv_contains(char *const *v, const char *s)
{
	return strv_find(v, s) >= 0;
}

int strv_find(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (streq(v[i], s))
			return (int)i;
	return -1;
}

size_t strv_remove(char **v, const char *s)
{
	size_t removed = 0, w = 0;
	if (!v)
		return 0;
	for (size_t r = 0; v[r]; r++) {
		if (streq(v[r], s)) {
			free(v[r]);
			removed++;
		} else {
			v[w++] = v[r];
		}
	}
	v[w] = NULL;
	return removed;
}

char **strv_split(const char *s, const char *seps, bool skip_empty)
{
	char **v = xnew(char *, 1);
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, seps);
		if (n > 0 || !skip_empty)
			strv_push_take(&v, xstrndup(p, n));
		if (!p[n])
			break;
		p += n + 1;
	}
	return v;
}

char *strv_join(char *const *v, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			strbuf_addstr(&sb, sep);
		strbuf_addstr(&sb, v[i]);
	}
	return strbuf_detach(&sb, NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v)
{
	if (!v)
		return;
	qsort(v, strv_length(v), sizeof(char *), cmp_str);
}

void strv_uniq(char **v)
{
	size_t w = 0;
	if (!v)
		return;
	for (size_t r = 0; v[r]; r++) {
		bool seen = false;
		for (size_t i = 0; i < w; i++)
			if (streq(v[i], v[r])) {
				seen = true;
				break;
			}
		if (seen)
			free(v[r]);
		else
			v[w++] = v[r];
	}
	v[w] = NULL;
}
