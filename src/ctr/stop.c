/* SPDX-License-Identifier: Apache-2.0 */
/* kill, stop, pause, unpause and waiting for an exit. */
#include "ctr/ctr.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctr/remove-internal.h"
#include "ctr/runtime.h"
#include "ctr/signal-name.h"
#include "ctr/start-internal.h"
#include "oci/runtime-pick.h"
#include "util/json-util.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int ctr_exit_wait(struct ctr_ctx *x, const struct state_container *c, int timeout_ms)
{
	_cleanup_free_ char *exit_file = xasprintf("%s/containers/%s/exit", x->run_root, c->id);
	int64_t deadline = time_now_ns() + (int64_t)timeout_ms * 1000000LL;
	int step = 1;
	for (;;) {
		struct stat st;
		if (stat(exit_file, &st) == 0 || !ctr_monitor_alive(c))
			return 0;
		if (timeout_ms >= 0 && time_now_ns() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(step);
		step = step < 50 ? step * 2 : 50;
	}
}

static int runtime_signal(struct ctr_ctx *x, const struct state_container *c, int signo, bool all,
			  struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	struct ctr_runtime rt = { 0 };
	if (ctr_runtime_from_doc(x, doc, &rt) < 0)
		return sk_err_corrupt(err, "container %.12s: no runtime recorded", c->id);
	char sig[16];
	snprintf(sig, sizeof(sig), "%d", signo);
	/* --all finds the processes through the container's cgroup: a rootless container
	 * without one has its own PID namespace, whose init takes the rest with it */
	if (all && x->store->rootless) {
		_cleanup_free_ char *cg = oci_cgroup_rootless_parent();
		all = cg != NULL;
	}
	char *args_all[] = { "kill", "--all", c->id, sig, NULL };
	char *args[] = { "kill", c->id, sig, NULL };
	int r = ctr_runtime_run(&rt, all ? args_all : args, err);
	ctr_runtime_release(&rt);
	return r;
}

static int not_running(const struct state_container *c, const char *what, struct sk_error **err)
{
	return sk_error_set(err, SK_ERR_STATE, EBUSY,
			    "%s %s is in state %s: container state improper", what, c->id,
			    state_ctr_status_to_string(c->state));
}

int ctr_kill(struct ctr_ctx *x, struct state_container *c, int signo, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (!ctr_is_active(c))
		return not_running(c, "can only kill running containers.", err);
	r = runtime_signal(x, c, signo, false, err);
	if (r < 0)
		return r;
	if (c->state == STATE_CTR_PAUSED && signo == SIGKILL) {
		/* A frozen process dies only once thawed (podman resumes it too). */
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		struct ctr_runtime runtime = { 0 };
		if (ctr_runtime_from_doc(x, doc, &runtime) >= 0)
			ctr_runtime_run1(&runtime, "resume", c->id, NULL);
		ctr_runtime_release(&runtime);
	}
	if (signo == SIGKILL || signo == SIGTERM || signo == SIGINT) {
		struct state_ctr_runtime rt;
		state_container_runtime_get(c, &rt);
		rt.stopped_by_user = true;
		state_container_runtime_set(x->store->db, c->id, &rt, NULL);
		c->stopped_by_user = true;
	}
	if (x->event) {
		_cleanup_free_ char *s = xasprintf("signal=%d", signo);
		char *attrs[] = { s, NULL };
		x->event(x->event_userdata, c, "kill", attrs);
	}
	return 0;
}

static int stop_signal_of(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	int sig = (int)sk_json_int(sk_json_path(doc, "Config"), "StopSignal", SIGTERM);
	return sig > 0 ? sig : SIGTERM;
}

static int stop_timeout_of(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	return (int)sk_json_int(sk_json_path(doc, "Config"), "StopTimeout", 10);
}

/* With the lock held: signal, wait, SIGKILL, wait; then record the exit. */
int ctr_stop_locked(struct ctr_ctx *x, struct state_container *c, int timeout,
		    struct sk_error **err)
{
	if (timeout < 0)
		timeout = stop_timeout_of(c);
	struct state_ctr_runtime rt;
	state_container_runtime_get(c, &rt);
	rt.stopped_by_user = true;
	if (c->state != STATE_CTR_PAUSED)
		rt.state = STATE_CTR_STOPPING;
	state_container_runtime_set(x->store->db, c->id, &rt, NULL);
	int r = 0;
	if (c->state == STATE_CTR_PAUSED) {
		/* A frozen process can't act on a signal: kill it, then thaw. */
		r = runtime_signal(x, c, SIGKILL, true, err);
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		struct ctr_runtime runtime = { 0 };
		if (ctr_runtime_from_doc(x, doc, &runtime) >= 0)
			ctr_runtime_run1(&runtime, "resume", c->id, NULL);
		ctr_runtime_release(&runtime);
	} else if (timeout > 0) {
		r = runtime_signal(x, c, stop_signal_of(c), false, err);
		if (r >= 0 && ctr_exit_wait(x, c, timeout * 1000) == -ETIMEDOUT)
			r = runtime_signal(x, c, SIGKILL, true, err);
	} else {
		r = runtime_signal(x, c, SIGKILL, true, err);
	}
	if (r < 0 && ctr_exit_wait(x, c, 0) == 0) {
		/* It exited on its own meanwhile: the runtime could not find it. */
		sk_error_free(*err);
		*err = NULL;
		r = 0;
	}
	if (r < 0)
		return r;
	ctr_exit_wait(x, c, -1);
	r = ctr_sync_locked(x, c, err);
	if (r >= 0 && x->event)
		x->event(x->event_userdata, c, "stop", NULL);
	return r;
}

int ctr_stop(struct ctr_ctx *x, struct state_container *c, int timeout, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (!ctr_is_active(c)) {
		/* podman: stopping a stopped container succeeds; still no restart for it. */
		if (!c->stopped_by_user && c->state == STATE_CTR_EXITED) {
			struct state_ctr_runtime rt;
			state_container_runtime_get(c, &rt);
			rt.stopped_by_user = true;
			state_container_runtime_set(x->store->db, c->id, &rt, NULL);
		}
		return 0;
	}
	return ctr_stop_locked(x, c, timeout, err);
}

static int pause_op(struct ctr_ctx *x, struct state_container *c, bool pause, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (pause && c->state == STATE_CTR_PAUSED)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "\"%s\" is already paused: container state improper", c->id);
	if (pause && c->state != STATE_CTR_RUNNING)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "\"%s\" is not running, can't pause: container state improper",
				    c->id);
	if (!pause && c->state != STATE_CTR_PAUSED)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "\"%s\" is not paused, can't unpause: container state improper",
				    c->id);
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	struct ctr_runtime rt = { 0 };
	if (ctr_runtime_from_doc(x, doc, &rt) < 0)
		return sk_err_corrupt(err, "container %.12s: no runtime recorded", c->id);
	r = ctr_runtime_run1(&rt, pause ? "pause" : "resume", c->id, err);
	ctr_runtime_release(&rt);
	if (r < 0)
		return r;
	enum state_ctr_status s = pause ? STATE_CTR_PAUSED : STATE_CTR_RUNNING;
	r = state_container_state_set(x->store->db, c->id, s, err);
	if (r >= 0) {
		c->state = s;
		if (x->event)
			x->event(x->event_userdata, c, pause ? "pause" : "unpause", NULL);
	}
	return r;
}

int ctr_pause(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	return pause_op(x, c, true, err);
}

int ctr_unpause(struct ctr_ctx *x, struct state_container *c, struct sk_error **err)
{
	return pause_op(x, c, false, err);
}
