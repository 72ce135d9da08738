/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading k8s-file container logs (see log-writer.h) for `selkie logs`: records are joined
 * into lines per stream (P records of stdout and stderr may interleave), filtered, and handed
 * to a callback one line at a time.
 *
 * Robustness: a record line that does not parse (no or bad timestamp, unknown stream, tag not
 * F/P) is skipped and counted; the last line of the file without its newline is being written
 * and is not read yet. Memory is bounded: a record line longer than MONITOR_LOG_PHYS_MAX is
 * skipped without being held (neither selkie nor conmon writes one), and a joined line longer
 * than MONITOR_LOG_LINE_MAX is handed out in pieces (line->partial set on all but the last).
 *
 * --tail N reads the file backwards from its end until it has the records of the last N lines,
 * then forward from there: its cost does not depend on the size of the log. A line counts where
 * it ends (its F record; a line cut at the end of the file counts once). As podman does, tail
 * is applied first, then since/until and the stream selection. Limit: under --tail, a line whose
 * P records are spread over more than MONITOR_LOG_LINE_MAX bytes of other output before its end
 * may be shown without its beginning.
 *
 * Follow mode: the caller (the CLI) loops; the reader never blocks longer than it is told:
 *
 *     monitor_log_reader_open(path, &opts, &r, err);
 *     for (;;) {
 *             bool exited = container_has_exited();   // checked before draining
 *             monitor_log_reader_poll(r, fn, ud, err);
 *             if (exited)
 *                     break;
 *             monitor_log_reader_wait(r, 1000, err);
 *     }
 *     monitor_log_reader_finish(r, fn, ud, err);    // lines cut at the end, partial
 *
 * A rotated log (the path renamed over by a new file) or one truncated in place is noticed
 * by poll: the rest of the old file is read, then the new one from its start.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/log-writer.h"
#include "util/error.h"
#include "util/strbuf.h"

/* A record line longer than this (timestamp, stream, tag and content) is skipped. */
#define MONITOR_LOG_PHYS_MAX (64 * 1024)
/* A joined line longer than this is handed out in pieces. */
#define MONITOR_LOG_LINE_MAX (256 * 1024)

#define MONITOR_LOG_STREAM_BIT(s) (1u << (s))

struct monitor_log_record {
	int64_t timestamp_ns;
	enum monitor_log_stream stream;
	bool partial; /* P */
	const char *data;
	size_t len;
};

/* Parse one record line (without its newline); data points into line. false if malformed. */
bool monitor_log_record_parse(const char *line, size_t len, struct monitor_log_record *ret);

struct monitor_log_line {
	enum monitor_log_stream stream;
	int64_t timestamp_ns; /* of the last record in it, as podman stamps a joined line */
	const char *data;
	size_t len;
	/* No newline follows: a piece of an over-long line, or a line cut at the end of the log
	 * (partial at EOF, from monitor_log_reader_finish). */
	bool partial;
	/* This piece continues the previous partial one of the same stream: print no prefix. */
	bool continuation;
};

/* Return < 0 to stop reading; that value is returned by the reading function. */
typedef int (*monitor_log_line_fn)(const struct monitor_log_line *line, void *userdata);

struct monitor_log_read_opts {
	int64_t since_ns; /* 0: no limit; else only lines stamped strictly after (podman) */
	int64_t until_ns; /* 0: no limit; else only lines stamped strictly before */
	int64_t tail;	  /* < 0: every line; else the last tail lines */
	unsigned streams; /* MONITOR_LOG_STREAM_BIT()s; 0 means both */
	bool timestamps;  /* monitor_log_line_render prefixes the timestamp */
};

#define MONITOR_LOG_READ_OPTS_INIT                                                                 \
	{                                                                                          \
		.since_ns = 0, .until_ns = 0, .tail = -1, .streams = 0, .timestamps = false        \
	}

struct monitor_log_stats {
	uint64_t bytes_read; /* every byte read from the file(s), backwards and forwards */
	uint64_t malformed;  /* record lines skipped */
	uint64_t reopened;   /* rotations or truncations noticed */
};

struct monitor_log_reader;

/* Open path; with opts->tail >= 0, position on the start of the last tail lines. */
int monitor_log_reader_open(const char *path, const struct monitor_log_read_opts *opts,
			    struct monitor_log_reader **ret, struct sk_error **err);
/* Hand out every line completed since the last call. Returns the number handed out. */
int monitor_log_reader_poll(struct monitor_log_reader *r, monitor_log_line_fn fn, void *userdata,
			    struct sk_error **err);
/* Wait up to timeout_ms for the file to change; 1 if it (or its directory) changed, 0 if not. */
int monitor_log_reader_wait(struct monitor_log_reader *r, int timeout_ms, struct sk_error **err);
/* Hand out lines still waiting for their F record, marked partial. */
int monitor_log_reader_finish(struct monitor_log_reader *r, monitor_log_line_fn fn, void *userdata,
			      struct sk_error **err);
const struct monitor_log_stats *monitor_log_reader_stats(const struct monitor_log_reader *r);
void monitor_log_reader_free(struct monitor_log_reader *r);
DEFINE_CLEANUP_FUNC(struct monitor_log_reader *, monitor_log_reader_free)
#define _cleanup_log_reader_ _cleanup_(monitor_log_reader_freep)

/* Everything at once: open, poll, finish. */
int monitor_log_read(const char *path, const struct monitor_log_read_opts *opts,
		     monitor_log_line_fn fn, void *userdata, struct sk_error **err);

/* Append what `selkie logs` prints for line: "<timestamp> " when opts->timestamps (not on a
 * continuation; podman's form, "Z" for UTC), the data, and a newline unless the line is
 * partial. */
void monitor_log_line_render(struct strbuf *out, const struct monitor_log_read_opts *opts,
			     const struct monitor_log_line *line);
