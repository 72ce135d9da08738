/* SPDX-License-Identifier: Apache-2.0 */
/* The k8s-file log reader: see log-reader.h for the semantics and the limits. */
#include "monitor/log-reader.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define READ_BLOCK (64 * 1024)

struct monitor_log_reader {
	char *path;
	int fd;
	int inotify_fd;
	off_t offset; /* next byte to read */
	struct monitor_log_read_opts opts;
	struct strbuf carry; /* an incomplete record line, read but not yet ended */
	bool carry_overflow; /* skipping the rest of an over-long record line */
	struct strbuf pending[_MONITOR_LOG_STREAM_MAX];
	int64_t pending_ts[_MONITOR_LOG_STREAM_MAX];
	bool pending_open[_MONITOR_LOG_STREAM_MAX]; /* P records seen, no F yet */
	bool continued[_MONITOR_LOG_STREAM_MAX];    /* a piece of this line was handed out */
	bool counting;	    /* the tail pre-pass: count completed lines, hand nothing out */
	uint64_t completed; /* lines counted by the pre-pass */
	uint64_t skip;	    /* completed lines still to suppress (tail) */
	int emitted;
	struct monitor_log_stats stats;
};

static const char *token_next(const char *p, const char *end, size_t *ret_len)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	*ret_len = (size_t)((sp ? sp : end) - p);
	return sp ? sp + 1 : end;
}

bool monitor_log_record_parse(const char *line, size_t len, struct monitor_log_record *ret)
{
	const char *end = line + len, *p = line;
	size_t tlen, slen, flen;
	const char *ts = p;
	p = token_next(p, end, &tlen);
	const char *stream = p;
	p = token_next(p, end, &slen);
	const char *tag = p;
	p = token_next(p, end, &flen);
	char tbuf[MONITOR_LOG_TIMESTAMP_MAX];
	if (tlen == 0 || tlen >= sizeof(tbuf) || flen != 1 || (tag[0] != 'F' && tag[0] != 'P'))
		return false;
	if (tag + 1 < end && tag[1] != ' ')
		return false;
	memcpy(tbuf, ts, tlen);
	tbuf[tlen] = '\0';
	struct monitor_log_record rec = { 0 };
	if (time_parse_rfc3339(tbuf, &rec.timestamp_ns) < 0)
		return false;
	rec.stream = monitor_log_stream_from_string(stream, slen);
	if (rec.stream < 0)
		return false;
	rec.partial = tag[0] == 'P';
	rec.data = p;
	rec.len = (size_t)(end - p);
	*ret = rec;
	return true;
}

static bool line_selected(const struct monitor_log_read_opts *o, const struct monitor_log_line *l)
{
	if (o->streams && !(o->streams & MONITOR_LOG_STREAM_BIT(l->stream)))
		return false;
	if (o->since_ns && l->timestamp_ns <= o->since_ns)
		return false;
	if (o->until_ns && l->timestamp_ns >= o->until_ns)
		return false;
	return true;
}

/* Hand out what is pending for stream s: a whole line, or a piece of one when partial. */
static int reader_emit(struct monitor_log_reader *r, enum monitor_log_stream s, bool partial,
		       bool completes, monitor_log_line_fn fn, void *userdata)
{
	struct monitor_log_line line = {
		.stream = s,
		.timestamp_ns = r->pending_ts[s],
		.data = strbuf_str(&r->pending[s]),
		.len = r->pending[s].len,
		.partial = partial,
		.continuation = r->continued[s],
	};
	int ret = 0;
	if (r->skip > 0) {
		if (completes)
			r->skip--;
	} else if (line_selected(&r->opts, &line)) {
		ret = fn(&line, userdata);
		if (ret >= 0) {
			r->emitted++;
			ret = 0;
		}
	}
	r->continued[s] = partial && !completes;
	strbuf_reset(&r->pending[s]);
	return ret;
}

static int reader_record(struct monitor_log_reader *r, const char *buf, size_t len,
			 monitor_log_line_fn fn, void *userdata)
{
	struct monitor_log_record rec;
	if (!monitor_log_record_parse(buf, len, &rec)) {
		r->stats.malformed++;
		return 0;
	}
	enum monitor_log_stream s = rec.stream;
	if (r->counting) {
		r->pending_open[s] = rec.partial;
		if (!rec.partial)
			r->completed++;
		return 0;
	}
	struct strbuf *pend = &r->pending[s];
	if (pend->len > 0 && pend->len + rec.len > MONITOR_LOG_LINE_MAX) {
		int ret = reader_emit(r, s, true, false, fn, userdata);
		if (ret < 0)
			return ret;
	}
	strbuf_add(pend, rec.data, rec.len);
	r->pending_ts[s] = rec.timestamp_ns;
	r->pending_open[s] = rec.partial;
	if (rec.partial && pend->len < MONITOR_LOG_LINE_MAX)
		return 0;
	return reader_emit(r, s, rec.partial, !rec.partial, fn, userdata);
}

/* Split data into record lines, carrying an unfinished one over to the next call. */
static int reader_feed(struct monitor_log_reader *r, const char *data, size_t len,
		       monitor_log_line_fn fn, void *userdata)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (!r->carry_overflow && r->carry.len + n > MONITOR_LOG_PHYS_MAX) {
			r->carry_overflow = true;
			strbuf_reset(&r->carry);
		}
		if (!r->carry_overflow)
			strbuf_add(&r->carry, data, n);
		if (!nl)
			break;
		int ret = 0;
		if (r->carry_overflow)
			r->stats.malformed++;
		else
			ret = reader_record(r, r->carry.buf, r->carry.len, fn, userdata);
		strbuf_reset(&r->carry);
		r->carry_overflow = false;
		if (ret < 0)
			return ret;
		data += n + 1;
		len -= n + 1;
	}
	return 0;
}

/* Read fd from r->offset to its end (or to stop, if >= 0), feeding what is read. */
static int reader_scan(struct monitor_log_reader *r, off_t stop, monitor_log_line_fn fn,
		       void *userdata, struct sk_error **err)
{
	_cleanup_free_ char *buf = xmalloc(READ_BLOCK);
	for (;;) {
		size_t want = READ_BLOCK;
		if (stop >= 0 && (off_t)want > stop - r->offset)
			want = (size_t)(stop - r->offset);
		if (want == 0)
			return 0;
		ssize_t n = RETRY_EINTR(pread(r->fd, buf, want, r->offset));
		if (n < 0)
			return sk_err_system(err, errno, "read log file '%s': %s", r->path,
					     strerror(errno));
		if (n == 0)
			return 0;
		r->offset += n;
		r->stats.bytes_read += (uint64_t)n;
		int ret = reader_feed(r, buf, (size_t)n, fn, userdata);
		if (ret < 0)
			return sk_err_system(err, ret, "log output: %s", strerror(-ret));
	}
}

/* The backward scan of --tail: which streams have a line open, how many lines were seen. */
struct tail_scan {
	enum { TAIL_FRESH, TAIL_OPEN, TAIL_CLOSED } state[_MONITOR_LOG_STREAM_MAX];
	uint64_t want;
	uint64_t count;
	off_t start;	    /* earliest record of the lines taken so far */
	off_t past_want;    /* bytes scanned since count reached want */
	off_t complete_end; /* end of the last whole record line */
};

static bool tail_scan_done(const struct tail_scan *t)
{
	if (t->count < t->want)
		return false;
	if (t->past_want > MONITOR_LOG_LINE_MAX)
		return true;
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++)
		if (t->state[s] == TAIL_OPEN)
			return false;
	return true;
}

/* One record line at off, seen walking backwards. */
static void tail_scan_record(struct tail_scan *t, const char *line, size_t len, off_t off)
{
	struct monitor_log_record rec;
	if (!monitor_log_record_parse(line, len, &rec))
		return;
	int s = rec.stream;
	if (t->state[s] == TAIL_CLOSED)
		return;
	if (rec.partial && t->state[s] == TAIL_OPEN) {
		t->start = off;
		return;
	}
	/* An F record, or the last P record of a line cut at the end: a line ends here. */
	if (t->count >= t->want) {
		t->state[s] = TAIL_CLOSED;
		return;
	}
	t->count++;
	t->state[s] = TAIL_OPEN;
	t->start = off;
}

/* Walk the record lines of buf (which ends with a newline) backwards; base is buf's offset.
 * Returns how many leading bytes are an unfinished line (to prepend to the block before). */
static size_t tail_scan_block(struct tail_scan *t, const char *buf, size_t len, off_t base,
			      bool at_start)
{
	size_t end = len; /* buf[end - 1] is the newline ending the current line */
	while (end > 0 && !tail_scan_done(t)) {
		const char *p = buf + end - 1, *q = p;
		while (q > buf && q[-1] != '\n')
			q--;
		if (q == buf && !at_start)
			return end;
		size_t llen = (size_t)(p - q);
		if (llen <= MONITOR_LOG_PHYS_MAX)
			tail_scan_record(t, q, llen, base + (q - buf));
		if (t->count >= t->want)
			t->past_want += (off_t)(llen + 1);
		end = (size_t)(q - buf);
	}
	return 0;
}

struct tail_walk {
	struct strbuf carry; /* the unfinished line at the start of the later block */
	bool found_end;	     /* the torn last line (if any) is behind us */
	bool skipping;	     /* inside an over-long line: drop bytes up to the next newline */
};

/* Trim block to what the walk keeps; returns the kept length. */
static size_t tail_walk_trim(struct tail_walk *w, struct tail_scan *t, const char *blk, size_t n,
			     off_t pos)
{
	if (w->found_end && !w->skipping)
		return n;
	const char *nl = memrchr(blk, '\n', n);
	if (!nl)
		return 0;
	if (!w->found_end)
		t->complete_end = t->start = pos + (nl - blk) + 1;
	w->found_end = true;
	w->skipping = false;
	return (size_t)(nl - blk) + 1;
}

/* Position r->offset on the first record of the last opts.tail lines before size. */
static int reader_tail_walk(struct monitor_log_reader *r, off_t size, struct tail_scan *t,
			    struct sk_error **err)
{
	_cleanup_free_ char *blk = xmalloc(READ_BLOCK);
	_cleanup_strbuf_ struct strbuf data = STRBUF_INIT;
	struct tail_walk w = { .carry = STRBUF_INIT };
	off_t pos = size;
	int ret = 0;
	while (pos > 0 && !(w.found_end && tail_scan_done(t))) {
		size_t n = (size_t)MIN((off_t)READ_BLOCK, pos);
		pos -= (off_t)n;
		ssize_t got = RETRY_EINTR(pread(r->fd, blk, n, pos));
		if (got != (ssize_t)n) {
			ret = sk_err_system(err, got < 0 ? errno : EIO, "read log file '%s': %s",
					    r->path, strerror(got < 0 ? errno : EIO));
			break;
		}
		r->stats.bytes_read += n;
		n = tail_walk_trim(&w, t, blk, n, pos);
		if (n == 0 && (!w.found_end || w.skipping))
			continue;
		strbuf_reset(&data);
		strbuf_add(&data, blk, n);
		strbuf_add(&data, w.carry.buf ? w.carry.buf : "", w.carry.len);
		size_t keep = tail_scan_block(t, data.buf, data.len, pos, pos == 0);
		strbuf_reset(&w.carry);
		if (keep > MONITOR_LOG_PHYS_MAX + 1)
			w.skipping = true;
		else
			strbuf_add(&w.carry, data.buf, keep);
	}
	strbuf_release(&w.carry);
	if (ret >= 0)
		r->offset = w.found_end ? t->start : 0;
	return ret;
}

static void reader_reset_stream_state(struct monitor_log_reader *r)
{
	strbuf_reset(&r->carry);
	r->carry_overflow = false;
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++) {
		strbuf_reset(&r->pending[s]);
		r->pending_open[s] = false;
		r->continued[s] = false;
	}
}

/* --tail: walk back to the start of the last lines, count the lines from there, and skip
 * those beyond the wanted number when handing out. */
static int reader_tail_seek(struct monitor_log_reader *r, struct sk_error **err)
{
	struct stat st;
	if (fstat(r->fd, &st) < 0)
		return sk_err_system(err, errno, "stat log file '%s': %s", r->path,
				     strerror(errno));
	struct tail_scan t = { .want = (uint64_t)r->opts.tail };
	int ret = reader_tail_walk(r, st.st_size, &t, err);
	if (ret < 0)
		return ret;
	off_t start = r->offset;
	r->counting = true;
	ret = reader_scan(r, t.complete_end, NULL, NULL, err);
	r->counting = false;
	if (ret < 0)
		return ret;
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++)
		r->completed += r->pending_open[s];
	reader_reset_stream_state(r);
	r->offset = start;
	r->skip = r->completed > t.want ? r->completed - t.want : 0;
	return 0;
}

int monitor_log_reader_open(const char *path, const struct monitor_log_read_opts *opts,
			    struct monitor_log_reader **ret, struct sk_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sk_error_set(err, errno == ENOENT ? SK_ERR_NOTFOUND : SK_ERR_SYSTEM, errno,
				    "open log file '%s': %s", path, strerror(errno));
	_cleanup_log_reader_ struct monitor_log_reader *r = xnew(struct monitor_log_reader, 1);
	r->path = xstrdup(path);
	r->fd = TAKE_FD(fd);
	r->inotify_fd = -1;
	r->opts = *opts;
	strbuf_init(&r->carry, 0);
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++)
		strbuf_init(&r->pending[s], 0);
	if (opts->tail >= 0) {
		int rr = reader_tail_seek(r, err);
		if (rr < 0)
			return rr;
	}
	*ret = TAKE_PTR(r);
	return 0;
}

void monitor_log_reader_free(struct monitor_log_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->inotify_fd >= 0)
		close(r->inotify_fd);
	strbuf_release(&r->carry);
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++)
		strbuf_release(&r->pending[s]);
	free(r->path);
	free(r);
}

const struct monitor_log_stats *monitor_log_reader_stats(const struct monitor_log_reader *r)
{
	return &r->stats;
}

enum replaced { REPLACED_NO, REPLACED_TRUNCATED, REPLACED_RENAMED };

/* Does the path now name another file (rotated), or did ours shrink (truncated)? */
static enum replaced reader_replaced(const struct monitor_log_reader *r)
{
	struct stat cur, now;
	if (fstat(r->fd, &cur) < 0)
		return REPLACED_NO;
	if (stat(r->path, &now) == 0 && (now.st_ino != cur.st_ino || now.st_dev != cur.st_dev))
		return REPLACED_RENAMED;
	return cur.st_size < r->offset ? REPLACED_TRUNCATED : REPLACED_NO;
}

/* Start over on the file the path names now. */
static void reader_restart(struct monitor_log_reader *r, enum replaced how)
{
	if (how == REPLACED_RENAMED) {
		int fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return; /* gone again: the next poll looks again */
		close(r->fd);
		r->fd = fd;
	}
	r->offset = 0;
	strbuf_reset(&r->carry);
	r->carry_overflow = false;
	r->stats.reopened++;
}

int monitor_log_reader_poll(struct monitor_log_reader *r, monitor_log_line_fn fn, void *userdata,
			    struct sk_error **err)
{
	r->emitted = 0;
	for (int round = 0; round < 4; round++) {
		int ret = reader_scan(r, -1, fn, userdata, err);
		if (ret < 0)
			return ret;
		enum replaced how = reader_replaced(r);
		if (how == REPLACED_NO)
			break;
		/* What the writer appended to the old file just before renaming the new one. */
		if (how == REPLACED_RENAMED && (ret = reader_scan(r, -1, fn, userdata, err)) < 0)
			return ret;
		reader_restart(r, how);
	}
	return r->emitted;
}

int monitor_log_reader_finish(struct monitor_log_reader *r, monitor_log_line_fn fn, void *userdata,
			      struct sk_error **err)
{
	r->emitted = 0;
	for (int s = 0; s < _MONITOR_LOG_STREAM_MAX; s++) {
		if (!r->pending_open[s] && r->pending[s].len == 0)
			continue;
		r->pending_open[s] = false;
		if (r->pending[s].len == 0)
			continue;
		int ret = reader_emit(r, (enum monitor_log_stream)s, true, true, fn, userdata);
		if (ret < 0)
			return sk_err_system(err, ret, "log output: %s", strerror(-ret));
	}
	return r->emitted;
}

static int reader_watch(struct monitor_log_reader *r)
{
	_cleanup_free_ char *dir = path_dirname(r->path);
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	r->inotify_fd = fd;
	return 0;
}

int monitor_log_reader_wait(struct monitor_log_reader *r, int timeout_ms, struct sk_error **err)
{
	if (r->inotify_fd < 0 && reader_watch(r) >= 0)
		return 1; /* the watch is new: a change since the last poll may have been missed */
	struct pollfd pfd = { .fd = r->inotify_fd, .events = POLLIN };
	int n = RETRY_EINTR(poll(&pfd, r->inotify_fd >= 0 ? 1 : 0, timeout_ms));
	if (n < 0)
		return sk_err_system(err, errno, "wait for log file '%s': %s", r->path,
				     strerror(errno));
	if (n == 0 || r->inotify_fd < 0)
		return 0;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(r->inotify_fd, buf, sizeof(buf)) > 0)
		;
	return 1;
}

int monitor_log_read(const char *path, const struct monitor_log_read_opts *opts,
		     monitor_log_line_fn fn, void *userdata, struct sk_error **err)
{
	_cleanup_log_reader_ struct monitor_log_reader *r = NULL;
	int ret = monitor_log_reader_open(path, opts, &r, err);
	if (ret < 0)
		return ret;
	ret = monitor_log_reader_poll(r, fn, userdata, err);
	if (ret < 0)
		return ret;
	int more = monitor_log_reader_finish(r, fn, userdata, err);
	return more < 0 ? more : ret + more;
}

void monitor_log_line_render(struct strbuf *out, const struct monitor_log_read_opts *opts,
			     const struct monitor_log_line *line)
{
	if (opts->timestamps && !line->continuation) {
		char ts[MONITOR_LOG_TIMESTAMP_MAX];
		size_t n = monitor_log_timestamp_format(line->timestamp_ns, true, ts);
		strbuf_add(out, ts, n);
		strbuf_addch(out, ' ');
	}
	strbuf_add(out, line->data, line->len);
	if (!line->partial)
		strbuf_addch(out, '\n');
}
