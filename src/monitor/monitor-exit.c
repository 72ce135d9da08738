/* SPDX-License-Identifier: Apache-2.0 */
/*
 * <run_dir>/exit: {"exit_code":N,"oom_killed":bool,"finished_at":NS}, written through a
 * temporary file and rename(2) (util/fs_write_atomic), so a reader sees no file or a whole one;
 * and the OOM check the monitor makes before writing it.
 */
#include "monitor/monitor-internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "util/fs.h"
#include "util/json-util.h"
#include "util/xalloc.h"

#define EXIT_FILE_MAX 4096

char *monitor_exit_encode(const struct monitor_exit *e)
{
	return xasprintf("{\"exit_code\":%d,\"oom_killed\":%s,\"finished_at\":%lld}\n",
			 e->exit_code, e->oom_killed ? "true" : "false", (long long)e->finished_at);
}

int monitor_exit_decode(const char *text, size_t len, struct monitor_exit *ret,
			struct sk_error **err)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *o = sk_json_parse(text, len, &reason);
	if (!json_is_object(o))
		return sk_err_corrupt(err, "exit file: %s", reason ? reason : "not an object");
	json_t *code = json_object_get(o, "exit_code");
	json_t *oom = json_object_get(o, "oom_killed");
	json_t *at = json_object_get(o, "finished_at");
	if (!json_is_integer(code) || json_integer_value(code) < 0 ||
	    json_integer_value(code) > 255)
		return sk_err_corrupt(err, "exit file: \"exit_code\" is not an integer in 0-255");
	if (oom && !json_is_boolean(oom))
		return sk_err_corrupt(err, "exit file: \"oom_killed\" is not a boolean");
	if (at && !json_is_integer(at))
		return sk_err_corrupt(err, "exit file: \"finished_at\" is not an integer");
	*ret = (struct monitor_exit){
		.exit_code = (int)json_integer_value(code),
		.oom_killed = oom && json_is_true(oom),
		.finished_at = at ? json_integer_value(at) : 0,
	};
	return 0;
}

int monitor_exit_read(const char *run_dir, struct monitor_exit *ret, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(run_dir, MONITOR_EXIT_NAME);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(path, EXIT_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return sk_err_notfound(err, "read '%s': %s", path, strerror(-r));
	if (r < 0)
		return sk_err_system(err, r, "read '%s': %s", path, strerror(-r));
	r = monitor_exit_decode(text, len, ret, err);
	if (r < 0)
		return sk_error_wrap(err, "'%s'", path);
	return 0;
}

int monitor_exit_write(const char *run_dir, const struct monitor_exit *e, struct sk_error **err)
{
	if (e->exit_code < 0 || e->exit_code > 255)
		return sk_err_invalid(err, "write exit file: exit code %d out of range",
				      e->exit_code);
	_cleanup_free_ char *path = path_join(run_dir, MONITOR_EXIT_NAME);
	_cleanup_free_ char *text = monitor_exit_encode(e);
	int r = fs_write_atomic(path, text, strlen(text), 0644);
	if (r < 0)
		return sk_err_system(err, r, "write '%s': %s", path, strerror(-r));
	return 0;
}

/* The value of "key N" lines in a cgroup stats file (memory.oom_control, memory.events). */
static bool stat_counter_positive(const char *path, const char *key)
{
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(path, 64 * 1024, &text, NULL) < 0)
		return false;
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strneq(line, key, klen) && line[klen] == ' ') {
			unsigned long long n = strtoull(line + klen + 1, NULL, 10);
			return n > 0;
		}
	}
	return false;
}

/* A relative path without "." or ".." components (the cgroup path comes from monitor.json). */
static bool cgroup_path_safe(const char *p)
{
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		while (*c == '/')
			c++;
	}
	return true;
}

bool monitor_oom_check(const char *cgroup_root, const char *cgroup_path)
{
	if (isempty(cgroup_path))
		return false;
	while (*cgroup_path == '/')
		cgroup_path++;
	if (!*cgroup_path || !cgroup_path_safe(cgroup_path))
		return false;
	_cleanup_free_ char *v1 =
		xasprintf("%s/memory/%s/memory.oom_control", cgroup_root, cgroup_path);
	if (stat_counter_positive(v1, "oom_kill"))
		return true;
	_cleanup_free_ char *v2 = xasprintf("%s/%s/memory.events", cgroup_root, cgroup_path);
	return stat_counter_positive(v2, "oom_kill");
}
