/* SPDX-License-Identifier: Apache-2.0 */
#include "cgroup-resources.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "util/json-util.h"
#include "util/xalloc.h"

static json_t *obj_child(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

static int memory_validate(const struct oci_resources *r, struct sk_error **err)
{
	if (r->memory < 0)
		return sk_err_invalid(err, "memory: invalid value %lld", (long long)r->memory);
	if (r->memory > 0 && r->memory < OCI_MEMORY_MIN)
		return sk_err_invalid(err, "memory: minimum memory limit allowed is 6MB");
	if (r->memory_swap < -1 || r->memory_reservation < 0)
		return sk_err_invalid(err, "memory-swap: invalid value %lld",
				      (long long)r->memory_swap);
	if (r->memory_swap > 0 && r->memory == 0)
		return sk_err_invalid(err,
				      "memory-swap: you should always set the memory limit when "
				      "using a memory-swap limit");
	if (r->memory_swap > 0 && r->memory_swap < r->memory)
		return sk_err_invalid(err, "memory-swap: minimum memoryswap limit should be larger "
					   "than memory limit");
	if (r->memory > 0 && r->memory_reservation > r->memory)
		return sk_err_invalid(err,
				      "memory-reservation: minimum memory limit can not be less "
				      "than memory reservation limit");
	return 0;
}

static void memory_apply(const struct oci_resources *r, json_t *resources)
{
	if (r->memory == 0 && r->memory_reservation == 0)
		return;
	json_t *m = obj_child(resources, "memory");
	if (r->memory > 0) {
		json_object_set_new(m, "limit", json_integer(r->memory));
		int64_t swap = r->memory_swap;
		if (swap == 0)
			swap = r->memory > INT64_MAX / 2 ? -1 : 2 * r->memory;
		json_object_set_new(m, "swap", json_integer(swap));
	}
	if (r->memory_reservation > 0)
		json_object_set_new(m, "reservation", json_integer(r->memory_reservation));
}

int oci_cpuset_validate(const char *list, struct sk_error **err)
{
	const char *p = list;
	if (isempty(list))
		return sk_err_invalid(err, "cpuset '%s': empty list", list ? list : "");
	while (*p) {
		char *end;
		if (!isdigit((unsigned char)*p))
			goto bad;
		unsigned long a = strtoul(p, &end, 10), b = a;
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				goto bad;
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		if (b < a || (*p && *p != ',') || (*p == ',' && !p[1]))
			goto bad;
		if (*p == ',')
			p++;
	}
	return 0;
bad:
	return sk_err_invalid(err, "cpuset '%s': invalid list, expected for example '0-2,4'", list);
}

static int cpu_apply(const struct oci_resources *r, json_t *resources, struct sk_error **err)
{
	uint64_t period = r->cpu_period ? r->cpu_period : OCI_CPU_PERIOD_DEFAULT;
	uint64_t quota = r->cpu_quota;
	if (r->cpus < 0 || !isfinite(r->cpus) || r->cpus > 1e6)
		return sk_err_invalid(err, "cpus: invalid value %g", r->cpus);
	if (r->cpu_period && (period < 1000 || period > 1000000))
		return sk_err_invalid(err, "cpu-period: must be between 1ms and 1s");
	if (r->cpus > 0)
		quota = (uint64_t)(r->cpus * (double)period +
				   0.5); /* no libm: llround of a positive value */
	if ((r->cpus > 0 || r->cpu_quota) && quota < 1000)
		return sk_err_invalid(err,
				      "cpus: the minimum allowed cpu quota is 1ms (0.01 cpus)");
	if (r->cpu_shares && (r->cpu_shares < 2 || r->cpu_shares > 262144))
		return sk_err_invalid(err, "cpu-shares: %llu is out of range 2-262144",
				      (unsigned long long)r->cpu_shares);
	if (r->cpuset_cpus && oci_cpuset_validate(r->cpuset_cpus, err) < 0)
		return sk_error_wrap(err, "cpuset-cpus");
	if (r->cpuset_mems && oci_cpuset_validate(r->cpuset_mems, err) < 0)
		return sk_error_wrap(err, "cpuset-mems");
	if (!quota && !r->cpu_shares && !r->cpuset_cpus && !r->cpuset_mems)
		return 0;
	json_t *c = obj_child(resources, "cpu");
	if (r->cpu_shares)
		json_object_set_new(c, "shares", json_integer((json_int_t)r->cpu_shares));
	if (quota) {
		json_object_set_new(c, "quota", json_integer((json_int_t)quota));
		json_object_set_new(c, "period", json_integer((json_int_t)period));
	}
	if (r->cpuset_cpus)
		sk_json_set_str(c, "cpus", r->cpuset_cpus);
	if (r->cpuset_mems)
		sk_json_set_str(c, "mems", r->cpuset_mems);
	return 0;
}

int oci_resources_apply(const struct oci_resources *r, json_t *resources, struct sk_error **err)
{
	if (memory_validate(r, err) < 0)
		return sk_error_ret(*err);
	if (r->pids_limit < -1)
		return sk_err_invalid(err, "pids-limit: invalid value %lld",
				      (long long)r->pids_limit);
	if (cpu_apply(r, resources, err) < 0)
		return sk_error_ret(*err);
	memory_apply(r, resources);
	if (r->pids_limit != -1) {
		int64_t limit = r->pids_limit ? r->pids_limit : OCI_PIDS_LIMIT_DEFAULT;
		json_object_set_new(obj_child(resources, "pids"), "limit", json_integer(limit));
	}
	return 0;
}

uint64_t oci_cpu_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static void set_int_or_max(json_t *u, const char *file, json_int_t v)
{
	if (v < 0)
		sk_json_set_str(u, file, "max");
	else
		json_object_set_new(u, file, json_sprintf("%lld", (long long)v));
}

static void unified_memory(const json_t *m, json_t *u)
{
	json_t *limit = json_object_get(m, "limit"), *swap = json_object_get(m, "swap");
	json_t *resv = json_object_get(m, "reservation");
	if (json_is_integer(limit))
		set_int_or_max(u, "memory.max", json_integer_value(limit));
	if (json_is_integer(resv))
		set_int_or_max(u, "memory.low", json_integer_value(resv));
	if (!json_is_integer(swap))
		return;
	json_int_t s = json_integer_value(swap);
	json_int_t l = json_is_integer(limit) ? json_integer_value(limit) : -1;
	/* v1 swap counts memory + swap; v2 memory.swap.max counts swap alone */
	if (s < 0 || l < 0)
		set_int_or_max(u, "memory.swap.max", s < 0 ? -1 : s);
	else if (s >= l)
		set_int_or_max(u, "memory.swap.max", s - l);
}

static void unified_cpu(const json_t *c, json_t *u)
{
	json_t *shares = json_object_get(c, "shares"), *quota = json_object_get(c, "quota");
	json_t *period = json_object_get(c, "period");
	if (json_is_integer(shares) && json_integer_value(shares) > 0)
		json_object_set_new(
			u, "cpu.weight",
			json_sprintf("%llu", (unsigned long long)oci_cpu_shares_to_weight(
						     (uint64_t)json_integer_value(shares))));
	if (json_is_integer(quota) || json_is_integer(period)) {
		json_int_t q = json_is_integer(quota) ? json_integer_value(quota) : -1;
		json_int_t p = json_is_integer(period) ? json_integer_value(period)
						       : (json_int_t)OCI_CPU_PERIOD_DEFAULT;
		if (q > 0)
			json_object_set_new(u, "cpu.max",
					    json_sprintf("%lld %lld", (long long)q, (long long)p));
		else
			json_object_set_new(u, "cpu.max", json_sprintf("max %lld", (long long)p));
	}
	if (sk_json_str(c, "cpus"))
		sk_json_set_str(u, "cpuset.cpus", sk_json_str(c, "cpus"));
	if (sk_json_str(c, "mems"))
		sk_json_set_str(u, "cpuset.mems", sk_json_str(c, "mems"));
}

json_t *oci_resources_to_unified(const json_t *resources)
{
	json_t *u = json_object();
	json_t *m = json_object_get(resources, "memory"), *c = json_object_get(resources, "cpu");
	json_t *p = json_object_get(resources, "pids");
	if (json_is_object(m))
		unified_memory(m, u);
	if (json_is_object(c))
		unified_cpu(c, u);
	if (json_is_object(p) && json_is_integer(json_object_get(p, "limit"))) {
		json_int_t l = json_integer_value(json_object_get(p, "limit"));
		set_int_or_max(u, "pids.max", l > 0 ? l : -1);
	}
	return u;
}

int oci_cgroup_path_build(const char *parent, const char *id, char **ret, struct sk_error **err)
{
	if (isempty(id) || strchr(id, '/') || streq(id, ".") || streq(id, ".."))
		return sk_err_invalid(err, "cgroup path: invalid container id '%s'", id ? id : "");
	if (isempty(parent)) {
		*ret = xasprintf("/selkie/%s", id);
		return 0;
	}
	if (parent[0] != '/')
		return sk_err_invalid(err,
				      "cgroup-parent '%s': must be an absolute path with the "
				      "cgroupfs manager",
				      parent);
	if (strstr(parent, "/../") ||
	    (strlen(parent) >= 3 && streq(parent + strlen(parent) - 3, "/..")))
		return sk_err_invalid(err, "cgroup-parent '%s': must not contain '..'", parent);
	size_t len = strlen(parent);
	while (len > 1 && parent[len - 1] == '/')
		len--;
	*ret = xasprintf("%.*s/selkie-%s", (int)(len == 1 ? 0 : len), parent, id);
	return 0;
}
