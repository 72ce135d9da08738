/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "oci/spec-defaults.h"
#include "oci/spec.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *true_args[] = { "true", NULL };

#define SETTINGS_INIT                                                                              \
	{                                                                                          \
		.args = true_args, .rootfs = "/bundle/rootfs"                                      \
	}

static json_t *build_ok(const struct oci_spec_settings *s)
{
	json_t *spec = NULL;
	struct sk_error *err = NULL;
	int r = oci_spec_build(s, &spec, &err);
	if (r < 0)
		fail_msg("oci_spec_build: %s", err->msg);
	assert_null(err);
	assert_non_null(spec);
	return spec;
}

static void build_fails(const struct oci_spec_settings *s, const char *msg_part)
{
	json_t *spec = NULL;
	struct sk_error *err = NULL;
	assert_true(oci_spec_build(s, &spec, &err) < 0);
	assert_null(spec);
	assert_non_null(err);
	if (!strstr(err->msg, msg_part))
		fail_msg("'%s' does not contain '%s'", err->msg, msg_part);
	sk_error_free(err);
}

static bool array_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		if (json_is_string(v) && streq(json_string_value(v), s))
			return true;
	}
	return false;
}

static json_t *find_by(json_t *arr, const char *key, const char *value)
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

static json_t *mount_at(json_t *spec, const char *dest)
{
	return find_by(json_object_get(spec, "mounts"), "destination", dest);
}

static bool mount_has_opt(json_t *spec, const char *dest, const char *opt)
{
	json_t *m = mount_at(spec, dest);
	if (!m)
		fail_msg("no mount at '%s'", dest);
	return array_has(json_object_get(m, "options"), opt);
}

static json_t *ns_of(json_t *spec, const char *type)
{
	return find_by(sk_json_path(spec, "linux.namespaces"), "type", type);
}

static void test_oci_spec_build_defaults_as_podman(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_string_equal(sk_json_str(spec, "ociVersion"), "1.0.2");
	assert_string_equal(sk_json_str(sk_json_path(spec, "root"), "path"), "/bundle/rootfs");
	assert_false(json_is_true(sk_json_path(spec, "root.readonly")));
	assert_string_equal(sk_json_str(sk_json_path(spec, "process"), "cwd"), "/");
	assert_int_equal(json_integer_value(sk_json_path(spec, "process.user.uid")), 0);
	json_t *env = sk_json_path(spec, "process.env");
	assert_true(array_has(env, "TERM=xterm"));
	assert_true(array_has(env,
			      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	json_t *bounding = sk_json_path(spec, "process.capabilities.bounding");
	assert_int_equal(json_array_size(bounding), 11);
	for (const char *const *c = oci_caps_default; *c; c++)
		assert_true(array_has(bounding, *c));
	assert_true(array_has(sk_json_path(spec, "process.capabilities.effective"), "CAP_KILL"));
	assert_true(array_has(sk_json_path(spec, "linux.maskedPaths"), "/proc/kcore"));
	assert_true(array_has(sk_json_path(spec, "linux.readonlyPaths"), "/proc/sys"));
	assert_int_equal(json_array_size(sk_json_path(spec, "linux.maskedPaths")), 11);
	assert_int_equal(json_integer_value(sk_json_path(spec, "linux.resources.pids.limit")),
			 2048);
	json_t *rule = json_array_get(sk_json_path(spec, "linux.resources.devices"), 0);
	assert_false(json_is_true(json_object_get(rule, "allow")));
	assert_string_equal(sk_json_str(rule, "access"), "rwm");
	assert_null(sk_json_path(spec, "linux.seccomp"));
	assert_null(sk_json_path(spec, "linux.cgroupsPath"));
}

static void test_oci_spec_build_default_mounts(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_string_equal(sk_json_str(mount_at(spec, "/proc"), "type"), "proc");
	assert_string_equal(sk_json_str(mount_at(spec, "/dev"), "type"), "tmpfs");
	assert_true(mount_has_opt(spec, "/dev/pts", "newinstance"));
	assert_true(mount_has_opt(spec, "/dev/pts", "ptmxmode=0666"));
	assert_true(mount_has_opt(spec, "/dev/pts", "mode=0620"));
	assert_true(mount_has_opt(spec, "/dev/pts", "gid=5"));
	assert_true(mount_has_opt(spec, "/dev/shm", "size=65536k"));
	assert_true(mount_has_opt(spec, "/dev/shm", "mode=1777"));
	assert_string_equal(sk_json_str(mount_at(spec, "/dev/mqueue"), "type"), "mqueue");
	assert_string_equal(sk_json_str(mount_at(spec, "/sys"), "type"), "sysfs");
	assert_true(mount_has_opt(spec, "/sys", "ro"));
	assert_string_equal(sk_json_str(mount_at(spec, "/sys/fs/cgroup"), "type"), "cgroup");
	assert_true(mount_has_opt(spec, "/sys/fs/cgroup", "ro"));
	assert_null(mount_at(spec, "/tmp"));
	/* /dev comes before what is mounted below it */
	json_t *mounts = json_object_get(spec, "mounts");
	assert_string_equal(sk_json_str(json_array_get(mounts, 1), "destination"), "/dev");
}

static void test_oci_spec_build_shm_size_and_readonly_rootfs(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	s.shm_size = 1000;
	_cleanup_json_ json_t *odd = build_ok(&s);
	assert_true(mount_has_opt(odd, "/dev/shm", "size=1000"));
	s.shm_size = 128ULL * 1024 * 1024;
	s.readonly_rootfs = true;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_true(mount_has_opt(spec, "/dev/shm", "size=131072k"));
	assert_true(json_is_true(sk_json_path(spec, "root.readonly")));
	assert_string_equal(sk_json_str(mount_at(spec, "/tmp"), "type"), "tmpfs");
	assert_non_null(mount_at(spec, "/var/tmp"));
	assert_non_null(mount_at(spec, "/run"));
}

static void test_oci_spec_build_default_rlimits_clamped(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *rl = sk_json_path(spec, "process.rlimits");
	json_t *nofile = find_by(rl, "type", "RLIMIT_NOFILE");
	json_t *nproc = find_by(rl, "type", "RLIMIT_NPROC");
	assert_non_null(nofile);
	assert_non_null(nproc);
	struct rlimit host;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &host), 0);
	uint64_t want = host.rlim_max == RLIM_INFINITY ? OCI_NOFILE_DEFAULT
						       : MIN(OCI_NOFILE_DEFAULT, host.rlim_max);
	assert_int_equal(sk_json_int(nofile, "hard", 0), want);
	assert_int_equal(sk_json_int(nofile, "soft", 0), want);
	assert_int_equal(getrlimit(RLIMIT_NPROC, &host), 0);
	want = host.rlim_max == RLIM_INFINITY ? OCI_NPROC_DEFAULT
					      : MIN(OCI_NPROC_DEFAULT, host.rlim_max);
	assert_int_equal(sk_json_int(nproc, "hard", 0), want);
}

static void test_oci_spec_build_ulimits_override(void **state)
{
	(void)state;
	char *ulimits[] = { "nofile=1024:2048", "core=0", "NPROC=100", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.ulimits = ulimits;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *rl = sk_json_path(spec, "process.rlimits");
	assert_int_equal(json_array_size(rl), 3);
	json_t *nofile = find_by(rl, "type", "RLIMIT_NOFILE");
	assert_int_equal(sk_json_int(nofile, "soft", 0), 1024);
	assert_int_equal(sk_json_int(nofile, "hard", 0), 2048);
	assert_int_equal(sk_json_int(find_by(rl, "type", "RLIMIT_NPROC"), "soft", 0), 100);
	assert_int_equal(sk_json_int(find_by(rl, "type", "RLIMIT_CORE"), "hard", -1), 0);
	char *bad[] = { "nofile=2048:1024", NULL };
	s.ulimits = bad;
	build_fails(&s, "ulimit 'nofile=2048:1024'");
}

static void test_oci_spec_build_process_fields(void **state)
{
	(void)state;
	char *env[] = { "TERM=vt100", "FOO=bar", NULL };
	gid_t gids[] = { 10, 20 };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.env = env;
	s.cwd = "/work";
	s.uid = 1000;
	s.gid = 1001;
	s.additional_gids = gids;
	s.n_additional_gids = 2;
	s.terminal = true;
	s.no_new_privileges = true;
	s.has_oom_score_adj = true;
	s.oom_score_adj = 500;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *p = json_object_get(spec, "process");
	assert_true(array_has(json_object_get(p, "env"), "TERM=vt100"));
	assert_false(array_has(json_object_get(p, "env"), "TERM=xterm"));
	assert_true(array_has(json_object_get(p, "env"), "FOO=bar"));
	assert_string_equal(sk_json_str(p, "cwd"), "/work");
	assert_int_equal(json_integer_value(sk_json_path(p, "user.uid")), 1000);
	assert_int_equal(json_integer_value(sk_json_path(p, "user.gid")), 1001);
	assert_int_equal(
		json_integer_value(json_array_get(sk_json_path(p, "user.additionalGids"), 1)), 20);
	assert_true(json_is_true(json_object_get(p, "terminal")));
	assert_true(json_is_true(json_object_get(p, "noNewPrivileges")));
	assert_int_equal(sk_json_int(p, "oomScoreAdj", 0), 500);
	/* not root: no effective capabilities */
	assert_int_equal(json_array_size(sk_json_path(p, "capabilities.effective")), 0);
	assert_int_equal(json_array_size(sk_json_path(p, "capabilities.bounding")), 11);
}

static void test_oci_spec_build_process_errors(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	s.args = NULL;
	build_fails(&s, "no command given");
	s.args = true_args;
	s.cwd = "relative";
	build_fails(&s, "working directory 'relative'");
	s.cwd = NULL;
	s.has_oom_score_adj = true;
	s.oom_score_adj = 1001;
	build_fails(&s, "oom-score-adj '1001'");
	s.has_oom_score_adj = false;
	s.rootfs = "rootfs";
	build_fails(&s, "rootfs 'rootfs': must be an absolute path");
	s.rootfs = "/r";
	char *env[] = { "A=1", "NOVALUE", NULL };
	s.env = env;
	build_fails(&s, "env 'NOVALUE': expected NAME=VALUE");
	char *env2[] = { "=x", NULL };
	s.env = env2;
	build_fails(&s, "env '=x'");
	s.env = NULL;
	char *mask[] = { "proc/x", NULL };
	s.mask_paths = mask;
	build_fails(&s, "mask 'proc/x': must be an absolute path");
}

static void test_oci_spec_build_caps_add_drop(void **state)
{
	(void)state;
	char *add[] = { "net_admin", "CAP_SYS_PTRACE", "cap_kill", NULL };
	char *drop[] = { "chown", "CAP_SETUID", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.cap_add = add;
	s.cap_drop = drop;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *b = sk_json_path(spec, "process.capabilities.bounding");
	assert_true(array_has(b, "CAP_NET_ADMIN"));
	assert_true(array_has(b, "CAP_SYS_PTRACE"));
	assert_false(array_has(b, "CAP_CHOWN"));
	assert_false(array_has(b, "CAP_SETUID"));
	assert_int_equal(json_array_size(b), 11);
}

static void test_oci_spec_build_caps_all(void **state)
{
	(void)state;
	char *all[] = { "ALL", NULL };
	char *add[] = { "NET_BIND_SERVICE", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.cap_drop = all;
	s.cap_add = add;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *b = sk_json_path(spec, "process.capabilities.bounding");
	assert_int_equal(json_array_size(b), 1);
	assert_true(array_has(b, "CAP_NET_BIND_SERVICE"));
	struct oci_spec_settings s2 = SETTINGS_INIT;
	s2.cap_add = all;
	_cleanup_json_ json_t *spec2 = build_ok(&s2);
	assert_true(
		array_has(sk_json_path(spec2, "process.capabilities.bounding"), "CAP_SYS_ADMIN"));
	char *bad[] = { "CAP_FLY", NULL };
	s2.cap_add = bad;
	build_fails(&s2, "\"CAP_FLY\": unknown capability");
	s2.cap_add = NULL;
	s2.cap_drop = bad;
	build_fails(&s2, "\"CAP_FLY\": unknown capability");
}

static void test_oci_spec_build_privileged(void **state)
{
	(void)state;
	_cleanup_json_ json_t *seccomp = json_pack("{s:s}", "defaultAction", "SCMP_ACT_ERRNO");
	struct oci_spec_settings s = SETTINGS_INIT;
	s.privileged = true;
	s.seccomp = seccomp;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *bounding = sk_json_path(spec, "process.capabilities.bounding");
	assert_true(array_has(bounding, "CAP_SYS_ADMIN"));
	/* only what this process holds: a runtime can't grant more */
	assert_int_equal(array_has(bounding, "CAP_SYS_RESOURCE"),
			 prctl(PR_CAPBSET_READ, 24UL, 0, 0, 0) == 1);
	assert_null(sk_json_path(spec, "linux.maskedPaths"));
	assert_null(sk_json_path(spec, "linux.readonlyPaths"));
	assert_null(sk_json_path(spec, "linux.seccomp"));
	json_t *rule = json_array_get(sk_json_path(spec, "linux.resources.devices"), 0);
	assert_true(json_is_true(json_object_get(rule, "allow")));
	assert_true(mount_has_opt(spec, "/sys", "rw"));
	assert_false(mount_has_opt(spec, "/sys", "ro"));
	assert_true(mount_has_opt(spec, "/sys/fs/cgroup", "rw"));
	/* the host's devices, but not those the runtime makes itself */
	json_t *devs = sk_json_path(spec, "linux.devices");
	json_t *null = find_by(devs, "path", "/dev/null");
	assert_non_null(null);
	assert_int_equal(sk_json_int(null, "major", -1), 1);
	assert_null(find_by(devs, "path", "/dev/ptmx"));
	assert_null(find_by(devs, "path", "/dev/console"));
	size_t i;
	json_t *d;
	json_array_foreach (devs, i, d) {
		assert_false(strneq(sk_json_str(d, "path"), "/dev/pts/", 9));
	}
	assert_int_equal(json_array_size(sk_json_path(spec, "linux.resources.devices")), 1);
}

static void test_oci_spec_build_privileged_device_mapping_wins(void **state)
{
	(void)state;
	char *devs[] = { "/dev/zero:/dev/null", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.privileged = true;
	s.devices = devs;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *null = find_by(sk_json_path(spec, "linux.devices"), "path", "/dev/null");
	assert_int_equal(sk_json_int(null, "minor", -1), 5);
	size_t i, count = 0;
	json_t *d;
	json_array_foreach (sk_json_path(spec, "linux.devices"), i, d) {
		count += streq(sk_json_str(d, "path"), "/dev/null");
	}
	assert_int_equal(count, 1);
}

static void test_oci_spec_build_seccomp_and_masks(void **state)
{
	(void)state;
	_cleanup_json_ json_t *seccomp = json_pack("{s:s}", "defaultAction", "SCMP_ACT_ERRNO");
	char *mask[] = { "/proc/secret", NULL };
	char *unmask[] = { "/proc/kcore", "/proc/sys", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.seccomp = seccomp;
	s.mask_paths = mask;
	s.unmask_paths = unmask;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_string_equal(sk_json_str(sk_json_path(spec, "linux.seccomp"), "defaultAction"),
			    "SCMP_ACT_ERRNO");
	json_t *masked = sk_json_path(spec, "linux.maskedPaths");
	assert_false(array_has(masked, "/proc/kcore"));
	assert_true(array_has(masked, "/proc/keys"));
	assert_true(array_has(masked, "/proc/secret"));
	assert_false(array_has(sk_json_path(spec, "linux.readonlyPaths"), "/proc/sys"));
	char *all[] = { "ALL", NULL };
	s.unmask_paths = all;
	s.mask_paths = NULL;
	_cleanup_json_ json_t *spec2 = build_ok(&s);
	assert_int_equal(json_array_size(sk_json_path(spec2, "linux.maskedPaths")), 0);
	assert_int_equal(json_array_size(sk_json_path(spec2, "linux.readonlyPaths")), 0);
	_cleanup_json_ json_t *arr = json_array();
	s.seccomp = arr;
	build_fails(&s, "seccomp profile: not a JSON object");
}

static void test_oci_spec_build_namespaces(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *spec = build_ok(&s);
	const char *priv[] = { "pid", "ipc", "uts", "mount", "network" };
	for (size_t i = 0; i < ELEMENTSOF(priv); i++)
		assert_non_null(ns_of(spec, priv[i]));
	assert_null(ns_of(spec, "cgroup"));
	s.ns[OCI_NS_NETWORK] = (struct oci_ns){ .mode = OCI_NS_HOST };
	s.ns[OCI_NS_PID] = (struct oci_ns){ .mode = OCI_NS_PATH, .path = "/proc/42/ns/pid" };
	s.ns[OCI_NS_CGROUP] = (struct oci_ns){ .mode = OCI_NS_PRIVATE };
	s.ns[OCI_NS_UTS] = (struct oci_ns){ .mode = OCI_NS_HOST };
	s.hostname = "myhost";
	_cleanup_json_ json_t *spec2 = build_ok(&s);
	assert_null(ns_of(spec2, "network"));
	assert_null(ns_of(spec2, "uts"));
	assert_null(json_object_get(spec2, "hostname"));
	assert_string_equal(sk_json_str(ns_of(spec2, "pid"), "path"), "/proc/42/ns/pid");
	assert_non_null(ns_of(spec2, "cgroup"));
	/* host network: /sys is a read-only bind of the host's */
	assert_string_equal(sk_json_str(mount_at(spec2, "/sys"), "type"), "bind");
	assert_true(mount_has_opt(spec2, "/sys", "ro"));
	assert_true(mount_has_opt(spec2, "/sys", "rbind"));
}

static void test_oci_spec_build_namespace_errors(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	s.ns[OCI_NS_MOUNT].mode = OCI_NS_HOST;
	build_fails(&s, "namespace 'mount'");
	s.ns[OCI_NS_MOUNT].mode = OCI_NS_DEFAULT;
	s.ns[OCI_NS_NETWORK] = (struct oci_ns){ .mode = OCI_NS_PATH, .path = "netns" };
	build_fails(&s, "namespace 'network': invalid path 'netns'");
	assert_string_equal(oci_ns_type_to_string(OCI_NS_NETWORK), "network");
	assert_int_equal(oci_ns_type_from_string("uts"), OCI_NS_UTS);
	assert_int_equal(oci_ns_type_from_string("user"), _OCI_NS_TYPE_INVALID);
}

static void test_oci_spec_build_user_namespace(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *none = build_ok(&s);
	assert_null(ns_of(none, "user"));
	assert_null(sk_json_path(none, "linux.uidMappings"));
	const struct idmap_range uids[] = { { 0, 1, 1001 }, { 1001, 0, 1 } };
	const struct idmap_range gids[] = { { 0, 100000, 65536 } };
	s.uid_mappings = uids;
	s.n_uid_mappings = 2;
	s.gid_mappings = gids;
	s.n_gid_mappings = 1;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_non_null(ns_of(spec, "user"));
	assert_null(json_object_get(ns_of(spec, "user"), "path"));
	json_t *um = sk_json_path(spec, "linux.uidMappings");
	assert_int_equal(json_array_size(um), 2);
	assert_int_equal(sk_json_int(json_array_get(um, 1), "containerID", -1), 1001);
	assert_int_equal(sk_json_int(json_array_get(um, 1), "hostID", -1), 0);
	assert_int_equal(sk_json_int(json_array_get(um, 1), "size", -1), 1);
	assert_int_equal(sk_json_int(json_array_get(sk_json_path(spec, "linux.gidMappings"), 0),
				     "hostID", -1),
			 100000);
	/* group 5 is mapped: devpts keeps gid=5 */
	assert_true(mount_has_opt(spec, "/dev/pts", "gid=5"));
	/* a namespace without group 5: the kernel would refuse gid=5 */
	const struct idmap_range one[] = { { 0, 100000, 1 } };
	s.gid_mappings = one;
	_cleanup_json_ json_t *spec2 = build_ok(&s);
	assert_false(mount_has_opt(spec2, "/dev/pts", "gid=5"));
	assert_true(mount_has_opt(spec2, "/dev/pts", "newinstance"));
	/* joining another container's namespace: its path, no mappings */
	s.userns_path = "/proc/42/ns/user";
	_cleanup_json_ json_t *spec3 = build_ok(&s);
	assert_string_equal(sk_json_str(ns_of(spec3, "user"), "path"), "/proc/42/ns/user");
	assert_null(sk_json_path(spec3, "linux.uidMappings"));
	s.userns_path = "user";
	build_fails(&s, "namespace 'user': invalid path 'user'");
	s.userns_path = NULL;
	s.n_gid_mappings = 0;
	build_fails(&s, "both UID and GID mappings are needed");
}

static void test_oci_spec_build_ipc_host_binds_shm(void **state)
{
	(void)state;
	struct oci_spec_settings s = SETTINGS_INIT;
	s.ns[OCI_NS_IPC].mode = OCI_NS_HOST;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_null(ns_of(spec, "ipc"));
	json_t *shm = mount_at(spec, "/dev/shm");
	assert_string_equal(sk_json_str(shm, "type"), "bind");
	assert_string_equal(sk_json_str(shm, "source"), "/dev/shm");
	assert_string_equal(sk_json_str(mount_at(spec, "/dev/mqueue"), "source"), "/dev/mqueue");
}

static void test_oci_spec_build_user_mounts(void **state)
{
	(void)state;
	char *ro_z[] = { "ro", "z", NULL };
	char *tmpfs_o[] = { "size=10m", "mode=1777", NULL };
	char *shm_o[] = { "size=1m", NULL };
	char *shared[] = { "bind", "rshared", NULL };
	struct oci_mount mounts[] = {
		{ .type = "bind", .source = "/srv/data", .destination = "/data", .options = ro_z },
		{ .type = "tmpfs", .destination = "/scratch", .options = tmpfs_o },
		{ .type = "tmpfs", .destination = "/dev/shm", .options = shm_o },
		{ .type = "volume",
		  .source = "/var/lib/selkie/volumes/v/_data",
		  .destination = "/v" },
		{ .source = "/srv/sh", .destination = "/sh", .options = shared },
	};
	struct oci_spec_settings s = SETTINGS_INIT;
	s.mounts = mounts;
	s.n_mounts = ELEMENTSOF(mounts);
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *data = mount_at(spec, "/data");
	assert_string_equal(sk_json_str(data, "type"), "bind");
	assert_string_equal(sk_json_str(data, "source"), "/srv/data");
	assert_true(mount_has_opt(spec, "/data", "ro"));
	assert_true(mount_has_opt(spec, "/data", "rbind"));
	assert_true(mount_has_opt(spec, "/data", "rprivate"));
	assert_false(mount_has_opt(spec, "/data", "z"));
	assert_string_equal(sk_json_str(mount_at(spec, "/scratch"), "source"), "tmpfs");
	assert_true(mount_has_opt(spec, "/scratch", "size=10m"));
	assert_true(mount_has_opt(spec, "/scratch", "nosuid"));
	assert_true(mount_has_opt(spec, "/scratch", "nodev"));
	/* the user's /dev/shm replaces the default one */
	assert_true(mount_has_opt(spec, "/dev/shm", "size=1m"));
	assert_false(mount_has_opt(spec, "/dev/shm", "size=65536k"));
	assert_string_equal(sk_json_str(mount_at(spec, "/v"), "type"), "bind");
	assert_true(mount_has_opt(spec, "/sh", "bind"));
	assert_false(mount_has_opt(spec, "/sh", "rbind"));
	assert_false(mount_has_opt(spec, "/sh", "rprivate"));
}

static size_t mount_index(json_t *spec, const char *dest)
{
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(spec, "mounts"), i, m) {
		if (streq(sk_json_str(m, "destination"), dest))
			return i;
	}
	fail_msg("no mount at '%s'", dest);
	return 0;
}

static void test_oci_spec_build_mounts_cleaned_and_sorted(void **state)
{
	(void)state;
	struct oci_mount mounts[] = {
		{ .source = "/srv/sub", .destination = "/data//sub/" },
		{ .source = "/srv/data", .destination = "/data" },
		{ .type = "tmpfs", .destination = "/a/./b/../c" },
	};
	struct oci_spec_settings s = SETTINGS_INIT;
	s.mounts = mounts;
	s.n_mounts = ELEMENTSOF(mounts);
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_true(mount_index(spec, "/data") < mount_index(spec, "/data/sub"));
	assert_true(mount_index(spec, "/dev") < mount_index(spec, "/dev/pts"));
	assert_true(mount_index(spec, "/sys") < mount_index(spec, "/sys/fs/cgroup"));
	assert_non_null(mount_at(spec, "/a/c"));
	/* the given order is kept among mounts of one depth */
	assert_true(mount_index(spec, "/proc") < mount_index(spec, "/dev"));
	assert_true(mount_index(spec, "/data/sub") < mount_index(spec, "/a/c"));

	struct oci_mount dup[] = {
		{ .source = "/a", .destination = "/data/" },
		{ .source = "/b", .destination = "/x/../data" },
	};
	s.mounts = dup;
	s.n_mounts = 2;
	build_fails(&s, "/data: duplicate mount destination");
	struct oci_mount root[] = { { .source = "/a", .destination = "/.." } };
	s.mounts = root;
	s.n_mounts = 1;
	build_fails(&s, "invalid mount destination '/..'");
}

static void test_oci_spec_build_mount_errors(void **state)
{
	(void)state;
	char *rorw[] = { "ro", "rw", NULL };
	struct oci_mount dup[] = {
		{ .type = "bind", .source = "/a", .destination = "/data" },
		{ .type = "tmpfs", .destination = "/data" },
	};
	struct oci_mount rel_dest[] = { { .type = "bind", .source = "/a", .destination = "data" } };
	struct oci_mount rel_src[] = { { .type = "bind", .source = "a", .destination = "/data" } };
	struct oci_mount both[] = {
		{ .type = "bind", .source = "/a", .destination = "/d", .options = rorw },
	};
	struct oci_spec_settings s = SETTINGS_INIT;
	s.mounts = dup;
	s.n_mounts = 2;
	build_fails(&s, "/data: duplicate mount destination");
	s.mounts = rel_dest;
	s.n_mounts = 1;
	build_fails(&s, "invalid mount destination 'data'");
	s.mounts = rel_src;
	build_fails(&s, "invalid mount source 'a'");
	s.mounts = both;
	build_fails(&s, "both 'ro' and 'rw'");
}

static void test_oci_spec_build_sysctls(void **state)
{
	(void)state;
	char *good[] = { "net.ipv4.ip_forward=1", "kernel.shmmax=1000", "fs.mqueue.msg_max=20",
			 "kernel.sem=250 32000 32 128", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.sysctls = good;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *sc = sk_json_path(spec, "linux.sysctl");
	assert_string_equal(sk_json_str(sc, "net.ipv4.ip_forward"), "1");
	assert_string_equal(sk_json_str(sc, "kernel.sem"), "250 32000 32 128");
	assert_int_equal(json_object_size(sc), 4);

	char *panic[] = { "kernel.panic=1", NULL };
	s.sysctls = panic;
	build_fails(&s, "sysctl 'kernel.panic': not whitelisted");
	char *noeq[] = { "net.ipv4.ip_forward", NULL };
	s.sysctls = noeq;
	build_fails(&s, "expected key=value");
	char *net[] = { "net.ipv4.ip_forward=1", NULL };
	s.sysctls = net;
	s.ns[OCI_NS_NETWORK].mode = OCI_NS_HOST;
	build_fails(&s, "not allowed with the host network");
	char *shm[] = { "kernel.shmall=1", NULL };
	s.sysctls = shm;
	s.ns[OCI_NS_IPC].mode = OCI_NS_HOST;
	build_fails(&s, "not allowed with the host IPC namespace");
}

static void test_oci_spec_build_devices(void **state)
{
	(void)state;
	char *devs[] = { "/dev/null:/dev/mynull:rw", "/dev/zero:r", "/dev/full", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.devices = devs;
	_cleanup_json_ json_t *spec = build_ok(&s);
	json_t *d = find_by(sk_json_path(spec, "linux.devices"), "path", "/dev/mynull");
	assert_non_null(d);
	assert_string_equal(sk_json_str(d, "type"), "c");
	assert_int_equal(sk_json_int(d, "major", -1), 1);
	assert_int_equal(sk_json_int(d, "minor", -1), 3);
	assert_int_equal(sk_json_int(d, "fileMode", -1), 0666);
	assert_non_null(find_by(sk_json_path(spec, "linux.devices"), "path", "/dev/zero"));
	json_t *rules = sk_json_path(spec, "linux.resources.devices");
	assert_int_equal(json_array_size(rules), 4);
	json_t *r = json_array_get(rules, 1);
	assert_true(json_is_true(json_object_get(r, "allow")));
	assert_string_equal(sk_json_str(r, "access"), "rw");
	assert_int_equal(sk_json_int(r, "minor", -1), 3);
	assert_string_equal(sk_json_str(json_array_get(rules, 2), "access"), "r");
	assert_string_equal(sk_json_str(json_array_get(rules, 3), "access"), "rwm");
	char *bad[] = { "/dev/null", "/dev/does-not-exist", NULL };
	s.devices = bad;
	build_fails(&s, "device '/dev/does-not-exist'");
}

static void test_oci_spec_build_annotations_hostname_cgroups(void **state)
{
	(void)state;
	char *ann[] = { "io.selkie.x=1", "empty=", NULL };
	struct oci_spec_settings s = SETTINGS_INIT;
	s.annotations = ann;
	s.hostname = "box";
	s.cgroups_path = "/selkie/abc";
	s.resources.memory = 64LL * 1024 * 1024;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_string_equal(sk_json_str(sk_json_path(spec, "annotations"), "io.selkie.x"), "1");
	assert_string_equal(sk_json_str(sk_json_path(spec, "annotations"), "empty"), "");
	assert_string_equal(sk_json_str(spec, "hostname"), "box");
	assert_string_equal(json_string_value(sk_json_path(spec, "linux.cgroupsPath")),
			    "/selkie/abc");
	assert_int_equal(json_integer_value(sk_json_path(spec, "linux.resources.memory.limit")),
			 64LL * 1024 * 1024);
	char *bad[] = { "=x", NULL };
	s.annotations = bad;
	build_fails(&s, "annotation '=x'");
	s.annotations = NULL;
	s.resources.memory = 1024;
	build_fails(&s, "minimum memory limit allowed is 6MB");
}

static void test_oci_spec_write_config_json(void **state)
{
	(void)state;
	_cleanup_free_ char *dir = NULL;
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-spec-", &dir), 0);
	struct oci_spec_settings s = SETTINGS_INIT;
	_cleanup_json_ json_t *spec = build_ok(&s);
	assert_int_equal(oci_spec_write(spec, dir, NULL), 0);
	_cleanup_free_ char *path = path_join(dir, "config.json");
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(path, 1 << 20, &text, &len), 0);
	_cleanup_json_ json_t *back = sk_json_parse(text, len, NULL);
	assert_true(json_equal(back, spec));
	assert_int_equal(fs_rm_rf(dir), 0);
	struct sk_error *err = NULL;
	assert_true(oci_spec_write(spec, "/nonexistent-dir/x", &err) < 0);
	assert_non_null(strstr(err->msg, "config.json"));
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_spec_build_defaults_as_podman),
		cmocka_unit_test(test_oci_spec_build_default_mounts),
		cmocka_unit_test(test_oci_spec_build_shm_size_and_readonly_rootfs),
		cmocka_unit_test(test_oci_spec_build_default_rlimits_clamped),
		cmocka_unit_test(test_oci_spec_build_ulimits_override),
		cmocka_unit_test(test_oci_spec_build_process_fields),
		cmocka_unit_test(test_oci_spec_build_process_errors),
		cmocka_unit_test(test_oci_spec_build_caps_add_drop),
		cmocka_unit_test(test_oci_spec_build_caps_all),
		cmocka_unit_test(test_oci_spec_build_privileged),
		cmocka_unit_test(test_oci_spec_build_privileged_device_mapping_wins),
		cmocka_unit_test(test_oci_spec_build_seccomp_and_masks),
		cmocka_unit_test(test_oci_spec_build_namespaces),
		cmocka_unit_test(test_oci_spec_build_namespace_errors),
		cmocka_unit_test(test_oci_spec_build_user_namespace),
		cmocka_unit_test(test_oci_spec_build_ipc_host_binds_shm),
		cmocka_unit_test(test_oci_spec_build_user_mounts),
		cmocka_unit_test(test_oci_spec_build_mounts_cleaned_and_sorted),
		cmocka_unit_test(test_oci_spec_build_mount_errors),
		cmocka_unit_test(test_oci_spec_build_sysctls),
		cmocka_unit_test(test_oci_spec_build_devices),
		cmocka_unit_test(test_oci_spec_build_annotations_hostname_cgroups),
		cmocka_unit_test(test_oci_spec_write_config_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
