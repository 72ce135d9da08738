/* SPDX-License-Identifier: Apache-2.0 */
/* <run_dir>/monitor.json: what ctr/ tells the monitor (struct monitor_opts), one JSON object
 * whose keys are the field names. Written atomically; read strictly: a key of the wrong type
 * is an error, unknown keys are ignored (a newer selkie may add some). */
#include "monitor/monitor-internal.h"

#include <string.h>

#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define OPTS_FILE_MAX (1024 * 1024)

static const char *const log_drivers[] = { "k8s-file", "none", "passthrough" };

static json_t *opt_argv(char *const *v)
{
	return v ? sk_json_from_strv(v) : json_null();
}

int monitor_opts_write(const struct monitor_opts *o, struct sk_error **err)
{
	if (isempty(o->run_dir))
		return sk_err_invalid(err, "write monitor options: no run directory");
	_cleanup_json_ json_t *j = json_object();
	sk_json_set_str(j, "id", o->id);
	sk_json_set_str(j, "run_dir", o->run_dir);
	sk_json_set_str(j, "bundle", o->bundle);
	sk_json_set_str(j, "runtime", o->runtime);
	sk_json_set_str(j, "runtime_root", o->runtime_root);
	json_object_set_new(j, "systemd_cgroup", json_boolean(o->systemd_cgroup));
	sk_json_set_str(j, "cgroup_path", o->cgroup_path);
	json_object_set_new(j, "terminal", json_boolean(o->terminal));
	json_object_set_new(j, "open_stdin", json_boolean(o->open_stdin));
	sk_json_set_str(j, "log_driver", o->log_driver);
	sk_json_set_str(j, "log_path", o->log_path);
	json_object_set_new(j, "log_max_size",
			    json_integer((json_int_t)MIN(o->log_max_size, (uint64_t)INT64_MAX)));
	json_object_set_new(j, "exit_command", opt_argv(o->exit_command));
	json_object_set_new(j, "health_command", opt_argv(o->health_command));
	json_object_set_new(j, "health_interval_ns", json_integer(o->health_interval_ns));
	json_object_set_new(j, "health_start_period_ns", json_integer(o->health_start_period_ns));
	_cleanup_free_ char *text = sk_json_dump(j, JSON_INDENT(2));
	_cleanup_free_ char *path = path_join(o->run_dir, MONITOR_OPTS_NAME);
	int r = fs_write_replace(path, text, strlen(text), 0600, false);
	if (r < 0)
		return sk_err_system(err, r, "write '%s': %s", path, strerror(-r));
	return 0;
}

/* A string member: NULL when absent or null; an error when of another type or when required
 * and missing. */
static int read_str(const json_t *j, const char *key, bool required, const char *path, char **ret,
		    struct sk_error **err)
{
	json_t *v = json_object_get(j, key);
	if ((!v || json_is_null(v)) && !required)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return sk_err_corrupt(err, "'%s': \"%s\" is %s", path, key,
				      v ? "not a non-empty string" : "missing");
	*ret = xstrdup(json_string_value(v));
	return 0;
}

static int read_bool(const json_t *j, const char *key, const char *path, bool *ret,
		     struct sk_error **err)
{
	json_t *v = json_object_get(j, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return sk_err_corrupt(err, "'%s': \"%s\" is not a boolean", path, key);
	*ret = json_is_true(v);
	return 0;
}

static int read_int(const json_t *j, const char *key, const char *path, int64_t *ret,
		    struct sk_error **err)
{
	json_t *v = json_object_get(j, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return sk_err_corrupt(err, "'%s': \"%s\" is not a non-negative integer", path, key);
	*ret = json_integer_value(v);
	return 0;
}

static int read_argv(const json_t *j, const char *key, const char *path, char ***ret,
		     struct sk_error **err)
{
	json_t *v = json_object_get(j, key);
	if (!v || json_is_null(v))
		return 0;
	bool ok = json_is_array(v) && json_array_size(v) > 0;
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e)
		ok = ok && json_is_string(e) && json_string_length(e) > 0 &&
		     strlen(json_string_value(e)) == json_string_length(e);
	if (!ok)
		return sk_err_corrupt(err, "'%s': \"%s\" is not a non-empty array of strings", path,
				      key);
	*ret = sk_json_to_strv(v);
	return 0;
}

static int read_strings(const json_t *j, const char *path, struct monitor_opts *o,
			struct sk_error **err)
{
	int r = read_str(j, "id", true, path, &o->id, err);
	if (r >= 0)
		r = read_str(j, "run_dir", false, path, &o->run_dir, err);
	if (r >= 0)
		r = read_str(j, "bundle", true, path, &o->bundle, err);
	if (r >= 0)
		r = read_str(j, "runtime", true, path, &o->runtime, err);
	if (r >= 0)
		r = read_str(j, "runtime_root", false, path, &o->runtime_root, err);
	if (r >= 0)
		r = read_str(j, "cgroup_path", false, path, &o->cgroup_path, err);
	if (r >= 0)
		r = read_str(j, "log_driver", false, path, &o->log_driver, err);
	if (r >= 0)
		r = read_str(j, "log_path", false, path, &o->log_path, err);
	if (r >= 0)
		r = read_argv(j, "exit_command", path, &o->exit_command, err);
	if (r >= 0)
		r = read_argv(j, "health_command", path, &o->health_command, err);
	return r;
}

static int read_scalars(const json_t *j, const char *path, struct monitor_opts *o,
			struct sk_error **err)
{
	int64_t max_size = 0;
	int r = read_bool(j, "systemd_cgroup", path, &o->systemd_cgroup, err);
	if (r >= 0)
		r = read_bool(j, "terminal", path, &o->terminal, err);
	if (r >= 0)
		r = read_bool(j, "open_stdin", path, &o->open_stdin, err);
	if (r >= 0)
		r = read_int(j, "log_max_size", path, &max_size, err);
	if (r >= 0)
		r = read_int(j, "health_interval_ns", path, &o->health_interval_ns, err);
	if (r >= 0)
		r = read_int(j, "health_start_period_ns", path, &o->health_start_period_ns, err);
	o->log_max_size = (uint64_t)max_size;
	return r;
}

static int opts_check(const struct monitor_opts *o, const char *path, struct sk_error **err)
{
	const char *abs[] = { o->run_dir, o->bundle, o->runtime };
	for (size_t i = 0; i < ELEMENTSOF(abs); i++)
		if (abs[i][0] != '/')
			return sk_err_corrupt(err, "'%s': '%s' is not an absolute path", path,
					      abs[i]);
	bool known = false;
	for (size_t i = 0; i < ELEMENTSOF(log_drivers); i++)
		known = known || streq(o->log_driver, log_drivers[i]);
	if (!known)
		return sk_err_corrupt(err, "'%s': unknown log driver '%s'", path, o->log_driver);
	if (streq(o->log_driver, "k8s-file") && !o->log_path)
		return sk_err_corrupt(err, "'%s': log driver k8s-file without \"log_path\"", path);
	return 0;
}

int monitor_opts_read(const char *run_dir, struct monitor_opts *ret, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(run_dir, MONITOR_OPTS_NAME);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(path, OPTS_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return sk_err_notfound(err, "read '%s': %s", path, strerror(-r));
	if (r < 0)
		return sk_err_system(err, r, "read '%s': %s", path, strerror(-r));
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *j = sk_json_parse(text, len, &reason);
	if (!json_is_object(j))
		return sk_err_corrupt(err, "'%s': %s", path, reason ? reason : "not an object");
	struct monitor_opts o = { 0 };
	r = read_strings(j, path, &o, err);
	if (r >= 0)
		r = read_scalars(j, path, &o, err);
	if (r >= 0 && !o.run_dir)
		o.run_dir = xstrdup(run_dir);
	if (r >= 0 && !o.log_driver)
		o.log_driver = xstrdup("k8s-file");
	if (r >= 0)
		r = opts_check(&o, path, err);
	if (r < 0) {
		monitor_opts_done(&o);
		return r;
	}
	*ret = o;
	return 0;
}

void monitor_opts_done(struct monitor_opts *o)
{
	if (!o)
		return;
	free(o->id);
	free(o->run_dir);
	free(o->bundle);
	free(o->runtime);
	free(o->runtime_root);
	free(o->cgroup_path);
	free(o->log_driver);
	free(o->log_path);
	strv_free(o->exit_command);
	strv_free(o->health_command);
	*o = (struct monitor_opts){ 0 };
}
