/* SPDX-License-Identifier: Apache-2.0 */
/* Handing a container to its monitor: monitor.json, then monitor_spawn(). */
#include "ctr/start-internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctr/runtime.h"
#include "monitor/monitor.h"
#include "oci/cgroup-resources.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* `selkie <global flags> <words...> <id>`: how the monitor calls back. */
static char **self_command(const struct ctr_ctx *x, const char *w1, const char *w2, const char *id)
{
	char **argv = strv_new(x->self_exe, NULL);
	STRV_FOREACH (g, (char **)x->global_args)
		strv_push(&argv, *g);
	strv_push(&argv, w1);
	strv_push(&argv, w2);
	strv_push(&argv, id);
	return argv;
}

static const char *log_path(const json_t *doc, const char *userdata, char **buf)
{
	const char *p =
		sk_json_str(sk_json_path((json_t *)doc, "HostConfig.LogConfig.Config"), "path");
	if (p)
		return p;
	*buf = xasprintf("%s/ctr.log", userdata);
	return *buf;
}

static void health_fill(const struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			struct monitor_opts *o)
{
	const json_t *h = sk_json_path((json_t *)doc, "Config.Healthcheck");
	if (!h || sk_json_int(h, "Interval", 0) <= 0)
		return;
	o->health_command = self_command(x, "healthcheck", "run", c->id);
	o->health_interval_ns = sk_json_int(h, "Interval", 0);
	o->health_start_period_ns = sk_json_int(h, "StartPeriod", 0);
}

int ctr_monitor_launch(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		       const int *keep_fds, size_t n_keep_fds, pid_t *ret_pid,
		       pid_t *ret_monitor_pid, struct sk_error **err)
{
	struct ctr_runtime rt = { 0 };
	if (ctr_runtime_from_doc(x, doc, &rt) < 0)
		return sk_err_corrupt(err, "container %.12s: no runtime recorded", c->id);
	_cleanup_free_ char *run_dir = ctr_run_dir(x, c->id);
	_cleanup_free_ char *userdata = ctr_userdata_dir(x, c->id);
	_cleanup_free_ char *log_buf = NULL;
	_cleanup_free_ char *cgpath = NULL;
	const json_t *host = json_object_get(doc, "HostConfig");
	const json_t *log_cfg = json_object_get(host, "LogConfig");
	oci_cgroup_path_build(sk_json_str(host, "CgroupParent"), c->id, &cgpath, NULL);
	uint64_t max_size = 0;
	const char *ms = sk_json_str(json_object_get(log_cfg, "Config"), "max-size");
	if (ms)
		parse_size(ms, &max_size);
	const char *driver = sk_json_str(log_cfg, "Type");
	struct monitor_opts o = {
		.id = c->id,
		.run_dir = run_dir,
		.bundle = userdata,
		.runtime = (char *)rt.path,
		.runtime_root = rt.root,
		.cgroup_path = cgpath,
		.terminal = sk_json_bool(json_object_get(doc, "Config"), "Tty", false),
		.open_stdin = sk_json_bool(json_object_get(doc, "Config"), "OpenStdin", false),
		.log_driver = (char *)(driver ? driver : "k8s-file"),
		.log_path = (char *)log_path(doc, userdata, &log_buf),
		.log_max_size = max_size,
		.exit_command = self_command(x, "container", "cleanup", c->id),
	};
	health_fill(x, c, doc, &o);
	_cleanup_free_ char *exit_file = xasprintf("%s/exit", run_dir);
	unlink(exit_file);
	int r = fs_mkdir_p(rt.root, 0700);
	if (r < 0)
		r = sk_err_system(err, r, "create %s: %s", rt.root, strerror(-r));
	if (r >= 0)
		r = monitor_opts_write(&o, err);
	if (r >= 0)
		r = monitor_spawn(x->self_exe, x->global_args, run_dir,
				  streq(o.log_driver, "passthrough"), keep_fds, n_keep_fds, ret_pid,
				  ret_monitor_pid, err);
	strv_free(o.exit_command);
	strv_free(o.health_command);
	ctr_runtime_release(&rt);
	return r;
}
