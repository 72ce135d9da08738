/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format parser: tokens → syntax tree, following Go's text/template/parse (itemList,
 * parseControl, pipeline, command, operand, term), with its checks: functions must exist,
 * variables must be declared in scope, {{break}}/{{continue}} only inside {{range}}.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/format-template-internal.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct parser {
	const char *text;
	const struct format_token *toks;
	size_t ntoks, i;
	const char **vars; /* variable names in scope, borrowed from the tree */
	size_t nvars, avars;
	int depth;
	int range_depth;
	bool failed;
	struct sk_error **err;
};

static struct format_node *parse_list(struct parser *p, enum format_tok_type *ret_stop,
				      size_t *ret_stop_pos);
static struct format_node *parse_pipeline(struct parser *p, const char *context,
					  enum format_tok_type end);

static unsigned line_of(const char *text, size_t pos)
{
	unsigned line = 1;
	for (size_t i = 0; i < pos && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

static struct format_node *parse_fail(struct parser *p, size_t pos, const char *fmt, ...)
	_printf_(3, 4);
static struct format_node *parse_fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!p->failed)
		sk_err_invalid(p->err, "template: %s:%u: %s", FORMAT_NAME, line_of(p->text, pos),
			       msg);
	p->failed = true;
	return NULL;
}

static struct format_node *unexpected(struct parser *p, const struct format_token *tok,
				      const char *context)
{
	_cleanup_free_ char *d = format_token_describe(tok);
	return parse_fail(p, tok->pos, "unexpected %s in %s", d, context);
}

static struct format_node *node_new(enum format_node_type type, size_t pos)
{
	struct format_node *n = xnew(struct format_node, 1);
	n->type = type;
	n->pos = pos;
	return n;
}

static void node_add(struct format_node *parent, struct format_node *kid)
{
	parent->kids = xreallocarray(parent->kids, parent->nkids + 1, sizeof(*parent->kids));
	parent->kids[parent->nkids++] = kid;
}

void format_node_free(struct format_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		format_node_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	for (size_t i = 0; i < n->nfields; i++)
		free(n->fields[i]);
	free(n->fields);
	for (size_t i = 0; i < n->ndecl; i++)
		free(n->decl[i]);
	free(n->decl);
	format_node_free(n->pipe);
	format_node_free(n->list);
	format_node_free(n->else_list);
	json_decref(n->value);
	free(n);
}

static void describe_list(struct strbuf *out, struct format_node *const *kids, size_t n,
			  const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, sep);
		if (kids[i]->type == FORMAT_NODE_PIPE && !streq(sep, " | ")) {
			strbuf_addch(out, '(');
			format_node_describe(out, kids[i]);
			strbuf_addch(out, ')');
		} else {
			format_node_describe(out, kids[i]);
		}
	}
}

static void describe_fields(struct strbuf *out, const struct format_node *n)
{
	for (size_t i = 0; i < n->nfields; i++)
		strbuf_addf(out, ".%s", n->fields[i]);
}

void format_node_describe(struct strbuf *out, const struct format_node *n)
{
	switch (n->type) {
	case FORMAT_NODE_PIPE:
		for (size_t i = 0; i < n->ndecl; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", n->decl[i]);
		if (n->ndecl)
			strbuf_addstr(out, n->is_assign ? " = " : " := ");
		describe_list(out, n->kids, n->nkids, " | ");
		break;
	case FORMAT_NODE_COMMAND:
		describe_list(out, n->kids, n->nkids, " ");
		break;
	case FORMAT_NODE_CHAIN:
		describe_list(out, &n->pipe, 1, "");
		describe_fields(out, n);
		break;
	case FORMAT_NODE_VARIABLE:
	case FORMAT_NODE_IDENT:
	case FORMAT_NODE_LITERAL:
		strbuf_addstr(out, n->str);
		describe_fields(out, n);
		break;
	case FORMAT_NODE_FIELD:
		describe_fields(out, n);
		break;
	case FORMAT_NODE_DOT:
		strbuf_addch(out, '.');
		break;
	case FORMAT_NODE_NIL:
		strbuf_addstr(out, "nil");
		break;
	case FORMAT_NODE_ACTION:
		strbuf_addstr(out, "{{");
		format_node_describe(out, n->pipe);
		strbuf_addstr(out, "}}");
		break;
	case FORMAT_NODE_IF:
		strbuf_addstr(out, "{{if}}");
		break;
	case FORMAT_NODE_RANGE:
		strbuf_addstr(out, "{{range}}");
		break;
	case FORMAT_NODE_WITH:
		strbuf_addstr(out, "{{with}}");
		break;
	default:
		strbuf_addstr(out, "{{...}}");
		break;
	}
}

static const struct format_token *peek(struct parser *p)
{
	return &p->toks[p->i];
}

static const struct format_token *next(struct parser *p)
{
	const struct format_token *t = &p->toks[p->i];
	if (t->type != FORMAT_TOK_EOF)
		p->i++;
	return t;
}

static const struct format_token *peek_nonspace(struct parser *p)
{
	while (p->toks[p->i].type == FORMAT_TOK_SPACE)
		p->i++;
	return &p->toks[p->i];
}

static bool var_known(const struct parser *p, const char *name, size_t len)
{
	for (size_t i = p->nvars; i > 0; i--)
		if (strlen(p->vars[i - 1]) == len && memcmp(p->vars[i - 1], name, len) == 0)
			return true;
	return len == 1; /* "$" */
}

static void var_push(struct parser *p, const char *name)
{
	if (p->nvars == p->avars) {
		p->avars = p->avars ? p->avars * 2 : 16;
		p->vars = xreallocarray(p->vars, p->avars, sizeof(*p->vars));
	}
	p->vars[p->nvars++] = name;
}

static struct format_node *parse_literal(struct parser *p, const struct format_token *tok)
{
	_cleanup_(format_node_freep) struct format_node *n =
		node_new(FORMAT_NODE_LITERAL, tok->pos);
	n->str = xstrndup(tok->s, tok->len);
	n->len = tok->len;
	n->value = format_literal_value(tok);
	if (!n->value) {
		if (tok->type == FORMAT_TOK_STRING)
			return parse_fail(p, tok->pos, "invalid syntax in string %s", n->str);
		if (tok->type == FORMAT_TOK_CHAR)
			return parse_fail(p, tok->pos, "malformed character constant: %s", n->str);
		return parse_fail(p, tok->pos, "bad number syntax: \"%s\"", n->str);
	}
	return TAKE_PTR(n);
}

static struct format_node *parse_term(struct parser *p)
{
	const struct format_token *tok = peek_nonspace(p);
	struct format_node *n;

	switch (tok->type) {
	case FORMAT_TOK_IDENT:
		next(p);
		n = node_new(FORMAT_NODE_IDENT, tok->pos);
		n->str = xstrndup(tok->s, tok->len);
		n->func = format_func_lookup(n->str);
		if (!n->func) {
			format_node_free(n);
			return parse_fail(p, tok->pos, "function \"%.*s\" not defined",
					  (int)tok->len, tok->s);
		}
		return n;
	case FORMAT_TOK_DOT:
	case FORMAT_TOK_NIL:
		next(p);
		return node_new(tok->type == FORMAT_TOK_DOT ? FORMAT_NODE_DOT : FORMAT_NODE_NIL,
				tok->pos);
	case FORMAT_TOK_VARIABLE:
		next(p);
		if (!var_known(p, tok->s, tok->len))
			return parse_fail(p, tok->pos, "undefined variable \"%.*s\"", (int)tok->len,
					  tok->s);
		n = node_new(FORMAT_NODE_VARIABLE, tok->pos);
		n->str = xstrndup(tok->s, tok->len);
		return n;
	case FORMAT_TOK_FIELD:
		next(p);
		n = node_new(FORMAT_NODE_FIELD, tok->pos);
		n->fields = xnew(char *, 1);
		n->fields[n->nfields++] = xstrndup(tok->s + 1, tok->len - 1);
		return n;
	case FORMAT_TOK_BOOL:
	case FORMAT_TOK_NUMBER:
	case FORMAT_TOK_CHAR:
	case FORMAT_TOK_STRING:
		next(p);
		return parse_literal(p, tok);
	case FORMAT_TOK_LPAREN:
		next(p);
		if (++p->depth > FORMAT_MAX_DEPTH)
			return parse_fail(p, tok->pos, "template nested too deeply");
		n = parse_pipeline(p, "parenthesized pipeline", FORMAT_TOK_RPAREN);
		p->depth--;
		return n;
	default:
		return NULL;
	}
}

/* A term followed by .Field.Field: fields join a field or variable, else make a chain. */
static struct format_node *parse_operand(struct parser *p)
{
	struct format_node *n = parse_term(p);
	struct format_node *target;

	if (!n || peek(p)->type != FORMAT_TOK_FIELD)
		return n;
	if (n->type == FORMAT_NODE_LITERAL || n->type == FORMAT_NODE_NIL ||
	    n->type == FORMAT_NODE_DOT) {
		size_t pos = n->pos;
		format_node_free(n);
		return parse_fail(p, pos, "unexpected . after term");
	}
	target = n;
	if (n->type != FORMAT_NODE_FIELD && n->type != FORMAT_NODE_VARIABLE) {
		target = node_new(FORMAT_NODE_CHAIN, n->pos);
		target->pipe = n;
	}
	while (peek(p)->type == FORMAT_TOK_FIELD) {
		const struct format_token *f = next(p);
		target->fields = xreallocarray(target->fields, target->nfields + 1, sizeof(char *));
		target->fields[target->nfields++] = xstrndup(f->s + 1, f->len - 1);
	}
	return target;
}

static struct format_node *parse_command(struct parser *p)
{
	_cleanup_(format_node_freep) struct format_node *cmd =
		node_new(FORMAT_NODE_COMMAND, peek_nonspace(p)->pos);

	for (;;) {
		struct format_node *operand = parse_operand(p);
		if (p->failed)
			return NULL;
		if (operand)
			node_add(cmd, operand);
		const struct format_token *tok = next(p);
		if (tok->type == FORMAT_TOK_SPACE)
			continue;
		if (tok->type == FORMAT_TOK_RIGHT || tok->type == FORMAT_TOK_RPAREN)
			p->i--;
		else if (tok->type != FORMAT_TOK_PIPE)
			return unexpected(p, tok, "operand");
		break;
	}
	if (cmd->nkids == 0)
		return parse_fail(p, cmd->pos, "empty command");
	return TAKE_PTR(cmd);
}

/* Variables before := or = (two, separated by a comma, in range). Returns -1 on error. */
static int parse_decls(struct parser *p, struct format_node *pipe, const char *context)
{
	for (;;) {
		size_t save = p->i;
		const struct format_token *v = peek_nonspace(p), *n;
		if (v->type != FORMAT_TOK_VARIABLE) {
			p->i = save;
			return 0;
		}
		next(p);
		n = peek_nonspace(p);
		if (n->type != FORMAT_TOK_DECLARE && n->type != FORMAT_TOK_ASSIGN &&
		    n->type != FORMAT_TOK_COMMA) {
			p->i = save;
			return 0;
		}
		next(p);
		pipe->decl = xreallocarray(pipe->decl, pipe->ndecl + 1, sizeof(char *));
		pipe->decl[pipe->ndecl++] = xstrndup(v->s, v->len);
		if (n->type != FORMAT_TOK_COMMA) {
			pipe->is_assign = n->type == FORMAT_TOK_ASSIGN;
			return 0;
		}
		if (!streq(context, "range") || pipe->ndecl >= 2) {
			parse_fail(p, n->pos, "too many declarations in %s", context);
			return -1;
		}
		if (peek_nonspace(p)->type != FORMAT_TOK_VARIABLE) {
			parse_fail(p, n->pos, "range can only initialize variables");
			return -1;
		}
	}
}

static int check_pipeline(struct parser *p, const struct format_node *pipe)
{
	for (size_t i = 1; i < pipe->nkids; i++) {
		enum format_node_type t = pipe->kids[i]->kids[0]->type;
		if (t == FORMAT_NODE_LITERAL || t == FORMAT_NODE_DOT || t == FORMAT_NODE_NIL) {
			parse_fail(p, pipe->kids[i]->pos,
				   "non executable command in pipeline stage %zu", i + 1);
			return -1;
		}
	}
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (pipe->is_assign && !var_known(p, pipe->decl[i], strlen(pipe->decl[i]))) {
			parse_fail(p, pipe->pos, "undefined variable \"%s\"", pipe->decl[i]);
			return -1;
		}
	}
	if (!pipe->is_assign)
		for (size_t i = 0; i < pipe->ndecl; i++)
			var_push(p, pipe->decl[i]);
	return 0;
}

static struct format_node *parse_pipeline(struct parser *p, const char *context,
					  enum format_tok_type end)
{
	_cleanup_(format_node_freep) struct format_node *pipe =
		node_new(FORMAT_NODE_PIPE, peek_nonspace(p)->pos);

	if (parse_decls(p, pipe, context) < 0)
		return NULL;
	for (;;) {
		const struct format_token *tok = peek_nonspace(p);
		if (tok->type == end) {
			next(p);
			if (pipe->nkids == 0)
				return parse_fail(p, tok->pos, "missing value for %s", context);
			break;
		}
		switch (tok->type) {
		case FORMAT_TOK_BOOL:
		case FORMAT_TOK_CHAR:
		case FORMAT_TOK_DOT:
		case FORMAT_TOK_FIELD:
		case FORMAT_TOK_IDENT:
		case FORMAT_TOK_NUMBER:
		case FORMAT_TOK_NIL:
		case FORMAT_TOK_STRING:
		case FORMAT_TOK_VARIABLE:
		case FORMAT_TOK_LPAREN: {
			struct format_node *cmd = parse_command(p);
			if (!cmd)
				return NULL;
			node_add(pipe, cmd);
			break;
		}
		default:
			return unexpected(p, tok, context);
		}
	}
	if (check_pipeline(p, pipe) < 0)
		return NULL;
	return TAKE_PTR(pipe);
}

static bool expect_right(struct parser *p, const char *context)
{
	const struct format_token *tok = peek_nonspace(p);
	if (tok->type != FORMAT_TOK_RIGHT) {
		unexpected(p, tok, context);
		return false;
	}
	next(p);
	return true;
}

static struct format_node *parse_control(struct parser *p, enum format_node_type type, size_t pos);

/* After {{if/with/range pipe}} body: an {{else}} part, possibly "else if"/"else with". */
static struct format_node *parse_else(struct parser *p, struct format_node *n)
{
	const struct format_token *tok = peek_nonspace(p);
	enum format_tok_type stop;
	size_t stop_pos;

	if ((n->type == FORMAT_NODE_IF && tok->type == FORMAT_TOK_IF) ||
	    (n->type == FORMAT_NODE_WITH && tok->type == FORMAT_TOK_WITH)) {
		next(p);
		struct format_node *nested = parse_control(p, n->type, tok->pos);
		if (!nested)
			return NULL;
		n->else_list = node_new(FORMAT_NODE_LIST, tok->pos);
		node_add(n->else_list, nested);
		return n;
	}
	if (!expect_right(p, "else"))
		return NULL;
	n->else_list = parse_list(p, &stop, &stop_pos);
	if (!n->else_list)
		return NULL;
	if (stop != FORMAT_TOK_END)
		return parse_fail(p, stop_pos,
				  stop == FORMAT_TOK_EOF ? "unexpected EOF"
							 : "expected end; found {{else}}");
	return expect_right(p, "end") ? n : NULL;
}

static struct format_node *parse_control(struct parser *p, enum format_node_type type, size_t pos)
{
	static const char *const names[] = {
		[FORMAT_NODE_IF] = "if", [FORMAT_NODE_RANGE] = "range", [FORMAT_NODE_WITH] = "with"
	};
	_cleanup_(format_node_freep) struct format_node *n = node_new(type, pos);
	size_t mark = p->nvars, stop_pos;
	enum format_tok_type stop;

	if (++p->depth > FORMAT_MAX_DEPTH)
		return parse_fail(p, pos, "template nested too deeply");
	n->pipe = parse_pipeline(p, names[type], FORMAT_TOK_RIGHT);
	if (!n->pipe)
		return NULL;
	p->range_depth += type == FORMAT_NODE_RANGE;
	n->list = parse_list(p, &stop, &stop_pos);
	p->range_depth -= type == FORMAT_NODE_RANGE;
	if (!n->list)
		return NULL;
	if (stop == FORMAT_TOK_EOF)
		return parse_fail(p, stop_pos, "unexpected EOF");
	if (stop == FORMAT_TOK_ELSE && !parse_else(p, n))
		return NULL;
	if (stop == FORMAT_TOK_END && !expect_right(p, "end"))
		return NULL;
	p->nvars = mark;
	p->depth--;
	return TAKE_PTR(n);
}

/* After "{{": a control structure or a pipeline, through "}}". */
static struct format_node *parse_action(struct parser *p)
{
	const struct format_token *tok = peek_nonspace(p);
	struct format_node *n;

	switch (tok->type) {
	case FORMAT_TOK_IF:
		next(p);
		return parse_control(p, FORMAT_NODE_IF, tok->pos);
	case FORMAT_TOK_RANGE:
		next(p);
		return parse_control(p, FORMAT_NODE_RANGE, tok->pos);
	case FORMAT_TOK_WITH:
		next(p);
		return parse_control(p, FORMAT_NODE_WITH, tok->pos);
	case FORMAT_TOK_BREAK:
	case FORMAT_TOK_CONTINUE:
		next(p);
		if (p->range_depth == 0)
			return parse_fail(p, tok->pos, "{{%.*s}} outside {{range}}", (int)tok->len,
					  tok->s);
		if (!expect_right(p, tok->type == FORMAT_TOK_BREAK ? "break" : "continue"))
			return NULL;
		return node_new(tok->type == FORMAT_TOK_BREAK ? FORMAT_NODE_BREAK
							      : FORMAT_NODE_CONTINUE,
				tok->pos);
	case FORMAT_TOK_DEFINE:
	case FORMAT_TOK_TEMPLATE:
	case FORMAT_TOK_BLOCK:
		return parse_fail(p, tok->pos, "{{%.*s}} is not supported", (int)tok->len, tok->s);
	default:
		n = node_new(FORMAT_NODE_ACTION, tok->pos);
		n->pipe = parse_pipeline(p, "command", FORMAT_TOK_RIGHT);
		if (!n->pipe) {
			format_node_free(n);
			return NULL;
		}
		return n;
	}
}

/* Items up to {{end}}, {{else}} (the parser is left after the keyword) or the end of input. */
static struct format_node *parse_list(struct parser *p, enum format_tok_type *ret_stop,
				      size_t *ret_stop_pos)
{
	_cleanup_(format_node_freep) struct format_node *list =
		node_new(FORMAT_NODE_LIST, peek(p)->pos);

	for (;;) {
		const struct format_token *tok = next(p), *kw;
		struct format_node *n;
		switch (tok->type) {
		case FORMAT_TOK_EOF:
			*ret_stop = FORMAT_TOK_EOF;
			*ret_stop_pos = tok->pos;
			return TAKE_PTR(list);
		case FORMAT_TOK_TEXT:
			n = node_new(FORMAT_NODE_TEXT, tok->pos);
			n->str = xstrndup(tok->s, tok->len);
			n->len = tok->len;
			node_add(list, n);
			break;
		case FORMAT_TOK_LEFT:
			kw = peek_nonspace(p);
			if (kw->type == FORMAT_TOK_END || kw->type == FORMAT_TOK_ELSE) {
				next(p);
				*ret_stop = kw->type;
				*ret_stop_pos = kw->pos;
				return TAKE_PTR(list);
			}
			n = parse_action(p);
			if (!n)
				return NULL;
			node_add(list, n);
			break;
		default:
			return unexpected(p, tok, "input");
		}
	}
}

int format_parse(const char *text, const struct format_token *toks, size_t ntoks,
		 struct format_node **ret, struct sk_error **err)
{
	struct parser p = { .text = text, .toks = toks, .ntoks = ntoks, .err = err };
	_cleanup_(format_node_freep) struct format_node *root = NULL;
	enum format_tok_type stop;
	size_t stop_pos;

	root = parse_list(&p, &stop, &stop_pos);
	free(p.vars);
	if (!root)
		return -EINVAL;
	if (stop != FORMAT_TOK_EOF) {
		parse_fail(&p, stop_pos, "unexpected {{%s}}",
			   stop == FORMAT_TOK_END ? "end" : "else");
		return -EINVAL;
	}
	*ret = TAKE_PTR(root);
	return 0;
}
