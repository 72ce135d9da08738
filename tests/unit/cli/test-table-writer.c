/* SPDX-License-Identifier: Apache-2.0 */
/* Column alignment as Go's text/tabwriter with podman's settings (minwidth 12, padding 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli/table-writer.h"
#include "util/xalloc.h"

static char *layout(const char *text)
{
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	struct strbuf out = STRBUF_INIT;

	table_writer_write(tw, text, strlen(text));
	table_writer_flush_to(tw, &out);
	return strbuf_detach(&out, NULL);
}

#define assert_layout(text, expected)                                                              \
	do {                                                                                       \
		_cleanup_free_ char *_got = layout(text);                                          \
		assert_string_equal(_got, (expected));                                             \
	} while (0)

/* podman images output, header and rows through one writer */
static void test_table_writer_flush_podman_images(void **state)
{
	assert_layout("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n"
		      "localhost/fmttest\tlatest\td63da2f4845f\t2 minutes ago\t1.99 MB\n"
		      "localhost/fmttest\tv2\td63da2f4845f\t2 minutes ago\t1.99 MB\n",
		      "REPOSITORY         TAG         IMAGE ID      CREATED        SIZE\n"
		      "localhost/fmttest  latest      d63da2f4845f  2 minutes ago  1.99 MB\n"
		      "localhost/fmttest  v2          d63da2f4845f  2 minutes ago  1.99 MB\n");
	assert_layout("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n",
		      "REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n");
}

/* containers/common's formatter test: widest cell 32 + padding 2 */
static void test_table_writer_flush_wide_column(void **state)
{
	assert_layout("Identity\tValue\nc061a0839e\tone\nf10fc2e11057\ttwo\n"
		      "1eb6fab5aa8f4b5cbfd3e66aa35e9b2a\tthree\n",
		      "Identity                          Value\n"
		      "c061a0839e                        one\n"
		      "f10fc2e11057                      two\n"
		      "1eb6fab5aa8f4b5cbfd3e66aa35e9b2a  three\n");
}

static void test_table_writer_flush_cells(void **state)
{
	/* a trailing TAB puts the last cell in a column too */
	assert_layout("IMAGE ID\tREPOSITORY\t\nd63da2f4845f\tlocalhost/fmttest\t\n",
		      "IMAGE ID      REPOSITORY         \nd63da2f4845f  localhost/fmttest  \n");
	/* two TABs: an empty column */
	assert_layout("IMAGE ID\t\tTAG\nd63da2f4845f\t\tv2\n",
		      "IMAGE ID                  TAG\nd63da2f4845f              v2\n");
	/* no TAB at all: nothing to align */
	assert_layout("a\nbb\n", "a\nbb\n");
	assert_layout("", "");
	assert_layout("\n\n", "\n\n");
}

static void test_table_writer_flush_blocks(void **state)
{
	/* a line without the column ends the block: widths are computed per block */
	assert_layout("a\tb\nlonger-than-twelve\tc\nbreak\nx\ty\n",
		      "a                   b\nlonger-than-twelve  c\nbreak\nx           y\n");
	/* inner columns form their own blocks inside the outer one */
	assert_layout("a\tb\tc\nd\te\nf\tg\th\n",
		      "a           b           c\nd           e\nf           g           h\n");
	assert_layout("1\t22222222222222\t3\n1\t2\n1\t2\t3\n",
		      "1           22222222222222  3\n1           2\n1           2           3\n");
}

static void test_table_writer_flush_partial_line(void **state)
{
	/* text after the last newline is written without one */
	assert_layout("a\tb\nc\td", "a           b\nc           d");
	/* a newline inside a cell ends the row, as with tabwriter */
	assert_layout("x\tmulti\nline\tz\n", "x           multi\nline        z\n");
}

static void test_table_writer_flush_utf8(void **state)
{
	assert_layout("héllo wörld!\tx\nabc\ty\n", "héllo wörld!  x\nabc           y\n");
}

static void test_table_writer_add_row_newline(void **state)
{
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new_full(0, 1);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	table_writer_add_row(tw, "a\tbb\tc");
	table_writer_add_row(tw, "ddd\te\tf\n");
	table_writer_flush_to(tw, &out);
	assert_string_equal(out.buf, "a   bb c\nddd e  f\n");
	/* the writer is empty and reusable after a flush */
	strbuf_reset(&out);
	table_writer_add_row(tw, "x\ty");
	table_writer_flush_to(tw, &out);
	assert_string_equal(out.buf, "x y\n");
}

static void test_table_writer_flush_stream(void **state)
{
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	table_writer_add_row(tw, "ID\tNAME");
	table_writer_add_row(tw, "1\tfoo");
	assert_int_equal(table_writer_flush(tw, f, NULL), 0);
	fclose(f);
	assert_string_equal(buf, "ID          NAME\n1           foo\n");
	free(buf);
}

static void test_table_writer_flush_many_columns(void **state)
{
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new_full(0, 0);
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	/* tabwriter's recursion per column would overflow the stack here */
	for (int row = 0; row < 3; row++) {
		for (int i = 0; i < 200000; i++)
			strbuf_addstr(&in, row == 1 ? "xx\t" : "x\t");
		strbuf_addch(&in, '\n');
	}
	table_writer_write(tw, in.buf, in.len);
	table_writer_flush_to(tw, &out);
	assert_int_equal(out.len, 3 * (200000 * 2 + 1));
	assert_true(strncmp(out.buf, "x x x ", 6) == 0);
	assert_true(strncmp(out.buf + 200000 * 2 + 1, "xxxxxx", 6) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_writer_flush_podman_images),
		cmocka_unit_test(test_table_writer_flush_wide_column),
		cmocka_unit_test(test_table_writer_flush_cells),
		cmocka_unit_test(test_table_writer_flush_blocks),
		cmocka_unit_test(test_table_writer_flush_partial_line),
		cmocka_unit_test(test_table_writer_flush_utf8),
		cmocka_unit_test(test_table_writer_add_row_newline),
		cmocka_unit_test(test_table_writer_flush_stream),
		cmocka_unit_test(test_table_writer_flush_many_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
