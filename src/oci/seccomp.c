/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "oci/seccomp-profile.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const actions[] = {
	"SCMP_ACT_KILL",	"SCMP_ACT_KILL_PROCESS",
	"SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO",	"SCMP_ACT_TRACE",
	"SCMP_ACT_ALLOW",	"SCMP_ACT_LOG",
	"SCMP_ACT_NOTIFY",	NULL,
};

static const char *const ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	    "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

/* Docker's architecture names and the libseccomp ones (moby's nativeToSeccomp). */
static const struct {
	const char *native;
	const char *scmp;
} arches[] = {
	{ "x86", "SCMP_ARCH_X86" },
	{ "amd64", "SCMP_ARCH_X86_64" },
	{ "x32", "SCMP_ARCH_X32" },
	{ "arm", "SCMP_ARCH_ARM" },
	{ "arm64", "SCMP_ARCH_AARCH64" },
	{ "mips", "SCMP_ARCH_MIPS" },
	{ "mipsel", "SCMP_ARCH_MIPSEL" },
	{ "mips64", "SCMP_ARCH_MIPS64" },
	{ "mips64n32", "SCMP_ARCH_MIPS64N32" },
	{ "mipsel64", "SCMP_ARCH_MIPSEL64" },
	{ "mipsel64n32", "SCMP_ARCH_MIPSEL64N32" },
	{ "ppc", "SCMP_ARCH_PPC" },
	{ "ppc64", "SCMP_ARCH_PPC64" },
	{ "ppc64le", "SCMP_ARCH_PPC64LE" },
	{ "s390", "SCMP_ARCH_S390" },
	{ "s390x", "SCMP_ARCH_S390X" },
	{ "parisc", "SCMP_ARCH_PARISC" },
	{ "parisc64", "SCMP_ARCH_PARISC64" },
	{ "riscv64", "SCMP_ARCH_RISCV64" },
	{ "loong64", "SCMP_ARCH_LOONGARCH64" },
	{ "m68k", "SCMP_ARCH_M68K" },
	{ "sh", "SCMP_ARCH_SH" },
	{ "sheb", "SCMP_ARCH_SHEB" },
};

const char *oci_seccomp_arch_native(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__i386__)
	return "x86";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__powerpc__)
	return "ppc";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__s390__)
	return "s390";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__loongarch64)
	return "loong64";
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "mipsel64" : "mips64";
#elif defined(__mips__) && defined(_ABIN32) && _MIPS_SIM == _ABIN32
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "mipsel64n32" : "mips64n32";
#elif defined(__mips__)
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "mipsel" : "mips";
#else
	return "unknown";
#endif
}

const char *oci_seccomp_arch_to_scmp(const char *arch)
{
	for (size_t i = 0; arch && i < ELEMENTSOF(arches); i++)
		if (streq(arch, arches[i].native))
			return arches[i].scmp;
	return NULL;
}

static bool scmp_arch_valid(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(arches); i++)
		if (streq(s, arches[i].scmp))
			return true;
	return false;
}

static bool in_list(const char *const *list, const char *s)
{
	return strv_contains((char *const *)list, s);
}

/* "CAP_SYS_ADMIN", "cap_sys_admin" and "SYS_ADMIN" are one capability. */
static const char *cap_bare(const char *c)
{
	return strncasecmp(c, "CAP_", 4) == 0 ? c + 4 : c;
}

static bool caps_have(char *const *caps, const char *cap)
{
	STRV_FOREACH (c, caps)
		if (strcasecmp(cap_bare(*c), cap_bare(cap)) == 0)
			return true;
	return false;
}

/* "4.8", "6.1.0-18-amd64" → major and minor; -EINVAL when it does not start "N.N". */
static int kernel_parse(const char *s, unsigned *major, unsigned *minor)
{
	if (!s || s[0] < '0' || s[0] > '9' || sscanf(s, "%u.%u", major, minor) != 2)
		return -EINVAL;
	return 0;
}

struct match_ctx {
	char *const *caps;
	const char *arch;
	unsigned kmajor, kminor;
};

static bool kernel_at_least(const struct match_ctx *m, unsigned major, unsigned minor)
{
	return m->kmajor > major || (m->kmajor == major && m->kminor >= minor);
}

/* An array of non-empty strings, or absent/null (*ret NULL). */
static int strings_get(const json_t *obj, const char *key, const char *where, char ***ret,
		       struct sk_error **err)
{
	json_t *v = json_object_get(obj, key);
	size_t i;
	json_t *e;
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return sk_err_invalid(err, "%s%s: must be an array of strings", where, key);
	json_array_foreach (v, i, e) {
		if (!json_is_string(e) || isempty(json_string_value(e)))
			return sk_err_invalid(err, "%s%s[%zu]: must be a non-empty string", where,
					      key, i);
	}
	*ret = sk_json_to_strv(v);
	return 0;
}

/* includes/excludes of a rule: does it hold for this container? Validated either way. */
static int filter_eval(const json_t *rule, const char *key, const char *where,
		       const struct match_ctx *m, bool include, bool *ret, struct sk_error **err)
{
	json_t *f = json_object_get(rule, key);
	*ret = include;
	if (!f || json_is_null(f))
		return 0;
	if (!json_is_object(f))
		return sk_err_invalid(err, "%s%s: must be an object", where, key);
	_cleanup_free_ char *fwhere = xasprintf("%s%s.", where, key);
	_cleanup_strv_free_ char **caps = NULL, **arch_list = NULL;
	if (strings_get(f, "caps", fwhere, &caps, err) < 0 ||
	    strings_get(f, "arches", fwhere, &arch_list, err) < 0)
		return -EINVAL;
	json_t *mk = json_object_get(f, "minKernel");
	unsigned major = 0, minor = 0;
	bool has_mk = mk && !json_is_null(mk);
	if (has_mk && (!json_is_string(mk) || kernel_parse(json_string_value(mk), &major, &minor)))
		return sk_err_invalid(err, "%sminKernel: must be a version like \"4.8\"", fwhere);

	bool has_arches = strv_length(arch_list) > 0;
	bool arch_in = strv_contains(arch_list, m->arch);
	bool caps_all = true, caps_any = false;
	STRV_FOREACH (c, caps) {
		bool have = caps_have(m->caps, *c);
		caps_all = caps_all && have;
		caps_any = caps_any || have;
	}
	bool kernel_ok = !has_mk || kernel_at_least(m, major, minor);
	if (include) /* every condition must hold */
		*ret = (!has_arches || arch_in) && caps_all && kernel_ok;
	else /* any condition excludes the rule */
		*ret = arch_in || caps_any || (has_mk && kernel_ok);
	return 0;
}

static int uint_get(const json_t *obj, const char *key, const char *where, bool required,
		    uint64_t max, json_t **ret, struct sk_error **err)
{
	json_t *v = json_object_get(obj, key);
	*ret = NULL;
	if (!v && !required)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max) {
		if (max == INT64_MAX)
			return sk_err_invalid(err, "%s%s: must be a non-negative integer", where,
					      key);
		return sk_err_invalid(err, "%s%s: must be an integer from 0 to %" PRIu64, where,
				      key, max);
	}
	*ret = v;
	return 0;
}

static int args_convert(const json_t *rule, const char *where, json_t **ret, struct sk_error **err)
{
	json_t *args = json_object_get(rule, "args");
	size_t i;
	json_t *a;
	*ret = NULL;
	if (!args || json_is_null(args))
		return 0;
	if (!json_is_array(args))
		return sk_err_invalid(err, "%sargs: must be an array", where);
	_cleanup_json_ json_t *out = json_array();
	json_array_foreach (args, i, a) {
		_cleanup_free_ char *awhere = xasprintf("%sargs[%zu].", where, i);
		json_t *index, *value, *value_two;
		if (!json_is_object(a))
			return sk_err_invalid(err, "%sargs[%zu]: must be an object", where, i);
		if (uint_get(a, "index", awhere, true, 5, &index, err) < 0 ||
		    uint_get(a, "value", awhere, true, INT64_MAX, &value, err) < 0 ||
		    uint_get(a, "valueTwo", awhere, false, INT64_MAX, &value_two, err) < 0)
			return -EINVAL;
		const char *op = sk_json_str(a, "op");
		if (!op || !in_list(ops, op))
			return sk_err_invalid(err, "%sop: unknown comparison '%s'", awhere,
					      op ? op : "");
		json_t *o = json_pack("{s:O, s:O, s:s}", "index", index, "value", value, "op", op);
		if (value_two && json_integer_value(value_two) != 0)
			json_object_set(o, "valueTwo", value_two);
		json_array_append_new(out, o);
	}
	if (json_array_size(out) > 0)
		*ret = TAKE_PTR(out);
	return 0;
}

static int rule_convert(const json_t *rule, size_t idx, const struct match_ctx *m,
			json_t *out_syscalls, struct sk_error **err)
{
	_cleanup_free_ char *where = xasprintf("syscalls[%zu].", idx);
	if (!json_is_object(rule))
		return sk_err_invalid(err, "syscalls[%zu]: must be an object", idx);
	_cleanup_strv_free_ char **names = NULL;
	if (strings_get(rule, "names", where, &names, err) < 0)
		return -EINVAL;
	json_t *name = json_object_get(rule, "name");
	if (name && !json_is_null(name)) {
		if (names && names[0])
			return sk_err_invalid(err, "%sname: use either 'name' or 'names'", where);
		if (!json_is_string(name) || isempty(json_string_value(name)))
			return sk_err_invalid(err, "%sname: must be a non-empty string", where);
		strv_push(&names, json_string_value(name));
	}
	if (strv_length(names) == 0)
		return sk_err_invalid(err, "%snames: no system call named", where);
	const char *action = sk_json_str(rule, "action");
	if (!action || !in_list(actions, action))
		return sk_err_invalid(err, "%saction: unknown action '%s'", where,
				      action ? action : "");
	json_t *errno_ret = NULL, *args = NULL;
	if (uint_get(rule, "errnoRet", where, false, 4095, &errno_ret, err) < 0 ||
	    args_convert(rule, where, &args, err) < 0)
		return -EINVAL;
	_cleanup_json_ json_t *args_owned = args;
	bool included, excluded;
	if (filter_eval(rule, "includes", where, m, true, &included, err) < 0 ||
	    filter_eval(rule, "excludes", where, m, false, &excluded, err) < 0)
		return -EINVAL;
	if (!included || excluded)
		return 0;

	json_t *o = json_pack("{s:o, s:s}", "names", sk_json_from_strv(names), "action", action);
	if (errno_ret)
		json_object_set(o, "errnoRet", errno_ret);
	if (args_owned)
		json_object_set_new(o, "args", TAKE_PTR(args_owned));
	json_array_append_new(out_syscalls, o);
	return 0;
}

/* "architectures" as given, or the archMap entry of the target's architecture. */
static int arches_convert(const json_t *profile, const struct match_ctx *m, json_t *out,
			  struct sk_error **err)
{
	_cleanup_strv_free_ char **list = NULL;
	if (strings_get(profile, "architectures", "", &list, err) < 0)
		return -EINVAL;
	STRV_FOREACH (a, list)
		if (!scmp_arch_valid(*a))
			return sk_err_invalid(err, "architectures: unknown architecture '%s'", *a);
	json_t *map = json_object_get(profile, "archMap");
	if (map && !json_is_null(map) && !json_is_array(map))
		return sk_err_invalid(err, "archMap: must be an array");
	if (json_array_size(map) > 0 && strv_length(list) > 0)
		return sk_err_invalid(err, "use either 'architectures' or 'archMap'");

	const char *want = oci_seccomp_arch_to_scmp(m->arch);
	size_t i;
	json_t *e;
	json_array_foreach (map, i, e) {
		_cleanup_free_ char *where = xasprintf("archMap[%zu].", i);
		_cleanup_strv_free_ char **subs = NULL;
		const char *arch = sk_json_str(e, "architecture");
		if (!arch || !scmp_arch_valid(arch))
			return sk_err_invalid(err, "%sarchitecture: unknown architecture '%s'",
					      where, arch ? arch : "");
		if (strings_get(e, "subArchitectures", where, &subs, err) < 0)
			return -EINVAL;
		STRV_FOREACH (s, subs)
			if (!scmp_arch_valid(*s))
				return sk_err_invalid(
					err, "%ssubArchitectures: unknown architecture '%s'", where,
					*s);
		if (want && streq(arch, want) && strv_length(list) == 0) {
			strv_push(&list, arch);
			STRV_FOREACH (s, subs)
				strv_push(&list, *s);
		}
	}
	if (strv_length(list) > 0)
		json_object_set_new(out, "architectures", sk_json_from_strv(list));
	return 0;
}

/* flags, listenerPath and listenerMetadata pass through, checked. */
static int extras_convert(const json_t *profile, json_t *out, struct sk_error **err)
{
	_cleanup_strv_free_ char **fl = NULL;
	if (strings_get(profile, "flags", "", &fl, err) < 0)
		return -EINVAL;
	STRV_FOREACH (f, fl)
		if (!in_list(flags, *f))
			return sk_err_invalid(err, "flags: unknown flag '%s'", *f);
	if (strv_length(fl) > 0)
		json_object_set_new(out, "flags", sk_json_from_strv(fl));
	static const char *const strs[] = { "listenerPath", "listenerMetadata" };
	for (size_t i = 0; i < ELEMENTSOF(strs); i++) {
		json_t *v = json_object_get(profile, strs[i]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v))
			return sk_err_invalid(err, "%s: must be a string", strs[i]);
		json_object_set(out, strs[i], v);
	}
	return 0;
}

static int match_ctx_init(const struct oci_seccomp_target *t, struct match_ctx *m,
			  struct sk_error **err)
{
	struct utsname u;
	const char *kernel = t ? t->kernel : NULL;
	*m = (struct match_ctx){ .caps = t ? t->caps : NULL,
				 .arch = t && t->arch ? t->arch : oci_seccomp_arch_native() };
	if (!kernel) {
		if (uname(&u) < 0)
			return sk_err_system(err, errno, "uname: %s", strerror(errno));
		kernel = u.release;
	}
	if (kernel_parse(kernel, &m->kmajor, &m->kminor) < 0)
		return sk_err_invalid(err, "kernel version '%s': expected N.N", kernel);
	return 0;
}

int oci_seccomp_convert(const json_t *profile, const struct oci_seccomp_target *target,
			json_t **ret, struct sk_error **err)
{
	struct match_ctx m;
	int r = match_ctx_init(target, &m, err);
	if (r < 0)
		return r;
	if (!json_is_object(profile))
		return sk_err_invalid(err, "must be a JSON object");
	const char *def = sk_json_str(profile, "defaultAction");
	if (!def)
		return sk_err_invalid(err, "defaultAction: missing");
	if (!in_list(actions, def))
		return sk_err_invalid(err, "defaultAction: unknown action '%s'", def);

	_cleanup_json_ json_t *out = json_pack("{s:s}", "defaultAction", def);
	json_t *def_errno = NULL;
	if (uint_get(profile, "defaultErrnoRet", "", false, 4095, &def_errno, err) < 0)
		return -EINVAL;
	if (def_errno)
		json_object_set(out, "defaultErrnoRet", def_errno);
	if (arches_convert(profile, &m, out, err) < 0 || extras_convert(profile, out, err) < 0)
		return -EINVAL;

	json_t *rules = json_object_get(profile, "syscalls");
	if (rules && !json_is_null(rules) && !json_is_array(rules))
		return sk_err_invalid(err, "syscalls: must be an array");
	json_t *syscalls = json_array();
	json_object_set_new(out, "syscalls", syscalls);
	size_t i;
	json_t *rule;
	json_array_foreach (rules, i, rule) {
		if (rule_convert(rule, i, &m, syscalls, err) < 0)
			return -EINVAL;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int oci_seccomp_default(char *const *caps, json_t **ret, struct sk_error **err)
{
	_cleanup_json_ json_t *profile = oci_seccomp_default_profile_build();
	struct oci_seccomp_target t = { .caps = caps };
	int r = oci_seccomp_convert(profile, &t, ret, err);
	if (r < 0)
		return sk_error_wrap(err, "default seccomp profile");
	return 0;
}

int oci_seccomp_from_file(const char *path, char *const *caps, json_t **ret, struct sk_error **err)
{
	_cleanup_free_ char *text = NULL, *reason = NULL;
	size_t len = 0;
	int r = fs_read_file(path, OCI_SECCOMP_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return sk_err_notfound(err, "opening seccomp profile failed: open %s: %s", path,
				       strerror_go(ENOENT));
	if (r == -EFBIG)
		return sk_error_set(err, SK_ERR_INVALID, EFBIG,
				    "seccomp profile '%s': larger than %zu MiB", path,
				    OCI_SECCOMP_FILE_MAX >> 20);
	if (r < 0)
		return sk_err_system(err, r, "seccomp profile '%s': %s", path, strerror(-r));
	_cleanup_json_ json_t *profile = sk_json_parse(text, len, &reason);
	if (!profile)
		return sk_err_invalid(err, "seccomp profile '%s': invalid JSON: %s", path, reason);
	struct oci_seccomp_target t = { .caps = caps };
	r = oci_seccomp_convert(profile, &t, ret, err);
	if (r < 0)
		return sk_error_wrap(err, "seccomp profile '%s'", path);
	return 0;
}

int oci_seccomp_resolve(const char *option, char *const *caps, json_t **ret, struct sk_error **err)
{
	if (isempty(option))
		return oci_seccomp_default(caps, ret, err);
	if (streq(option, "unconfined")) {
		*ret = NULL;
		return 0;
	}
	return oci_seccomp_from_file(option, caps, ret, err);
}
