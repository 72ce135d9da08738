/* SPDX-License-Identifier: Apache-2.0 */
/* The sync line between monitor_spawn() and the monitor, and the runtime's error message (see
 * monitor-internal.h). Pure functions: the unit tests drive them directly. */
#include "monitor/monitor-internal.h"

#include <ctype.h>
#include <string.h>
#include <sys/wait.h>

#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* podman's define.ErrOCIRuntime* texts, appended as podman's getOCIRuntimeError() does. */
#define SUFFIX_NOCMD "OCI runtime attempted to invoke a command that was not found"
#define SUFFIX_NOEXEC "OCI permission denied"
#define SUFFIX_RUNTIME "OCI runtime error"

char *monitor_sync_line_created(pid_t pid, pid_t monitor_pid)
{
	return xasprintf("{\"pid\":%d,\"monitor_pid\":%d}\n", (int)pid, (int)monitor_pid);
}

char *monitor_sync_line_failed(const struct sk_error *e)
{
	_cleanup_json_ json_t *o = json_object();
	sk_json_set_str(o, "error", e && e->msg ? e->msg : "unknown error");
	sk_json_set_str(o, "kind", sk_error_kind_to_string(e ? e->kind : SK_ERR_INTERNAL));
	if (e && e->errnum > 0)
		json_object_set_new(o, "errno", json_integer(e->errnum));
	_cleanup_free_ char *s = sk_json_dump(o, JSON_COMPACT);
	return xasprintf("%s\n", s);
}

static bool contains_ci(const char *s, const char *needle)
{
	return strcasestr(s, needle) != NULL;
}

enum sk_error_kind monitor_runtime_error_kind(const char *msg)
{
	if (contains_ci(msg, "permission denied") || contains_ci(msg, "operation not permitted"))
		return SK_ERR_NOEXEC;
	if (contains_ci(msg, "executable file not found") ||
	    contains_ci(msg, "no such file or directory"))
		return SK_ERR_NOCMD;
	return SK_ERR_RUNTIME;
}

static enum sk_error_kind kind_from_string(const char *s)
{
	for (int k = 0; s && k < _SK_ERR_MAX; k++)
		if (streq(sk_error_kind_to_string((enum sk_error_kind)k), s))
			return (enum sk_error_kind)k;
	return SK_ERR_INTERNAL;
}

static int sync_failed(const json_t *o, const char *self_exe, struct sk_error **err)
{
	int64_t exec_errno = sk_json_int(o, "exec_errno", 0);
	if (exec_errno > 0 && exec_errno < 4096)
		return sk_err_system(err, (int)exec_errno, "exec container monitor '%s': %s",
				     self_exe ? self_exe : "selkie", strerror((int)exec_errno));
	const char *msg = sk_json_str(o, "error");
	if (!msg)
		return sk_err_internal(err, "container monitor: sync line without pid or error");
	enum sk_error_kind kind = kind_from_string(sk_json_str(o, "kind"));
	int64_t errnum = sk_json_int(o, "errno", EIO);
	if (kind != SK_ERR_RUNTIME)
		return sk_error_set(err, kind, errnum > 0 && errnum < 4096 ? (int)errnum : EIO,
				    "%s", msg);
	kind = monitor_runtime_error_kind(msg);
	if (kind == SK_ERR_NOEXEC)
		return sk_error_set(err, kind, EACCES, "%s: %s", msg, SUFFIX_NOEXEC);
	if (kind == SK_ERR_NOCMD)
		return sk_error_set(err, kind, ENOENT, "%s: %s", msg, SUFFIX_NOCMD);
	return sk_error_set(err, kind, EIO, "%s: %s", msg, SUFFIX_RUNTIME);
}

int monitor_sync_parse(const char *text, size_t len, const char *self_exe,
		       struct monitor_sync_result *ret, struct sk_error **err)
{
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0)
		return sk_err_internal(err, "container monitor exited without reporting");
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *o = sk_json_parse(text, len, &reason);
	if (!json_is_object(o))
		return sk_err_internal(err, "container monitor: bad sync line '%.*s': %s",
				       (int)MIN(len, (size_t)200), text,
				       reason ? reason : "not an object");
	int64_t pid = sk_json_int(o, "pid", 0), mpid = sk_json_int(o, "monitor_pid", 0);
	if (!json_object_get(o, "pid"))
		return sync_failed(o, self_exe, err);
	if (pid <= 0 || pid > INT32_MAX || mpid <= 0 || mpid > INT32_MAX)
		return sk_err_internal(err, "container monitor: bad pids in sync line '%.*s'",
				       (int)MIN(len, (size_t)200), text);
	ret->pid = (pid_t)pid;
	ret->monitor_pid = (pid_t)mpid;
	return 0;
}

/* The value of a logrus text field `key="..."` (Go quoting) or `key=word`; NULL if absent. */
static char *logrus_field(const char *line, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = line; (p = strstr(p, key)); p += klen) {
		if ((p != line && p[-1] != ' ') || p[klen] != '=')
			continue;
		const char *v = p + klen + 1;
		if (*v != '"')
			return xstrndup(v, strcspn(v, " "));
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		for (v++; *v && *v != '"'; v++) {
			if (*v == '\\' && v[1]) {
				v++;
				strbuf_addch(&sb, *v == 'n' ? ' ' : *v == 't' ? ' ' : *v);
			} else {
				strbuf_addch(&sb, *v);
			}
		}
		return strbuf_detach(&sb, NULL);
	}
	return NULL;
}

/* One line of the runtime's stderr: its message and whether it is an error record. */
static char *runtime_line_msg(const char *line, bool *ret_error)
{
	*ret_error = false;
	if (line[0] == '{') {
		_cleanup_json_ json_t *o = sk_json_parse(line, strlen(line), NULL);
		const char *msg = sk_json_str(o, "msg");
		if (msg) {
			const char *level = sk_json_str(o, "level");
			*ret_error = level && (streq(level, "error") || streq(level, "fatal") ||
					       streq(level, "panic"));
			return xstrdup(msg);
		}
	}
	_cleanup_free_ char *level = logrus_field(line, "level");
	char *msg = level ? logrus_field(line, "msg") : NULL;
	if (msg) {
		*ret_error =
			streq(level, "error") || streq(level, "fatal") || streq(level, "panic");
		return msg;
	}
	return xstrdup(line);
}

/* Control characters become spaces; ends trimmed; cut at MONITOR_RUNTIME_MSG_MAX. */
static void msg_sanitize(struct strbuf *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			sb->buf[i] = ' ';
	if (sb->len > MONITOR_RUNTIME_MSG_MAX)
		strbuf_setlen(sb, MONITOR_RUNTIME_MSG_MAX);
	strbuf_rtrim(sb);
}

static char *runtime_pick_msg(const char *text, size_t len)
{
	_cleanup_free_ char *copy = xstrndup(text, len);
	_cleanup_free_ char *last = NULL, *last_error = NULL;
	for (char *line = copy, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (isspace((unsigned char)*line))
			line++;
		if (!*line)
			continue;
		bool is_error;
		char *msg = runtime_line_msg(line, &is_error);
		free(last);
		last = msg;
		if (is_error) {
			free(last_error);
			last_error = xstrdup(msg);
		}
	}
	return last_error ? TAKE_PTR(last_error) : TAKE_PTR(last);
}

char *monitor_runtime_msg_clean(const char *runtime_name, const char *text, size_t len, int status)
{
	_cleanup_free_ char *msg = text ? runtime_pick_msg(text, len) : NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	size_t nlen = strlen(runtime_name);
	if (msg && strneq(msg, "Error: ", 7))
		memmove(msg, msg + 7, strlen(msg + 7) + 1);
	if (!msg || !strneq(msg, runtime_name, nlen) || !strneq(msg + nlen, ": ", 2))
		strbuf_addf(&sb, "%s: ", runtime_name);
	if (msg)
		strbuf_addstr(&sb, msg);
	else if (WIFSIGNALED(status))
		strbuf_addf(&sb, "create failed: killed by signal %d", WTERMSIG(status));
	else
		strbuf_addf(&sb, "create failed: exit status %d",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 255);
	msg_sanitize(&sb);
	return strbuf_detach(&sb, NULL);
}
