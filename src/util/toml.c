/* SPDX-License-Identifier: Apache-2.0 */
#include "toml.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "json-util.h"
#include "parse.h"
#include "strbuf.h"
#include "strv.h"
#include "xalloc.h"

/* How a table or array came to be: TOML forbids defining a table twice, extending inline tables
 * and appending [[tables]] to arrays written as values. */
enum {
	TAB_IMPLICIT = 1 << 0, /* created as a parent of a [header] */
	TAB_DEFINED = 1 << 1,  /* named by its own [header] or [[header]] */
	TAB_DOTTED = 1 << 2,   /* created by a dotted key */
	TAB_FROZEN = 1 << 3,   /* an inline table: complete as written */
	ARR_TABLES = 1 << 4,   /* an array of tables made by [[header]] */
};

struct toml_parser {
	const char *p;
	const char *end;
	unsigned line;
	unsigned depth;
	json_t *meta; /* "%p" of a table or array -> its flags */
	char *reason;
};

static int parse_value(struct toml_parser *tp, json_t **ret);
static int parse_keyval(struct toml_parser *tp, json_t *tab);

_printf_(2, 3) static int fail(struct toml_parser *tp, const char *fmt, ...)
{
	if (!tp->reason) {
		va_list ap;
		va_start(ap, fmt);
		_cleanup_free_ char *msg = xvasprintf(fmt, ap);
		va_end(ap);
		tp->reason = xasprintf("line %u: %s", tp->line, msg);
	}
	return -EINVAL;
}

static int peek(const struct toml_parser *tp, size_t off)
{
	return tp->p + off < tp->end ? (unsigned char)tp->p[off] : -1;
}

static bool at_newline(const struct toml_parser *tp)
{
	return peek(tp, 0) == '\n' || (peek(tp, 0) == '\r' && peek(tp, 1) == '\n');
}

static void eat_newline(struct toml_parser *tp)
{
	tp->p += peek(tp, 0) == '\r' ? 2 : 1;
	tp->line++;
}

static int fail_unexpected(struct toml_parser *tp, const char *expected)
{
	int c = peek(tp, 0);
	if (c < 0)
		return fail(tp, "expected %s, found end of file", expected);
	if (at_newline(tp))
		return fail(tp, "expected %s, found a newline", expected);
	if (c < 0x20 || c >= 0x7f)
		return fail(tp, "expected %s, found byte 0x%02x", expected, (unsigned)c);
	return fail(tp, "expected %s, found '%c'", expected, c);
}

static bool is_control(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static void skip_ws(struct toml_parser *tp)
{
	while (peek(tp, 0) == ' ' || peek(tp, 0) == '\t')
		tp->p++;
}

static int skip_comment(struct toml_parser *tp)
{
	tp->p++;
	while (tp->p < tp->end && !at_newline(tp)) {
		if (is_control(peek(tp, 0)))
			return fail(tp, "control character 0x%02x in a comment",
				    (unsigned)peek(tp, 0));
		tp->p++;
	}
	return 0;
}

/* Whitespace, newlines and comments, as allowed between array elements. */
static int skip_blank(struct toml_parser *tp)
{
	for (;;) {
		skip_ws(tp);
		if (at_newline(tp)) {
			eat_newline(tp);
		} else if (peek(tp, 0) == '#') {
			int r = skip_comment(tp);
			if (r < 0)
				return r;
		} else {
			return 0;
		}
	}
}

static int expect_eol(struct toml_parser *tp)
{
	skip_ws(tp);
	if (peek(tp, 0) == '#') {
		int r = skip_comment(tp);
		if (r < 0)
			return r;
	}
	if (peek(tp, 0) < 0)
		return 0;
	if (!at_newline(tp))
		return fail_unexpected(tp, "a newline");
	eat_newline(tp);
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid or NUL. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The whole document must be UTF-8 without NUL bytes; later stages rely on it. */
static int check_text(struct toml_parser *tp)
{
	const unsigned char *s = (const unsigned char *)tp->p;
	size_t n = (size_t)(tp->end - tp->p);
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq_len(s + i, n - i);
		if (l == 0) {
			if (s[i] == 0)
				return fail(tp, "null byte in the document");
			return fail(tp, "invalid UTF-8");
		}
		if (s[i] == '\n')
			tp->line++;
		i += l;
	}
	tp->line = 1;
	return 0;
}

static void utf8_put(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xc0 | cp >> 6));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xe0 | cp >> 12));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (char)(0xf0 | cp >> 18));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

static int parse_unicode_escape(struct toml_parser *tp, int ndigits, struct strbuf *sb)
{
	uint32_t cp = 0;
	for (int i = 0; i < ndigits; i++) {
		int c = peek(tp, 0);
		if (c < 0 || !isxdigit(c))
			return fail(tp, "invalid unicode escape: expected %d hex digits", ndigits);
		cp = cp << 4 | (uint32_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
		tp->p++;
	}
	if (cp == 0)
		return fail(tp, "null characters are not supported in strings");
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(tp, "invalid unicode escape: U+%04X is not a scalar value", cp);
	utf8_put(sb, cp);
	return 0;
}

static int parse_escape(struct toml_parser *tp, struct strbuf *sb)
{
	static const char from[] = "btnfr\"\\";
	static const char to[] = "\b\t\n\f\r\"\\";
	tp->p++;
	int c = peek(tp, 0);
	const char *hit = c > 0 ? strchr(from, c) : NULL;
	if (hit) {
		strbuf_addch(sb, to[hit - from]);
		tp->p++;
		return 0;
	}
	if (c == 'u' || c == 'U') {
		tp->p++;
		return parse_unicode_escape(tp, c == 'u' ? 4 : 8, sb);
	}
	return fail_unexpected(tp, "a valid escape sequence after '\\'");
}

/* In a multi-line basic string, a backslash ending a line trims the newline and all whitespace
 * that follows it. Returns true if it consumed one. */
static bool skip_line_ending_backslash(struct toml_parser *tp)
{
	const char *save = tp->p;
	tp->p++;
	skip_ws(tp);
	if (!at_newline(tp)) {
		tp->p = save;
		return false;
	}
	while (at_newline(tp) || peek(tp, 0) == ' ' || peek(tp, 0) == '\t') {
		if (at_newline(tp))
			eat_newline(tp);
		else
			tp->p++;
	}
	return true;
}

/* A run of closing quotes in a multi-line string: up to two may belong to the content. Returns
 * 1 when the string ended, 0 to go on. */
static int multiline_quotes(struct toml_parser *tp, char q, struct strbuf *sb)
{
	size_t n = 0;
	while (peek(tp, n) == q)
		n++;
	if (n < 3) {
		strbuf_addchars(sb, q, n);
		tp->p += n;
		return 0;
	}
	if (n > 5)
		return fail(tp, "too many quotes at the end of a multi-line string");
	strbuf_addchars(sb, q, n - 3);
	tp->p += n;
	return 1;
}

/* A basic ("...", """...""") or literal ('...', '''...''') string. */
static int parse_string_into(struct toml_parser *tp, struct strbuf *sb)
{
	char q = (char)peek(tp, 0);
	bool multi = peek(tp, 1) == q && peek(tp, 2) == q;
	tp->p += multi ? 3 : 1;
	if (multi && at_newline(tp))
		eat_newline(tp);
	for (;;) {
		int c = peek(tp, 0), r;
		if (c < 0)
			return fail(tp, "unterminated string");
		if (c == q && !multi) {
			tp->p++;
			return 0;
		}
		if (c == q) {
			r = multiline_quotes(tp, q, sb);
			if (r != 0)
				return r < 0 ? r : 0;
		} else if (c == '\\' && q == '"') {
			if (!multi || !skip_line_ending_backslash(tp)) {
				r = parse_escape(tp, sb);
				if (r < 0)
					return r;
			}
		} else if (at_newline(tp)) {
			if (!multi)
				return fail(tp, "newline in a single-line string");
			eat_newline(tp);
			strbuf_addch(sb, '\n');
		} else if (is_control(c)) {
			return fail(tp, "control character 0x%02x in a string", (unsigned)c);
		} else {
			strbuf_addch(sb, (char)c);
			tp->p++;
		}
	}
}

static int parse_string(struct toml_parser *tp, json_t **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = parse_string_into(tp, &sb);
	if (r < 0)
		return r;
	json_t *s = json_stringn(strbuf_str(&sb), sb.len);
	if (!s)
		return fail(tp, "invalid UTF-8 in a string");
	*ret = s;
	return 0;
}

static bool is_bare_key_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '-');
}

static int parse_key_part(struct toml_parser *tp, char **ret)
{
	int c = peek(tp, 0);
	if (c == '"' || c == '\'') {
		if (peek(tp, 1) == c && peek(tp, 2) == c)
			return fail(tp, "multi-line strings can't be keys");
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		int r = parse_string_into(tp, &sb);
		if (r < 0)
			return r;
		*ret = strbuf_detach(&sb, NULL);
		return 0;
	}
	const char *start = tp->p;
	while (is_bare_key_char(peek(tp, 0)))
		tp->p++;
	if (tp->p == start)
		return fail_unexpected(tp, "a key");
	*ret = xstrndup(start, (size_t)(tp->p - start));
	return 0;
}

static int parse_key(struct toml_parser *tp, char ***ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **parts = NULL;
	size_t n = 0;
	for (;;) {
		char *s = NULL;
		int r = parse_key_part(tp, &s);
		if (r < 0)
			return r;
		strv_push_take(&parts, s);
		if (++n > TOML_DEPTH_MAX)
			return fail(tp, "key has more than %d parts", TOML_DEPTH_MAX);
		skip_ws(tp);
		if (peek(tp, 0) != '.')
			break;
		tp->p++;
		skip_ws(tp);
	}
	*ret = TAKE_PTR(parts);
	*ret_n = n;
	return 0;
}

static char *key_str(char **key, size_t n)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "." : "", key[i]);
	return strbuf_detach(&sb, NULL);
}

static unsigned flags_get(struct toml_parser *tp, const json_t *v)
{
	char k[32];
	snprintf(k, sizeof(k), "%p", (const void *)v);
	return (unsigned)sk_json_int(tp->meta, k, 0);
}

static void flags_set(struct toml_parser *tp, const json_t *v, unsigned flags)
{
	char k[32];
	snprintf(k, sizeof(k), "%p", (const void *)v);
	json_object_set_new(tp->meta, k, json_integer(flags));
}

static json_t *table_add(struct toml_parser *tp, json_t *parent, const char *name, unsigned flags)
{
	json_t *t = json_object();
	json_object_set_new(parent, name, t);
	flags_set(tp, t, flags);
	return t;
}

/* Follow the first n parts of key from tab, creating missing tables. A [header] may pass
 * through any table and into the last element of an array of tables; a dotted key only
 * through tables that no [header] defined. */
static int walk(struct toml_parser *tp, json_t *tab, char **key, size_t n, bool header,
		json_t **ret)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(tab, key[i]);
		unsigned f = v ? flags_get(tp, v) : 0;
		if (!v) {
			v = table_add(tp, tab, key[i], header ? TAB_IMPLICIT : TAB_DOTTED);
		} else if (json_is_object(v) && (f & TAB_FROZEN)) {
			_cleanup_free_ char *k = key_str(key, i + 1);
			return fail(tp, "inline table '%s' can't be extended", k);
		} else if (json_is_object(v) && !header && (f & TAB_DEFINED)) {
			_cleanup_free_ char *k = key_str(key, i + 1);
			return fail(tp,
				    "table '%s' is defined elsewhere: dotted keys can't extend it",
				    k);
		} else if (header && json_is_array(v) && (f & ARR_TABLES)) {
			v = json_array_get(v, json_array_size(v) - 1);
		} else if (!json_is_object(v)) {
			_cleanup_free_ char *k = key_str(key, i + 1);
			return fail(tp, "key '%s' already has a value that is not a table", k);
		}
		tab = v;
	}
	*ret = tab;
	return 0;
}

static int parse_header(struct toml_parser *tp, json_t *root, json_t **cur)
{
	bool aot = peek(tp, 1) == '[';
	_cleanup_strv_free_ char **key = NULL;
	size_t n;
	json_t *parent;
	tp->p += aot ? 2 : 1;
	skip_ws(tp);
	int r = parse_key(tp, &key, &n);
	if (r < 0)
		return r;
	if (peek(tp, 0) != ']' || (aot && peek(tp, 1) != ']'))
		return fail_unexpected(tp, aot ? "']]' closing the table header"
					       : "']' closing the table header");
	tp->p += aot ? 2 : 1;
	r = walk(tp, root, key, n - 1, true, &parent);
	if (r < 0)
		return r;
	json_t *v = json_object_get(parent, key[n - 1]);
	unsigned f = v ? flags_get(tp, v) : 0;
	_cleanup_free_ char *k = key_str(key, n);
	if (aot) {
		if (!v) {
			v = json_array();
			json_object_set_new(parent, key[n - 1], v);
			flags_set(tp, v, ARR_TABLES);
		} else if (!json_is_array(v) || !(f & ARR_TABLES)) {
			return fail(tp, "key '%s' is not an array of tables", k);
		}
		*cur = json_object();
		json_array_append_new(v, *cur);
		flags_set(tp, *cur, TAB_DEFINED);
		return 0;
	}
	if (!v)
		v = table_add(tp, parent, key[n - 1], TAB_DEFINED);
	else if (json_is_object(v) && f == TAB_IMPLICIT)
		flags_set(tp, v, TAB_DEFINED);
	else
		return fail(tp, "table '%s' is defined more than once", k);
	*cur = v;
	return 0;
}

static bool take_digits(const char **s, int n)
{
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
	}
	*s += n;
	return true;
}

/* n digits making a number in [lo, hi]. */
static bool take_num(const char **s, int n, int lo, int hi, int *ret)
{
	const char *start = *s;
	int v = 0;
	if (!take_digits(s, n))
		return false;
	for (int i = 0; i < n; i++)
		v = v * 10 + (start[i] - '0');
	if (ret)
		*ret = v;
	return v >= lo && v <= hi;
}

static bool take_time(const char **s)
{
	if (!take_num(s, 2, 0, 23, NULL) || *(*s)++ != ':' || !take_num(s, 2, 0, 59, NULL) ||
	    *(*s)++ != ':' || !take_num(s, 2, 0, 60, NULL))
		return false;
	if (**s == '.') {
		(*s)++;
		if (!take_digits(s, 1))
			return false;
		while (isdigit((unsigned char)**s))
			(*s)++;
	}
	return true;
}

static bool take_date(const char **s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	if (!take_num(s, 4, 0, 9999, &y) || *(*s)++ != '-' || !take_num(s, 2, 1, 12, &m) ||
	    *(*s)++ != '-' || !take_num(s, 2, 1, mdays[m - 1], &d))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m != 2 || d <= 28 || leap;
}

/* RFC 3339 date-times as TOML allows them: offset or local date-time, local date, local time. */
static bool is_datetime(const char *s)
{
	const char *q = s;
	if (take_time(&q) && !*q)
		return true;
	q = s;
	if (!take_date(&q))
		return false;
	if (!*q)
		return true;
	if (*q != 'T' && *q != 't' && *q != ' ')
		return false;
	q++;
	if (!take_time(&q))
		return false;
	if (!*q)
		return true;
	if (*q == 'Z' || *q == 'z')
		return !q[1];
	if (*q != '+' && *q != '-')
		return false;
	q++;
	return take_num(&q, 2, 0, 23, NULL) && *q++ == ':' && take_num(&q, 2, 0, 59, NULL) && !*q;
}

/* Digits of a decimal integer part: no leading zeros. */
static bool take_int_part(const char **s)
{
	if (**s == '+' || **s == '-')
		(*s)++;
	if (!isdigit((unsigned char)**s) || (**s == '0' && isdigit((unsigned char)(*s)[1])))
		return false;
	while (isdigit((unsigned char)**s))
		(*s)++;
	return true;
}

static int parse_float(struct toml_parser *tp, const char *num, json_t **ret)
{
	const char *q = num;
	if (!take_int_part(&q))
		return fail(tp, "invalid number '%s'", num);
	if (*q == '.') {
		q++;
		if (!take_digits(&q, 1))
			return fail(tp, "invalid number '%s'", num);
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!take_digits(&q, 1))
			return fail(tp, "invalid number '%s'", num);
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (*q)
		return fail(tp, "invalid number '%s'", num);
	double d = strtod(num, NULL);
	if (!isfinite(d))
		return fail(tp, "float '%s' is out of range", num);
	*ret = json_real(d);
	return 0;
}

static int parse_radix(struct toml_parser *tp, const char *num, json_t **ret)
{
	int base = num[1] == 'x' ? 16 : num[1] == 'o' ? 8 : 2;
	const char *digits = num + 2;
	char *end;
	if (!isalnum((unsigned char)*digits))
		return fail(tp, "invalid number '%s'", num);
	errno = 0;
	unsigned long long v = strtoull(digits, &end, base);
	if (*end)
		return fail(tp, "invalid number '%s'", num);
	if (errno == ERANGE || v > INT64_MAX)
		return fail(tp, "integer '%s' is out of range", num);
	*ret = json_integer((json_int_t)v);
	return 0;
}

static int parse_number(struct toml_parser *tp, const char *tok, json_t **ret)
{
	char num[130];
	size_t k = 0, n = strlen(tok);
	bool radix = tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'o' || tok[1] == 'b');
	if (n >= sizeof(num))
		return fail(tp, "number '%.40s...' is too long", tok);
	for (size_t i = 0; i < n; i++) {
		if (tok[i] != '_') {
			num[k++] = tok[i];
			continue;
		}
		unsigned char a = i > 0 ? (unsigned char)tok[i - 1] : 0;
		unsigned char b = (unsigned char)tok[i + 1];
		bool ok = radix ? i > 2 && isxdigit(a) && isxdigit(b) : isdigit(a) && isdigit(b);
		if (!ok)
			return fail(tp, "invalid underscore in number '%s'", tok);
	}
	num[k] = '\0';
	if (radix)
		return parse_radix(tp, num, ret);
	if (strpbrk(num, ".eE"))
		return parse_float(tp, num, ret);
	const char *q = num;
	if (!take_int_part(&q) || *q)
		return fail(tp, "invalid value '%s'", tok);
	int64_t v;
	if (parse_int64(num, &v) < 0)
		return fail(tp, "integer '%s' is out of range", tok);
	*ret = json_integer(v);
	return 0;
}

static bool is_word_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '+' || c == '-' || c == '.' || c == ':');
}

/* Booleans, numbers and date-times. */
static int parse_word(struct toml_parser *tp, json_t **ret)
{
	const char *start = tp->p;
	while (is_word_char(peek(tp, 0)))
		tp->p++;
	/* a date, a space and a time: "1979-05-27 07:32:00" */
	if (tp->p - start == 10 && start[4] == '-' && peek(tp, 0) == ' ' && peek(tp, 1) >= 0 &&
	    isdigit(peek(tp, 1))) {
		tp->p++;
		while (is_word_char(peek(tp, 0)))
			tp->p++;
	}
	_cleanup_free_ char *tok = xstrndup(start, (size_t)(tp->p - start));
	if (streq(tok, "true") || streq(tok, "false")) {
		*ret = json_boolean(streq(tok, "true"));
		return 0;
	}
	if (is_datetime(tok)) {
		*ret = json_string(tok);
		return 0;
	}
	if (strstr(tok, "inf") || strstr(tok, "nan"))
		return fail(tp, "infinite and NaN floats are not supported");
	if (!*tok || !(isdigit((unsigned char)tok[0]) || tok[0] == '+' || tok[0] == '-'))
		return fail(tp, "invalid value '%.40s'", tok);
	return parse_number(tp, tok, ret);
}

static int parse_array(struct toml_parser *tp, json_t **ret)
{
	_cleanup_json_ json_t *arr = json_array();
	int r;
	tp->p++;
	for (;;) {
		if ((r = skip_blank(tp)) < 0)
			return r;
		if (peek(tp, 0) == ']')
			break;
		json_t *v = NULL;
		if ((r = parse_value(tp, &v)) < 0)
			return r;
		json_array_append_new(arr, v);
		if ((r = skip_blank(tp)) < 0)
			return r;
		if (peek(tp, 0) == ']')
			break;
		if (peek(tp, 0) != ',')
			return fail_unexpected(tp, "',' or ']' in an array");
		tp->p++;
	}
	tp->p++;
	*ret = TAKE_PTR(arr);
	return 0;
}

static int parse_inline_table(struct toml_parser *tp, json_t **ret)
{
	_cleanup_json_ json_t *tab = json_object();
	tp->p++;
	skip_ws(tp);
	if (peek(tp, 0) == '}') {
		tp->p++;
		*ret = TAKE_PTR(tab);
		return 0;
	}
	for (;;) {
		skip_ws(tp);
		int r = parse_keyval(tp, tab);
		if (r < 0)
			return r;
		skip_ws(tp);
		if (peek(tp, 0) == '}')
			break;
		if (peek(tp, 0) != ',')
			return fail_unexpected(tp, "',' or '}' in an inline table");
		tp->p++;
	}
	tp->p++;
	flags_set(tp, tab, TAB_FROZEN);
	*ret = TAKE_PTR(tab);
	return 0;
}

static int parse_value(struct toml_parser *tp, json_t **ret)
{
	int c = peek(tp, 0), r;
	if (c == '"' || c == '\'')
		return parse_string(tp, ret);
	if (is_word_char(c))
		return parse_word(tp, ret);
	if (c != '[' && c != '{')
		return fail_unexpected(tp, "a value");
	if (tp->depth >= TOML_DEPTH_MAX)
		return fail(tp, "arrays and inline tables nested more than %d deep",
			    TOML_DEPTH_MAX);
	tp->depth++;
	r = c == '[' ? parse_array(tp, ret) : parse_inline_table(tp, ret);
	tp->depth--;
	return r;
}

static int parse_keyval(struct toml_parser *tp, json_t *tab)
{
	_cleanup_strv_free_ char **key = NULL;
	_cleanup_json_ json_t *v = NULL;
	size_t n;
	json_t *parent;
	int r = parse_key(tp, &key, &n);
	if (r < 0)
		return r;
	if (peek(tp, 0) != '=')
		return fail_unexpected(tp, "'=' after a key");
	tp->p++;
	skip_ws(tp);
	r = walk(tp, tab, key, n - 1, false, &parent);
	if (r < 0)
		return r;
	if (json_object_get(parent, key[n - 1])) {
		_cleanup_free_ char *k = key_str(key, n);
		return fail(tp, "duplicate key '%s'", k);
	}
	r = parse_value(tp, &v);
	if (r < 0)
		return r;
	json_object_set_new(parent, key[n - 1], TAKE_PTR(v));
	return 0;
}

static int parse_document(struct toml_parser *tp, json_t *root)
{
	json_t *cur = root;
	int r = check_text(tp);
	if (r < 0)
		return r;
	if (tp->end - tp->p >= 3 && memcmp(tp->p, "\xef\xbb\xbf", 3) == 0)
		tp->p += 3;
	for (;;) {
		skip_ws(tp);
		if (peek(tp, 0) < 0)
			return 0;
		if (peek(tp, 0) == '[')
			r = parse_header(tp, root, &cur);
		else if (peek(tp, 0) != '#' && !at_newline(tp))
			r = parse_keyval(tp, cur);
		if (r < 0)
			return r;
		r = expect_eol(tp);
		if (r < 0)
			return r;
	}
}

int toml_parse(const char *text, size_t len, json_t **ret, char **ret_reason)
{
	struct toml_parser tp = { .p = text, .end = text + len, .line = 1, .meta = json_object() };
	_cleanup_json_ json_t *root = json_object();
	int r = parse_document(&tp, root);
	json_decref(tp.meta);
	if (r < 0) {
		if (ret_reason)
			*ret_reason = TAKE_PTR(tp.reason);
		free(tp.reason);
		return r;
	}
	*ret = TAKE_PTR(root);
	return 0;
}

int toml_parse_file(const char *path, json_t **ret, char **ret_reason)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(path, TOML_FILE_MAX, &text, &len);
	if (r < 0)
		return r;
	return toml_parse(text, len, ret, ret_reason);
}
