/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>

#include "config/auth-file.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Every test runs with HOME and XDG_RUNTIME_DIR in a fresh temporary directory. */
static char *tmp;

static int setup(void **state)
{
	assert_int_equal(fs_mkdtemp_in("/tmp", "selkie-test-auth-", &tmp), 0);
	_cleanup_free_ char *home = path_join(tmp, "home");
	_cleanup_free_ char *run = path_join(tmp, "run");
	assert_int_equal(fs_mkdir_p(home, 0700), 0);
	assert_int_equal(fs_mkdir_p(run, 0700), 0);
	setenv("HOME", home, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
	return 0;
}

static char *tmp_path(const char *rel)
{
	return path_join(tmp, rel);
}

static void write_file(const char *rel, const char *content)
{
	_cleanup_free_ char *p = tmp_path(rel);
	assert_int_equal(fs_mkdir_parents(p, 0700), 0);
	assert_int_equal(fs_write_atomic(p, content, strlen(content), 0600), 0);
}

static void assert_creds(const char *authfile, const char *key, const char *user, const char *pass)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *u = NULL, *p = NULL;
	int r = config_auth_lookup(authfile, key, &u, &p, &err);
	if (!user) {
		assert_int_equal(r, 0);
		assert_null(u);
		return;
	}
	assert_int_equal(r, 1);
	assert_string_equal(u, user);
	assert_string_equal(p, pass);
}

static void test_config_auth_file_paths_order(void **state)
{
	_cleanup_strv_free_ char **v = config_auth_file_paths(NULL);
	assert_int_equal(strv_length(v), 3);
	_cleanup_free_ char *a = tmp_path("run/containers/auth.json");
	_cleanup_free_ char *b = tmp_path("home/.config/containers/auth.json");
	_cleanup_free_ char *c = tmp_path("home/.docker/config.json");
	assert_string_equal(v[0], a);
	assert_string_equal(v[1], b);
	assert_string_equal(v[2], c);

	setenv("REGISTRY_AUTH_FILE", "/x/auth.json", 1);
	setenv("DOCKER_CONFIG", "/d", 1);
	_cleanup_strv_free_ char **w = config_auth_file_paths(NULL);
	assert_string_equal(w[0], "/x/auth.json");
	assert_string_equal(w[2], "/d/config.json");
	_cleanup_free_ char *primary = config_auth_file_primary(NULL);
	assert_string_equal(primary, "/x/auth.json");

	_cleanup_strv_free_ char **only = config_auth_file_paths("/explicit.json");
	assert_int_equal(strv_length(only), 1);
	assert_string_equal(only[0], "/explicit.json");
}

static void test_config_auth_file_primary_without_runtime_dir(void **state)
{
	unsetenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *p = config_auth_file_primary(NULL);
	_cleanup_free_ char *want = xasprintf("/run/containers/%u/auth.json", (unsigned)getuid());
	assert_string_equal(p, want);
}

static void test_config_auth_store_lookup_round_trip(void **state)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *file = tmp_path("new/dir/auth.json");
	assert_int_equal(config_auth_store(file, "127.0.0.1:5000", "user", "p:a:ss", &err), 0);
	assert_creds(file, "127.0.0.1:5000", "user", "p:a:ss");
	assert_creds(file, "127.0.0.1:5000/some/repo", "user", "p:a:ss");
	assert_creds(file, "127.0.0.1:5001", NULL, NULL);

	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	_cleanup_free_ char *dir = tmp_path("new/dir");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	/* The default primary file is used without an explicit one. */
	assert_int_equal(config_auth_store(NULL, "https://quay.io/", "u2", "p2", &err), 0);
	assert_creds(NULL, "quay.io/a/b", "u2", "p2");
	assert_creds(file, "quay.io", NULL, NULL);
}

static void test_config_auth_lookup_most_specific(void **state)
{
	write_file("a.json", "{\"auths\": {"
			     "\"reg.io\": {\"auth\": \"aG9zdDpocA==\"},"
			     "\"reg.io/team\": {\"auth\": \"dGVhbTp0cA==\"},"
			     "\"reg.io/team/app\": {\"auth\": \"YXBwOmFw\"}}}");
	_cleanup_free_ char *file = tmp_path("a.json");
	assert_creds(file, "reg.io/team/app", "app", "ap");
	assert_creds(file, "reg.io/team/other", "team", "tp");
	assert_creds(file, "reg.io/solo", "host", "hp");
	assert_creds(file, "reg.io", "host", "hp");
	assert_creds(file, "reg.io.evil", NULL, NULL);
}

static void test_config_auth_lookup_legacy_keys(void **state)
{
	write_file("home/.docker/config.json",
		   "{\"auths\": {"
		   "\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1Yg==\"},"
		   "\"http://old.example:5000/v1/\": {\"auth\": \"b2xkOm9sZA==\"}}}");
	assert_creds(NULL, "docker.io/library/alpine", "hub", "hub");
	assert_creds(NULL, "old.example:5000/x", "old", "old");
	assert_creds(NULL, "old.example", NULL, NULL);
}

static void test_config_auth_lookup_file_order(void **state)
{
	write_file("home/.docker/config.json",
		   "{\"auths\": {\"reg.io\": {\"auth\": \"ZG9ja2VyOmQ=\"}}}");
	assert_creds(NULL, "reg.io/x", "docker", "d");
	write_file("home/.config/containers/auth.json",
		   "{\"auths\": {\"reg.io\": {\"auth\": \"Y29uZmlnOmM=\"}}}");
	assert_creds(NULL, "reg.io/x", "config", "c");
	write_file("run/containers/auth.json",
		   "{\"auths\": {\"reg.io\": {\"auth\": \"cnVuOnI=\"}}}");
	assert_creds(NULL, "reg.io/x", "run", "r");
	/* An explicit file replaces the search. */
	write_file("only.json", "{}");
	_cleanup_free_ char *only = tmp_path("only.json");
	assert_creds(only, "reg.io/x", NULL, NULL);
}

static void test_config_auth_store_preserves_other_keys(void **state)
{
	write_file("p.json", "{\"auths\": {\"a.io\": {\"auth\": \"YTph\", \"email\": \"x@y\"}},"
			     " \"credHelpers\": {\"gcr.io\": \"gcloud\"}}");
	_cleanup_free_ char *file = tmp_path("p.json");
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(config_auth_store(file, "b.io", "b", "b", &err), 0);
	assert_int_equal(config_auth_store(file, "a.io", "a2", "a2", &err), 0);
	assert_creds(file, "a.io", "a2", "a2");
	assert_creds(file, "b.io", "b", "b");
	_cleanup_free_ char *text = NULL;
	assert_int_equal(fs_read_file(file, 1 << 20, &text, NULL), 0);
	_cleanup_json_ json_t *root = sk_json_parse(text, strlen(text), NULL);
	assert_non_null(root);
	assert_string_equal(sk_json_str(json_object_get(root, "credHelpers"), "gcr.io"), "gcloud");
	json_t *a = json_object_get(json_object_get(root, "auths"), "a.io");
	assert_string_equal(sk_json_str(a, "email"), "x@y");
}

static void test_config_auth_remove_entries(void **state)
{
	_cleanup_free_ char *file = tmp_path("r.json");
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(config_auth_store(file, "one.io", "1", "1", &err), 0);
	assert_int_equal(config_auth_store(file, "two.io/repo", "2", "2", &err), 0);
	assert_int_equal(config_auth_remove(file, "one.io", &err), 0);
	assert_creds(file, "one.io", NULL, NULL);
	assert_creds(file, "two.io/repo", "2", "2");

	assert_true(config_auth_remove(file, "one.io", &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg, "not logged into one.io");

	assert_int_equal(config_auth_remove_all(file, NULL), 0);
	assert_creds(file, "two.io/repo", NULL, NULL);
	_cleanup_free_ char *missing = tmp_path("missing.json");
	assert_int_equal(config_auth_remove_all(missing, NULL), 0);
	assert_false(fs_exists(missing));
}

static void test_config_auth_remove_legacy_key(void **state)
{
	write_file("l.json", "{\"auths\": {\"https://reg.io/v1/\": {\"auth\": \"YTph\"}}}");
	_cleanup_free_ char *file = tmp_path("l.json");
	assert_int_equal(config_auth_remove(file, "reg.io", NULL), 0);
	assert_creds(file, "reg.io", NULL, NULL);
}

static void test_config_auth_lookup_malformed(void **state)
{
	_cleanup_free_ char *file = tmp_path("bad.json");
	write_file("bad.json", "{\"auths\": ");
	_cleanup_error_ struct sk_error *e1 = NULL;
	_cleanup_free_ char *u = NULL, *p = NULL;
	assert_true(config_auth_lookup(file, "reg.io", &u, &p, &e1) < 0);
	assert_int_equal(e1->kind, SK_ERR_INVALID);

	write_file("bad.json", "{\"auths\": {\"reg.io\": {\"auth\": \"!!!\"}}}");
	_cleanup_error_ struct sk_error *e2 = NULL;
	assert_true(config_auth_lookup(file, "reg.io", &u, &p, &e2) < 0);
	assert_non_null(strstr(e2->msg, "invalid base64"));

	write_file("bad.json", "{\"auths\": {\"reg.io\": {\"auth\": \"bm9jb2xvbg==\"}}}");
	_cleanup_error_ struct sk_error *e3 = NULL;
	assert_true(config_auth_lookup(file, "reg.io", &u, &p, &e3) < 0);
	assert_non_null(strstr(e3->msg, "user:password"));

	write_file("bad.json", "{\"auths\": []}");
	_cleanup_error_ struct sk_error *e4 = NULL;
	assert_true(config_auth_lookup(file, "reg.io", &u, &p, &e4) < 0);
	assert_null(u);
}

static void test_config_auth_store_invalid_input(void **state)
{
	_cleanup_free_ char *file = tmp_path("i.json");
	_cleanup_error_ struct sk_error *e1 = NULL, *e2 = NULL;
	assert_true(config_auth_store(file, "https://", "u", "p", &e1) < 0);
	assert_int_equal(e1->kind, SK_ERR_INVALID);
	assert_true(config_auth_store(file, "reg.io", "us:er", "p", &e2) < 0);
	assert_int_equal(e2->kind, SK_ERR_INVALID);
	assert_false(fs_exists(file));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_auth_file_paths_order),
		T(test_config_auth_file_primary_without_runtime_dir),
		T(test_config_auth_store_lookup_round_trip),
		T(test_config_auth_lookup_most_specific),
		T(test_config_auth_lookup_legacy_keys),
		T(test_config_auth_lookup_file_order),
		T(test_config_auth_store_preserves_other_keys),
		T(test_config_auth_remove_entries),
		T(test_config_auth_remove_legacy_key),
		T(test_config_auth_lookup_malformed),
		T(test_config_auth_store_invalid_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
