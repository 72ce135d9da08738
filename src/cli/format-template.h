/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format engine: a Go text/template work-alike evaluated over jansson values, with the
 * functions podman registers (json, lower, upper, title, split, join, pad, truncate) and Go's
 * builtins (and, or, not, eq, ne, lt, le, gt, ge, len, index, slice, print, printf, println,
 * html, urlquery, js).
 *
 * Data model: JSON objects act as Go structs and maps. `.Name` looks a key up exactly, then
 * ignoring case and underscores when exactly one key matches (`.ID` finds "Id", `.CreatedBy`
 * finds "created_by", as Go sees struct fields behind JSON names). A missing key prints
 * "<no value>" (Go's missing map key, e.g. `.Labels.nope`) unless the object looks like a
 * struct (every key starts with an upper-case letter, as podman's JSON does): then it is an
 * error "can't evaluate field Name", or, in lenient mode, the empty string (the zero value of
 * a field JSON omitted as empty; ranging over "" runs no iteration). Objects print as Go maps (`map[a:1 b:2]`, keys sorted), arrays as `[a b]`,
 * reals as Go's %v (1.5, 1e+06), null as "<no value>". eq/ne/lt/... compare integers with
 * reals numerically where Go would refuse.
 *
 * Typical use (list commands): format_print_list(); inspect-like commands: format_print_one().
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"

struct format_template;

/*
 * Parse a user's --format string the way podman does:
 *  - a "table " prefix makes a table template: every "table " is dropped, the two-character
 *    escapes `\t` and `\n` become TAB and newline, and every space becomes a TAB (a cell
 *    boundary);
 *  - otherwise only `\t` and `\n` are expanded;
 *  - a newline is appended unless the text already ends with one;
 *  - if that processed text does not parse, the original text is parsed instead (so that
 *    '{{printf "a\nb"}}' works), without the appended newline.
 * A template shaped '{{range .}}...{{end}}' applies to the whole list rather than to each row
 * (format_template_exec_list handles both). Errors: SK_ERR_INVALID, "template: output:1: ...".
 */
int format_template_parse(const char *text, struct format_template **ret, struct sk_error **err);
/* Parse text as a plain Go template, with none of the processing above. */
int format_template_parse_raw(const char *text, struct format_template **ret,
			      struct sk_error **err);
void format_template_free(struct format_template *t);
DEFINE_CLEANUP_FUNC(struct format_template *, format_template_free)
#define _cleanup_format_template_ _cleanup_(format_template_freep)

bool format_template_is_table(const struct format_template *t);
/* Lenient mode (see above), for data whose JSON omits empty fields (inspect output). */
void format_template_set_lenient(struct format_template *t, bool lenient);

/* Execute once with data as dot (and $), appending to out. Errors: SK_ERR_INVALID,
 * 'template: output:1:2: executing "output" at <.Nope>: can't evaluate field Nope in type
 * map[string]interface {}'. */
int format_template_exec(const struct format_template *t, json_t *data, struct strbuf *out,
			 struct sk_error **err);
/* Execute for a list of rows (an array): once per row, or once with the whole array for a
 * '{{range .}}...{{end}}' template. */
int format_template_exec_list(const struct format_template *t, json_t *rows, struct strbuf *out,
			      struct sk_error **err);
/*
 * The header row of a table: the template executed in header mode, where `.Field` (and
 * `$x.A.Field`, `(...).Field`) yields the column header for its last field name, and json,
 * split, join, lower, upper, title, truncate, index and slice return their first argument
 * unchanged (as docker and podman do). header_map holds NULL-terminated pairs
 * {"ID", "IMAGE ID", "Repository", "REPOSITORY", NULL} (looked up exactly, then ignoring case;
 * the text is upper-cased as podman does); a field not in it gets its name split at case
 * changes and upper-cased ("CreatedAt" → "CREATED AT"), as podman's report.Headers.
 */
int format_template_header(const struct format_template *t, const char *const *header_map,
			   struct strbuf *out, struct sk_error **err);

/* The default header of a field name: "CreatedAt" → "CREATED AT", "IPAddress" → "IP ADDRESS". */
char *format_header_for_field(const char *field);

/* Does the --format value ask for JSON output: "json", "{{json}}", "{{json .}}", "{{ json . }}"
 * (podman's report.IsJSON)? */
bool format_is_json(const char *format);
/* Does it ask for a table ("table" alone or "table ...")? */
bool format_is_table(const char *format);
/* Expand the two-character escapes `\t` and `\n` as podman does; allocated. */
char *format_unescape(const char *s);

/* Go's encoding/json output of a value: compact when indent is 0 (json.Marshal), else indented
 * by that many spaces per level (json.MarshalIndent); with escape_html, <, > and & become
 * \u003c, \u003e, \u0026 as Go does by default. Object keys keep their order. */
void format_json_write(struct strbuf *out, const json_t *v, unsigned indent, bool escape_html);

/*
 * Print a list command's rows (an array of objects) for --format:
 *  - NULL, "" or "table": default_table (a "table ..." format) with its header;
 *  - format_is_json(): the rows as a JSON array indented by 4 spaces (podman's output);
 *  - "table ...": an aligned table with a header row;
 *  - anything else: the template per row, no header.
 * noheading drops the header row. header_map as format_template_header().
 */
int format_print_list(const char *format, json_t *rows, const char *default_table,
		      const char *const *header_map, bool noheading, FILE *out,
		      struct sk_error **err);
/* Print one object (info, version, one inspected item) for --format: NULL, "" or JSON formats
 * print it as indented JSON; a template runs once with obj as dot, in lenient mode; a table
 * template is aligned but has no header (as podman's inspect). */
int format_print_one(const char *format, json_t *obj, FILE *out, struct sk_error **err);
/* The same, but a missing field of any struct-like object is an error (info, version: their
 * documents are complete, so an unknown field is a typo). */
int format_print_one_strict(const char *format, json_t *obj, FILE *out, struct sk_error **err);
