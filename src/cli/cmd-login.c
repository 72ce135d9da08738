/* SPDX-License-Identifier: Apache-2.0 */
/* login, logout: credentials checked against the registry (GET /v2/) and kept in auth.json, with
 * podman's prompts, messages and keys ("host[:port]" or "host[:port]/repo"). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "config/auth-file.h"
#include "config/registries-conf.h"
#include "image/reference.h"
#include "registry/client.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The registry to use when none is given: the first unqualified-search registry. */
static int default_registry(struct cli_ctx *ctx, char **ret, struct sk_error **err)
{
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	struct config_registries_opts co = { .path = ctx->global.registries_conf };
	int r = config_registries_load(&co, &conf, err);
	if (r < 0)
		return sk_error_wrap(err, "getting registry from registry.conf, please specify a "
					  "registry");
	if (!conf->search[0])
		return sk_err_invalid(err, "no registries found in registries.conf, a registry "
					   "must be provided");
	*ret = xstrdup(conf->search[0]);
	return 0;
}

/* An auth.json key from what the user typed: a URL is cut to its host, "host/repo" must be a
 * repository name without tag or digest. ret_registry gets the host. */
static int credentials_key(const char *arg, char **ret_key, char **ret_registry,
			   struct sk_error **err)
{
	const char *s = arg;
	bool url = strneq(s, "http://", 7) || strneq(s, "https://", 8);
	if (url)
		s = strstr(s, "://") + 3;
	_cleanup_free_ char *key = url ? xstrndup(s, strcspn(s, "/")) : xstrdup(s);
	size_t n = strlen(key);
	while (n > 0 && key[n - 1] == '/')
		key[--n] = '\0';
	if (n == 0)
		return sk_err_invalid(err, "invalid registry \"%s\"", arg);
	if (streq(key, "registry-1.docker.io")) {
		free(key);
		key = xstrdup("docker.io");
	}
	_cleanup_free_ char *registry = xstrndup(key, strcspn(key, "/"));
	if (streq(registry, key)) {
		*ret_registry = TAKE_PTR(registry);
		*ret_key = TAKE_PTR(key);
		return 0;
	}
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	if (image_reference_parse(key, &ref, err) < 0)
		return sk_error_wrap(err, "parse reference from \"%s\"", key);
	_cleanup_free_ char *full = image_reference_format(ref);
	if (ref->tag || ref->digest)
		return sk_err_invalid(err, "reference \"%s\" contains tag or digest", full);
	if (!streq(ref->domain, registry))
		return sk_err_invalid(err, "invalid registry key \"%s\": \"%s\" is not a registry",
				      key, registry);
	*ret_registry = TAKE_PTR(registry);
	*ret_key = TAKE_PTR(key);
	return 0;
}

static int key_from_args(struct cli_ctx *ctx, int argc, char **argv, char **ret_key,
			 char **ret_registry, struct sk_error **err)
{
	if (argc > 0)
		return credentials_key(argv[0], ret_key, ret_registry, err);
	int r = default_registry(ctx, ret_key, err);
	if (r >= 0)
		*ret_registry = xstrdup(*ret_key);
	return r;
}

/* podman refuses an explicit --authfile that does not exist where it only reads or edits. */
static int authfile_check(const char *authfile)
{
	struct stat st;
	if (authfile && stat(authfile, &st) < 0)
		return cli_failf("checking authfile: stat %s: %s", authfile,
				 errno == ENOENT ? "no such file or directory" : strerror(errno));
	return 0;
}

static int tls_insecure(struct cli_ctx *ctx, const char *tls_verify, const char *registry,
			bool *ret)
{
	if (tls_verify) {
		bool b;
		if (parse_bool(tls_verify, &b) < 0)
			return cli_failf("invalid argument \"%s\" for \"--tls-verify\" flag",
					 tls_verify);
		*ret = !b;
		return 0;
	}
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	struct config_registries_opts co = { .path = ctx->global.registries_conf };
	if (config_registries_load(&co, &conf, &err) < 0)
		return cli_fail(err);
	*ret = config_registries_is_insecure(conf, registry);
	return 0;
}

/* GET /v2/ with user and pass, as podman's CheckAuth. */
static int check_auth(const char *registry, bool insecure, const char *cert_dir,
		      const char *authfile, const char *user, const char *pass,
		      struct sk_error **err)
{
	struct registry_opts ro = {
		.insecure = insecure,
		.cert_dir = cert_dir,
		.username = user,
		.password = pass ? pass : "",
		.authfile = authfile,
	};
	_cleanup_registry_client_ struct registry_client *c = NULL;
	int r = registry_client_new(registry, &ro, &c, err);
	if (r >= 0)
		r = registry_ping(c, err);
	return r;
}

/* A line of stdin without its newline; -EPIPE at EOF before a newline (Go's io.EOF). */
static int read_line(char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	int ch;
	while ((ch = getchar()) != EOF && ch != '\n')
		strbuf_addch(&sb, (char)ch);
	if (ch == EOF) {
		strbuf_release(&sb);
		return -EPIPE;
	}
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

static int read_password(char **ret)
{
	struct termios old, quiet;
	if (tcgetattr(STDIN_FILENO, &old) < 0)
		return -errno;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ICANON;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
		return -errno;
	int r = read_line(ret);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return r;
}

/* Ask for what the flags did not give, as podman's getUserAndPass. */
static int prompt_credentials(const char *stored_user, char **user, char **pass)
{
	if (!*user) {
		if (stored_user)
			printf("Username (%s): ", stored_user);
		else
			fputs("Username: ", stdout);
		fflush(stdout);
		_cleanup_free_ char *line = NULL;
		if (read_line(&line) < 0)
			return cli_failf("getting username and password: reading username: EOF");
		size_t b = strspn(line, " \t\r"), e = strlen(line);
		while (e > b && strchr(" \t\r", line[e - 1]))
			e--;
		/* Just Enter keeps the user of the stored credentials. */
		*user = e > b ? xstrndup(line + b, e - b) : xstrdup(stored_user ? stored_user : "");
	}
	if (!*pass) {
		fputs("Password: ", stdout);
		fflush(stdout);
		if (!isatty(STDIN_FILENO))
			return cli_failf("getting username and password: reading password: "
					 "inappropriate ioctl for device");
		int r = read_password(pass);
		putchar('\n');
		if (r < 0)
			return cli_failf("getting username and password: reading password: %s",
					 r == -EPIPE ? "EOF" : strerror(-r));
	}
	return 0;
}

/* --password-stdin: every line of stdin, joined without the newlines. */
static int password_from_stdin(const struct login_opts *lo, char **ret)
{
	if (lo->password)
		return cli_failf("can't specify both --password-stdin and --password");
	if (!lo->username)
		return cli_failf("must provide --username with --password-stdin");
	struct strbuf sb = STRBUF_INIT;
	int ch;
	while ((ch = getchar()) != EOF)
		if (ch != '\n' && ch != '\r')
			strbuf_addch(&sb, (char)ch);
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

struct login_req {
	const struct login_opts *lo;
	const char *key, *registry;
	bool insecure;
	char *stored_user, *stored_pass;
};

/* Reuse the stored credentials when no -u/-p was given: 1 when they are still good. */
static int login_existing(const struct login_req *q)
{
	if (!q->stored_user || isempty(q->stored_pass))
		return 0;
	printf("Authenticating with existing credentials for %s\n", q->key);
	_cleanup_error_ struct sk_error *err = NULL;
	if (check_auth(q->registry, q->insecure, q->lo->cert_dir, q->lo->authfile, q->stored_user,
		       q->stored_pass, &err) >= 0) {
		printf("Existing credentials are valid. Already logged in to %s\n", q->registry);
		return 1;
	}
	puts("Existing credentials are invalid, please enter valid username and password");
	return 0;
}

static int login_verify_store(const struct login_req *q, const char *user, const char *pass)
{
	_cleanup_error_ struct sk_error *err = NULL;
	int r = check_auth(q->registry, q->insecure, q->lo->cert_dir, q->lo->authfile, user, pass,
			   &err);
	if (r < 0 && err->kind == SK_ERR_AUTH)
		return cli_failf("logging into \"%s\": invalid username/password", q->key);
	if (r < 0) {
		sk_error_wrap(&err, "authenticating creds for \"%s\"", q->key);
		return cli_fail(err);
	}
	if (config_auth_store(q->lo->authfile, q->key, user, pass, &err) < 0)
		return cli_fail(err);
	if (q->lo->verbose) {
		_cleanup_free_ char *path = config_auth_file_primary(q->lo->authfile);
		printf("Used:  %s\n", path);
	}
	puts("Login Succeeded!");
	return 0;
}

static int login_run(struct login_req *q)
{
	const struct login_opts *lo = q->lo;
	if (lo->get_login) {
		if (isempty(q->stored_user))
			return cli_failf("not logged into %s", q->key);
		puts(q->stored_user);
		return 0;
	}
	_cleanup_free_ char *user = lo->username ? xstrdup(lo->username) : NULL;
	_cleanup_free_ char *pass = lo->password ? xstrdup(lo->password) : NULL;
	if (lo->password_stdin) {
		int rc = password_from_stdin(lo, &pass);
		if (rc != 0)
			return rc;
	}
	if (!user && isempty(pass) && login_existing(q) > 0)
		return 0;
	if (isempty(pass)) {
		free(pass);
		pass = NULL;
	}
	int rc = prompt_credentials(q->stored_user, &user, &pass);
	if (rc != 0)
		return rc;
	return login_verify_store(q, user, pass);
}

int cmd_login(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct login_opts *lo = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *key = NULL, *registry = NULL;
	if (key_from_args(ctx, argc, argv, &key, &registry, &err) < 0)
		return cli_fail(err);
	struct login_req q = { .lo = lo, .key = key, .registry = registry };
	int rc = tls_insecure(ctx, lo->tls_verify, registry, &q.insecure);
	if (rc != 0)
		return rc;
	if (config_auth_lookup(lo->authfile, key, &q.stored_user, &q.stored_pass, &err) < 0) {
		sk_error_wrap(&err, "get credentials");
		return cli_fail(err);
	}
	rc = login_run(&q);
	free(q.stored_user);
	free(q.stored_pass);
	return rc;
}

/* Credentials removed elsewhere than our file: podman tells to use docker logout. */
static int logout_not_logged_in(struct cli_ctx *ctx, const struct logout_opts *lo, const char *key,
				const char *registry)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *user = NULL, *pass = NULL;
	if (config_auth_lookup(lo->authfile, key, &user, &pass, &err) < 0) {
		sk_error_wrap(&err, "get credentials");
		return cli_fail(err);
	}
	bool insecure = false;
	int rc = tls_insecure(ctx, NULL, registry, &insecure);
	if (rc != 0)
		return rc;
	if (!isempty(user) && !isempty(pass) &&
	    check_auth(registry, insecure, NULL, lo->authfile, user, pass, &err) >= 0) {
		printf("Not logged into %s with current tool. Existing credentials were "
		       "established via docker login. Please use docker logout instead.\n",
		       key);
		return 0;
	}
	return cli_failf("not logged into %s", key);
}

int cmd_logout(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct logout_opts *lo = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	int rc = authfile_check(lo->authfile);
	if (rc != 0)
		return rc;
	if (lo->all) {
		if (argc > 0)
			return cli_failf("--all takes no arguments");
		if (config_auth_remove_all(lo->authfile, &err) < 0)
			return cli_fail(err);
		puts("Removed login credentials for all registries");
		return 0;
	}
	_cleanup_free_ char *key = NULL, *registry = NULL;
	if (key_from_args(ctx, argc, argv, &key, &registry, &err) < 0)
		return cli_fail(err);
	if (config_auth_remove(lo->authfile, key, &err) >= 0) {
		printf("Removed login credentials for %s\n", key);
		return 0;
	}
	if (err->kind == SK_ERR_NOTFOUND)
		return logout_not_logged_in(ctx, lo, key, registry);
	sk_error_wrap(&err, "logging out of \"%s\"", key);
	return cli_fail(err);
}
