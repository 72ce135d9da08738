/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/healthcheck.h"

#include <errno.h>
#include <string.h>

#include "ctr/exec.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ["CMD", a...] → a; ["CMD-SHELL", s] → /bin/sh -c s. */
static char **test_args(const json_t *test)
{
	_cleanup_strv_free_ char **t = sk_json_to_strv(test);
	if (!t[0])
		return NULL;
	if (streq(t[0], "CMD-SHELL"))
		return t[1] ? strv_new("/bin/sh", "-c", t[1], NULL) : NULL;
	if (streq(t[0], "CMD"))
		return t[1] ? strv_copy(t + 1) : NULL;
	if (streq(t[0], "NONE"))
		return NULL;
	return strv_copy(t);
}

static char *log_append(const char *old, int64_t start, int64_t end, int code, const char *out)
{
	_cleanup_json_ json_t *log = old ? sk_json_parse(old, strlen(old), NULL) : NULL;
	if (!json_is_array(log)) {
		json_decref(log);
		log = json_array();
	}
	_cleanup_free_ char *s = time_format_rfc3339nano(start);
	_cleanup_free_ char *e = time_format_rfc3339nano(end);
	_cleanup_free_ char *o = xstrndup(out ? out : "", CTR_HEALTH_OUTPUT_MAX);
	json_array_append_new(log, json_pack("{s:s,s:s,s:i,s:s}", "Start", s, "End", e, "ExitCode",
					     code, "Output", o));
	while (json_array_size(log) > CTR_HEALTH_LOG_MAX)
		json_array_remove(log, 0);
	return sk_json_dump(log, JSON_COMPACT);
}

int ctr_healthcheck_run(struct ctr_ctx *x, const char *name_or_id, bool *ret_healthy,
			struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *c = NULL;
	int r = ctr_lookup(x, name_or_id, &c, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	const json_t *h = sk_json_path(doc, "Config.Healthcheck");
	_cleanup_strv_free_ char **args = h ? test_args(json_object_get(h, "Test")) : NULL;
	if (!args)
		return sk_err_invalid(err, "container %s has no defined healthcheck", c->id);
	if (c->state != STATE_CTR_RUNNING)
		return sk_error_set(err, SK_ERR_STATE, EBUSY, "container %s is not running", c->id);
	struct ctr_exec_opts eo = { .cmd = args };
	int64_t timeout = sk_json_int(h, "Timeout", 30LL * 1000000000LL);
	int64_t start = time_now_ns();
	int code = 0;
	_cleanup_free_ char *out = NULL;
	struct sk_error *e = NULL;
	if (ctr_exec_capture(x, c, &eo, (int)(timeout / 1000000), &code, &out, &e) < 0) {
		code = e->errnum == ETIMEDOUT ? 1 : 127;
		free(out);
		out = xstrdup(e->msg);
		sk_error_free(e);
	}
	int64_t end = time_now_ns();
	bool healthy = code == 0;
	int streak = healthy ? 0 : c->health_failing_streak + 1;
	int retries = (int)sk_json_int(h, "Retries", 3);
	bool in_start = end - c->started_at < sk_json_int(h, "StartPeriod", 0);
	const char *status = healthy		   ? "healthy"
			     : in_start		   ? "starting"
			     : streak >= retries   ? "unhealthy"
			     : c->health_status[0] ? c->health_status
						   : "starting";
	if (in_start && !healthy)
		streak = 0;
	_cleanup_free_ char *log = log_append(c->health_log, start, end, code, out);
	r = state_container_health_set(x->store->db, c->id, status, streak, log, err);
	if (r < 0)
		return r;
	if (x->event && !streq(c->health_status, status)) {
		_cleanup_free_ char *a = xasprintf("health_status=%s", status);
		char *attrs[] = { a, NULL };
		x->event(x->event_userdata, c, "health_status", attrs);
	}
	*ret_healthy = healthy;
	return 0;
}
