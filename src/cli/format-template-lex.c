/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format lexer: splits a Go template into text and the tokens of its actions, as Go's
 * text/template/parse lexer does (trim markers "{{- " and " -}}" applied here, comments
 * dropped).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/format-template-internal.h"
#include "util/xalloc.h"

struct lexer {
	const char *text;
	size_t len;
	size_t pos;
	struct format_token *toks;
	size_t n, alloc;
	int parens;
	bool trim_next; /* drop the leading white space of the next text */
	char *msg;
	size_t err_pos;
};

static const struct {
	const char *word;
	enum format_tok_type type;
} keywords[] = {
	{ "if", FORMAT_TOK_IF },
	{ "else", FORMAT_TOK_ELSE },
	{ "end", FORMAT_TOK_END },
	{ "range", FORMAT_TOK_RANGE },
	{ "with", FORMAT_TOK_WITH },
	{ "break", FORMAT_TOK_BREAK },
	{ "continue", FORMAT_TOK_CONTINUE },
	{ "define", FORMAT_TOK_DEFINE },
	{ "template", FORMAT_TOK_TEMPLATE },
	{ "block", FORMAT_TOK_BLOCK },
	{ "nil", FORMAT_TOK_NIL },
	{ "true", FORMAT_TOK_BOOL },
	{ "false", FORMAT_TOK_BOOL },
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alnum(char c)
{
	unsigned char u = (unsigned char)c;
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
	       u == '_' || u >= 0x80;
}

/* Go's %#U of a byte: "U+0023 '#'". */
static const char *describe_char(char c, char buf[16])
{
	unsigned char u = (unsigned char)c;
	if (u >= 0x20 && u < 0x7f)
		snprintf(buf, 16, "U+%04X '%c'", u, u);
	else
		snprintf(buf, 16, "U+%04X", u);
	return buf;
}

static int lex_fail(struct lexer *l, size_t pos, const char *fmt, ...) _printf_(3, 4);
static int lex_fail(struct lexer *l, size_t pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	l->msg = xvasprintf(fmt, ap);
	va_end(ap);
	l->err_pos = pos;
	return -EINVAL;
}

static void emit(struct lexer *l, enum format_tok_type type, size_t start, size_t end)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 64;
		l->toks = xreallocarray(l->toks, l->alloc, sizeof(*l->toks));
	}
	l->toks[l->n++] = (struct format_token){
		.type = type, .pos = start, .s = l->text + start, .len = end - start
	};
}

static char peek_at(const struct lexer *l, size_t pos)
{
	return pos < l->len ? l->text[pos] : '\0';
}

static bool starts_with(const struct lexer *l, size_t pos, const char *s)
{
	size_t n = strlen(s);
	return pos <= l->len && l->len - pos >= n && memcmp(l->text + pos, s, n) == 0;
}

/* At "}}" or " -}}"? Sets *trim for the latter. */
static bool at_right_delim(const struct lexer *l, size_t pos, bool *trim)
{
	*trim = is_space(peek_at(l, pos)) && peek_at(l, pos + 1) == '-' &&
		starts_with(l, pos + 2, "}}");
	return *trim || starts_with(l, pos, "}}");
}

static bool at_terminator(const struct lexer *l, size_t pos)
{
	char c = peek_at(l, pos);
	return pos >= l->len || is_space(c) || strchr(".,|:()", c) || starts_with(l, pos, "}}");
}

/* Text up to the next "{{", trimmed as the markers ask; *ret_delim is where that "{{" is.
 * Returns 1 at the end of input. */
static int lex_text(struct lexer *l, size_t *ret_delim)
{
	const char *p = memmem(l->text + l->pos, l->len - l->pos, "{{", 2);
	size_t end = p ? (size_t)(p - l->text) : l->len;
	size_t start = l->pos, tend = end;
	bool trim_left = p && peek_at(l, end + 2) == '-' && is_space(peek_at(l, end + 3));

	if (l->trim_next)
		while (start < end && is_space(l->text[start]))
			start++;
	l->trim_next = false;
	if (trim_left)
		while (tend > start && is_space(l->text[tend - 1]))
			tend--;
	if (tend > start)
		emit(l, FORMAT_TOK_TEXT, start, tend);
	if (!p) {
		emit(l, FORMAT_TOK_EOF, l->len, l->len);
		return 1;
	}
	*ret_delim = end;
	l->pos = end + 2 + (trim_left ? 2 : 0);
	return 0;
}

static int lex_comment(struct lexer *l, size_t delim_pos)
{
	const char *p = memmem(l->text + l->pos, l->len - l->pos, "*/", 2);
	bool trim;

	if (!p)
		return lex_fail(l, delim_pos, "unclosed comment");
	l->pos = (size_t)(p - l->text) + 2;
	if (!at_right_delim(l, l->pos, &trim))
		return lex_fail(l, delim_pos, "comment ends before closing delimiter");
	l->pos += trim ? 4 : 2;
	l->trim_next = trim;
	return 0;
}

static int lex_quote(struct lexer *l, size_t start, char q)
{
	size_t i = start + 1;

	for (;; i++) {
		if (i >= l->len)
			return lex_fail(l, start,
					q == '`' ? "unterminated raw quoted string"
						 : "unterminated quoted string");
		char c = l->text[i];
		if (c == q)
			break;
		if (q == '`')
			continue;
		if (c == '\n')
			return lex_fail(l, start,
					q == '"' ? "unterminated quoted string"
						 : "unterminated character constant");
		if (c == '\\')
			i++;
	}
	emit(l, q == '\'' ? FORMAT_TOK_CHAR : FORMAT_TOK_STRING, start, i + 1);
	l->pos = i + 1;
	return 0;
}

static int lex_word(struct lexer *l, size_t start, size_t from, enum format_tok_type type)
{
	size_t i = from;
	char buf[16];

	while (i < l->len && is_alnum(l->text[i]))
		i++;
	if (!at_terminator(l, i))
		return lex_fail(l, i, "bad character %s", describe_char(l->text[i], buf));
	if (type == FORMAT_TOK_IDENT) {
		for (size_t k = 0; k < ELEMENTSOF(keywords); k++)
			if (strlen(keywords[k].word) == i - start &&
			    memcmp(keywords[k].word, l->text + start, i - start) == 0)
				type = keywords[k].type;
	} else if (i == from) {
		type = type == FORMAT_TOK_FIELD ? FORMAT_TOK_DOT : FORMAT_TOK_VARIABLE;
	}
	emit(l, type, start, i);
	l->pos = i;
	return 0;
}

static int lex_number(struct lexer *l, size_t start)
{
	size_t i = start;

	if (peek_at(l, i) == '+' || peek_at(l, i) == '-')
		i++;
	while (i < l->len) {
		char c = l->text[i];
		char prev = i > start ? l->text[i - 1] : '\0';
		bool hex =
			i - start >= 2 && (l->text[start + 1] == 'x' || l->text[start + 1] == 'X');
		if (is_alnum(c) || c == '.')
			i++;
		else if ((c == '+' || c == '-') &&
			 ((!hex && (prev == 'e' || prev == 'E')) || prev == 'p' || prev == 'P'))
			i++;
		else
			break;
	}
	if (i == start + 1 && (l->text[start] == '+' || l->text[start] == '-'))
		return lex_fail(l, start, "bad number syntax: \"%c\"", l->text[start]);
	emit(l, FORMAT_TOK_NUMBER, start, i);
	l->pos = i;
	return 0;
}

static int lex_space(struct lexer *l)
{
	size_t start = l->pos, i = l->pos;

	while (i < l->len && is_space(l->text[i]))
		i++;
	/* a trim marker " -}}" after the spaces: leave its space to the delimiter */
	if (peek_at(l, i) == '-' && starts_with(l, i + 1, "}}")) {
		i--;
		if (i == start) {
			l->pos = i;
			return 0;
		}
	}
	emit(l, FORMAT_TOK_SPACE, start, i);
	l->pos = i;
	return 0;
}

static int lex_operator(struct lexer *l, size_t start, char c)
{
	enum format_tok_type type;
	size_t n = 1;
	char buf[16];

	switch (c) {
	case '=':
		type = FORMAT_TOK_ASSIGN;
		break;
	case ':':
		if (peek_at(l, start + 1) != '=')
			return lex_fail(l, start, "expected :=");
		type = FORMAT_TOK_DECLARE;
		n = 2;
		break;
	case '|':
		type = FORMAT_TOK_PIPE;
		break;
	case ',':
		type = FORMAT_TOK_COMMA;
		break;
	case '(':
		if (++l->parens > FORMAT_MAX_DEPTH)
			return lex_fail(l, start, "parentheses nested too deeply");
		type = FORMAT_TOK_LPAREN;
		break;
	case ')':
		if (--l->parens < 0)
			return lex_fail(l, start, "unexpected right paren");
		type = FORMAT_TOK_RPAREN;
		break;
	default:
		return lex_fail(l, start, "unrecognized character in action: %s",
				describe_char(c, buf));
	}
	emit(l, type, start, start + n);
	l->pos = start + n;
	return 0;
}

static int lex_one(struct lexer *l, size_t delim_pos)
{
	size_t start = l->pos;
	char c = peek_at(l, start);

	if (start >= l->len)
		return lex_fail(l, delim_pos, "unclosed action");
	if (is_space(c))
		return lex_space(l);
	if (c == '"' || c == '`' || c == '\'')
		return lex_quote(l, start, c);
	if (c == '$')
		return lex_word(l, start, start + 1, FORMAT_TOK_VARIABLE);
	if (c == '.' && !(peek_at(l, start + 1) >= '0' && peek_at(l, start + 1) <= '9'))
		return lex_word(l, start, start + 1, FORMAT_TOK_FIELD);
	if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9'))
		return lex_number(l, start);
	if (is_alnum(c))
		return lex_word(l, start, start, FORMAT_TOK_IDENT);
	return lex_operator(l, start, c);
}

/* The inside of one action, from after "{{" (and its trim marker) to after "}}". */
static int lex_action(struct lexer *l, size_t delim_pos)
{
	bool trim;
	int r;

	if (starts_with(l, l->pos, "/*"))
		return lex_comment(l, delim_pos);
	emit(l, FORMAT_TOK_LEFT, delim_pos, delim_pos + 2);
	l->parens = 0;
	while (!at_right_delim(l, l->pos, &trim)) {
		r = lex_one(l, delim_pos);
		if (r < 0)
			return r;
	}
	if (l->parens > 0)
		return lex_fail(l, l->pos, "unclosed left paren");
	emit(l, FORMAT_TOK_RIGHT, l->pos, l->pos + (trim ? 4 : 2));
	l->pos += trim ? 4 : 2;
	l->trim_next = trim;
	return 0;
}

int format_lex(const char *text, size_t len, struct format_token **ret, size_t *ret_n,
	       char **ret_msg, size_t *ret_pos)
{
	struct lexer l = { .text = text, .len = len };
	int r;

	for (;;) {
		size_t delim_pos = 0;
		r = lex_text(&l, &delim_pos);
		if (r > 0)
			break;
		r = lex_action(&l, delim_pos);
		if (r < 0) {
			free(l.toks);
			*ret_msg = l.msg;
			*ret_pos = l.err_pos;
			return r;
		}
	}
	*ret = l.toks;
	*ret_n = l.n;
	return 0;
}

char *format_token_describe(const struct format_token *tok)
{
	switch (tok->type) {
	case FORMAT_TOK_EOF:
		return xstrdup("EOF");
	case FORMAT_TOK_IF:
	case FORMAT_TOK_ELSE:
	case FORMAT_TOK_END:
	case FORMAT_TOK_RANGE:
	case FORMAT_TOK_WITH:
	case FORMAT_TOK_BREAK:
	case FORMAT_TOK_CONTINUE:
	case FORMAT_TOK_DEFINE:
	case FORMAT_TOK_TEMPLATE:
	case FORMAT_TOK_BLOCK:
		return xasprintf("<%.*s>", (int)tok->len, tok->s);
	default:
		if (tok->len > 10)
			return xasprintf("\"%.10s\"...", tok->s);
		return xasprintf("\"%.*s\"", (int)tok->len, tok->s);
	}
}

void format_utf8_put(struct strbuf *out, int64_t r)
{
	if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		r = 0xfffd;
	if (r < 0x80) {
		strbuf_addch(out, (char)r);
	} else if (r < 0x800) {
		strbuf_addch(out, (char)(0xc0 | (r >> 6)));
		strbuf_addch(out, (char)(0x80 | (r & 0x3f)));
	} else if (r < 0x10000) {
		strbuf_addch(out, (char)(0xe0 | (r >> 12)));
		strbuf_addch(out, (char)(0x80 | ((r >> 6) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | (r & 0x3f)));
	} else {
		strbuf_addch(out, (char)(0xf0 | (r >> 18)));
		strbuf_addch(out, (char)(0x80 | ((r >> 12) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | ((r >> 6) & 0x3f)));
		strbuf_addch(out, (char)(0x80 | (r & 0x3f)));
	}
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash at s[*i] (s[*i] is the letter); Go's strconv.UnquoteChar. */
static int unquote_escape(const char *s, size_t len, size_t *i, char quote, struct strbuf *out)
{
	static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\";
	char c = s[*i];
	const char *m = strchr(simple, c);
	int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	uint32_t r = 0;

	if (c && m && (m - simple) % 2 == 0) {
		strbuf_addch(out, m[1]);
		(*i)++;
		return 0;
	}
	if (c == quote) {
		strbuf_addch(out, c);
		(*i)++;
		return 0;
	}
	if (c >= '0' && c <= '7') {
		for (int k = 0; k < 3; k++, (*i)++) {
			if (*i >= len || s[*i] < '0' || s[*i] > '7')
				return -EINVAL;
			r = r * 8 + (uint32_t)(s[*i] - '0');
		}
		if (r > 255)
			return -EINVAL;
		strbuf_addch(out, (char)r);
		return 0;
	}
	if (!digits)
		return -EINVAL;
	for (int k = 0; k < digits; k++) {
		if (++(*i) >= len || hex_digit(s[*i]) < 0)
			return -EINVAL;
		r = r * 16 + (uint32_t)hex_digit(s[*i]);
	}
	(*i)++;
	if (c == 'x') {
		strbuf_addch(out, (char)r);
		return 0;
	}
	if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		return -EINVAL;
	format_utf8_put(out, r);
	return 0;
}

/* Go's strconv.Unquote of a "...", `...` or '...' token. */
static int unquote(const char *s, size_t len, struct strbuf *out)
{
	char q = s[0];

	if (q == '`') {
		for (size_t i = 1; i + 1 < len; i++)
			if (s[i] != '\r')
				strbuf_addch(out, s[i]);
		return 0;
	}
	for (size_t i = 1; i + 1 < len;) {
		if (s[i] != '\\') {
			strbuf_addch(out, s[i++]);
			continue;
		}
		i++;
		if (unquote_escape(s, len - 1, &i, q, out) < 0)
			return -EINVAL;
	}
	return 0;
}

/* The rune of a character constant, or -1. */
static int64_t char_value(const char *s, size_t len)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	const unsigned char *u;
	bool byte_escape;
	int64_t r;
	size_t n;

	if (len < 3 || unquote(s, len, &sb) < 0 || sb.len == 0)
		return -1;
	u = (const unsigned char *)sb.buf;
	byte_escape = s[1] == '\\' && (s[2] == 'x' || (s[2] >= '0' && s[2] <= '7'));
	if (byte_escape || u[0] < 0x80)
		return sb.len == 1 ? u[0] : -1;
	n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
	if (n == 0 || sb.len != n)
		return -1;
	r = u[0] & (0x7f >> n);
	for (size_t k = 1; k < n; k++)
		r = (r << 6) | (u[k] & 0x3f);
	return r;
}

static json_t *number_value(const char *s, size_t len)
{
	_cleanup_free_ char *clean = xmalloc(len + 1);
	bool hex = false, is_float = false;
	size_t n = 0;
	char *end;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '_')
			clean[n++] = s[i];
	clean[n] = '\0';
	const char *digits = clean + (clean[0] == '+' || clean[0] == '-');
	hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	is_float = strpbrk(clean, hex ? "pP" : ".eEpP") != NULL;
	if (n == 0 || clean[n - 1] == 'i')
		return NULL;
	if (is_float) {
		errno = 0;
		double d = strtod(clean, &end);
		return *end || errno ? NULL : json_real(d);
	}
	int base = 10;
	const char *body = digits;
	if (digits[0] == '0' && digits[1]) {
		char b = digits[1];
		base = (b == 'x' || b == 'X') ? 16 : (b == 'b' || b == 'B') ? 2 : 8;
		body = digits + ((b == 'o' || b == 'O' || base != 8) ? 2 : 1);
	}
	errno = 0;
	long long v = strtoll(body, &end, base);
	if (*end || errno || !*body || *body == '-' || *body == '+')
		return NULL;
	return json_integer(clean[0] == '-' ? -v : v);
}

json_t *format_literal_value(const struct format_token *tok)
{
	switch (tok->type) {
	case FORMAT_TOK_BOOL:
		return json_boolean(tok->s[0] == 't');
	case FORMAT_TOK_STRING: {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		if (unquote(tok->s, tok->len, &sb) < 0)
			return NULL;
		return json_stringn_nocheck(strbuf_str(&sb), sb.len);
	}
	case FORMAT_TOK_CHAR: {
		int64_t r = char_value(tok->s, tok->len);
		return r < 0 ? NULL : json_integer(r);
	}
	default:
		return number_value(tok->s, tok->len);
	}
}
