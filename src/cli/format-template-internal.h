/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the --format engine shared by its files: the token and syntax-tree types, the
 * execution state, the function table and the Go-style value printers. Only format-*.c include
 * this; everything else uses format-template.h.
 *
 * Values during execution are jansson values (a new reference each): strings, integers
 * (Go's int64), reals (float64), booleans, arrays, objects and null. NULL stands for "no value"
 * (Go's invalid reflect.Value).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/json-util.h"
#include "util/macro.h"
#include "util/strbuf.h"

/* Bounds against hostile templates (Go has none of these except the printf width). */
#define FORMAT_MAX_TEXT (1024 * 1024)	     /* bytes of template text */
#define FORMAT_MAX_DEPTH 100		     /* nesting of control structures and parentheses */
#define FORMAT_MAX_OUTPUT (64 * 1024 * 1024) /* bytes one execution may write */
#define FORMAT_MAX_STEPS 20000000	     /* nodes one execution may evaluate */
#define FORMAT_MAX_WIDTH 1000000 /* printf width and precision, pad and truncate sizes */
#define FORMAT_NAME "output"	 /* the template name in error messages */

enum format_tok_type {
	FORMAT_TOK_EOF,
	FORMAT_TOK_TEXT,
	FORMAT_TOK_LEFT,  /* {{ */
	FORMAT_TOK_RIGHT, /* }} */
	FORMAT_TOK_SPACE,
	FORMAT_TOK_FIELD,    /* .Name */
	FORMAT_TOK_VARIABLE, /* $name or $ */
	FORMAT_TOK_IDENT,    /* a function name */
	FORMAT_TOK_DOT,
	FORMAT_TOK_NIL,
	FORMAT_TOK_BOOL,
	FORMAT_TOK_NUMBER,
	FORMAT_TOK_CHAR,   /* 'x' */
	FORMAT_TOK_STRING, /* "..." or `...`, still quoted */
	FORMAT_TOK_PIPE,
	FORMAT_TOK_LPAREN,
	FORMAT_TOK_RPAREN,
	FORMAT_TOK_DECLARE, /* := */
	FORMAT_TOK_ASSIGN,  /* = */
	FORMAT_TOK_COMMA,
	/* keywords */
	FORMAT_TOK_IF,
	FORMAT_TOK_ELSE,
	FORMAT_TOK_END,
	FORMAT_TOK_RANGE,
	FORMAT_TOK_WITH,
	FORMAT_TOK_BREAK,
	FORMAT_TOK_CONTINUE,
	FORMAT_TOK_DEFINE,
	FORMAT_TOK_TEMPLATE,
	FORMAT_TOK_BLOCK,
};

struct format_token {
	enum format_tok_type type;
	size_t pos; /* byte offset in the template text */
	const char *s;
	size_t len;
};

/* Split text into tokens (trim markers applied, comments dropped). On failure returns -EINVAL
 * with *ret_msg (allocated) and *ret_pos describing the problem. */
int format_lex(const char *text, size_t len, struct format_token **ret, size_t *ret_n,
	       char **ret_msg, size_t *ret_pos);
/* The value of a string, character, number or bool token (Go's literal syntax), or NULL when
 * malformed. */
json_t *format_literal_value(const struct format_token *tok);
/* Readable form of a token for "unexpected ..." messages (allocated). */
char *format_token_describe(const struct format_token *tok);

enum format_node_type {
	FORMAT_NODE_LIST,
	FORMAT_NODE_TEXT,
	FORMAT_NODE_ACTION,
	FORMAT_NODE_IF,
	FORMAT_NODE_RANGE,
	FORMAT_NODE_WITH,
	FORMAT_NODE_BREAK,
	FORMAT_NODE_CONTINUE,
	FORMAT_NODE_PIPE,
	FORMAT_NODE_COMMAND,
	FORMAT_NODE_FIELD,    /* .A.B: fields from dot */
	FORMAT_NODE_VARIABLE, /* $x.A.B: name then fields */
	FORMAT_NODE_CHAIN,    /* (pipe).A.B: operand then fields */
	FORMAT_NODE_IDENT,    /* function name */
	FORMAT_NODE_DOT,
	FORMAT_NODE_NIL,
	FORMAT_NODE_LITERAL, /* string, number or bool: value holds it */
};

struct format_func;

struct format_node {
	enum format_node_type type;
	size_t pos;
	struct format_node **kids; /* LIST: items; PIPE: commands; COMMAND: arguments */
	size_t nkids;
	char *str;     /* TEXT: text; IDENT: name; VARIABLE: "$x"; LITERAL: source text */
	size_t len;    /* bytes in str */
	char **fields; /* FIELD, VARIABLE, CHAIN: field names */
	size_t nfields;
	char **decl; /* PIPE: declared or assigned variables */
	size_t ndecl;
	bool is_assign;		  /* PIPE: '=' rather than ':=' */
	struct format_node *pipe; /* ACTION, IF, RANGE, WITH: pipeline; CHAIN: operand */
	struct format_node *list; /* IF, RANGE, WITH: body */
	struct format_node *else_list;
	json_t *value;			/* LITERAL */
	const struct format_func *func; /* IDENT */
};

void format_node_free(struct format_node *n);
DEFINE_CLEANUP_FUNC(struct format_node *, format_node_free)
/* Append Go's text/template rendering of a node (as in "executing ... at <node>"). */
void format_node_describe(struct strbuf *out, const struct format_node *n);

/* Parse a token stream into a list node. Errors as "template: output:LINE: msg". */
int format_parse(const char *text, const struct format_token *toks, size_t ntoks,
		 struct format_node **ret, struct sk_error **err);

struct format_var {
	const char *name; /* borrowed from the tree */
	json_t *value;	  /* owned */
};

enum format_flow {
	FORMAT_FLOW_NEXT,
	FORMAT_FLOW_BREAK,
	FORMAT_FLOW_CONTINUE,
};

struct format_exec {
	const char *text; /* the parsed text, for line:col */
	struct strbuf *out;
	size_t out_start;
	struct sk_error **err;
	struct format_var *vars;
	size_t nvars, avars;
	const char *const *header_map; /* header mode: field name → column header pairs */
	bool header_mode;
	bool lenient;	   /* a missing field of a struct-like object is "" rather than an error */
	bool all_structs;  /* every object is a struct: no map lookups (info, version) */
	const json_t *top; /* the data executed on: always a struct, so unknown fields fail */
	bool failed;
	enum format_flow flow;
	uint64_t steps;
};

/* Set an execution error "template: output:L:C: executing "output" at <node>: msg"; returns
 * -EINVAL. */
int format_exec_fail(struct format_exec *x, const struct format_node *at, const char *fmt, ...)
	_printf_(3, 4);
/* Run a list node with dot. */
int format_exec_run(struct format_exec *x, const struct format_node *root, json_t *dot);
/* Go's truth of a value: false, 0, "", empty array/object, null and no value are false. */
bool format_value_truth(const json_t *v);

/* The functions callable from templates. */
typedef json_t *(*format_func_fn)(struct format_exec *x, const struct format_node *cmd,
				  json_t **argv, size_t argc);
struct format_func {
	const char *name;
	format_func_fn fn;
	int min_args;
	int max_args;	      /* -1: variadic */
	bool header_passthru; /* in header mode, return the first argument unchanged */
	bool lazy;	      /* and, or: arguments evaluated by the executor one at a time */
};
const struct format_func *format_func_lookup(const char *name);
/* A string argument, or an error "wrong type for value; expected string; got T". */
int format_arg_string(struct format_exec *x, const struct format_node *cmd, json_t *v,
		      const char **ret, size_t *ret_len);
int format_arg_int(struct format_exec *x, const struct format_node *cmd, json_t *v, int64_t *ret);

/* Go's type name of a value: string, int64, float64, bool, []interface {}, map[string]interface
 * {}, <nil>. */
const char *format_value_type(const json_t *v);
/* fmt.Sprint of one value (%v): strings raw, arrays [a b], objects map[k:v] with sorted keys,
 * reals as Go's shortest %v, null as <nil>. */
void format_value_print(struct strbuf *out, const json_t *v);
/* fmt.Sprintf, fmt.Sprint and fmt.Sprintln over values. */
void format_go_sprintf(struct strbuf *out, const char *fmt, size_t fmt_len, json_t **argv,
		       size_t argc);
void format_go_sprint(struct strbuf *out, json_t **argv, size_t argc, bool ln);
/* Go's strconv.FormatFloat(f, 'g', -1, 64) with %v's exponent rule, or JSON's ('f' unless
 * tiny or huge). */
void format_float_shortest(struct strbuf *out, double f, bool json_style);
/* Object keys sorted bytewise (as Go sorts map keys); free the array, not the strings. */
const char **format_object_sorted_keys(const json_t *obj, size_t *ret_n);
/* Append the UTF-8 encoding of a code point (U+FFFD for invalid ones). */
void format_utf8_put(struct strbuf *out, int64_t r);
/* Number of UTF-8 characters in s (invalid bytes count as one each). */
size_t format_utf8_count(const char *s, size_t len);
