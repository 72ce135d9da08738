/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <time.h>

#include "monitor/log-reader.h"
#include "monitor/log-writer.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define TS 1795387681000000000LL
#define SEC 1000000000LL

static char *tmpdir;

struct got_line {
	enum monitor_log_stream stream;
	int64_t ts;
	char *data;
	size_t len;
	bool partial;
	bool continuation;
};

struct collect {
	struct got_line *lines;
	size_t n;
	size_t max_len;
	bool keep_data;
	struct strbuf joined; /* every piece, as rendered */
	struct monitor_log_read_opts *opts;
};

static int collect_fn(const struct monitor_log_line *l, void *userdata)
{
	struct collect *c = userdata;
	c->lines = xreallocarray(c->lines, c->n + 1, sizeof(*c->lines));
	struct got_line *g = &c->lines[c->n++];
	*g = (struct got_line){ l->stream, l->timestamp_ns, NULL,
				l->len,	   l->partial,	    l->continuation };
	if (c->keep_data)
		g->data = xstrndup(l->data, l->len);
	c->max_len = MAX(c->max_len, l->len);
	if (c->opts)
		monitor_log_line_render(&c->joined, c->opts, l);
	return 0;
}

static void collect_reset(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i].data);
	free(c->lines);
	strbuf_release(&c->joined);
	*c = (struct collect){ .keep_data = true };
}

static int setup(void **state)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-logr-", &tmpdir), 0);
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static char *write_file(const char *name, const char *content)
{
	char *path = path_join(tmpdir, name);
	assert_int_equal(fs_write_atomic(path, content, strlen(content), 0600), 0);
	return path;
}

static void wr(struct monitor_log_writer *w, enum monitor_log_stream s, const char *text,
	       int64_t ts)
{
	assert_int_equal(monitor_log_write(w, s, text, strlen(text), ts, NULL), 0);
}

/* A log with: "one" (F), "two" in three records, an stderr line inside it, "three", and
 * "tail" cut at the end. One second between writes. */
static char *sample_log(const char *name)
{
	char *path = path_join(tmpdir, name);
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	wr(w, MONITOR_LOG_STDOUT, "one\nt", TS);
	wr(w, MONITOR_LOG_STDOUT, "w", TS + 1 * SEC);
	wr(w, MONITOR_LOG_STDERR, "err\n", TS + 2 * SEC);
	wr(w, MONITOR_LOG_STDOUT, "o\nthree\n", TS + 3 * SEC);
	wr(w, MONITOR_LOG_STDOUT, "tail", TS + 4 * SEC);
	return path;
}

static void test_monitor_log_record_parse_forms(void **state)
{
	struct monitor_log_record r;
	const char *a = "2026-11-22T22:48:01.123456789+00:00 stdout F hello world";
	assert_true(monitor_log_record_parse(a, strlen(a), &r));
	assert_true(r.timestamp_ns == TS + 123456789);
	assert_int_equal(r.stream, MONITOR_LOG_STDOUT);
	assert_false(r.partial);
	assert_int_equal(r.len, 11);
	assert_memory_equal(r.data, "hello world", 11);
	const char *b = "2026-11-22T22:48:01.5Z stderr P  x";
	assert_true(monitor_log_record_parse(b, strlen(b), &r));
	assert_true(r.timestamp_ns == TS + 500000000);
	assert_true(r.partial);
	assert_int_equal(r.len, 2);
	const char *c = "2026-11-22T19:18:01-03:30 stdout F";
	assert_true(monitor_log_record_parse(c, strlen(c), &r));
	assert_true(r.timestamp_ns == TS);
	assert_int_equal(r.len, 0);
	const char *bad[] = {
		"",
		"garbage",
		"2026-11-22T22:48:01Z stdout",
		"2026-11-22T22:48:01Z stdin F x",
		"2026-11-22T22:48:01Z stdout X x",
		"2026-11-22T22:48:01Z stdout FF x",
		"2026-11-22 stdout F x",
		"yesterday stdout F x",
		"2026-11-22T22:48:01Z  stdout F x",
		"2026-11-22T22:48:01.123456789+00:00000000000000000000000000 stdout F x",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_false(monitor_log_record_parse(bad[i], strlen(bad[i]), &r));
}

static void test_monitor_log_read_round_trip(void **state)
{
	_cleanup_free_ char *path = sample_log("rt.log");
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct collect c = { .keep_data = true, .opts = &o };
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 5);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.lines[0].data, "one");
	assert_string_equal(c.lines[1].data, "err");
	assert_int_equal(c.lines[1].stream, MONITOR_LOG_STDERR);
	assert_string_equal(c.lines[2].data, "two");
	assert_true(c.lines[2].ts == TS + 3 * SEC); /* stamped by its last record */
	assert_string_equal(c.lines[3].data, "three");
	assert_string_equal(c.lines[4].data, "tail");
	assert_true(c.lines[4].partial);
	assert_false(c.lines[3].partial);
	assert_string_equal(c.joined.buf, "one\nerr\ntwo\nthree\ntail");
	collect_reset(&c);

	o.timestamps = true;
	c.opts = &o;
	o.streams = MONITOR_LOG_STREAM_BIT(MONITOR_LOG_STDERR);
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 1);
	assert_string_equal(c.joined.buf, "2026-11-22T22:48:03.000000000Z err\n");
	collect_reset(&c);
}

static void test_monitor_log_read_since_until(void **state)
{
	_cleanup_free_ char *path = sample_log("su.log");
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct collect c = { .keep_data = true };
	o.since_ns = TS + 2 * SEC; /* strictly after, as podman */
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 3);
	assert_string_equal(c.lines[0].data, "two");
	assert_string_equal(c.lines[2].data, "tail");
	collect_reset(&c);
	o.since_ns = 0;
	o.until_ns = TS + 3 * SEC; /* strictly before */
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 2);
	assert_string_equal(c.lines[0].data, "one");
	assert_string_equal(c.lines[1].data, "err");
	collect_reset(&c);
	o.since_ns = TS + 10 * SEC;
	o.until_ns = 0;
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 0);
	collect_reset(&c);
}

static void test_monitor_log_read_tail(void **state)
{
	_cleanup_free_ char *path = sample_log("tail.log");
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct collect c = { .keep_data = true };
	const char *all[] = { "one", "err", "two", "three", "tail" };
	for (int n = 0; n <= 7; n++) {
		o.tail = n;
		int want = MIN(n, 5);
		assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), want);
		for (int i = 0; i < want; i++)
			assert_string_equal(c.lines[i].data, all[5 - want + i]);
		collect_reset(&c);
	}
	/* tail first, then the filters (podman) */
	o.tail = 3;
	o.streams = MONITOR_LOG_STREAM_BIT(MONITOR_LOG_STDERR);
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 0);
	o.tail = 4;
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 1);
	collect_reset(&c);
}

static void test_monitor_log_read_malformed_input(void **state)
{
	_cleanup_free_ char *path =
		write_file("bad.log", "\n"
				      "garbage\n"
				      "2026-11-22T22:48:01Z stdout F good1\n"
				      "2026-11-22T22:48:01Z stdin F nope\n"
				      "\x01\x02\xff binary\n"
				      "2026-11-22T22:48:01Z stdout P part\n"
				      "not a time stdout F nope\n"
				      "2026-11-22T22:48:02Z stdout F ial\n"
				      "2026-11-22T22:48:03Z stdout F being wri");
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct collect c = { .keep_data = true };
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	assert_int_equal(monitor_log_reader_open(path, &o, &r, NULL), 0);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 2);
	assert_int_equal(monitor_log_reader_finish(r, collect_fn, &c, NULL), 0);
	assert_string_equal(c.lines[0].data, "good1");
	assert_string_equal(c.lines[1].data, "partial");
	assert_int_equal(monitor_log_reader_stats(r)->malformed, 5);
	collect_reset(&c);
	for (int n = 0; n < 4; n++) {
		o.tail = n;
		assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), MIN(n, 2));
		collect_reset(&c);
	}
	/* nothing but a torn line, an empty file, a missing file */
	_cleanup_free_ char *torn = write_file("torn.log", "2026-11-22T22:48:01Z stdout F x");
	_cleanup_free_ char *empty = write_file("empty.log", "");
	for (int n = -1; n < 2; n++) {
		o.tail = n;
		assert_int_equal(monitor_log_read(torn, &o, collect_fn, &c, NULL), 0);
		assert_int_equal(monitor_log_read(empty, &o, collect_fn, &c, NULL), 0);
	}
	_cleanup_(sk_error_freep) struct sk_error *err = NULL;
	_cleanup_free_ char *missing = path_join(tmpdir, "missing.log");
	assert_true(monitor_log_read(missing, &o, collect_fn, &c, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	collect_reset(&c);
}

static int stop_fn(const struct monitor_log_line *l, void *userdata)
{
	return -EPIPE;
}

static void test_monitor_log_read_callback_stops(void **state)
{
	_cleanup_free_ char *path = sample_log("stop.log");
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	_cleanup_(sk_error_freep) struct sk_error *err = NULL;
	assert_int_equal(monitor_log_read(path, &o, stop_fn, NULL, &err), -EPIPE);
	assert_int_equal(err->errnum, EPIPE);
}

struct verify {
	size_t total;
	size_t pieces;
	size_t max_len;
	bool bad;
	bool last_partial;
	bool next_is_continuation;
};

static int verify_fn(const struct monitor_log_line *l, void *userdata)
{
	struct verify *v = userdata;
	for (size_t i = 0; i < l->len; i++)
		if (l->data[i] != (char)('a' + (v->total + i) % 26))
			v->bad = true;
	if (l->continuation != v->next_is_continuation)
		v->bad = true;
	v->total += l->len;
	v->pieces++;
	v->max_len = MAX(v->max_len, l->len);
	v->last_partial = l->partial;
	v->next_is_continuation = l->partial;
	return 0;
}

static void test_monitor_log_read_huge_line_in_pieces(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "huge.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	const size_t chunk = 1 << 20, total = 100 * chunk;
	_cleanup_free_ char *buf = xmalloc(chunk);
	for (size_t off = 0; off < total; off += chunk) {
		for (size_t i = 0; i < chunk; i++)
			buf[i] = (char)('a' + (off + i) % 26);
		assert_int_equal(monitor_log_write(w, MONITOR_LOG_STDOUT, buf, chunk, TS, NULL), 0);
	}
	wr(w, MONITOR_LOG_STDOUT, "\n", TS);
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct verify v = { 0 };
	int n = monitor_log_read(path, &o, verify_fn, &v, NULL);
	assert_int_equal(n, (int)v.pieces);
	assert_false(v.bad);
	assert_true(v.total == total);
	assert_true(v.max_len <= MONITOR_LOG_LINE_MAX);
	assert_true(v.pieces >= total / MONITOR_LOG_LINE_MAX);
	assert_false(v.last_partial);

	/* --tail 1 of it: the end of the line, from a bounded read */
	o.tail = 1;
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	struct collect c = { .keep_data = false };
	assert_int_equal(monitor_log_reader_open(path, &o, &r, NULL), 0);
	assert_true(monitor_log_reader_poll(r, collect_fn, &c, NULL) >= 1);
	assert_false(c.lines[c.n - 1].partial);
	assert_true(c.max_len <= MONITOR_LOG_LINE_MAX);
	assert_true(monitor_log_reader_stats(r)->bytes_read < 4 * MONITOR_LOG_LINE_MAX);
	collect_reset(&c);
}

static void test_monitor_log_read_overlong_record_skipped(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "2026-11-22T22:48:01Z stdout F before\n");
	strbuf_addstr(&sb, "2026-11-22T22:48:01Z stdout F ");
	strbuf_addchars(&sb, 'x', 3 * MONITOR_LOG_PHYS_MAX);
	strbuf_addstr(&sb, "\n2026-11-22T22:48:02Z stderr F after\n");
	_cleanup_free_ char *path = write_file("overlong.log", sb.buf);
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	struct collect c = { .keep_data = true };
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 2);
	assert_string_equal(c.lines[0].data, "before");
	assert_string_equal(c.lines[1].data, "after");
	collect_reset(&c);
	for (int n = 1; n <= 3; n++) {
		o.tail = n;
		assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), MIN(n, 2));
		assert_string_equal(c.lines[c.n - 1].data, "after");
		collect_reset(&c);
	}
}

static void test_monitor_log_read_tail_reads_only_the_end(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "big.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int line = 0;
	while (monitor_log_writer_size(w) < 50u << 20) {
		strbuf_reset(&sb);
		for (int i = 0; i < 10000; i++, line++)
			strbuf_addf(&sb, "line %08d of a fifty megabyte log, padded to be long\n",
				    line);
		assert_int_equal(
			monitor_log_write(w, line % 2 ? MONITOR_LOG_STDOUT : MONITOR_LOG_STDERR,
					  sb.buf, sb.len, TS + line, NULL),
			0);
	}
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	o.tail = 10;
	struct collect c = { .keep_data = true };
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	assert_int_equal(monitor_log_reader_open(path, &o, &r, NULL), 0);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 10);
	assert_int_equal(monitor_log_reader_finish(r, collect_fn, &c, NULL), 0);
	char want[80];
	snprintf(want, sizeof(want), "line %08d of a fifty megabyte log, padded to be long",
		 line - 1);
	assert_string_equal(c.lines[9].data, want);
	snprintf(want, sizeof(want), "line %08d of a fifty megabyte log, padded to be long",
		 line - 10);
	assert_string_equal(c.lines[0].data, want);
	/* three 64 KiB blocks at most: back, count, forward */
	assert_true(monitor_log_reader_stats(r)->bytes_read <= 3 * 64 * 1024);
	collect_reset(&c);
}

static void test_monitor_log_follow(void **state)
{
	_cleanup_free_ char *path = path_join(tmpdir, "follow.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 0, &w, NULL), 0);
	wr(w, MONITOR_LOG_STDOUT, "a\nb", TS);
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	o.tail = 1;
	struct collect c = { .keep_data = true };
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	assert_int_equal(monitor_log_reader_open(path, &o, &r, NULL), 0);
	/* "b" is the last line but not finished yet */
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 0);
	assert_int_equal(monitor_log_reader_wait(r, 0, NULL), 1); /* the watch is new */
	assert_int_equal(monitor_log_reader_wait(r, 0, NULL), 0);
	wr(w, MONITOR_LOG_STDOUT, "c\n", TS + SEC);
	assert_int_equal(monitor_log_reader_wait(r, 5000, NULL), 1);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 1);
	assert_string_equal(c.lines[0].data, "bc");

	/* a rotation between two polls: the end of the old file, then the new one */
	wr(w, MONITOR_LOG_STDOUT, "d\n", TS);
	assert_int_equal(monitor_log_writer_rotate(w, NULL), 0);
	wr(w, MONITOR_LOG_STDERR, "e\nf", TS);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 2);
	assert_string_equal(c.lines[1].data, "d");
	assert_string_equal(c.lines[2].data, "e");
	assert_int_equal(monitor_log_reader_stats(r)->reopened, 1);

	/* truncated in place */
	assert_int_equal(truncate(path, 0), 0);
	wr(w, MONITOR_LOG_STDERR, "g\n", TS);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 1);
	assert_string_equal(c.lines[3].data, "fg");
	assert_int_equal(monitor_log_reader_stats(r)->reopened, 2);

	/* a record line caught while it is being written waits for its newline */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	const char *half = "2026-11-22T22:48:01Z stdout F ha";
	assert_int_equal(fd_write_all(fd, half, strlen(half)), 0);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 0);
	assert_int_equal(fd_write_all(fd, "lf\n", 3), 0);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 1);
	assert_string_equal(c.lines[4].data, "half");

	/* the container exited: drain, then what is left of a line */
	wr(w, MONITOR_LOG_STDOUT, "h\nlast", TS);
	assert_int_equal(monitor_log_reader_poll(r, collect_fn, &c, NULL), 1);
	assert_int_equal(monitor_log_reader_finish(r, collect_fn, &c, NULL), 1);
	assert_string_equal(c.lines[6].data, "last");
	assert_true(c.lines[6].partial);
	assert_int_equal(c.n, 7);
	collect_reset(&c);
}

static void test_monitor_log_read_after_rotation(void **state)
{
	/* conmon's rotation keeps no old file: --tail sees only the current one */
	_cleanup_free_ char *path = path_join(tmpdir, "rot.log");
	_cleanup_log_writer_ struct monitor_log_writer *w = NULL;
	assert_int_equal(monitor_log_writer_open(path, 120, &w, NULL), 0);
	wr(w, MONITOR_LOG_STDOUT, "first\n", TS);
	wr(w, MONITOR_LOG_STDOUT, "second\n", TS);
	wr(w, MONITOR_LOG_STDOUT, "third\n", TS);
	assert_int_equal(monitor_log_writer_rotations(w), 1);
	struct monitor_log_read_opts o = MONITOR_LOG_READ_OPTS_INIT;
	o.tail = 5;
	struct collect c = { .keep_data = true };
	assert_int_equal(monitor_log_read(path, &o, collect_fn, &c, NULL), 1);
	assert_string_equal(c.lines[0].data, "third");
	collect_reset(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_log_record_parse_forms),
		cmocka_unit_test(test_monitor_log_read_round_trip),
		cmocka_unit_test(test_monitor_log_read_since_until),
		cmocka_unit_test(test_monitor_log_read_tail),
		cmocka_unit_test(test_monitor_log_read_malformed_input),
		cmocka_unit_test(test_monitor_log_read_callback_stops),
		cmocka_unit_test(test_monitor_log_read_huge_line_in_pieces),
		cmocka_unit_test(test_monitor_log_read_overlong_record_skipped),
		cmocka_unit_test(test_monitor_log_read_tail_reads_only_the_end),
		cmocka_unit_test(test_monitor_log_follow),
		cmocka_unit_test(test_monitor_log_read_after_rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
