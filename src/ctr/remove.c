/* SPDX-License-Identifier: Apache-2.0 */
/* rm, the monitor's exit command (cleanup: --rm and restart policies), wait, status text. */
#include "ctr/ctr.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "ctr/config-doc.h"
#include "ctr/remove-internal.h"
#include "ctr/start-internal.h"
#include "ctr/userns.h"
#include "ctr/volume.h"
#include "monitor/monitor.h"
#include "state/pods.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The anonymous volumes among the container's mounts. */
static char **anonymous_volumes(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	char **v = strv_new(NULL);
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m)
		if (sk_json_bool(m, "Anonymous", false) && sk_json_str(m, "Name"))
			strv_push(&v, sk_json_str(m, "Name"));
	return v;
}

int ctr_remove_locked(struct ctr_ctx *x, struct state_container *c, bool volumes,
		      struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	_cleanup_strv_free_ char **anon = anonymous_volumes(c);
	int r = state_container_state_set(x->store->db, c->id, STATE_CTR_REMOVING, err);
	if (r < 0)
		return r;
	ctr_stale_monitor_kill(x, c->id, c->monitor_pid);
	ctr_release_resources(x, c, doc, true);
	ctr_files_remove(x, c->id);
	r = state_container_delete(x->store->db, c->id, err);
	if (r < 0)
		return r;
	ctr_userns_release(x, doc);
	if (volumes)
		STRV_FOREACH (v, anon)
			ctr_volume_remove(x->store, *v, &(struct ctr_volume_remove_opts){ 0 },
					  NULL);
	if (x->event)
		x->event(x->event_userdata, c, "remove", NULL);
	return 0;
}

/* A pod's infra container holds the namespaces its other containers live in: it goes with the
 * pod (pod rm removes the others first), never alone. */
static int infra_check(struct ctr_ctx *x, const struct state_container *c, struct sk_error **err)
{
	if (!c->pod_id)
		return 0;
	_cleanup_state_pod_ struct state_pod *pod = NULL;
	if (state_pod_lookup(x->store->db, c->pod_id, &pod, NULL) < 0 || !pod->infra_id ||
	    !streq(pod->infra_id, c->id))
		return 0;
	_cleanup_strv_free_ char **members = NULL;
	if (state_pod_container_ids(x->store->db, pod->id, &members, NULL) < 0 ||
	    strv_length(members) <= 1)
		return 0;
	return sk_error_set(err, SK_ERR_INUSE, EBUSY,
			    "container %s is the infra container of pod %s and cannot be removed "
			    "without removing the pod",
			    c->id, pod->id);
}

int ctr_remove(struct ctr_ctx *x, struct state_container *c, bool force, bool volumes, int timeout,
	       struct sk_error **err)
{
	int r = infra_check(x, c, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = -1;
	r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (ctr_is_active(c)) {
		if (!force)
			return sk_error_set(err, SK_ERR_INUSE, EBUSY,
					    "cannot remove container %s as it is %s - running or "
					    "paused containers cannot be removed without force: "
					    "container state improper",
					    c->id, state_ctr_status_to_string(c->state));
		r = ctr_stop_locked(x, c, timeout, err);
		if (r < 0)
			return r;
	}
	return ctr_remove_locked(x, c, volumes, err);
}

static bool restart_wanted(const struct state_container *c)
{
	if (c->stopped_by_user)
		return false;
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	const json_t *rp = sk_json_path(doc, "HostConfig.RestartPolicy");
	enum ctr_restart policy;
	int max;
	if (ctr_restart_parse(sk_json_str(rp, "Name"), &policy, &max, NULL) < 0)
		return false;
	max = (int)sk_json_int(rp, "MaximumRetryCount", 0);
	switch (policy) {
	case CTR_RESTART_ALWAYS:
	case CTR_RESTART_UNLESS_STOPPED:
		return true;
	case CTR_RESTART_ON_FAILURE:
		return c->exit_code != 0 && (max == 0 || c->restart_count < max);
	default:
		return false;
	}
}

static bool auto_remove(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	return sk_json_bool(sk_json_path(doc, "HostConfig"), "AutoRemove", false);
}

/* Docker's backoff: 100 ms doubling per restart, at most a minute; reset after 10 s up. */
static int64_t restart_delay_ns(const struct state_container *c)
{
	if (c->finished_at - c->started_at > 10LL * 1000000000LL)
		return 100000000LL;
	int n = c->restart_count < 10 ? c->restart_count : 10;
	int64_t d = 100000000LL << n;
	return d < 60LL * 1000000000LL ? d : 60LL * 1000000000LL;
}

static int restart(struct ctr_ctx *x, struct state_container *c, int64_t finished,
		   struct sk_error **err)
{
	int64_t d = restart_delay_ns(c);
	struct timespec ts = { (time_t)(d / 1000000000LL), (long)(d % 1000000000LL) };
	nanosleep(&ts, NULL);
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	/* Someone stopped, removed or restarted it meanwhile. */
	if (r < 0 || c->state != STATE_CTR_EXITED || c->finished_at != finished ||
	    c->stopped_by_user)
		return r;
	int count = c->restart_count + 1;
	r = ctr_start_locked(x, c, NULL, err);
	if (r < 0)
		return r;
	struct state_ctr_runtime rt;
	state_container_runtime_get(c, &rt);
	rt.restart_count = count;
	c->restart_count = count;
	return state_container_runtime_set(x->store->db, c->id, &rt, err);
}

int ctr_cleanup(struct ctr_ctx *x, const char *name_or_id, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	int r = state_container_lookup(x->store->db, name_or_id, &c, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = -1;
	r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (c->state != STATE_CTR_EXITED)
		return 0;
	if (x->event)
		x->event(x->event_userdata, c, "cleanup", NULL);
	if (auto_remove(c))
		return ctr_remove_locked(x, c, true, err);
	if (!restart_wanted(c))
		return 0;
	int64_t finished = c->finished_at;
	closep(&lock);
	lock = -1;
	return restart(x, c, finished, err);
}

static bool condition_met(const struct state_container *c, char *const *conditions)
{
	if (strv_length((char **)conditions) == 0)
		return c->state == STATE_CTR_EXITED;
	STRV_FOREACH (cond, (char **)conditions) {
		const char *s = *cond;
		if ((streq(s, "stopped") || streq(s, "exited")) && c->state == STATE_CTR_EXITED)
			return true;
		if (streq(s, "running") && c->state == STATE_CTR_RUNNING)
			return true;
		if (streq(s, "paused") && c->state == STATE_CTR_PAUSED)
			return true;
		if (streq(s, "created") && c->state == STATE_CTR_CREATED)
			return true;
		if ((streq(s, "healthy") || streq(s, "unhealthy")) && streq(c->health_status, s))
			return true;
	}
	return false;
}

int ctr_wait(struct ctr_ctx *x, const char *id, char *const *conditions, int *ret_code,
	     struct sk_error **err)
{
	int step = 1;
	for (;;) {
		_cleanup_state_container_ struct state_container *c = NULL;
		struct sk_error *e = NULL;
		int r = state_container_get(x->store->db, id, &c, &e);
		if (r < 0) {
			sk_error_free(e);
			*ret_code = -1;
			return 0;
		}
		r = ctr_sync(x, c, err);
		if (r < 0)
			return r;
		if (condition_met(c, conditions)) {
			/* podman: the exit code only means something once it exited */
			*ret_code = c->state == STATE_CTR_EXITED ? c->exit_code : -1;
			return 0;
		}
		struct timespec ts = { 0, (long)step * 1000000L };
		nanosleep(&ts, NULL);
		step = step < 100 ? step * 2 : 100;
	}
}

char *ctr_status_text(const struct state_container *c, int64_t now_ns)
{
	switch (c->state) {
	case STATE_CTR_CREATED:
	case STATE_CTR_CONFIGURED:
		return xstrdup("Created");
	case STATE_CTR_RUNNING: {
		_cleanup_free_ char *d = time_human_duration(now_ns - c->started_at);
		if (c->health_status && c->health_status[0])
			return xasprintf("Up %s (%s)", d, c->health_status);
		return xasprintf("Up %s", d);
	}
	case STATE_CTR_PAUSED:
		return xstrdup("Paused");
	case STATE_CTR_STOPPING:
		return xstrdup("Stopping");
	case STATE_CTR_EXITED: {
		_cleanup_free_ char *ago = time_human_ago(c->finished_at, now_ns);
		return xasprintf("Exited (%d) %s", c->exit_code, ago);
	}
	case STATE_CTR_REMOVING:
		return xstrdup("Removing");
	default:
		return xstrdup("Unknown");
	}
}
