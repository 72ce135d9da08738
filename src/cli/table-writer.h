/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Aligned columns as Go's text/tabwriter lays them out with podman's settings
 * (tabwriter.NewWriter(w, 12, 2, 2, ' ', 0)): text is cut into cells at TABs and into rows at
 * newlines; a cell followed by a TAB belongs to a column, the last cell of a row does not. Each
 * run of consecutive rows having a column k is one block: its cells are padded with spaces to
 * max(minwidth, widest cell + padding). Widths count UTF-8 characters.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"

struct table_writer;

/* podman's settings: minimum cell width 12, padding 2. */
struct table_writer *table_writer_new(void);
struct table_writer *table_writer_new_full(size_t minwidth, size_t padding);
void table_writer_free(struct table_writer *tw);
DEFINE_CLEANUP_FUNC(struct table_writer *, table_writer_free)
#define _cleanup_table_writer_ _cleanup_(table_writer_freep)

/* Buffer text: TAB ends a cell, newline ends a row (so a cell containing a newline splits the
 * row, as with tabwriter). */
void table_writer_write(struct table_writer *tw, const char *text, size_t len);
/* One row of TAB-separated cells; a newline is added unless line ends with one. */
void table_writer_add_row(struct table_writer *tw, const char *line);
/* Append the aligned text to out and empty the writer. Text after the last newline is written
 * without one. */
void table_writer_flush_to(struct table_writer *tw, struct strbuf *out);
/* The same, written to a stream. */
int table_writer_flush(struct table_writer *tw, FILE *out, struct sk_error **err);
