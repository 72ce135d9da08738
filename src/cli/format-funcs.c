/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Functions callable from --format templates: Go's text/template builtins and the ones podman
 * adds (containers/common pkg/report: json, lower, upper, title, split, join, pad, truncate).
 * Case mapping is ASCII-only.
 */
#include <string.h>

#include "cli/format-template-internal.h"
#include "cli/format-template.h"
#include "util/xalloc.h"

int format_arg_string(struct format_exec *x, const struct format_node *cmd, json_t *v,
		      const char **ret, size_t *ret_len)
{
	if (json_is_null(v))
		return format_exec_fail(x, cmd, "invalid value; expected string");
	if (!json_is_string(v))
		return format_exec_fail(x, cmd, "wrong type for value; expected string; got %s",
					format_value_type(v));
	*ret = json_string_value(v);
	*ret_len = json_string_length(v);
	return 0;
}

int format_arg_int(struct format_exec *x, const struct format_node *cmd, json_t *v, int64_t *ret)
{
	if (!json_is_integer(v))
		return format_exec_fail(x, cmd, "wrong type for value; expected int; got %s",
					format_value_type(v));
	*ret = json_integer_value(v);
	return 0;
}

static json_t *str_new(const char *s, size_t len)
{
	return json_stringn_nocheck(s, len);
}

static json_t *str_take(struct strbuf *sb)
{
	json_t *v = json_stringn_nocheck(strbuf_str(sb), sb->len);
	strbuf_release(sb);
	return v;
}

static json_t *fn_not(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		      size_t argc)
{
	return json_boolean(!format_value_truth(argv[0]));
}

enum cmp_kind { CMP_NIL, CMP_BOOL, CMP_NUM, CMP_STRING, CMP_OTHER };

static enum cmp_kind cmp_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		return CMP_NIL;
	case JSON_TRUE:
	case JSON_FALSE:
		return CMP_BOOL;
	case JSON_INTEGER:
	case JSON_REAL:
		return CMP_NUM;
	case JSON_STRING:
		return CMP_STRING;
	default:
		return CMP_OTHER;
	}
}

/* Compare two basic values: <0, 0, >0; *ret_err is set to a message when they can't be. */
static int cmp_values(const json_t *a, const json_t *b, bool ordered, const char **ret_err)
{
	enum cmp_kind ka = cmp_kind(a), kb = cmp_kind(b);

	*ret_err = NULL;
	if (ordered && (ka == CMP_NIL || ka == CMP_BOOL || ka == CMP_OTHER || kb == CMP_NIL ||
			kb == CMP_BOOL || kb == CMP_OTHER)) {
		*ret_err = "invalid type for comparison";
		return 0;
	}
	if (ka == CMP_NIL || kb == CMP_NIL)
		return ka == kb ? 0 : 1;
	if (ka != kb) {
		*ret_err = "incompatible types for comparison";
		return 0;
	}
	switch (ka) {
	case CMP_BOOL:
		return json_is_true(a) != json_is_true(b);
	case CMP_NUM:
		if (json_is_integer(a) && json_is_integer(b))
			return (json_integer_value(a) > json_integer_value(b)) -
			       (json_integer_value(a) < json_integer_value(b));
		return (json_number_value(a) > json_number_value(b)) -
		       (json_number_value(a) < json_number_value(b));
	case CMP_STRING: {
		size_t la = json_string_length(a), lb = json_string_length(b);
		int c = memcmp(json_string_value(a), json_string_value(b), MIN(la, lb));
		return c ? c : la < lb ? -1 : la > lb ? 1 : 0;
	}
	default:
		*ret_err = "non-comparable type";
		return 0;
	}
}

static json_t *fn_eq(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		     size_t argc)
{
	const char *e = NULL;

	if (argc < 2) {
		format_exec_fail(x, cmd, "error calling eq: missing argument for comparison");
		return NULL;
	}
	for (size_t i = 1; i < argc; i++) {
		int c = cmp_values(argv[0], argv[i], false, &e);
		if (e && streq(e, "non-comparable type")) {
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			json_t *bad = cmp_kind(argv[0]) == CMP_OTHER ? argv[0] : argv[i];
			format_value_print(&sb, bad);
			format_exec_fail(x, cmd, "error calling eq: non-comparable type %s: %s",
					 strbuf_str(&sb), format_value_type(bad));
			return NULL;
		}
		if (e) {
			format_exec_fail(x, cmd, "error calling eq: %s", e);
			return NULL;
		}
		if (c == 0)
			return json_true();
	}
	return json_false();
}

static json_t *compare(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		       const char *name)
{
	const char *e = NULL;
	int c = cmp_values(argv[0], argv[1], !streq(name, "ne"), &e);

	if (e) {
		format_exec_fail(x, cmd, "error calling %s: %s", name, e);
		return NULL;
	}
	if (streq(name, "ne"))
		return json_boolean(c != 0);
	if (streq(name, "lt"))
		return json_boolean(c < 0);
	if (streq(name, "le"))
		return json_boolean(c <= 0);
	if (streq(name, "gt"))
		return json_boolean(c > 0);
	return json_boolean(c >= 0);
}

#define COMPARE_FN(op)                                                                             \
	static json_t *fn_##op(struct format_exec *x, const struct format_node *cmd,               \
			       json_t **argv, size_t argc)                                         \
	{                                                                                          \
		return compare(x, cmd, argv, #op);                                                 \
	}
COMPARE_FN(ne)
COMPARE_FN(lt)
COMPARE_FN(le)
COMPARE_FN(gt)
COMPARE_FN(ge)

static json_t *fn_len(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		      size_t argc)
{
	json_t *v = argv[0];

	if (json_is_string(v))
		return json_integer((json_int_t)json_string_length(v));
	if (json_is_array(v))
		return json_integer((json_int_t)json_array_size(v));
	if (json_is_object(v))
		return json_integer((json_int_t)json_object_size(v));
	if (json_is_null(v))
		return json_integer(0);
	format_exec_fail(x, cmd, "error calling len: len of type %s", format_value_type(v));
	return NULL;
}

/* An integer index within [0, max]; Go's indexArg. */
static int index_arg(struct format_exec *x, const struct format_node *cmd, const char *fn,
		     const json_t *idx, size_t max, size_t *ret)
{
	if (!json_is_integer(idx))
		return format_exec_fail(x, cmd,
					"error calling %s: cannot index slice/array with type %s",
					fn, format_value_type(idx));
	json_int_t i = json_integer_value(idx);
	if (i < 0 || (uint64_t)i > max)
		return format_exec_fail(x, cmd, "error calling %s: index out of range: %lld", fn,
					(long long)i);
	*ret = (size_t)i;
	return 0;
}

static json_t *index_one(struct format_exec *x, const struct format_node *cmd, json_t *v,
			 const json_t *idx)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_ARRAY:
	case JSON_STRING: {
		size_t n = json_is_array(v) ? json_array_size(v) : json_string_length(v);
		if (index_arg(x, cmd, "index", idx, n, &i) < 0)
			return NULL;
		if (i == n) {
			format_exec_fail(x, cmd, "error calling index: index out of range: %zu", i);
			return NULL;
		}
		if (json_is_string(v))
			return json_integer((unsigned char)json_string_value(v)[i]);
		return json_incref(json_array_get(v, i));
	}
	case JSON_OBJECT: {
		if (!json_is_string(idx)) {
			format_exec_fail(x, cmd,
					 "error calling index: value has type %s; should be string",
					 format_value_type(idx));
			return NULL;
		}
		json_t *found = json_object_get(v, json_string_value(idx));
		return found ? json_incref(found) : json_string("");
	}
	case JSON_NULL:
		return json_string("");
	default:
		format_exec_fail(x, cmd, "error calling index: can't index item of type %s",
				 format_value_type(v));
		return NULL;
	}
}

static json_t *fn_index(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	json_t *cur = json_incref(argv[0]);

	for (size_t i = 1; i < argc && cur; i++) {
		json_t *nv = index_one(x, cmd, cur, argv[i]);
		json_decref(cur);
		cur = nv;
	}
	return cur;
}

static json_t *fn_slice(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	json_t *v = argv[0];
	bool is_str = json_is_string(v);
	size_t n, idx[3] = { 0, 0, 0 };

	if (!is_str && !json_is_array(v)) {
		format_exec_fail(x, cmd, "error calling slice: can't slice item of type %s",
				 format_value_type(v));
		return NULL;
	}
	n = is_str ? json_string_length(v) : json_array_size(v);
	if (argc > 4 || (is_str && argc > 3)) {
		format_exec_fail(x, cmd, "error calling slice: too many slice indexes: %zu",
				 argc - 1);
		return NULL;
	}
	idx[1] = idx[2] = n;
	for (size_t i = 1; i < argc; i++)
		if (index_arg(x, cmd, "slice", argv[i], n, &idx[i - 1]) < 0)
			return NULL;
	if (idx[0] > idx[1] || (argc == 4 && idx[1] > idx[2])) {
		format_exec_fail(x, cmd, "error calling slice: invalid slice index: %zu > %zu",
				 idx[0] > idx[1] ? idx[0] : idx[1],
				 idx[0] > idx[1] ? idx[1] : idx[2]);
		return NULL;
	}
	if (is_str)
		return str_new(json_string_value(v) + idx[0], idx[1] - idx[0]);
	json_t *a = json_array();
	for (size_t i = idx[0]; i < idx[1]; i++)
		json_array_append(a, json_array_get(v, i));
	return a;
}

static json_t *fn_print(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	format_go_sprint(&sb, argv, argc, false);
	return str_take(&sb);
}

static json_t *fn_println(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			  size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	format_go_sprint(&sb, argv, argc, true);
	return str_take(&sb);
}

static json_t *fn_printf(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			 size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	const char *f;
	size_t flen;

	if (format_arg_string(x, cmd, argv[0], &f, &flen) < 0)
		return NULL;
	format_go_sprintf(&sb, f, flen, argv + 1, argc - 1);
	return str_take(&sb);
}

/* The arguments of html/js/urlquery as one string (Go's evalArgs). */
static void args_string(struct strbuf *sb, json_t **argv, size_t argc)
{
	if (argc == 1 && json_is_string(argv[0]))
		strbuf_add(sb, json_string_value(argv[0]), json_string_length(argv[0]));
	else
		format_go_sprint(sb, argv, argc, false);
}

static json_t *fn_html(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		       size_t argc)
{
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	args_string(&in, argv, argc);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.buf[i]) {
		case '"':
			strbuf_addstr(&out, "&#34;");
			break;
		case '\'':
			strbuf_addstr(&out, "&#39;");
			break;
		case '&':
			strbuf_addstr(&out, "&amp;");
			break;
		case '<':
			strbuf_addstr(&out, "&lt;");
			break;
		case '>':
			strbuf_addstr(&out, "&gt;");
			break;
		case '\0':
			strbuf_addstr(&out, "\xef\xbf\xbd");
			break;
		default:
			strbuf_addch(&out, in.buf[i]);
		}
	}
	return str_take(&out);
}

static json_t *fn_js(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		     size_t argc)
{
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	args_string(&in, argv, argc);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.buf[i];
		if (c == '\\' || c == '\'' || c == '"') {
			strbuf_addch(&out, '\\');
			strbuf_addch(&out, (char)c);
		} else if (c < 0x20 || strchr("<>&=", c)) {
			strbuf_addf(&out, "\\u%04X", c);
		} else {
			strbuf_addch(&out, (char)c);
		}
	}
	return str_take(&out);
}

static json_t *fn_urlquery(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			   size_t argc)
{
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	args_string(&in, argv, argc);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.buf[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c))
			strbuf_addch(&out, (char)c);
		else if (c == ' ')
			strbuf_addch(&out, '+');
		else
			strbuf_addf(&out, "%%%02X", c);
	}
	return str_take(&out);
}

static json_t *fn_json(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		       size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	format_json_write(&sb, argv[0], 0, false);
	return str_take(&sb);
}

/* lower, upper, title: ASCII case mapping; title upper-cases letters after separators (Go's
 * strings.Title: anything but letters, digits, '_' and non-ASCII). */
static json_t *map_case(struct format_exec *x, const struct format_node *cmd, json_t *v, char mode)
{
	const char *s;
	size_t len;
	bool sep = true;

	if (format_arg_string(x, cmd, v, &s, &len) < 0)
		return NULL;
	_cleanup_free_ char *o = xmalloc(len + 1);
	memcpy(o, s, len);
	o[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)o[i];
		bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
		if ((mode == 'u' || (mode == 't' && sep)) && lower)
			o[i] = (char)(c - 'a' + 'A');
		else if (mode == 'l' && upper)
			o[i] = (char)(c - 'A' + 'a');
		sep = !(lower || upper || (c >= '0' && c <= '9') || c == '_' || c >= 0x80);
	}
	return str_new(o, len);
}

static json_t *fn_lower(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	return map_case(x, cmd, argv[0], 'l');
}

static json_t *fn_upper(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	return map_case(x, cmd, argv[0], 'u');
}

static json_t *fn_title(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	return map_case(x, cmd, argv[0], 't');
}

static json_t *fn_split(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			size_t argc)
{
	const char *s, *sep;
	size_t len, seplen, i = 0;

	if (format_arg_string(x, cmd, argv[0], &s, &len) < 0 ||
	    format_arg_string(x, cmd, argv[1], &sep, &seplen) < 0)
		return NULL;
	json_t *a = json_array();
	if (seplen == 0) {
		/* one element per character */
		while (i < len) {
			size_t n = 1;
			while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
				n++;
			json_array_append_new(a, str_new(s + i, n));
			i += n;
		}
		return a;
	}
	for (;;) {
		const char *hit = memmem(s + i, len - i, sep, seplen);
		size_t end = hit ? (size_t)(hit - s) : len;
		json_array_append_new(a, str_new(s + i, end - i));
		if (!hit)
			break;
		i = end + seplen;
	}
	return a;
}

static json_t *fn_join(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		       size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	const char *sep;
	size_t seplen;

	bool empty = json_is_null(argv[0]) ||
		     (json_is_string(argv[0]) && json_string_length(argv[0]) == 0);

	if (!json_is_array(argv[0]) && !empty) {
		format_exec_fail(x, cmd, "wrong type for value; expected []string; got %s",
				 format_value_type(argv[0]));
		return NULL;
	}
	if (format_arg_string(x, cmd, argv[1], &sep, &seplen) < 0)
		return NULL;
	for (size_t i = 0; i < json_array_size(argv[0]); i++) {
		if (i)
			strbuf_add(&sb, sep, seplen);
		format_value_print(&sb, json_array_get(argv[0], i));
	}
	return str_take(&sb);
}

static json_t *fn_pad(struct format_exec *x, const struct format_node *cmd, json_t **argv,
		      size_t argc)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t pre, post;
	const char *s;
	size_t len;

	if (format_arg_string(x, cmd, argv[0], &s, &len) < 0 ||
	    format_arg_int(x, cmd, argv[1], &pre) < 0 || format_arg_int(x, cmd, argv[2], &post) < 0)
		return NULL;
	if (len == 0)
		return json_string("");
	if (pre < 0 || post < 0 || pre > FORMAT_MAX_WIDTH || post > FORMAT_MAX_WIDTH) {
		format_exec_fail(x, cmd, "error calling pad: padding out of range");
		return NULL;
	}
	strbuf_addchars(&sb, ' ', (size_t)pre);
	strbuf_add(&sb, s, len);
	strbuf_addchars(&sb, ' ', (size_t)post);
	return str_take(&sb);
}

static json_t *fn_truncate(struct format_exec *x, const struct format_node *cmd, json_t **argv,
			   size_t argc)
{
	const char *s;
	size_t len;
	int64_t n;

	if (format_arg_string(x, cmd, argv[0], &s, &len) < 0 ||
	    format_arg_int(x, cmd, argv[1], &n) < 0)
		return NULL;
	if (n < 0) {
		format_exec_fail(x, cmd, "error calling truncate: negative length %lld",
				 (long long)n);
		return NULL;
	}
	return str_new(s, (uint64_t)n < len ? (size_t)n : len);
}

static const struct format_func funcs[] = {
	{ "and", NULL, 1, -1, false, true },
	{ "or", NULL, 1, -1, false, true },
	{ "not", fn_not, 1, 1, false, false },
	{ "eq", fn_eq, 1, -1, false, false },
	{ "ne", fn_ne, 2, 2, false, false },
	{ "lt", fn_lt, 2, 2, false, false },
	{ "le", fn_le, 2, 2, false, false },
	{ "gt", fn_gt, 2, 2, false, false },
	{ "ge", fn_ge, 2, 2, false, false },
	{ "len", fn_len, 1, 1, false, false },
	{ "index", fn_index, 1, -1, true, false },
	{ "slice", fn_slice, 1, -1, true, false },
	{ "print", fn_print, 0, -1, false, false },
	{ "printf", fn_printf, 1, -1, false, false },
	{ "println", fn_println, 0, -1, false, false },
	{ "html", fn_html, 0, -1, false, false },
	{ "js", fn_js, 0, -1, false, false },
	{ "urlquery", fn_urlquery, 0, -1, false, false },
	{ "json", fn_json, 1, 1, true, false },
	{ "lower", fn_lower, 1, 1, true, false },
	{ "upper", fn_upper, 1, 1, true, false },
	{ "title", fn_title, 1, 1, true, false },
	{ "split", fn_split, 2, 2, true, false },
	{ "join", fn_join, 2, 2, true, false },
	{ "pad", fn_pad, 3, 3, false, false },
	{ "truncate", fn_truncate, 2, 2, true, false },
};

const struct format_func *format_func_lookup(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(funcs); i++)
		if (streq(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}
