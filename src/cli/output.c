/* SPDX-License-Identifier: Apache-2.0 */
#include "output.h"

#include <ctype.h>
#include <string.h>

#include "util/macro.h"
#include "util/timeutil.h"

static bool yaml_needs_quotes(const char *s)
{
	if (!*s || isspace((unsigned char)s[0]) || isspace((unsigned char)s[strlen(s) - 1]))
		return true;
	if (strchr("!&*-?{}[],#|>@`\"'%:", s[0]))
		return true;
	if (strstr(s, ": ") || strstr(s, " #") || strchr(s, '\n'))
		return true;
	static const char *const words[] = {
		"true", "false", "null", "yes", "no", "on", "off", "~"
	};
	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (streq(s, words[i]))
			return true;
	char *end;
	strtod(s, &end);
	return *end == '\0';
}

static void yaml_scalar(const json_t *v, FILE *out)
{
	switch (json_typeof(v)) {
	case JSON_STRING: {
		const char *s = json_string_value(v);
		if (!yaml_needs_quotes(s)) {
			fputs(s, out);
			break;
		}
		fputc('"', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', out);
			if (*p == '\n')
				fputs("\\n", out);
			else
				fputc(*p, out);
		}
		fputc('"', out);
		break;
	}
	case JSON_INTEGER:
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(out, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("true", out);
		break;
	case JSON_FALSE:
		fputs("false", out);
		break;
	case JSON_OBJECT:
		fputs("{}", out);
		break;
	case JSON_ARRAY:
		fputs("[]", out);
		break;
	default:
		fputs("null", out);
	}
}

static bool is_block(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) > 0) ||
	       (json_is_array(v) && json_array_size(v) > 0);
}

static void yaml_value(const json_t *v, int indent, FILE *out);

static void yaml_object(const json_t *v, int indent, FILE *out)
{
	const char *key;
	json_t *val;
	json_object_foreach ((json_t *)v, key, val) {
		fprintf(out, "%*s%s:", indent, "", key);
		if (is_block(val)) {
			fputc('\n', out);
			yaml_value(val, indent + 2, out);
		} else {
			fputc(' ', out);
			yaml_scalar(val, out);
			fputc('\n', out);
		}
	}
}

static void yaml_value(const json_t *v, int indent, FILE *out)
{
	if (json_is_object(v)) {
		yaml_object(v, indent, out);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach ((json_t *)v, i, e) {
		fprintf(out, "%*s-", indent, "");
		if (json_is_object(e) && json_object_size(e) > 0) {
			fputc('\n', out);
			yaml_object(e, indent + 2, out);
		} else if (is_block(e)) {
			fputc('\n', out);
			yaml_value(e, indent + 2, out);
		} else {
			fputc(' ', out);
			yaml_scalar(e, out);
			fputc('\n', out);
		}
	}
}

int cli_print_yaml(const json_t *v, FILE *out)
{
	if (is_block(v))
		yaml_value(v, 0, out);
	else {
		yaml_scalar(v, out);
		fputc('\n', out);
	}
	return 0;
}

const char *cli_short_id(const char *id, bool no_trunc, char buf[13])
{
	if (no_trunc)
		return id;
	snprintf(buf, 13, "%s", id);
	return buf;
}

void cli_template_times(json_t *obj, const char *const *fields)
{
	for (const char *const *f = fields; *f; f++) {
		json_t *v = json_object_get(obj, *f);
		int64_t ns;
		if (json_is_string(v) && strncmp(json_string_value(v), "0001-01-01T", 11) == 0) {
			/* Go's zero time (never started, not finished) */
			json_object_set_new(obj, *f, json_string("0001-01-01 00:00:00 +0000 UTC"));
			continue;
		}
		if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), &ns) < 0)
			continue;
		_cleanup_free_ char *go = time_format_go(ns);
		json_object_set_new(obj, *f, json_string(go));
	}
}
