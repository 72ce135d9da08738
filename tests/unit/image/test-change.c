/* SPDX-License-Identifier: Apache-2.0 */
/* --change: Dockerfile instructions applied to an image config, as podman parses them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "image/change.h"
#include "util/json-util.h"
#include "util/xalloc.h"

/* The config after applying changes, as compact JSON with sorted keys. */
static char *applied(const char *start, char *const *changes)
{
	_cleanup_json_ json_t *config = sk_json_parse(start, strlen(start), NULL);
	_cleanup_error_ struct sk_error *err = NULL;
	assert_non_null(config);
	if (image_changes_apply(config, changes, &err) < 0)
		fail_msg("%s: unexpected error: %s", changes[0], err->msg);
	return sk_json_dump(config, JSON_COMPACT | JSON_SORT_KEYS);
}

static void check(const char *change, const char *want)
{
	char *changes[] = { (char *)change, NULL };
	_cleanup_free_ char *got = applied("{}", changes);
	assert_string_equal(got, want);
}

static void fails(const char *change, const char *why)
{
	_cleanup_json_ json_t *config = json_pack("{s:s}", "User", "root");
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_change_apply(config, change, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	_cleanup_free_ char *want = xasprintf("invalid change \"%s\": %s", change, why);
	assert_string_equal(err->msg, want);
	/* a rejected change leaves the config alone */
	_cleanup_free_ char *after = sk_json_dump(config, JSON_COMPACT);
	assert_string_equal(after, "{\"User\":\"root\"}");
}

static void test_image_change_apply_cmd_and_entrypoint_forms(void **state)
{
	check("CMD [\"/bin/sh\",\"-c\",\"echo hi\"]", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi\"]}");
	check("CMD echo hello world", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hello world\"]}");
	check("CMD ", "{\"Cmd\":[\"/bin/sh\",\"-c\"]}");
}

static void test_image_change_apply_cmd_edge_cases(void **state)
{
	check("cmd []", "{\"Cmd\":[]}");
	check("CMD=/bin/true", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/bin/true\"]}");
	check("ENTRYPOINT [\"/bin/app\", \"--flag\"]",
	      "{\"Entrypoint\":[\"/bin/app\",\"--flag\"]}");
	check("ENTRYPOINT echo hi", "{\"Entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"]}");
	check("ENTRYPOINT  ", "{\"Entrypoint\":[]}");
	check("CMD [1, 2]", "{\"Cmd\":[\"/bin/sh\",\"-c\",\"[1, 2]\"]}");
}

static void test_image_change_apply_env(void **state)
{
	check("ENV FOO=bar", "{\"Env\":[\"FOO=bar\"]}");
	check("ENV FOO=\"quoted value\"", "{\"Env\":[\"FOO=quoted value\"]}");
	check("ENV FOO=bar BAZ=qux", "{\"Env\":[\"FOO=bar BAZ=qux\"]}");
	check("ENV FOO bar baz", "{\"Env\":[\"FOO=bar baz\"]}");
	check("ENV FOO", "{\"Env\":[\"FOO=\"]}");
	char *changes[] = { "ENV A=1", "ENV B=2", "ENV A=3", NULL };
	_cleanup_free_ char *got = applied("{\"Env\":[\"PATH=/bin\"]}", changes);
	assert_string_equal(got, "{\"Env\":[\"PATH=/bin\",\"A=3\",\"B=2\"]}");
}

static void test_image_change_apply_expose_label_volume(void **state)
{
	check("EXPOSE 80", "{\"ExposedPorts\":{\"80/tcp\":{}}}");
	check("EXPOSE 53/UDP", "{\"ExposedPorts\":{\"53/udp\":{}}}");
	check("LABEL a=b", "{\"Labels\":{\"a\":\"b\"}}");
	check("LABEL \"a b\"=\"c d\"", "{\"Labels\":{\"a b\":\"c d\"}}");
	check("LABEL a=b=c", "{\"Labels\":{\"a\":\"b=c\"}}");
	check("VOLUME /data /logs", "{\"Volumes\":{\"/data\":{},\"/logs\":{}}}");
	check("VOLUME [\"/a b\"]", "{\"Volumes\":{\"/a b\":{}}}");
}

static void test_image_change_apply_user_workdir_signal_onbuild(void **state)
{
	check("USER nobody:nogroup", "{\"User\":\"nobody:nogroup\"}");
	check("WORKDIR /srv/./app/", "{\"WorkingDir\":\"/srv/app\"}");
	char *changes[] = { "WORKDIR /a", "WORKDIR b", "WORKDIR ../c", NULL };
	_cleanup_free_ char *got = applied("{}", changes);
	assert_string_equal(got, "{\"WorkingDir\":\"/a/c\"}");
	check("STOPSIGNAL SIGTERM", "{\"StopSignal\":\"15\"}");
	check("STOPSIGNAL kill", "{\"StopSignal\":\"9\"}");
	check("STOPSIGNAL 2", "{\"StopSignal\":\"2\"}");
	check("STOPSIGNAL SIGRTMIN+3", "{\"StopSignal\":\"37\"}");
	check("ONBUILD RUN true", "{\"OnBuild\":[\"RUN true\"]}");
}

static void test_image_change_apply_errors_match_podman(void **state)
{
	fails("CMD", "must be formatted as KEY VALUE");
	fails("FROM busybox", "invalid instruction FROM");
	fails("USER ", "must provide a value to USER");
	fails("EXPOSE 80 443", "EXPOSE port must be an integer");
	fails("EXPOSE http", "EXPOSE port must be an integer");
	fails("EXPOSE 70000", "EXPOSE port must be a valid port number");
	fails("EXPOSE 0", "EXPOSE port must be a valid port number");
	fails("EXPOSE 80/sctp", "EXPOSE protocol must be TCP or UDP");
	fails("EXPOSE 80/tcp/x", "EXPOSE port must be formatted as PORT[/PROTO]");
	fails("ENV =x", "ENV must have at least one argument");
	fails("LABEL novalue", "LABEL must be formatted key=value");
	fails("LABEL =v", "LABEL must have a non-empty key");
	fails("VOLUME  ", "must provide at least one argument to VOLUME");
	fails("VOLUME [\"\"]", "VOLUME paths must not be empty");
	fails("WORKDIR ", "must provide a non-empty WORKDIR");
	fails("STOPSIGNAL SIGBOGUS", "STOPSIGNAL must be given a valid signal");
	fails("STOPSIGNAL 0", "STOPSIGNAL must be given a valid signal");
	fails("ONBUILD ", "ONBUILD must be given an argument");
}

static void test_image_changes_apply_all_or_nothing(void **state)
{
	_cleanup_json_ json_t *config = json_object();
	_cleanup_error_ struct sk_error *err = NULL;
	char *changes[] = { "USER nobody", "EXPOSE x", NULL };
	assert_true(image_changes_apply(config, changes, &err) < 0);
	assert_int_equal(json_object_size(config), 0);
}

static void test_image_signal_parse_names(void **state)
{
	assert_int_equal(image_signal_parse("SIGHUP"), 1);
	assert_int_equal(image_signal_parse("usr1"), 10);
	assert_int_equal(image_signal_parse("RTMAX"), 64);
	assert_int_equal(image_signal_parse("RTMAX-1"), 63);
	assert_int_equal(image_signal_parse("64"), 64);
	assert_int_equal(image_signal_parse("65"), -EINVAL);
	assert_int_equal(image_signal_parse("RTMIN+31"), -EINVAL);
	assert_int_equal(image_signal_parse(""), -EINVAL);
	assert_int_equal(image_signal_parse("-9"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_change_apply_cmd_and_entrypoint_forms),
		cmocka_unit_test(test_image_change_apply_cmd_edge_cases),
		cmocka_unit_test(test_image_change_apply_env),
		cmocka_unit_test(test_image_change_apply_expose_label_volume),
		cmocka_unit_test(test_image_change_apply_user_workdir_signal_onbuild),
		cmocka_unit_test(test_image_change_apply_errors_match_podman),
		cmocka_unit_test(test_image_changes_apply_all_or_nothing),
		cmocka_unit_test(test_image_signal_parse_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
