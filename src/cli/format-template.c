/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format front: podman's processing of user format strings (table prefix, escapes,
 * range enforcement), table headers, Go-style JSON output and the print helpers used by
 * list and inspect commands.
 */
#include "cli/format-template.h"

#include <errno.h>
#include <string.h>

#include "cli/format-template-internal.h"
#include "cli/table-writer.h"
#include "util/xalloc.h"

struct format_template {
	char *text; /* the text that was parsed */
	struct format_node *root;
	bool is_table;
	bool whole_list; /* '{{range .}}...{{end}}': runs once over all rows */
	bool lenient;
	bool all_structs;
};

void format_template_free(struct format_template *t)
{
	if (!t)
		return;
	format_node_free(t->root);
	free(t->text);
	free(t);
}

static unsigned line_at(const char *text, size_t pos)
{
	unsigned line = 1;
	for (size_t i = 0; i < pos && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

static int template_build(const char *text, struct format_template **ret, struct sk_error **err)
{
	_cleanup_(format_template_freep) struct format_template *t = NULL;
	_cleanup_free_ struct format_token *toks = NULL;
	_cleanup_free_ char *msg = NULL;
	size_t len = strlen(text), ntoks = 0, pos = 0;

	if (len > FORMAT_MAX_TEXT)
		return sk_err_invalid(err, "template: %s: template longer than %d bytes",
				      FORMAT_NAME, FORMAT_MAX_TEXT);
	t = xnew(struct format_template, 1);
	t->text = xstrdup(text);
	if (format_lex(t->text, len, &toks, &ntoks, &msg, &pos) < 0)
		return sk_err_invalid(err, "template: %s:%u: %s", FORMAT_NAME, line_at(text, pos),
				      msg);
	if (format_parse(t->text, toks, ntoks, &t->root, err) < 0)
		return -EINVAL;
	*ret = TAKE_PTR(t);
	return 0;
}

/* podman's NormalizeFormat: expand `\t` and `\n`; for tables also drop "table " and turn
 * spaces into TABs; end with a newline. */
static char *normalize(const char *text, bool table)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = text; *p;) {
		if (table && strneq(p, "table ", 6)) {
			p += 6;
		} else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			strbuf_addch(&sb, p[1] == 't' ? '\t' : '\n');
			p += 2;
		} else {
			strbuf_addch(&sb, table && *p == ' ' ? '\t' : *p);
			p++;
		}
	}
	if (sb.len == 0 || sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	return strbuf_detach(&sb, NULL);
}

static bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static const char *skip_re_space(const char *p)
{
	while (is_re_space(*p))
		p++;
	return p;
}

/* podman's rangeRegex `{{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}}` (no newline in the .*). */
static bool has_top_range(const char *text)
{
	for (const char *p = strstr(text, "{{"); p; p = strstr(p + 1, "{{")) {
		const char *q = skip_re_space(p + 2);
		if (!strneq(q, "range", 5))
			continue;
		q = skip_re_space(q + 5);
		if (*q != '.')
			continue;
		q = skip_re_space(q + 1);
		if (!strneq(q, "}}", 2))
			continue;
		for (q += 2; *q && *q != '\n'; q++) {
			if (!strneq(q, "{{", 2))
				continue;
			const char *e = skip_re_space(q + 2);
			if (!strneq(e, "end", 3))
				continue;
			e = skip_re_space(e + 3);
			e = skip_re_space(e + (*e == '-'));
			if (strneq(e, "}}", 2))
				return true;
		}
	}
	return false;
}

int format_template_parse(const char *text, struct format_template **ret, struct sk_error **err)
{
	_cleanup_(format_template_freep) struct format_template *t = NULL;
	bool table = strneq(text, "table ", 6);
	_cleanup_free_ char *norm = normalize(text, table);

	if (template_build(norm, &t, NULL) < 0 &&
	    template_build(table ? text + 6 : text, &t, err) < 0)
		return -EINVAL;
	t->is_table = table;
	t->whole_list = !table && has_top_range(t->text);
	*ret = TAKE_PTR(t);
	return 0;
}

int format_template_parse_raw(const char *text, struct format_template **ret, struct sk_error **err)
{
	return template_build(text, ret, err);
}

bool format_template_is_table(const struct format_template *t)
{
	return t->is_table;
}

void format_template_set_lenient(struct format_template *t, bool lenient)
{
	t->lenient = lenient;
}

static int exec_one(const struct format_template *t, json_t *data, struct strbuf *out,
		    const char *const *header_map, bool header, struct sk_error **err)
{
	struct format_exec x = {
		.text = t->text,
		.out = out,
		.err = err,
		.header_map = header_map,
		.header_mode = header,
		.lenient = t->lenient,
		.all_structs = t->all_structs,
		.top = data,
	};
	size_t start = out->len;

	if (format_exec_run(&x, t->root, data) < 0) {
		strbuf_setlen(out, start);
		return -EINVAL;
	}
	return 0;
}

int format_template_exec(const struct format_template *t, json_t *data, struct strbuf *out,
			 struct sk_error **err)
{
	return exec_one(t, data, out, NULL, false, err);
}

int format_template_exec_list(const struct format_template *t, json_t *rows, struct strbuf *out,
			      struct sk_error **err)
{
	size_t start = out->len;

	if (t->whole_list || !json_is_array(rows))
		return exec_one(t, rows, out, NULL, false, err);
	for (size_t i = 0; i < json_array_size(rows); i++) {
		if (exec_one(t, json_array_get(rows, i), out, NULL, false, err) < 0) {
			strbuf_setlen(out, start);
			return -EINVAL;
		}
	}
	return 0;
}

int format_template_header(const struct format_template *t, const char *const *header_map,
			   struct strbuf *out, struct sk_error **err)
{
	_cleanup_json_ json_t *dot = json_string("");

	if (t->whole_list) {
		json_t *one = json_array();
		json_array_append_new(one, json_string(""));
		json_decref(dot);
		dot = one;
	}
	return exec_one(t, dot, out, header_map, true, err);
}

enum char_class { CC_LOWER, CC_UPPER, CC_DIGIT, CC_OTHER };

static enum char_class char_class(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || c >= 0x80)
		return CC_LOWER;
	if (c >= 'A' && c <= 'Z')
		return CC_UPPER;
	if (c >= '0' && c <= '9')
		return CC_DIGIT;
	return CC_OTHER;
}

char *format_header_for_field(const char *field)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(field);
	_cleanup_free_ bool *cut = xnew(bool, len + 1);

	/* words are runs of one character class, except that an upper-case run followed by
	 * lower case gives its last letter to the next word ("IPAddress" → "IP Address"), as
	 * fatih/camelcase (podman's report.Headers) splits */
	for (size_t i = 1; i < len; i++)
		cut[i] = char_class((unsigned char)field[i]) !=
			 char_class((unsigned char)field[i - 1]);
	for (size_t i = 1; i < len; i++) {
		if (char_class((unsigned char)field[i - 1]) == CC_UPPER &&
		    char_class((unsigned char)field[i]) == CC_LOWER) {
			cut[i] = false;
			cut[i - 1] = i - 1 > 0;
		}
	}
	for (size_t i = 0; i < len; i++) {
		char c = field[i];
		if (cut[i])
			strbuf_addch(&sb, ' ');
		strbuf_addch(&sb, c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
	}
	return strbuf_detach(&sb, NULL);
}

bool format_is_json(const char *format)
{
	const char *p = skip_re_space(format);

	if (strneq(p, "json", 4)) {
		p += 4;
	} else if (strneq(p, "{{", 2)) {
		p = skip_re_space(p + 2);
		if (!strneq(p, "json", 4))
			return false;
		p += 4;
		while (*p == ' ')
			p++;
		p = skip_re_space(p + (*p == '.'));
		if (!strneq(p, "}}", 2))
			return false;
		p += 2;
	} else {
		return false;
	}
	return *skip_re_space(p) == '\0';
}

bool format_is_table(const char *format)
{
	return streq(format, "table") || strneq(format, "table ", 6);
}

char *format_unescape(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_grow(&sb, strlen(s));
	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			strbuf_addch(&sb, p[1] == 't' ? '\t' : '\n');
			p++;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static int write_out(FILE *out, const struct strbuf *sb, struct sk_error **err)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, out) != sb->len)
		return sk_err_system(err, errno, "write output: %s", strerror(errno));
	if (fflush(out) != 0)
		return sk_err_system(err, errno, "write output: %s", strerror(errno));
	return 0;
}

int format_print_list(const char *format, json_t *rows, const char *default_table,
		      const char *const *header_map, bool noheading, FILE *out,
		      struct sk_error **err)
{
	_cleanup_(format_template_freep) struct format_template *t = NULL;
	_cleanup_(table_writer_freep) struct table_writer *tw = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf res = STRBUF_INIT;

	if (isempty(format) || streq(format, "table"))
		format = default_table;
	if (isempty(format))
		return sk_err_invalid(err, "format: no default table for this command");
	if (format_is_json(format)) {
		format_json_write(&res, rows, 4, true);
		strbuf_addch(&res, '\n');
		return write_out(out, &res, err);
	}
	if (format_template_parse(format, &t, err) < 0)
		return -EINVAL;
	if (!t->is_table) {
		if (format_template_exec_list(t, rows, &res, err) < 0)
			return -EINVAL;
		return write_out(out, &res, err);
	}
	if (!noheading && format_template_header(t, header_map, &sb, err) < 0)
		return -EINVAL;
	if (format_template_exec_list(t, rows, &sb, err) < 0)
		return -EINVAL;
	tw = table_writer_new();
	table_writer_write(tw, strbuf_str(&sb), sb.len);
	table_writer_flush_to(tw, &res);
	return write_out(out, &res, err);
}

static int print_one(const char *format, json_t *obj, bool lenient, FILE *out,
		     struct sk_error **err)
{
	_cleanup_(format_template_freep) struct format_template *t = NULL;
	_cleanup_(table_writer_freep) struct table_writer *tw = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf res = STRBUF_INIT;

	if (isempty(format) || format_is_json(format)) {
		format_json_write(&res, obj, 4, true);
		strbuf_addch(&res, '\n');
		return write_out(out, &res, err);
	}
	if (format_template_parse(format, &t, err) < 0)
		return -EINVAL;
	t->lenient = lenient;
	t->all_structs = !lenient;
	if (format_template_exec(t, obj, t->is_table ? &sb : &res, err) < 0)
		return -EINVAL;
	if (t->is_table) {
		tw = table_writer_new();
		table_writer_write(tw, strbuf_str(&sb), sb.len);
		table_writer_flush_to(tw, &res);
	}
	return write_out(out, &res, err);
}

int format_print_one(const char *format, json_t *obj, FILE *out, struct sk_error **err)
{
	return print_one(format, obj, true, out, err);
}

int format_print_one_strict(const char *format, json_t *obj, FILE *out, struct sk_error **err)
{
	return print_one(format, obj, false, out, err);
}
