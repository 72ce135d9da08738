/* SPDX-License-Identifier: Apache-2.0 */
/* Column alignment with the layout of Go's text/tabwriter (see table-writer.h). */
#include "cli/table-writer.h"

#include <errno.h>
#include <string.h>

#include "util/xalloc.h"

struct tw_cell {
	size_t start, len; /* bytes in the writer's text */
	size_t width;	   /* characters */
	size_t colw;	   /* padded width, 0 when not in a column */
};

struct tw_line {
	struct tw_cell *cells;
	size_t n, alloc;
};

struct table_writer {
	size_t minwidth, padding;
	struct strbuf text;
	struct tw_line *lines; /* the last one is the row being written */
	size_t nlines, alines;
	size_t cell_start;
};

struct table_writer *table_writer_new_full(size_t minwidth, size_t padding)
{
	struct table_writer *tw = xnew(struct table_writer, 1);
	tw->minwidth = minwidth;
	tw->padding = padding;
	strbuf_init(&tw->text, 0);
	tw->lines = xnew(struct tw_line, 1);
	tw->nlines = tw->alines = 1;
	return tw;
}

struct table_writer *table_writer_new(void)
{
	return table_writer_new_full(12, 2);
}

static void reset(struct table_writer *tw)
{
	for (size_t i = 0; i < tw->nlines; i++)
		free(tw->lines[i].cells);
	memset(tw->lines, 0, tw->alines * sizeof(*tw->lines));
	tw->nlines = 1;
	strbuf_reset(&tw->text);
	tw->cell_start = 0;
}

void table_writer_free(struct table_writer *tw)
{
	if (!tw)
		return;
	reset(tw);
	free(tw->lines);
	strbuf_release(&tw->text);
	free(tw);
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static void end_cell(struct table_writer *tw)
{
	struct tw_line *line = &tw->lines[tw->nlines - 1];
	size_t len = tw->text.len - tw->cell_start;

	if (line->n == line->alloc) {
		line->alloc = line->alloc ? line->alloc * 2 : 8;
		line->cells = xreallocarray(line->cells, line->alloc, sizeof(*line->cells));
	}
	line->cells[line->n++] = (struct tw_cell){
		.start = tw->cell_start,
		.len = len,
		.width = utf8_chars(tw->text.buf + tw->cell_start, len),
	};
	tw->cell_start = tw->text.len;
}

static void end_line(struct table_writer *tw)
{
	if (tw->nlines == tw->alines) {
		tw->lines = xreallocarray(tw->lines, tw->alines * 2, sizeof(*tw->lines));
		memset(tw->lines + tw->alines, 0, tw->alines * sizeof(*tw->lines));
		tw->alines *= 2;
	}
	tw->nlines++;
}

void table_writer_write(struct table_writer *tw, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\t' || c == '\v') {
			end_cell(tw);
		} else if (c == '\n' || c == '\f') {
			end_cell(tw);
			end_line(tw);
		} else {
			size_t run = 1;
			while (i + run < len && !strchr("\t\v\n\f", text[i + run]))
				run++;
			strbuf_add(&tw->text, text + i, run);
			i += run - 1;
		}
	}
}

void table_writer_add_row(struct table_writer *tw, const char *line)
{
	size_t len = strlen(line);
	table_writer_write(tw, line, len);
	if (len == 0 || line[len - 1] != '\n')
		table_writer_write(tw, "\n", 1);
}

/* The number of cells of a line that belong to columns (all but the last). */
static size_t line_columns(const struct table_writer *tw, size_t l)
{
	return l < tw->nlines && tw->lines[l].n > 0 ? tw->lines[l].n - 1 : 0;
}

/* Give every cell in a column its padded width. A block of column c is a maximal run of
 * consecutive lines having a cell in column c, which is what tabwriter's recursive format()
 * computes; walking the lines once with the open blocks on a stack keeps this linear. */
static void layout(struct table_writer *tw)
{
	size_t nopen = 0, aopen = 0;
	_cleanup_free_ size_t *start = NULL;
	_cleanup_free_ size_t *maxw = NULL;

	for (size_t l = 0; l <= tw->nlines; l++) {
		size_t k = line_columns(tw, l);
		for (; nopen > k; nopen--) {
			size_t c = nopen - 1;
			size_t w = MAX(tw->minwidth, maxw[c] + tw->padding);
			for (size_t ll = start[c]; ll < l; ll++)
				tw->lines[ll].cells[c].colw = w;
		}
		if (k > aopen) {
			aopen = MAX(k, aopen * 2);
			start = xreallocarray(start, aopen, sizeof(*start));
			maxw = xreallocarray(maxw, aopen, sizeof(*maxw));
		}
		for (; nopen < k; nopen++) {
			start[nopen] = l;
			maxw[nopen] = 0;
		}
		for (size_t c = 0; c < k; c++)
			maxw[c] = MAX(maxw[c], tw->lines[l].cells[c].width);
	}
}

void table_writer_flush_to(struct table_writer *tw, struct strbuf *out)
{
	if (tw->text.len > tw->cell_start)
		end_cell(tw);
	layout(tw);
	for (size_t l = 0; l < tw->nlines; l++) {
		const struct tw_line *line = &tw->lines[l];
		for (size_t j = 0; j < line->n; j++) {
			const struct tw_cell *c = &line->cells[j];
			strbuf_add(out, tw->text.buf + c->start, c->len);
			if (c->colw > c->width)
				strbuf_addchars(out, ' ', c->colw - c->width);
		}
		if (l + 1 < tw->nlines)
			strbuf_addch(out, '\n');
	}
	reset(tw);
}

int table_writer_flush(struct table_writer *tw, FILE *out, struct sk_error **err)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	table_writer_flush_to(tw, &sb);
	if (sb.len && fwrite(sb.buf, 1, sb.len, out) != sb.len)
		return sk_err_system(err, errno, "write output: %s", strerror(errno));
	return 0;
}
