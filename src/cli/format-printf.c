/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's fmt over template values: %v printing (what {{.X}} writes), Sprint, Sprintln and
 * Sprintf with Go's verbs, flags and in-band errors ("%!d(string=a)", "%!s(MISSING)",
 * "%!(EXTRA int64=1)").
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format-template-internal.h"
#include "util/xalloc.h"

struct spec {
	bool minus, plus, sharp, space, zero;
	int width; /* -1: none */
	int prec;  /* -1: none */
	char verb;
};

static void print_verb(struct strbuf *out, const struct spec *sp, const json_t *v, int depth);

/* Pad s (already formatted) to the width in characters, as Go's fmt.pad. */
static void pad(struct strbuf *out, const struct spec *sp, const char *s, size_t len)
{
	size_t chars = format_utf8_count(s, len);
	size_t fill = sp->width > 0 && (size_t)sp->width > chars ? (size_t)sp->width - chars : 0;

	if (!sp->minus)
		strbuf_addchars(out, sp->zero ? '0' : ' ', fill);
	strbuf_add(out, s, len);
	if (sp->minus)
		strbuf_addchars(out, ' ', fill);
}

/* A signed number: sign before zero padding. */
static void pad_number(struct strbuf *out, const struct spec *sp, const char *num)
{
	bool signed_num = num[0] == '-' || num[0] == '+' || num[0] == ' ';
	size_t len = strlen(num);

	if (sp->zero && !sp->minus && sp->width > 0 && (size_t)sp->width > len && signed_num) {
		strbuf_addch(out, num[0]);
		strbuf_addchars(out, '0', (size_t)sp->width - len);
		strbuf_addstr(out, num + 1);
		return;
	}
	pad(out, sp, num, len);
}

/* What a non-negative number starts with: "+" for %+d, " " for % d. */
static const char *sign_prefix(const struct spec *sp)
{
	if (sp->plus)
		return "+";
	return sp->space ? " " : "";
}

static int verb_base(char verb)
{
	switch (verb) {
	case 'b':
		return 2;
	case 'o':
	case 'O':
		return 8;
	case 'x':
	case 'X':
		return 16;
	default:
		return 10;
	}
}

static void bad_verb(struct strbuf *out, char verb, const json_t *v)
{
	strbuf_addf(out, "%%!%c(", verb);
	if (!v || json_is_null(v)) {
		strbuf_addstr(out, "<nil>");
	} else {
		strbuf_addf(out, "%s=", format_value_type(v));
		format_value_print(out, v);
	}
	strbuf_addch(out, ')');
}

static void print_float(struct strbuf *out, const struct spec *sp, double f)
{
	_cleanup_strbuf_ struct strbuf num = STRBUF_INIT;
	char verb = sp->verb;

	if (verb == 'v' || ((verb == 'g' || verb == 'G') && sp->prec < 0)) {
		format_float_shortest(&num, f, false);
		if (verb == 'G')
			for (char *p = num.buf; *p; p++)
				*p = *p == 'e' ? 'E' : *p;
	} else if (strchr("eEfFgGxX", verb)) {
		int prec = sp->prec < 0 ? 6 : sp->prec;
		switch (verb) {
		case 'e':
			strbuf_addf(&num, "%.*e", prec, f);
			break;
		case 'E':
			strbuf_addf(&num, "%.*E", prec, f);
			break;
		case 'f':
		case 'F':
			strbuf_addf(&num, "%.*f", prec, f);
			break;
		case 'g':
			strbuf_addf(&num, "%.*g", prec, f);
			break;
		case 'G':
			strbuf_addf(&num, "%.*G", prec, f);
			break;
		default:
			strbuf_addf(&num, verb == 'x' ? "%a" : "%A", f);
			break;
		}
	} else {
		json_t *v = json_real(f);
		bad_verb(out, verb, v);
		json_decref(v);
		return;
	}
	if (num.buf[0] != '-') {
		_cleanup_free_ char *s = xasprintf("%s%s", sign_prefix(sp), num.buf);
		pad_number(out, sp, s);
		return;
	}
	pad_number(out, sp, num.buf);
}

/* Go's strconv.Quote (ascii_only: QuoteToASCII), or a single-quoted rune. */
static void quote(struct strbuf *out, const char *s, size_t len, char q, bool ascii_only)
{
	strbuf_addch(out, q);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = strchr("\a\b\f\n\r\t\v", c);
		if (c == (unsigned char)q || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)c);
		} else if (c && esc) {
			strbuf_addch(out, '\\');
			strbuf_addch(out, "abfnrtv"[esc - "\a\b\f\n\r\t\v"]);
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(out, "\\x%02x", c);
		} else if (c < 0x80) {
			strbuf_addch(out, (char)c);
		} else {
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
			bool ok = n > 0 && i + n <= len;
			for (size_t k = 1; ok && k < n; k++)
				ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (!ok) {
				strbuf_addf(out, "\\x%02x", c);
			} else if (ascii_only) {
				uint32_t r = c & (0x7f >> n);
				for (size_t k = 1; k < n; k++)
					r = (r << 6) | ((unsigned char)s[i + k] & 0x3f);
				strbuf_addf(out, r > 0xffff ? "\\U%08x" : "\\u%04x", r);
				i += n - 1;
			} else {
				strbuf_add(out, s + i, n);
				i += n - 1;
			}
		}
	}
	strbuf_addch(out, q);
}

static void print_int(struct strbuf *out, const struct spec *sp, int64_t v)
{
	_cleanup_strbuf_ struct strbuf num = STRBUF_INIT;
	char verb = sp->verb, digits[80], *d = digits + sizeof(digits);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int base = verb_base(verb);
	const char *alpha = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	struct spec nsp = *sp;
	int prec = sp->prec;

	if (verb == 'c' || verb == 'q' || verb == 'U') {
		_cleanup_strbuf_ struct strbuf r = STRBUF_INIT;
		if (verb == 'c')
			format_utf8_put(&r, v);
		else if (verb == 'U')
			strbuf_addf(&r, "U+%04" PRIX64, (uint64_t)v);
		else {
			_cleanup_strbuf_ struct strbuf ch = STRBUF_INIT;
			format_utf8_put(&ch, v);
			quote(&r, ch.buf, ch.len, '\'', sp->plus);
		}
		pad(out, sp, r.buf, r.len);
		return;
	}
	if (!strchr("vdboOxX", verb)) {
		json_t *j = json_integer(v);
		bad_verb(out, verb, j);
		json_decref(j);
		return;
	}
	if (prec < 0 && sp->zero && !sp->minus && sp->width > 0)
		prec = sp->width - (v < 0 || sp->plus || sp->space);
	*--d = '\0';
	int nd = 0;
	do {
		*--d = alpha[u % (uint64_t)base];
		u /= (uint64_t)base;
		nd++;
	} while (u);
	if (sp->prec == 0 && v == 0)
		d++, nd = 0;
	strbuf_addstr(&num, v < 0 ? "-" : sign_prefix(sp));
	if (verb == 'O' || (sp->sharp && base == 8 && prec <= nd))
		strbuf_addstr(&num, verb == 'O' ? "0o" : "0");
	if (sp->sharp && base == 16)
		strbuf_addstr(&num, verb == 'X' ? "0X" : "0x");
	if (sp->sharp && base == 2)
		strbuf_addstr(&num, "0b");
	if (prec > nd)
		strbuf_addchars(&num, '0', (size_t)(prec - nd));
	strbuf_addstr(&num, d);
	nsp.zero = false;
	pad(out, &nsp, num.buf, num.len);
}

static void print_string(struct strbuf *out, const struct spec *sp, const char *s, size_t len)
{
	_cleanup_strbuf_ struct strbuf tmp = STRBUF_INIT;
	size_t n = len;

	if (sp->prec >= 0) {
		/* precision counts characters */
		size_t chars = 0;
		for (n = 0; n < len; n++) {
			if (((unsigned char)s[n] & 0xc0) != 0x80 && chars++ == (size_t)sp->prec)
				break;
		}
	}
	switch (sp->verb) {
	case 'v':
	case 's':
		pad(out, sp, s, n);
		return;
	case 'q':
		quote(&tmp, s, n, '"', sp->plus);
		break;
	case 'x':
	case 'X':
		for (size_t i = 0; i < n; i++) {
			if (i > 0 && sp->space)
				strbuf_addch(&tmp, ' ');
			if (sp->sharp && (i == 0 || sp->space))
				strbuf_addstr(&tmp, sp->verb == 'x' ? "0x" : "0X");
			strbuf_addf(&tmp, sp->verb == 'x' ? "%02x" : "%02X", (unsigned char)s[i]);
		}
		break;
	default: {
		json_t *j = json_stringn_nocheck(s, len);
		bad_verb(out, sp->verb, j);
		json_decref(j);
		return;
	}
	}
	pad(out, sp, tmp.buf, tmp.len);
}

static void print_container(struct strbuf *out, const struct spec *sp, const json_t *v, int depth)
{
	if (json_is_array(v)) {
		strbuf_addch(out, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				strbuf_addch(out, ' ');
			print_verb(out, sp, json_array_get(v, i), depth + 1);
		}
		strbuf_addch(out, ']');
		return;
	}
	size_t n = 0;
	_cleanup_free_ const char **keys = format_object_sorted_keys(v, &n);
	strbuf_addstr(out, "map[");
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_string_nocheck(keys[i]);
		if (i)
			strbuf_addch(out, ' ');
		print_verb(out, sp, k, depth + 1);
		strbuf_addch(out, ':');
		print_verb(out, sp, json_object_get(v, keys[i]), depth + 1);
		json_decref(k);
	}
	strbuf_addch(out, ']');
}

static void print_verb(struct strbuf *out, const struct spec *sp, const json_t *v, int depth)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
		if (sp->verb == 'v')
			pad(out, sp, "<nil>", 5);
		else
			bad_verb(out, sp->verb, NULL);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if (sp->verb == 'v' || sp->verb == 't')
			pad(out, sp, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5);
		else
			bad_verb(out, sp->verb, v);
		break;
	case JSON_INTEGER:
		print_int(out, sp, json_integer_value(v));
		break;
	case JSON_REAL:
		print_float(out, sp, json_real_value(v));
		break;
	case JSON_STRING:
		print_string(out, sp, json_string_value(v), json_string_length(v));
		break;
	default:
		print_container(out, sp, v, depth);
		break;
	}
}

void format_value_print(struct strbuf *out, const json_t *v)
{
	struct spec sp = { .width = -1, .prec = -1, .verb = 'v' };
	print_verb(out, &sp, v, 0);
}

void format_go_sprint(struct strbuf *out, json_t **argv, size_t argc, bool ln)
{
	bool prev_string = false;

	for (size_t i = 0; i < argc; i++) {
		bool is_string = json_is_string(argv[i]);
		if (i > 0 && (ln || (!is_string && !prev_string)))
			strbuf_addch(out, ' ');
		format_value_print(out, argv[i]);
		prev_string = is_string;
	}
	if (ln)
		strbuf_addch(out, '\n');
}

/* Digits at fmt[*i]: the number, -1 when none, -2 when larger than Go's limit. */
static int parse_num(const char *fmt, size_t len, size_t *i)
{
	int n = -1;
	while (*i < len && fmt[*i] >= '0' && fmt[*i] <= '9') {
		if (n > FORMAT_MAX_WIDTH)
			return -2;
		n = (n < 0 ? 0 : n * 10) + (fmt[*i] - '0');
		(*i)++;
	}
	return n > FORMAT_MAX_WIDTH ? -2 : n;
}

/* The arguments of one Sprintf call and the position in them. */
struct args {
	json_t **argv;
	size_t argc, argn;
	bool reordered;
};

/* An argument index "[n]" at fmt[*i]: moves the position, or returns false for a bad one. */
static bool parse_argindex(const char *fmt, size_t len, size_t *i, struct args *a)
{
	if (*i >= len || fmt[*i] != '[')
		return true;
	a->reordered = true;
	size_t j = *i + 1;
	int n = parse_num(fmt, len, &j);
	if (j >= len || fmt[j] != ']' || n < 1 || (size_t)n > a->argc) {
		const char *close = memchr(fmt + *i, ']', len - *i);
		*i = close ? (size_t)(close - fmt) + 1 : len;
		return false;
	}
	a->argn = (size_t)n - 1;
	*i = j + 1;
	return true;
}

/* A '*' width or precision taken from an integer argument. */
static bool star_arg(struct args *a, int *ret)
{
	if (a->argn >= a->argc || !json_is_integer(a->argv[a->argn])) {
		a->argn++;
		return false;
	}
	json_int_t v = json_integer_value(a->argv[a->argn++]);
	if (v > FORMAT_MAX_WIDTH || v < -FORMAT_MAX_WIDTH)
		return false;
	*ret = (int)v;
	return true;
}

static void parse_flags(const char *fmt, size_t len, size_t *i, struct spec *sp)
{
	for (; *i < len && strchr("#0+- ", fmt[*i]); (*i)++) {
		char c = fmt[*i];
		sp->sharp |= c == '#';
		sp->plus |= c == '+';
		sp->space |= c == ' ';
		if (c == '-') {
			sp->minus = true;
			sp->zero = false;
		}
		if (c == '0')
			sp->zero = !sp->minus;
	}
}

/* Width ("5" or "*"); false when absurdly large (Go then gives up on the directive). */
static bool parse_width(struct strbuf *out, const char *fmt, size_t len, size_t *i, struct spec *sp,
			struct args *a)
{
	int w = -1;

	if (*i < len && fmt[*i] == '*') {
		(*i)++;
		if (!star_arg(a, &w)) {
			strbuf_addstr(out, "%!(BADWIDTH)");
			return true;
		}
		if (w < 0) {
			sp->minus = true;
			sp->zero = false;
			w = -w;
		}
		sp->width = w;
		return true;
	}
	sp->width = parse_num(fmt, len, i);
	return sp->width != -2;
}

/* Precision (".2", "." or ".*"); false when absurdly large. */
static bool parse_prec(struct strbuf *out, const char *fmt, size_t len, size_t *i, struct spec *sp,
		       struct args *a, bool *bad_index)
{
	if (*i >= len || fmt[*i] != '.')
		return true;
	(*i)++;
	*bad_index |= !parse_argindex(fmt, len, i, a);
	if (*i < len && fmt[*i] == '*') {
		(*i)++;
		if (!star_arg(a, &sp->prec) || sp->prec < 0) {
			sp->prec = -1;
			strbuf_addstr(out, "%!(BADPREC)");
		}
		return true;
	}
	sp->prec = parse_num(fmt, len, i);
	if (sp->prec == -2)
		return false;
	if (sp->prec < 0)
		sp->prec = 0;
	return true;
}

/* The flags, width and precision after a '%'; returns false (after writing Go's complaint)
 * when the directive is unusable. */
static bool parse_spec(struct strbuf *out, const char *fmt, size_t len, size_t *i, struct spec *sp,
		       struct args *a)
{
	bool bad_index = false;

	parse_flags(fmt, len, i, sp);
	bad_index |= !parse_argindex(fmt, len, i, a);
	if (!parse_width(out, fmt, len, i, sp, a) ||
	    !parse_prec(out, fmt, len, i, sp, a, &bad_index)) {
		strbuf_addstr(out, "%!(NOVERB)");
		*i = len;
		return false;
	}
	bad_index |= !parse_argindex(fmt, len, i, a);
	if (*i >= len) {
		strbuf_addstr(out, "%!(NOVERB)");
		return false;
	}
	if (bad_index) {
		strbuf_addf(out, "%%!%c(BADINDEX)", fmt[(*i)++]);
		return false;
	}
	return true;
}

static void print_extra(struct strbuf *out, const struct args *a)
{
	strbuf_addstr(out, "%!(EXTRA ");
	for (size_t k = a->argn; k < a->argc; k++) {
		if (k > a->argn)
			strbuf_addstr(out, ", ");
		if (json_is_null(a->argv[k])) {
			strbuf_addstr(out, "<nil>");
			continue;
		}
		strbuf_addf(out, "%s=", format_value_type(a->argv[k]));
		format_value_print(out, a->argv[k]);
	}
	strbuf_addch(out, ')');
}

/* One verb at fmt[*i] applied to the next argument. */
static void print_directive(struct strbuf *out, const char *fmt, size_t len, size_t *i,
			    const struct spec *spec, struct args *a)
{
	struct spec sp = *spec;
	size_t vstart = *i;

	while (*i + 1 < len && ((unsigned char)fmt[*i + 1] & 0xc0) == 0x80)
		(*i)++;
	(*i)++;
	sp.verb = fmt[vstart];
	if (sp.verb == '%') {
		strbuf_addch(out, '%');
	} else if (a->argn >= a->argc) {
		strbuf_addstr(out, "%!");
		strbuf_add(out, fmt + vstart, *i - vstart);
		strbuf_addstr(out, "(MISSING)");
	} else if (sp.verb == 'T') {
		const char *t = format_value_type(a->argv[a->argn++]);
		pad(out, &sp, t, strlen(t));
	} else if (*i - vstart > 1) {
		json_t *v = a->argv[a->argn++];
		strbuf_addstr(out, "%!");
		strbuf_add(out, fmt + vstart, *i - vstart);
		strbuf_addf(out, "(%s=", format_value_type(v));
		format_value_print(out, v);
		strbuf_addch(out, ')');
	} else {
		print_verb(out, &sp, a->argv[a->argn++], 0);
	}
}

void format_go_sprintf(struct strbuf *out, const char *fmt, size_t len, json_t **argv, size_t argc)
{
	struct args a = { .argv = argv, .argc = argc };
	size_t i = 0;

	while (i < len) {
		const char *pct = memchr(fmt + i, '%', len - i);
		size_t lit_end = pct ? (size_t)(pct - fmt) : len;
		strbuf_add(out, fmt + i, lit_end - i);
		if (!pct)
			break;
		i = lit_end + 1;
		struct spec sp = { .width = -1, .prec = -1 };
		if (parse_spec(out, fmt, len, &i, &sp, &a))
			print_directive(out, fmt, len, &i, &sp, &a);
	}
	if (!a.reordered && a.argn < a.argc)
		print_extra(out, &a);
}
