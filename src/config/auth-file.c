/* SPDX-License-Identifier: Apache-2.0 */
#include "auth-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "config/paths.h"
#include "config/userns.h"
#include "util/base64.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define AUTH_FILE_MAX (4u << 20)

char *config_auth_file_primary(const char *authfile)
{
	if (!isempty(authfile))
		return xstrdup(authfile);
	const char *env = getenv("REGISTRY_AUTH_FILE");
	if (!isempty(env))
		return xstrdup(env);
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (!isempty(rt))
		return path_join(rt, "containers/auth.json");
	return xasprintf("/run/containers/%u/auth.json", (unsigned)config_userns_host_uid());
}

char **config_auth_file_paths(const char *authfile)
{
	char **v = NULL;
	strv_push_take(&v, config_auth_file_primary(authfile));
	if (!isempty(authfile))
		return v;
	_cleanup_free_ char *home = config_home_dir();
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (!isempty(xdg))
		strv_push_take(&v, path_join(xdg, "containers/auth.json"));
	else
		strv_push_take(&v, path_join(home, ".config/containers/auth.json"));
	const char *docker = getenv("DOCKER_CONFIG");
	if (!isempty(docker))
		strv_push_take(&v, path_join(docker, "config.json"));
	else
		strv_push_take(&v, path_join(home, ".docker/config.json"));
	strv_uniq(v);
	return v;
}

/* The whole file as a JSON object; a missing file is an empty object. */
static int auth_file_load(const char *path, json_t **ret, struct sk_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(path, AUTH_FILE_MAX, &text, &len);
	if (r == -ENOENT || r == -ENOTDIR) {
		*ret = json_object();
		return 0;
	}
	if (r < 0)
		return sk_err_system(err, r, "reading auth file '%s': %s", path, strerror(-r));
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *root = sk_json_parse(text, len, &reason);
	if (!root)
		return sk_err_invalid(err, "reading auth file '%s': %s", path, reason);
	json_t *auths = json_object_get(root, "auths");
	if (!json_is_object(root) || (auths && !json_is_object(auths)))
		return sk_err_invalid(err, "reading auth file '%s': \"auths\" is not an object",
				      path);
	*ret = TAKE_PTR(root);
	return 0;
}

/* "registry-1.docker.io" and "docker.io" are spelled "index.docker.io" in legacy keys. */
static const char *registry_normalize(const char *host)
{
	if (streq(host, "registry-1.docker.io") || streq(host, "docker.io"))
		return "index.docker.io";
	return host;
}

/* A key as written in a file, reduced to a host when it carries a scheme. Allocated. */
static char *key_normalize(const char *key)
{
	const char *s = key;
	if (strneq(s, "http://", 7))
		s += 7;
	else if (strneq(s, "https://", 8))
		s += 8;
	char *out = s == key ? xstrdup(s) : xstrndup(s, strcspn(s, "/"));
	const char *n = registry_normalize(out);
	if (n != out) {
		free(out);
		out = xstrdup(n);
	}
	return out;
}

/* The entry for key: the most specific "host/a/b", "host/a", "host" first, then legacy keys
 * matching the host. Borrowed; NULL when absent. ret_key gets the matching key (borrowed). */
static json_t *auths_find(json_t *auths, const char *key, const char **ret_key)
{
	_cleanup_free_ char *k = xstrdup(key);
	for (;;) {
		json_t *e = json_object_get(auths, k);
		if (e) {
			*ret_key = json_object_iter_key(json_object_iter_at(auths, k));
			return e;
		}
		char *slash = strrchr(k, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	const char *host = registry_normalize(k);
	const char *name;
	json_t *e;
	json_object_foreach (auths, name, e) {
		_cleanup_free_ char *n = key_normalize(name);
		if (streq(n, host)) {
			*ret_key = name;
			return e;
		}
	}
	return NULL;
}

/* Split an entry's "auth" (base64 of "user:pass"). 0 when it has none. */
static int entry_decode(const json_t *entry, const char *path, const char *key, char **ret_user,
			char **ret_pass, struct sk_error **err)
{
	const char *auth = sk_json_str(entry, "auth");
	if (isempty(auth))
		return 0;
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	if (base64_decode(auth, strlen(auth), &raw, &len) < 0)
		return sk_err_invalid(err, "reading auth file '%s': credentials of '%s': %s", path,
				      key, "invalid base64");
	char *colon = memchr(raw, ':', len);
	if (!colon || memchr(raw, '\0', len))
		return sk_err_invalid(err, "reading auth file '%s': credentials of '%s': %s", path,
				      key, "not in the form user:password");
	*ret_user = xstrndup(raw, (size_t)(colon - raw));
	*ret_pass = xstrdup(colon + 1);
	return 1;
}

int config_auth_lookup(const char *authfile, const char *key, char **ret_user, char **ret_pass,
		       struct sk_error **err)
{
	if (isempty(key))
		return sk_err_invalid(err, "looking up credentials: empty registry name");
	_cleanup_strv_free_ char **paths = config_auth_file_paths(authfile);
	STRV_FOREACH (p, paths) {
		_cleanup_json_ json_t *root = NULL;
		int r = auth_file_load(*p, &root, err);
		if (r < 0)
			return r;
		json_t *auths = json_object_get(root, "auths");
		const char *found = NULL;
		json_t *entry = auths ? auths_find(auths, key, &found) : NULL;
		if (!entry)
			continue;
		r = entry_decode(entry, *p, found, ret_user, ret_pass, err);
		if (r != 0)
			return r;
	}
	return 0;
}

/* "https://host/repo/" -> "host/repo". -EINVAL for an empty or malformed key. */
static int key_clean(const char *key, char **ret, struct sk_error **err)
{
	const char *s = key ? key : "";
	if (strneq(s, "http://", 7))
		s += 7;
	else if (strneq(s, "https://", 8))
		s += 8;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == '/')
		len--;
	if (len == 0 || s[0] == '/' || strcspn(s, " \t\r\n\"\\") < len)
		return sk_err_invalid(err, "invalid registry '%s'", key ? key : "");
	*ret = xstrndup(s, len);
	return 0;
}

/* Exclusive lock on the primary file's directory (created 0700); the fd is the lock. */
static int auth_dir_lock(const char *path, struct sk_error **err)
{
	_cleanup_free_ char *dir = path_dirname(path);
	int r = fs_mkdir_p(dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "creating '%s': %s", dir, strerror(-r));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return sk_err_system(err, e, "opening '%s': %s", dir, strerror(e));
	}
	if (RETRY_EINTR(flock(fd, LOCK_EX)) < 0) {
		int e = errno;
		close(fd);
		return sk_err_system(err, e, "locking '%s': %s", dir, strerror(e));
	}
	return fd;
}

static int auth_file_save(const char *path, const json_t *root, struct sk_error **err)
{
	_cleanup_free_ char *text = sk_json_dump(root, JSON_INDENT(8) | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *data = xasprintf("%s\n", text);
	int r = fs_write_atomic(path, data, strlen(data), 0600);
	if (r < 0)
		return sk_err_system(err, r, "writing auth file '%s': %s", path, strerror(-r));
	return 0;
}

/* Load the primary file under its lock, let edit() change "auths", save. edit returns <0 (error
 * set), 0 (nothing changed: not saved) or 1 (save). */
typedef int (*auth_edit_fn)(json_t *auths, const char *key, const void *data,
			    struct sk_error **err);

static int auth_file_edit(const char *authfile, const char *key, auth_edit_fn edit,
			  const void *data, struct sk_error **err)
{
	_cleanup_free_ char *path = config_auth_file_primary(authfile);
	_cleanup_close_ int lock = auth_dir_lock(path, err);
	if (lock < 0)
		return lock;
	_cleanup_json_ json_t *root = NULL;
	int r = auth_file_load(path, &root, err);
	if (r < 0)
		return r;
	json_t *auths = json_object_get(root, "auths");
	if (!auths) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	r = edit(auths, key, data, err);
	if (r <= 0)
		return r;
	return auth_file_save(path, root, err);
}

static int edit_store(json_t *auths, const char *key, const void *data, struct sk_error **err)
{
	const char *plain = data;
	_cleanup_free_ char *b64 = base64_encode(plain, strlen(plain));
	json_t *entry = json_object_get(auths, key);
	if (!json_is_object(entry)) {
		entry = json_object();
		json_object_set_new(auths, key, entry);
	}
	sk_json_set_str(entry, "auth", b64);
	return 1;
}

int config_auth_store(const char *authfile, const char *key, const char *user, const char *pass,
		      struct sk_error **err)
{
	_cleanup_free_ char *k = NULL;
	int r = key_clean(key, &k, err);
	if (r < 0)
		return r;
	if (isempty(user) || strchr(user, ':'))
		return sk_err_invalid(err, "storing credentials for '%s': invalid username '%s'", k,
				      user ? user : "");
	_cleanup_free_ char *plain = xasprintf("%s:%s", user, pass ? pass : "");
	r = auth_file_edit(authfile, k, edit_store, plain, err);
	return r < 0 ? r : 0;
}

static int edit_remove(json_t *auths, const char *key, const void *data, struct sk_error **err)
{
	if (json_object_get(auths, key)) {
		json_object_del(auths, key);
		return 1;
	}
	/* A bare host also forgets legacy keys ("https://host/v1/") of that host. */
	int removed = 0;
	if (!strchr(key, '/')) {
		const char *host = registry_normalize(key);
		const char *name;
		json_t *e;
		void *tmp;
		json_object_foreach_safe(auths, tmp, name, e)
		{
			_cleanup_free_ char *n = key_normalize(name);
			if (streq(n, host) && !streq(name, n)) {
				json_object_del(auths, name);
				removed = 1;
			}
		}
	}
	if (!removed)
		return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT, "not logged into %s", key);
	return 1;
}

int config_auth_remove(const char *authfile, const char *key, struct sk_error **err)
{
	_cleanup_free_ char *k = NULL;
	int r = key_clean(key, &k, err);
	if (r < 0)
		return r;
	r = auth_file_edit(authfile, k, edit_remove, NULL, err);
	return r < 0 ? r : 0;
}

static int edit_clear(json_t *auths, const char *key, const void *data, struct sk_error **err)
{
	if (json_object_size(auths) == 0)
		return 0;
	json_object_clear(auths);
	return 1;
}

int config_auth_remove_all(const char *authfile, struct sk_error **err)
{
	_cleanup_free_ char *path = config_auth_file_primary(authfile);
	if (!fs_exists(path))
		return 0;
	int r = auth_file_edit(authfile, NULL, edit_clear, NULL, err);
	return r < 0 ? r : 0;
}
