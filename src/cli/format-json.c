/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Values as Go sees and writes them: type names, sorted map keys, the shortest round-tripping
 * float (strconv's 'g' with fmt's %v exponent rule, or encoding/json's rule) and
 * encoding/json's output (string escaping, HTML escaping, MarshalIndent layout).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format-template-internal.h"
#include "cli/format-template.h"
#include "util/xalloc.h"

const char *format_value_type(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return "map[string]interface {}";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int64";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "<nil>";
	}
}

size_t format_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **format_object_sorted_keys(const json_t *obj, size_t *ret_n)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = xnew(const char *, n + 1);
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)obj, key, v)
		keys[i++] = key;
	qsort(keys, i, sizeof(*keys), cmp_keys);
	*ret_n = i;
	return keys;
}

/* Shortest decimal digits of f (no sign, no dot) and the decimal point position. */
static void float_digits(double f, char *digits, int *ret_dp)
{
	char buf[64];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, fabs(f));
		if (strtod(buf, NULL) == fabs(f))
			break;
	}
	size_t n = 0;
	char *e = strchr(buf, 'e');
	for (char *p = buf; p < e; p++)
		if (*p != '.')
			digits[n++] = *p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*ret_dp = (int)strtol(e + 1, NULL, 10) + 1;
}

static void float_put_e(struct strbuf *out, const char *digits, int dp, char e)
{
	int exp = dp - 1;
	strbuf_addch(out, digits[0]);
	if (digits[1])
		strbuf_addf(out, ".%s", digits + 1);
	strbuf_addf(out, "%c%c%02d", e, exp < 0 ? '-' : '+', abs(exp));
}

static void float_put_f(struct strbuf *out, const char *digits, int dp)
{
	int nd = (int)strlen(digits);
	if (dp <= 0) {
		strbuf_addstr(out, "0.");
		strbuf_addchars(out, '0', (size_t)-dp);
		strbuf_addstr(out, digits);
	} else if (dp >= nd) {
		strbuf_addstr(out, digits);
		strbuf_addchars(out, '0', (size_t)(dp - nd));
	} else {
		strbuf_add(out, digits, (size_t)dp);
		strbuf_addf(out, ".%s", digits + dp);
	}
}

void format_float_shortest(struct strbuf *out, double f, bool json_style)
{
	char digits[32];
	int dp;
	bool use_e;

	if (signbit(f))
		strbuf_addch(out, '-');
	if (f == 0) {
		strbuf_addch(out, '0');
		return;
	}
	if (isinf(f) || isnan(f)) {
		strbuf_addstr(out, isnan(f) ? "NaN" : "Inf");
		return;
	}
	float_digits(f, digits, &dp);
	if (json_style)
		use_e = fabs(f) < 1e-6 || fabs(f) >= 1e21;
	else
		use_e = dp - 1 < -4 || dp - 1 >= 21 || dp - 1 >= 6;
	if (!use_e) {
		float_put_f(out, digits, dp);
		return;
	}
	size_t start = out->len;
	float_put_e(out, digits, dp, 'e');
	if (json_style) {
		/* Go's encoding/json writes e-7, not e-07 */
		char *p = out->buf + start;
		char *e = strchr(p, 'e');
		if (e[2] == '0' && e[3]) {
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
			out->len--;
		}
	}
}

/* Go's encoding/json string encoder. */
static void json_put_string(struct strbuf *out, const char *s, size_t len, bool escape_html)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)c);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		} else if (c < 0x20 || (escape_html && (c == '<' || c == '>' || c == '&'))) {
			strbuf_addf(out, "\\u%04x", c);
		} else if (c < 0x80) {
			strbuf_addch(out, (char)c);
		} else {
			size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			bool ok = n > 0 && i + n <= len;
			for (size_t k = 1; ok && k < n; k++)
				ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (!ok) {
				strbuf_addstr(out, "\\ufffd");
				continue;
			}
			if (n == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
				strbuf_addf(out, "\\u202%c", s[i + 2] == (char)0xa8 ? '8' : '9');
			else
				strbuf_add(out, s + i, n);
			i += n - 1;
		}
	}
	strbuf_addch(out, '"');
}

static void json_newline(struct strbuf *out, unsigned indent, unsigned depth)
{
	if (!indent)
		return;
	strbuf_addch(out, '\n');
	strbuf_addchars(out, ' ', (size_t)indent * depth);
}

static void json_put(struct strbuf *out, const json_t *v, unsigned indent, bool escape_html,
		     unsigned depth)
{
	const char *key;
	json_t *val;
	size_t i = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		strbuf_addch(out, '{');
		json_object_foreach ((json_t *)v, key, val) {
			strbuf_addstr(out, i++ ? "," : "");
			json_newline(out, indent, depth + 1);
			json_put_string(out, key, strlen(key), escape_html);
			strbuf_addstr(out, indent ? ": " : ":");
			json_put(out, val, indent, escape_html, depth + 1);
		}
		if (i)
			json_newline(out, indent, depth);
		strbuf_addch(out, '}');
		break;
	case JSON_ARRAY:
		strbuf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			strbuf_addstr(out, i ? "," : "");
			json_newline(out, indent, depth + 1);
			json_put(out, json_array_get(v, i), indent, escape_html, depth + 1);
		}
		if (i)
			json_newline(out, indent, depth);
		strbuf_addch(out, ']');
		break;
	case JSON_STRING:
		json_put_string(out, json_string_value(v), json_string_length(v), escape_html);
		break;
	case JSON_INTEGER:
		strbuf_addf(out, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		format_float_shortest(out, json_real_value(v), true);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		strbuf_addstr(out, json_is_true(v) ? "true" : "false");
		break;
	default:
		strbuf_addstr(out, "null");
		break;
	}
}

void format_json_write(struct strbuf *out, const json_t *v, unsigned indent, bool escape_html)
{
	json_put(out, v, indent, escape_html, 0);
}
