/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "ctr/config-doc.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static json_t *image(const char *config_json)
{
	_cleanup_free_ char *text = xasprintf("{\"config\": %s}", config_json);
	return sk_json_parse(text, strlen(text), NULL);
}

static json_t *build_ok(const struct ctr_create_opts *o, const char *img_cfg, char **cmd)
{
	_cleanup_json_ json_t *img = image(img_cfg);
	json_t *doc = NULL;
	struct sk_error *err = NULL;
	int r = ctr_config_doc_build(o, ID, "localhost/x:latest", img, cmd, &doc, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	return doc;
}

static char *build_err(const struct ctr_create_opts *o, const char *img_cfg, char **cmd)
{
	_cleanup_json_ json_t *img = image(img_cfg);
	json_t *doc = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_config_doc_build(o, ID, "localhost/x:latest", img, cmd, &doc, &err) < 0);
	char *msg = xstrdup(err->msg);
	sk_error_free(err);
	return msg;
}

static char *args_text(const json_t *doc)
{
	return ctr_config_command_text(doc);
}

static void test_ctr_config_doc_build_image_defaults(void **state)
{
	(void)state;
	struct ctr_create_opts o = { 0 };
	_cleanup_json_ json_t *doc =
		build_ok(&o,
			 "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\",\"b\"],\"Env\":[\"A=1\"],"
			 "\"WorkingDir\":\"/w\",\"User\":\"nobody\",\"StopSignal\":\"SIGQUIT\"}",
			 NULL);
	_cleanup_free_ char *args = args_text(doc);
	assert_string_equal(args, "/ep a b");
	const json_t *cfg = json_object_get(doc, "Config");
	assert_string_equal(sk_json_str(cfg, "WorkingDir"), "/w");
	assert_string_equal(sk_json_str(cfg, "User"), "nobody");
	assert_string_equal(sk_json_str(cfg, "Hostname"), "0123456789ab");
	assert_int_equal(sk_json_int(cfg, "StopSignal", 0), 3);
	assert_int_equal(sk_json_int(cfg, "StopTimeout", 0), 10);
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Env"), 0)),
			    "A=1");
}

/* docker: a new entrypoint drops the image's Cmd; a command replaces Cmd only. */
static void test_ctr_config_doc_build_entrypoint_rules(void **state)
{
	(void)state;
	const char *img = "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"dflt\"]}";
	struct ctr_create_opts o = { .entrypoint = "/other" };
	_cleanup_json_ json_t *d1 = build_ok(&o, img, NULL);
	_cleanup_free_ char *a1 = args_text(d1);
	assert_string_equal(a1, "/other");
	o.entrypoint = "[\"/x\",\"-y\"]";
	char *cmd[] = { "z", NULL };
	_cleanup_json_ json_t *d2 = build_ok(&o, img, cmd);
	_cleanup_free_ char *a2 = args_text(d2);
	assert_string_equal(a2, "/x -y z");
	struct ctr_create_opts none = { 0 };
	_cleanup_json_ json_t *d3 = build_ok(&none, img, cmd);
	_cleanup_free_ char *a3 = args_text(d3);
	assert_string_equal(a3, "/ep z");
	o.entrypoint = "";
	_cleanup_free_ char *msg = build_err(&o, "{}", NULL);
	assert_string_equal(msg, "no command or entrypoint provided, and no CMD or ENTRYPOINT from "
				 "image");
}

static void test_ctr_config_doc_build_labels_env(void **state)
{
	(void)state;
	char *labels[] = { "a=1", "b", NULL };
	char *env[] = { "A=2", "B=x", NULL };
	struct ctr_create_opts o = { .labels = labels, .env = env };
	char *cmd[] = { "true", NULL };
	_cleanup_json_ json_t *doc =
		build_ok(&o, "{\"Labels\":{\"img\":\"y\"},\"Env\":[\"A=1\"]}", cmd);
	const json_t *l = sk_json_path(doc, "Config.Labels");
	assert_string_equal(sk_json_str(l, "img"), "y");
	assert_string_equal(sk_json_str(l, "a"), "1");
	assert_string_equal(sk_json_str(l, "b"), "");
	_cleanup_strv_free_ char **e = sk_json_to_strv(sk_json_path(doc, "Config.Env"));
	assert_string_equal(e[0], "A=2");
	assert_string_equal(e[1], "B=x");
}

static void test_ctr_config_doc_build_healthcheck(void **state)
{
	(void)state;
	char *cmd[] = { "true", NULL };
	struct ctr_create_opts o = { .health_cmd = "curl -f localhost",
				     .health_interval = "5s",
				     .health_retries = "2" };
	_cleanup_json_ json_t *doc = build_ok(&o, "{}", cmd);
	const json_t *h = sk_json_path(doc, "Config.Healthcheck");
	assert_non_null(h);
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "Test"), 0)),
			    "CMD-SHELL");
	assert_int_equal(sk_json_int(h, "Interval", 0), 5000000000LL);
	assert_int_equal(sk_json_int(h, "Retries", 0), 2);
	struct ctr_create_opts off = { .no_healthcheck = true };
	_cleanup_json_ json_t *d2 =
		build_ok(&off, "{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"]}}", cmd);
	assert_null(sk_json_path(d2, "Config.Healthcheck"));
	struct ctr_create_opts bad = { .health_cmd = "x", .health_interval = "soon" };
	_cleanup_free_ char *msg = build_err(&bad, "{}", cmd);
	assert_non_null(strstr(msg, "--health-interval"));
}

static void test_ctr_config_doc_build_bad_values(void **state)
{
	(void)state;
	char *cmd[] = { "true", NULL };
	struct {
		struct ctr_create_opts o;
		const char *want;
	} cases[] = {
		{ { .memory = "abc" }, "invalid value for memory: invalid size: 'abc'" },
		{ { .cpus = "-1" }, "invalid argument \"-1\" for \"--cpus\" flag" },
		{ { .restart = "bogus" }, "\"bogus\" is not a valid restart policy" },
		{ { .restart = "always", .rm = true }, "the --rm option conflicts with --restart" },
		{ { .stop_signal = "FOO" }, "invalid signal: FOO" },
		{ { .pids_limit = "x" }, "invalid argument \"x\" for \"--pids-limit\" flag" },
		{ { .shm_size = "x" }, "unable to translate --shm-size: invalid size: 'x'" },
		{ { .log_driver = "foo" }, "invalid log driver" },
		{ { .ipc = "foo" }, "unrecognized namespace mode foo passed" },
		{ { .name = "a/b" }, "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*" },
		{ { .ulimit = (char *[]){ "foo", NULL } }, "foo" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *msg = build_err(&cases[i].o, "{}", cmd);
		if (!strstr(msg, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, msg, cases[i].want);
	}
}

static void test_ctr_restart_parse(void **state)
{
	(void)state;
	enum ctr_restart p;
	int max;
	assert_int_equal(ctr_restart_parse("on-failure:3", &p, &max, NULL), 0);
	assert_int_equal(p, CTR_RESTART_ON_FAILURE);
	assert_int_equal(max, 3);
	assert_int_equal(ctr_restart_parse("unless-stopped", &p, &max, NULL), 0);
	assert_int_equal(p, CTR_RESTART_UNLESS_STOPPED);
	assert_int_equal(ctr_restart_parse(NULL, &p, &max, NULL), 0);
	assert_int_equal(p, CTR_RESTART_NO);
	struct sk_error *err = NULL;
	assert_true(ctr_restart_parse("always:2", &p, &max, &err) < 0);
	sk_error_free(err);
	err = NULL;
	assert_true(ctr_restart_parse("on-failure:x", &p, &max, &err) < 0);
	assert_string_equal(err->msg, "parsing restart policy retry count: strconv.Atoi: parsing "
				      "\"x\": invalid syntax");
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_config_doc_build_image_defaults),
		cmocka_unit_test(test_ctr_config_doc_build_entrypoint_rules),
		cmocka_unit_test(test_ctr_config_doc_build_labels_env),
		cmocka_unit_test(test_ctr_config_doc_build_healthcheck),
		cmocka_unit_test(test_ctr_config_doc_build_bad_values),
		cmocka_unit_test(test_ctr_restart_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
