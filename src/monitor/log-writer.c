/* SPDX-License-Identifier: Apache-2.0 */
/* The k8s-file log writer: see log-writer.h for the format, rotation and fsync policy. */
#include "monitor/log-writer.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

struct monitor_log_writer {
	char *path;
	int fd;
	uint64_t max_size;
	uint64_t size;
	/* The last write stopped inside a record: the next one first ends that line. */
	bool torn;
	unsigned rotations;
};

static const char *const stream_names[_MONITOR_LOG_STREAM_MAX] = {
	[MONITOR_LOG_STDOUT] = "stdout",
	[MONITOR_LOG_STDERR] = "stderr",
};

const char *monitor_log_stream_to_string(enum monitor_log_stream s)
{
	if (s < 0 || s >= _MONITOR_LOG_STREAM_MAX)
		return NULL;
	return stream_names[s];
}

enum monitor_log_stream monitor_log_stream_from_string(const char *s, size_t len)
{
	for (int i = 0; i < _MONITOR_LOG_STREAM_MAX; i++)
		if (len == strlen(stream_names[i]) && memcmp(s, stream_names[i], len) == 0)
			return (enum monitor_log_stream)i;
	return _MONITOR_LOG_STREAM_INVALID;
}

size_t monitor_log_timestamp_format(int64_t ns, bool zulu,
				    char buf[static MONITOR_LOG_TIMESTAMP_MAX])
{
	int64_t nsec = ns % 1000000000LL;
	time_t sec = (time_t)(ns / 1000000000LL);
	if (nsec < 0) {
		nsec += 1000000000LL;
		sec--;
	}
	struct tm tm;
	if (!localtime_r(&sec, &tm))
		gmtime_r(&sec, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	int n = snprintf(buf, MONITOR_LOG_TIMESTAMP_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (long long)nsec);
	if (n < 0 || n >= MONITOR_LOG_TIMESTAMP_MAX - 8)
		return 0;
	if (zulu && off == 0)
		n += snprintf(buf + n, (size_t)(MONITOR_LOG_TIMESTAMP_MAX - n), "Z");
	else
		n += snprintf(buf + n, (size_t)(MONITOR_LOG_TIMESTAMP_MAX - n), "%c%02ld:%02ld",
			      sign, off / 3600, (off % 3600) / 60);
	if (n < 0)
		return 0;
	return MIN((size_t)n, (size_t)MONITOR_LOG_TIMESTAMP_MAX - 1);
}

static int log_file_open(const char *path, int extra_flags)
{
	return open(path,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags,
		    0600);
}

int monitor_log_writer_open(const char *path, uint64_t max_size, struct monitor_log_writer **ret,
			    struct sk_error **err)
{
	_cleanup_close_ int fd = log_file_open(path, 0);
	if (fd < 0)
		return sk_err_system(err, errno, "open log file '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sk_err_system(err, errno, "stat log file '%s': %s", path, strerror(errno));
	struct monitor_log_writer *w = xnew(struct monitor_log_writer, 1);
	w->path = xstrdup(path);
	w->fd = TAKE_FD(fd);
	w->max_size = max_size;
	w->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	*ret = w;
	return 0;
}

void monitor_log_writer_free(struct monitor_log_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->path);
	free(w);
}

uint64_t monitor_log_writer_size(const struct monitor_log_writer *w)
{
	return w->size;
}

unsigned monitor_log_writer_rotations(const struct monitor_log_writer *w)
{
	return w->rotations;
}

int monitor_log_writer_rotate(struct monitor_log_writer *w, struct sk_error **err)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp", w->path);
	_cleanup_close_ int fd = log_file_open(tmp, O_TRUNC);
	if (fd < 0)
		return sk_err_system(err, errno, "rotate log file '%s': %s", w->path,
				     strerror(errno));
	if (rename(tmp, w->path) < 0) {
		int e = errno;
		unlink(tmp);
		return sk_err_system(err, e, "rotate log file '%s': %s", w->path, strerror(e));
	}
	close(w->fd);
	w->fd = TAKE_FD(fd);
	w->size = 0;
	w->torn = false;
	w->rotations++;
	return 0;
}

int monitor_log_writer_sync(struct monitor_log_writer *w, struct sk_error **err)
{
	if (fsync(w->fd) < 0 && errno != EINVAL)
		return sk_err_system(err, errno, "sync log file '%s': %s", w->path,
				     strerror(errno));
	return 0;
}

/* One write loop; remembers a record cut short (ENOSPC after a partial write). */
static int writer_flush(struct monitor_log_writer *w, struct strbuf *out, struct sk_error **err)
{
	size_t done = 0;
	while (done < out->len) {
		ssize_t n = RETRY_EINTR(write(w->fd, out->buf + done, out->len - done));
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			w->size += done;
			if (done > 0 && out->buf[done - 1] != '\n')
				w->torn = true;
			strbuf_reset(out);
			return sk_err_system(err, e, "write log file '%s': %s", w->path,
					     strerror(e));
		}
		done += (size_t)n;
	}
	w->size += done;
	strbuf_reset(out);
	return 0;
}

static bool writer_must_rotate(const struct monitor_log_writer *w, size_t pending, size_t rec)
{
	uint64_t used = w->size + pending;
	return w->max_size > 0 && used > 0 && used + rec > w->max_size;
}

int monitor_log_write(struct monitor_log_writer *w, enum monitor_log_stream stream, const char *buf,
		      size_t len, int64_t timestamp_ns, struct sk_error **err)
{
	const char *name = monitor_log_stream_to_string(stream);
	if (!name)
		return sk_err_invalid(err, "write log file '%s': invalid stream %d", w->path,
				      (int)stream);
	char ts[MONITOR_LOG_TIMESTAMP_MAX];
	size_t tslen = monitor_log_timestamp_format(timestamp_ns, false, ts);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (w->torn) {
		strbuf_addch(&out, '\n');
		w->torn = false;
	}
	while (len > 0) {
		size_t chunk = MIN(len, (size_t)MONITOR_LOG_RECORD_MAX);
		const char *nl = memchr(buf, '\n', chunk);
		size_t clen = nl ? (size_t)(nl - buf) : chunk;
		size_t rec = tslen + 1 + strlen(name) + 3 + clen + 1;
		if (writer_must_rotate(w, out.len, rec)) {
			int r = writer_flush(w, &out, err);
			if (r < 0)
				return r;
			r = monitor_log_writer_rotate(w, err);
			if (r < 0)
				return r;
		}
		strbuf_add(&out, ts, tslen);
		strbuf_addch(&out, ' ');
		strbuf_addstr(&out, name);
		strbuf_addstr(&out, nl ? " F " : " P ");
		strbuf_add(&out, buf, clen);
		strbuf_addch(&out, '\n');
		buf += nl ? clen + 1 : clen;
		len -= nl ? clen + 1 : clen;
	}
	return writer_flush(w, &out, err);
}
