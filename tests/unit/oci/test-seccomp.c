/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "oci/seccomp-profile.h"
#include "oci/seccomp.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CLONE_NS_FLAGS 2114060288

static char *no_caps[] = { NULL };
static char *sys_admin[] = { "CAP_CHOWN", "CAP_SYS_ADMIN", NULL };

static bool names_have(const json_t *rule, const char *name)
{
	size_t i;
	json_t *n;
	json_array_foreach (json_object_get(rule, "names"), i, n) {
		if (streq(json_string_value(n), name))
			return true;
	}
	return false;
}

/* The nth rule (from 0) that names the system call, or NULL. */
static json_t *rule_find(const json_t *seccomp, const char *name, size_t nth)
{
	size_t i;
	json_t *r;
	json_array_foreach (json_object_get(seccomp, "syscalls"), i, r) {
		if (names_have(r, name) && nth-- == 0)
			return r;
	}
	return NULL;
}

/* Allowed whatever its arguments: an ALLOW rule without conditions names it. */
static bool allowed_always(const json_t *seccomp, const char *name)
{
	json_t *r;
	for (size_t n = 0; (r = rule_find(seccomp, name, n)); n++)
		if (streq(sk_json_str(r, "action"), "SCMP_ACT_ALLOW") &&
		    !json_object_get(r, "args"))
			return true;
	return false;
}

static json_t *default_ok(char **caps)
{
	json_t *s = NULL;
	struct sk_error *err = NULL;
	if (oci_seccomp_default(caps, &s, &err) < 0)
		fail_msg("oci_seccomp_default: %s", err->msg);
	assert_non_null(s);
	return s;
}

static json_t *convert_ok(const char *text, const struct oci_seccomp_target *t)
{
	_cleanup_json_ json_t *profile = sk_json_parse(text, strlen(text), NULL);
	json_t *s = NULL;
	struct sk_error *err = NULL;
	assert_non_null(profile);
	if (oci_seccomp_convert(profile, t, &s, &err) < 0)
		fail_msg("oci_seccomp_convert: %s", err->msg);
	return s;
}

static void convert_fails(const char *text, const char *msg_part)
{
	_cleanup_json_ json_t *profile = sk_json_parse(text, strlen(text), NULL);
	json_t *s = NULL;
	struct sk_error *err = NULL;
	struct oci_seccomp_target t = { .arch = "amd64", .kernel = "6.1" };
	assert_non_null(profile);
	assert_true(oci_seccomp_convert(profile, &t, &s, &err) < 0);
	assert_null(s);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	if (!strstr(err->msg, msg_part))
		fail_msg("'%s' does not contain '%s'", err->msg, msg_part);
	sk_error_free(err);
}

static void test_oci_seccomp_default_action_errno_arches(void **state)
{
	(void)state;
	_cleanup_json_ json_t *s = default_ok(no_caps);
	assert_string_equal(sk_json_str(s, "defaultAction"), "SCMP_ACT_ERRNO");
	assert_int_equal(sk_json_int(s, "defaultErrnoRet", -1), EPERM);
	if (streq(oci_seccomp_arch_native(), "amd64")) {
		_cleanup_strv_free_ char **a = sk_json_to_strv(json_object_get(s, "architectures"));
		assert_int_equal(strv_length(a), 3);
		assert_string_equal(a[0], "SCMP_ARCH_X86_64");
		assert_string_equal(a[1], "SCMP_ARCH_X86");
		assert_string_equal(a[2], "SCMP_ARCH_X32");
	}
}

static void test_oci_seccomp_default_allows_basics(void **state)
{
	(void)state;
	_cleanup_json_ json_t *s = default_ok(NULL);
	const char *calls[] = { "read", "write", "exit_group", "execve", "openat", "futex_wake" };
	for (size_t i = 0; i < ELEMENTSOF(calls); i++)
		if (!allowed_always(s, calls[i]))
			fail_msg("'%s' is not allowed", calls[i]);
	/* never allowed by default */
	assert_null(rule_find(s, "kexec_load", 0));
	assert_null(rule_find(s, "keyctl", 0));
	assert_null(rule_find(s, "reboot", 0));
	/* socket: anything but AF_VSOCK */
	json_t *sock = rule_find(s, "socket", 0);
	assert_non_null(sock);
	json_t *arg = json_array_get(json_object_get(sock, "args"), 0);
	assert_string_equal(sk_json_str(arg, "op"), "SCMP_CMP_NE");
	assert_int_equal(sk_json_int(arg, "value", -1), 40);
	/* personality: five exact values */
	assert_non_null(rule_find(s, "personality", 4));
	assert_null(rule_find(s, "personality", 5));
}

static void test_oci_seccomp_default_mount_needs_sys_admin(void **state)
{
	(void)state;
	_cleanup_json_ json_t *plain = default_ok(no_caps);
	_cleanup_json_ json_t *admin = default_ok(sys_admin);
	const char *calls[] = { "mount", "umount2", "unshare", "setns", "sethostname", "bpf" };
	for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
		assert_null(rule_find(plain, calls[i], 0));
		assert_true(allowed_always(admin, calls[i]));
	}
}

static void test_oci_seccomp_default_clone_args(void **state)
{
	(void)state;
	_cleanup_json_ json_t *plain = default_ok(no_caps);
	json_t *clone = rule_find(plain, "clone", 0);
	assert_non_null(clone);
	assert_null(rule_find(plain, "clone", 1));
	assert_string_equal(sk_json_str(clone, "action"), "SCMP_ACT_ALLOW");
	json_t *args = json_object_get(clone, "args");
	assert_int_equal(json_array_size(args), 1);
	json_t *a = json_array_get(args, 0);
	assert_int_equal(sk_json_int(a, "index", -1), 0);
	assert_int_equal(sk_json_int(a, "value", -1), CLONE_NS_FLAGS);
	assert_string_equal(sk_json_str(a, "op"), "SCMP_CMP_MASKED_EQ");

	_cleanup_json_ json_t *admin = default_ok(sys_admin);
	assert_true(allowed_always(admin, "clone"));
	assert_null(rule_find(admin, "clone", 1));
}

static void test_oci_seccomp_default_clone3_enosys(void **state)
{
	(void)state;
	_cleanup_json_ json_t *plain = default_ok(no_caps);
	json_t *c3 = rule_find(plain, "clone3", 0);
	assert_non_null(c3);
	assert_null(rule_find(plain, "clone3", 1));
	assert_string_equal(sk_json_str(c3, "action"), "SCMP_ACT_ERRNO");
	assert_int_equal(sk_json_int(c3, "errnoRet", -1), ENOSYS);

	_cleanup_json_ json_t *admin = default_ok(sys_admin);
	assert_true(allowed_always(admin, "clone3"));
	assert_null(rule_find(admin, "clone3", 1));
}

static void test_oci_seccomp_default_cap_groups(void **state)
{
	(void)state;
	static const struct {
		const char *cap;
		const char *call;
	} groups[] = {
		{ "CAP_SYS_PTRACE", "kcmp" },
		{ "CAP_SYS_MODULE", "finit_module" },
		{ "CAP_SYS_BOOT", "reboot" },
		{ "CAP_SYSLOG", "syslog" },
		{ "CAP_SYS_TIME", "clock_settime" },
		{ "CAP_SYS_NICE", "mbind" },
		{ "CAP_SYS_RAWIO", "iopl" },
		{ "CAP_SYS_PACCT", "acct" },
		{ "CAP_SYS_CHROOT", "chroot" },
		{ "CAP_BPF", "bpf" },
		{ "CAP_PERFMON", "perf_event_open" },
		{ "sys_tty_config", "vhangup" },
		{ "dac_read_search", "open_by_handle_at" },
	};
	_cleanup_json_ json_t *plain = default_ok(no_caps);
	for (size_t i = 0; i < ELEMENTSOF(groups); i++) {
		char *caps[] = { (char *)groups[i].cap, NULL };
		_cleanup_json_ json_t *s = default_ok(caps);
		if (!allowed_always(s, groups[i].call))
			fail_msg("%s does not allow '%s'", groups[i].cap, groups[i].call);
		assert_null(rule_find(plain, groups[i].call, 0));
	}
}

static void test_oci_seccomp_convert_arches_and_kernel(void **state)
{
	(void)state;
	_cleanup_json_ json_t *profile = oci_seccomp_default_profile_build();
	_cleanup_free_ char *text = sk_json_dump(profile, 0);
	struct oci_seccomp_target arm = { .arch = "arm64", .kernel = "6.1.0-18-arm64" };
	_cleanup_json_ json_t *a = convert_ok(text, &arm);
	_cleanup_strv_free_ char **archs = sk_json_to_strv(json_object_get(a, "architectures"));
	assert_int_equal(strv_length(archs), 2);
	assert_string_equal(archs[0], "SCMP_ARCH_AARCH64");
	assert_string_equal(archs[1], "SCMP_ARCH_ARM");
	assert_true(allowed_always(a, "cacheflush"));
	assert_null(rule_find(a, "arch_prctl", 0));

	struct oci_seccomp_target s390 = { .arch = "s390x", .kernel = "4.4" };
	_cleanup_json_ json_t *z = convert_ok(text, &s390);
	json_t *clone = rule_find(z, "clone", 0);
	assert_null(rule_find(z, "clone", 1));
	assert_int_equal(
		sk_json_int(json_array_get(json_object_get(clone, "args"), 0), "index", -1), 1);
	/* before 4.8, ptrace only with CAP_SYS_PTRACE */
	assert_null(rule_find(z, "ptrace", 0));
	assert_true(allowed_always(z, "s390_runtime_instr"));

	struct oci_seccomp_target ppc = { .arch = "ppc64le", .kernel = "5.10" };
	_cleanup_json_ json_t *p = convert_ok(text, &ppc);
	assert_null(json_object_get(p, "architectures"));
	assert_true(allowed_always(p, "swapcontext"));
	assert_true(allowed_always(p, "ptrace"));
}

static char *tmp_write(const char *content)
{
	char *dir = NULL;
	assert_int_equal(fs_mkdtemp_in("/tmp", "selkie-test-seccomp-", &dir), 0);
	char *path = path_join(dir, "profile.json");
	free(dir);
	assert_int_equal(fs_write_atomic(path, content, strlen(content), 0644), 0);
	return path;
}

static void tmp_remove(char *path)
{
	_cleanup_free_ char *dir = path_dirname(path);
	fs_rm_rf(dir);
	free(path);
}

static const char docker_profile[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
	" \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
	"   \"subArchitectures\": [\"SCMP_ARCH_X86\"]},"
	"  {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": null}],"
	" \"syscalls\": ["
	"  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"io\"},"
	"  {\"name\": \"getpid\", \"action\": \"SCMP_ACT_ALLOW\", \"args\": []},"
	"  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	"  {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38,"
	"   \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	"  {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {},"
	"   \"args\": [{\"index\": 1, \"value\": 9, \"valueTwo\": 0, \"op\": \"SCMP_CMP_NE\"}]},"
	"  {\"names\": [\"cacheflush\"], \"action\": \"SCMP_ACT_ALLOW\","
	"   \"includes\": {\"arches\": [\"arm64\"]}}"
	" ]}";

static void test_oci_seccomp_from_file_docker_format(void **state)
{
	(void)state;
	char *path = tmp_write(docker_profile);
	_cleanup_json_ json_t *plain = NULL, *admin = NULL;
	assert_int_equal(oci_seccomp_from_file(path, no_caps, &plain, NULL), 0);
	assert_int_equal(oci_seccomp_from_file(path, sys_admin, &admin, NULL), 0);
	tmp_remove(path);

	assert_int_equal(sk_json_int(plain, "defaultErrnoRet", -1), 1);
	assert_true(allowed_always(plain, "read"));
	assert_true(allowed_always(plain, "getpid"));
	assert_null(rule_find(plain, "mount", 0));
	assert_int_equal(sk_json_int(rule_find(plain, "unshare", 0), "errnoRet", -1), ENOSYS);
	if (streq(oci_seccomp_arch_native(), "amd64")) {
		_cleanup_free_ char *a = sk_json_dump(json_object_get(plain, "architectures"), 0);
		assert_string_equal(a, "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"]");
		assert_null(rule_find(plain, "cacheflush", 0));
	}
	json_t *kill = rule_find(plain, "kill", 0);
	json_t *arg = json_array_get(json_object_get(kill, "args"), 0);
	assert_int_equal(sk_json_int(arg, "index", -1), 1);
	assert_null(json_object_get(arg, "valueTwo"));
	assert_null(json_object_get(rule_find(plain, "read", 0), "comment"));
	assert_null(json_object_get(rule_find(plain, "read", 0), "includes"));

	assert_true(allowed_always(admin, "mount"));
	assert_null(rule_find(admin, "unshare", 0));

	struct oci_seccomp_target arm = { .arch = "arm64", .kernel = "5.15" };
	_cleanup_json_ json_t *a = convert_ok(docker_profile, &arm);
	_cleanup_free_ char *arches = sk_json_dump(json_object_get(a, "architectures"), 0);
	assert_string_equal(arches, "[\"SCMP_ARCH_AARCH64\"]");
	assert_true(allowed_always(a, "cacheflush"));
}

static void test_oci_seccomp_from_file_oci_format(void **state)
{
	(void)state;
	static const char oci[] =
		"{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\","
		" \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_AARCH64\"],"
		" \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
		" \"syscalls\": [{\"names\": [\"read\", \"exit_group\"], \"action\": "
		"\"SCMP_ACT_ALLOW\"},"
		"  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 97,"
		"   \"args\": [{\"index\": 0, \"value\": 10, \"valueTwo\": 3, \"op\": "
		"\"SCMP_CMP_EQ\"}]}]}";
	char *path = tmp_write(oci);
	_cleanup_json_ json_t *s = NULL;
	_cleanup_json_ json_t *want = sk_json_parse(oci, strlen(oci), NULL);
	assert_int_equal(oci_seccomp_from_file(path, NULL, &s, NULL), 0);
	tmp_remove(path);
	if (!json_equal(s, want)) {
		_cleanup_free_ char *got = sk_json_dump(s, JSON_SORT_KEYS);
		fail_msg("OCI profile changed: %s", got);
	}
}

static void expect_file_error(const char *path, enum sk_error_kind kind, const char *msg_part)
{
	json_t *s = NULL;
	struct sk_error *err = NULL;
	assert_true(oci_seccomp_from_file(path, NULL, &s, &err) < 0);
	assert_null(s);
	assert_non_null(err);
	assert_int_equal(err->kind, kind);
	_cleanup_free_ char *prefix = xasprintf("seccomp profile '%s': ", path);
	/* a missing file is worded as podman words it */
	_cleanup_free_ char *missing = xasprintf("opening seccomp profile failed: open %s: ", path);
	if ((!strneq(err->msg, prefix, strlen(prefix)) &&
	     !strneq(err->msg, missing, strlen(missing))) ||
	    !strstr(err->msg, msg_part))
		fail_msg("unexpected message '%s'", err->msg);
	sk_error_free(err);
}

static void test_oci_seccomp_from_file_errors(void **state)
{
	(void)state;
	expect_file_error("/nonexistent/seccomp.json", SK_ERR_NOTFOUND, "no such file");

	char *path = tmp_write("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [");
	expect_file_error(path, SK_ERR_INVALID, "invalid JSON: line 1");
	tmp_remove(path);

	path = tmp_write("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
			 "[\"read\"], \"action\": \"SCMP_ACT_ALOW\"}]}");
	expect_file_error(path, SK_ERR_INVALID,
			  "syscalls[0].action: unknown action 'SCMP_ACT_ALOW'");
	tmp_remove(path);

	path = tmp_write("{}");
	_cleanup_free_ char *dir = path_dirname(path);
	expect_file_error(path, SK_ERR_INVALID, "defaultAction: missing");
	expect_file_error(dir, SK_ERR_SYSTEM, "directory");

	/* one byte over the limit */
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)OCI_SECCOMP_FILE_MAX + 1), 0);
	close(fd);
	expect_file_error(path, SK_ERR_INVALID, "larger than 4 MiB");
	tmp_remove(path);
}

static void test_oci_seccomp_convert_rejects_bad_fields(void **state)
{
	(void)state;
	convert_fails("[]", "must be a JSON object");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "defaultAction: unknown action");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
		      "defaultErrnoRet: must be an integer");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		      "[\"SCMP_ARCH_X86_64\"], \"archMap\": [{\"architecture\": "
		      "\"SCMP_ARCH_X86_64\"}]}",
		      "use either 'architectures' or 'archMap'");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"x86_64\"]}",
		      "unknown architecture 'x86_64'");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"read\", "
		      "\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		      "syscalls[0].name: use either 'name' or 'names'");
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [], "
		      "\"action\": \"SCMP_ACT_ALLOW\"}]}",
		      "syscalls[0].names: no system call named");
	convert_fails(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"kill\"], "
		"\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, "
		"\"op\": \"SCMP_CMP_EQ\"}]}]}",
		"syscalls[0].args[0].index: must be an integer from 0 to 5");
	convert_fails(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"kill\"], "
		"\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, "
		"\"op\": \"EQ\"}]}]}",
		"syscalls[0].args[0].op: unknown comparison 'EQ'");
	/* a rule filtered out is still checked */
	convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"m\"], "
		      "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_X\"], "
		      "\"minKernel\": \"new\"}}]}",
		      "syscalls[0].includes.minKernel: must be a version");
}

static void test_oci_seccomp_resolve_option(void **state)
{
	(void)state;
	json_t *s = (json_t *)1;
	assert_int_equal(oci_seccomp_resolve("unconfined", NULL, &s, NULL), 0);
	assert_null(s);
	assert_int_equal(oci_seccomp_resolve(NULL, NULL, &s, NULL), 0);
	assert_string_equal(sk_json_str(s, "defaultAction"), "SCMP_ACT_ERRNO");
	json_decref(s);
	s = NULL;
	struct sk_error *err = NULL;
	assert_true(oci_seccomp_resolve("/nonexistent.json", NULL, &s, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_seccomp_default_action_errno_arches),
		cmocka_unit_test(test_oci_seccomp_default_allows_basics),
		cmocka_unit_test(test_oci_seccomp_default_mount_needs_sys_admin),
		cmocka_unit_test(test_oci_seccomp_default_clone_args),
		cmocka_unit_test(test_oci_seccomp_default_clone3_enosys),
		cmocka_unit_test(test_oci_seccomp_default_cap_groups),
		cmocka_unit_test(test_oci_seccomp_convert_arches_and_kernel),
		cmocka_unit_test(test_oci_seccomp_from_file_docker_format),
		cmocka_unit_test(test_oci_seccomp_from_file_oci_format),
		cmocka_unit_test(test_oci_seccomp_from_file_errors),
		cmocka_unit_test(test_oci_seccomp_convert_rejects_bad_fields),
		cmocka_unit_test(test_oci_seccomp_resolve_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
