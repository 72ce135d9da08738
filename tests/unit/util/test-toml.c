/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "util/fs.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/toml.h"

static json_t *parse_ok(const char *text)
{
	json_t *v = NULL;
	char *reason = NULL;
	int r = toml_parse(text, strlen(text), &v, &reason);
	if (r < 0)
		fail_msg("unexpected error: %s\n--- input:\n%s", reason, text);
	free(reason);
	return v;
}

/* Parse text expecting failure; returns the reason (allocated). */
static char *parse_fail(const char *text)
{
	json_t *v = NULL;
	char *reason = NULL;
	int r = toml_parse(text, strlen(text), &v, &reason);
	if (r >= 0) {
		_cleanup_free_ char *dump = sk_json_dump(v, 0);
		fail_msg("parsed invalid input into %s\n--- input:\n%s", dump, text);
	}
	assert_int_equal(r, -EINVAL);
	assert_non_null(reason);
	return reason;
}

static void assert_fails_with(const char *text, const char *needle)
{
	_cleanup_free_ char *reason = parse_fail(text);
	if (!strstr(reason, needle))
		fail_msg("reason '%s' lacks '%s'", reason, needle);
}

static void assert_dump(const char *text, const char *expected)
{
	_cleanup_json_ json_t *v = parse_ok(text);
	_cleanup_free_ char *dump = sk_json_dump(v, JSON_COMPACT);
	assert_string_equal(dump, expected);
}

static void test_toml_parse_registries_conf(void **state)
{
	const char *text = "# comment\n"
			   "unqualified-search-registries = [\"quay.io\", 'docker.io',]\n"
			   "short-name-mode = \"enforcing\"\n"
			   "\n"
			   "[[registry]]\n"
			   "prefix = \"example.com/foo\"\n"
			   "insecure = false # trailing comment\n"
			   "location = \"internal/bar\"\n"
			   "[[registry.mirror]]\n"
			   "location = \"m0.local/foo\"\n"
			   "[[registry.mirror]]\n"
			   "location = \"m1.local/foo\"\n"
			   "insecure = true\n"
			   "[[registry]]\n"
			   "location = \"registry.com\"\n"
			   "[aliases]\n"
			   "  \"busybox\" = \"docker.io/library/busybox\"\n"
			   "  'opensuse/leap' = \"registry.opensuse.org/opensuse/leap\"\n";
	assert_dump(text,
		    "{\"unqualified-search-registries\":[\"quay.io\",\"docker.io\"],"
		    "\"short-name-mode\":\"enforcing\",\"registry\":[{\"prefix\":"
		    "\"example.com/foo\",\"insecure\":false,\"location\":\"internal/bar\","
		    "\"mirror\":[{\"location\":\"m0.local/foo\"},{\"location\":\"m1.local/foo\","
		    "\"insecure\":true}]},{\"location\":\"registry.com\"}],\"aliases\":{"
		    "\"busybox\":\"docker.io/library/busybox\",\"opensuse/leap\":"
		    "\"registry.opensuse.org/opensuse/leap\"}}");
}

static void test_toml_parse_dotted_and_quoted_keys(void **state)
{
	assert_dump("a.b.c = 1\na.b.d = 2\n\"x.y\" = 3\n'q' . \"r s\" = 4\n",
		    "{\"a\":{\"b\":{\"c\":1,\"d\":2}},\"x.y\":3,\"q\":{\"r s\":4}}");
	assert_dump("[t]\nu.v = true\n[t.w]\nz = false\n",
		    "{\"t\":{\"u\":{\"v\":true},\"w\":{\"z\":false}}}");
	assert_dump("[a.b]\nx = 1\n[a]\ny = 2\n", "{\"a\":{\"b\":{\"x\":1},\"y\":2}}");
	assert_dump("\"\" = 1\n", "{\"\":1}");
}

static void test_toml_parse_strings(void **state)
{
	assert_dump("s = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\U0001F600\"\n",
		    "{\"s\":\"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \xf0\x9f\x98\x80\"}");
	assert_dump("s = 'C:\\path\\n'\n", "{\"s\":\"C:\\\\path\\\\n\"}");
	assert_dump("s = \"\"\"\nline1\nline2\"\"\"\n", "{\"s\":\"line1\\nline2\"}");
	assert_dump("s = \"\"\"a \\\n     b \\\n\n  c\"\"\"\n", "{\"s\":\"a b c\"}");
	assert_dump("s = \"\"\"q\"\"\"\"\"\n", "{\"s\":\"q\\\"\\\"\"}");
	assert_dump("s = '''\nraw \\n ''text'''\n", "{\"s\":\"raw \\\\n ''text\"}");
	assert_dump("s = \"\"\n", "{\"s\":\"\"}");
	assert_dump("s = \"\"\"x\r\ny\"\"\"\r\n", "{\"s\":\"x\\ny\"}");
}

static void test_toml_parse_numbers(void **state)
{
	assert_dump("a = 42\nb = -17\nc = +0\nd = 1_000_000\ne = 0xDEAD_beef\nf = 0o755\n"
		    "g = 0b1010\nh = 9223372036854775807\n",
		    "{\"a\":42,\"b\":-17,\"c\":0,\"d\":1000000,\"e\":3735928559,\"f\":493,"
		    "\"g\":10,\"h\":9223372036854775807}");
	assert_dump("a = 1.5\nb = -2e3\nc = 6.25E-1\nd = 1_0.2_5\n",
		    "{\"a\":1.5,\"b\":-2000.0,\"c\":0.625,\"d\":10.25}");
	assert_fails_with("a = 9223372036854775808\n", "out of range");
	assert_fails_with("a = 0x8000000000000000\n", "out of range");
	assert_fails_with("a = 012\n", "invalid value '012'");
	assert_fails_with("a = 1__0\n", "invalid underscore");
	assert_fails_with("a = _1\n", "invalid value");
	assert_fails_with("a = 1_\n", "invalid underscore");
	assert_fails_with("a = 0x_1\n", "invalid underscore");
	assert_fails_with("a = 1.\n", "invalid number");
	assert_fails_with("a = .5\n", "invalid value '.5'");
	assert_fails_with("a = 1e\n", "invalid number");
	assert_fails_with("a = inf\n", "not supported");
	assert_fails_with("a = nan\n", "not supported");
	assert_fails_with("a = 0xg\n", "invalid number");
	assert_fails_with("a = 1e999\n", "out of range");
}

static void test_toml_parse_booleans_and_dates(void **state)
{
	assert_dump("t = true\nf = false\n", "{\"t\":true,\"f\":false}");
	assert_dump("d1 = 1979-05-27T07:32:00Z\nd2 = 1979-05-27 07:32:00.999-07:00\n"
		    "d3 = 1979-05-27\nd4 = 07:32:00\n",
		    "{\"d1\":\"1979-05-27T07:32:00Z\",\"d2\":\"1979-05-27 07:32:00.999-07:00\","
		    "\"d3\":\"1979-05-27\",\"d4\":\"07:32:00\"}");
	assert_fails_with("t = True\n", "invalid value 'True'");
	assert_fails_with("t = truely\n", "invalid value 'truely'");
	assert_fails_with("d = 1979-05-27T07:32\n", "invalid");
	assert_fails_with("d = 1988-02-30\n", "invalid");
	assert_fails_with("d = 1900-02-29\n", "invalid");
	assert_fails_with("d = 12:60:00\n", "invalid");
	assert_dump("d = 2000-02-29T23:59:60+05:30\n", "{\"d\":\"2000-02-29T23:59:60+05:30\"}");
}

static void test_toml_parse_arrays(void **state)
{
	assert_dump("a = [\n  1, # one\n  2,\n\n  # comment\n  3,\n]\n", "{\"a\":[1,2,3]}");
	assert_dump("a = []\nb = [ ]\nc = [[1, 2], [\"x\"], []]\nd = [1, \"mixed\", true]\n",
		    "{\"a\":[],\"b\":[],\"c\":[[1,2],[\"x\"],[]],\"d\":[1,\"mixed\",true]}");
	assert_dump("a = [{x = 1}, {y = {z = 2}}]\n", "{\"a\":[{\"x\":1},{\"y\":{\"z\":2}}]}");
	assert_fails_with("a = [1 2]\n", "expected ',' or ']' in an array, found '2'");
	assert_fails_with("a = [1,,2]\n", "expected a value, found ','");
	assert_fails_with("a = [1\n", "found end of file");
}

static void test_toml_parse_inline_tables(void **state)
{
	assert_dump("p = { name = \"x\", pos.x = 1, pos.y = 2 }\ne = {}\n",
		    "{\"p\":{\"name\":\"x\",\"pos\":{\"x\":1,\"y\":2}},\"e\":{}}");
	assert_fails_with("p = { a = 1, }\n", "expected a key, found '}'");
	assert_fails_with("p = { a = 1\n }\n", "found a newline");
	assert_fails_with("p = { a = 1 }\np.b = 2\n", "inline table 'p' can't be extended");
	assert_fails_with("p = { a = 1 }\n[p.q]\n", "inline table 'p' can't be extended");
	assert_fails_with("p = { a = 1, a = 2 }\n", "duplicate key 'a'");
}

static void test_toml_parse_array_of_tables(void **state)
{
	assert_dump("[[a]]\nx = 1\n[a.sub]\ny = 2\n[[a]]\nx = 3\n[[a.list]]\nz = 4\n",
		    "{\"a\":[{\"x\":1,\"sub\":{\"y\":2}},{\"x\":3,\"list\":[{\"z\":4}]}]}");
	assert_fails_with("a = [1]\n[[a]]\n", "key 'a' is not an array of tables");
	assert_fails_with("[a]\n[[a]]\n", "key 'a' is not an array of tables");
	assert_fails_with("[[a]]\n[a]\n", "defined more than once");
	assert_fails_with("a = [{b = 1}]\n[a.c]\n", "not a table");
}

static void test_toml_parse_redefinitions(void **state)
{
	assert_fails_with("a = 1\na = 2\n", "line 2: duplicate key 'a'");
	assert_fails_with("[t]\n[t]\n", "line 2: table 't' is defined more than once");
	assert_fails_with("[t]\nx.y = 1\n[t.x]\n", "table 't.x' is defined more than once");
	assert_fails_with("[a.b.c]\nz = 1\n[a]\nb.c.t = 2\n", "dotted keys can't extend it");
	assert_fails_with("a = 1\n[a]\n", "defined more than once");
	assert_fails_with("a = 1\na.b = 2\n", "key 'a' already has a value that is not a table");
	assert_fails_with("a.b = 1\n[a]\n", "defined more than once");
}

static void test_toml_parse_bad_syntax_reports_line(void **state)
{
	assert_fails_with("ok = 1\n\nkey value\n", "line 3: expected '=' after a key, found 'v'");
	assert_fails_with("a = 1 b = 2\n", "line 1: expected a newline, found 'b'");
	assert_fails_with("a = \"unterminated\n", "newline in a single-line string");
	assert_fails_with("a = \"open", "unterminated string");
	assert_fails_with("a = \"\\q\"\n", "valid escape sequence");
	assert_fails_with("a = \"\\ud800\"\n", "not a scalar value");
	assert_fails_with("a = \"\\u0000\"\n", "null characters");
	assert_fails_with("a = \"\\u12\"\n", "expected 4 hex digits");
	assert_fails_with("a = \"x\x01\"\n", "control character 0x01");
	assert_fails_with("[a\n", "']' closing the table header");
	assert_fails_with("[[a]\n", "']]' closing the table header");
	assert_fails_with("[]\n", "expected a key");
	assert_fails_with("= 1\n", "expected a key, found '='");
	assert_fails_with("a =\n", "expected a value, found a newline");
	assert_fails_with("a = 1 # \x7f\n", "control character 0x7f in a comment");
	assert_fails_with("\"\"\"k\"\"\" = 1\n", "multi-line strings can't be keys");
	assert_fails_with("a = \"\"\"x\"\"\"\"\"\"\n", "too many quotes");
}

static void test_toml_parse_rejects_bad_bytes(void **state)
{
	static const char nul[] = "a = 1\nb = \"x\0y\"\n";
	json_t *v = NULL;
	char *reason = NULL;
	assert_int_equal(toml_parse(nul, sizeof(nul) - 1, &v, &reason), -EINVAL);
	assert_string_equal(reason, "line 2: null byte in the document");
	free(reason);
	assert_fails_with("a = 1\n\nb = \"\xc3\x28\"\n", "line 3: invalid UTF-8");
	assert_fails_with("a = \"\xed\xa0\x80\"\n", "invalid UTF-8");
	assert_fails_with("a = \"\xc0\xaf\"\n", "invalid UTF-8");
}

static void test_toml_parse_bom_and_crlf(void **state)
{
	assert_dump("\xef\xbb\xbf"
		    "a = 1\r\n[t]\r\nb = 2 # c\r\n",
		    "{\"a\":1,\"t\":{\"b\":2}}");
	assert_fails_with("a = 1\rb = 2\n", "expected a newline");
	assert_dump("", "{}");
	assert_dump("\n\n# only comments\n   \n", "{}");
}

static void test_toml_parse_nesting_is_bounded(void **state)
{
	_cleanup_strbuf_ struct strbuf deep = STRBUF_INIT;
	strbuf_addstr(&deep, "a = ");
	strbuf_addchars(&deep, '[', 100);
	assert_fails_with(strbuf_str(&deep), "nested more than 64 deep");
	_cleanup_strbuf_ struct strbuf ok = STRBUF_INIT;
	strbuf_addstr(&ok, "a = ");
	strbuf_addchars(&ok, '[', 64);
	strbuf_addchars(&ok, ']', 64);
	json_decref(parse_ok(strbuf_str(&ok)));
	_cleanup_strbuf_ struct strbuf key = STRBUF_INIT;
	for (int i = 0; i < 70; i++)
		strbuf_addstr(&key, "k.");
	strbuf_addstr(&key, "k = 1\n");
	assert_fails_with(strbuf_str(&key), "more than 64 parts");
}

static void test_toml_parse_file_reads_and_reports(void **state)
{
	char dir[] = "/tmp/test-toml-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *path = path_join(dir, "x.toml");
	assert_int_equal(fs_write_atomic(path, "[s]\nk = 'v'\n", 12, 0644), 0);
	json_t *v = NULL;
	char *reason = NULL;
	assert_int_equal(toml_parse_file(path, &v, &reason), 0);
	assert_string_equal(sk_json_str(sk_json_path(v, "s"), "k"), "v");
	json_decref(v);
	_cleanup_free_ char *missing = path_join(dir, "missing.toml");
	assert_int_equal(toml_parse_file(missing, &v, &reason), -ENOENT);
	assert_null(reason);
	assert_int_equal(fs_rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toml_parse_registries_conf),
		cmocka_unit_test(test_toml_parse_dotted_and_quoted_keys),
		cmocka_unit_test(test_toml_parse_strings),
		cmocka_unit_test(test_toml_parse_numbers),
		cmocka_unit_test(test_toml_parse_booleans_and_dates),
		cmocka_unit_test(test_toml_parse_arrays),
		cmocka_unit_test(test_toml_parse_inline_tables),
		cmocka_unit_test(test_toml_parse_array_of_tables),
		cmocka_unit_test(test_toml_parse_redefinitions),
		cmocka_unit_test(test_toml_parse_bad_syntax_reports_line),
		cmocka_unit_test(test_toml_parse_rejects_bad_bytes),
		cmocka_unit_test(test_toml_parse_bom_and_crlf),
		cmocka_unit_test(test_toml_parse_nesting_is_bounded),
		cmocka_unit_test(test_toml_parse_file_reads_and_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
