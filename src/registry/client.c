/* SPDX-License-Identifier: Apache-2.0 */
/* The client of one registry: options, TLS material, scheme detection and login's ping. */
#include "client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>

#include "config/paths.h"
#include "request.h"
#include "config/userns.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CERT_FILE_MAX (1u << 20)
#define CA_BUNDLE_MAX (16u << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

char *registry_cert_dir_default(const char *registry)
{
	char *candidates[3] = { NULL };
	size_t n = 0;
	if (config_userns_rootless()) {
		_cleanup_free_ char *home = config_home_dir();
		candidates[n++] = path_join(home, ".config/containers/certs.d");
	}
	candidates[n++] = xstrdup("/etc/containers/certs.d");
	candidates[n++] = xstrdup("/etc/docker/certs.d");
	char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(candidates[i], registry);
		if (!found && fs_is_dir(p))
			found = p;
		else
			free(p);
		free(candidates[i]);
	}
	return found;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls > lx && streq(s + ls - lx, suffix);
}

/* The names in dir, sorted (so the client pair picked is stable). -ENOENT when it is absent. */
static int dir_list(const char *dir, char ***ret)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	char **names = xnew(char *, 1);
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&names, de->d_name);
	closedir(d);
	strv_sort(names);
	*ret = names;
	return 0;
}

/* The CA bundle starts with curl's default one, which CURLOPT_CAINFO_BLOB replaces. */
static void ca_append(struct registry_client *c, struct strbuf *ca, const char *pem, size_t len)
{
	if (ca->len == 0) {
		char *sys_path = NULL;
		curl_easy_getinfo(c->easy, CURLINFO_CAINFO, &sys_path);
		_cleanup_free_ char *sys = NULL;
		size_t sys_len = 0;
		if (sys_path && fs_read_file(sys_path, CA_BUNDLE_MAX, &sys, &sys_len) >= 0) {
			strbuf_add(ca, sys, sys_len);
			strbuf_addch(ca, '\n');
		}
	}
	strbuf_add(ca, pem, len);
	strbuf_addch(ca, '\n');
}

static int cert_file(struct registry_client *c, const char *dir, const char *name,
		     struct strbuf *ca, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(dir, name);
	const char *dot = strrchr(path, '.');
	int base_len = dot ? (int)(dot - path) : 0;
	if (has_suffix(name, ".crt")) {
		_cleanup_free_ char *pem = NULL;
		size_t len = 0;
		int r = fs_read_file(path, CERT_FILE_MAX, &pem, &len);
		if (r < 0)
			return sk_err_system(err, r, "reading '%s': %s", path, strerror(-r));
		ca_append(c, ca, pem, len);
	} else if (has_suffix(name, ".cert")) {
		_cleanup_free_ char *key = xasprintf("%.*s.key", base_len, path);
		if (!fs_exists(key))
			return sk_err_invalid(err, "missing key '%s' for client certificate '%s'",
					      key, path);
		if (!c->client_cert) {
			c->client_cert = TAKE_PTR(path);
			c->client_key = TAKE_PTR(key);
		}
	} else if (has_suffix(name, ".key")) {
		_cleanup_free_ char *cert = xasprintf("%.*s.cert", base_len, path);
		if (!fs_exists(cert))
			return sk_err_invalid(err, "missing client certificate '%s' for key '%s'",
					      cert, path);
	}
	return 0;
}

/* podman's certs.d layout: *.crt are CAs, *.cert + *.key client pairs. */
static int cert_dir_load(struct registry_client *c, const char *dir, struct sk_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = dir_list(dir, &names);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "reading certificate directory '%s': %s", dir,
				     strerror(-r));
	_cleanup_strbuf_ struct strbuf ca = STRBUF_INIT;
	STRV_FOREACH (n, names) {
		r = cert_file(c, dir, *n, &ca, err);
		if (r < 0)
			return r;
	}
	if (ca.len > 0)
		c->ca_pem = strbuf_detach(&ca, &c->ca_pem_len);
	return 0;
}

/* Loopback never goes through a proxy; the rest follows the usual environment. */
static char *noproxy_list(void)
{
	const char *env = getenv("no_proxy");
	if (isempty(env))
		env = getenv("NO_PROXY");
	if (!isempty(env) && streq(env, "*"))
		return xstrdup("*");
	const char *loopback = "localhost,127.0.0.0/8,::1";
	return isempty(env) ? xstrdup(loopback) : xasprintf("%s,%s", env, loopback);
}

/* "host", "host:port", "[v6]:port": the only forms a registry is named by. */
static bool registry_name_ok(const char *s)
{
	size_t len = strlen(s), host;
	if (len == 0 || len > 255)
		return false;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end == s + 1 ||
		    strspn(s + 1, "0123456789abcdefABCDEF:.") != (size_t)(end - s - 1))
			return false;
		host = (size_t)(end - s) + 1;
	} else {
		host = strspn(s,
			      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
		if (host == 0)
			return false;
	}
	if (s[host] == '\0')
		return true;
	const char *port = s + host + 1;
	size_t plen = strlen(port);
	return s[host] == ':' && plen >= 1 && plen <= 5 && strspn(port, "0123456789") == plen;
}

static int registry_name_check(const char *registry, struct sk_error **err)
{
	if (!registry || !registry_name_ok(registry))
		return sk_err_invalid(err, "invalid registry '%s'", registry ? registry : "");
	return 0;
}

int registry_client_new(const char *registry, const struct registry_opts *opts,
			struct registry_client **ret, struct sk_error **err)
{
	static const struct registry_opts defaults = { 0 };
	if (!opts)
		opts = &defaults;
	int r = registry_name_check(registry, err);
	if (r < 0)
		return r;
	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK)
		return sk_err_internal(err, "initialising libcurl: %s",
				       curl_easy_strerror(curl_init_result));
	_cleanup_registry_client_ struct registry_client *c = xnew(struct registry_client, 1);
	c->name = xstrdup(registry);
	bool hub = streq(registry, "docker.io") || streq(registry, "index.docker.io");
	c->endpoint = xstrdup(hub ? "registry-1.docker.io" : registry);
	c->insecure = opts->insecure;
	if (opts->creds) {
		r = registry_creds_parse(opts->creds, &c->username, &c->password, err);
		if (r < 0)
			return r;
	} else {
		c->username = opts->username ? xstrdup(opts->username) : NULL;
		c->password = opts->password ? xstrdup(opts->password) : NULL;
	}
	c->authfile = opts->authfile ? xstrdup(opts->authfile) : NULL;
	c->noproxy = noproxy_list();
	c->easy = curl_easy_init();
	if (!c->easy)
		return sk_err_internal(err, "cannot create a curl handle");
	_cleanup_free_ char *cert_dir =
		opts->cert_dir ? xstrdup(opts->cert_dir) : registry_cert_dir_default(registry);
	if (cert_dir) {
		r = cert_dir_load(c, cert_dir, err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void registry_client_free(struct registry_client *c)
{
	if (!c)
		return;
	if (c->easy)
		curl_easy_cleanup(c->easy);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	registry_auth_cache_free(c);
	registry_challenge_release(&c->challenge);
	free(c->name);
	free(c->endpoint);
	free(c->base_url);
	free(c->username);
	free_secret(c->password);
	free(c->authfile);
	free(c->ca_pem);
	free(c->client_cert);
	free(c->client_key);
	free(c->noproxy);
	free(c);
}

const char *registry_client_name(const struct registry_client *c)
{
	return c->name;
}

const char *registry_client_scheme(const struct registry_client *c)
{
	if (!c->base_url)
		return NULL;
	return strneq(c->base_url, "https:", 6) ? "https" : "http";
}

/* GET /v2/ without credentials over one scheme: 200 or 401 means a registry is there. */
static int ping_scheme(struct registry_client *c, const char *scheme, struct sk_error **err)
{
	free(c->base_url);
	c->base_url = xasprintf("%s://%s", scheme, c->endpoint);
	const struct registry_request req = { .url = "/v2/", .no_auth = true };
	struct registry_response resp = { 0 };
	int r = registry_request(c, &req, &resp, err);
	if (r >= 0 && resp.status != 200 && resp.status != 401)
		r = registry_response_error(&resp, NULL, NULL, err);
	if (r >= 0 && resp.status == 401) {
		registry_challenge_release(&c->challenge);
		STRV_FOREACH (h, resp.www_auth)
			if (registry_challenge_parse(*h, &c->challenge, NULL) >= 0)
				break;
	}
	registry_response_release(&resp);
	if (r < 0) {
		free(c->base_url);
		c->base_url = NULL;
	}
	return r;
}

int registry_client_ensure(struct registry_client *c, struct sk_error **err)
{
	if (c->base_url)
		return 0;
	_cleanup_error_ struct sk_error *e = NULL;
	int r = ping_scheme(c, "https", &e);
	if (r < 0 && c->insecure) {
		sk_error_free(e);
		e = NULL;
		r = ping_scheme(c, "http", &e);
	}
	if (r >= 0)
		return 0;
	return sk_error_set(err, e->kind, e->errnum, "pinging container registry %s: %s", c->name,
			    e->msg);
}

int registry_ping(struct registry_client *c, struct sk_error **err)
{
	int r = registry_client_ensure(c, err);
	if (r < 0)
		return r;
	const struct registry_request req = { .url = "/v2/" };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r >= 0 && resp.status != 200) {
		_cleanup_free_ char *what = xasprintf("authenticating to \"%s\"", c->name);
		r = registry_response_error(&resp, what, NULL, err);
	}
	registry_response_release(&resp);
	return r < 0 ? r : 0;
}
