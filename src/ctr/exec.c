/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: a process.json for the runtime (the container's environment and capabilities, the
 * user resolved in its rootfs), then `<runtime> exec --process` with the caller's stdio, so
 * the process's exit code is the runtime's. The runtime's own errors go to a log file of their
 * own (--log): that is how a failed start (127, 126) is told from a process's exit code.
 */
#include "ctr/exec.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ctr/env-parse.h"
#include "ctr/exec-io.h"
#include "ctr/runtime.h"
#include "ctr/user-resolve.h"
#include "oci/spec-defaults.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static json_t *caps_json(char *const *caps)
{
	json_t *c = json_object();
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	for (size_t i = 0; i < ELEMENTSOF(sets); i++)
		json_object_set_new(c, sets[i], sk_json_from_strv(caps));
	return c;
}

static int process_build(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			 const struct ctr_exec_opts *o, json_t **ret, struct sk_error **err)
{
	const json_t *cfg = json_object_get(doc, "Config");
	const json_t *host = json_object_get(doc, "HostConfig");
	_cleanup_strv_free_ char **base_env = sk_json_to_strv(json_object_get(cfg, "Env"));
	struct ctr_env_opts eo = { .image_env = base_env,
				   .env_files = o->env_files,
				   .env_args = o->env };
	_cleanup_strv_free_ char **env = NULL;
	int r = ctr_env_build(&eo, &env, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rootfs = ctr_rootfs_dir(x, c->id);
	_cleanup_close_ int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return sk_err_system(err, errno, "open %s: %s", rootfs, strerror(errno));
	struct ctr_user u = { 0 };
	_cleanup_strv_free_ char **groups = sk_json_to_strv(json_object_get(host, "GroupAdd"));
	r = ctr_user_resolve(rootfd, o->user ? o->user : sk_json_str(cfg, "User"), groups, &u, err);
	if (r < 0) {
		(*err)->kind = SK_ERR_NOEXEC;
		return r;
	}
	_cleanup_strv_free_ char **add = sk_json_to_strv(json_object_get(host, "CapAdd"));
	_cleanup_strv_free_ char **drop = sk_json_to_strv(json_object_get(host, "CapDrop"));
	_cleanup_strv_free_ char **caps = NULL;
	/* exec --privileged gets every capability, whatever the container dropped (podman). */
	r = oci_caps_compute(o->privileged || sk_json_bool(host, "Privileged", false),
			     o->privileged ? NULL : add, o->privileged ? NULL : drop, &caps, err);
	if (r < 0) {
		ctr_user_done(&u);
		return r;
	}
	if (!ctr_env_get(env, "PATH"))
		ctr_env_set(&env,
			    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (o->tty && !ctr_env_get(env, "TERM"))
		ctr_env_set(&env, "TERM=xterm");
	if (!ctr_env_get(env, "HOME")) {
		_cleanup_free_ char *home = xasprintf("HOME=%s", u.home ? u.home : "/");
		ctr_env_set(&env, home);
	}
	json_t *gids = json_array();
	for (size_t i = 0; i < u.n_groups; i++)
		json_array_append_new(gids, json_integer(u.groups[i]));
	const char *cwd = o->workdir ? o->workdir : sk_json_str(cfg, "WorkingDir");
	json_t *p = json_pack(
		"{s:b,s:{s:i,s:i,s:o},s:o,s:o,s:s,s:o,s:b}", "terminal", o->tty, "user", "uid",
		(int)u.uid, "gid", (int)u.gid, "additionalGids", gids, "args",
		sk_json_from_strv(o->cmd), "env", sk_json_from_strv(env), "cwd",
		cwd && cwd[0] ? cwd : "/", "capabilities", caps_json(caps), "noNewPrivileges",
		sk_json_bool(json_object_get(doc, "Selkie"), "NoNewPrivileges", false));
	ctr_user_done(&u);
	*ret = p;
	return 0;
}

/* A failed start of the process, as podman words and numbers it. */
static int runtime_failure(const char *log, struct sk_error **err)
{
	_cleanup_free_ char *buf = NULL;
	if (fs_read_file(log, 64 * 1024, &buf, NULL) < 0 || !buf[0])
		return 0;
	_cleanup_strv_free_ char **lines = strv_split(buf, "\n", true);
	_cleanup_json_ json_t *j = sk_json_parse(lines[0], strlen(lines[0]), NULL);
	const char *msg = sk_json_str(j, "msg") ? sk_json_str(j, "msg") : lines[0];
	enum sk_error_kind kind = SK_ERR_NOEXEC;
	if (strstr(msg, "not found") || strstr(msg, "No such file"))
		kind = SK_ERR_NOCMD;
	return sk_error_set(err, kind, EIO, "%s", msg);
}

/* After a timeout the runtime is gone but the process it started may not be. */
static void exec_pid_kill(const char *pid_file)
{
	_cleanup_free_ char *buf = NULL;
	if (fs_read_file(pid_file, 64, &buf, NULL) < 0)
		return;
	int pid = (int)strtol(buf, NULL, 10);
	if (pid > 1)
		kill(pid, SIGKILL);
}

static int exec_run(struct ctr_ctx *x, const struct state_container *c,
		    const struct ctr_exec_opts *o, int timeout_ms, int *ret_exit, char **ret_output,
		    struct sk_error **err)
{
	if (c->state != STATE_CTR_RUNNING)
		return sk_error_set(
			err, SK_ERR_STATE, EBUSY,
			"can only create exec sessions on running containers: container "
			"state improper");
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	_cleanup_json_ json_t *proc = NULL;
	int r = process_build(x, c, doc, o, &proc, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *run_dir = ctr_run_dir(x, c->id);
	_cleanup_free_ char *dir = NULL;
	r = fs_mkdtemp_in(run_dir, "exec-", &dir);
	if (r < 0)
		return sk_err_system(err, r, "create exec directory: %s", strerror(-r));
	_cleanup_free_ char *pfile = xasprintf("%s/process.json", dir);
	_cleanup_free_ char *log = xasprintf("%s/runtime.log", dir);
	_cleanup_free_ char *pid_file = xasprintf("%s/pid", dir);
	_cleanup_free_ char *text = sk_json_dump(proc, JSON_COMPACT);
	struct ctr_runtime rt = { 0 };
	if (fs_write_atomic(pfile, text, strlen(text), 0600) < 0 ||
	    ctr_runtime_from_doc(x, doc, &rt) < 0) {
		fs_rm_rf(dir);
		return sk_err_internal(err, "exec: cannot prepare the process");
	}
	_cleanup_strv_free_ char **argv =
		strv_new(rt.path, "--root", rt.root, "--log", log, "--log-format", "json", "exec",
			 "--process", pfile, NULL);
	if (o->detach)
		strv_push(&argv, "--detach");
	strv_push(&argv, "--pid-file");
	strv_push(&argv, pid_file);
	int status = 0;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	if (!ret_output && !o->detach) {
		struct ctr_exec_io_opts io = { .dir = dir,
					       .pid_file = pid_file,
					       .tty = o->tty,
					       .interactive = o->interactive };
		r = ctr_exec_io_run(argv, c->id, &io, &status);
		goto ran;
	}
	strv_push(&argv, c->id);
	struct child_opts co = CHILD_OPTS_INIT;
	co.stdin_fd = o->interactive || o->tty ? STDIN_FILENO : -1;
	co.capture_stdout = co.capture_stderr = ret_output != NULL;
	co.timeout_ms = timeout_ms;
	r = child_run(argv, &co, &status, ret_output ? &out : NULL, ret_output ? &errout : NULL);
ran:
	ctr_runtime_release(&rt);
	if (r == -ETIMEDOUT) {
		exec_pid_kill(pid_file);
		fs_rm_rf(dir);
		return sk_error_set(err, SK_ERR_RUNTIME, ETIMEDOUT, "exec timed out");
	}
	if (r < 0) {
		fs_rm_rf(dir);
		return sk_error_set(err, SK_ERR_RUNTIME, r, "run %s: %s", argv[0], strerror(-r));
	}
	int code = child_exit_code(status);
	r = code != 0 ? runtime_failure(log, err) : 0;
	fs_rm_rf(dir);
	if (r < 0)
		return r;
	*ret_exit = code;
	if (ret_output)
		*ret_output = xasprintf("%s%s", out ? out : "", errout ? errout : "");
	return 0;
}

int ctr_exec(struct ctr_ctx *x, const struct state_container *c, const struct ctr_exec_opts *o,
	     int *ret_exit, struct sk_error **err)
{
	return exec_run(x, c, o, 0, ret_exit, NULL, err);
}

int ctr_exec_capture(struct ctr_ctx *x, const struct state_container *c,
		     const struct ctr_exec_opts *o, int timeout_ms, int *ret_exit,
		     char **ret_output, struct sk_error **err)
{
	return exec_run(x, c, o, timeout_ms, ret_exit, ret_output, err);
}
