/* SPDX-License-Identifier: Apache-2.0 */
#include "registries-conf.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/paths.h"
#include "config/userns.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/refname.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/toml.h"
#include "util/xalloc.h"

#define SYSTEM_REGISTRIES_CONF "/etc/containers/registries.conf"
#define SYSTEM_REGISTRIES_DIR "/etc/containers/registries.conf.d"
#define USER_REGISTRIES_CONF ".config/containers/registries.conf"
#define USER_REGISTRIES_DIR ".config/containers/registries.conf.d"
#define SHORT_NAME_ALIASES_FILE "containers/short-name-aliases.conf"
#define AUTH_FILE_HELPER "containers-auth.json"

static const char *const short_name_modes[_CONFIG_SHORT_NAME_MAX] = {
	[CONFIG_SHORT_NAME_ENFORCING] = "enforcing",
	[CONFIG_SHORT_NAME_PERMISSIVE] = "permissive",
	[CONFIG_SHORT_NAME_DISABLED] = "disabled",
};

static const char *const mirror_pulls[_CONFIG_MIRROR_PULL_MAX] = {
	[CONFIG_MIRROR_PULL_ALL] = "all",
	[CONFIG_MIRROR_PULL_DIGEST_ONLY] = "digest-only",
	[CONFIG_MIRROR_PULL_TAG_ONLY] = "tag-only",
};

const char *config_short_name_mode_to_string(enum config_short_name_mode m)
{
	return (int)m >= 0 && m < _CONFIG_SHORT_NAME_MAX ? short_name_modes[m] : NULL;
}

enum config_short_name_mode config_short_name_mode_from_string(const char *s)
{
	for (int i = 0; s && i < _CONFIG_SHORT_NAME_MAX; i++) {
		if (streq(s, short_name_modes[i]))
			return (enum config_short_name_mode)i;
	}
	return _CONFIG_SHORT_NAME_INVALID;
}

static void registry_release(struct config_registry *reg)
{
	free(reg->prefix);
	free(reg->location);
	for (size_t i = 0; i < reg->n_mirrors; i++)
		free(reg->mirrors[i].location);
	free(reg->mirrors);
	*reg = (struct config_registry){ 0 };
}

static void aliases_free(struct config_registries_alias *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].value);
		free(a[i].origin);
	}
	free(a);
}

void config_registries_free(struct config_registries *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n_registries; i++)
		registry_release(&conf->registries[i]);
	free(conf->registries);
	strv_free(conf->search);
	free(conf->search_origin);
	strv_free(conf->credential_helpers);
	aliases_free(conf->aliases, conf->n_aliases);
	aliases_free(conf->cached_aliases, conf->n_cached_aliases);
	free(conf->sources);
	free(conf);
}

/* A file's settings before merging: search and credential_helpers stay NULL and the mode
 * _INVALID when the file does not set them. */
static struct config_registries *conf_new(void)
{
	struct config_registries *conf = xnew(struct config_registries, 1);
	conf->short_name_mode = _CONFIG_SHORT_NAME_INVALID;
	conf->search_origin = xstrdup("");
	return conf;
}

static int get_bool(const json_t *obj, const char *key, const char *what, bool *ret,
		    struct sk_error **err)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return sk_err_invalid(err, "'%s.%s' must be a boolean", what, key);
	*ret = json_is_true(v);
	return 0;
}

/* A string member with trailing slashes trimmed, as containers/image's parseLocation. */
static int get_location(const json_t *obj, const char *key, const char *what, char **ret,
			struct sk_error **err)
{
	json_t *v = json_object_get(obj, key);
	if (v && !json_is_string(v))
		return sk_err_invalid(err, "'%s.%s' must be a string", what, key);
	const char *s = v ? json_string_value(v) : "";
	if (strneq(s, "http://", 7) || strneq(s, "https://", 8))
		return sk_err_invalid(err, "invalid location '%s': URI schemes are not supported",
				      s);
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	*ret = xstrndup(s, n);
	return 0;
}

/* NULL (and no error) when key is missing. */
static int get_strv(const json_t *obj, const char *key, char ***ret, struct sk_error **err)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return sk_err_invalid(err, "'%s' must be an array of strings", key);
	json_array_foreach (v, i, e) {
		if (!json_is_string(e))
			return sk_err_invalid(err, "'%s' must be an array of strings", key);
	}
	*ret = sk_json_to_strv(v);
	return 0;
}

static int mirror_parse(const json_t *t, bool by_digest_only, const char *prefix,
			struct config_registry_mirror *m, struct sk_error **err)
{
	if (!json_is_object(t))
		return sk_err_invalid(err, "'registry.mirror' must be an array of tables");
	int r = get_location(t, "location", "registry.mirror", &m->location, err);
	if (r < 0)
		return r;
	if (!*m->location)
		return sk_err_invalid(err, "invalid condition: mirror location is unset");
	r = get_bool(t, "insecure", "registry.mirror", &m->insecure, err);
	if (r < 0)
		return r;
	json_t *pull = json_object_get(t, "pull-from-mirror");
	const char *s = json_string_value(pull);
	if (pull && !s)
		return sk_err_invalid(err, "'registry.mirror.pull-from-mirror' must be a string");
	if (isempty(s))
		return 0;
	if (by_digest_only)
		return sk_err_invalid(
			err,
			"cannot set mirror usage mirror-by-digest-only for the registry "
			"'%s' and pull-from-mirror for per-mirror '%s' at the same time",
			prefix, m->location);
	for (int i = 0; i < _CONFIG_MIRROR_PULL_MAX; i++) {
		if (streq(s, mirror_pulls[i])) {
			m->pull_from_mirror = (enum config_mirror_pull)i;
			return 0;
		}
	}
	return sk_err_invalid(err, "unsupported pull-from-mirror value '%s' for mirror '%s'", s,
			      m->location);
}

static int registry_prefix(struct config_registry *reg, const json_t *t, struct sk_error **err)
{
	int r = get_location(t, "prefix", "registry", &reg->prefix, err);
	if (r < 0)
		return r;
	if (!*reg->prefix) {
		if (!*reg->location)
			return sk_err_invalid(
				err, "invalid condition: both location and prefix are unset");
		free(reg->prefix);
		reg->prefix = xstrdup(reg->location);
		return 0;
	}
	bool wildcard = strneq(reg->prefix, "*.", 2);
	if (!wildcard && !*reg->location)
		return sk_err_invalid(err, "invalid condition: location is unset and prefix is not "
					   "in the format: *.example.com");
	if (wildcard && strpbrk(reg->prefix, "/@:"))
		return sk_err_invalid(err,
				      "wildcarded prefix should be in the format: *.example.com, "
				      "prefix '%s' is incorrectly formatted",
				      reg->prefix);
	return 0;
}

static int registry_parse(const json_t *t, struct config_registry *reg, struct sk_error **err)
{
	if (!json_is_object(t))
		return sk_err_invalid(err, "'registry' must be an array of tables");
	int r = get_location(t, "location", "registry", &reg->location, err);
	if (r >= 0)
		r = registry_prefix(reg, t, err);
	if (r >= 0)
		r = get_bool(t, "insecure", "registry", &reg->insecure, err);
	if (r >= 0)
		r = get_bool(t, "blocked", "registry", &reg->blocked, err);
	if (r >= 0)
		r = get_bool(t, "mirror-by-digest-only", "registry", &reg->mirror_by_digest_only,
			     err);
	if (r < 0)
		return r;
	if (!isempty(sk_json_str(t, "pull-from-mirror")))
		return sk_err_invalid(
			err, "pull-from-mirror must not be set for a non-mirror registry '%s'",
			reg->prefix);
	json_t *mirrors = json_object_get(t, "mirror"), *m;
	size_t i;
	if (mirrors && !json_is_array(mirrors))
		return sk_err_invalid(err, "'registry.mirror' must be an array of tables");
	reg->mirrors = xnew(struct config_registry_mirror, json_array_size(mirrors) + 1);
	json_array_foreach (mirrors, i, m) {
		reg->n_mirrors++;
		r = mirror_parse(m, reg->mirror_by_digest_only, reg->prefix, &reg->mirrors[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int registry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct config_registry *)a)->prefix,
		      ((const struct config_registry *)b)->prefix);
}

/* Entries naming the same location must agree on insecure and blocked; then keep the first
 * entry of each prefix (later ones could never match) and sort by prefix. */
static int registries_post_process(struct config_registries *conf, struct sk_error **err)
{
	struct config_registry *regs = conf->registries;
	size_t n = 0;
	for (size_t i = 0; i < conf->n_registries; i++) {
		const char *key = *regs[i].location ? regs[i].location : regs[i].prefix;
		for (size_t j = 0; j < i; j++) {
			const char *other = *regs[j].location ? regs[j].location : regs[j].prefix;
			if (!streq(key, other))
				continue;
			if (regs[i].insecure != regs[j].insecure ||
			    regs[i].blocked != regs[j].blocked)
				return sk_err_invalid(
					err,
					"registry '%s' is defined multiple times with "
					"conflicting '%s' setting",
					regs[i].location,
					regs[i].insecure != regs[j].insecure ? "insecure"
									     : "blocked");
		}
	}
	for (size_t i = 0; i < conf->n_registries; i++) {
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = streq(regs[j].prefix, regs[i].prefix);
		if (dup)
			registry_release(&regs[i]);
		else
			regs[n++] = regs[i];
	}
	conf->n_registries = n;
	qsort(regs, n, sizeof(*regs), registry_cmp);
	return 0;
}

static int parse_registries(const json_t *root, struct config_registries *conf,
			    struct sk_error **err)
{
	json_t *arr = json_object_get(root, "registry"), *t;
	size_t i;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return sk_err_invalid(err, "'registry' must be an array of tables");
	conf->registries = xnew(struct config_registry, json_array_size(arr) + 1);
	json_array_foreach (arr, i, t) {
		conf->n_registries++;
		int r = registry_parse(t, &conf->registries[i], err);
		if (r < 0)
			return r;
	}
	return registries_post_process(conf, err);
}

static int parse_search(const json_t *root, struct config_registries *conf, struct sk_error **err)
{
	int r = get_strv(root, "unqualified-search-registries", &conf->search, err);
	if (r < 0)
		return r;
	STRV_FOREACH (s, conf->search) {
		size_t n = strlen(*s);
		if (strneq(*s, "http://", 7) || strneq(*s, "https://", 8))
			return sk_err_invalid(
				err, "invalid location '%s': URI schemes are not supported", *s);
		while (n > 0 && (*s)[n - 1] == '/')
			(*s)[--n] = '\0';
		if (!refname_domain_is_valid(*s, n))
			return sk_err_invalid(
				err, "invalid unqualified-search-registries entry '%s'", *s);
	}
	return 0;
}

/* Add "library/" to a lone docker.io component, as reference normalisation does. */
static char *alias_value_normalize(const struct refname_parts *p)
{
	bool hub = (p->domain_len == 9 && strneq(p->domain, "docker.io", 9)) ||
		   (p->domain_len == 15 && strneq(p->domain, "index.docker.io", 15));
	if (!hub)
		return xstrndup(p->domain, p->name_len);
	if (memchr(p->path, '/', p->path_len))
		return xasprintf("docker.io/%.*s", (int)p->path_len, p->path);
	return xasprintf("docker.io/library/%.*s", (int)p->path_len, p->path);
}

/* containers/image's validateShortName and parseShortNameValue. An empty value erases. */
static int alias_check(const char *name, const char *value, char **ret_value, struct sk_error **err)
{
	struct refname_parts p;
	if (!refname_split(name, &p) || p.name_len > REFNAME_NAME_MAX)
		return sk_err_invalid(err, "cannot parse short name '%s'", name);
	if (p.digest)
		return sk_err_invalid(err, "invalid short name '%s': must not contain digest",
				      name);
	if (p.tag)
		return sk_err_invalid(err, "invalid short name '%s': must not contain tag", name);
	if (p.domain && refname_is_domain_like(p.domain, p.domain_len))
		return sk_err_invalid(err, "invalid short name '%s': must not contain registry",
				      name);
	*ret_value = NULL;
	if (!*value)
		return 0;
	if (!refname_split(value, &p) || p.name_len > REFNAME_NAME_MAX ||
	    (p.digest && refname_digest_check(p.digest, p.digest_len) < 0))
		return sk_err_invalid(err, "parsing alias '%s': invalid reference format", value);
	if (p.digest)
		return sk_err_invalid(err, "invalid alias '%s': must not contain digest", value);
	if (p.tag)
		return sk_err_invalid(err, "invalid alias '%s': must not contain tag", value);
	if (!p.domain || !refname_is_domain_like(p.domain, p.domain_len))
		return sk_err_invalid(
			err, "invalid alias '%s': must contain registry and repository", value);
	*ret_value = alias_value_normalize(&p);
	return 0;
}

static int parse_aliases(const json_t *root, const char *origin,
			 struct config_registries_alias **ret, size_t *ret_n, struct sk_error **err)
{
	json_t *tab = json_object_get(root, "aliases"), *v;
	const char *name;
	if (!tab)
		return 0;
	if (!json_is_object(tab))
		return sk_err_invalid(err, "'aliases' must be a table");
	struct config_registries_alias *a =
		xnew(struct config_registries_alias, json_object_size(tab) + 1);
	size_t n = 0;
	json_object_foreach (tab, name, v) {
		char *value = NULL;
		int r = json_is_string(v)
				? alias_check(name, json_string_value(v), &value, err)
				: sk_err_invalid(err, "alias '%s' must be a string", name);
		if (r < 0) {
			aliases_free(a, n);
			return sk_error_wrap(err, "validating short-name aliases");
		}
		a[n++] = (struct config_registries_alias){ xstrdup(name), value, xstrdup(origin) };
	}
	*ret = a;
	*ret_n = n;
	return 0;
}

static int parse_globals(const json_t *root, struct config_registries *conf, struct sk_error **err)
{
	json_t *v1 = json_object_get(root, "registries");
	if (json_is_object(v1) && (json_object_get(v1, "search") ||
				   json_object_get(v1, "insecure") || json_object_get(v1, "block")))
		return sk_err_invalid(err, "the v1 format ([registries.search], "
					   "[registries.insecure], [registries.block]) is not "
					   "supported: use unqualified-search-registries and "
					   "[[registry]] tables");
	int r = get_strv(root, "credential-helpers", &conf->credential_helpers, err);
	if (r < 0)
		return r;
	json_t *mode = json_object_get(root, "short-name-mode");
	if (mode && !json_is_string(mode))
		return sk_err_invalid(err, "'short-name-mode' must be a string");
	if (!isempty(json_string_value(mode))) {
		conf->short_name_mode = config_short_name_mode_from_string(json_string_value(mode));
		if (conf->short_name_mode < 0)
			return sk_err_invalid(err, "invalid short-name mode: '%s'",
					      json_string_value(mode));
	}
	return 0;
}

/* One file, unmerged: unset settings keep their "unset" markers. */
static int conf_parse_one(const char *text, size_t len, const char *origin,
			  struct config_registries **ret, struct sk_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	_cleanup_free_ char *reason = NULL;
	int r = toml_parse(text, len, &root, &reason);
	if (r < 0)
		return sk_err_invalid(err, "%s", reason ? reason : "invalid TOML");
	_cleanup_config_registries_ struct config_registries *conf = conf_new();
	r = parse_globals(root, conf, err);
	if (r >= 0)
		r = parse_search(root, conf, err);
	if (r >= 0)
		r = parse_registries(root, conf, err);
	if (r >= 0)
		r = parse_aliases(root, origin, &conf->aliases, &conf->n_aliases, err);
	if (r < 0)
		return r;
	/* as containers/image: a loaded file is the origin even if it sets no search registries;
	 * a drop-in replaces the origin only when it sets them (conf_merge) */
	free(conf->search_origin);
	conf->search_origin = xstrdup(origin);
	*ret = TAKE_PTR(conf);
	return 0;
}

/* Defaults for whatever no file set. */
static void conf_finish(struct config_registries *conf)
{
	if (!conf->search)
		conf->search = strv_new(NULL);
	if (conf->short_name_mode < 0)
		conf->short_name_mode = CONFIG_SHORT_NAME_PERMISSIVE;
	if (strv_length(conf->credential_helpers) == 0) {
		strv_free(conf->credential_helpers);
		conf->credential_helpers = strv_new(AUTH_FILE_HELPER, NULL);
	}
	if (!conf->sources)
		conf->sources = xstrdup("");
}

int config_registries_parse(const char *text, size_t len, const char *origin,
			    struct config_registries **ret, struct sk_error **err)
{
	int r = conf_parse_one(text, len, origin ? origin : "", ret, err);
	if (r >= 0)
		conf_finish(*ret);
	return r;
}

static void aliases_merge(struct config_registries *conf, struct config_registries *upd)
{
	for (size_t i = 0; i < upd->n_aliases; i++) {
		struct config_registries_alias *u = &upd->aliases[i], *hit = NULL;
		for (size_t j = 0; j < conf->n_aliases && !hit; j++)
			hit = streq(conf->aliases[j].name, u->name) ? &conf->aliases[j] : NULL;
		if (!hit) {
			conf->aliases = xreallocarray(conf->aliases, conf->n_aliases + 1,
						      sizeof(*conf->aliases));
			hit = &conf->aliases[conf->n_aliases++];
			*hit = (struct config_registries_alias){ 0 };
		}
		free(hit->name);
		free(hit->value);
		free(hit->origin);
		*hit = *u;
	}
	upd->n_aliases = 0;
}

/* A drop-in overrides what it sets: [[registry]] by prefix, aliases by name, the rest whole. */
static void conf_merge(struct config_registries *conf, struct config_registries *upd)
{
	for (size_t i = 0; i < upd->n_registries; i++) {
		struct config_registry *hit = NULL;
		for (size_t j = 0; j < conf->n_registries && !hit; j++) {
			if (streq(conf->registries[j].prefix, upd->registries[i].prefix))
				hit = &conf->registries[j];
		}
		if (!hit) {
			conf->registries = xreallocarray(conf->registries, conf->n_registries + 1,
							 sizeof(*conf->registries));
			hit = &conf->registries[conf->n_registries++];
		} else {
			registry_release(hit);
		}
		*hit = upd->registries[i];
	}
	upd->n_registries = 0;
	if (conf->n_registries > 0)
		qsort(conf->registries, conf->n_registries, sizeof(*conf->registries),
		      registry_cmp);
	if (upd->search) {
		strv_free(conf->search);
		conf->search = TAKE_PTR(upd->search);
		free(conf->search_origin);
		conf->search_origin = TAKE_PTR(upd->search_origin);
	}
	if (upd->credential_helpers) {
		strv_free(conf->credential_helpers);
		conf->credential_helpers = TAKE_PTR(upd->credential_helpers);
	}
	if (upd->short_name_mode >= 0)
		conf->short_name_mode = upd->short_name_mode;
	aliases_merge(conf, upd);
}

/* Read and parse path; *ret stays NULL (and 0 is returned) when it does not exist and
 * missing_ok. */
static int conf_load_file(const char *path, bool missing_ok, const char *what,
			  struct config_registries **ret, struct sk_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	*ret = NULL;
	int r = fs_read_file(path, TOML_FILE_MAX, &text, &len);
	if (r == -ENOENT && missing_ok)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "loading %s '%s': %s", what, path, strerror(-r));
	r = conf_parse_one(text, len, path, ret, err);
	if (r < 0)
		return sk_error_wrap(err, "loading %s '%s'", what, path);
	return 0;
}

static int conf_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of dir (not sub-directories), sorted; none when dir is missing. */
static int dropins_list(const char *dir, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **files = strv_new(NULL);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*ret = TAKE_PTR(files);
			return 0;
		}
		return sk_err_system(err, errno, "reading registries.conf.d '%s': %s", dir,
				     strerror(errno));
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || !streq(de->d_name + n - 5, ".conf"))
			continue;
		char *path = path_join(dir, de->d_name);
		if (fs_is_dir(path))
			free(path);
		else
			strv_push_take(&files, path);
	}
	closedir(d);
	qsort(files, strv_length(files), sizeof(char *), conf_name_cmp);
	*ret = TAKE_PTR(files);
	return 0;
}

static int dropins_apply(struct config_registries *conf, const char *dir, struct sk_error **err)
{
	_cleanup_strv_free_ char **files = NULL;
	int r = dropins_list(dir, &files, err);
	if (r < 0)
		return r;
	STRV_FOREACH (f, files) {
		_cleanup_config_registries_ struct config_registries *upd = NULL;
		r = conf_load_file(*f, true, "drop-in registries configuration", &upd, err);
		if (r < 0)
			return r;
		if (upd)
			conf_merge(conf, upd);
	}
	return 0;
}

static char *default_aliases_path(const char *home)
{
	if (!config_userns_rootless())
		return xstrdup("/var/cache/" SHORT_NAME_ALIASES_FILE);
	const char *cache = getenv("XDG_CACHE_HOME");
	if (!isempty(cache))
		return path_join(cache, SHORT_NAME_ALIASES_FILE);
	return xasprintf("%s/.cache/%s", home, SHORT_NAME_ALIASES_FILE);
}

/* short-name-aliases.conf: only its [aliases] table counts, and it is optional. */
static int cached_aliases_load(struct config_registries *conf, const char *path,
			       struct sk_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	_cleanup_free_ char *reason = NULL;
	int r = toml_parse_file(path, &root, &reason);
	if (r == -ENOENT)
		return 0;
	if (r == -EINVAL)
		r = sk_err_invalid(err, "%s", reason ? reason : "invalid TOML");
	else if (r < 0)
		r = sk_err_system(err, r, "%s", strerror(-r));
	if (r >= 0)
		r = parse_aliases(root, path, &conf->cached_aliases, &conf->n_cached_aliases, err);
	if (r < 0)
		return sk_error_wrap(err, "loading short-name aliases config file '%s'", path);
	return 0;
}

static const char *explicit_conf_path(const struct config_registries_opts *opts)
{
	if (!isempty(opts->path))
		return opts->path;
	if (!isempty(getenv("CONTAINERS_REGISTRIES_CONF")))
		return getenv("CONTAINERS_REGISTRIES_CONF");
	if (!isempty(getenv("REGISTRIES_CONFIG_PATH")))
		return getenv("REGISTRIES_CONFIG_PATH");
	return NULL;
}

/* containers/image's newConfigWrapper: the main file and the drop-in directories to read. */
static char *conf_sources(const struct config_registries_opts *opts, const char *home,
			  char ***ret_dirs)
{
	_cleanup_free_ char *user_file = path_join(home, USER_REGISTRIES_CONF);
	const char *explicit = explicit_conf_path(opts);
	char *main_path;
	bool user = false;
	if (explicit) {
		main_path = xstrdup(explicit);
	} else if (fs_exists(user_file)) {
		main_path = TAKE_PTR(user_file);
		user = true;
	} else {
		main_path = xstrdup(opts->system_path ? opts->system_path : SYSTEM_REGISTRIES_CONF);
	}
	if (opts->dir)
		*ret_dirs = strv_new(opts->dir, NULL);
	else if (user)
		*ret_dirs = strv_new(NULL);
	else
		*ret_dirs =
			strv_new(opts->system_dir ? opts->system_dir : SYSTEM_REGISTRIES_DIR, NULL);
	if (!opts->dir)
		strv_push_take(ret_dirs, path_join(home, USER_REGISTRIES_DIR));
	return main_path;
}

int config_registries_load(const struct config_registries_opts *opts,
			   struct config_registries **ret, struct sk_error **err)
{
	static const struct config_registries_opts none = { 0 };
	if (!opts)
		opts = &none;
	_cleanup_free_ char *home = opts->home ? xstrdup(opts->home) : config_home_dir();
	_cleanup_strv_free_ char **dirs = NULL;
	_cleanup_free_ char *main_path = conf_sources(opts, home, &dirs);
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	bool missing_ok = !explicit_conf_path(opts);
	int r = conf_load_file(main_path, missing_ok, "registries configuration", &conf, err);
	if (r < 0)
		return r;
	if (!conf)
		conf = conf_new();
	STRV_FOREACH (d, dirs) {
		r = dropins_apply(conf, *d, err);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *aliases =
		opts->aliases_path ? xstrdup(opts->aliases_path) : default_aliases_path(home);
	if (*aliases && (r = cached_aliases_load(conf, aliases, err)) < 0)
		return r;
	_cleanup_free_ char *dirs_str = strv_join(dirs, ", ");
	conf->sources = *dirs_str ? xasprintf("%s, %s", main_path, dirs_str) : xstrdup(main_path);
	conf_finish(conf);
	*ret = TAKE_PTR(conf);
	return 0;
}

/* Length of the part of ref that prefix matches, or -1 (containers/image refMatchingPrefix). */
static ssize_t prefix_match(const char *ref, const char *prefix)
{
	size_t rlen = strlen(ref), plen = strlen(prefix), end;
	if (strneq(prefix, "*.", 2)) {
		const char *hit = strstr(ref, prefix + 1);
		if (!hit || memchr(ref, '/', (size_t)(hit - ref)))
			return -1;
		end = (size_t)(hit - ref) + plen - 1;
	} else {
		if (rlen < plen || !strneq(ref, prefix, plen))
			return -1;
		end = plen;
	}
	if (end == rlen || ref[end] == ':' || ref[end] == '/' || ref[end] == '@')
		return (ssize_t)end;
	return -1;
}

const struct config_registry *config_registries_find(const struct config_registries *conf,
						     const char *ref)
{
	const struct config_registry *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; conf && i < conf->n_registries; i++) {
		const struct config_registry *r = &conf->registries[i];
		size_t len = strlen(r->prefix);
		if (prefix_match(ref, r->prefix) >= 0 && len > best_len) {
			best = r;
			best_len = len;
		}
	}
	return best;
}

bool config_registries_is_insecure(const struct config_registries *conf, const char *host)
{
	const struct config_registry *r = config_registries_find(conf, host);
	return r && r->insecure;
}

bool config_registries_is_blocked(const struct config_registries *conf, const char *ref)
{
	const struct config_registry *r = config_registries_find(conf, ref);
	return r && r->blocked;
}

static const struct config_registries_alias *alias_lookup(const struct config_registries_alias *a,
							  size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (streq(a[i].name, name))
			return &a[i];
	}
	return NULL;
}

bool config_registries_alias_find(const struct config_registries *conf, const char *name,
				  const char **ret_value, const char **ret_origin)
{
	const struct config_registries_alias *a =
		alias_lookup(conf->cached_aliases, conf->n_cached_aliases, name);
	if (!a)
		a = alias_lookup(conf->aliases, conf->n_aliases, name);
	if (ret_value)
		*ret_value = a ? a->value : NULL;
	if (ret_origin)
		*ret_origin = a ? a->origin : NULL;
	return a != NULL;
}

static bool mirror_applies(const struct config_registry *reg,
			   const struct config_registry_mirror *m, bool digested)
{
	if (reg->mirror_by_digest_only)
		return digested;
	if (m->pull_from_mirror == CONFIG_MIRROR_PULL_DIGEST_ONLY)
		return digested;
	if (m->pull_from_mirror == CONFIG_MIRROR_PULL_TAG_ONLY)
		return !digested;
	return true;
}

static void source_add(struct config_pull_source **v, size_t *n, char *ref, bool insecure,
		       bool mirror)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct config_pull_source){ ref, insecure, mirror };
}

int config_registries_pull_sources(const struct config_registries *conf, const char *ref,
				   bool digested, struct config_pull_source **ret, size_t *ret_n,
				   struct sk_error **err)
{
	const struct config_registry *reg = config_registries_find(conf, ref);
	struct config_pull_source *v = NULL;
	size_t n = 0;
	if (!reg) {
		source_add(&v, &n, xstrdup(ref), false, false);
		*ret = v;
		*ret_n = n;
		return 0;
	}
	ssize_t m = prefix_match(ref, reg->prefix);
	if (m < 0)
		return sk_err_internal(err, "invalid prefix '%s' for reference '%s'", reg->prefix,
				       ref);
	for (size_t i = 0; i < reg->n_mirrors; i++) {
		const struct config_registry_mirror *mir = &reg->mirrors[i];
		if (mirror_applies(reg, mir, digested))
			source_add(&v, &n, xasprintf("%s%s", mir->location, ref + m), mir->insecure,
				   true);
	}
	source_add(&v, &n,
		   *reg->location ? xasprintf("%s%s", reg->location, ref + m) : xstrdup(ref),
		   reg->insecure, false);
	*ret = v;
	*ret_n = n;
	return 0;
}

void config_pull_sources_free(struct config_pull_source *sources, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sources[i].ref);
	free(sources);
}
