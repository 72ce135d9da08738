/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers over jansson (our names never use jansson's json_ prefix). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "macro.h"
#include "strbuf.h"

/* jansson ships json_decrefp() for exactly this use. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Parse text (len bytes) into a JSON value; on failure returns NULL and writes a short reason
 * ("line 3 column 4: ...") into ret_reason (allocated) if given. */
json_t *sk_json_parse(const char *text, size_t len, char **ret_reason);
/* Borrowed string member, or NULL when missing or not a string. */
const char *sk_json_str(const json_t *obj, const char *key);
/* Integer member, or def. */
int64_t sk_json_int(const json_t *obj, const char *key, int64_t def);
bool sk_json_bool(const json_t *obj, const char *key, bool def);
/* Walk a dotted path of object keys ("Config.Labels"); borrowed, NULL if absent. */
json_t *sk_json_path(json_t *root, const char *dotted);
/* Serialise compactly (flags as json_dumps); always returns an allocated string. */
char *sk_json_dump(const json_t *v, size_t flags);
/* Set key to a new string value (NULL sets JSON null). */
void sk_json_set_str(json_t *obj, const char *key, const char *value);
/* A JSON array of strings from a strv; an empty array for NULL. */
json_t *sk_json_from_strv(char *const *v);
/* Strings of a JSON array (non-strings skipped). */
char **sk_json_to_strv(const json_t *arr);
