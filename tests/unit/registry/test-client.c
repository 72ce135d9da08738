/* SPDX-License-Identifier: Apache-2.0 */
/* The client's set-up: names, certificate directories, proxies and credentials. Nothing here
 * talks to a registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "config/auth-file.h"
#include "registry/request.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *tmp;

static int setup(void **state)
{
	assert_int_equal(fs_mkdtemp_in("/tmp", "selkie-test-client-", &tmp), 0);
	setenv("HOME", tmp, 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	return 0;
}

static int teardown(void **state)
{
	fs_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
	return 0;
}

static void write_file(const char *rel, const char *content)
{
	_cleanup_free_ char *p = path_join(tmp, rel);
	assert_int_equal(fs_mkdir_parents(p, 0700), 0);
	assert_int_equal(fs_write_atomic(p, content, strlen(content), 0600), 0);
}

static struct registry_client *client(const char *name, const struct registry_opts *opts)
{
	struct registry_client *c = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(registry_client_new(name, opts, &c, &err), 0);
	return c;
}

static void test_registry_client_new_names(void **state)
{
	_cleanup_registry_client_ struct registry_client *hub = client("docker.io", NULL);
	assert_string_equal(registry_client_name(hub), "docker.io");
	assert_string_equal(hub->endpoint, "registry-1.docker.io");
	assert_null(registry_client_scheme(hub));
	_cleanup_registry_client_ struct registry_client *local = client("127.0.0.1:5000", NULL);
	assert_string_equal(local->endpoint, "127.0.0.1:5000");
	_cleanup_registry_client_ struct registry_client *v6 = client("[::1]:5000", NULL);
	assert_non_null(v6);

	_cleanup_registry_client_ struct registry_client *plain = client("localhost", NULL);
	assert_non_null(plain);
	const char *bad[] = { "",    "a/b",	 "https://x", "a b",  "x@y",   "a\nb", "host:",
			      "h:p", "h:123456", "[::1",      "[]:5", ":5000", "h:5:5" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct registry_client *c = NULL;
		_cleanup_error_ struct sk_error *err = NULL;
		assert_true(registry_client_new(bad[i], NULL, &c, &err) < 0);
		assert_int_equal(err->kind, SK_ERR_INVALID);
		assert_null(c);
	}
}

static void test_registry_client_new_cert_dir(void **state)
{
	write_file("certs/ca.crt", "PEM-ONE");
	write_file("certs/b.crt", "PEM-TWO");
	write_file("certs/client.cert", "CERT");
	write_file("certs/client.key", "KEY");
	write_file("certs/README", "ignored");
	_cleanup_free_ char *dir = path_join(tmp, "certs");
	const struct registry_opts opts = { .cert_dir = dir };
	_cleanup_registry_client_ struct registry_client *c = client("reg:5000", &opts);
	assert_non_null(c->ca_pem);
	assert_int_equal(strlen(c->ca_pem), c->ca_pem_len);
	const char *one = strstr(c->ca_pem, "PEM-ONE"), *two = strstr(c->ca_pem, "PEM-TWO");
	assert_non_null(one);
	assert_non_null(two);
	assert_true(two < one); /* sorted by name */
	_cleanup_free_ char *cert = path_join(dir, "client.cert");
	_cleanup_free_ char *key = path_join(dir, "client.key");
	assert_string_equal(c->client_cert, cert);
	assert_string_equal(c->client_key, key);
}

static void test_registry_client_new_cert_dir_unpaired(void **state)
{
	write_file("c1/client.cert", "CERT");
	write_file("c2/lonely.key", "KEY");
	const char *dirs[] = { "c1", "c2" };
	const char *want[] = { "missing key", "missing client certificate" };
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *dir = path_join(tmp, dirs[i]);
		const struct registry_opts opts = { .cert_dir = dir };
		struct registry_client *c = NULL;
		_cleanup_error_ struct sk_error *err = NULL;
		assert_true(registry_client_new("reg", &opts, &c, &err) < 0);
		assert_int_equal(err->kind, SK_ERR_INVALID);
		assert_non_null(strstr(err->msg, want[i]));
	}
}

static void test_registry_client_new_cert_dir_missing(void **state)
{
	_cleanup_free_ char *dir = path_join(tmp, "nope");
	const struct registry_opts opts = { .cert_dir = dir };
	_cleanup_registry_client_ struct registry_client *c = client("reg", &opts);
	assert_null(c->ca_pem);
	assert_null(c->client_cert);
}

static void test_registry_cert_dir_default_per_user(void **state)
{
	write_file(".config/containers/certs.d/selkie-test.invalid:5000/ca.crt", "X");
	_cleanup_free_ char *d = registry_cert_dir_default("selkie-test.invalid:5000");
	if (geteuid() == 0) {
		/* root only looks in /etc. */
		assert_null(d);
	} else {
		_cleanup_free_ char *want =
			path_join(tmp, ".config/containers/certs.d/selkie-test.invalid:5000");
		assert_string_equal(d, want);
	}
	assert_null(registry_cert_dir_default("selkie-test.invalid:5001"));
}

static void test_registry_client_new_noproxy(void **state)
{
	_cleanup_registry_client_ struct registry_client *a = client("reg", NULL);
	assert_string_equal(a->noproxy, "localhost,127.0.0.0/8,::1");
	setenv("NO_PROXY", "corp.example", 1);
	_cleanup_registry_client_ struct registry_client *b = client("reg", NULL);
	assert_string_equal(b->noproxy, "corp.example,localhost,127.0.0.0/8,::1");
	setenv("no_proxy", "*", 1);
	_cleanup_registry_client_ struct registry_client *c = client("reg", NULL);
	assert_string_equal(c->noproxy, "*");
}

static void test_registry_auth_creds_sources(void **state)
{
	_cleanup_free_ char *file = path_join(tmp, "auth.json");
	assert_int_equal(config_auth_store(file, "reg:5000", "fileuser", "filepass", NULL), 0);
	assert_int_equal(config_auth_store(file, "reg:5000/team/app", "appuser", "apppass", NULL),
			 0);
	const struct registry_opts from_file = { .authfile = file };
	_cleanup_registry_client_ struct registry_client *c = client("reg:5000", &from_file);
	const char *u = NULL, *p = NULL;
	assert_int_equal(registry_auth_creds(c, NULL, &u, &p, NULL), 1);
	assert_string_equal(u, "fileuser");
	assert_int_equal(registry_auth_creds(c, "team/app", &u, &p, NULL), 1);
	assert_string_equal(u, "appuser");
	assert_string_equal(p, "apppass");
	assert_int_equal(registry_auth_creds(c, "other", &u, &p, NULL), 1);
	assert_string_equal(u, "fileuser");

	_cleanup_registry_client_ struct registry_client *none = client("reg:5001", &from_file);
	u = NULL;
	assert_int_equal(registry_auth_creds(none, "x", &u, &p, NULL), 0);
	assert_null(u);

	const struct registry_opts explicit = { .authfile = file,
						.username = "cli",
						.password = "clipass" };
	_cleanup_registry_client_ struct registry_client *e = client("reg:5000", &explicit);
	assert_int_equal(registry_auth_creds(e, "team/app", &u, &p, NULL), 1);
	assert_string_equal(u, "cli");
	assert_string_equal(p, "clipass");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_registry_client_new_names),
		T(test_registry_client_new_cert_dir),
		T(test_registry_client_new_cert_dir_unpaired),
		T(test_registry_client_new_cert_dir_missing),
		T(test_registry_cert_dir_default_per_user),
		T(test_registry_client_new_noproxy),
		T(test_registry_auth_creds_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
