/* SPDX-License-Identifier: Apache-2.0 */
/* The HostConfig part of the settings document: resources, namespaces, security, logging and
 * the restart policy, validated with podman's error wording. */
#include "ctr/config-doc.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "oci/cgroup-resources.h"
#include "oci/spec-defaults.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const restart_names[_CTR_RESTART_MAX] = {
	[CTR_RESTART_NO] = "no",
	[CTR_RESTART_ON_FAILURE] = "on-failure",
	[CTR_RESTART_ALWAYS] = "always",
	[CTR_RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *ctr_restart_to_string(enum ctr_restart r)
{
	if (r < 0 || r >= _CTR_RESTART_MAX)
		return NULL;
	return restart_names[r];
}

int ctr_restart_parse(const char *s, enum ctr_restart *ret_policy, int *ret_max,
		      struct sk_error **err)
{
	*ret_max = 0;
	if (!s || !s[0]) {
		*ret_policy = CTR_RESTART_NO;
		return 0;
	}
	const char *colon = strchr(s, ':');
	_cleanup_free_ char *name = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	for (int i = 0; i < _CTR_RESTART_MAX; i++) {
		if (!streq(name, restart_names[i]))
			continue;
		if (colon && i != CTR_RESTART_ON_FAILURE)
			return sk_err_invalid(err, "restart policy retries can only be specified "
						   "with on-failure restart policy");
		if (colon && (parse_int(colon + 1, ret_max) < 0 || *ret_max < 0))
			return sk_err_invalid(err,
					      "parsing restart policy retry count: "
					      "strconv.Atoi: parsing \"%s\": invalid syntax",
					      colon + 1);
		*ret_policy = (enum ctr_restart)i;
		return 0;
	}
	return sk_err_invalid(err,
			      "running container create option: \"%s\" is not a valid "
			      "restart policy: invalid argument",
			      s);
}

static int size_opt(json_t *host, const char *key, const char *what, const char *s,
		    struct sk_error **err)
{
	if (!s)
		return 0;
	int64_t v;
	if (streq(s, "-1")) {
		v = -1;
	} else {
		uint64_t u;
		if (parse_size(s, &u) < 0 || u > INT64_MAX)
			return sk_err_invalid(err, "invalid value for %s: invalid size: '%s'", what,
					      s);
		v = (int64_t)u;
	}
	json_object_set_new(host, key, json_integer(v));
	return 0;
}

static int int_opt(json_t *host, const char *key, const char *flag, const char *s, int64_t min,
		   int64_t max, struct sk_error **err)
{
	if (!s)
		return 0;
	int64_t v;
	if (parse_int64(s, &v) < 0)
		return sk_err_invalid(err,
				      "invalid argument \"%s\" for \"%s\" flag: "
				      "strconv.ParseInt: parsing \"%s\": invalid syntax",
				      s, flag, s);
	if (v < min || v > max)
		return sk_err_invalid(err,
				      "invalid argument \"%s\" for \"%s\" flag: value out of "
				      "range %lld..%lld",
				      s, flag, (long long)min, (long long)max);
	json_object_set_new(host, key, json_integer(v));
	return 0;
}

static int resources_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err)
{
	/* podman shows the defaults: no memory limit, 2048 PIDs */
	json_object_set_new(host, "Memory", json_integer(0));
	json_object_set_new(host, "PidsLimit", json_integer(OCI_PIDS_LIMIT_DEFAULT));
	int r = size_opt(host, "Memory", "memory", o->memory, err);
	if (r >= 0)
		r = size_opt(host, "MemorySwap", "memory-swap", o->memory_swap, err);
	if (r >= 0)
		r = size_opt(host, "MemoryReservation", "memory-reservation", o->memory_reservation,
			     err);
	if (r >= 0)
		r = int_opt(host, "CpuShares", "-c, --cpu-shares", o->cpu_shares, 0, 262144, err);
	if (r >= 0)
		r = int_opt(host, "CpuPeriod", "--cpu-period", o->cpu_period, 0, 1000000, err);
	if (r >= 0)
		r = int_opt(host, "CpuQuota", "--cpu-quota", o->cpu_quota, -1, INT64_MAX, err);
	if (r >= 0)
		r = int_opt(host, "PidsLimit", "--pids-limit", o->pids_limit, -1, INT64_MAX, err);
	if (r >= 0)
		r = int_opt(host, "OomScoreAdj", "--oom-score-adj", o->oom_score_adj, -1000, 1000,
			    err);
	if (r < 0)
		return r;
	if (o->cpus) {
		char *end = NULL;
		double cpus = strtod(o->cpus, &end);
		if (!end || *end || !isfinite(cpus) || cpus < 0)
			return sk_err_invalid(err,
					      "invalid argument \"%s\" for \"--cpus\" flag: "
					      "must be a positive number",
					      o->cpus);
		json_object_set_new(host, "NanoCpus", json_integer((json_int_t)(cpus * 1e9)));
	}
	if (o->cpuset_cpus)
		sk_json_set_str(host, "CpusetCpus", o->cpuset_cpus);
	if (o->cpuset_mems)
		sk_json_set_str(host, "CpusetMems", o->cpuset_mems);
	/* Let the spec generator validate the combination now rather than at start. */
	struct oci_resources res = {
		.memory = sk_json_int(host, "Memory", 0),
		.memory_swap = sk_json_int(host, "MemorySwap", 0),
		.memory_reservation = sk_json_int(host, "MemoryReservation", 0),
		.cpus = (double)sk_json_int(host, "NanoCpus", 0) / 1e9,
		.cpu_period = (uint64_t)sk_json_int(host, "CpuPeriod", 0),
		.cpu_quota = (uint64_t)sk_json_int(host, "CpuQuota", 0),
		.cpu_shares = (uint64_t)sk_json_int(host, "CpuShares", 0),
		.cpuset_cpus = o->cpuset_cpus,
		.cpuset_mems = o->cpuset_mems,
		.pids_limit = sk_json_int(host, "PidsLimit", 0),
	};
	if (res.memory < 0)
		res.memory = 0;
	_cleanup_json_ json_t *scratch = json_object();
	return oci_resources_apply(&res, scratch, err);
}

/* "host", "private", "none", "ns:/path", "container:ID" and for ipc "shareable". */
static int ns_mode(json_t *host, const char *key, const char *s, const char *const *allowed,
		   struct sk_error **err)
{
	if (!s)
		return 0;
	bool ok = strncmp(s, "ns:", 3) == 0 || strncmp(s, "container:", 10) == 0;
	for (size_t i = 0; !ok && allowed[i]; i++)
		ok = streq(s, allowed[i]);
	if (!ok)
		return sk_err_invalid(err, "unrecognized namespace mode %s passed", s);
	sk_json_set_str(host, key, s);
	return 0;
}

static int namespaces_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err)
{
	static const char *const ipc[] = { "host", "private", "shareable", "none", NULL };
	static const char *const pid[] = { "host", "private", NULL };
	static const char *const uts[] = { "host", "private", NULL };
	static const char *const cgroupns[] = { "host", "private", NULL };
	int r = ns_mode(host, "IpcMode", o->ipc, ipc, err);
	if (r >= 0)
		r = ns_mode(host, "PidMode", o->pid, pid, err);
	if (r >= 0)
		r = ns_mode(host, "UTSMode", o->uts, uts, err);
	if (r >= 0)
		r = ns_mode(host, "CgroupnsMode", o->cgroupns, cgroupns, err);
	if (r < 0)
		return r;
	return 0;
}

static int security_build(const struct ctr_create_opts *o, json_t *host, json_t *priv,
			  struct sk_error **err)
{
	json_t *mask = json_array(), *unmask = json_array();
	json_object_set_new(priv, "MaskPaths", mask);
	json_object_set_new(priv, "UnmaskPaths", unmask);
	sk_json_set_str(priv, "Seccomp", "");
	STRV_FOREACH (s, o->security_opt) {
		const char *v = strchr(*s, '=')	  ? strchr(*s, '=') + 1
				: strchr(*s, ':') ? strchr(*s, ':') + 1
						  : "";
		if (streq(*s, "no-new-privileges") || streq(*s, "no-new-privileges=true") ||
		    streq(*s, "no-new-privileges:true"))
			json_object_set_new(priv, "NoNewPrivileges", json_true());
		else if (strncmp(*s, "seccomp", 7) == 0 && v[0])
			sk_json_set_str(priv, "Seccomp", v);
		else if (strncmp(*s, "label", 5) == 0)
			json_object_set_new(priv, "LabelDisable",
					    json_boolean(streq(v, "disable")));
		else if (strncmp(*s, "mask=", 5) == 0) {
			_cleanup_strv_free_ char **p = strv_split(v, ":", true);
			STRV_FOREACH (x, p)
				json_array_append_new(mask, json_string(*x));
		} else if (strncmp(*s, "unmask=", 7) == 0) {
			_cleanup_strv_free_ char **p = strv_split(v, ":", true);
			STRV_FOREACH (x, p)
				json_array_append_new(unmask, json_string(*x));
		} else if (strncmp(*s, "apparmor", 8) != 0 && strncmp(*s, "proc-opts", 9) != 0)
			return sk_err_invalid(err, "invalid --security-opt 1: %s", *s);
	}
	json_object_set_new(host, "SecurityOpt", sk_json_from_strv(o->security_opt));
	json_object_set_new(host, "Privileged", json_boolean(o->privileged));
	json_object_set_new(host, "CapAdd", sk_json_from_strv(o->cap_add));
	json_object_set_new(host, "CapDrop", sk_json_from_strv(o->cap_drop));
	_cleanup_strv_free_ char **caps = NULL;
	return oci_caps_compute(o->privileged, o->cap_add, o->cap_drop, &caps, err);
}

static int limits_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err)
{
	json_t *ulimits = json_array();
	json_object_set_new(host, "Ulimits", ulimits);
	STRV_FOREACH (u, o->ulimit) {
		struct oci_rlimit rl = { 0 };
		int r = oci_ulimit_parse(*u, &rl, err);
		if (r < 0)
			return r;
		json_array_append_new(ulimits,
				      json_pack("{s:s,s:I,s:I}", "Name", rl.type, "Soft",
						(json_int_t)rl.soft, "Hard", (json_int_t)rl.hard));
		oci_rlimit_release(&rl);
	}
	json_t *sysctls = json_object();
	json_object_set_new(host, "Sysctls", sysctls);
	const char *net = o->networks && o->networks[0] ? o->networks[0] : NULL;
	const char *ipc = sk_json_str(host, "IpcMode");
	const char *uts = sk_json_str(host, "UTSMode");
	STRV_FOREACH (s, o->sysctl) {
		const char *eq = strchr(*s, '=');
		if (!eq)
			return sk_err_invalid(err,
					      "%s is invalid, sysctl values must be in the form "
					      "of KEY=VALUE",
					      *s);
		_cleanup_free_ char *name = xstrndup(*s, (size_t)(eq - *s));
		int r = oci_sysctl_validate(name, net && streq(net, "host"),
					    ipc && streq(ipc, "host"), uts && streq(uts, "host"),
					    err);
		if (r < 0 && strstr((*err)->msg, "with the host")) {
			/* podman names the whole option and the namespace */
			const char *ns = strstr((*err)->msg, "network") ? "Network"
					 : strstr((*err)->msg, "IPC")	? "IPC"
									: "UTS";
			sk_error_free(*err);
			*err = NULL;
			return sk_err_invalid(
				err,
				"sysctl %s can't be set since %s Namespace set to host: "
				"invalid argument",
				*s, ns);
		}
		if (r < 0)
			return r;
		json_object_set_new(sysctls, name, json_string(eq + 1));
	}
	/* podman's default: ping works without CAP_NET_RAW (ICMP sockets for every group) */
	if (!(net && (streq(net, "host") || strncmp(net, "container:", 10) == 0)) &&
	    !json_object_get(sysctls, "net.ipv4.ping_group_range"))
		json_object_set_new(sysctls, "net.ipv4.ping_group_range", json_string("0 0"));
	json_t *devices = json_array();
	json_object_set_new(host, "Devices", devices);
	STRV_FOREACH (d, o->device) {
		struct oci_device dev = { 0 };
		int r = oci_device_parse(*d, &dev, err);
		if (r < 0)
			return r;
		json_array_append_new(devices, json_pack("{s:s,s:s,s:s}", "PathOnHost",
							 dev.host_path, "PathInContainer", dev.path,
							 "CgroupPermissions", dev.access));
		oci_device_release(&dev);
	}
	json_object_set_new(host, "GroupAdd", sk_json_from_strv(o->group_add));
	return 0;
}

static int log_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err)
{
	const char *driver = o->log_driver ? o->log_driver : "k8s-file";
	if (streq(driver, "json-file"))
		driver = "k8s-file"; /* podman's alias */
	if (!streq(driver, "k8s-file") && !streq(driver, "none") && !streq(driver, "passthrough"))
		return sk_err_invalid(err, "running container create option: invalid log driver: "
					   "invalid argument");
	json_t *cfg = json_object();
	STRV_FOREACH (l, o->log_opt) {
		const char *eq = strchr(*l, '=');
		if (!eq)
			return sk_err_invalid(err, "invalid log option \"%s\": must be KEY=VALUE",
					      *l);
		_cleanup_free_ char *k = xstrndup(*l, (size_t)(eq - *l));
		uint64_t sz;
		if (streq(k, "max-size") && parse_size(eq + 1, &sz) < 0) {
			json_decref(cfg);
			return sk_err_invalid(err, "invalid log-opt max-size \"%s\": invalid size",
					      eq + 1);
		}
		json_object_set_new(cfg, k, json_string(eq + 1));
	}
	json_object_set_new(host, "LogConfig",
			    json_pack("{s:s,s:o}", "Type", driver, "Config", cfg));
	return 0;
}

int ctr_config_host_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err)
{
	enum ctr_restart policy;
	int retries;
	int r = ctr_restart_parse(o->restart, &policy, &retries, err);
	if (r < 0)
		return r;
	if (o->rm && policy != CTR_RESTART_NO)
		return sk_err_invalid(err, "the --rm option conflicts with --restart, when the "
					   "restartPolicy is not \"\" and \"no\"");
	json_object_set_new(host, "RestartPolicy",
			    json_pack("{s:s,s:i}", "Name",
				      o->restart ? ctr_restart_to_string(policy) : "",
				      "MaximumRetryCount", retries));
	json_object_set_new(host, "AutoRemove", json_boolean(o->rm));
	json_object_set_new(host, "ReadonlyRootfs", json_boolean(o->read_only));
	json_object_set_new(host, "Init", json_boolean(o->init));
	if (o->cgroup_parent)
		sk_json_set_str(host, "CgroupParent", o->cgroup_parent);
	if (o->shm_size) {
		uint64_t sz;
		if (parse_size(o->shm_size, &sz) < 0 || sz == 0)
			return sk_err_invalid(err,
					      "unable to translate --shm-size: invalid size: "
					      "'%s'",
					      o->shm_size);
		json_object_set_new(host, "ShmSize", json_integer((json_int_t)sz));
	} else {
		json_object_set_new(host, "ShmSize", json_integer(OCI_SHM_SIZE_DEFAULT));
	}
	json_t *priv = json_object();
	json_object_set_new(host, "Selkie", priv);
	if (o->detach_keys)
		sk_json_set_str(priv, "DetachKeys", o->detach_keys);
	r = resources_build(o, host, err);
	if (r >= 0)
		r = namespaces_build(o, host, err);
	if (r >= 0)
		r = security_build(o, host, priv, err);
	if (r >= 0)
		r = limits_build(o, host, err);
	if (r >= 0)
		r = log_build(o, host, err);
	return r;
}
