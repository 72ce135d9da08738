/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/config-doc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctr/env-parse.h"
#include "ctr/mount-spec.h"
#include "ctr/signal-name.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define HEALTH_INTERVAL_DEFAULT (30LL * 1000000000LL)
#define HEALTH_TIMEOUT_DEFAULT (30LL * 1000000000LL)
#define HEALTH_RETRIES_DEFAULT 3
#define STOP_TIMEOUT_DEFAULT 10
#define LABEL_FILE_MAX (1u << 20)

/* --entrypoint: a JSON array, or one word; "" clears it. */
static int entrypoint_parse(const char *s, json_t **ret, struct sk_error **err)
{
	if (s[0] == '[') {
		json_t *v = sk_json_parse(s, strlen(s), NULL);
		bool ok = v && json_is_array(v);
		for (size_t i = 0; ok && i < json_array_size(v); i++)
			ok = json_is_string(json_array_get(v, i));
		if (ok) {
			*ret = v;
			return 0;
		}
		json_decref(v);
	}
	*ret = json_array();
	if (s[0])
		json_array_append_new(*ret, json_string(s));
	return 0;
	(void)err;
}

static int args_set(json_t *cfg, const struct ctr_create_opts *o, const json_t *img,
		    char *const *command, struct sk_error **err)
{
	json_t *ep = json_object_get(img, "Entrypoint");
	json_t *cmd = json_object_get(img, "Cmd");
	if (o->entrypoint) {
		json_t *v = NULL;
		int r = entrypoint_parse(o->entrypoint, &v, err);
		if (r < 0)
			return r;
		json_object_set_new(cfg, "Entrypoint", v);
		cmd = NULL; /* a new entrypoint drops the image's Cmd, as docker does */
	} else {
		json_object_set_new(cfg, "Entrypoint",
				    json_is_array(ep) ? json_deep_copy(ep) : json_array());
	}
	if (strv_length((char **)command) > 0)
		json_object_set_new(cfg, "Cmd", sk_json_from_strv(command));
	else
		json_object_set_new(cfg, "Cmd",
				    json_is_array(cmd) ? json_deep_copy(cmd) : json_array());
	if (json_array_size(json_object_get(cfg, "Entrypoint")) == 0 &&
	    json_array_size(json_object_get(cfg, "Cmd")) == 0)
		return sk_err_invalid(err, "no command or entrypoint provided, and no CMD or "
					   "ENTRYPOINT from image");
	return 0;
}

static void label_set(json_t *labels, const char *kv)
{
	const char *eq = strchr(kv, '=');
	_cleanup_free_ char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	if (key[0])
		json_object_set_new(labels, key, json_string(eq ? eq + 1 : ""));
}

static int labels_build(const struct ctr_create_opts *o, const json_t *img, json_t **ret,
			struct sk_error **err)
{
	const json_t *il = json_object_get(img, "Labels");
	json_t *labels = json_is_object(il) ? json_deep_copy(il) : json_object();
	STRV_FOREACH (f, o->label_files) {
		_cleanup_free_ char *buf = NULL;
		int r = fs_read_file(*f, LABEL_FILE_MAX, &buf, NULL);
		if (r < 0) {
			json_decref(labels);
			return sk_err_system(err, r, "open %s: %s", *f, strerror(-r));
		}
		_cleanup_strv_free_ char **lines = strv_split(buf, "\n", true);
		STRV_FOREACH (l, lines)
			if ((*l)[0] && (*l)[0] != '#')
				label_set(labels, *l);
	}
	STRV_FOREACH (l, o->labels)
		label_set(labels, *l);
	*ret = labels;
	return 0;
}

static json_t *kv_object(char *const *v)
{
	json_t *obj = json_object();
	STRV_FOREACH (kv, (char **)v)
		label_set(obj, *kv);
	return obj;
}

static int stop_signal(const struct ctr_create_opts *o, const json_t *img, int *ret,
		       struct sk_error **err)
{
	const char *s = o->stop_signal ? o->stop_signal : sk_json_str(img, "StopSignal");
	if (!s || !s[0]) {
		*ret = 15;
		return 0;
	}
	int sig = ctr_signal_parse(s, err);
	if (sig < 0)
		return sig;
	*ret = sig;
	return 0;
}

static int duration_opt(const char *flag, const char *s, int64_t def, int64_t *ret,
			struct sk_error **err)
{
	if (!s) {
		*ret = def;
		return 0;
	}
	if (parse_duration_ns(s, ret) < 0 || *ret < 0)
		return sk_err_invalid(err,
				      "invalid argument \"%s\" for \"%s\" flag: time: invalid "
				      "duration \"%s\"",
				      s, flag, s);
	return 0;
}

/* --health-* flags over the image's Healthcheck; NULL when there is none or it is disabled. */
static int healthcheck_build(const struct ctr_create_opts *o, const json_t *img, json_t **ret,
			     struct sk_error **err)
{
	*ret = NULL;
	const json_t *ih = json_object_get(img, "Healthcheck");
	json_t *test = NULL;
	if (o->no_healthcheck)
		return 0;
	if (o->health_cmd) {
		if (o->health_cmd[0] == '[') {
			test = sk_json_parse(o->health_cmd, strlen(o->health_cmd), NULL);
			if (!json_is_array(test) || json_array_size(test) == 0) {
				json_decref(test);
				return sk_err_invalid(err, "invalid healthcheck command: %s",
						      o->health_cmd);
			}
		} else if (streq(o->health_cmd, "none")) {
			return 0;
		} else {
			test = json_pack("[ss]", "CMD-SHELL", o->health_cmd);
		}
	} else if (json_is_array(json_object_get(ih, "Test"))) {
		test = json_deep_copy(json_object_get(ih, "Test"));
		const char *first = json_string_value(json_array_get(test, 0));
		if (!first || streq(first, "NONE")) {
			json_decref(test);
			return 0;
		}
	} else {
		return 0;
	}
	json_t *h = json_object();
	json_object_set_new(h, "Test", test);
	int64_t interval, timeout, start;
	int r = duration_opt("--health-interval", o->health_interval,
			     sk_json_int(ih, "Interval", 0) ?: HEALTH_INTERVAL_DEFAULT, &interval,
			     err);
	if (r >= 0)
		r = duration_opt("--health-timeout", o->health_timeout,
				 sk_json_int(ih, "Timeout", 0) ?: HEALTH_TIMEOUT_DEFAULT, &timeout,
				 err);
	if (r >= 0)
		r = duration_opt("--health-start-period", o->health_start_period,
				 sk_json_int(ih, "StartPeriod", 0), &start, err);
	int retries = (int)(sk_json_int(ih, "Retries", 0) ?: HEALTH_RETRIES_DEFAULT);
	if (r >= 0 && o->health_retries &&
	    (parse_int(o->health_retries, &retries) < 0 || retries < 1))
		r = sk_err_invalid(err, "healthcheck-retries must be greater than 0");
	if (r >= 0 && interval != 0 && interval < 1000000000LL)
		r = sk_err_invalid(err, "healthcheck-interval must be at least 1 second");
	if (r >= 0 && timeout < 1000000000LL)
		r = sk_err_invalid(err, "healthcheck-timeout must be at least 1 second");
	if (r < 0) {
		json_decref(h);
		return r;
	}
	json_object_set_new(h, "Interval", json_integer(interval));
	json_object_set_new(h, "Timeout", json_integer(timeout));
	json_object_set_new(h, "StartPeriod", json_integer(start));
	json_object_set_new(h, "Retries", json_integer(retries));
	*ret = h;
	return 0;
}

static int config_build(const struct ctr_create_opts *o, const char *id, const char *image_ref,
			const json_t *img, char *const *command, json_t *cfg, struct sk_error **err)
{
	_cleanup_strv_free_ char **image_env = sk_json_to_strv(json_object_get(img, "Env"));
	struct ctr_env_opts eo = {
		.image_env = image_env,
		.env_host = o->env_host,
		.env_files = o->env_file,
		.env_args = o->env,
	};
	_cleanup_strv_free_ char **env = NULL;
	int r = ctr_env_build(&eo, &env, err);
	if (r < 0)
		return r;
	r = args_set(cfg, o, img, command, err);
	if (r < 0)
		return r;
	json_t *labels = NULL;
	r = labels_build(o, img, &labels, err);
	if (r < 0)
		return r;
	json_object_set_new(cfg, "Labels", labels);
	int sig;
	r = stop_signal(o, img, &sig, err);
	if (r < 0)
		return r;
	int timeout = STOP_TIMEOUT_DEFAULT;
	if (o->stop_timeout && (parse_int(o->stop_timeout, &timeout) < 0 || timeout < -1))
		return sk_err_invalid(err, "invalid argument \"%s\" for \"--stop-timeout\" flag",
				      o->stop_timeout);
	json_t *health = NULL;
	r = healthcheck_build(o, img, &health, err);
	if (r < 0)
		return r;
	if (health)
		json_object_set_new(cfg, "Healthcheck", health);
	_cleanup_free_ char *short_id = xstrndup(id, 12);
	const char *workdir = o->workdir ? o->workdir : sk_json_str(img, "WorkingDir");
	const char *user = o->user ? o->user : sk_json_str(img, "User");
	char host_name[256] = "";
	bool host_net = o->networks && o->networks[0] && streq(o->networks[0], "host");
	if (!o->hostname && host_net && gethostname(host_name, sizeof(host_name) - 1) < 0)
		host_name[0] = '\0';
	json_object_set_new(cfg, "Hostname",
			    json_string(o->hostname    ? o->hostname
					: host_name[0] ? host_name
						       : short_id));
	json_object_set_new(cfg, "User", json_string(user ? user : ""));
	json_object_set_new(cfg, "Env", sk_json_from_strv(env));
	json_object_set_new(cfg, "WorkingDir", json_string(workdir && workdir[0] ? workdir : "/"));
	json_object_set_new(cfg, "Image", json_string(image_ref));
	json_object_set_new(cfg, "StopSignal", json_integer(sig));
	json_object_set_new(cfg, "StopTimeout", json_integer(timeout));
	json_object_set_new(cfg, "Tty", json_boolean(o->tty));
	json_object_set_new(cfg, "OpenStdin", json_boolean(o->interactive));
	json_object_set_new(cfg, "StdinOnce", json_boolean(false));
	json_object_set_new(cfg, "Annotations", kv_object(o->annotations));
	const json_t *vols = json_object_get(img, "Volumes");
	json_object_set_new(cfg, "Volumes",
			    json_is_object(vols) ? json_deep_copy(vols) : json_object());
	const json_t *ports = json_object_get(img, "ExposedPorts");
	json_object_set_new(cfg, "ExposedPorts",
			    json_is_object(ports) ? json_deep_copy(ports) : json_object());
	return 0;
}

/* podman's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static bool name_valid(const char *s)
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	if (!s[0] || !strchr(alnum, s[0]))
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr(alnum, *p) && !strchr("_.-", *p))
			return false;
	return true;
}

int ctr_config_doc_build(const struct ctr_create_opts *o, const char *id, const char *image_ref,
			 const json_t *image_config, char *const *command, json_t **ret,
			 struct sk_error **err)
{
	if (o->name && !name_valid(o->name))
		return sk_err_invalid(err, "running container create option: names must match "
					   "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	const json_t *img = json_object_get(image_config, "config");
	_cleanup_json_ json_t *doc = json_object();
	json_t *cfg = json_object();
	json_object_set_new(doc, "Config", cfg);
	int r = config_build(o, id, image_ref, img, command, cfg, err);
	if (r < 0)
		return r;
	json_t *host = json_object();
	json_object_set_new(doc, "HostConfig", host);
	r = ctr_config_host_build(o, host, err);
	if (r < 0)
		return r;
	json_object_set(doc, "Selkie", json_object_get(host, "Selkie"));
	json_object_del(host, "Selkie");
	r = ctr_config_net_build(o, doc, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(doc);
	return 0;
}

char **ctr_config_args(const json_t *doc)
{
	const json_t *cfg = json_object_get(doc, "Config");
	char **args = sk_json_to_strv(json_object_get(cfg, "Entrypoint"));
	_cleanup_strv_free_ char **cmd = sk_json_to_strv(json_object_get(cfg, "Cmd"));
	STRV_FOREACH (c, cmd)
		strv_push(&args, *c);
	return args;
}

char *ctr_config_command_text(const json_t *doc)
{
	_cleanup_strv_free_ char **args = ctr_config_args(doc);
	return strv_join(args, " ");
}
