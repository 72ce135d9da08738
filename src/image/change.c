/* SPDX-License-Identifier: Apache-2.0 */
#include "change.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define SIGRT_FIRST 34
#define SIGRT_LAST 64

static const struct {
	const char *name;
	int num;
} signals[] = {
	{ "ABRT", 6 },
	{ "ALRM", 14 },
	{ "BUS", 7 },
	{ "CHLD", 17 },
	{ "CLD", 17 },
	{ "CONT", 18 },
	{ "FPE", 8 },
	{ "HUP", 1 },
	{ "ILL", 4 },
	{ "INT", 2 },
	{ "IO", 29 },
	{ "IOT", 6 },
	{ "KILL", 9 },
	{ "PIPE", 13 },
	{ "POLL", 29 },
	{ "PROF", 27 },
	{ "PWR", 30 },
	{ "QUIT", 3 },
	{ "SEGV", 11 },
	{ "STKFLT", 16 },
	{ "STOP", 19 },
	{ "SYS", 31 },
	{ "TERM", 15 },
	{ "TRAP", 5 },
	{ "TSTP", 20 },
	{ "TTIN", 21 },
	{ "TTOU", 22 },
	{ "URG", 23 },
	{ "USR1", 10 },
	{ "USR2", 12 },
	{ "VTALRM", 26 },
	{ "WINCH", 28 },
	{ "XCPU", 24 },
	{ "XFSZ", 25 },
	{ "RTMIN", SIGRT_FIRST },
	{ "RTMAX", SIGRT_LAST },
};

static int signal_rt(const char *name)
{
	int n;
	if (strneq(name, "RTMIN+", 6) && parse_int(name + 6, &n) >= 0 && n >= 0 &&
	    SIGRT_FIRST + n <= SIGRT_LAST && isdigit((unsigned char)name[6]))
		return SIGRT_FIRST + n;
	if (strneq(name, "RTMAX-", 6) && parse_int(name + 6, &n) >= 0 && n >= 0 &&
	    SIGRT_LAST - n >= SIGRT_FIRST && isdigit((unsigned char)name[6]))
		return SIGRT_LAST - n;
	return -EINVAL;
}

int image_signal_parse(const char *s)
{
	int n;
	if (isempty(s))
		return -EINVAL;
	if (isdigit((unsigned char)s[0]))
		return parse_int(s, &n) >= 0 && n > 0 && n <= SIGRT_LAST ? n : -EINVAL;
	_cleanup_free_ char *up = xstrdup(s);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	const char *name = strneq(up, "SIG", 3) ? up + 3 : up;
	for (size_t i = 0; i < ELEMENTSOF(signals); i++)
		if (streq(name, signals[i].name))
			return signals[i].num;
	return signal_rt(name);
}

/* A JSON array of strings (the exec form), or NULL. */
static char **json_form(const char *value)
{
	_cleanup_json_ json_t *v = sk_json_parse(value, strlen(value), NULL);
	if (!json_is_array(v))
		return NULL;
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e)
		if (!json_is_string(e))
			return NULL;
	char **out = sk_json_to_strv(v);
	return out ? out : xnew(char *, 1);
}

static char *trim(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* Drop one pair of surrounding double quotes, as podman does for ENV and LABEL. */
static char *unquote(const char *s)
{
	size_t len = strlen(s);
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
		return xstrndup(s + 1, len - 2);
	return xstrdup(s);
}

struct change {
	const char *text; /* the whole instruction, for messages */
	char *key;	  /* upper case */
	char *value;	  /* trimmed */
};

static int bad(const struct change *c, struct sk_error **err, const char *why)
{
	return sk_err_invalid(err, "invalid change \"%s\": %s", c->text, why);
}

static void set_strv(json_t *config, const char *key, char **v)
{
	json_object_set_new(config, key, sk_json_from_strv(v));
}

static int apply_cmd(json_t *config, const struct change *c, bool entrypoint)
{
	_cleanup_strv_free_ char **v = json_form(c->value);
	if (!v && entrypoint)
		v = *c->value ? strv_new("/bin/sh", "-c", c->value, NULL) : xnew(char *, 1);
	else if (!v)
		v = *c->value ? strv_new("/bin/sh", "-c", c->value, NULL)
			      : strv_new("/bin/sh", "-c", NULL);
	set_strv(config, entrypoint ? "Entrypoint" : "Cmd", v);
	return 0;
}

static int apply_env(json_t *config, const struct change *c, struct sk_error **err)
{
	_cleanup_free_ char *key = NULL, *val = NULL;
	const char *eq = strchr(c->value, '=');
	const char *sp = strpbrk(c->value, " \t");
	if (!eq && sp) { /* "ENV KEY value", the Dockerfile's other form */
		key = xstrndup(c->value, (size_t)(sp - c->value));
		val = trim(sp, strlen(sp));
	} else {
		key = eq ? xstrndup(c->value, (size_t)(eq - c->value)) : xstrdup(c->value);
		val = xstrdup(eq ? eq + 1 : "");
	}
	_cleanup_free_ char *k = unquote(key), *v = unquote(val);
	if (!*k)
		return bad(c, err, "ENV must have at least one argument");
	json_t *env = json_object_get(config, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(config, "Env", env);
	}
	_cleanup_free_ char *prefix = xasprintf("%s=", k), *entry = xasprintf("%s=%s", k, v);
	size_t i;
	json_t *e;
	json_array_foreach (env, i, e) {
		const char *s = json_string_value(e);
		if (s && (strneq(s, prefix, strlen(prefix)) || streq(s, k))) {
			json_array_set_new(env, i, json_string(entry));
			return 0;
		}
	}
	json_array_append_new(env, json_string(entry));
	return 0;
}

static json_t *object_member(json_t *config, const char *key)
{
	json_t *o = json_object_get(config, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(config, key, o);
	}
	return o;
}

static int apply_expose(json_t *config, const struct change *c, struct sk_error **err)
{
	_cleanup_strv_free_ char **parts = strv_split(c->value, "/", false);
	size_t n = strv_length(parts);
	if (n > 2)
		return bad(c, err, "EXPOSE port must be formatted as PORT[/PROTO]");
	int port;
	if (n == 0 || !isdigit((unsigned char)parts[0][0]) || parse_int(parts[0], &port) < 0)
		return bad(c, err, "EXPOSE port must be an integer");
	if (port <= 0 || port > 65535)
		return bad(c, err, "EXPOSE port must be a valid port number");
	const char *proto = "tcp";
	if (n == 2) {
		if (strcasecmp(parts[1], "tcp") && strcasecmp(parts[1], "udp"))
			return bad(c, err, "EXPOSE protocol must be TCP or UDP");
		proto = strcasecmp(parts[1], "udp") ? "tcp" : "udp";
	}
	_cleanup_free_ char *key = xasprintf("%d/%s", port, proto);
	json_object_set_new(object_member(config, "ExposedPorts"), key, json_object());
	return 0;
}

static int apply_label(json_t *config, const struct change *c, struct sk_error **err)
{
	const char *eq = strchr(c->value, '=');
	if (!eq)
		return bad(c, err, "LABEL must be formatted key=value");
	_cleanup_free_ char *rawkey = xstrndup(c->value, (size_t)(eq - c->value));
	_cleanup_free_ char *k = unquote(rawkey), *v = unquote(eq + 1);
	if (!*k)
		return bad(c, err, "LABEL must have a non-empty key");
	json_object_set_new(object_member(config, "Labels"), k, json_string(v));
	return 0;
}

static int apply_volume(json_t *config, const struct change *c, struct sk_error **err)
{
	_cleanup_strv_free_ char **v = json_form(c->value);
	if (!v)
		v = strv_split(c->value, " \t", true);
	if (!v || !v[0])
		return bad(c, err, "must provide at least one argument to VOLUME");
	STRV_FOREACH (p, v)
		if (!**p)
			return bad(c, err, "VOLUME paths must not be empty");
	json_t *vols = object_member(config, "Volumes");
	STRV_FOREACH (p, v)
		json_object_set_new(vols, *p, json_object());
	return 0;
}

/* Lexically clean an absolute or relative path: "//", "." and ".." resolved. */
static char *path_clean(const char *path)
{
	bool abs = path[0] == '/';
	_cleanup_strv_free_ char **parts = strv_split(path, "/", true);
	_cleanup_strv_free_ char **out = NULL;
	STRV_FOREACH (p, parts) {
		size_t n = strv_length(out);
		if (streq(*p, "."))
			continue;
		if (streq(*p, "..") && n > 0 && !streq(out[n - 1], "..")) {
			free(out[n - 1]);
			out[n - 1] = NULL;
			continue;
		}
		if (streq(*p, "..") && abs)
			continue;
		strv_push(&out, *p);
	}
	_cleanup_free_ char *joined = out ? strv_join(out, "/") : xstrdup("");
	if (abs)
		return xasprintf("/%s", joined);
	return *joined ? TAKE_PTR(joined) : xstrdup(".");
}

static int apply_workdir(json_t *config, const struct change *c, struct sk_error **err)
{
	if (!*c->value)
		return bad(c, err, "must provide a non-empty WORKDIR");
	const char *cur = sk_json_str(config, "WorkingDir");
	_cleanup_free_ char *joined = c->value[0] == '/' || isempty(cur)
					      ? xstrdup(c->value)
					      : xasprintf("%s/%s", cur, c->value);
	_cleanup_free_ char *clean = path_clean(joined);
	sk_json_set_str(config, "WorkingDir", clean);
	return 0;
}

static int apply_simple(json_t *config, const struct change *c, struct sk_error **err)
{
	if (streq(c->key, "USER")) {
		if (!*c->value)
			return bad(c, err, "must provide a value to USER");
		sk_json_set_str(config, "User", c->value);
	} else if (streq(c->key, "STOPSIGNAL")) {
		int sig = image_signal_parse(c->value);
		if (sig < 0)
			return bad(c, err, "STOPSIGNAL must be given a valid signal");
		json_object_set_new(config, "StopSignal", json_sprintf("%d", sig));
	} else if (streq(c->key, "ONBUILD")) {
		if (!*c->value)
			return bad(c, err, "ONBUILD must be given an argument");
		json_t *ob = json_object_get(config, "OnBuild");
		if (!json_is_array(ob)) {
			ob = json_array();
			json_object_set_new(config, "OnBuild", ob);
		}
		json_array_append_new(ob, json_string(c->value));
	} else {
		_cleanup_free_ char *why = xasprintf("invalid instruction %s", c->key);
		return bad(c, err, why);
	}
	return 0;
}

static int change_apply(json_t *config, const struct change *c, struct sk_error **err)
{
	if (streq(c->key, "CMD") || streq(c->key, "ENTRYPOINT"))
		return apply_cmd(config, c, streq(c->key, "ENTRYPOINT"));
	if (streq(c->key, "ENV"))
		return apply_env(config, c, err);
	if (streq(c->key, "EXPOSE"))
		return apply_expose(config, c, err);
	if (streq(c->key, "LABEL"))
		return apply_label(config, c, err);
	if (streq(c->key, "VOLUME"))
		return apply_volume(config, c, err);
	if (streq(c->key, "WORKDIR"))
		return apply_workdir(config, c, err);
	return apply_simple(config, c, err);
}

int image_change_apply(json_t *config, const char *change, struct sk_error **err)
{
	struct change c = { .text = change };
	const char *sep = strchr(change, ' ');
	if (!sep)
		sep = strchr(change, '=');
	if (!sep)
		return bad(&c, err, "must be formatted as KEY VALUE");
	c.key = trim(change, (size_t)(sep - change));
	c.value = trim(sep + 1, strlen(sep + 1));
	for (char *p = c.key; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	_cleanup_json_ json_t *work = json_deep_copy(config);
	int r = change_apply(work, &c, err);
	if (r >= 0)
		json_object_update(config, work);
	free(c.key);
	free(c.value);
	return r;
}

int image_changes_apply(json_t *config, char *const *changes, struct sk_error **err)
{
	_cleanup_json_ json_t *work = json_deep_copy(config);
	STRV_FOREACH (c, changes) {
		int r = image_change_apply(work, *c, err);
		if (r < 0)
			return r;
	}
	json_object_update(config, work);
	return 0;
}
