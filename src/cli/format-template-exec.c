/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format executor: walks the syntax tree over jansson values as Go's text/template/exec
 * does (walk, evalPipeline, evalCommand, evalField, walkRange), plus the header mode used for
 * table headers (see format_template_header()).
 */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "cli/format-template-internal.h"
#include "cli/format-template.h"
#include "util/xalloc.h"

static int walk(struct format_exec *x, json_t *dot, const struct format_node *n);
static int eval_pipeline(struct format_exec *x, json_t *dot, const struct format_node *pipe,
			 json_t **ret);

int format_exec_fail(struct format_exec *x, const struct format_node *at, const char *fmt, ...)
{
	_cleanup_strbuf_ struct strbuf ctx = STRBUF_INIT;
	_cleanup_free_ char *msg = NULL;
	unsigned line = 1;
	size_t col = 0;
	va_list ap;

	if (x->failed)
		return -EINVAL;
	x->failed = true;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < at->pos && x->text[i]; i++) {
		col++;
		if (x->text[i] == '\n') {
			line++;
			col = 0;
		}
	}
	format_node_describe(&ctx, at);
	if (ctx.len > 20) {
		strbuf_setlen(&ctx, 20);
		strbuf_addstr(&ctx, "...");
	}
	return sk_err_invalid(x->err, "template: %s:%u:%zu: executing \"%s\" at <%s>: %s",
			      FORMAT_NAME, line, col, FORMAT_NAME, strbuf_str(&ctx), msg);
}

bool format_value_truth(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	default:
		return false;
	}
}

static void var_push(struct format_exec *x, const char *name, json_t *value)
{
	if (x->nvars == x->avars) {
		x->avars = x->avars ? x->avars * 2 : 16;
		x->vars = xreallocarray(x->vars, x->avars, sizeof(*x->vars));
	}
	x->vars[x->nvars++] = (struct format_var){ .name = name, .value = json_incref(value) };
}

static void var_pop(struct format_exec *x, size_t mark)
{
	while (x->nvars > mark)
		json_decref(x->vars[--x->nvars].value);
}

static struct format_var *var_find(struct format_exec *x, const char *name)
{
	for (size_t i = x->nvars; i > 0; i--)
		if (streq(x->vars[i - 1].name, name))
			return &x->vars[i - 1];
	return NULL;
}

static void var_set(struct format_var *v, json_t *value)
{
	json_t *old = v->value;
	v->value = json_incref(value);
	json_decref(old);
}

static int write_out(struct format_exec *x, const struct format_node *at, const char *s, size_t len)
{
	if (x->out->len - x->out_start + len > FORMAT_MAX_OUTPUT)
		return format_exec_fail(x, at, "output larger than %d bytes", FORMAT_MAX_OUTPUT);
	strbuf_add(x->out, s, len);
	return 0;
}

/* The column header of a field in header mode. */
static json_t *header_value(const struct format_exec *x, const char *field)
{
	const char *found = NULL;

	for (const char *const *m = x->header_map; !found && m && m[0] && m[1]; m += 2)
		if (streq(m[0], field))
			found = m[1];
	for (const char *const *m = x->header_map; !found && m && m[0] && m[1]; m += 2)
		if (strcasecmp(m[0], field) == 0)
			found = m[1];
	if (!found) {
		_cleanup_free_ char *h = format_header_for_field(field);
		return json_string_nocheck(h);
	}
	_cleanup_free_ char *up = xstrdup(found);
	for (char *c = up; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return json_string_nocheck(up);
}

/* Go field names against JSON keys: case and underscores ignored ("CreatedBy" ~ "created_by"). */
static bool key_matches(const char *key, const char *name)
{
	for (;;) {
		while (*key == '_')
			key++;
		while (*name == '_')
			name++;
		if (!*key || !*name)
			return !*key && !*name;
		char a = *key++, b = *name++;
		if ((a | 0x20) != (b | 0x20) || !((a | 0x20) >= 'a' && (a | 0x20) <= 'z'))
			if (a != b)
				return false;
	}
}

/* Objects shaped like Go structs (every key capitalised) make a missing field an error. */
static bool object_is_struct(const json_t *obj)
{
	const char *key;
	json_t *v;

	if (json_object_size(obj) == 0)
		return false;
	json_object_foreach ((json_t *)obj, key, v)
		if (!(key[0] >= 'A' && key[0] <= 'Z'))
			return false;
	return true;
}

static int eval_field(struct format_exec *x, const struct format_node *at, const char *name,
		      json_t *recv, bool has_args, json_t **ret)
{
	json_t *found = NULL, *v;
	const char *key;

	if (!recv || json_is_null(recv)) {
		*ret = NULL;
		return 0;
	}
	if (!json_is_object(recv))
		return format_exec_fail(x, at, "can't evaluate field %s in type %s", name,
					format_value_type(recv));
	if (has_args)
		return format_exec_fail(x, at, "%s is not a method but has arguments", name);
	found = json_object_get(recv, name);
	if (!found) {
		size_t matches = 0;
		json_object_foreach (recv, key, v) {
			if (key_matches(key, name)) {
				found = v;
				matches++;
			}
		}
		if (matches > 1)
			found = NULL;
	}
	if (!found && recv == x->top && !x->header_mode)
		return format_exec_fail(x, at, "can't evaluate field %s in type %s", name,
					format_value_type(recv));
	if (!found && (name[0] >= 'A' && name[0] <= 'Z') &&
	    (x->all_structs || object_is_struct(recv))) {
		if (!x->lenient)
			return format_exec_fail(x, at, "can't evaluate field %s in type %s", name,
						format_value_type(recv));
		found = json_string(""); /* an omitted (omitempty) field: Go's zero value */
		*ret = found;
		return 0;
	}
	*ret = json_incref(found);
	return 0;
}

static int eval_field_chain(struct format_exec *x, const struct format_node *at, json_t *recv,
			    char *const *fields, size_t n, bool has_args, json_t **ret)
{
	_cleanup_json_ json_t *cur = json_incref(recv);

	if (x->header_mode && n > 0) {
		*ret = header_value(x, fields[n - 1]);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *nv = NULL;
		if (eval_field(x, at, fields[i], cur, has_args && i == n - 1, &nv) < 0)
			return -EINVAL;
		json_decref(cur);
		cur = nv;
	}
	*ret = TAKE_PTR(cur);
	return 0;
}

static int eval_variable(struct format_exec *x, const struct format_node *n, bool has_args,
			 json_t **ret)
{
	struct format_var *v = var_find(x, n->str);

	if (!v)
		return format_exec_fail(x, n, "undefined variable: %s", n->str);
	if (n->nfields == 0) {
		if (has_args)
			return format_exec_fail(x, n, "can't give argument to non-function %s",
						n->str);
		*ret = json_incref(v->value);
		return 0;
	}
	return eval_field_chain(x, n, v->value, n->fields, n->nfields, has_args, ret);
}

static int eval_function(struct format_exec *x, json_t *dot, const struct format_node *ident,
			 const struct format_node *cmd, bool has_final, json_t *final,
			 json_t **ret);

/* An argument of a function (Go's evalArg for an interface{} parameter). */
static int eval_arg(struct format_exec *x, json_t *dot, const struct format_node *n, json_t **ret)
{
	_cleanup_json_ json_t *recv = NULL;

	switch (n->type) {
	case FORMAT_NODE_DOT:
		*ret = json_incref(dot);
		return 0;
	case FORMAT_NODE_NIL:
		*ret = json_null();
		return 0;
	case FORMAT_NODE_LITERAL:
		*ret = json_incref(n->value);
		return 0;
	case FORMAT_NODE_FIELD:
		return eval_field_chain(x, n, dot, n->fields, n->nfields, false, ret);
	case FORMAT_NODE_VARIABLE:
		return eval_variable(x, n, false, ret);
	case FORMAT_NODE_PIPE:
		return eval_pipeline(x, dot, n, ret);
	case FORMAT_NODE_IDENT:
		return eval_function(x, dot, n, NULL, false, NULL, ret);
	case FORMAT_NODE_CHAIN:
		if (eval_arg(x, dot, n->pipe, &recv) < 0)
			return -EINVAL;
		return eval_field_chain(x, n, recv, n->fields, n->nfields, false, ret);
	default:
		return format_exec_fail(x, n, "can't handle node as an argument");
	}
}

/* and/or: evaluate one argument at a time, stop at the first false/true one. */
static int eval_lazy(struct format_exec *x, json_t *dot, const struct format_node *cmd, bool is_and,
		     bool has_final, json_t *final, json_t **ret)
{
	size_t nargs = cmd ? cmd->nkids - 1 : 0;
	json_t *v = NULL;

	for (size_t i = 0; i < nargs + has_final; i++) {
		json_decref(v);
		v = NULL;
		if (i < nargs) {
			if (eval_arg(x, dot, cmd->kids[i + 1], &v) < 0)
				return -EINVAL;
		} else {
			v = json_incref(final);
		}
		if (format_value_truth(v) != is_and)
			break;
	}
	*ret = v;
	return 0;
}

static int eval_function(struct format_exec *x, json_t *dot, const struct format_node *ident,
			 const struct format_node *cmd, bool has_final, json_t *final, json_t **ret)
{
	const struct format_func *f = ident->func;
	const struct format_node *at = cmd ? cmd : ident;
	size_t nargs = cmd ? cmd->nkids - 1 : 0, argc = nargs + has_final;
	json_t **argv;
	int r = 0;

	if ((int)argc < f->min_args || (f->max_args >= 0 && (int)argc > f->max_args)) {
		if (f->max_args < 0)
			return format_exec_fail(
				x, at, "wrong number of args for %s: want at least %d got %zu",
				f->name, f->min_args, argc);
		return format_exec_fail(x, at, "wrong number of args for %s: want %d got %zu",
					f->name, f->min_args, argc);
	}
	if (f->lazy)
		return eval_lazy(x, dot, cmd, streq(f->name, "and"), has_final, final, ret);
	argv = xnew(json_t *, argc + 1);
	for (size_t i = 0; i < nargs && r >= 0; i++)
		r = eval_arg(x, dot, cmd->kids[i + 1], &argv[i]);
	if (has_final)
		argv[nargs] = json_incref(final);
	for (size_t i = 0; i < argc && r >= 0; i++)
		if (!argv[i])
			argv[i] = json_null();
	if (r >= 0) {
		if (x->header_mode && f->header_passthru)
			*ret = json_incref(argv[0]);
		else
			*ret = f->fn(x, at, argv, argc);
		r = *ret ? 0 : -EINVAL;
	}
	for (size_t i = 0; i < argc; i++)
		json_decref(argv[i]);
	free(argv);
	return r;
}

static int eval_command(struct format_exec *x, json_t *dot, const struct format_node *cmd,
			bool has_final, json_t *final, json_t **ret)
{
	const struct format_node *first = cmd->kids[0];
	bool has_args = cmd->nkids > 1 || has_final;
	_cleanup_json_ json_t *recv = NULL;

	if (++x->steps > FORMAT_MAX_STEPS)
		return format_exec_fail(x, cmd, "template execution takes too long");
	switch (first->type) {
	case FORMAT_NODE_FIELD:
		return eval_field_chain(x, first, dot, first->fields, first->nfields, has_args,
					ret);
	case FORMAT_NODE_CHAIN:
		if (eval_arg(x, dot, first->pipe, &recv) < 0)
			return -EINVAL;
		return eval_field_chain(x, first, recv, first->fields, first->nfields, has_args,
					ret);
	case FORMAT_NODE_IDENT:
		return eval_function(x, dot, first, cmd, has_final, final, ret);
	case FORMAT_NODE_VARIABLE:
		return eval_variable(x, first, has_args, ret);
	case FORMAT_NODE_NIL:
		return format_exec_fail(x, first, "nil is not a command");
	default:
		break;
	}
	if (has_args) {
		_cleanup_strbuf_ struct strbuf d = STRBUF_INIT;
		format_node_describe(&d, first);
		return format_exec_fail(x, first, "can't give argument to non-function %s",
					strbuf_str(&d));
	}
	return eval_arg(x, dot, first, ret);
}

static int eval_pipeline(struct format_exec *x, json_t *dot, const struct format_node *pipe,
			 json_t **ret)
{
	json_t *value = NULL;

	for (size_t i = 0; i < pipe->nkids; i++) {
		json_t *nv = NULL;
		int r = eval_command(x, dot, pipe->kids[i], i > 0, value, &nv);
		json_decref(value);
		if (r < 0)
			return r;
		value = nv;
	}
	for (size_t i = 0; i < pipe->ndecl; i++) {
		struct format_var *v = pipe->is_assign ? var_find(x, pipe->decl[i]) : NULL;
		if (v)
			var_set(v, value);
		else
			var_push(x, pipe->decl[i], value);
	}
	*ret = value;
	return 0;
}

static int walk_action(struct format_exec *x, json_t *dot, const struct format_node *n)
{
	_cleanup_json_ json_t *v = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	if (eval_pipeline(x, dot, n->pipe, &v) < 0)
		return -EINVAL;
	if (n->pipe->ndecl > 0)
		return 0;
	if (!v || json_is_null(v))
		strbuf_addstr(&sb, "<no value>");
	else
		format_value_print(&sb, v);
	return write_out(x, n, strbuf_str(&sb), sb.len);
}

static int walk_if_with(struct format_exec *x, json_t *dot, const struct format_node *n)
{
	_cleanup_json_ json_t *v = NULL;
	size_t mark = x->nvars;
	int r = 0;

	if (eval_pipeline(x, dot, n->pipe, &v) < 0)
		return -EINVAL;
	if (format_value_truth(v))
		r = walk(x, n->type == FORMAT_NODE_WITH ? v : dot, n->list);
	else if (n->else_list)
		r = walk(x, dot, n->else_list);
	var_pop(x, mark);
	return r;
}

/* One pass of a range body with index/key and element bound as the declarations ask. */
static int range_once(struct format_exec *x, const struct format_node *n, json_t *index,
		      json_t *elem)
{
	const struct format_node *pipe = n->pipe;
	size_t mark = x->nvars;
	int r;

	if (pipe->ndecl > 0) {
		if (pipe->is_assign)
			var_set(var_find(x, pipe->decl[0]), pipe->ndecl > 1 ? index : elem);
		else
			var_set(&x->vars[x->nvars - 1], elem);
	}
	if (pipe->ndecl > 1) {
		if (pipe->is_assign)
			var_set(var_find(x, pipe->decl[1]), elem);
		else
			var_set(&x->vars[x->nvars - 2], index);
	}
	r = walk(x, elem, n->list);
	var_pop(x, mark);
	return r;
}

static int range_over(struct format_exec *x, const struct format_node *n, json_t *v)
{
	int r = 0;

	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && r >= 0 && x->flow != FORMAT_FLOW_BREAK;
		     i++) {
			_cleanup_json_ json_t *idx = json_integer((json_int_t)i);
			x->flow = FORMAT_FLOW_NEXT;
			r = range_once(x, n, idx, json_array_get(v, i));
		}
	} else {
		size_t nkeys = 0;
		_cleanup_free_ const char **keys = format_object_sorted_keys(v, &nkeys);
		for (size_t i = 0; i < nkeys && r >= 0 && x->flow != FORMAT_FLOW_BREAK; i++) {
			_cleanup_json_ json_t *key = json_string_nocheck(keys[i]);
			x->flow = FORMAT_FLOW_NEXT;
			r = range_once(x, n, key, json_object_get(v, keys[i]));
		}
	}
	x->flow = FORMAT_FLOW_NEXT;
	return r;
}

static int walk_range(struct format_exec *x, json_t *dot, const struct format_node *n)
{
	_cleanup_json_ json_t *v = NULL;
	size_t mark = x->nvars;
	int r = 0;

	if (eval_pipeline(x, dot, n->pipe, &v) < 0)
		return -EINVAL;
	if ((json_is_array(v) && json_array_size(v) > 0) ||
	    (json_is_object(v) && json_object_size(v) > 0)) {
		r = range_over(x, n, v);
	} else if (v && !json_is_null(v) && !json_is_array(v) && !json_is_object(v) &&
		   !(json_is_string(v) && json_string_length(v) == 0)) {
		if (!x->header_mode) {
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			format_value_print(&sb, v);
			r = format_exec_fail(x, n->pipe, "range can't iterate over %s",
					     strbuf_str(&sb));
		} else {
			r = range_once(x, n, v, v);
			x->flow = FORMAT_FLOW_NEXT;
		}
	} else if (n->else_list) {
		r = walk(x, dot, n->else_list);
	}
	var_pop(x, mark);
	return r;
}

static int walk(struct format_exec *x, json_t *dot, const struct format_node *n)
{
	if (++x->steps > FORMAT_MAX_STEPS)
		return format_exec_fail(x, n, "template execution takes too long");
	switch (n->type) {
	case FORMAT_NODE_LIST:
		for (size_t i = 0; i < n->nkids; i++) {
			if (walk(x, dot, n->kids[i]) < 0)
				return -EINVAL;
			if (x->flow != FORMAT_FLOW_NEXT)
				return 0;
		}
		return 0;
	case FORMAT_NODE_TEXT:
		return write_out(x, n, n->str, n->len);
	case FORMAT_NODE_ACTION:
		return walk_action(x, dot, n);
	case FORMAT_NODE_IF:
	case FORMAT_NODE_WITH:
		return walk_if_with(x, dot, n);
	case FORMAT_NODE_RANGE:
		return walk_range(x, dot, n);
	case FORMAT_NODE_BREAK:
		x->flow = FORMAT_FLOW_BREAK;
		return 0;
	case FORMAT_NODE_CONTINUE:
		x->flow = FORMAT_FLOW_CONTINUE;
		return 0;
	default:
		return format_exec_fail(x, n, "unknown node");
	}
}

int format_exec_run(struct format_exec *x, const struct format_node *root, json_t *dot)
{
	int r;

	x->out_start = x->out->len;
	var_push(x, "$", dot);
	r = walk(x, dot, root);
	var_pop(x, 0);
	free(x->vars);
	x->vars = NULL;
	x->avars = 0;
	return r < 0 || x->failed ? -EINVAL : 0;
}
