/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/events.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define SEC 1000000000LL
/* 2023-11-14T22:13:20Z */
#define T0 (1700000000LL * SEC)

struct fixture {
	char *dir;
	char *log;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-events-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	f->log = state_events_path(f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_rm_rf(f->dir);
	free(f->dir);
	free(f->log);
	free(f);
	return 0;
}

/* What the readers saw: "<action> <id>" per event, and the events themselves. */
struct seen {
	char **lines;
	struct state_event **events;
	size_t n;
	size_t stop_after; /* 0: never */
};

static int collect(const struct state_event *e, void *userdata)
{
	struct seen *s = userdata;
	strv_pushf(&s->lines, "%s %s", e->action, e->id ? e->id : "");
	s->events = xreallocarray(s->events, s->n + 1, sizeof(*s->events));
	struct state_event *copy = xnew(struct state_event, 1);
	*copy = (struct state_event){ .time_ns = e->time_ns,
				      .type = xstrdup(e->type),
				      .action = xstrdup(e->action),
				      .id = e->id ? xstrdup(e->id) : NULL,
				      .name = e->name ? xstrdup(e->name) : NULL,
				      .image = e->image ? xstrdup(e->image) : NULL,
				      .attributes = strv_copy(e->attributes) };
	s->events[s->n++] = copy;
	return s->stop_after && s->n >= s->stop_after ? 1 : 0;
}

static void seen_release(struct seen *s)
{
	strv_free(s->lines);
	for (size_t i = 0; i < s->n; i++)
		state_event_free(s->events[i]);
	free(s->events);
	*s = (struct seen){ 0 };
}

static void append(const char *log, int64_t t, const char *type, const char *action, const char *id,
		   const char *name)
{
	struct state_event e = { .time_ns = t,
				 .type = (char *)type,
				 .action = (char *)action,
				 .id = (char *)id,
				 .name = (char *)name };
	assert_int_equal(state_event_append(log, &e, NULL), 0);
}

static void read_all(const char *log, struct seen *s)
{
	struct state_event_read_opts o = { .stop_fd = -1 };
	assert_int_equal(state_events_read(log, &o, collect, s, NULL), 0);
}

static void test_state_event_to_json_podman_format(void **state)
{
	struct state_event img = { .time_ns = T0 + 123456789,
				   .type = (char *)"image",
				   .action = (char *)"tag",
				   .id = (char *)"f529",
				   .name = (char *)"localhost/bb:1" };
	_cleanup_free_ char *a = state_event_to_json(&img);
	assert_string_equal(a, "{\"ID\":\"f529\",\"Name\":\"localhost/bb:1\",\"Status\":\"tag\","
			       "\"Time\":\"2023-11-14T22:13:20.123456789Z\",\"Type\":\"image\","
			       "\"Attributes\":null}");
	char *attrs[] = { (char *)"foo=bar", (char *)"a=b\"q", (char *)"containerExitCode=3",
			  (char *)"foo=last", NULL };
	struct state_event ctr = { .time_ns = T0,
				   .type = (char *)"container",
				   .action = (char *)"died",
				   .id = (char *)"2ec0",
				   .name = (char *)"c1",
				   .image = (char *)"localhost/bb:1",
				   .attributes = attrs };
	_cleanup_free_ char *b = state_event_to_json(&ctr);
	assert_string_equal(b,
			    "{\"ContainerExitCode\":3,\"ID\":\"2ec0\",\"Image\":\"localhost/"
			    "bb:1\",\"Name\":\"c1\",\"Status\":\"died\",\"Time\":\"2023-11-14T22:"
			    "13:20Z\",\"Type\":\"container\",\"Attributes\":{\"a\":\"b\\\"q\","
			    "\"foo\":\"last\"}}");
}

static void test_state_event_from_json_round_trip(void **state)
{
	char *attrs[] = { (char *)"containerExitCode=0", (char *)"l=v=w", NULL };
	struct state_event in = { .time_ns = T0 + 5,
				  .type = (char *)"container",
				  .action = (char *)"died",
				  .id = (char *)"abc",
				  .name = (char *)"n\n\"x",
				  .image = (char *)"img",
				  .attributes = attrs };
	_cleanup_free_ char *line = state_event_to_json(&in);
	_cleanup_state_event_ struct state_event *out = NULL;
	assert_int_equal(state_event_from_json(line, strlen(line), &out, NULL), 0);
	assert_int_equal(out->time_ns, in.time_ns);
	assert_string_equal(out->type, "container");
	assert_string_equal(out->action, "died");
	assert_string_equal(out->id, "abc");
	assert_string_equal(out->name, "n\n\"x");
	assert_string_equal(out->image, "img");
	assert_string_equal(state_event_attribute(out, "containerExitCode"), "0");
	assert_string_equal(state_event_attribute(out, "l"), "v=w");
	assert_null(state_event_attribute(out, "nope"));
}

static void test_state_event_from_json_rejects_other_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"{\"Status\":\"x\",\"Type\":\"image\"}",
		"{\"Status\":\"x\",\"Type\":\"image\",\"Time\":\"yesterday\"}",
		"{\"Status\":\"x\",\"Time\":\"2023-11-14T22:13:20Z\"",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct state_event *e = NULL;
		_cleanup_error_ struct sk_error *err = NULL;
		assert_int_equal(state_event_from_json(bad[i], strlen(bad[i]), &e, &err), -EBADMSG);
		assert_null(e);
		assert_int_equal(err->kind, SK_ERR_CORRUPT);
	}
}

static void test_state_event_to_json_bounded(void **state)
{
	_cleanup_strv_free_ char **attrs = NULL;
	_cleanup_free_ char *big = xmalloc(1001);
	memset(big, 'v', 1000);
	big[1000] = '\0';
	for (int i = 0; i < 10; i++)
		strv_pushf(&attrs, "k%d=%s", i, big);
	struct state_event e = { .time_ns = T0,
				 .type = (char *)"container",
				 .action = (char *)"create",
				 .id = (char *)"id",
				 .attributes = attrs };
	_cleanup_free_ char *a = state_event_to_json(&e);
	assert_true(strlen(a) < STATE_EVENT_RECORD_MAX);
	_cleanup_state_event_ struct state_event *back = NULL;
	assert_int_equal(state_event_from_json(a, strlen(a), &back, NULL), 0);
	/* The first attributes (in key order) stay, the last ones went. */
	assert_non_null(state_event_attribute(back, "k0"));
	assert_null(state_event_attribute(back, "k9"));
	/* A name too long for any record is cut. */
	_cleanup_free_ char *huge = xmalloc(20001);
	memset(huge, '"', 20000);
	huge[20000] = '\0';
	e.attributes = NULL;
	e.name = huge;
	e.image = huge;
	_cleanup_free_ char *b = state_event_to_json(&e);
	assert_true(strlen(b) < STATE_EVENT_RECORD_MAX);
	_cleanup_state_event_ struct state_event *cut = NULL;
	assert_int_equal(state_event_from_json(b, strlen(b), &cut, NULL), 0);
	assert_string_equal(cut->id, "id");
}

static void test_state_event_append_read_round_trip(void **state)
{
	struct fixture *f = *state;
	append(f->log, T0 + 1, "image", "pull", "i1", "busybox");
	append(f->log, T0 + 2, "image", "tag", "i1", "localhost/x:latest");
	append(f->log, T0 + 3, "container", "create", "c1", "web");
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	struct seen s = { 0 };
	read_all(f->log, &s);
	_cleanup_free_ char *joined = strv_join(s.lines, ",");
	assert_string_equal(joined, "pull i1,tag i1,create c1");
	assert_string_equal(s.events[1]->name, "localhost/x:latest");
	assert_int_equal(s.events[2]->time_ns, T0 + 3);
	seen_release(&s);
	/* A missing log is an empty one. */
	_cleanup_free_ char *none = path_join(f->dir, "nothing/events.log");
	read_all(none, &s);
	assert_int_equal(s.n, 0);
}

static void test_state_event_append_stamps_now(void **state)
{
	struct fixture *f = *state;
	int64_t before = time_now_ns();
	append(f->log, 0, "image", "tag", "i", "n");
	struct seen s = { 0 };
	read_all(f->log, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.events[0]->time_ns >= before && s.events[0]->time_ns <= time_now_ns());
	seen_release(&s);
}

static void test_state_events_read_skips_bad_lines(void **state)
{
	struct fixture *f = *state;
	append(f->log, T0 + 1, "image", "tag", "a", NULL);
	FILE *fp = fopen(f->log, "a");
	assert_non_null(fp);
	fputs("garbage\n\n{\"half\":", fp);
	fclose(fp);
	struct seen s = { 0 };
	read_all(f->log, &s);
	assert_int_equal(s.n, 1);
	seen_release(&s);
	/* The unfinished line is not a record yet; once ended by a newline it is skipped. */
	fp = fopen(f->log, "a");
	fputs("1}\n", fp);
	fclose(fp);
	append(f->log, T0 + 2, "image", "untag", "b", NULL);
	read_all(f->log, &s);
	_cleanup_free_ char *joined = strv_join(s.lines, ",");
	assert_string_equal(joined, "tag a,untag b");
	seen_release(&s);
}

#define WRITERS 8
#define PER_WRITER 120

static void test_state_event_append_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	/* Big records make any interleaving show (all of them stay under the rotation size). */
	_cleanup_free_ char *pad = xmalloc(701);
	memset(pad, 'p', 700);
	pad[700] = '\0';
	_cleanup_free_ char *attr = xasprintf("pad=%s", pad);
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] > 0)
			continue;
		for (int i = 0; i < PER_WRITER; i++) {
			char id[32];
			snprintf(id, sizeof(id), "w%d-%d", w, i);
			char *attrs[] = { attr, NULL };
			struct state_event e = { .type = (char *)"container",
						 .action = (char *)"start",
						 .id = id,
						 .attributes = attrs };
			if (state_event_append(f->log, &e, NULL) < 0)
				_exit(1);
		}
		_exit(0);
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* Nothing lost, nothing torn: every line is a whole record, each one once. */
	struct seen s = { 0 };
	read_all(f->log, &s);
	assert_int_equal(s.n, WRITERS * PER_WRITER);
	strv_sort(s.lines);
	for (size_t i = 1; i < s.n; i++)
		assert_string_not_equal(s.lines[i - 1], s.lines[i]);
	for (size_t i = 0; i < s.n; i++)
		assert_string_equal(state_event_attribute(s.events[i], "pad"), pad);
	_cleanup_free_ char *text = NULL;
	size_t len;
	assert_int_equal(fs_read_file(f->log, 64 << 20, &text, &len), 0);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, WRITERS * PER_WRITER);
	seen_release(&s);
}

/* Rotation under concurrent writers: both files hold whole records only, and the events read
 * are the newest ones, each writer's in its order, the last one written among them. */
static void test_state_event_rotation_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	pid_t pids[4];
	for (int w = 0; w < 4; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] > 0)
			continue;
		for (int i = 0; i < 300; i++) {
			char id[32];
			snprintf(id, sizeof(id), "%d-%04d", w, i);
			struct state_event e = { .type = (char *)"image",
						 .action = (char *)"tag",
						 .id = id };
			if (state_event_append_rotate(f->log, &e, 8192, NULL) < 0)
				_exit(1);
		}
		_exit(0);
	}
	for (int w = 0; w < 4; w++) {
		int status;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	_cleanup_free_ char *old = xasprintf("%s.1", f->log);
	assert_true(fs_exists(old));
	struct seen s = { 0 };
	read_all(f->log, &s);
	assert_true(s.n > 0);
	int last[4] = { -1, -1, -1, -1 };
	for (size_t i = 0; i < s.n; i++) {
		int w, k;
		assert_int_equal(sscanf(s.events[i]->id, "%d-%d", &w, &k), 2);
		assert_true(k > last[w]);
		last[w] = k;
	}
	assert_true(last[0] == 299 || last[1] == 299 || last[2] == 299 || last[3] == 299);
	/* No line of either file is torn. */
	const char *files[] = { old, f->log };
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		assert_int_equal(fs_read_file(files[i], 1 << 20, &text, &len), 0);
		_cleanup_strv_free_ char **lines = strv_split(text, "\n", true);
		STRV_FOREACH (l, lines) {
			_cleanup_state_event_ struct state_event *e = NULL;
			assert_int_equal(state_event_from_json(*l, strlen(*l), &e, NULL), 0);
		}
	}
	seen_release(&s);
}

static void test_state_event_rotation_reads_old_then_current(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof(id), "%03d", i);
		struct state_event e = { .time_ns = T0 + i,
					 .type = (char *)"image",
					 .action = (char *)"tag",
					 .id = id };
		assert_int_equal(state_event_append_rotate(f->log, &e, 2000, NULL), 0);
	}
	_cleanup_free_ char *old = xasprintf("%s.1", f->log);
	struct stat st;
	assert_int_equal(stat(old, &st), 0);
	assert_true(st.st_size >= 2000);
	struct seen s = { 0 };
	read_all(f->log, &s);
	/* The newest events, contiguous, ending with the last one. */
	assert_true(s.n > 10 && s.n < 40);
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.events[i]->time_ns, T0 + 40 - (int64_t)s.n + (int64_t)i);
	seen_release(&s);
}

static void test_state_event_reader_follows_rotation(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_event_reader_ struct state_event_reader *r = NULL;
	assert_int_equal(state_event_reader_open(f->log, false, &r, NULL), 0);
	struct seen s = { 0 };
	assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 0);
	int next = 0;
	for (int round = 0; round < 5; round++) {
		/* A rotation at most per round, up to two at the last one (1500 bytes is about
		 * 16 records). */
		int count = round == 4 ? 25 : 15;
		for (int i = 0; i < count; i++, next++) {
			struct state_event e = { .time_ns = T0 + next,
						 .type = (char *)"image",
						 .action = (char *)"tag" };
			assert_int_equal(state_event_append_rotate(f->log, &e, 1500, NULL), 0);
		}
		assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
		assert_int_equal(s.n, (size_t)next);
	}
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.events[i]->time_ns, T0 + (int64_t)i);
	seen_release(&s);
}

static void test_state_event_reader_rereads_emptied_log(void **state)
{
	struct fixture *f = *state;
	append(f->log, T0 + 1, "image", "tag", "a", NULL);
	append(f->log, T0 + 2, "image", "tag", "b", NULL);
	_cleanup_state_event_reader_ struct state_event_reader *r = NULL;
	assert_int_equal(state_event_reader_open(f->log, false, &r, NULL), 0);
	struct seen s = { 0 };
	assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(truncate(f->log, 0), 0);
	append(f->log, T0 + 3, "image", "untag", "c", NULL);
	assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
	_cleanup_free_ char *joined = strv_join(s.lines, ",");
	assert_string_equal(joined, "tag a,tag b,untag c");
	seen_release(&s);
}

static void test_state_events_read_since_until(void **state)
{
	struct fixture *f = *state;
	for (int i = 1; i <= 5; i++)
		append(f->log, T0 + i * SEC, "image", "tag", "x", NULL);
	struct state_event_read_opts o = { .since_ns = T0 + 2 * SEC,
					   .until_ns = T0 + 5 * SEC,
					   .stop_fd = -1 };
	struct seen s = { 0 };
	assert_int_equal(state_events_read(f->log, &o, collect, &s, NULL), 0);
	/* Strictly after since, strictly before until, as podman. */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.events[0]->time_ns, T0 + 3 * SEC);
	assert_int_equal(s.events[1]->time_ns, T0 + 4 * SEC);
	seen_release(&s);
	/* Following with an until in the past reads the history and ends. */
	o.follow = true;
	assert_int_equal(state_events_read(f->log, &o, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	seen_release(&s);
}

static void test_state_events_read_follow_ends_at_until(void **state)
{
	struct fixture *f = *state;
	append(f->log, T0, "image", "tag", "old", NULL);
	int64_t start = time_now_ns();
	struct state_event_read_opts o = { .until_ns = start + 50000000LL,
					   .follow = true,
					   .stop_fd = -1 };
	struct seen s = { 0 };
	assert_int_equal(state_events_read(f->log, &o, collect, &s, NULL), 0);
	assert_true(time_now_ns() >= o.until_ns);
	/* With an until the history is read too. */
	assert_int_equal(s.n, 1);
	seen_release(&s);
}

static void test_state_event_reader_wait_stop_fd(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_event_reader_ struct state_event_reader *r = NULL;
	assert_int_equal(state_event_reader_open(f->log, true, &r, NULL), 0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(state_event_reader_wait(r, -1, p[0], NULL), STATE_EVENT_WAIT_CHANGED);
	assert_int_equal(state_event_reader_wait(r, 0, p[0], NULL), STATE_EVENT_WAIT_TIMEOUT);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(state_event_reader_wait(r, -1, p[0], NULL), STATE_EVENT_WAIT_STOP);
	close(p[0]);
	close(p[1]);
}

/* Follow mode sees what another process appends, and not what was there before. */
static void test_state_events_read_follow_other_process(void **state)
{
	struct fixture *f = *state;
	append(f->log, T0, "image", "tag", "before", NULL);
	_cleanup_state_event_reader_ struct state_event_reader *r = NULL;
	assert_int_equal(state_event_reader_open(f->log, true, &r, NULL), 0);
	struct seen s = { 0 };
	assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
	assert_int_equal(s.n, 0);
	/* The watch exists before the writer starts. */
	assert_int_equal(state_event_reader_wait(r, 0, -1, NULL), STATE_EVENT_WAIT_CHANGED);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct state_event e = { .type = (char *)"image",
					 .action = (char *)"untag",
					 .id = (char *)"child" };
		_exit(state_event_append(f->log, &e, NULL) < 0);
	}
	while (s.n == 0) {
		assert_true(state_event_reader_wait(r, 10000, -1, NULL) ==
			    STATE_EVENT_WAIT_CHANGED);
		assert_int_equal(state_event_reader_poll(r, collect, &s, NULL), 0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_string_equal(s.lines[0], "untag child");
	seen_release(&s);
}

static void test_state_events_read_callback_stops(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 5; i++)
		append(f->log, T0 + i, "image", "tag", "x", NULL);
	struct seen s = { .stop_after = 2 };
	struct state_event_read_opts o = { .follow = true, .since_ns = 1, .stop_fd = -1 };
	assert_int_equal(state_events_read(f->log, &o, collect, &s, NULL), 0);
	assert_int_equal(s.n, 2);
	seen_release(&s);
}

static struct state_event *ev(const char *type, const char *action, const char *id,
			      const char *name, char **attrs)
{
	struct state_event *e = xnew(struct state_event, 1);
	*e = (struct state_event){ .time_ns = T0,
				   .type = xstrdup(type),
				   .action = xstrdup(action),
				   .id = id ? xstrdup(id) : NULL,
				   .name = name ? xstrdup(name) : NULL,
				   .attributes = strv_copy(attrs) };
	return e;
}

static bool matches(char **filters, const struct state_event *e)
{
	_cleanup_state_event_filter_ struct state_event_filter *f = NULL;
	assert_int_equal(state_event_filter_parse(filters, T0, &f, NULL), 0);
	return state_event_filter_match(f, e);
}

#define F(...) ((char *[]){ __VA_ARGS__, NULL })

static void test_state_event_filter_match_keys(void **state)
{
	char *labels[] = { (char *)"app=web", (char *)"tier=", NULL };
	_cleanup_state_event_ struct state_event *c =
		ev("container", "start", "3f2a9b", "web1", labels);
	_cleanup_state_event_ struct state_event *img =
		ev("image", "tag", "f529", "localhost/bb:1", NULL);
	_cleanup_state_event_ struct state_event *vol = ev("volume", "create", NULL, "data1", NULL);
	_cleanup_state_event_ struct state_event *died = ev("container", "died", "1", "x", NULL);
	assert_true(matches(NULL, c));
	assert_true(matches(F("container=web1"), c));
	assert_true(matches(F("container=3f2a"), c));
	assert_false(matches(F("container=web"), c));
	assert_false(matches(F("container=f529"), img)); /* only container events */
	assert_true(matches(F("image=f5"), img));
	assert_true(matches(F("image=localhost/bb:1"), img));
	assert_false(matches(F("image=bb"), img));
	assert_true(matches(F("event=start"), c));
	assert_true(matches(F("status=start"), c));
	assert_true(matches(F("action=start"), c));
	assert_true(matches(F("EVENT=start"), c));
	assert_true(matches(F("event=die"), died));
	assert_true(matches(F("type=image"), img));
	assert_false(matches(F("type=image"), c));
	assert_true(matches(F("label=app"), c));
	assert_true(matches(F("label=app=web"), c));
	assert_true(matches(F("label=tier="), c));
	assert_false(matches(F("label=app=db"), c));
	assert_false(matches(F("label=ap"), c));
	assert_true(matches(F("volume=data"), vol));
	assert_false(matches(F("volume=data"), c));
	assert_false(matches(F("pod=web1"), c));
}

static void test_state_event_filter_or_within_and_across(void **state)
{
	_cleanup_state_event_ struct state_event *c = ev("container", "start", "aa", "web", NULL);
	/* Same key: any value. */
	assert_true(matches(F("event=stop", "event=start"), c));
	assert_true(matches(F("event=stop", "status=start"), c));
	assert_false(matches(F("event=stop", "event=create"), c));
	/* Different keys: all of them. */
	assert_true(matches(F("event=start", "type=container"), c));
	assert_false(matches(F("event=start", "type=image"), c));
	assert_true(matches(F("event=start", "type=image", "type=container", "container=aa"), c));
	assert_false(matches(F("event=start", "container=bb", "type=container"), c));
}

static void test_state_event_filter_parse_errors(void **state)
{
	static const char *const cases[][2] = {
		{ "bogus=1", "bogus is an invalid filter" },
		{ "noequals", "noequals is an invalid filter" },
		{ "since=yesterday",
		  "unable to convert since time of yesterday: unable to interpret time value" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct state_event_filter *f = NULL;
		_cleanup_error_ struct sk_error *err = NULL;
		char *filters[] = { (char *)cases[i][0], NULL };
		assert_int_equal(state_event_filter_parse(filters, T0, &f, &err), -EINVAL);
		assert_null(f);
		assert_string_equal(err->msg, cases[i][1]);
		assert_int_equal(err->kind, SK_ERR_INVALID);
	}
}

static void test_state_event_filter_since_until(void **state)
{
	_cleanup_state_event_filter_ struct state_event_filter *f = NULL;
	char *filters[] = { (char *)"since=1700000000", (char *)"until=10s",
			    (char *)"since=1699999999", NULL };
	assert_int_equal(state_event_filter_parse(filters, T0, &f, NULL), 0);
	assert_int_equal(f->since_ns, T0); /* the later since wins */
	assert_int_equal(f->until_ns, T0 + 10 * SEC);
	_cleanup_state_event_ struct state_event *e = ev("image", "tag", "x", NULL, NULL);
	e->time_ns = T0;
	assert_false(state_event_filter_match(f, e));
	e->time_ns = T0 + 1;
	assert_true(state_event_filter_match(f, e));
	e->time_ns = T0 + 10 * SEC;
	assert_false(state_event_filter_match(f, e));
}

static void test_state_event_time_parse_forms(void **state)
{
	static const struct {
		const char *in;
		bool since;
		int64_t want;
	} cases[] = {
		{ "2023-11-14T22:13:20Z", true, T0 },
		{ "2023-11-14T22:13:20.5Z", true, T0 + SEC / 2 },
		{ "2023-11-14T23:13:20+01:00", true, T0 },
		{ "2023-11-14T22:13:20", true, T0 },
		{ "2023-11-14T22:13:20.25", true, T0 + SEC / 4 },
		{ "2023-11-14", true, T0 - (22 * 3600 + 13 * 60 + 20) * SEC },
		{ "2023-11-15+01:00", true, T0 + (46 * 60 + 40) * SEC },
		{ "1700000000", true, T0 },
		{ "1700000000.5", false, T0 + SEC / 2 },
		{ "5m", true, T0 - 300 * SEC },
		{ "5m", false, T0 + 300 * SEC },
		{ "1h30s", true, T0 - 3630 * SEC },
		{ "-2m", false, T0 - 120 * SEC },
		{ "0", true, 0 }, /* a Unix time, as Go parses it first */
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		int64_t got = -1;
		assert_int_equal(state_event_time_parse(cases[i].in, cases[i].since, T0, &got), 0);
		assert_int_equal(got, cases[i].want);
	}
	static const char *const bad[] = { "", "yesterday", "1.2.3", "2023-13-01", "5 m", "m" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		int64_t got;
		assert_int_equal(state_event_time_parse(bad[i], true, T0, &got), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_event_to_json_podman_format),
		cmocka_unit_test(test_state_event_from_json_round_trip),
		cmocka_unit_test(test_state_event_from_json_rejects_other_lines),
		cmocka_unit_test(test_state_event_to_json_bounded),
		cmocka_unit_test_setup_teardown(test_state_event_append_read_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_append_stamps_now, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_events_read_skips_bad_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_append_concurrent_writers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_rotation_concurrent_writers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_rotation_reads_old_then_current,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_event_reader_follows_rotation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_reader_rereads_emptied_log, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_events_read_since_until, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_events_read_follow_ends_at_until, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_event_reader_wait_stop_fd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_events_read_follow_other_process, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_events_read_callback_stops, setup,
						teardown),
		cmocka_unit_test(test_state_event_filter_match_keys),
		cmocka_unit_test(test_state_event_filter_or_within_and_across),
		cmocka_unit_test(test_state_event_filter_parse_errors),
		cmocka_unit_test(test_state_event_filter_since_until),
		cmocka_unit_test(test_state_event_time_parse_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
