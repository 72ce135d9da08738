/* SPDX-License-Identifier: Apache-2.0 */
/* NULL-terminated string vectors (char **), owned element by element. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

size_t strv_length(char *const *v);
void strv_free(char **v);
DEFINE_CLEANUP_FUNC(char **, strv_free)
#define _cleanup_strv_free_ _cleanup_(strv_freep)
char **strv_new(const char *first, ...);
char **strv_copy(char *const *v);
/* Append a copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
/* Append s, taking ownership. */
void strv_push_take(char ***v, char *s);
void strv_pushf(char ***v, const char *fmt, ...) _printf_(2, 3);
bool strv_contains(char *const *v, const char *s);
/* Index of s in v or -1. */
int strv_find(char *const *v, const char *s);
/* Remove every element equal to s; returns how many were removed. */
size_t strv_remove(char **v, const char *s);
/* Split s at any character in seps; empty fields are dropped when skip_empty. */
char **strv_split(const char *s, const char *seps, bool skip_empty);
char *strv_join(char *const *v, const char *sep);
void strv_sort(char **v);
/* Drop later duplicates, keeping the first of each. */
void strv_uniq(char **v);

#define STRV_FOREACH(s, v) for (char *const *s = (v); s && *s; s++)
