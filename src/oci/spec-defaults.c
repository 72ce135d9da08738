/* SPDX-License-Identifier: Apache-2.0 */
#include "spec-defaults.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

const char *const oci_caps_default[] = {
	"CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",	 "CAP_FSETID",
	"CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",	 "CAP_SETGID",
	"CAP_SETPCAP", "CAP_SETUID",	       "CAP_SYS_CHROOT", NULL,
};

const char *const oci_masked_paths_default[] = {
	"/proc/acpi",	    "/proc/kcore",	 "/proc/keys",	      "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware",    "/sys/fs/selinux",	 "/sys/dev/block",    NULL,
};

const char *const oci_readonly_paths_default[] = {
	"/proc/asound", "/proc/bus",	       "/proc/fs", "/proc/irq",
	"/proc/sys",	"/proc/sysrq-trigger", NULL,
};

const char *const oci_env_default[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm",
	NULL,
};

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"CHOWN",
	"DAC_OVERRIDE",
	"DAC_READ_SEARCH",
	"FOWNER",
	"FSETID",
	"KILL",
	"SETGID",
	"SETUID",
	"SETPCAP",
	"LINUX_IMMUTABLE",
	"NET_BIND_SERVICE",
	"NET_BROADCAST",
	"NET_ADMIN",
	"NET_RAW",
	"IPC_LOCK",
	"IPC_OWNER",
	"SYS_MODULE",
	"SYS_RAWIO",
	"SYS_CHROOT",
	"SYS_PTRACE",
	"SYS_PACCT",
	"SYS_ADMIN",
	"SYS_BOOT",
	"SYS_NICE",
	"SYS_RESOURCE",
	"SYS_TIME",
	"SYS_TTY_CONFIG",
	"MKNOD",
	"LEASE",
	"AUDIT_WRITE",
	"AUDIT_CONTROL",
	"SETFCAP",
	"MAC_OVERRIDE",
	"MAC_ADMIN",
	"SYSLOG",
	"WAKE_ALARM",
	"BLOCK_SUSPEND",
	"AUDIT_READ",
	"PERFMON",
	"BPF",
	"CHECKPOINT_RESTORE",
};

const char *oci_cap_name(unsigned n)
{
	return n < ELEMENTSOF(cap_names) ? cap_names[n] : NULL;
}

int oci_cap_normalize(const char *name, char **ret)
{
	const char *bare = name;
	if (strncasecmp(bare, "CAP_", 4) == 0)
		bare += 4;
	for (size_t i = 0; i < ELEMENTSOF(cap_names); i++) {
		if (strcasecmp(bare, cap_names[i]) == 0) {
			*ret = xasprintf("CAP_%s", cap_names[i]);
			return 0;
		}
	}
	return -EINVAL;
}

char **oci_caps_all(void)
{
	char **all = NULL;
	for (size_t i = 0; i < ELEMENTSOF(cap_names); i++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0);
		if (r < 0)
			break; /* beyond the kernel's last capability */
		if (r == 1)
			strv_pushf(&all, "CAP_%s", cap_names[i]);
	}
	return all ? all : xnew(char *, 1);
}

static bool list_has_all(char *const *v)
{
	STRV_FOREACH (s, v)
		if (strcasecmp(*s, "ALL") == 0)
			return true;
	return false;
}

/* podman's wording: "\"CAP_BOGUS\": unknown capability". */
static int unknown_cap(const char *name, struct sk_error **err)
{
	_cleanup_free_ char *up =
		xasprintf("%s%s", strncasecmp(name, "CAP_", 4) ? "CAP_" : "", name);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return sk_err_invalid(err, "\"%s\": unknown capability", up);
}

/* Normalise every name of v; on success *ret is a new strv. */
static int caps_normalize_list(char *const *v, const char *flag, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **out = NULL;
	STRV_FOREACH (s, v) {
		if (strcasecmp(*s, "ALL") == 0)
			continue;
		char *c = NULL;
		if (oci_cap_normalize(*s, &c) < 0)
			return unknown_cap(*s, err);
		strv_push_take(&out, c);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int oci_caps_compute(bool privileged, char *const *cap_add, char *const *cap_drop, char ***ret,
		     struct sk_error **err)
{
	_cleanup_strv_free_ char **add = NULL, **drop = NULL, **caps = NULL;
	if (caps_normalize_list(cap_add, "cap-add", &add, err) < 0 ||
	    caps_normalize_list(cap_drop, "cap-drop", &drop, err) < 0)
		return sk_error_ret(*err);
	if (privileged || list_has_all(cap_add))
		caps = oci_caps_all();
	else
		caps = strv_copy((char *const *)oci_caps_default);
	STRV_FOREACH (s, add)
		if (!strv_contains(caps, *s))
			strv_push(&caps, *s);
	if (list_has_all(cap_drop)) {
		/* --cap-drop ALL keeps only what is added explicitly */
		strv_free(caps);
		caps = strv_copy(add);
	} else {
		STRV_FOREACH (s, drop)
			strv_remove(caps, *s);
	}
	if (!caps)
		caps = xnew(char *, 1);
	*ret = TAKE_PTR(caps);
	return 0;
}

static const struct {
	const char *name;
	const char *type;
	int resource;
} rlimit_names[] = {
	{ "core", "RLIMIT_CORE", RLIMIT_CORE },
	{ "cpu", "RLIMIT_CPU", RLIMIT_CPU },
	{ "data", "RLIMIT_DATA", RLIMIT_DATA },
	{ "fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "locks", "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "nice", "RLIMIT_NICE", RLIMIT_NICE },
	{ "nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "nproc", "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "rss", "RLIMIT_RSS", RLIMIT_RSS },
	{ "rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "stack", "RLIMIT_STACK", RLIMIT_STACK },
	{ "as", "RLIMIT_AS", RLIMIT_AS },
};

static int rlimit_value_parse(const char *s, uint64_t *ret)
{
	if (streq(s, "-1") || streq(s, "unlimited")) {
		*ret = UINT64_MAX;
		return 0;
	}
	return parse_uint64(s, ret);
}

int oci_ulimit_parse(const char *text, struct oci_rlimit *ret, struct sk_error **err)
{
	const char *eq = strchr(text, '=');
	if (!eq || eq == text)
		return sk_err_invalid(err,
				      "ulimit option \"%s\" requires name=SOFT:HARD, failed to be "
				      "parsed: invalid ulimit argument: %s",
				      text, text);
	_cleanup_free_ char *name = xstrndup(text, (size_t)(eq - text));
	const char *type = NULL;
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
		if (strcasecmp(name, rlimit_names[i].name) == 0)
			type = rlimit_names[i].type;
	if (!type)
		return sk_err_invalid(err,
				      "ulimit option \"%s\" requires name=SOFT:HARD, failed to be "
				      "parsed: invalid ulimit type: %s",
				      text, name);
	_cleanup_free_ char *soft_s = xstrdup(eq + 1);
	char *colon = strchr(soft_s, ':');
	const char *hard_s = soft_s;
	if (colon) {
		*colon = '\0';
		hard_s = colon + 1;
	}
	uint64_t soft, hard;
	if (rlimit_value_parse(soft_s, &soft) < 0 || rlimit_value_parse(hard_s, &hard) < 0)
		return sk_err_invalid(err, "ulimit '%s': invalid value", text);
	if (soft > hard)
		return sk_err_invalid(err,
				      "ulimit '%s': soft limit %s is larger than hard limit %s",
				      text, soft_s, hard_s);
	*ret = (struct oci_rlimit){ .type = xstrdup(type), .soft = soft, .hard = hard };
	return 0;
}

void oci_rlimit_release(struct oci_rlimit *r)
{
	if (!r)
		return;
	free(r->type);
	r->type = NULL;
}

uint64_t oci_rlimit_host_hard(const char *type)
{
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++) {
		struct rlimit rl;
		if (!streq(type, rlimit_names[i].type))
			continue;
		if (getrlimit(rlimit_names[i].resource, &rl) < 0 || rl.rlim_max == RLIM_INFINITY)
			return UINT64_MAX;
		return (uint64_t)rl.rlim_max;
	}
	return UINT64_MAX;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strneq(s, prefix, strlen(prefix));
}

int oci_sysctl_validate(const char *name, bool host_net, bool host_ipc, bool host_uts,
			struct sk_error **err)
{
	bool ipc = streq(name, "kernel.sem") || has_prefix(name, "kernel.msg") ||
		   has_prefix(name, "kernel.shm") || has_prefix(name, "fs.mqueue.");
	if (ipc) {
		if (host_ipc)
			return sk_err_invalid(
				err, "sysctl '%s': not allowed with the host IPC namespace", name);
		return 0;
	}
	if (streq(name, "kernel.domainname") || streq(name, "kernel.hostname")) {
		if (host_uts)
			return sk_err_invalid(
				err, "sysctl '%s': not allowed with the host UTS namespace", name);
		return 0;
	}
	if (has_prefix(name, "net.")) {
		if (host_net)
			return sk_err_invalid(err, "sysctl '%s': not allowed with the host network",
					      name);
		return 0;
	}
	return sk_err_invalid(
		err, "sysctl '%s': not whitelisted, only namespaced sysctls may be set", name);
}

static bool access_valid(const char *s)
{
	if (!*s || strlen(s) > 3)
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("rwm", *p) || strchr(p + 1, *p))
			return false;
	return true;
}

int oci_device_parse(const char *text, struct oci_device *ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **parts = strv_split(text, ":", false);
	size_t n = strv_length(parts);
	if (n == 0 || n > 3 || isempty(parts[0]))
		return sk_err_invalid(err, "device '%s': expected host[:container][:permissions]",
				      text);
	const char *cpath = parts[0], *access = "rwm";
	if (n == 2 && parts[1][0] != '/')
		access = parts[1];
	else if (n >= 2)
		cpath = parts[1];
	if (n == 3)
		access = parts[2];
	if (parts[0][0] != '/' || cpath[0] != '/')
		return sk_err_invalid(err, "device '%s': paths must be absolute", text);
	if (!access_valid(access))
		return sk_err_invalid(err, "device '%s': invalid permissions '%s'", text, access);
	struct stat st;
	if (stat(parts[0], &st) < 0)
		return sk_err_system(err, errno, "device '%s': stat '%s': %s", text, parts[0],
				     strerror(errno));
	char type = S_ISCHR(st.st_mode)	   ? 'c'
		    : S_ISBLK(st.st_mode)  ? 'b'
		    : S_ISFIFO(st.st_mode) ? 'p'
					   : 0;
	if (!type)
		return sk_err_invalid(err, "device '%s': '%s' is not a device node", text,
				      parts[0]);
	*ret = (struct oci_device){
		.host_path = xstrdup(parts[0]),
		.path = xstrdup(cpath),
		.type = type,
		.major = type == 'p' ? 0 : (int64_t)major(st.st_rdev),
		.minor = type == 'p' ? 0 : (int64_t)minor(st.st_rdev),
		.file_mode = st.st_mode & 07777,
	};
	memcpy(ret->access, access, strlen(access) + 1);
	return 0;
}

void oci_device_release(struct oci_device *d)
{
	if (!d)
		return;
	free(d->host_path);
	free(d->path);
	d->host_path = d->path = NULL;
}

static bool host_dev_skipped(const char *name, bool is_dir)
{
	static const char *const dirs[] = { "pts", "shm", "mqueue" };
	static const char *const nodes[] = { "console", "ptmx", "tty" };
	const char *const *list = is_dir ? dirs : nodes;
	for (size_t i = 0; i < 3; i++)
		if (streq(name, list[i]))
			return true;
	return false;
}

static void host_devices_walk(const char *dir, const char *cdir, int depth, struct oci_device **v,
			      size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *path = path_join(dir, de->d_name);
		_cleanup_free_ char *cpath = path_join(cdir, de->d_name);
		if (lstat(path, &st) < 0 || host_dev_skipped(de->d_name, S_ISDIR(st.st_mode)))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 4)
			host_devices_walk(path, cpath, depth + 1, v, n);
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = (struct oci_device){
			.host_path = xstrdup(path),
			.path = xstrdup(cpath),
			.type = S_ISCHR(st.st_mode) ? 'c' : 'b',
			.major = (int64_t)major(st.st_rdev),
			.minor = (int64_t)minor(st.st_rdev),
			.file_mode = st.st_mode & 07777,
			.access = "rwm",
		};
	}
	closedir(d);
}

void oci_devices_host_list(const char *dir, struct oci_device **ret, size_t *ret_n)
{
	struct oci_device *v = NULL;
	size_t n = 0;
	host_devices_walk(dir, "/dev", 0, &v, &n);
	*ret = v;
	*ret_n = n;
}

void oci_devices_free(struct oci_device *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		oci_device_release(&v[i]);
	free(v);
}
