/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --format engine. Expected outputs were checked against podman 4.3 (Go text/template
 * with containers/common's functions) where the data types allow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli/format-template.h"
#include "util/json-util.h"
#include "util/xalloc.h"

static const char *const data_json =
	"{\"ID\": \"d63da2f4845f\", \"Repository\": \"localhost/fmttest\", \"Tag\": \"v2\","
	" \"Names\": [\"a:latest\", \"a:v2\"], \"Labels\": {\"zeta\": \"1\", \"foo\": \"bar\"},"
	" \"Size\": 1987702, \"Ratio\": 1.5, \"Big\": 1000000.0, \"Small\": 0.00001,"
	" \"Running\": true, \"Paused\": false, \"Nothing\": null, \"Empty\": \"\","
	" \"List\": [], \"Ports\": [{\"HostPort\": 8080, \"Proto\": \"tcp\"}],"
	" \"Config\": {\"Env\": [\"A=b\"], \"Labels\": {}}, \"History\": [{\"created_by\": "
	"\"sh\"}]}";

static json_t *data(void)
{
	json_t *v = sk_json_parse(data_json, strlen(data_json), NULL);
	assert_non_null(v);
	return v;
}

/* Output of a raw Go template over the data, or "ERR: <message>". */
static char *run_with(const char *tmpl, bool podman, bool lenient)
{
	_cleanup_(format_template_freep) struct format_template *t = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_json_ json_t *d = data();
	struct strbuf out = STRBUF_INIT;

	if ((podman ? format_template_parse(tmpl, &t, &err)
		    : format_template_parse_raw(tmpl, &t, &err)) < 0) {
		assert_int_equal(err->kind, SK_ERR_INVALID);
		return xasprintf("ERR: %s", err->msg);
	}
	format_template_set_lenient(t, lenient);
	if (format_template_exec(t, d, &out, &err) < 0) {
		assert_int_equal(err->kind, SK_ERR_INVALID);
		assert_int_equal(out.len, 0);
		strbuf_release(&out);
		return xasprintf("ERR: %s", err->msg);
	}
	return strbuf_detach(&out, NULL);
}

#define assert_tmpl(tmpl, expected)                                                                \
	do {                                                                                       \
		_cleanup_free_ char *_got = run_with((tmpl), false, false);                        \
		assert_string_equal(_got, (expected));                                             \
	} while (0)

/* The error message contains want. */
#define assert_tmpl_err(tmpl, want)                                                                \
	do {                                                                                       \
		_cleanup_free_ char *_got = run_with((tmpl), false, false);                        \
		if (strncmp(_got, "ERR: ", 5) != 0 || !strstr(_got, (want)))                       \
			fail_msg("template %s: got \"%s\", want error with \"%s\"", (tmpl), _got,  \
				 (want));                                                          \
	} while (0)

static void test_format_template_exec_fields(void **state)
{
	assert_tmpl("plain text", "plain text");
	assert_tmpl("{{.ID}} {{.Repository}}:{{.Tag}}", "d63da2f4845f localhost/fmttest:v2");
	assert_tmpl("{{.Labels.foo}}", "bar");
	assert_tmpl("{{.Config.Env}}", "[A=b]");
	assert_tmpl("{{$.Tag}} {{ $.Labels.zeta }}", "v2 1");
	assert_tmpl("{{.Id}}|{{.id}}|{{.REPOSITORY}}",
		    "d63da2f4845f|d63da2f4845f|localhost/fmttest");
	assert_tmpl("{{range .History}}{{.CreatedBy}}{{end}}", "sh");
	assert_tmpl("{{(index .Ports 0).HostPort}}", "8080");
	assert_tmpl("{{with index .Ports 0}}{{.Proto}}{{end}}", "tcp");
}

static void test_format_template_exec_printing(void **state)
{
	assert_tmpl("{{.Size}} {{.Ratio}} {{.Big}} {{.Small}}", "1987702 1.5 1e+06 1e-05");
	assert_tmpl("{{.Running}} {{.Paused}}", "true false");
	assert_tmpl("{{.Nothing}}|{{.Empty}}|{{.List}}", "<no value>||[]");
	assert_tmpl("{{.Names}}", "[a:latest a:v2]");
	assert_tmpl("{{.Labels}}", "map[foo:bar zeta:1]");
	assert_tmpl("{{.Ports}}", "[map[HostPort:8080 Proto:tcp]]");
	assert_tmpl("{{.Config}}", "map[Env:[A=b] Labels:map[]]");
	assert_tmpl("{{1e6}} {{1.5}} {{100000.0}} {{3}} {{true}} {{\"s\"}} {{0x1F}} {{'a'}} {{-3}}",
		    "1e+06 1.5 100000 3 true s 31 97 -3");
	assert_tmpl("{{1_000}} {{0o17}} {{017}} {{0b101}} {{1e3}} {{.5}} {{123456789.0}}",
		    "1000 15 15 5 1000 0.5 1.23456789e+08");
	assert_tmpl("{{0.1}} {{1e-5}} {{0.0001}} {{-2.5}}", "0.1 1e-05 0.0001 -2.5");
}

static void test_format_template_exec_missing(void **state)
{
	/* Lenient mode forgives a missing nested field (omitempty), never one of the top object. */
	_cleanup_free_ char *lenient =
		run_with("[{{.Config.Nope}}]{{range .Config.Nope}}x{{end}}", false, true);
	_cleanup_free_ char *lenient_top = run_with("{{.Nope}}", false, true);

	assert_tmpl("{{.Labels.nope}}", "<no value>");
	assert_tmpl("{{.Labels.nope.deeper}}", "<no value>");
	assert_tmpl("{{.Nothing.x}}", "<no value>");
	assert_tmpl_err("{{.Nope}}", "template: output:1:2: executing \"output\" at <.Nope>: "
				     "can't evaluate field Nope in type map[string]interface {}");
	assert_tmpl_err("{{.ID.Foo}}", "can't evaluate field Foo in type string");
	assert_tmpl_err("{{.Size.Foo}}", "can't evaluate field Foo in type int64");
	assert_string_equal(lenient, "[]");
	assert_non_null(strstr(lenient_top, "can't evaluate field Nope"));
}

static void test_format_template_exec_literals(void **state)
{
	assert_tmpl("{{\"a\\tb\\n\\\"q\\\"\\x41\\u00e9\\101\"}}", "a\tb\n\"q\"A\xc3\xa9"
								  "A");
	assert_tmpl("{{`raw \\n text`}}", "raw \\n text");
	assert_tmpl("{{'\\n'}} {{'é'}} {{'\\''}}", "10 233 39");
	assert_tmpl("{{print nil}}", "<nil>");
	assert_tmpl_err("{{nil}}", "nil is not a command");
	assert_tmpl_err("{{\"\\q\"}}", "invalid syntax");
	assert_tmpl_err("{{1x}}", "bad number syntax");
	assert_tmpl_err("{{99999999999999999999}}", "bad number syntax");
	assert_tmpl_err("{{'ab'}}", "malformed character constant");
	assert_tmpl_err("{{3 .ID}}", "can't give argument to non-function 3");
}

static void test_format_template_exec_pipelines(void **state)
{
	assert_tmpl("{{.Tag | printf \"%s!\"}}", "v2!");
	assert_tmpl("{{.Tag | upper | printf \"<%s>\"}}", "<V2>");
	assert_tmpl("{{printf \"%s-%s\" (upper .Tag) (lower \"AB\")}}", "V2-ab");
	assert_tmpl("{{(.Labels).foo}} {{(printf \"%d\" 3)}}", "bar 3");
	assert_tmpl_err("{{.Tag | \"x\"}}", "non executable command in pipeline stage 2");
	assert_tmpl_err("{{\"a\" | .ID}}", "ID is not a method but has arguments");
	assert_tmpl_err("{{(1) 2}}", "can't give argument to non-function");
}

static void test_format_template_exec_variables(void **state)
{
	assert_tmpl("{{$x := .Tag}}{{$x}}-{{$x = \"changed\"}}{{$x}}", "v2-changed");
	assert_tmpl("{{$a := 1}}{{if true}}{{$a = 2}}{{$b := 3}}{{$b}}{{end}}{{$a}}", "32");
	assert_tmpl("{{range $i, $n := .Names}}{{$i}}={{$n}};{{end}}", "0=a:latest;1=a:v2;");
	assert_tmpl("{{range $n := .Names}}{{$n}},{{end}}", "a:latest,a:v2,");
	assert_tmpl("{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}", "foo=bar zeta=1 ");
	assert_tmpl("{{range .Names}}{{$.Tag}}{{end}}", "v2v2");
	assert_tmpl("{{$i := 0}}{{range $i, $e := .Names}}{{end}}{{$i}}", "0");
	assert_tmpl_err("{{if true}}{{$b := 1}}{{end}}{{$b}}", "undefined variable \"$b\"");
	assert_tmpl_err("{{$y}}", "template: output:1: undefined variable \"$y\"");
	assert_tmpl_err("{{$y = 1}}", "undefined variable \"$y\"");
	assert_tmpl_err("{{range $a, $b, $c := .Names}}{{end}}", "too many declarations in range");
	assert_tmpl_err("{{$a, $b := 1}}", "too many declarations in command");
}

static void test_format_template_exec_control(void **state)
{
	const char *chain =
		"{{if eq .Tag \"x\"}}x{{else if eq .Tag \"v2\"}}two{{else}}other{{end}}";

	assert_tmpl(chain, "two");
	assert_tmpl("{{if .Empty}}a{{else}}b{{end}}{{if .List}}c{{end}}{{if .Names}}d{{end}}",
		    "bd");
	assert_tmpl("{{if .Nothing}}a{{else if .Labels.nope}}b{{else}}c{{end}}", "c");
	assert_tmpl("{{with .Labels.foo}}[{{.}}]{{end}}{{with .Empty}}x{{else}}none{{end}}",
		    "[bar]none");
	assert_tmpl("{{with .Nothing}}x{{else with .Tag}}{{.}}{{end}}", "v2");
	assert_tmpl("{{range .Names}}[{{.}}]{{end}}", "[a:latest][a:v2]");
	assert_tmpl("{{range .List}}x{{else}}empty{{end}}{{range .Nothing}}x{{else}}nil{{end}}",
		    "emptynil");
	assert_tmpl("{{range .Labels}}{{.}} {{end}}", "bar 1 ");
	assert_tmpl("{{range .Names}}{{if eq . \"a:v2\"}}{{break}}{{end}}{{.}};{{end}}",
		    "a:latest;");
	assert_tmpl("{{range .Names}}{{if eq . \"a:latest\"}}{{continue}}{{end}}{{.}};{{end}}",
		    "a:v2;");
	assert_tmpl("{{range .Names}}{{range $.Names}}{{break}}{{end}}x{{end}}", "xx");
	assert_tmpl_err("{{range .ID}}{{end}}", "at <.ID>: range can't iterate over d63da2f4845f");
	assert_tmpl_err("{{break}}", "{{break}} outside {{range}}");
	assert_tmpl_err("{{range .Names}}{{else}}{{break}}{{end}}", "{{break}} outside {{range}}");
}

static void test_format_template_exec_trim_and_comments(void **state)
{
	assert_tmpl("a  {{- .Tag -}}  \n b", "av2b");
	assert_tmpl("a {{- /* note */ -}} b", "ab");
	assert_tmpl("{{/* comment\nover lines */}}x", "x");
	assert_tmpl("{{-3}} {{- 3}}", "-33");
	assert_tmpl("{{ .Tag\n}}", "v2");
	assert_tmpl_err("{{.ID}}{{/* c */ .ID}}", "comment ends before closing delimiter");
	assert_tmpl_err("{{/* unclosed }}", "unclosed comment");
}

static void test_format_template_exec_logic_funcs(void **state)
{
	assert_tmpl(
		"{{and 1 0 2}}|{{or 0 \"\" \"x\"}}|{{not 0}}|{{and .Tag .ID}}|{{or .Nothing 7}}",
		"0|x|true|d63da2f4845f|7");
	/* short-circuit: the failing operand is never evaluated */
	assert_tmpl("{{and false .Nope}}{{or true .Nope}}", "falsetrue");
	assert_tmpl("{{.Running | and true}}", "true");
	assert_tmpl("{{eq 1 1 2}} {{eq \"a\" \"b\" \"a\"}} {{eq .Size 1987702}} {{eq 1 1.0}}",
		    "true true true true");
	assert_tmpl("{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}} {{lt 1 1.5}}",
		    "true true true true false true");
	assert_tmpl("{{eq .Nothing nil}} {{eq .Tag nil}}", "true false");
	assert_tmpl_err("{{lt .ID 1}}", "error calling lt: incompatible types for comparison");
	assert_tmpl_err("{{lt true false}}", "error calling lt: invalid type for comparison");
	assert_tmpl_err("{{eq .Names .Names}}", "error calling eq: non-comparable type");
	assert_tmpl_err("{{eq 1}}", "missing argument for comparison");
	assert_tmpl_err("{{and}}", "wrong number of args for and: want at least 1 got 0");
	assert_tmpl_err("{{not 1 2}}", "wrong number of args for not: want 1 got 2");
}

static void test_format_template_exec_collection_funcs(void **state)
{
	assert_tmpl("{{len .Labels}} {{len .Names}} {{len .ID}} {{len .Nothing}}", "2 2 12 0");
	assert_tmpl("{{index .Names 1}}|{{index .Labels \"zeta\"}}|{{index .Labels \"nope\"}}|",
		    "a:v2|1||");
	assert_tmpl("{{index .Ports 0 \"HostPort\"}} {{index .ID 0}}", "8080 100");
	assert_tmpl("{{slice .ID 0 3}}|{{slice .Names 1}}|{{slice .ID 10}}|{{slice .Names 0 1 2}}",
		    "d63|[a:v2]|5f|[a:latest]");
	assert_tmpl("{{split .Repository \"/\"}}|{{split \"a,b,,c\" \",\"}}|{{split \"ab\" \"\"}}",
		    "[localhost fmttest]|[a b  c]|[a b]");
	assert_tmpl(
		"{{join .Names \",\"}}|{{join (split \"a b c\" \" \") \"+\"}}|{{join .List \"-\"}}",
		"a:latest,a:v2|a+b+c|");
	assert_tmpl_err("{{len 3}}", "error calling len: len of type int64");
	assert_tmpl_err("{{index .Names 5}}", "error calling index: index out of range: 5");
	assert_tmpl_err("{{index .Names \"a\"}}", "cannot index slice/array with type string");
	assert_tmpl_err("{{index .Labels 1}}", "value has type int64; should be string");
	assert_tmpl_err("{{slice .ID 3 1}}", "invalid slice index");
	assert_tmpl_err("{{join .Tag \",\"}}", "expected []string; got string");
}

static void test_format_template_exec_string_funcs(void **state)
{
	assert_tmpl("{{upper .Tag}} {{lower \"AbC\"}} {{title \"hello wOrld-foo_bar x.y\"}}",
		    "V2 abc Hello WOrld-Foo_bar X.Y");
	assert_tmpl("{{truncate .ID 3}}|{{truncate .ID 99}}|{{pad .Tag 2 1}}|{{pad \"\" 2 2}}|",
		    "d63|d63da2f4845f|  v2 ||");
	assert_tmpl("{{print 1 2 \"a\" \"b\" 3}}|{{println \"x\" 1}}|{{print}}", "1 2ab3|x 1\n|");
	assert_tmpl("{{html \"<a href='x'>&</a>\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
	assert_tmpl("{{urlquery \"a b&c=d/\"}}", "a+b%26c%3Dd%2F");
	assert_tmpl("{{js \"it's <b>\"}}", "it\\'s \\u003Cb\\u003E");
	assert_tmpl_err("{{upper 3}}", "wrong type for value; expected string; got int64");
	assert_tmpl_err("{{truncate .ID \"x\"}}", "expected int; got string");
	assert_tmpl_err("{{pad .ID 99999999 0}}", "padding out of range");
}

static void test_format_template_exec_json(void **state)
{
	assert_tmpl("{{json .Labels}}", "{\"zeta\":\"1\",\"foo\":\"bar\"}");
	assert_tmpl("{{json .Names}} {{json .Tag}} {{json .Size}} {{json .Nothing}}",
		    "[\"a:latest\",\"a:v2\"] \"v2\" 1987702 null");
	assert_tmpl("{{json .Big}} {{json .Ratio}} {{json .Small}} {{json 1e21}} {{json 1e-7}}",
		    "1000000 1.5 0.00001 1e+21 1e-7");
	assert_tmpl("{{json \"<a&b>\\u2028\"}}", "\"<a&b>\\u2028\"");
	assert_tmpl("{{json .Config}}", "{\"Env\":[\"A=b\"],\"Labels\":{}}");
}

static void test_format_template_exec_printf(void **state)
{
	assert_tmpl("{{printf \"%-6s|%5d|%x|%X|%o|%b\" .Tag 42 255 255 8 5}}",
		    "v2    |   42|ff|FF|10|101");
	assert_tmpl("{{printf \"%5.2f|%e|%g|%v|%v|%v\" 3.14159 1234.5 0.000001 1.5 1e6 100000.0}}",
		    " 3.14|1.234500e+03|1e-06|1.5|1e+06|100000");
	assert_tmpl("{{printf \"%08.3f|%+d|% d|%-5d|%05d|%x\" 3.14159 5 5 5 -5 -255}}",
		    "0003.142|+5| 5|5    |-0005|-ff");
	assert_tmpl("{{printf \"%c%c %U %#x %#o %q\" 72 105 0x1F600 255 8 65}}",
		    "Hi U+1F600 0xff 010 'A'");
	assert_tmpl("{{printf \"%x %X % x %q %+q\" \"hi\" \"hi\" \"hi\" \"a\\\"b\\n\" \"é\"}}",
		    "6869 6869 68 69 \"a\\\"b\\n\" \"\\u00e9\"");
	assert_tmpl("{{printf \"%6.2s|%-6s|%.1s\" \"abcdef\" \"ab\" \"éa\"}}", "    ab|ab    |é");
	assert_tmpl(
		"{{printf \"%t %v %s %d\" true .Labels .Names .Names}}",
		"true map[foo:bar zeta:1] [a:latest a:v2] [%!d(string=a:latest) %!d(string=a:v2)]");
	assert_tmpl("{{printf \"%[2]s %[1]s|%[2]*[1]d\" \"a\" \"b\"}}|{{printf \"%[3]d\" 1}}",
		    "b a|%!(BADWIDTH)%!d(string=a)|%!d(BADINDEX)");
	assert_tmpl("{{printf \"%*d|%-*d|%.*f|%*d\" 3 1 3 2 2 3.14159 -3 4}}", "  1|2  |3.14|4  ");
	assert_tmpl("{{printf \"%s %s\" \"a\"}}|{{printf \"%s\" \"a\" 1}}|{{printf \"%d\" \"a\"}}",
		    "a %!s(MISSING)|a%!(EXTRA int64=1)|%!d(string=a)");
	assert_tmpl("{{printf \"%z|%!|%\" 1}}", "%!z(int64=1)|%!!(MISSING)|%!(NOVERB)");
	assert_tmpl("{{printf \"%v %s %T %T\" nil nil .Names 1.5}}",
		    "<nil> %!s(<nil>) []interface {} float64");
	assert_tmpl("{{printf \"%d%%\" 50}}", "50%");
}

static void test_format_template_parse_errors(void **state)
{
	assert_tmpl_err("{{nope}}", "template: output:1: function \"nope\" not defined");
	assert_tmpl_err("{{.ID", "unclosed action");
	assert_tmpl_err("{{if .ID}}x", "template: output:1: unexpected EOF");
	assert_tmpl_err("{{range .Names}}{{else}}a{{else}}b{{end}}",
			"expected end; found {{else}}");
	assert_tmpl_err("x{{end}}", "unexpected {{end}}");
	assert_tmpl_err("{{else}}", "unexpected {{else}}");
	assert_tmpl_err("{{}}", "missing value for command");
	assert_tmpl_err("{{if}}{{end}}", "missing value for if");
	assert_tmpl_err("{{\"abc}}", "unterminated quoted string");
	assert_tmpl_err("{{`abc}}", "unterminated raw quoted string");
	assert_tmpl_err("{{(.ID}}", "unclosed left paren");
	assert_tmpl_err("{{.ID)}}", "unexpected right paren");
	assert_tmpl_err("{{.ID # x}}", "unrecognized character in action");
	assert_tmpl_err("{{.ID := 1}}", "unexpected \":=\" in operand");
	assert_tmpl_err("{{end 1}}", "unexpected");
	assert_tmpl_err("{{\"x\".ID}}", "unexpected . after term");
	assert_tmpl_err("{{3.ID}}", "bad number syntax: \"3.ID\"");
	assert_tmpl_err("{{template \"x\"}}", "{{template}} is not supported");
	assert_tmpl_err("line1\nline2 {{nope}}", "template: output:2: function \"nope\"");
	assert_tmpl_err("\n {{.Nope}}", "template: output:2:3: executing");
}

static char *repeat(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(&sb, s);
	return strbuf_detach(&sb, NULL);
}

static void test_format_template_parse_hostile(void **state)
{
	_cleanup_free_ char *ifs = repeat("{{if 1}}", 5000);
	_cleanup_free_ char *parens = repeat("(", 5000);
	_cleanup_free_ char *paren_tmpl = xasprintf("{{%s1}}", parens);
	_cleanup_free_ char *ok_depth = repeat("{{if 1}}", 50);
	_cleanup_free_ char *ok_ends = repeat("{{end}}", 50);
	_cleanup_free_ char *ok = xasprintf("%sx%s", ok_depth, ok_ends);
	_cleanup_free_ char *bigrange = NULL;

	assert_tmpl_err(ifs, "nested too deeply");
	assert_tmpl_err(paren_tmpl, "nested too deeply");
	assert_tmpl(ok, "x");
	/* Go's fmt refuses widths above 1e6 */
	assert_tmpl("{{printf \"%99999999d|\" 1}}", "%!(NOVERB)%!(EXTRA int64=1)");
	assert_tmpl("{{printf \"%.99999999f\" 1.0}}", "%!(NOVERB)%!(EXTRA float64=1)");
	assert_tmpl("{{printf \"%*d\" 99999999 1}}", "%!(BADWIDTH)1");
	/* output bounded: 64 MiB */
	bigrange = xasprintf("{{range .Names}}{{range $.Names}}{{range $.Names}}%s{{end}}{{end}}"
			     "{{end}}",
			     "{{printf \"%999999s\" \"\"}}{{printf \"%999999s\" \"\"}}"
			     "{{printf \"%999999s\" \"\"}}{{printf \"%999999s\" \"\"}}"
			     "{{printf \"%999999s\" \"\"}}{{printf \"%999999s\" \"\"}}"
			     "{{printf \"%999999s\" \"\"}}{{printf \"%999999s\" \"\"}}"
			     "{{printf \"%999999s\" \"\"}}");
	assert_tmpl_err(bigrange, "output larger than");
}

/* Every prefix of valid templates, and random bytes, must parse or fail cleanly. */
static void test_format_template_parse_fuzz(void **state)
{
	static const char *const seeds[] = {
		"{{range $i, $e := .Names}}{{if eq $i 0}}{{$e | printf \"%q\"}}{{else}}{{- "
		"$e}}{{end}}{{end}}",
		"table {{.ID}}\\t{{json .Labels}} {{index .Ports 0 \"HostPort\"}} {{/* c */}}",
		"{{with $x := (index .Names 1)}}{{slice $x 1 2}}{{else with .Tag}}{{.}}{{end}}",
		"{{`raw`}}{{'\\x41'}}{{0x1p-2}}{{\"\\u00e9\"}}{{ .Tag -}} x {{- .ID }}",
	};
	static const char alphabet[] = "{}.$|()\"'`-/* \n\tabcdefIDrangeifelsendwith:=,0123456789";
	_cleanup_json_ json_t *d = data();
	unsigned seed = 12345;

	for (size_t s = 0; s < ELEMENTSOF(seeds); s++) {
		size_t len = strlen(seeds[s]);
		for (size_t n = 0; n <= len; n++) {
			_cleanup_free_ char *prefix = xstrndup(seeds[s], n);
			_cleanup_free_ char *a = run_with(prefix, true, false);
			_cleanup_free_ char *b = run_with(prefix, false, true);
		}
	}
	for (int iter = 0; iter < 3000; iter++) {
		char buf[48];
		size_t len = 1 + (seed % (sizeof(buf) - 1));
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		buf[len - 1] = '\0';
		_cleanup_free_ char *a = run_with(buf, true, false);
		_cleanup_free_ char *b = run_with(buf, false, false);
	}
	(void)d;
}

static void test_format_template_parse_podman(void **state)
{
	_cleanup_free_ char *nl = run_with("{{.ID}}", true, false);
	_cleanup_free_ char *esc = run_with("{{.ID}}\\t{{.Tag}}\\n", true, false);
	_cleanup_free_ char *esc2 = run_with("{{.Tag}}\\\\n", true, false);
	_cleanup_free_ char *fallback = run_with("{{printf \"a\\nb\"}}", true, false);
	_cleanup_free_ char *table = run_with("table {{.ID}} {{.Tag}}", true, false);
	_cleanup_free_ char *table_esc =
		run_with("table {{.ID}}\\t{{printf \"%s-%s\" .Tag .Tag}}", true, false);
	_cleanup_(format_template_freep) struct format_template *t = NULL;

	assert_string_equal(nl, "d63da2f4845f\n");
	assert_string_equal(esc, "d63da2f4845f\tv2\n");
	assert_string_equal(esc2, "v2\\\n");
	assert_string_equal(fallback, "a\nb");
	assert_string_equal(table, "d63da2f4845f\tv2\n");
	assert_string_equal(table_esc, "d63da2f4845f\tv2-v2\n");
	assert_int_equal(format_template_parse("table {{.ID}}", &t, NULL), 0);
	assert_true(format_template_is_table(t));
	format_template_free(t);
	t = NULL;
	assert_int_equal(format_template_parse("{{.ID}} table", &t, NULL), 0);
	assert_false(format_template_is_table(t));
}

static void test_format_template_exec_list_range(void **state)
{
	_cleanup_json_ json_t *rows = json_pack("[{s:s}, {s:s}]", "ID", "a", "ID", "b");
	_cleanup_(format_template_freep) struct format_template *per_row = NULL;
	_cleanup_(format_template_freep) struct format_template *whole = NULL;
	_cleanup_(format_template_freep) struct format_template *nl_range = NULL;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	assert_int_equal(format_template_parse("{{.ID}}:", &per_row, NULL), 0);
	assert_int_equal(format_template_exec_list(per_row, rows, &out, NULL), 0);
	assert_string_equal(out.buf, "a:\nb:\n");
	strbuf_reset(&out);
	assert_int_equal(format_template_parse("{{range .}}{{.ID}}{{end}}", &whole, NULL), 0);
	assert_int_equal(format_template_exec_list(whole, rows, &out, NULL), 0);
	assert_string_equal(out.buf, "ab\n");
	strbuf_reset(&out);
	/* podman's rangeRegex does not cross lines: this one is applied to each row, ranging over
	 * its values */
	assert_int_equal(format_template_parse("{{range .}}{{.}}\\n{{end}}", &nl_range, NULL), 0);
	assert_int_equal(format_template_exec_list(nl_range, rows, &out, NULL), 0);
	assert_string_equal(out.buf, "a\n\nb\n\n");
}

static void test_format_template_header_map(void **state)
{
	static const char *const map[] = { "ID", "image id", "Repository", "REPOSITORY", NULL };
	static const struct {
		const char *format, *header;
	} cases[] = {
		{ "table {{.ID}} {{.Repository}} {{.CreatedAt}}",
		  "IMAGE ID\tREPOSITORY\tCREATED AT\n" },
		{ "table {{.ID | upper}}|{{truncate .Tag 1}}", "IMAGE ID|TAG\n" },
		{ "table {{json .Names}} {{join .Names \",\"}} {{index .Labels \"x\"}}",
		  "NAMES\tNAMES\tLABELS\n" },
		{ "table {{.Config.Labels}} {{$.Repository}} {{len .Names}}",
		  "LABELS\tREPOSITORY\t5\n" },
		{ "table {{range .Names}}{{.}}{{end}} {{if .ID}}yes{{end}}", "NAMES\tyes\n" },
		{ "table {{.IPAddress}} {{.NetIO}} {{.PIDs}}", "IP ADDRESS\tNET IO\tPI DS\n" },
		{ "table {{printf \"%s:%s\" .ID .Tag}}", "IMAGE ID:TAG\n" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(format_template_freep) struct format_template *t = NULL;
		_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
		_cleanup_error_ struct sk_error *err = NULL;
		if (format_template_parse(cases[i].format, &t, &err) < 0 ||
		    format_template_header(t, map, &out, &err) < 0)
			fail_msg("%s: %s", cases[i].format, err->msg);
		assert_string_equal(out.buf, cases[i].header);
	}
}

static void test_format_header_for_field_split(void **state)
{
	static const char *const cases[][2] = {
		{ "ID", "ID" },
		{ "CreatedAt", "CREATED AT" },
		{ "IPAddress", "IP ADDRESS" },
		{ "Size2", "SIZE 2" },
		{ "CPUPerc", "CPU PERC" },
		{ "name", "NAME" },
		{ "RepoTags", "REPO TAGS" },
		{ "", "" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *h = format_header_for_field(cases[i][0]);
		assert_string_equal(h, cases[i][1]);
	}
}

static void test_format_is_json_variants(void **state)
{
	assert_true(format_is_json("json"));
	assert_true(format_is_json(" json "));
	assert_true(format_is_json("{{json .}}"));
	assert_true(format_is_json("{{ json . }}"));
	assert_true(format_is_json("{{json}}"));
	assert_true(format_is_json("{{json.}}"));
	assert_false(format_is_json("{{json .ID}}"));
	assert_false(format_is_json("jsonx"));
	assert_false(format_is_json("table json"));
	assert_true(format_is_table("table"));
	assert_true(format_is_table("table {{.ID}}"));
	assert_false(format_is_table("tablet"));
}

static void test_format_unescape_tabs(void **state)
{
	_cleanup_free_ char *a = format_unescape("a\\tb\\nc\\\\d\\x");
	assert_string_equal(a, "a\tb\nc\\\\d\\x");
}

static void test_format_json_write_styles(void **state)
{
	_cleanup_json_ json_t *v =
		json_pack("{s:[i,f,b,n], s:{}, s:[], s:s, s:o}", "a", 1, 0.5, 1, "o", "e", "s",
			  "<&>\x01\xe2\x80\xa8", "bad", json_stringn_nocheck("x\xff", 2));
	_cleanup_strbuf_ struct strbuf c = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf p = STRBUF_INIT;

	format_json_write(&c, v, 0, false);
	assert_string_equal(c.buf, "{\"a\":[1,0.5,true,null],\"o\":{},\"e\":[],"
				   "\"s\":\"<&>\\u0001\\u2028\",\"bad\":\"x\\ufffd\"}");
	format_json_write(&p, v, 4, true);
	assert_string_equal(p.buf, "{\n    \"a\": [\n        1,\n        0.5,\n        true,\n"
				   "        null\n    ],\n    \"o\": {},\n    \"e\": [],\n"
				   "    \"s\": \"\\u003c\\u0026\\u003e\\u0001\\u2028\",\n"
				   "    \"bad\": \"x\\ufffd\"\n}");
}

static char *print_list(const char *format, const char *rows_json, bool noheading)
{
	static const char *const map[] = { "ID", "IMAGE ID", NULL };
	_cleanup_json_ json_t *rows = sk_json_parse(rows_json, strlen(rows_json), NULL);
	_cleanup_error_ struct sk_error *err = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(rows);
	int r = format_print_list(format, rows, "table {{.ID}}\\t{{.Repository}}", map, noheading,
				  f, &err);
	fclose(f);
	if (r < 0) {
		free(buf);
		return xasprintf("ERR: %s", err->msg);
	}
	return buf;
}

static void test_format_print_list_modes(void **state)
{
	const char *rows = "[{\"ID\":\"d63da2f4845f\",\"Repository\":\"localhost/fmttest\"},"
			   "{\"ID\":\"361caf165500\",\"Repository\":\"<x>\"}]";
	static const struct {
		const char *format;
		bool noheading;
		const char *out;
	} cases[] = {
		{ NULL, false,
		  "IMAGE ID      REPOSITORY\nd63da2f4845f  localhost/fmttest\n361caf165500  "
		  "<x>\n" },
		{ "table", true, "d63da2f4845f  localhost/fmttest\n361caf165500  <x>\n" },
		{ "table {{.Repository}} {{.ID}}", false,
		  "REPOSITORY         IMAGE ID\nlocalhost/fmttest  d63da2f4845f\n"
		  "<x>                361caf165500\n" },
		{ "{{.ID}}", false, "d63da2f4845f\n361caf165500\n" },
		{ "{{.ID}}", true, "d63da2f4845f\n361caf165500\n" },
		{ "json", false,
		  "[\n    {\n        \"ID\": \"d63da2f4845f\",\n        \"Repository\": "
		  "\"localhost/fmttest\"\n    },\n    {\n        \"ID\": \"361caf165500\",\n"
		  "        \"Repository\": \"\\u003cx\\u003e\"\n    }\n]\n" },
		{ "{{.Nope}}", false,
		  "ERR: template: output:1:2: executing \"output\" at <.Nope>: "
		  "can't evaluate field Nope in type map[string]interface {}" },
		{ "{{.ID", false, "ERR: template: output:1: unclosed action" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *out = print_list(cases[i].format, rows, cases[i].noheading);
		assert_string_equal(out, cases[i].out);
	}
}

static void test_format_print_list_empty(void **state)
{
	_cleanup_free_ char *table = print_list(NULL, "[]", false);
	_cleanup_free_ char *json = print_list("{{json .}}", "[]", false);
	_cleanup_free_ char *plain = print_list("{{.Nope}}", "[]", false);

	assert_string_equal(table, "IMAGE ID    REPOSITORY\n");
	assert_string_equal(json, "[]\n");
	assert_string_equal(plain, "");
}

static void test_format_print_one_modes(void **state)
{
	_cleanup_json_ json_t *obj =
		json_pack("{s:s, s:{s:s}}", "Id", "abc", "Config", "User", "root");
	static const struct {
		const char *format, *out;
	} cases[] = {
		{ "{{.ID}}", "abc\n" },
		{ "{{.Config.User}} {{.Config.Env}}|{{.Config.Parent}}", "root |\n" },
		{ "table {{.Id}} {{.Config.User}}", "abc         root\n" },
		{ "json", "{\n    \"Id\": \"abc\",\n    \"Config\": {\n        \"User\": \"root\"\n"
			  "    }\n}\n" },
		{ "", "{\n    \"Id\": \"abc\",\n    \"Config\": {\n        \"User\": \"root\"\n"
		      "    }\n}\n" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_error_ struct sk_error *err = NULL;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int r = format_print_one(cases[i].format, obj, f, &err);
		fclose(f);
		if (r < 0)
			fail_msg("%s: %s", cases[i].format, err->msg);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_template_exec_fields),
		cmocka_unit_test(test_format_template_exec_printing),
		cmocka_unit_test(test_format_template_exec_missing),
		cmocka_unit_test(test_format_template_exec_literals),
		cmocka_unit_test(test_format_template_exec_pipelines),
		cmocka_unit_test(test_format_template_exec_variables),
		cmocka_unit_test(test_format_template_exec_control),
		cmocka_unit_test(test_format_template_exec_trim_and_comments),
		cmocka_unit_test(test_format_template_exec_logic_funcs),
		cmocka_unit_test(test_format_template_exec_collection_funcs),
		cmocka_unit_test(test_format_template_exec_string_funcs),
		cmocka_unit_test(test_format_template_exec_json),
		cmocka_unit_test(test_format_template_exec_printf),
		cmocka_unit_test(test_format_template_parse_errors),
		cmocka_unit_test(test_format_template_parse_hostile),
		cmocka_unit_test(test_format_template_parse_fuzz),
		cmocka_unit_test(test_format_template_parse_podman),
		cmocka_unit_test(test_format_template_exec_list_range),
		cmocka_unit_test(test_format_template_header_map),
		cmocka_unit_test(test_format_header_for_field_split),
		cmocka_unit_test(test_format_is_json_variants),
		cmocka_unit_test(test_format_unescape_tabs),
		cmocka_unit_test(test_format_json_write_styles),
		cmocka_unit_test(test_format_print_list_modes),
		cmocka_unit_test(test_format_print_list_empty),
		cmocka_unit_test(test_format_print_one_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
