/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container logs in the k8s-file format podman (through conmon) writes by default:
 *
 *     <timestamp> <stdout|stderr> <F|P> <content>\n
 *
 * F marks the end of a line (the newline itself is not stored), P a piece of a line that
 * continues in the next record of the same stream. The timestamp is written as conmon writes
 * it: local time, nine fraction digits, a numeric offset ("2026-11-22T22:48:01.123456789+00:00").
 *
 * Rotation (--log-opt max-size) works as conmon's: when the next record would take the file
 * past max_size, a new empty file "<path>.tmp" is created and renamed over the path; the old
 * content is dropped (no "<path>.1" is kept). Unlike conmon, the size already in a file that is
 * reopened (a restarted container) counts toward max_size. A single record larger than
 * max_size still goes into the (then empty) file. If rotating fails, the write fails and the
 * next write tries again.
 *
 * Nothing is fsynced per write. The file is opened O_APPEND and each call is one write(2), so
 * readers see whole records (at worst a torn last line they skip). The fd is O_NONBLOCK, so a
 * FIFO given as log path can't hang the monitor; a full disk is an error the caller logs. A
 * write cut short inside a record (ENOSPC, EFBIG) is remembered: the next write first ends that
 * torn line with a newline, so later records stay whole.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Content bytes per record at most: a longer line is written as several P records. */
#define MONITOR_LOG_RECORD_MAX 8192
/* Room for "2026-11-22T22:48:01.123456789+00:00" and its NUL. */
#define MONITOR_LOG_TIMESTAMP_MAX 48

enum monitor_log_stream {
	MONITOR_LOG_STDOUT,
	MONITOR_LOG_STDERR,
	_MONITOR_LOG_STREAM_MAX,
	_MONITOR_LOG_STREAM_INVALID = -EINVAL,
};

const char *monitor_log_stream_to_string(enum monitor_log_stream s);
/* "stdout"/"stderr" of exactly len bytes (need not be NUL-terminated). */
enum monitor_log_stream monitor_log_stream_from_string(const char *s, size_t len);

/* Format ns since the epoch in local time with nine fraction digits; returns the length.
 * A zero offset is "+00:00" as conmon writes it into the file, or with zulu "Z" as podman's
 * `logs -t` prints it (Go's "2006-01-02T15:04:05.000000000Z07:00"). */
size_t monitor_log_timestamp_format(int64_t ns, bool zulu,
				    char buf[static MONITOR_LOG_TIMESTAMP_MAX]);

struct monitor_log_writer;

/* Open (create, mode 0600) path for appending. max_size 0 means unlimited. */
int monitor_log_writer_open(const char *path, uint64_t max_size, struct monitor_log_writer **ret,
			    struct sk_error **err);
/* Write buf as records of stream, all stamped timestamp_ns: one F record per newline, a P
 * record for data after the last newline (and for each MONITOR_LOG_RECORD_MAX piece of a longer
 * line). Rotates first when a record would exceed max_size. */
int monitor_log_write(struct monitor_log_writer *w, enum monitor_log_stream stream, const char *buf,
		      size_t len, int64_t timestamp_ns, struct sk_error **err);
/* Replace the file with an empty one now (what max_size triggers). */
int monitor_log_writer_rotate(struct monitor_log_writer *w, struct sk_error **err);
/* fsync the file (the monitor calls it once, when the container has exited). */
int monitor_log_writer_sync(struct monitor_log_writer *w, struct sk_error **err);
/* Bytes in the current file, as the writer counts them. */
uint64_t monitor_log_writer_size(const struct monitor_log_writer *w);
/* How many times the file was rotated since open. */
unsigned monitor_log_writer_rotations(const struct monitor_log_writer *w);
void monitor_log_writer_free(struct monitor_log_writer *w);
DEFINE_CLEANUP_FUNC(struct monitor_log_writer *, monitor_log_writer_free)
#define _cleanup_log_writer_ _cleanup_(monitor_log_writer_freep)
