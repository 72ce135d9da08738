/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "config/registries-conf.h"
#include "image/shortname.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct config_registries *conf_from(const char *text)
{
	struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (config_registries_parse(text, strlen(text), "test.conf", &conf, &err) < 0)
		fail_msg("unexpected error: %s", err->msg);
	return conf;
}

static struct image_shortname_resolved *resolve_ok(const struct config_registries *conf,
						   const char *name, bool tty)
{
	struct image_shortname_resolved *res = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (image_shortname_resolve(conf, name, tty, &res, &err) < 0)
		fail_msg("'%s': unexpected error: %s", name, err->msg);
	return res;
}

static char *resolve_fails(const struct config_registries *conf, const char *name, bool tty)
{
	struct image_shortname_resolved *res = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_shortname_resolve(conf, name, tty, &res, &err) < 0);
	assert_null(res);
	return xstrdup(err->msg);
}

/* The candidates formatted and joined by spaces, each suffixed with "*" if from an alias. */
static char *candidates_str(const struct image_shortname_resolved *res)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < res->n_candidates; i++) {
		_cleanup_free_ char *f = image_reference_format(res->candidates[i].ref);
		strbuf_addf(&sb, "%s%s%s", i ? " " : "", f,
			    res->candidates[i].from_alias ? "*" : "");
	}
	return strbuf_detach(&sb, NULL);
}

static void assert_candidates(const struct image_shortname_resolved *res, const char *expected)
{
	_cleanup_free_ char *got = candidates_str(res);
	assert_string_equal(got, expected);
}

static const char two_regs[] = "unqualified-search-registries = [\"quay.io\", \"docker.io\"]\n"
			       "[aliases]\n"
			       "\"busybox\" = \"docker.io/library/busybox\"\n"
			       "\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
			       "\"ns/app\" = \"example.com/team/app\"\n";

static void test_image_shortname_resolve_alias(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res =
		resolve_ok(conf, "busybox", false);
	assert_candidates(res, "docker.io/library/busybox:latest*");
	assert_int_equal(res->rationale, IMAGE_SHORTNAME_ALIAS);
	assert_string_equal(res->input, "busybox");
	assert_string_equal(res->origin, "test.conf");
	assert_false(res->prompt);
	_cleanup_free_ char *d = image_shortname_description(res);
	assert_string_equal(d, "Resolved \"busybox\" as an alias (test.conf)");
}

static void test_image_shortname_resolve_alias_keeps_tag_and_digest(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	_cleanup_shortname_resolved_ struct image_shortname_resolved *a =
		resolve_ok(conf, "fedora:39", false);
	assert_candidates(a, "registry.fedoraproject.org/fedora:39*");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *b =
		resolve_ok(conf, "busybox@" DIGEST, false);
	assert_candidates(b, "docker.io/library/busybox@" DIGEST "*");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *c =
		resolve_ok(conf, "ns/app:1", false);
	assert_candidates(c, "example.com/team/app:1*");
	assert_string_equal(c->input, "ns/app");
}

static void test_image_shortname_resolve_search_registries_in_order(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res =
		resolve_ok(conf, "foo", false);
	assert_candidates(res, "quay.io/foo:latest docker.io/library/foo:latest");
	assert_int_equal(res->rationale, IMAGE_SHORTNAME_SEARCH);
	assert_string_equal(res->origin, "test.conf");
	assert_false(res->prompt);
	_cleanup_free_ char *d = image_shortname_description(res);
	assert_string_equal(d, "Resolving \"foo\" using unqualified-search registries (test.conf)");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *lib =
		resolve_ok(conf, "library/foo:2", false);
	assert_candidates(lib, "quay.io/library/foo:2 docker.io/library/foo:2");
	assert_string_equal(lib->input, "library/foo");
}

static void test_image_shortname_resolve_modes(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	/* permissive (the default): all candidates without a terminal, a prompt with one */
	_cleanup_shortname_resolved_ struct image_shortname_resolved *p =
		resolve_ok(conf, "x", true);
	assert_true(p->prompt);
	assert_int_equal(p->n_candidates, 2);
	conf->short_name_mode = CONFIG_SHORT_NAME_ENFORCING;
	_cleanup_free_ char *msg = resolve_fails(conf, "x", false);
	assert_string_equal(msg, "short-name resolution enforced but cannot prompt without a TTY");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *e =
		resolve_ok(conf, "x", true);
	assert_true(e->prompt);
	assert_candidates(e, "quay.io/x:latest docker.io/library/x:latest");
	/* an alias is never ambiguous */
	_cleanup_shortname_resolved_ struct image_shortname_resolved *a =
		resolve_ok(conf, "busybox", false);
	assert_int_equal(a->n_candidates, 1);
	conf->short_name_mode = CONFIG_SHORT_NAME_DISABLED;
	_cleanup_shortname_resolved_ struct image_shortname_resolved *d =
		resolve_ok(conf, "x", true);
	assert_false(d->prompt);
	assert_int_equal(d->n_candidates, 2);
}

static void test_image_shortname_resolve_single_registry_is_unambiguous(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		conf_from("unqualified-search-registries = [\"localhost:5000\"]\n"
			  "short-name-mode = \"enforcing\"\n");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res =
		resolve_ok(conf, "x:1", false);
	assert_candidates(res, "localhost:5000/x:1");
	assert_false(res->prompt);
}

static void test_image_shortname_resolve_erased_alias_uses_search(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		conf_from("unqualified-search-registries = [\"quay.io\"]\n"
			  "[aliases]\n\"busybox\" = \"\"\n");
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res =
		resolve_ok(conf, "busybox", false);
	assert_candidates(res, "quay.io/busybox:latest");
	assert_int_equal(res->rationale, IMAGE_SHORTNAME_SEARCH);
}

static void test_image_shortname_resolve_qualified_names(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	conf->short_name_mode = CONFIG_SHORT_NAME_ENFORCING;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "quay.io/x", "quay.io/x:latest" },
		{ "localhost/foo:1", "localhost/foo:1" },
		{ "docker.io/busybox", "docker.io/library/busybox:latest" },
		{ "localhost:5000/a@" DIGEST, "localhost:5000/a@" DIGEST },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_shortname_resolved_ struct image_shortname_resolved *res =
			resolve_ok(conf, cases[i].in, false);
		assert_candidates(res, cases[i].out);
		assert_int_equal(res->rationale, IMAGE_SHORTNAME_NONE);
		assert_null(res->input);
		assert_null(image_shortname_description(res));
	}
}

static void test_image_shortname_resolve_errors(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	_cleanup_free_ char *bad = resolve_fails(conf, "Bad/Name", false);
	assert_string_equal(bad, "repository name must be lowercase");
	/* no registries.conf at all */
	struct config_registries_opts opts = {
		.home = "/nonexistent/home",
		.system_path = "/nonexistent/registries.conf",
		.dir = "/nonexistent/registries.conf.d",
		.aliases_path = "",
	};
	_cleanup_config_registries_ struct config_registries *none = NULL;
	assert_int_equal(config_registries_load(&opts, &none, NULL), 0);
	_cleanup_free_ char *msg = resolve_fails(none, "foo:1", false);
	assert_string_equal(msg, "short-name \"foo:1\" did not resolve to an alias and no "
				 "containers-registries.conf(5) was found");
	_cleanup_strbuf_ struct strbuf long_name = STRBUF_INIT;
	strbuf_addchars(&long_name, 'a', 240);
	_cleanup_free_ char *too_long = resolve_fails(conf, strbuf_str(&long_name), false);
	assert_string_equal(too_long, "creating reference with unqualified-search registry "
				      "'docker.io': repository name must not be more than 255 "
				      "characters");
}

static void test_image_shortname_resolve_no_search_names_the_file(void **state)
{
	char dir[] = "/tmp/test-shortname-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *path = path_join(dir, "registries.conf");
	_cleanup_free_ char *empty_dir = path_join(dir, "none.d");
	static const char text[] = "# no search registries set here\n";
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
	setenv("CONTAINERS_REGISTRIES_CONF", path, 1);
	struct config_registries_opts opts = { .dir = empty_dir, .aliases_path = "" };
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	assert_int_equal(config_registries_load(&opts, &conf, NULL), 0);
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	_cleanup_free_ char *msg = resolve_fails(conf, "foobar", false);
	_cleanup_free_ char *want = xasprintf("short-name \"foobar\" did not resolve to an alias "
					      "and no unqualified-search registries are defined "
					      "in \"%s\"",
					      path);
	assert_string_equal(msg, want);
	assert_int_equal(fs_rm_rf(dir), 0);
}

static void test_image_shortname_resolve_local_candidates(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = conf_from(two_regs);
	struct image_shortname_resolved *res = NULL;
	assert_int_equal(image_shortname_resolve_local(conf, "busybox:1", &res, NULL), 0);
	assert_candidates(res, "docker.io/library/busybox:1* localhost/busybox:1 quay.io/busybox:1 "
			       "docker.io/library/busybox:1");
	image_shortname_resolved_free(res);
	assert_int_equal(image_shortname_resolve_local(conf, "foo", &res, NULL), 0);
	assert_candidates(res,
			  "localhost/foo:latest quay.io/foo:latest docker.io/library/foo:latest");
	image_shortname_resolved_free(res);
	assert_int_equal(image_shortname_resolve_local(conf, "quay.io/foo", &res, NULL), 0);
	assert_candidates(res, "quay.io/foo:latest");
	image_shortname_resolved_free(res);
	/* no search registries is no error locally */
	_cleanup_config_registries_ struct config_registries *none = conf_from("");
	assert_int_equal(image_shortname_resolve_local(none, "foo@" DIGEST, &res, NULL), 0);
	assert_candidates(res, "localhost/foo@" DIGEST);
	image_shortname_resolved_free(res);
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(image_shortname_resolve_local(none, "UPPER", &res, &err), -EINVAL);
	assert_string_equal(err->msg, "repository name must be lowercase");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_shortname_resolve_alias),
		cmocka_unit_test(test_image_shortname_resolve_alias_keeps_tag_and_digest),
		cmocka_unit_test(test_image_shortname_resolve_search_registries_in_order),
		cmocka_unit_test(test_image_shortname_resolve_modes),
		cmocka_unit_test(test_image_shortname_resolve_single_registry_is_unambiguous),
		cmocka_unit_test(test_image_shortname_resolve_erased_alias_uses_search),
		cmocka_unit_test(test_image_shortname_resolve_qualified_names),
		cmocka_unit_test(test_image_shortname_resolve_errors),
		cmocka_unit_test(test_image_shortname_resolve_no_search_names_the_file),
		cmocka_unit_test(test_image_shortname_resolve_local_candidates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
