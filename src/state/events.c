/* SPDX-License-Identifier: Apache-2.0 */
/* The events log: see events.h for the file format, the writers' and the readers' rules. */
#include "state/events.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/json-util.h"
#include "util/lock.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define EXIT_CODE_ATTR "containerExitCode"

/* "<what> '<path>': <strerror>" from a saved errno. */
static int sys_error(struct sk_error **err, int errnum, const char *what, const char *path)
{
	return sk_err_system(err, errnum, "%s '%s': %s", what, path, strerror(errnum));
}

void state_event_release(struct state_event *e)
{
	if (!e)
		return;
	free(e->type);
	free(e->action);
	free(e->id);
	free(e->name);
	free(e->image);
	strv_free(e->attributes);
	*e = (struct state_event){ 0 };
}

void state_event_free(struct state_event *e)
{
	state_event_release(e);
	free(e);
}

char *state_events_path(const char *run_root)
{
	return xasprintf("%s/events/events.log", run_root);
}

static size_t attr_key_len(const char *a)
{
	return strcspn(a, "=");
}

static bool attr_has_key(const char *a, const char *key)
{
	size_t n = attr_key_len(a);
	return n == strlen(key) && strneq(a, key, n);
}

const char *state_event_attribute(const struct state_event *e, const char *key)
{
	const char *found = NULL;
	STRV_FOREACH (a, e->attributes)
		if (attr_has_key(*a, key))
			found = (*a)[attr_key_len(*a)] ? *a + attr_key_len(*a) + 1 : "";
	return found;
}

static int attr_key_cmp(const char *a, const char *b)
{
	size_t na = attr_key_len(a), nb = attr_key_len(b);
	int c = memcmp(a, b, MIN(na, nb));
	return c ? c : (na > nb) - (na < nb);
}

/* The attributes to write: sorted by key (stable), the last of equal keys kept, the exit code
 * left out (it has its own field). Borrowed strings. */
static char **attributes_for_json(char *const *attrs, size_t *ret_n)
{
	size_t n = strv_length(attrs), out = 0;
	const char **v = xnew(const char *, n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && attr_key_cmp(v[j - 1], attrs[i]) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = attrs[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && attr_key_cmp(v[i], v[i + 1]) == 0)
			continue;
		v[out++] = v[i];
	}
	v[out] = NULL;
	*ret_n = out;
	return (char **)v;
}

/* Add s, escaped, cut to at most max bytes (0: whole) on a UTF-8 boundary. */
static void add_escaped_cut(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (max && n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	_cleanup_free_ char *part = xstrndup(s, n);
	strbuf_add_json_escaped(sb, part);
}

static void add_member(struct strbuf *sb, const char *key, const char *value, bool always,
		       size_t cut)
{
	if (!always && isempty(value))
		return;
	strbuf_addf(sb, "\"%s\":\"", key);
	add_escaped_cut(sb, value ? value : "", cut);
	strbuf_addstr(sb, "\",");
}

static void event_json_build(struct strbuf *sb, const struct state_event *e, char *const *attrs,
			     size_t nattrs, size_t cut)
{
	strbuf_reset(sb);
	strbuf_addch(sb, '{');
	const char *code = state_event_attribute(e, EXIT_CODE_ATTR);
	int64_t exit_code;
	bool has_code = code && parse_int64(code, &exit_code) >= 0;
	if (has_code)
		strbuf_addf(sb, "\"ContainerExitCode\":%" PRId64 ",", exit_code);
	add_member(sb, "ID", e->id, false, cut);
	add_member(sb, "Image", e->image, false, cut);
	add_member(sb, "Name", e->name, false, cut);
	add_member(sb, "Status", e->action, true, cut);
	_cleanup_free_ char *t = time_format_rfc3339nano(e->time_ns);
	add_member(sb, "Time", t, true, 0);
	add_member(sb, "Type", e->type, true, cut);
	strbuf_addstr(sb, "\"Attributes\":");
	size_t written = 0;
	for (size_t i = 0; i < nattrs; i++) {
		if (has_code && attr_has_key(attrs[i], EXIT_CODE_ATTR))
			continue;
		size_t kl = attr_key_len(attrs[i]);
		_cleanup_free_ char *key = xstrndup(attrs[i], kl);
		strbuf_addstr(sb, written++ ? ",\"" : "{\"");
		strbuf_add_json_escaped(sb, key);
		strbuf_addstr(sb, "\":\"");
		strbuf_add_json_escaped(sb, attrs[i][kl] ? attrs[i] + kl + 1 : "");
		strbuf_addch(sb, '"');
	}
	strbuf_addstr(sb, written ? "}}" : "null}");
}

char *state_event_to_json(const struct state_event *e)
{
	size_t n;
	_cleanup_free_ char **attrs = attributes_for_json(e->attributes, &n);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	event_json_build(&sb, e, attrs, n, 0);
	/* Too big for one record: drop attributes from the end, then cut the strings. */
	while (sb.len >= STATE_EVENT_RECORD_MAX && n > 0)
		event_json_build(&sb, e, attrs, --n, 0);
	static const size_t cuts[] = { 256, 64 };
	for (size_t i = 0; i < ELEMENTSOF(cuts) && sb.len >= STATE_EVENT_RECORD_MAX; i++)
		event_json_build(&sb, e, attrs, 0, cuts[i]);
	return strbuf_detach(&sb, NULL);
}

static char *json_str_dup(const json_t *obj, const char *key)
{
	const char *s = sk_json_str(obj, key);
	return isempty(s) ? NULL : xstrdup(s);
}

int state_event_from_json(const char *line, size_t len, struct state_event **ret,
			  struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(line, len, NULL);
	const char *status = sk_json_str(doc, "Status"), *type = sk_json_str(doc, "Type");
	const char *t = sk_json_str(doc, "Time");
	int64_t ns;
	if (!json_is_object(doc) || !status || !type || !t || time_parse_rfc3339(t, &ns) < 0)
		return sk_err_corrupt(err, "events log: not an event record");
	_cleanup_state_event_ struct state_event *e = xnew(struct state_event, 1);
	e->time_ns = ns;
	e->type = xstrdup(type);
	e->action = xstrdup(status);
	e->id = json_str_dup(doc, "ID");
	e->name = json_str_dup(doc, "Name");
	e->image = json_str_dup(doc, "Image");
	json_t *code = json_object_get(doc, "ContainerExitCode");
	if (json_is_integer(code))
		strv_pushf(&e->attributes, EXIT_CODE_ATTR "=%" JSON_INTEGER_FORMAT,
			   json_integer_value(code));
	const char *key;
	json_t *v;
	json_object_foreach (json_object_get(doc, "Attributes"), key, v)
		if (json_is_string(v))
			strv_pushf(&e->attributes, "%s=%s", key, json_string_value(v));
	*ret = TAKE_PTR(e);
	return 0;
}

/* Under the exclusive lock, so no writer is between its open and its write. */
static void events_rotate(const char *log_path, int lock_fd, uint64_t rotate_size)
{
	if (RETRY_EINTR(flock(lock_fd, LOCK_EX)) < 0)
		return;
	struct stat st;
	if (stat(log_path, &st) < 0 || (uint64_t)st.st_size < rotate_size)
		return; /* another writer rotated it meanwhile */
	_cleanup_free_ char *old = xasprintf("%s.1", log_path);
	(void)rename(log_path, old);
}

int state_event_append_rotate(const char *log_path, const struct state_event *e,
			      uint64_t rotate_size, struct sk_error **err)
{
	struct state_event stamped = *e;
	if (!stamped.time_ns)
		stamped.time_ns = time_now_ns();
	_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;
	_cleanup_free_ char *json = state_event_to_json(&stamped);
	strbuf_addstr(&line, json);
	strbuf_addch(&line, '\n');
	int r = fs_mkdir_parents(log_path, 0700);
	if (r < 0)
		return sk_err_system(err, r, "events log '%s': %s", log_path, strerror(-r));
	_cleanup_free_ char *lock_path = xasprintf("%s.lock", log_path);
	_cleanup_close_ int lock_fd = lock_file_take(lock_path, false, false);
	if (lock_fd < 0)
		return sk_err_system(err, lock_fd, "lock events log '%s': %s", lock_path,
				     strerror(-lock_fd));
	_cleanup_close_ int fd =
		open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return sys_error(err, errno, "open events log", log_path);
	ssize_t n = RETRY_EINTR(write(fd, line.buf, line.len));
	if (n < 0)
		return sys_error(err, errno, "append to events log", log_path);
	if ((size_t)n < line.len) {
		/* End the piece, so the next record starts on a line of its own. */
		(void)!write(fd, "\n", 1);
		return sk_err_system(err, ENOSPC, "append to events log '%s': short write",
				     log_path);
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size >= rotate_size) {
		close(TAKE_FD(fd));
		events_rotate(log_path, lock_fd, rotate_size);
	}
	return 0;
}

int state_event_append(const char *log_path, const struct state_event *e, struct sk_error **err)
{
	return state_event_append_rotate(log_path, e, STATE_EVENTS_ROTATE_SIZE, err);
}

/* ---- --since/--until values ---- */

static bool is_date(const char *s)
{
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* "1700000000" or "1700000000.25". */
static int parse_unix_time(const char *s, int64_t *ret_ns)
{
	size_t int_len = strspn(s, "0123456789");
	if (int_len == 0 || int_len > 12)
		return -EINVAL;
	const char *frac = s + int_len;
	if (*frac == '.')
		frac++;
	else if (*frac)
		return -EINVAL;
	size_t frac_len = strspn(frac, "0123456789");
	if (frac[frac_len])
		return -EINVAL;
	int64_t secs = 0, nanos = 0;
	for (size_t i = 0; i < int_len; i++)
		secs = secs * 10 + (s[i] - '0');
	for (size_t i = 0; i < 9; i++)
		nanos = nanos * 10 + (i < frac_len ? frac[i] - '0' : 0);
	*ret_ns = secs * 1000000000LL + nanos;
	return 0;
}

/* Go's time.ParseDuration: a sign, then number+unit pairs; a bare number only for "0". */
static int parse_go_duration(const char *s, int64_t *ret_ns)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (streq(s, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s || !s[strspn(s, "0123456789.")])
		return -EINVAL;
	int64_t d;
	int r = parse_duration_ns(s, &d);
	if (r < 0)
		return r;
	*ret_ns = neg ? -d : d;
	return 0;
}

int state_event_time_parse(const char *s, bool since, int64_t now_ns, int64_t *ret_ns)
{
	if (isempty(s))
		return -EINVAL;
	size_t n = strlen(s);
	if (n >= 10 && is_date(s) && strchr("Z+-", s[10])) {
		/* "2006-01-02" (UTC) and "2006-01-02Z07:00" */
		_cleanup_free_ char *full = xasprintf("%.10sT00:00:00%s", s, s[10] ? s + 10 : "Z");
		if (time_parse_rfc3339(full, ret_ns) >= 0)
			return 0;
	}
	if (time_parse_rfc3339(s, ret_ns) >= 0)
		return 0;
	if (n > 10 && is_date(s) && s[10] == 'T') {
		_cleanup_free_ char *utc = xasprintf("%sZ", s);
		if (time_parse_rfc3339(utc, ret_ns) >= 0)
			return 0;
	}
	if (parse_unix_time(s, ret_ns) >= 0)
		return 0;
	int64_t d;
	if (parse_go_duration(s, &d) >= 0) {
		*ret_ns = since ? now_ns - d : now_ns + d;
		return 0;
	}
	return -EINVAL;
}

/* ---- filters ---- */

static const char *filter_key_canonical(const char *key)
{
	static const char *const keys[][2] = {
		{ "container", "container" }, { "event", "event" }, { "status", "event" },
		{ "action", "event" },	      { "image", "image" }, { "label", "label" },
		{ "network", "network" },     { "pod", "pod" },	    { "type", "type" },
		{ "volume", "volume" },	      { "since", "since" }, { "until", "until" },
	};
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (strcasecmp(key, keys[i][0]) == 0)
			return keys[i][1];
	return NULL;
}

void state_event_filter_free(struct state_event_filter *f)
{
	if (!f)
		return;
	strv_free(f->keys);
	strv_free(f->values);
	free(f);
}

static int filter_time(struct state_event_filter *f, bool since, const char *value, int64_t now_ns,
		       struct sk_error **err)
{
	int64_t ns;
	if (state_event_time_parse(value, since, now_ns, &ns) < 0)
		return sk_err_invalid(err,
				      "unable to convert %s time of %s: unable to interpret "
				      "time value",
				      since ? "since" : "until", value);
	if (since && ns > f->since_ns)
		f->since_ns = ns;
	if (!since && (!f->until_ns || ns < f->until_ns))
		f->until_ns = ns;
	return 0;
}

int state_event_filter_parse(char *const *filters, int64_t now_ns, struct state_event_filter **ret,
			     struct sk_error **err)
{
	_cleanup_state_event_filter_ struct state_event_filter *f =
		xnew(struct state_event_filter, 1);
	STRV_FOREACH (s, filters) {
		const char *eq = strchr(*s, '=');
		if (!eq)
			return sk_err_invalid(err, "%s is an invalid filter", *s);
		_cleanup_free_ char *key = xstrndup(*s, (size_t)(eq - *s));
		const char *canon = filter_key_canonical(key), *value = eq + 1;
		if (!canon)
			return sk_err_invalid(err, "%s is an invalid filter", key);
		if (streq(canon, "since") || streq(canon, "until")) {
			int r = filter_time(f, streq(canon, "since"), value, now_ns, err);
			if (r < 0)
				return r;
			continue;
		}
		if (streq(canon, "event") && streq(value, "die")) /* docker's word */
			value = "died";
		strv_push(&f->keys, canon);
		strv_push(&f->values, value);
	}
	*ret = TAKE_PTR(f);
	return 0;
}

static bool str_is(const char *s, const char *v)
{
	return streq(s ? s : "", v);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strneq(s ? s : "", prefix, strlen(prefix));
}

static bool label_matches(const struct state_event *e, const char *want)
{
	bool with_value = strchr(want, '=') != NULL;
	STRV_FOREACH (a, e->attributes) {
		if (with_value ? streq(*a, want) : attr_has_key(*a, want))
			return true;
	}
	return false;
}

static bool filter_one(const char *key, const char *v, const struct state_event *e)
{
	if (streq(key, "event"))
		return str_is(e->action, v);
	if (streq(key, "type"))
		return str_is(e->type, v);
	if (streq(key, "label"))
		return label_matches(e, v);
	/* The rest select objects of their own type. */
	if (!str_is(e->type, key))
		return false;
	if (streq(key, "volume"))
		return has_prefix(e->name, v) || has_prefix(e->id, v);
	if (streq(key, "network"))
		return str_is(e->name, v);
	return str_is(e->name, v) || has_prefix(e->id, v);
}

bool state_event_filter_match(const struct state_event_filter *f, const struct state_event *e)
{
	if (f->since_ns && e->time_ns <= f->since_ns)
		return false;
	if (f->until_ns && e->time_ns >= f->until_ns)
		return false;
	size_t n = strv_length(f->keys);
	for (size_t i = 0; i < n; i++) {
		if (strv_find(f->keys, f->keys[i]) != (int)i)
			continue; /* this key was decided at its first value */
		bool any = false;
		for (size_t j = i; j < n && !any; j++)
			any = streq(f->keys[j], f->keys[i]) &&
			      filter_one(f->keys[i], f->values[j], e);
		if (!any)
			return false;
	}
	return true;
}

/* ---- reading ---- */

struct state_event_reader {
	char *path, *old_path, *lock_path;
	int fd;	   /* events.log, -1 until it exists */
	dev_t dev; /* of fd */
	ino_t ino;
	/* The events.log.1 already read (or skipped), kept open so that its inode number is not
	 * reused by a newer file while we compare with it. */
	int old_fd;
	dev_t old_dev;
	ino_t old_ino;
	bool old_pending; /* old_fd is to be read by the first poll */
	int inotify_fd;
	struct strbuf carry; /* the start of a line whose end is not read yet */
	bool skipping;	     /* dropping the rest of an over-long line */
};

void state_event_reader_free(struct state_event_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->old_fd >= 0)
		close(r->old_fd);
	if (r->inotify_fd >= 0)
		close(r->inotify_fd);
	strbuf_release(&r->carry);
	free(r->path);
	free(r->old_path);
	free(r->lock_path);
	free(r);
}

/* Open path read-only; -1 when it does not exist, -errno on other failures. */
static int open_log(const char *path, dev_t *ret_dev, ino_t *ret_ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -1 : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return fd;
}

/* A shared lock keeps rotations out while both files are opened; best effort (a reader may
 * not be allowed to create the lock file). */
static int take_read_lock(const struct state_event_reader *r)
{
	return lock_file_take(r->lock_path, false, false);
}

int state_event_reader_open(const char *log_path, bool from_end, struct state_event_reader **ret,
			    struct sk_error **err)
{
	_cleanup_state_event_reader_ struct state_event_reader *r =
		xnew(struct state_event_reader, 1);
	r->path = xstrdup(log_path);
	r->old_path = xasprintf("%s.1", log_path);
	r->lock_path = xasprintf("%s.lock", log_path);
	r->fd = r->old_fd = r->inotify_fd = -1;
	strbuf_init(&r->carry, 0);
	_cleanup_close_ int lock_fd = take_read_lock(r);
	r->old_fd = open_log(r->old_path, &r->old_dev, &r->old_ino);
	r->fd = open_log(r->path, &r->dev, &r->ino);
	if (r->old_fd < -1 || r->fd < -1) {
		int e = r->fd < -1 ? r->fd : r->old_fd;
		return sk_err_system(err, e, "open events log '%s': %s", log_path, strerror(-e));
	}
	r->old_pending = r->old_fd >= 0 && !from_end;
	if (from_end && r->fd >= 0 && lseek(r->fd, 0, SEEK_END) < 0)
		return sys_error(err, errno, "seek events log", log_path);
	*ret = TAKE_PTR(r);
	return 0;
}

static int reader_line(const char *line, size_t len, state_event_fn fn, void *userdata,
		       struct sk_error **err)
{
	_cleanup_state_event_ struct state_event *e = NULL;
	if (len == 0 || state_event_from_json(line, len, &e, NULL) < 0)
		return 0; /* not a record: skipped */
	int ret = fn(e, userdata);
	if (ret < 0 && err && !*err)
		sk_err_system(err, ret, "events output: %s", strerror(-ret));
	return ret;
}

static void reader_forget_partial(struct state_event_reader *r)
{
	strbuf_reset(&r->carry);
	r->skipping = false;
}

/* Hand out every complete line of fd from its offset to its end. */
static int reader_drain(struct state_event_reader *r, int fd, state_event_fn fn, void *userdata,
			struct sk_error **err)
{
	char buf[16384];
	for (;;) {
		ssize_t n = RETRY_EINTR(read(fd, buf, sizeof(buf)));
		if (n < 0)
			return sys_error(err, errno, "read events log", r->path);
		if (n == 0)
			return 0;
		const char *p = buf, *end = buf + n;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t chunk = (size_t)((nl ? nl : end) - p);
			if (!r->skipping && r->carry.len + chunk > STATE_EVENT_LINE_MAX) {
				strbuf_reset(&r->carry);
				r->skipping = true;
			}
			if (!r->skipping)
				strbuf_add(&r->carry, p, chunk);
			if (!nl)
				break;
			p = nl + 1;
			int ret = r->skipping ? 0
					      : reader_line(r->carry.buf, r->carry.len, fn,
							    userdata, err);
			reader_forget_partial(r);
			if (ret != 0)
				return ret;
		}
	}
}

/* Move on to the file now at the path; first read the generation between ours and it, if a
 * second rotation happened before we looked. */
static int reader_switch(struct state_event_reader *r, state_event_fn fn, void *userdata,
			 struct sk_error **err)
{
	_cleanup_close_ int lock_fd = take_read_lock(r);
	dev_t dev = 0;
	ino_t ino = 0;
	int old = open_log(r->old_path, &dev, &ino);
	bool ours = r->fd >= 0 && dev == r->dev && ino == r->ino;
	bool seen = r->old_fd >= 0 && dev == r->old_dev && ino == r->old_ino;
	if (old >= 0 && !ours && !seen) {
		int ret = reader_drain(r, old, fn, userdata, err);
		reader_forget_partial(r);
		if (ret != 0) {
			close(old);
			return ret;
		}
	}
	if (old >= 0) {
		if (r->old_fd >= 0)
			close(r->old_fd);
		r->old_fd = old;
		r->old_dev = dev;
		r->old_ino = ino;
	}
	if (r->fd >= 0)
		close(r->fd);
	r->fd = open_log(r->path, &r->dev, &r->ino);
	if (r->fd < -1) {
		int e = r->fd;
		r->fd = -1;
		return sk_err_system(err, e, "open events log '%s': %s", r->path, strerror(-e));
	}
	return 0;
}

static bool reader_replaced(const struct state_event_reader *r)
{
	struct stat st;
	if (stat(r->path, &st) < 0)
		return errno == ENOENT;
	return st.st_dev != r->dev || st.st_ino != r->ino;
}

/* Rewind when the file shrank below what was read; true when it did. */
static bool reader_rewind_truncated(struct state_event_reader *r)
{
	struct stat st;
	off_t pos = lseek(r->fd, 0, SEEK_CUR);
	if (pos < 0 || fstat(r->fd, &st) < 0 || st.st_size >= pos)
		return false;
	reader_forget_partial(r);
	return lseek(r->fd, 0, SEEK_SET) == 0;
}

int state_event_reader_poll(struct state_event_reader *r, state_event_fn fn, void *userdata,
			    struct sk_error **err)
{
	int ret;
	if (r->old_pending) {
		r->old_pending = false;
		ret = reader_drain(r, r->old_fd, fn, userdata, err);
		reader_forget_partial(r);
		if (ret != 0)
			return ret;
	}
	/* A few rounds at most: each one follows a rotation that happened meanwhile. */
	for (int round = 0; round < 4; round++) {
		if (r->fd < 0) {
			if (!fs_exists(r->path))
				return 0;
			ret = reader_switch(r, fn, userdata, err);
			if (ret != 0 || r->fd < 0)
				return ret;
		}
		ret = reader_drain(r, r->fd, fn, userdata, err);
		if (ret != 0)
			return ret;
		if (!reader_replaced(r)) {
			if (!reader_rewind_truncated(r))
				return 0;
			continue; /* emptied in place (by hand): read it again from its start */
		}
		/* Renamed away: what was appended before the rename, then the new file. */
		ret = reader_drain(r, r->fd, fn, userdata, err);
		reader_forget_partial(r);
		if (ret == 0)
			ret = reader_switch(r, fn, userdata, err);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int reader_watch(struct state_event_reader *r)
{
	_cleanup_free_ char *dir = path_dirname(r->path);
	(void)fs_mkdir_p(dir, 0700);
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	r->inotify_fd = fd;
	return 0;
}

int state_event_reader_wait(struct state_event_reader *r, int timeout_ms, int stop_fd,
			    struct sk_error **err)
{
	if (r->inotify_fd < 0) {
		if (reader_watch(r) >= 0)
			return STATE_EVENT_WAIT_CHANGED; /* a change before the watch: look again */
		if (timeout_ms < 0 || timeout_ms > 1000)
			timeout_ms = 1000; /* no inotify: look every second */
	}
	struct pollfd p[2];
	nfds_t n = 0;
	if (stop_fd >= 0)
		p[n++] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	if (r->inotify_fd >= 0)
		p[n++] = (struct pollfd){ .fd = r->inotify_fd, .events = POLLIN };
	int k = RETRY_EINTR(poll(p, n, timeout_ms));
	if (k < 0)
		return sys_error(err, errno, "wait for events log", r->path);
	if (stop_fd >= 0 && p[0].revents)
		return STATE_EVENT_WAIT_STOP;
	if (r->inotify_fd < 0)
		return STATE_EVENT_WAIT_CHANGED;
	if (k == 0)
		return STATE_EVENT_WAIT_TIMEOUT;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(r->inotify_fd, buf, sizeof(buf)) > 0)
		;
	return STATE_EVENT_WAIT_CHANGED;
}

struct read_selection {
	const struct state_event_read_opts *o;
	state_event_fn fn;
	void *userdata;
};

static int read_selected(const struct state_event *e, void *userdata)
{
	const struct read_selection *sel = userdata;
	if (sel->o->since_ns && e->time_ns <= sel->o->since_ns)
		return 0;
	if (sel->o->until_ns && e->time_ns >= sel->o->until_ns)
		return 0;
	if (sel->o->filter && !state_event_filter_match(sel->o->filter, e))
		return 0;
	return sel->fn(e, sel->userdata);
}

int state_events_read(const char *log_path, const struct state_event_read_opts *o,
		      state_event_fn fn, void *userdata, struct sk_error **err)
{
	struct read_selection sel = { .o = o, .fn = fn, .userdata = userdata };
	bool from_end = o->follow && !o->since_ns && !o->until_ns;
	_cleanup_state_event_reader_ struct state_event_reader *r = NULL;
	int ret = state_event_reader_open(log_path, from_end, &r, err);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = state_event_reader_poll(r, read_selected, &sel, err);
		if (ret != 0 || !o->follow)
			return ret < 0 ? ret : 0;
		int timeout = -1;
		if (o->until_ns) {
			int64_t now = time_now_ns();
			if (now >= o->until_ns)
				return 0;
			int64_t ms = (o->until_ns - now + 999999) / 1000000;
			timeout = ms > INT_MAX ? INT_MAX : (int)ms;
		}
		ret = state_event_reader_wait(r, timeout, o->stop_fd, err);
		if (ret < 0)
			return ret;
		if (ret == STATE_EVENT_WAIT_STOP)
			return 0;
	}
}
