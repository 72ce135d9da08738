/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeping records true: a container's exit is reported by its monitor (the exit file), and
 * recorded by whichever selkie process looks first — the monitor's exit command
 * (`container cleanup`) normally, any other command when that did not run. A monitor that
 * died without an exit file means the container is killed and recorded as exited.
 */
#include "ctr/ctr.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctr/config-doc.h"
#include "ctr/net-internal.h"
#include "ctr/remove-internal.h"
#include "ctr/runtime.h"
#include "ctr/start-internal.h"
#include "ctr/volume.h"
#include "monitor/monitor.h"
#include "net/netns.h"
#include "store/mount.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

bool ctr_is_active(const struct state_container *c)
{
	return c->state == STATE_CTR_RUNNING || c->state == STATE_CTR_PAUSED ||
	       c->state == STATE_CTR_STOPPING;
}

void ctr_stale_monitor_kill(struct ctr_ctx *x, const char *id, int recorded_pid)
{
	_cleanup_free_ char *run_dir = ctr_run_dir(x, id);
	_cleanup_free_ char *pid_file = xasprintf("%s/" MONITOR_PID_NAME, run_dir);
	_cleanup_free_ char *buf = NULL;
	if (fs_read_file(pid_file, 64, &buf, NULL) < 0)
		return;
	int pid = (int)strtol(buf, NULL, 10);
	if (pid <= 1 || pid == getpid())
		return;
	/* Only if that PID is still a monitor of this container (PIDs are reused). */
	_cleanup_free_ char *cmdline_path = xasprintf("/proc/%d/cmdline", pid);
	_cleanup_free_ char *cmd = NULL;
	size_t len = 0;
	if (fs_read_file(cmdline_path, 64 * 1024, &cmd, &len) < 0)
		return;
	bool monitor = false;
	for (size_t off = 0; off < len; off += strlen(cmd + off) + 1)
		monitor |= streq(cmd + off, run_dir);
	/* A recorded monitor ends by itself once its container is gone. */
	if (monitor && pid != getppid() && pid != recorded_pid)
		kill(pid, SIGKILL);
	unlink(pid_file);
}

struct net_stop_job {
	struct ctr_ctx *x;
	const char *id;
};

static void *net_stop_thread(void *arg)
{
	struct net_stop_job *j = arg;
	ctr_net_stop(j->x, j->id);
	return NULL;
}

void ctr_release_resources(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			   bool runtime_state)
{
	/* The network's teardown (plugins, firewall) overlaps the runtime's and the unmounts;
	 * the namespace goes only after both. */
	struct net_stop_job job = { x, c->id };
	pthread_t net_thread;
	bool threaded = pthread_create(&net_thread, NULL, net_stop_thread, &job) == 0;
	if (!threaded)
		net_stop_thread(&job);
	struct ctr_runtime rt = { 0 };
	if (runtime_state && ctr_runtime_from_doc(x, doc, &rt) >= 0) {
		/* Only when the runtime still knows it: asking costs a process. */
		_cleanup_free_ char *state_dir = xasprintf("%s/%s", rt.root, c->id);
		char *args[] = { "delete", "--force", c->id, NULL };
		if (fs_exists(state_dir))
			ctr_runtime_run(&rt, args, NULL);
	}
	ctr_runtime_release(&rt);
	_cleanup_free_ char *rootfs = ctr_rootfs_dir(x, c->id);
	store_layers_unmount(rootfs, NULL);
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m) {
		const char *name = sk_json_str(m, "Name");
		if (name)
			ctr_volume_unmount(x->store, name, NULL);
	}
	if (threaded)
		pthread_join(net_thread, NULL);
	_cleanup_free_ char *netns = ctr_netns_path(x, c->id);
	net_netns_remove(netns, NULL);
}

static int reload(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *fresh = NULL;
	int r = state_container_get(x->store->db, c->id, &fresh, err);
	if (r < 0)
		return r;
	/* Swap contents so that callers' pointers stay valid. */
	struct state_container tmp = *c;
	*c = *fresh;
	*fresh = tmp;
	return 0;
}

/* Record an exit and release what start took. */
static int exit_record(struct ctr_ctx *x, struct state_container *c, const struct monitor_exit *e,
		       struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	ctr_release_resources(x, c, doc, true);
	struct state_ctr_runtime rt;
	state_container_runtime_get(c, &rt);
	rt.state = STATE_CTR_EXITED;
	rt.pid = 0;
	rt.exit_code = e->exit_code;
	rt.oom_killed = e->oom_killed;
	rt.finished_at = e->finished_at;
	int r = state_container_runtime_set(x->store->db, c->id, &rt, err);
	if (r < 0)
		return r;
	c->state = STATE_CTR_EXITED;
	c->pid = 0;
	c->exit_code = e->exit_code;
	c->oom_killed = e->oom_killed;
	c->finished_at = e->finished_at;
	if (x->event) {
		_cleanup_free_ char *code = xasprintf("containerExitCode=%d", e->exit_code);
		char *attrs[] = { code, NULL };
		x->event(x->event_userdata, c, "died", attrs);
	}
	return 0;
}

/* The monitor is gone without a word: make sure the container is too. */
static int orphan_finish(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	_cleanup_free_ char *run_dir = ctr_run_dir(x, c->id);
	struct monitor_exit e = { .exit_code = 137, .finished_at = time_now_ns() };
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	struct ctr_runtime rt = { 0 };
	if (ctr_runtime_from_doc(x, doc, &rt) >= 0) {
		char *args[] = { "kill", "--all", c->id, "KILL", NULL };
		ctr_runtime_run(&rt, args, NULL);
		ctr_runtime_release(&rt);
	}
	monitor_exit_write(run_dir, &e, NULL);
	return exit_record(x, c, &e, err);
}

int ctr_sync_locked(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	int r = reload(x, c, err);
	if (r < 0)
		return r;
	if (c->state == STATE_CTR_CONFIGURED) {
		/* We hold the lock, so its creator is gone: finish the rollback. */
		ctr_stale_monitor_kill(x, c->id, c->monitor_pid);
		ctr_files_remove(x, c->id);
		state_container_delete(x->store->db, c->id, NULL);
		return sk_err_notfound(err,
				       "no container with name or ID \"%s\" found: no such "
				       "container",
				       c->id);
	}
	if (!ctr_is_active(c) && !(c->state == STATE_CTR_CREATED && c->monitor_pid > 0))
		return 0;
	_cleanup_free_ char *run_dir = ctr_run_dir(x, c->id);
	struct monitor_exit e;
	if (monitor_exit_read(run_dir, &e, NULL) >= 0)
		return exit_record(x, c, &e, err);
	if (ctr_monitor_alive(c))
		return 0;
	/* A monitor that is gone may have written the exit file just before dying. */
	if (monitor_exit_read(run_dir, &e, NULL) >= 0)
		return exit_record(x, c, &e, err);
	if (c->state == STATE_CTR_CREATED) {
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		ctr_release_resources(x, c, doc, true);
		c->monitor_pid = 0;
		struct state_ctr_runtime rt;
		state_container_runtime_get(c, &rt);
		rt.pid = 0;
		return state_container_runtime_set(x->store->db, c->id, &rt, err);
	}
	return orphan_finish(x, c, err);
}

/* Does the record need a look under the lock? Cheap: a stat and a /proc read. */
static bool sync_needed(const struct ctr_ctx *x, const struct state_container *c)
{
	if (c->state == STATE_CTR_CONFIGURED)
		return true;
	if (!ctr_is_active(c) && !(c->state == STATE_CTR_CREATED && c->monitor_pid > 0))
		return false;
	_cleanup_free_ char *exit_file = xasprintf("%s/containers/%s/exit", x->run_root, c->id);
	struct stat st;
	return stat(exit_file, &st) == 0 || !ctr_monitor_alive(c);
}

int ctr_sync(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	if (!sync_needed(x, c))
		return 0;
	_cleanup_close_ int lock = -1;
	if (c->state == STATE_CTR_CONFIGURED) {
		/* Its creator may still be at work: only a free lock means it is gone. */
		_cleanup_free_ char *path = xasprintf("%s/containers/%s/lock", x->run_root, c->id);
		lock = lock_file_take(path, true, true);
		if (lock < 0)
			return 0;
	} else {
		int r = ctr_lock(x, c->id, &lock, err);
		if (r < 0)
			return r;
	}
	return ctr_sync_locked(x, c, err);
}

int ctr_lookup(struct ctr_ctx *x, const char *name_or_id, struct state_container **ret,
	       struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	int r = state_container_lookup(x->store->db, name_or_id, &c, err);
	if (r < 0)
		return r;
	r = ctr_sync(x, c, err);
	if (r < 0) {
		if (*err && (*err)->kind == SK_ERR_NOTFOUND) {
			sk_error_free(*err);
			*err = NULL;
			return sk_err_notfound(err,
					       "no container with name or ID \"%s\" found: no "
					       "such container",
					       name_or_id);
		}
		return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

int ctr_list(struct ctr_ctx *x, struct state_container ***ret, struct sk_error **err)
{
	struct state_container **list = NULL;
	int r = state_container_list(x->store->db, true, &list, err);
	if (r < 0)
		return r;
	size_t out = 0;
	for (size_t i = 0; list[i]; i++) {
		struct sk_error *e = NULL;
		if (ctr_sync(x, list[i], &e) < 0 || list[i]->state == STATE_CTR_CONFIGURED) {
			sk_error_free(e);
			state_container_free(list[i]);
			continue;
		}
		list[out++] = list[i];
	}
	list[out] = NULL;
	*ret = list;
	return 0;
}
