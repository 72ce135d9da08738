/* SPDX-License-Identifier: Apache-2.0 */
#include "json-util.h"

#include <string.h>

#include "strv.h"
#include "xalloc.h"

json_t *sk_json_parse(const char *text, size_t len, char **ret_reason)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!v && ret_reason)
		*ret_reason = xasprintf("line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	return v;
}

const char *sk_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t sk_json_int(const json_t *obj, const char *key, int64_t def)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return def;
}

bool sk_json_bool(const json_t *obj, const char *key, bool def)
{
	json_t *v = json_object_get(obj, key);
	return json_is_boolean(v) ? json_is_true(v) : def;
}

json_t *sk_json_path(json_t *root, const char *dotted)
{
	_cleanup_strv_free_ char **parts = strv_split(dotted, ".", true);
	json_t *cur = root;
	STRV_FOREACH (p, parts) {
		if (!json_is_object(cur))
			return NULL;
		cur = json_object_get(cur, *p);
		if (!cur)
			return NULL;
	}
	return cur;
}

char *sk_json_dump(const json_t *v, size_t flags)
{
	char *s = json_dumps(v, flags | JSON_ENCODE_ANY);
	if (!s)
		abort();
	return s;
}

void sk_json_set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

json_t *sk_json_from_strv(char *const *v)
{
	json_t *a = json_array();
	STRV_FOREACH (s, v)
		json_array_append_new(a, json_string(*s));
	return a;
}

char **sk_json_to_strv(const json_t *arr)
{
	char **v = xnew(char *, 1);
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		if (json_is_string(e))
			strv_push(&v, json_string_value(e));
	}
	return v;
}
