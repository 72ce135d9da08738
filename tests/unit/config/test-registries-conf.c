/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "config/registries-conf.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* A scratch tree per test: <dir>/etc/registries.conf{,.d}, <dir>/home/.config/containers. */
struct fixture {
	char dir[64];
	char *sys_path;
	char *sys_dir;
	char *home;
	struct config_registries_opts opts;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-registries-conf-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->sys_path = xasprintf("%s/etc/registries.conf", f->dir);
	f->sys_dir = xasprintf("%s/etc/registries.conf.d", f->dir);
	f->home = xasprintf("%s/home", f->dir);
	f->opts = (struct config_registries_opts){
		.home = f->home,
		.system_path = f->sys_path,
		.system_dir = f->sys_dir,
		.aliases_path = "",
	};
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	unsetenv("REGISTRIES_CONFIG_PATH");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(fs_rm_rf(f->dir), 0);
	free(f->sys_path);
	free(f->sys_dir);
	free(f->home);
	free(f);
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	unsetenv("REGISTRIES_CONFIG_PATH");
	return 0;
}

/* Write text to <fixture dir>/<rel> and return the full path (allocated). */
static char *put(struct fixture *f, const char *rel, const char *text)
{
	char *path = path_join(f->dir, rel);
	assert_int_equal(fs_mkdir_parents(path, 0755), 0);
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
	return path;
}

static struct config_registries *parse_ok(const char *text)
{
	struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (config_registries_parse(text, strlen(text), "test.conf", &conf, &err) < 0)
		fail_msg("unexpected error: %s", err->msg);
	return conf;
}

static void assert_parse_fails(const char *text, const char *expected)
{
	struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(config_registries_parse(text, strlen(text), "test.conf", &conf, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	if (!strstr(err->msg, expected))
		fail_msg("message '%s' lacks '%s'", err->msg, expected);
}

static struct config_registries *load_ok(struct fixture *f)
{
	struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (config_registries_load(&f->opts, &conf, &err) < 0)
		fail_msg("unexpected error: %s", err->msg);
	return conf;
}

static char *load_fails(struct fixture *f)
{
	struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(config_registries_load(&f->opts, &conf, &err) < 0);
	assert_null(conf);
	return xstrdup(err->msg);
}

static const char man_page_example[] = "unqualified-search-registries = [\"example.com\"]\n"
				       "[[registry]]\n"
				       "prefix = \"example.com/foo\"\n"
				       "insecure = false\n"
				       "blocked = false\n"
				       "location = \"internal-registry-for-example.com/bar/\"\n"
				       "[[registry.mirror]]\n"
				       "location = \"example-mirror-0.local/mirror-for-foo\"\n"
				       "[[registry.mirror]]\n"
				       "location = \"example-mirror-1.local/mirrors/foo\"\n"
				       "insecure = true\n"
				       "[[registry]]\n"
				       "location = \"registry.com\"\n"
				       "[[registry.mirror]]\n"
				       "location = \"mirror.registry.com\"\n";

static void test_config_registries_parse_man_page_example(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = parse_ok(man_page_example);
	assert_int_equal(strv_length(conf->search), 1);
	assert_string_equal(conf->search[0], "example.com");
	assert_string_equal(conf->search_origin, "test.conf");
	assert_int_equal(conf->n_registries, 2);
	const struct config_registry *r = &conf->registries[0];
	assert_string_equal(r->prefix, "example.com/foo");
	assert_string_equal(r->location, "internal-registry-for-example.com/bar");
	assert_false(r->insecure);
	assert_int_equal(r->n_mirrors, 2);
	assert_string_equal(r->mirrors[1].location, "example-mirror-1.local/mirrors/foo");
	assert_true(r->mirrors[1].insecure);
	assert_int_equal(r->mirrors[1].pull_from_mirror, CONFIG_MIRROR_PULL_ALL);
	assert_string_equal(conf->registries[1].prefix, "registry.com");
	assert_string_equal(conf->registries[1].location, "registry.com");
}

static void test_config_registries_parse_defaults(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = parse_ok("# nothing\n");
	assert_non_null(conf->search);
	assert_int_equal(strv_length(conf->search), 0);
	assert_string_equal(conf->search_origin, "test.conf");
	assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_PERMISSIVE);
	assert_int_equal(strv_length(conf->credential_helpers), 1);
	assert_string_equal(conf->credential_helpers[0], "containers-auth.json");
	assert_int_equal(conf->n_registries, 0);
	assert_int_equal(conf->n_aliases, 0);
}

static void test_config_registries_parse_short_name_modes(void **state)
{
	static const char *const modes[] = { "enforcing", "permissive", "disabled" };
	for (int i = 0; i < 3; i++) {
		_cleanup_free_ char *text = xasprintf("short-name-mode = \"%s\"\n", modes[i]);
		_cleanup_config_registries_ struct config_registries *conf = parse_ok(text);
		assert_int_equal(conf->short_name_mode, i);
		assert_string_equal(config_short_name_mode_to_string(conf->short_name_mode),
				    modes[i]);
	}
	assert_parse_fails("short-name-mode = \"prompt\"\n", "invalid short-name mode: 'prompt'");
	assert_parse_fails("short-name-mode = 1\n", "'short-name-mode' must be a string");
	assert_int_equal(config_short_name_mode_from_string("nope"), _CONFIG_SHORT_NAME_INVALID);
}

static void test_config_registries_parse_rejects_v1(void **state)
{
	assert_parse_fails("[registries.search]\nregistries = ['registry1.com']\n",
			   "the v1 format ([registries.search], [registries.insecure], "
			   "[registries.block]) is not supported");
	assert_parse_fails("[registries.block]\nregistries = []\n", "v1 format");
}

static void test_config_registries_parse_rejects_bad_entries(void **state)
{
	assert_parse_fails("[[registry]]\nlocation = \"https://example.com\"\n",
			   "invalid location 'https://example.com': URI schemes are not supported");
	assert_parse_fails("[[registry]]\ninsecure = true\n",
			   "invalid condition: both location and prefix are unset");
	assert_parse_fails("[[registry]]\nprefix = \"example.com\"\n",
			   "invalid condition: location is unset and prefix is not in the format: "
			   "*.example.com");
	assert_parse_fails("[[registry]]\nprefix = \"*.example.com/foo\"\n",
			   "prefix '*.example.com/foo' is incorrectly formatted");
	assert_parse_fails("[[registry]]\nlocation = \"a.com\"\ninsecure = \"yes\"\n",
			   "'registry.insecure' must be a boolean");
	assert_parse_fails(
		"[[registry]]\nlocation = \"a.com\"\n[[registry.mirror]]\ninsecure = true\n",
		"invalid condition: mirror location is unset");
	assert_parse_fails("[[registry]]\nlocation = \"a.com\"\npull-from-mirror = \"all\"\n",
			   "pull-from-mirror must not be set for a non-mirror registry 'a.com'");
	assert_parse_fails(
		"[[registry]]\nlocation = \"a.com\"\nmirror-by-digest-only = true\n"
		"[[registry.mirror]]\nlocation = \"m.com\"\npull-from-mirror = \"all\"\n",
		"cannot set mirror usage mirror-by-digest-only for the registry 'a.com'");
	assert_parse_fails("[[registry]]\nlocation = \"a.com\"\n[[registry.mirror]]\n"
			   "location = \"m.com\"\npull-from-mirror = \"some\"\n",
			   "unsupported pull-from-mirror value 'some' for mirror 'm.com'");
	assert_parse_fails(
		"[[registry]]\nprefix = \"x.com\"\nlocation = \"a.com\"\n"
		"[[registry]]\nprefix = \"y.com\"\nlocation = \"a.com\"\ninsecure = true\n",
		"registry 'a.com' is defined multiple times with conflicting 'insecure'");
	assert_parse_fails("[registry]\nlocation = \"a.com\"\n",
			   "'registry' must be an array of tables");
	assert_parse_fails("unqualified-search-registries = [\"quay.io\", 3]\n",
			   "'unqualified-search-registries' must be an array of strings");
	assert_parse_fails("unqualified-search-registries = [\"quay.io/ns\"]\n",
			   "invalid unqualified-search-registries entry 'quay.io/ns'");
	assert_parse_fails("unqualified-search-registries = [\"http://quay.io\"]\n",
			   "URI schemes are not supported");
	assert_parse_fails("a = \n", "line 1: expected a value");
}

static void test_config_registries_parse_normalizes_entries(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		parse_ok("unqualified-search-registries = [\"quay.io/\", \"localhost:5000\"]\n"
			 "credential-helpers = [\"pass\"]\n"
			 "[[registry]]\nprefix = \"z.com\"\nlocation = \"first.com\"\n"
			 "[[registry]]\nprefix = \"z.com\"\nlocation = \"second.com\"\n"
			 "[[registry]]\nprefix = \"*.a.com\"\n"
			 "[[registry]]\nlocation = \"m.com\"\n");
	assert_string_equal(conf->search[0], "quay.io");
	assert_string_equal(conf->search[1], "localhost:5000");
	assert_string_equal(conf->credential_helpers[0], "pass");
	/* one entry per prefix (the first), sorted by prefix */
	assert_int_equal(conf->n_registries, 3);
	assert_string_equal(conf->registries[0].prefix, "*.a.com");
	assert_string_equal(conf->registries[0].location, "");
	assert_string_equal(conf->registries[1].prefix, "m.com");
	assert_string_equal(conf->registries[2].prefix, "z.com");
	assert_string_equal(conf->registries[2].location, "first.com");
}

static void test_config_registries_parse_aliases(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		parse_ok("[aliases]\n\"busybox\" = \"docker.io/busybox\"\n"
			 "\"ubi8/ubi\" = \"registry.access.redhat.com/ubi8/ubi\"\n"
			 "\"hub\" = \"index.docker.io/user/app\"\n"
			 "\"local\" = \"localhost/mine\"\n"
			 "\"gone\" = \"\"\n");
	const char *value = NULL, *origin = NULL;
	assert_true(config_registries_alias_find(conf, "busybox", &value, &origin));
	assert_string_equal(value, "docker.io/library/busybox");
	assert_string_equal(origin, "test.conf");
	assert_true(config_registries_alias_find(conf, "ubi8/ubi", &value, NULL));
	assert_string_equal(value, "registry.access.redhat.com/ubi8/ubi");
	assert_true(config_registries_alias_find(conf, "hub", &value, NULL));
	assert_string_equal(value, "docker.io/user/app");
	assert_true(config_registries_alias_find(conf, "local", &value, NULL));
	assert_string_equal(value, "localhost/mine");
	assert_true(config_registries_alias_find(conf, "gone", &value, NULL));
	assert_null(value);
	assert_false(config_registries_alias_find(conf, "other", &value, &origin));
	assert_null(value);
	assert_null(origin);
}

static void test_config_registries_parse_rejects_bad_aliases(void **state)
{
	assert_parse_fails("[aliases]\n\"quay.io/x\" = \"quay.io/x\"\n",
			   "validating short-name aliases: invalid short name 'quay.io/x': must "
			   "not contain registry");
	assert_parse_fails("[aliases]\n\"localhost/x\" = \"quay.io/x\"\n",
			   "must not contain registry");
	assert_parse_fails("[aliases]\n\"x:1\" = \"quay.io/x\"\n",
			   "invalid short name 'x:1': must not contain tag");
	assert_parse_fails("[aliases]\n\"x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
			   "0123456789abcdef\" = \"quay.io/x\"\n",
			   "must not contain digest");
	assert_parse_fails("[aliases]\n\"X\" = \"quay.io/x\"\n", "cannot parse short name 'X'");
	assert_parse_fails("[aliases]\n\"x\" = \"x\"\n",
			   "invalid alias 'x': must contain registry and repository");
	assert_parse_fails("[aliases]\n\"x\" = \"ns/x\"\n", "must contain registry and repository");
	assert_parse_fails("[aliases]\n\"x\" = \"quay.io/x:1\"\n",
			   "invalid alias 'quay.io/x:1': must not contain tag");
	assert_parse_fails("[aliases]\n\"x\" = \"quay.io/X\"\n",
			   "parsing alias 'quay.io/X': invalid reference format");
	assert_parse_fails("[aliases]\n\"x\" = 1\n", "alias 'x' must be a string");
	assert_parse_fails("aliases = 1\n", "'aliases' must be a table");
	assert_parse_fails("[aliases]\n\"x\" = \"quay.io/x\"\n\"x\" = \"quay.io/y\"\n",
			   "duplicate key 'x'");
}

static void test_config_registries_find_longest_prefix(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		parse_ok("[[registry]]\nlocation = \"example.com\"\n"
			 "[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"l1.com\"\n"
			 "[[registry]]\nprefix = \"example.com/foo/bar\"\nlocation = \"l2.com\"\n"
			 "[[registry]]\nprefix = \"*.example.com\"\nblocked = true\n"
			 "[[registry]]\nprefix = \"*.sub.example.com\"\ninsecure = true\n");
	const struct config_registry *r;
	r = config_registries_find(conf, "example.com/foo/bar:tag");
	assert_string_equal(r->prefix, "example.com/foo/bar");
	r = config_registries_find(conf, "example.com/foo/baz@sha256:abc");
	assert_string_equal(r->prefix, "example.com/foo");
	r = config_registries_find(conf, "example.com/foobar");
	assert_string_equal(r->prefix, "example.com");
	r = config_registries_find(conf, "example.com");
	assert_string_equal(r->prefix, "example.com");
	/* (containers/image notes this one is unintended but real) */
	r = config_registries_find(conf, "example.com:5000/x");
	assert_string_equal(r->prefix, "example.com");
	assert_null(config_registries_find(conf, "example.community/x"));
	assert_null(config_registries_find(conf, "other.com/example.com/x"));
	r = config_registries_find(conf, "a.b.example.com/x:1");
	assert_string_equal(r->prefix, "*.example.com");
	r = config_registries_find(conf, "x.sub.example.com:5000/y");
	assert_string_equal(r->prefix, "*.sub.example.com");
	assert_null(config_registries_find(conf, "x.other.com/a.example.com"));
	assert_null(config_registries_find(conf, "notexample.com/x"));
}

static void test_config_registries_is_insecure_and_blocked(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf =
		parse_ok("[[registry]]\nlocation = \"localhost:5000\"\ninsecure = true\n"
			 "[[registry]]\nlocation = \"bad.io\"\nblocked = true\n"
			 "[[registry]]\nprefix = \"quay.io/evil\"\nlocation = \"quay.io/evil\"\n"
			 "blocked = true\n");
	assert_true(config_registries_is_insecure(conf, "localhost:5000"));
	assert_true(config_registries_is_insecure(conf, "localhost:5000/a/b:1"));
	assert_false(config_registries_is_insecure(conf, "localhost:5001"));
	assert_false(config_registries_is_insecure(conf, "bad.io"));
	assert_true(config_registries_is_blocked(conf, "bad.io/x:latest"));
	assert_true(config_registries_is_blocked(conf, "quay.io/evil/img"));
	assert_false(config_registries_is_blocked(conf, "quay.io/good/img"));
	assert_false(config_registries_is_blocked(conf, "docker.io/library/busybox"));
}

static void assert_sources(const struct config_registries *conf, const char *ref, bool digested,
			   const char *const *expected)
{
	struct config_pull_source *src = NULL;
	size_t n = 0, want = 0;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(config_registries_pull_sources(conf, ref, digested, &src, &n, &err), 0);
	while (expected[want])
		want++;
	assert_int_equal(n, want);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(src[i].ref, expected[i]);
	config_pull_sources_free(src, n);
}

static void test_config_registries_pull_sources_rewrite(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = parse_ok(man_page_example);
	assert_sources(conf, "example.com/foo/image:latest", false,
		       (const char *const[]){ "example-mirror-0.local/mirror-for-foo/image:latest",
					      "example-mirror-1.local/mirrors/foo/image:latest",
					      "internal-registry-for-example.com/bar/image:latest",
					      NULL });
	assert_sources(conf, "registry.com/image:latest", false,
		       (const char *const[]){ "mirror.registry.com/image:latest",
					      "registry.com/image:latest", NULL });
	assert_sources(conf, "other.com/image:1", false,
		       (const char *const[]){ "other.com/image:1", NULL });
	struct config_pull_source *src = NULL;
	size_t n = 0;
	assert_int_equal(
		config_registries_pull_sources(conf, "example.com/foo/i:1", false, &src, &n, NULL),
		0);
	assert_true(src[0].mirror);
	assert_false(src[0].insecure);
	assert_true(src[1].mirror);
	assert_true(src[1].insecure);
	assert_false(src[2].mirror);
	config_pull_sources_free(src, n);
}

static void test_config_registries_pull_sources_mirror_filters(void **state)
{
	_cleanup_config_registries_ struct config_registries *conf = parse_ok(
		"[[registry]]\nlocation = \"d.com\"\nmirror-by-digest-only = true\n"
		"[[registry.mirror]]\nlocation = \"md.com\"\n"
		"[[registry]]\nlocation = \"p.com\"\n"
		"[[registry.mirror]]\nlocation = \"digest.com\"\n"
		"pull-from-mirror = \"digest-only\"\n"
		"[[registry.mirror]]\nlocation = \"tag.com\"\npull-from-mirror = \"tag-only\"\n"
		"[[registry.mirror]]\nlocation = \"all.com\"\n"
		"[[registry]]\nprefix = \"*.wild.com\"\n"
		"[[registry.mirror]]\nlocation = \"wm.com/ns\"\n");
	assert_sources(conf, "d.com/x:1", false, (const char *const[]){ "d.com/x:1", NULL });
	assert_sources(conf, "d.com/x@sha256:00", true,
		       (const char *const[]){ "md.com/x@sha256:00", "d.com/x@sha256:00", NULL });
	assert_sources(conf, "p.com/x:1", false,
		       (const char *const[]){ "tag.com/x:1", "all.com/x:1", "p.com/x:1", NULL });
	assert_sources(conf, "p.com/x@sha256:00", true,
		       (const char *const[]){ "digest.com/x@sha256:00", "all.com/x@sha256:00",
					      "p.com/x@sha256:00", NULL });
	/* a wildcard without location keeps the name; mirrors replace the matched host */
	assert_sources(conf, "a.wild.com/x:1", false,
		       (const char *const[]){ "wm.com/ns/x:1", "a.wild.com/x:1", NULL });
}

static void test_config_registries_load_missing_default_is_empty(void **state)
{
	struct fixture *f = *state;
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	assert_int_equal(strv_length(conf->search), 0);
	assert_string_equal(conf->search_origin, "");
	assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_PERMISSIVE);
	_cleanup_free_ char *want = xasprintf("%s, %s, %s/.config/containers/registries.conf.d",
					      f->sys_path, f->sys_dir, f->home);
	assert_string_equal(conf->sources, want);
}

static void test_config_registries_load_env_file_and_dropins(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *main_path =
		put(f, "custom.conf",
		    "unqualified-search-registries = [\"a.io\", \"b.io\"]\n"
		    "short-name-mode = \"enforcing\"\n"
		    "[[registry]]\nprefix = \"x.io\"\nlocation = \"x-main.io\"\n"
		    "[[registry]]\nlocation = \"keep.io\"\n"
		    "[aliases]\n\"one\" = \"quay.io/one\"\n\"two\" = \"quay.io/two\"\n");
	_cleanup_free_ char *d1 = put(f, "etc/registries.conf.d/10-a.conf",
				      "[[registry]]\nprefix = \"x.io\"\nlocation = \"x-10.io\"\n"
				      "[aliases]\n\"two\" = \"quay.io/two-10\"\n");
	_cleanup_free_ char *d2 = put(f, "etc/registries.conf.d/20-b.conf",
				      "unqualified-search-registries = [\"c.io\"]\n"
				      "[aliases]\n\"one\" = \"\"\n\"three\" = \"quay.io/three\"\n");
	_cleanup_free_ char *ignored = put(f, "etc/registries.conf.d/30-c.ignore", "bad toml");
	_cleanup_free_ char *sub = put(f, "etc/registries.conf.d/sub.conf/x.conf", "bad toml");
	_cleanup_free_ char *user = put(f, "home/.config/containers/registries.conf.d/05.conf",
					"short-name-mode = \"disabled\"\n");
	setenv("CONTAINERS_REGISTRIES_CONF", main_path, 1);
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	assert_int_equal(strv_length(conf->search), 1);
	assert_string_equal(conf->search[0], "c.io");
	assert_string_equal(conf->search_origin, d2);
	/* the user drop-in directory comes after the system one */
	assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_DISABLED);
	assert_int_equal(conf->n_registries, 2);
	assert_string_equal(conf->registries[0].prefix, "keep.io");
	assert_string_equal(conf->registries[1].prefix, "x.io");
	assert_string_equal(conf->registries[1].location, "x-10.io");
	const char *value = NULL, *origin = NULL;
	assert_true(config_registries_alias_find(conf, "one", &value, &origin));
	assert_null(value);
	assert_string_equal(origin, d2);
	assert_true(config_registries_alias_find(conf, "two", &value, &origin));
	assert_string_equal(value, "quay.io/two-10");
	assert_string_equal(origin, d1);
	assert_true(config_registries_alias_find(conf, "three", &value, NULL));
	assert_string_equal(value, "quay.io/three");
	assert_true(strneq(conf->sources, main_path, strlen(main_path)));
}

static void test_config_registries_load_explicit_missing_fails(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *missing = path_join(f->dir, "missing.conf");
	setenv("CONTAINERS_REGISTRIES_CONF", missing, 1);
	_cleanup_free_ char *msg = load_fails(f);
	_cleanup_free_ char *want = xasprintf("loading registries configuration '%s': ", missing);
	assert_true(strneq(msg, want, strlen(want)));
}

static void test_config_registries_load_path_option_wins(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *env =
		put(f, "env.conf", "unqualified-search-registries = [\"env.io\"]\n");
	_cleanup_free_ char *old =
		put(f, "old.conf", "unqualified-search-registries = [\"old.io\"]\n");
	_cleanup_free_ char *flag =
		put(f, "flag.conf", "unqualified-search-registries = [\"f.io\"]\n");
	setenv("REGISTRIES_CONFIG_PATH", old, 1);
	{
		_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
		assert_string_equal(conf->search[0], "old.io");
	}
	setenv("CONTAINERS_REGISTRIES_CONF", env, 1);
	{
		_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
		assert_string_equal(conf->search[0], "env.io");
	}
	f->opts.path = flag;
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	assert_string_equal(conf->search[0], "f.io");
	assert_string_equal(conf->search_origin, flag);
}

static void test_config_registries_load_user_file_skips_system(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sys =
		put(f, "etc/registries.conf", "unqualified-search-registries = [\"sys.io\"]\n");
	_cleanup_free_ char *sysd =
		put(f, "etc/registries.conf.d/a.conf", "short-name-mode = \"enforcing\"\n");
	{
		_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
		assert_string_equal(conf->search[0], "sys.io");
		assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_ENFORCING);
	}
	_cleanup_free_ char *user = put(f, "home/.config/containers/registries.conf",
					"unqualified-search-registries = [\"user.io\"]\n");
	_cleanup_free_ char *userd = put(f, "home/.config/containers/registries.conf.d/a.conf",
					 "[aliases]\n\"u\" = \"quay.io/u\"\n");
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	assert_string_equal(conf->search[0], "user.io");
	assert_string_equal(conf->search_origin, user);
	assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_PERMISSIVE);
	assert_true(config_registries_alias_find(conf, "u", NULL, NULL));
	_cleanup_free_ char *want =
		xasprintf("%s, %s/.config/containers/registries.conf.d", user, f->home);
	assert_string_equal(conf->sources, want);
}

static void test_config_registries_load_dir_option_only(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sysd =
		put(f, "etc/registries.conf.d/a.conf", "short-name-mode = \"enforcing\"\n");
	_cleanup_free_ char *mine = put(f, "mine.d/a.conf", "short-name-mode = \"disabled\"\n");
	_cleanup_free_ char *dir = path_join(f->dir, "mine.d");
	f->opts.dir = dir;
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	assert_int_equal(conf->short_name_mode, CONFIG_SHORT_NAME_DISABLED);
}

static void test_config_registries_load_reports_bad_files(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sys = put(f, "etc/registries.conf", "x = [\n");
	_cleanup_free_ char *msg = load_fails(f);
	_cleanup_free_ char *want =
		xasprintf("loading registries configuration '%s': line 2: expected a value", sys);
	assert_true(strneq(msg, want, strlen(want)));
	free(put(f, "etc/registries.conf", ""));
	_cleanup_free_ char *v1 = put(f, "etc/registries.conf.d/v1.conf",
				      "[registries.search]\nregistries = [\"a.io\"]\n");
	_cleanup_free_ char *msg2 = load_fails(f);
	_cleanup_free_ char *want2 =
		xasprintf("loading drop-in registries configuration '%s': the v1 format", v1);
	assert_true(strneq(msg2, want2, strlen(want2)));
}

static void test_config_registries_load_cached_aliases_win(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sys = put(f, "etc/registries.conf",
				       "[aliases]\n\"a\" = \"quay.io/a\"\n\"b\" = \"quay.io/b\"\n");
	_cleanup_free_ char *cache = put(f, "cache/short-name-aliases.conf",
					 "[aliases]\n\"a\" = \"example.com/a\"\n\"b\" = \"\"\n");
	f->opts.aliases_path = cache;
	_cleanup_config_registries_ struct config_registries *conf = load_ok(f);
	const char *value = NULL, *origin = NULL;
	assert_true(config_registries_alias_find(conf, "a", &value, &origin));
	assert_string_equal(value, "example.com/a");
	assert_string_equal(origin, cache);
	assert_true(config_registries_alias_find(conf, "b", &value, NULL));
	assert_null(value);
	_cleanup_free_ char *missing = path_join(f->dir, "nope.conf");
	f->opts.aliases_path = missing;
	config_registries_free(load_ok(f));
	free(put(f, "cache/short-name-aliases.conf", "[aliases]\n\"quay.io/a\" = \"quay.io/a\"\n"));
	f->opts.aliases_path = cache;
	_cleanup_free_ char *msg = load_fails(f);
	_cleanup_free_ char *want = xasprintf("loading short-name aliases config file '%s': "
					      "validating short-name aliases: invalid short name",
					      cache);
	assert_true(strneq(msg, want, strlen(want)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_registries_parse_man_page_example),
		cmocka_unit_test(test_config_registries_parse_defaults),
		cmocka_unit_test(test_config_registries_parse_short_name_modes),
		cmocka_unit_test(test_config_registries_parse_rejects_v1),
		cmocka_unit_test(test_config_registries_parse_rejects_bad_entries),
		cmocka_unit_test(test_config_registries_parse_normalizes_entries),
		cmocka_unit_test(test_config_registries_parse_aliases),
		cmocka_unit_test(test_config_registries_parse_rejects_bad_aliases),
		cmocka_unit_test(test_config_registries_find_longest_prefix),
		cmocka_unit_test(test_config_registries_is_insecure_and_blocked),
		cmocka_unit_test(test_config_registries_pull_sources_rewrite),
		cmocka_unit_test(test_config_registries_pull_sources_mirror_filters),
		cmocka_unit_test_setup_teardown(
			test_config_registries_load_missing_default_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_env_file_and_dropins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_explicit_missing_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_path_option_wins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_user_file_skips_system,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_dir_option_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_reports_bad_files,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_registries_load_cached_aliases_win,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
