/* SPDX-License-Identifier: Apache-2.0 */
/* The settings document (ctr/config-doc.h) plus what start resolved (user, mounts' host
 * paths, namespace paths) → the runtime's config.json. */
#include "ctr/spec-build.h"

#include <errno.h>
#include <string.h>

#include "ctr/config-doc.h"
#include "oci/seccomp.h"
#include "oci/spec-defaults.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct spec_scratch {
	char **args;
	char **env;
	char **cap_add;
	char **cap_drop;
	char **mask;
	char **unmask;
	char **sysctls;
	char **devices;
	char **annotations;
	char **ulimits;
	struct oci_mount *mounts;
	size_t n_mounts;
	char **mount_sources; /* owned strings the mounts point at */
	json_t *seccomp;
};

static void scratch_release(struct spec_scratch *s)
{
	strv_free(s->args);
	strv_free(s->env);
	strv_free(s->cap_add);
	strv_free(s->cap_drop);
	strv_free(s->mask);
	strv_free(s->unmask);
	strv_free(s->sysctls);
	strv_free(s->devices);
	strv_free(s->annotations);
	strv_free(s->ulimits);
	for (size_t i = 0; i < s->n_mounts; i++)
		strv_free(s->mounts[i].options);
	free(s->mounts);
	strv_free(s->mount_sources);
	json_decref(s->seccomp);
}

static char **kv_strv(const json_t *obj)
{
	char **v = strv_new(NULL);
	const char *k;
	json_t *val;
	json_object_foreach ((json_t *)obj, k, val)
		strv_pushf(&v, "%s=%s", k, json_string_value(val) ? json_string_value(val) : "");
	return v;
}

static void mounts_fill(const struct ctr_start_resolved *rs, struct spec_scratch *sc)
{
	size_t n = rs->n_mounts;
	sc->mounts = xnew(struct oci_mount, n + 1);
	for (size_t i = 0; i < n; i++) {
		const struct ctr_resolved_mount *m = &rs->mounts[i];
		sc->mounts[i] = (struct oci_mount){
			.type = m->type,
			.source = m->source,
			.destination = m->destination,
			.options = strv_copy(m->options),
		};
	}
	sc->n_mounts = n;
}

static int security_fill(const json_t *doc, bool privileged, struct spec_scratch *sc,
			 struct sk_error **err)
{
	const json_t *host = json_object_get(doc, "HostConfig");
	const json_t *priv = json_object_get(doc, "Selkie");
	sc->cap_add = sk_json_to_strv(json_object_get(host, "CapAdd"));
	sc->cap_drop = sk_json_to_strv(json_object_get(host, "CapDrop"));
	sc->mask = sk_json_to_strv(json_object_get(priv, "MaskPaths"));
	sc->unmask = sk_json_to_strv(json_object_get(priv, "UnmaskPaths"));
	const char *profile = sk_json_str(priv, "Seccomp");
	/* podman runs privileged containers unconfined unless a profile is named. */
	if (privileged && (!profile || !profile[0]))
		return 0;
	_cleanup_strv_free_ char **caps = NULL;
	int r = oci_caps_compute(privileged, sc->cap_add, sc->cap_drop, &caps, err);
	if (r < 0)
		return r;
	return oci_seccomp_resolve(profile, caps, &sc->seccomp, err);
}

static void resources_fill(const json_t *host, struct oci_resources *res)
{
	*res = (struct oci_resources){
		.memory = sk_json_int(host, "Memory", 0),
		.memory_swap = sk_json_int(host, "MemorySwap", 0),
		.memory_reservation = sk_json_int(host, "MemoryReservation", 0),
		.cpus = (double)sk_json_int(host, "NanoCpus", 0) / 1e9,
		.cpu_period = (uint64_t)sk_json_int(host, "CpuPeriod", 0),
		.cpu_quota = (uint64_t)sk_json_int(host, "CpuQuota", 0),
		.cpu_shares = (uint64_t)sk_json_int(host, "CpuShares", 0),
		.cpuset_cpus = sk_json_str(host, "CpusetCpus"),
		.cpuset_mems = sk_json_str(host, "CpusetMems"),
		.pids_limit = sk_json_int(host, "PidsLimit", 0),
	};
	if (res->memory < 0)
		res->memory = 0;
}

static void limits_fill(const json_t *host, const struct ctr_start_resolved *rs,
			struct spec_scratch *sc)
{
	sc->ulimits = strv_new(NULL);
	size_t i;
	json_t *u;
	json_array_foreach (json_object_get(host, "Ulimits"), i, u) {
		const char *name = sk_json_str(u, "Name");
		if (name && strncmp(name, "RLIMIT_", 7) == 0)
			name += 7;
		_cleanup_free_ char *lower = xstrdup(name ? name : "");
		for (char *p = lower; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		strv_pushf(&sc->ulimits, "%s=%lld:%lld", lower,
			   (long long)sk_json_int(u, "Soft", 0),
			   (long long)sk_json_int(u, "Hard", 0));
	}
	sc->sysctls = kv_strv(json_object_get(host, "Sysctls"));
	if (rs->net_sysctls_done) {
		size_t kept = 0;
		STRV_FOREACH (kv, sc->sysctls) {
			if (strneq(*kv, "net.", 4))
				free(*kv);
			else
				sc->sysctls[kept++] = *kv;
		}
		sc->sysctls[kept] = NULL;
	}
	sc->devices = strv_new(NULL);
	json_array_foreach (json_object_get(host, "Devices"), i, u)
		strv_pushf(&sc->devices, "%s:%s:%s", sk_json_str(u, "PathOnHost"),
			   sk_json_str(u, "PathInContainer"), sk_json_str(u, "CgroupPermissions"));
}

int ctr_spec_build(const json_t *doc, const struct ctr_start_resolved *rs, json_t **ret,
		   struct sk_error **err)
{
	const json_t *cfg = json_object_get(doc, "Config");
	const json_t *host = json_object_get(doc, "HostConfig");
	const json_t *priv = json_object_get(doc, "Selkie");
	struct spec_scratch sc = { 0 };
	bool privileged = sk_json_bool(host, "Privileged", false);
	sc.args = rs->args ? strv_copy(rs->args) : ctr_config_args(doc);
	sc.env = sk_json_to_strv(json_object_get(cfg, "Env"));
	sc.annotations = kv_strv(json_object_get(cfg, "Annotations"));
	mounts_fill(rs, &sc);
	limits_fill(host, rs, &sc);
	int r = security_fill(doc, privileged, &sc, err);
	if (r < 0) {
		scratch_release(&sc);
		return r;
	}
	struct oci_spec_settings s = {
		.args = sc.args,
		.env = sc.env,
		.cwd = sk_json_str(cfg, "WorkingDir"),
		.uid = rs->user.uid,
		.gid = rs->user.gid,
		.additional_gids = rs->user.groups,
		.n_additional_gids = rs->user.n_groups,
		.terminal = sk_json_bool(cfg, "Tty", false),
		.no_new_privileges = sk_json_bool(priv, "NoNewPrivileges", false),
		.has_oom_score_adj = json_object_get(host, "OomScoreAdj") != NULL,
		.oom_score_adj = (int)sk_json_int(host, "OomScoreAdj", 0),
		.ulimits = sc.ulimits,
		.rootfs = rs->rootfs,
		.readonly_rootfs = sk_json_bool(host, "ReadonlyRootfs", false),
		.mounts = sc.mounts,
		.n_mounts = sc.n_mounts,
		.shm_size = (uint64_t)sk_json_int(host, "ShmSize", 0),
		.hostname = sk_json_str(cfg, "Hostname"),
		.privileged = privileged,
		.rootless = rs->rootless,
		.cap_add = sc.cap_add,
		.cap_drop = sc.cap_drop,
		.seccomp = sc.seccomp,
		.mask_paths = sc.mask,
		.unmask_paths = sc.unmask,
		.sysctls = sc.sysctls,
		.devices = sc.devices,
		.annotations = sc.annotations,
		.cgroups_path = rs->cgroups_path,
		.userns_path = rs->userns_path,
		.uid_mappings = rs->uid_map,
		.n_uid_mappings = rs->n_uid_map,
		.gid_mappings = rs->gid_map,
		.n_gid_mappings = rs->n_gid_map,
	};
	memcpy(s.ns, rs->ns, sizeof(s.ns));
	if (!rs->no_cgroups)
		resources_fill(host, &s.resources);
	else
		s.resources.pids_limit = -1; /* not even the default: runc fails on any limit */
	r = oci_spec_build(&s, ret, err);
	scratch_release(&sc);
	return r;
}
