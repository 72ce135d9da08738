/* SPDX-License-Identifier: Apache-2.0 */
#include "spec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oci/spec-defaults.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const ns_type_names[_OCI_NS_TYPE_MAX] = {
	[OCI_NS_PID] = "pid",	  [OCI_NS_IPC] = "ipc",		[OCI_NS_UTS] = "uts",
	[OCI_NS_MOUNT] = "mount", [OCI_NS_NETWORK] = "network", [OCI_NS_CGROUP] = "cgroup",
};

const char *oci_ns_type_to_string(enum oci_ns_type t)
{
	if ((int)t < 0 || t >= _OCI_NS_TYPE_MAX)
		return NULL;
	return ns_type_names[t];
}

enum oci_ns_type oci_ns_type_from_string(const char *s)
{
	for (int i = 0; i < _OCI_NS_TYPE_MAX; i++)
		if (s && streq(s, ns_type_names[i]))
			return (enum oci_ns_type)i;
	return _OCI_NS_TYPE_INVALID;
}

static bool ns_is_host(const struct oci_spec_settings *s, enum oci_ns_type t)
{
	if (t == OCI_NS_CGROUP && s->ns[t].mode == OCI_NS_DEFAULT)
		return true;
	return s->ns[t].mode == OCI_NS_HOST;
}

static json_t *strv_json(const char *const *v)
{
	return sk_json_from_strv((char *const *)v);
}

/* "K=V" strings: the caller's env, then each default whose key the caller did not set. */
static json_t *env_build(char *const *env)
{
	_cleanup_strv_free_ char **out = strv_copy(env);
	for (const char *const *d = oci_env_default; *d; d++) {
		size_t klen = strcspn(*d, "=") + 1;
		bool found = false;
		STRV_FOREACH (e, out)
			if (strneq(*e, *d, klen))
				found = true;
		if (!found)
			strv_push(&out, *d);
	}
	return sk_json_from_strv(out);
}

static json_t *user_build(const struct oci_spec_settings *s)
{
	json_t *u = json_pack("{s:I, s:I, s:i}", "uid", (json_int_t)s->uid, "gid",
			      (json_int_t)s->gid, "umask", 022);
	if (s->n_additional_gids > 0) {
		json_t *g = json_array();
		for (size_t i = 0; i < s->n_additional_gids; i++)
			json_array_append_new(g, json_integer((json_int_t)s->additional_gids[i]));
		json_object_set_new(u, "additionalGids", g);
	}
	return u;
}

static int caps_build(const struct oci_spec_settings *s, json_t *process, struct sk_error **err)
{
	_cleanup_strv_free_ char **caps = NULL;
	if (oci_caps_compute(s->privileged, s->cap_add, s->cap_drop, &caps, err) < 0)
		return sk_error_ret(*err);
	json_t *c = json_object();
	json_object_set_new(c, "bounding", sk_json_from_strv(caps));
	/* a non-root process starts without effective capabilities, as with docker */
	char *none[] = { NULL };
	char **eff = s->uid == 0 ? caps : none;
	json_object_set_new(c, "effective", sk_json_from_strv(eff));
	json_object_set_new(c, "permitted", sk_json_from_strv(eff));
	json_object_set_new(process, "capabilities", c);
	return 0;
}

static void rlimit_put(json_t *arr, const char *type, uint64_t soft, uint64_t hard)
{
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		if (streq(sk_json_str(v, "type"), type)) {
			json_array_remove(arr, i);
			break;
		}
	}
	json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "type", type, "hard",
					     (json_int_t)hard, "soft", (json_int_t)soft));
}

/* podman's nofile and nproc defaults, clamped to what this process may grant; then --ulimit. */
static int rlimits_build(char *const *ulimits, json_t *process, struct sk_error **err)
{
	json_t *arr = json_array();
	json_object_set_new(process, "rlimits", arr);
	static const struct {
		const char *type;
		uint64_t value;
	} defs[] = { { "RLIMIT_NOFILE", OCI_NOFILE_DEFAULT },
		     { "RLIMIT_NPROC", OCI_NPROC_DEFAULT } };
	for (size_t i = 0; i < ELEMENTSOF(defs); i++) {
		uint64_t v = MIN(defs[i].value, oci_rlimit_host_hard(defs[i].type));
		rlimit_put(arr, defs[i].type, v, v);
	}
	STRV_FOREACH (u, ulimits) {
		struct oci_rlimit rl = { 0 };
		if (oci_ulimit_parse(*u, &rl, err) < 0)
			return sk_error_ret(*err);
		/* the runtime spec has no "unlimited": RLIM_INFINITY is all ones */
		rlimit_put(arr, rl.type, rl.soft, rl.hard);
		oci_rlimit_release(&rl);
	}
	return 0;
}

static int process_build(const struct oci_spec_settings *s, json_t *spec, struct sk_error **err)
{
	if (strv_length(s->args) == 0)
		return sk_err_invalid(err, "spec: no command given");
	if (s->cwd && s->cwd[0] != '/')
		return sk_err_invalid(err, "working directory '%s': must be an absolute path",
				      s->cwd);
	STRV_FOREACH (e, s->env) {
		if ((*e)[0] == '=' || !strchr(*e, '='))
			return sk_err_invalid(err, "env '%s': expected NAME=VALUE", *e);
	}
	json_t *p = json_object();
	json_object_set_new(spec, "process", p);
	json_object_set_new(p, "terminal", json_boolean(s->terminal));
	json_object_set_new(p, "user", user_build(s));
	json_object_set_new(p, "args", sk_json_from_strv(s->args));
	json_object_set_new(p, "env", env_build(s->env));
	sk_json_set_str(p, "cwd", s->cwd ? s->cwd : "/");
	if (s->no_new_privileges)
		json_object_set_new(p, "noNewPrivileges", json_true());
	if (s->has_oom_score_adj) {
		if (s->oom_score_adj < -1000 || s->oom_score_adj > 1000)
			return sk_err_invalid(err,
					      "oom-score-adj '%d': must be between -1000 and 1000",
					      s->oom_score_adj);
		json_object_set_new(p, "oomScoreAdj", json_integer(s->oom_score_adj));
	}
	if (caps_build(s, p, err) < 0 || rlimits_build(s->ulimits, p, err) < 0)
		return sk_error_ret(*err);
	return 0;
}

static json_t *mount_new(const char *dest, const char *type, const char *source,
			 const char *const *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source",
			 source, "options", strv_json(options));
}

/* Does our own user namespace have this GID (a rootless one with a single mapping doesn't)? */
static bool self_maps_gid(unsigned long gid)
{
	_cleanup_free_ char *map = NULL;
	if (fs_read_file("/proc/self/gid_map", 65536, &map, NULL) < 0)
		return true;
	unsigned long in, out, n;
	int used;
	for (const char *p = map; sscanf(p, "%lu %lu %lu%n", &in, &out, &n, &used) == 3; p += used)
		if (gid >= in && gid - in < n)
			return true;
	return false;
}

static bool gid5_unmapped(const struct oci_spec_settings *s)
{
	uint32_t h;
	if (!s->userns_path && s->n_gid_mappings > 0)
		return !idmap_to_host(s->gid_mappings, s->n_gid_mappings, 5, &h);
	return s->rootless && !s->userns_path && !self_maps_gid(5);
}

static void mounts_defaults(const struct oci_spec_settings *s, json_t *arr)
{
	static const char *const proc_o[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const dev_o[] = { "nosuid",	 "noexec",	"strictatime",
					     "mode=755", "size=65536k", NULL };
	static const char *const pts_o[] = { "nosuid",	  "noexec", "newinstance", "ptmxmode=0666",
					     "mode=0620", "gid=5",  NULL };
	/* (without "gid=5" when the user namespace has no group 5: the kernel refuses it) */
	static const char *const pts_nogid_o[] = { "nosuid",	    "noexec",	 "newinstance",
						   "ptmxmode=0666", "mode=0620", NULL };
	static const char *const hostbind_o[] = { "rbind", "nosuid", "noexec", "nodev", NULL };
	const char *rw = s->privileged ? "rw" : "ro";
	bool own_userns = s->userns_path || s->n_uid_mappings > 0;
	if (s->rootless && ns_is_host(s, OCI_NS_PID))
		/* the host's PID namespace belongs to the initial user namespace: no new proc */
		json_array_append_new(arr, mount_new("/proc", "bind", "/proc", hostbind_o));
	else
		json_array_append_new(arr, mount_new("/proc", "proc", "proc", proc_o));
	json_array_append_new(arr, mount_new("/dev", "tmpfs", "tmpfs", dev_o));
	json_array_append_new(arr, mount_new("/dev/pts", "devpts", "devpts",
					     gid5_unmapped(s) ? pts_nogid_o : pts_o));
	if (ns_is_host(s, OCI_NS_IPC)) {
		json_array_append_new(arr,
				      mount_new("/dev/mqueue", "bind", "/dev/mqueue", hostbind_o));
		json_array_append_new(arr, mount_new("/dev/shm", "bind", "/dev/shm", hostbind_o));
	} else {
		uint64_t shm = s->shm_size ? s->shm_size : OCI_SHM_SIZE_DEFAULT;
		_cleanup_free_ char *size = shm % 1024 ? xasprintf("size=%" PRIu64, shm)
						       : xasprintf("size=%" PRIu64 "k", shm / 1024);
		const char *shm_o[] = { "nosuid", "noexec", "nodev", "mode=1777", size, NULL };
		json_array_append_new(arr, mount_new("/dev/mqueue", "mqueue", "mqueue", proc_o));
		json_array_append_new(arr, mount_new("/dev/shm", "tmpfs", "shm", shm_o));
	}
	if (ns_is_host(s, OCI_NS_NETWORK) || (s->rootless && own_userns)) {
		/* sysfs can't be mounted fresh without a network namespace owned by the
		 * container's user namespace (rootless, the network namespace is the user's) */
		const char *sys_o[] = { "rbind", "nosuid", "noexec", "nodev", rw, NULL };
		json_array_append_new(arr, mount_new("/sys", "bind", "/sys", sys_o));
	} else {
		const char *sys_o[] = { "nosuid", "noexec", "nodev", rw, NULL };
		json_array_append_new(arr, mount_new("/sys", "sysfs", "sysfs", sys_o));
	}
	const char *cg_o[] = { "rprivate", "nosuid", "noexec", "nodev", "relatime", rw, NULL };
	json_array_append_new(arr, mount_new("/sys/fs/cgroup", "cgroup", "cgroup", cg_o));
	if (s->readonly_rootfs) {
		static const char *const tmp_o[] = { "rw",    "rprivate",  "nosuid",
						     "nodev", "tmpcopyup", NULL };
		static const char *const dirs[] = { "/tmp", "/var/tmp", "/run" };
		for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
			json_array_append_new(arr, mount_new(dirs[i], "tmpfs", "tmpfs", tmp_o));
	}
}

static bool is_propagation(const char *o)
{
	static const char *const names[] = { "private", "rprivate", "shared",	  "rshared",
					     "slave",	"rslave",   "unbindable", "runbindable" };
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(o, names[i]))
			return true;
	return false;
}

/* The options of a user mount: SELinux/chown flags dropped (handled above us), bind
 * mounts made recursive and private unless said otherwise, tmpfs nosuid,nodev. */
static int mount_options(const struct oci_mount *m, bool bind, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **o = NULL;
	bool has_bind = false, has_prop = false, ro = false, rw = false;
	STRV_FOREACH (opt, m->options) {
		if (streq(*opt, "z") || streq(*opt, "Z") || streq(*opt, "U"))
			continue;
		has_bind |= streq(*opt, "bind") || streq(*opt, "rbind");
		has_prop |= is_propagation(*opt);
		ro |= streq(*opt, "ro");
		rw |= streq(*opt, "rw");
		if (!strv_contains(o, *opt))
			strv_push(&o, *opt);
	}
	if (ro && rw)
		return sk_err_invalid(err, "mount '%s': both 'ro' and 'rw' given", m->destination);
	if (bind && !has_bind)
		strv_push(&o, "rbind");
	if (bind && !has_prop)
		strv_push(&o, "rprivate");
	if (!bind) {
		if (!strv_contains(o, "nosuid"))
			strv_push(&o, "nosuid");
		if (!strv_contains(o, "nodev"))
			strv_push(&o, "nodev");
	}
	*ret = o ? TAKE_PTR(o) : xnew(char *, 1);
	return 0;
}

static json_t *find_by_str(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		const char *s = sk_json_str(v, key);
		if (s && streq(s, value))
			return v;
	}
	return NULL;
}

static void mounts_drop_dest(json_t *arr, const char *dest)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if (streq(sk_json_str(json_array_get(arr, i), "destination"), dest))
			json_array_remove(arr, i--);
	}
}

/* Lexically cleaned absolute path ("/a//b/./c/" -> "/a/b/c", ".." never above "/"). */
static char *dest_clean(const char *path)
{
	_cleanup_strv_free_ char **parts = strv_split(path, "/", true);
	_cleanup_strv_free_ char **out = NULL;
	STRV_FOREACH (p, parts) {
		if (streq(*p, "."))
			continue;
		size_t n = strv_length(out);
		if (streq(*p, "..")) {
			if (n > 0) {
				free(out[n - 1]);
				out[n - 1] = NULL;
			}
			continue;
		}
		strv_push(&out, *p);
	}
	_cleanup_free_ char *joined = out ? strv_join(out, "/") : xstrdup("");
	return xasprintf("/%s", joined);
}

static int mount_user_add(const struct oci_mount *m, const char *dest, json_t *arr,
			  struct sk_error **err)
{
	const char *type = m->type ? m->type : "bind";
	bool bind = streq(type, "bind") || streq(type, "volume");
	if (bind && (isempty(m->source) || m->source[0] != '/'))
		return sk_err_invalid(err, "invalid mount source '%s': must be an absolute path",
				      m->source ? m->source : "");
	_cleanup_strv_free_ char **opts = NULL;
	if (mount_options(m, bind, &opts, err) < 0)
		return sk_error_ret(*err);
	mounts_drop_dest(arr, dest);
	const char *src = m->source ? m->source : type;
	json_array_append_new(
		arr, mount_new(dest, bind ? "bind" : type, src, (const char *const *)opts));
	return 0;
}

static size_t dest_depth(const json_t *m)
{
	size_t n = 0;
	for (const char *p = sk_json_str(m, "destination"); p && *p; p++)
		n += *p == '/';
	return n;
}

/* Parents before children (/data before /data/sub), otherwise in the given order. */
static void mounts_sort(json_t *arr)
{
	size_t n = json_array_size(arr);
	_cleanup_free_ json_t **v = xnew(json_t *, n + 1);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	for (size_t i = 1; i < n; i++) { /* insertion sort: stable, and n is small */
		json_t *cur = v[i];
		size_t j = i;
		for (; j > 0 && dest_depth(v[j - 1]) > dest_depth(cur); j--)
			v[j] = v[j - 1];
		v[j] = cur;
	}
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
}

static int mounts_build(const struct oci_spec_settings *s, json_t *spec, struct sk_error **err)
{
	json_t *arr = json_array();
	json_object_set_new(spec, "mounts", arr);
	mounts_defaults(s, arr);
	_cleanup_strv_free_ char **seen = NULL;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const char *d = s->mounts[i].destination;
		if (isempty(d) || d[0] != '/')
			return sk_err_invalid(
				err, "invalid mount destination '%s': must be an absolute path",
				d ? d : "");
		_cleanup_free_ char *dest = dest_clean(d);
		if (streq(dest, "/"))
			return sk_err_invalid(err, "invalid mount destination '%s': the root", d);
		if (strv_contains(seen, dest))
			return sk_err_invalid(err, "%s: duplicate mount destination", dest);
		strv_push(&seen, dest);
		if (mount_user_add(&s->mounts[i], dest, arr, err) < 0)
			return sk_error_ret(*err);
	}
	mounts_sort(arr);
	return 0;
}

static json_t *idmap_json(const struct idmap_range *v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:I}", "containerID",
						     (json_int_t)v[i].container, "hostID",
						     (json_int_t)v[i].host, "size",
						     (json_int_t)v[i].size));
	return arr;
}

static int userns_build(const struct oci_spec_settings *s, json_t *linux_obj, json_t *arr,
			struct sk_error **err)
{
	if (s->userns_path) {
		if (s->userns_path[0] != '/')
			return sk_err_invalid(err, "namespace 'user': invalid path '%s'",
					      s->userns_path);
		json_array_append_new(
			arr, json_pack("{s:s,s:s}", "type", "user", "path", s->userns_path));
		return 0;
	}
	if (s->n_uid_mappings == 0 && s->n_gid_mappings == 0)
		return 0;
	if (s->n_uid_mappings == 0 || s->n_gid_mappings == 0)
		return sk_err_invalid(err,
				      "namespace 'user': both UID and GID mappings are needed");
	json_array_append_new(arr, json_pack("{s:s}", "type", "user"));
	json_object_set_new(linux_obj, "uidMappings",
			    idmap_json(s->uid_mappings, s->n_uid_mappings));
	json_object_set_new(linux_obj, "gidMappings",
			    idmap_json(s->gid_mappings, s->n_gid_mappings));
	return 0;
}

static int namespaces_build(const struct oci_spec_settings *s, json_t *linux_obj,
			    struct sk_error **err)
{
	json_t *arr = json_array();
	json_object_set_new(linux_obj, "namespaces", arr);
	for (int t = 0; t < _OCI_NS_TYPE_MAX; t++) {
		const struct oci_ns *ns = &s->ns[t];
		if ((int)ns->mode < 0 || ns->mode >= _OCI_NS_MODE_MAX)
			return sk_err_invalid(err, "namespace '%s': invalid mode",
					      ns_type_names[t]);
		if (t == OCI_NS_MOUNT && ns->mode == OCI_NS_HOST)
			return sk_err_invalid(err,
					      "namespace 'mount': the host's cannot be shared");
		if (ns_is_host(s, (enum oci_ns_type)t))
			continue;
		if (ns->mode == OCI_NS_PATH && (isempty(ns->path) || ns->path[0] != '/'))
			return sk_err_invalid(err, "namespace '%s': invalid path '%s'",
					      ns_type_names[t], ns->path ? ns->path : "");
		json_t *e = json_pack("{s:s}", "type", ns_type_names[t]);
		if (ns->mode == OCI_NS_PATH)
			sk_json_set_str(e, "path", ns->path);
		json_array_append_new(arr, e);
	}
	return userns_build(s, linux_obj, arr, err);
}

static int kv_split(const char *kv, const char *what, char **ret_key, const char **ret_value,
		    struct sk_error **err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return sk_err_invalid(err, "%s '%s': expected key=value", what, kv);
	*ret_key = xstrndup(kv, (size_t)(eq - kv));
	*ret_value = eq + 1;
	return 0;
}

static int sysctls_build(const struct oci_spec_settings *s, json_t *linux_obj,
			 struct sk_error **err)
{
	if (!s->sysctls)
		return 0;
	json_t *o = json_object();
	json_object_set_new(linux_obj, "sysctl", o);
	STRV_FOREACH (kv, s->sysctls) {
		_cleanup_free_ char *key = NULL;
		const char *value;
		if (kv_split(*kv, "sysctl", &key, &value, err) < 0 ||
		    oci_sysctl_validate(key, ns_is_host(s, OCI_NS_NETWORK),
					ns_is_host(s, OCI_NS_IPC), ns_is_host(s, OCI_NS_UTS),
					err) < 0)
			return sk_error_ret(*err);
		sk_json_set_str(o, key, value);
	}
	return 0;
}

static json_t *device_rule(bool allow, const char *type, int64_t maj, int64_t min,
			   const char *access)
{
	json_t *r = json_pack("{s:b, s:s}", "allow", allow, "access", access);
	if (type)
		sk_json_set_str(r, "type", type);
	if (maj >= 0)
		json_object_set_new(r, "major", json_integer(maj));
	if (min >= 0)
		json_object_set_new(r, "minor", json_integer(min));
	return r;
}

static json_t *device_json(const struct oci_device *dev)
{
	char type[2] = { dev->type, '\0' };
	return json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i}", "path", dev->path, "type", type,
			 "major", (json_int_t)dev->major, "minor", (json_int_t)dev->minor,
			 "fileMode", (int)dev->file_mode, "uid", 0, "gid", 0);
}

/* --privileged: every host device, unless --device already put one at its path */
static void devices_add_host(json_t *devs)
{
	struct oci_device *host = NULL;
	size_t n = 0;
	oci_devices_host_list("/dev", &host, &n);
	for (size_t i = 0; i < n; i++)
		if (!find_by_str(devs, "path", host[i].path))
			json_array_append_new(devs, device_json(&host[i]));
	oci_devices_free(host, n);
}

static int devices_build(const struct oci_spec_settings *s, json_t *linux_obj, json_t *res,
			 struct sk_error **err)
{
	json_t *rules = json_array();
	json_object_set_new(res, "devices", rules);
	/* deny all; the runtime allows its default nodes (null, zero, tty, ...) itself */
	json_array_append_new(rules, device_rule(s->privileged, NULL, -1, -1, "rwm"));
	if (!s->devices && !s->privileged)
		return 0;
	json_t *devs = json_array();
	json_object_set_new(linux_obj, "devices", devs);
	STRV_FOREACH (d, s->devices) {
		struct oci_device dev = { 0 };
		if (oci_device_parse(*d, &dev, err) < 0)
			return sk_error_ret(*err);
		json_array_append_new(devs, device_json(&dev));
		char type[2] = { dev.type, '\0' };
		if (dev.type != 'p' && !s->privileged)
			json_array_append_new(
				rules, device_rule(true, type, dev.major, dev.minor, dev.access));
		oci_device_release(&dev);
	}
	if (s->privileged)
		devices_add_host(devs);
	return 0;
}

/* Default paths minus --security-opt unmask= (or all of them), plus mask=. */
static json_t *paths_build(const char *const *defaults, char *const *extra, char *const *unmask)
{
	_cleanup_strv_free_ char **v = NULL;
	if (!strv_contains(unmask, "ALL")) {
		for (const char *const *p = defaults; *p; p++)
			if (!strv_contains(unmask, *p))
				strv_push(&v, *p);
	}
	STRV_FOREACH (p, extra)
		if (!strv_contains(v, *p))
			strv_push(&v, *p);
	return sk_json_from_strv(v);
}

static int linux_build(const struct oci_spec_settings *s, json_t *spec, struct sk_error **err)
{
	STRV_FOREACH (m, s->mask_paths) {
		if ((*m)[0] != '/')
			return sk_err_invalid(err, "mask '%s': must be an absolute path", *m);
	}
	json_t *l = json_object(), *res = json_object();
	json_object_set_new(spec, "linux", l);
	json_object_set_new(l, "resources", res);
	if (namespaces_build(s, l, err) < 0 || sysctls_build(s, l, err) < 0 ||
	    devices_build(s, l, res, err) < 0 || oci_resources_apply(&s->resources, res, err) < 0)
		return sk_error_ret(*err);
	if (s->cgroups_path)
		sk_json_set_str(l, "cgroupsPath", s->cgroups_path);
	if (!s->privileged) {
		json_object_set_new(
			l, "maskedPaths",
			paths_build(oci_masked_paths_default, s->mask_paths, s->unmask_paths));
		json_object_set_new(l, "readonlyPaths",
				    paths_build(oci_readonly_paths_default, NULL, s->unmask_paths));
		if (s->seccomp)
			json_object_set(l, "seccomp", (json_t *)s->seccomp);
	}
	return 0;
}

static int annotations_build(char *const *annotations, json_t *spec, struct sk_error **err)
{
	json_t *o = json_object();
	json_object_set_new(spec, "annotations", o);
	STRV_FOREACH (kv, annotations) {
		_cleanup_free_ char *key = NULL;
		const char *value;
		if (kv_split(*kv, "annotation", &key, &value, err) < 0)
			return sk_error_ret(*err);
		sk_json_set_str(o, key, value);
	}
	return 0;
}

int oci_spec_build(const struct oci_spec_settings *s, json_t **ret, struct sk_error **err)
{
	if (isempty(s->rootfs) || s->rootfs[0] != '/')
		return sk_err_invalid(err, "rootfs '%s': must be an absolute path",
				      s->rootfs ? s->rootfs : "");
	if (s->seccomp && !json_is_object(s->seccomp))
		return sk_err_invalid(err, "seccomp profile: not a JSON object");
	_cleanup_json_ json_t *spec =
		json_pack("{s:s, s:{s:s, s:b}}", "ociVersion", "1.0.2", "root", "path", s->rootfs,
			  "readonly", s->readonly_rootfs);
	/* A joined UTS namespace keeps its owner's name (a pod's members share the infra's). */
	if (s->hostname && !ns_is_host(s, OCI_NS_UTS) && s->ns[OCI_NS_UTS].mode != OCI_NS_PATH)
		sk_json_set_str(spec, "hostname", s->hostname);
	if (process_build(s, spec, err) < 0 || mounts_build(s, spec, err) < 0 ||
	    linux_build(s, spec, err) < 0 || annotations_build(s->annotations, spec, err) < 0)
		return sk_error_ret(*err);
	*ret = TAKE_PTR(spec);
	return 0;
}

int oci_spec_write(const json_t *spec, const char *bundle, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(bundle, "config.json");
	_cleanup_free_ char *text = sk_json_dump(spec, JSON_INDENT(2));
	int r = fs_write_replace(path, text, strlen(text), 0600, false);
	if (r < 0)
		return sk_err_system(err, r, "write '%s': %s", path, strerror(-r));
	return 0;
}
