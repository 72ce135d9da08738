/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The events log: every lifecycle event any selkie process causes, one JSON line each in
 * <run_root>/events/events.log, in podman's file format:
 *
 *   {"ID":"3f2a…","Image":"…","Name":"x","Status":"tag","Time":"2026-11-23T01:36:05.1Z",
 *    "Type":"image","Attributes":{"key":"value"}}
 *
 * (empty ID, Image and Name are left out; Attributes is null when there are none; the
 * attribute "containerExitCode" is written as podman's top-level "ContainerExitCode" number,
 * left out when 0, and read back as that attribute.)
 *
 * Writers, from many processes at once: state_event_append() writes a record with one write(2)
 * on an O_APPEND descriptor, bounded by STATE_EVENT_RECORD_MAX, while holding a shared flock of
 * "events.log.lock": concurrent records never interleave and none is lost. A writer that finds
 * the file past the rotation size renames it to "events.log.1" (replacing the previous one)
 * under the exclusive lock, so no record is ever half in one file, and none goes into a file
 * already replaced.
 *
 * Readers read "events.log.1", then "events.log". A line that does not parse is skipped; the
 * last line without its newline is still being written and is not read yet. Follow mode (like
 * `tail -f`) watches the directory with inotify and notices rotations: the rest of the old file
 * is read, then the new one from its start (a file emptied in place is read again from its
 * start).
 *
 * Kinds of events, as podman names them: Type "container", "image", "volume", "pod", "network",
 * "system"; Status ("action" here) "create", "start", "died", "remove", "pull", "push", "tag",
 * "untag", "save", "loadfromarchive", "mount", "unmount", .... Network events carry the
 * container's ID in id and the network's name in name.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "util/macro.h"

/* The longest record appended, its newline included (PIPE_BUF: what any file system appends
 * in one piece); bigger ones lose attributes from the end, then name and image are cut. */
#define STATE_EVENT_RECORD_MAX 4096
/* Lines longer than this are skipped when reading (selkie never writes one). */
#define STATE_EVENT_LINE_MAX (64 * 1024)
/* events.log is rotated to events.log.1 once it has grown past this. */
#define STATE_EVENTS_ROTATE_SIZE (1024 * 1024)

struct state_event {
	int64_t time_ns; /* 0 when appending: now */
	char *type;	 /* "container", "image", "volume", "pod", "network", "system" */
	char *action;	 /* podman's Status: "create", "start", "died", "pull", "tag", ... */
	char *id;
	char *name;
	char *image;
	char **attributes; /* "key=value": labels, "containerExitCode=N", ... */
};

/* Free the members (not e itself). */
void state_event_release(struct state_event *e);
void state_event_free(struct state_event *e);
DEFINE_CLEANUP_FUNC(struct state_event *, state_event_free)
#define _cleanup_state_event_ _cleanup_(state_event_freep)

/* "<run_root>/events/events.log", allocated. */
char *state_events_path(const char *run_root);
/* The value of attribute key (borrowed), NULL when absent. */
const char *state_event_attribute(const struct state_event *e, const char *key);

/* The record as one JSON line without its newline, at most STATE_EVENT_RECORD_MAX - 1 bytes;
 * attributes are written sorted by key (the last of equal keys wins). */
char *state_event_to_json(const struct state_event *e);
/* Parse one line; -EBADMSG (CORRUPT) when it is not an event record. */
int state_event_from_json(const char *line, size_t len, struct state_event **ret,
			  struct sk_error **err);

/* Append e to the log at log_path (creating it and its directory); rotation at
 * STATE_EVENTS_ROTATE_SIZE. */
int state_event_append(const char *log_path, const struct state_event *e, struct sk_error **err);
/* The same with another rotation size (tests). */
int state_event_append_rotate(const char *log_path, const struct state_event *e,
			      uint64_t rotate_size, struct sk_error **err);

/*
 * Filters, as podman's `events --filter`: "container=", "event=" (also "status=", "action=";
 * "die" means "died"), "image=", "label=KEY" or "label=KEY=VALUE", "network=", "pod=", "type=",
 * "volume=", "since=", "until=" (times as state_event_time_parse()). Values of one key are
 * OR'ed, different keys AND'ed. container/image/pod/network match an event of that type by
 * exact name or ID prefix, volume by name prefix (or ID prefix).
 */
struct state_event_filter {
	char **keys; /* canonical: "container", "event", "image", "label", "network", "pod",
			"type", "volume" */
	char **values;
	int64_t since_ns; /* 0: none; else only events strictly after */
	int64_t until_ns; /* 0: none; else only events strictly before */
};

/* "KEY is an invalid filter" (INVALID) for an unknown key or no "="; now_ns for durations. */
int state_event_filter_parse(char *const *filters, int64_t now_ns, struct state_event_filter **ret,
			     struct sk_error **err);
bool state_event_filter_match(const struct state_event_filter *f, const struct state_event *e);
void state_event_filter_free(struct state_event_filter *f);
DEFINE_CLEANUP_FUNC(struct state_event_filter *, state_event_filter_free)
#define _cleanup_state_event_filter_ _cleanup_(state_event_filter_freep)

/*
 * A --since/--until value, as podman's ParseInputTime: RFC 3339 (with or without fraction and
 * zone; no zone means UTC), "2006-01-02" and "2006-01-02Z07:00", a Unix time with optional
 * fraction ("1700000000.5"), or a Go duration ("5m", "1h30s", "-2m") counted back from now_ns
 * for since and forward for until. -EINVAL for anything else.
 */
int state_event_time_parse(const char *s, bool since, int64_t now_ns, int64_t *ret_ns);

/* Return < 0 to stop reading with that error (set *err yourself, or it is reported as
 * "events output"), > 0 to stop quietly, 0 to go on. */
typedef int (*state_event_fn)(const struct state_event *e, void *userdata);

/* Incremental reading, for follow mode: */
struct state_event_reader;
/* Open the log (missing files are fine: they are empty). from_end: skip what is in the log
 * now (streaming without --since, as podman does). */
int state_event_reader_open(const char *log_path, bool from_end, struct state_event_reader **ret,
			    struct sk_error **err);
/* Hand every complete record appended since the last call to fn, in file order, following
 * rotations. Returns the callback's positive value when it stopped, else 0. */
int state_event_reader_poll(struct state_event_reader *r, state_event_fn fn, void *userdata,
			    struct sk_error **err);
enum {
	STATE_EVENT_WAIT_TIMEOUT = 0,
	STATE_EVENT_WAIT_CHANGED = 1,
	STATE_EVENT_WAIT_STOP = 2,
};
/* Wait up to timeout_ms (-1: no limit) for the log to change, or for stop_fd (-1: none) to
 * become readable. */
int state_event_reader_wait(struct state_event_reader *r, int timeout_ms, int stop_fd,
			    struct sk_error **err);
void state_event_reader_free(struct state_event_reader *r);
DEFINE_CLEANUP_FUNC(struct state_event_reader *, state_event_reader_free)
#define _cleanup_state_event_reader_ _cleanup_(state_event_reader_freep)

struct state_event_read_opts {
	int64_t since_ns; /* 0: none; else only events strictly after */
	int64_t until_ns; /* 0: none; else only events strictly before; follow mode ends there */
	const struct state_event_filter *filter; /* NULL: every event */
	bool follow; /* wait for new events until until_ns, stop_fd or the callback */
	int stop_fd; /* follow: stop when this becomes readable (a signalfd); -1: none */
};

/* Everything at once: the selected events of the log, then (follow) new ones as they come.
 * Following without since_ns and until_ns starts at the end of the log, as podman does. */
int state_events_read(const char *log_path, const struct state_event_read_opts *o,
		      state_event_fn fn, void *userdata, struct sk_error **err);
