/* SPDX-License-Identifier: Apache-2.0 */
/* The container's inspect document: podman's fields (docker's names), built from the record and
 * the settings document. */
#include "ctr/inspect.h"

#include <string.h>

#include "ctr/config-doc.h"
#include "ctr/network.h"
#include "oci/spec-defaults.h"
#include "state/images.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static json_t *time_json(int64_t ns)
{
	if (ns <= 0)
		return json_string("0001-01-01T00:00:00Z");
	_cleanup_free_ char *s = time_format_rfc3339nano(ns);
	return json_string(s);
}

static json_t *state_json(const struct state_container *c)
{
	json_t *health =
		json_pack("{s:s,s:i,s:o}", "Status", c->health_status ?: "", "FailingStreak",
			  c->health_failing_streak, "Log",
			  c->health_log ? sk_json_parse(c->health_log, strlen(c->health_log), NULL)
					: json_array());
	if (!json_object_get(health, "Log") || json_is_null(json_object_get(health, "Log")))
		json_object_set_new(health, "Log", json_array());
	const char *status = state_ctr_status_to_string(c->state);
	json_t *st =
		json_pack("{s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:i,s:i,s:i,s:s,s:o,s:o}", "OciVersion",
			  "1.0.2", "Status", status, "Running", c->state == STATE_CTR_RUNNING,
			  "Paused", c->state == STATE_CTR_PAUSED, "Restarting", false, "OOMKilled",
			  c->oom_killed, "Dead", false, "Pid", c->pid, "ConmonPid", c->monitor_pid,
			  "ExitCode", c->exit_code, "Error", "", "StartedAt",
			  time_json(c->started_at), "FinishedAt", time_json(c->finished_at));
	if (c->health_status && c->health_status[0]) {
		json_object_set(st, "Health", health);
		json_object_set_new(st, "Healthcheck", health); /* podman 4's older name */
	} else
		json_decref(health);
	return st;
}

static json_t *mounts_json(const json_t *doc)
{
	json_t *arr = json_array();
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m) {
		const char *type = sk_json_str(m, "Type");
		json_t *o = json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:O,s:b,s:s}", "Type", type, "Name",
			sk_json_str(m, "Name") ?: "", "Source", sk_json_str(m, "Source") ?: "",
			"Destination", sk_json_str(m, "Destination"), "Driver",
			streq(type, "volume") ? "local" : "", "Options",
			json_object_get(m, "Options"), "RW", sk_json_bool(m, "RW", true),
			"Propagation", streq(type, "bind") ? "rprivate" : "");
		json_array_append_new(arr, o);
	}
	return arr;
}

static void sizes_add(struct ctr_ctx *x, const struct state_container *c, json_t *o)
{
	_cleanup_free_ char *dir = ctr_dir(x, c->id);
	_cleanup_free_ char *diff = xasprintf("%s/diff", dir);
	unsigned long long rw = 0;
	fs_disk_usage(diff, false, &rw);
	_cleanup_state_image_ struct state_image *img = NULL;
	uint64_t image_size = 0;
	if (state_image_get(x->store->db, c->image_id, &img, NULL) >= 0)
		image_size = img->size;
	json_object_set_new(o, "SizeRw", json_integer((json_int_t)rw));
	json_object_set_new(o, "SizeRootFs", json_integer((json_int_t)(rw + image_size)));
}

int ctr_inspect_json(struct ctr_ctx *x, const struct state_container *c, bool size, json_t **ret,
		     struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	if (!doc)
		return sk_err_corrupt(err, "container %.12s: settings unreadable", c->id);
	_cleanup_strv_free_ char **args = ctr_config_args(doc);
	_cleanup_free_ char *dir = ctr_dir(x, c->id);
	_cleanup_free_ char *ud = ctr_userdata_dir(x, c->id);
	_cleanup_strv_free_ char **caps = NULL;
	const json_t *host = json_object_get(doc, "HostConfig");
	_cleanup_strv_free_ char **add = sk_json_to_strv(json_object_get(host, "CapAdd"));
	_cleanup_strv_free_ char **drop = sk_json_to_strv(json_object_get(host, "CapDrop"));
	oci_caps_compute(sk_json_bool(host, "Privileged", false), add, drop, &caps, NULL);
	json_t *o = json_object();
	sk_json_set_str(o, "Id", c->id);
	json_object_set_new(o, "Created", time_json(c->created));
	sk_json_set_str(o, "Path", args[0] ? args[0] : "");
	json_object_set_new(o, "Args", sk_json_from_strv(args[0] ? args + 1 : args));
	json_object_set_new(o, "State", state_json(c));
	sk_json_set_str(o, "Image", c->image_id);
	sk_json_set_str(o, "ImageName", c->image_name);
	sk_json_set_str(o, "Rootfs", "");
	sk_json_set_str(o, "Pod", c->pod_id ? c->pod_id : "");
	_cleanup_free_ char *resolv = xasprintf("%s/resolv.conf", ud);
	_cleanup_free_ char *hostname = xasprintf("%s/hostname", ud);
	_cleanup_free_ char *hosts = xasprintf("%s/hosts", ud);
	_cleanup_free_ char *cfgpath = xasprintf("%s/config.json", ud);
	sk_json_set_str(o, "ResolvConfPath", resolv);
	sk_json_set_str(o, "HostnamePath", hostname);
	sk_json_set_str(o, "HostsPath", hosts);
	sk_json_set_str(o, "StaticDir", ud);
	sk_json_set_str(o, "OCIConfigPath", cfgpath);
	sk_json_set_str(o, "OCIRuntime",
			sk_json_str(json_object_get(doc, "Selkie"), "RuntimeName"));
	sk_json_set_str(o, "Name", c->name);
	json_object_set_new(o, "RestartCount", json_integer(c->restart_count));
	sk_json_set_str(o, "Driver", store_driver_to_string(x->store->driver));
	json_object_set_new(o, "EffectiveCaps", sk_json_from_strv(caps));
	json_object_set_new(o, "BoundingCaps", sk_json_from_strv(caps));
	json_object_set_new(o, "ExecIDs", json_array());
	_cleanup_free_ char *upper = xasprintf("%s/diff", dir);
	_cleanup_free_ char *work = xasprintf("%s/work", dir);
	_cleanup_free_ char *merged = xasprintf("%s/merged", dir);
	json_object_set_new(o, "GraphDriver",
			    json_pack("{s:s,s:{s:s,s:s,s:s}}", "Name",
				      store_driver_to_string(x->store->driver), "Data", "UpperDir",
				      upper, "WorkDir", work, "MergedDir", merged));
	json_object_set_new(o, "Mounts", mounts_json(doc));
	json_object_set_new(o, "Dependencies", json_array());
	json_object_set_new(o, "NetworkSettings", ctr_network_settings_json(x, c, doc));
	json_object_set_new(o, "IsInfra", json_false());
	json_t *cfg = json_deep_copy(json_object_get(doc, "Config"));
	json_object_set_new(cfg, "AttachStdin", json_boolean(false));
	json_object_set_new(o, "Config", cfg);
	json_t *hc = json_deep_copy(host);
	const char *net = sk_json_str(hc, "NetworkMode");
	if (net && streq(net, "private"))
		sk_json_set_str(hc, "NetworkMode", "bridge");
	json_t *lc = json_object_get(hc, "LogConfig");
	if (json_is_object(lc)) {
		const char *p = sk_json_str(json_object_get(lc, "Config"), "path");
		_cleanup_free_ char *def = xasprintf("%s/ctr.log", ud);
		sk_json_set_str(lc, "Path", p ? p : def);
	}
	json_object_set_new(o, "HostConfig", hc);
	if (size)
		sizes_add(x, c, o);
	*ret = o;
	return 0;
}
