/* SPDX-License-Identifier: Apache-2.0 */
/* `volume ls --filter` and `volume prune --filter`, as podman 4.3 reads them. */
#include <errno.h>
#include <regex.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ctr/volume.h"
#include "state/volumes.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

enum {
	F_NAME,
	F_DRIVER,
	F_SCOPE,
	F_LABEL,
	F_OPT,
	F_UNTIL,
	F_DANGLING,
	_F_MAX,
};

static const char *const filter_keys[_F_MAX] = {
	[F_NAME] = "name", [F_DRIVER] = "driver", [F_SCOPE] = "scope",	     [F_LABEL] = "label",
	[F_OPT] = "opt",   [F_UNTIL] = "until",	  [F_DANGLING] = "dangling",
};

struct volume_filter {
	char **values[_F_MAX];
	regex_t *names; /* compiled name patterns; a pattern that does not compile is NULL */
	size_t n_names;
	int64_t *until;
};

static void volume_filter_release(struct volume_filter *f)
{
	for (size_t i = 0; i < _F_MAX; i++)
		strv_free(f->values[i]);
	for (size_t i = 0; i < f->n_names; i++)
		regfree(&f->names[i]);
	free(f->names);
	free(f->until);
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* docker's timetype.GetTimestamp as podman's until filter uses it: a Go duration before now,
 * an RFC 3339 time, a date or date and time in the local zone, or Unix seconds[.fraction]. */
static int until_parse(const char *v, int64_t now, int64_t *ret)
{
	const char *dot = strchr(v, '.');
	size_t int_len = dot ? (size_t)(dot - v) : strlen(v);
	if (all_digits(v, int_len) && (!dot || all_digits(dot + 1, strlen(dot + 1)))) {
		int64_t secs;
		_cleanup_free_ char *i = xstrndup(v, int_len);
		if (parse_int64(i, &secs) < 0)
			return -EINVAL;
		int64_t frac = 0;
		for (int k = 0; k < 9; k++)
			frac = frac * 10 +
			       (dot && (size_t)k < strlen(dot + 1) ? dot[1 + k] - '0' : 0);
		*ret = secs * 1000000000LL + frac;
		return 0;
	}
	int64_t d;
	bool neg = v[0] == '-';
	if (parse_duration_ns(v + (neg || v[0] == '+'), &d) == 0) {
		*ret = neg ? now + d : now - d;
		return 0;
	}
	if (time_parse_rfc3339(v, ret) == 0)
		return 0;
	struct tm tm = { 0 };
	const char *end = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || *end) {
		tm = (struct tm){ 0 };
		end = strptime(v, "%Y-%m-%d", &tm);
	}
	if (!end || *end)
		return -EINVAL;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*ret = (int64_t)t * 1000000000LL;
	return 0;
}

static int volume_filter_parse(char *const *filters, bool prune, struct volume_filter *f,
			       struct sk_error **err)
{
	int64_t now = time_now_ns();
	STRV_FOREACH (spec, filters) {
		const char *eq = strchr(*spec, '=');
		if (!eq)
			return sk_err_invalid(
				err,
				"filter input must be in the form of filter=value: %s "
				"is invalid",
				*spec);
		_cleanup_free_ char *key = xstrndup(*spec, (size_t)(eq - *spec));
		const char *val = eq + 1;
		int k = 0;
		while (k < _F_MAX && !streq(filter_keys[k], key))
			k++;
		if (k == _F_MAX || (prune && k != F_LABEL && k != F_UNTIL))
			return sk_err_invalid(err, "\"%s\" is an invalid volume filter", key);
		if (k == F_DANGLING && strcasecmp(val, "true") != 0 &&
		    strcasecmp(val, "false") != 0 && !streq(val, "1") && !streq(val, "0"))
			return sk_err_invalid(err,
					      "\"%s\" is not a valid value for the \"dangling\" "
					      "filter - must be true or false",
					      val);
		if (k == F_UNTIL) {
			size_t n = strv_length(f->values[F_UNTIL]);
			f->until = xreallocarray(f->until, n + 1, sizeof(*f->until));
			if (until_parse(val, now, &f->until[n]) < 0)
				return sk_err_invalid(err,
						      "failed to parse value as time or duration: "
						      "\"%s\"",
						      val);
		}
		if (k == F_NAME) {
			f->names = xreallocarray(f->names, f->n_names + 1, sizeof(*f->names));
			/* A pattern that does not compile matches nothing, as in podman. */
			if (regcomp(&f->names[f->n_names], val, REG_EXTENDED | REG_NOSUB) == 0)
				f->n_names++;
		}
		strv_push(&f->values[k], val);
	}
	return 0;
}

static bool any_equal(char *const *vals, const char *have)
{
	return strv_contains(vals, have);
}

/* One label filter, "key" or "key=value". */
static bool label_match(const char *spec, json_t *labels)
{
	const char *eq = strchr(spec, '=');
	_cleanup_free_ char *k = eq ? xstrndup(spec, (size_t)(eq - spec)) : xstrdup(spec);
	const char *have = sk_json_str(labels, k);
	return have && (!eq || isempty(eq + 1) || streq(have, eq + 1));
}

static bool opt_match(const char *spec, json_t *opts)
{
	const char *eq = strchr(spec, '=');
	_cleanup_free_ char *k = eq ? xstrndup(spec, (size_t)(eq - spec)) : xstrdup(spec);
	const char *have = sk_json_str(opts, k);
	return have && (!eq || isempty(eq + 1) || streq(have, eq + 1));
}

static json_t *object_of(const char *text)
{
	json_t *v = text ? sk_json_parse(text, strlen(text), NULL) : NULL;
	if (!json_is_object(v)) {
		json_decref(v);
		v = json_object();
	}
	return v;
}

/* Values of one key OR, keys AND. */
static bool volume_filter_keep(const struct volume_filter *f, const struct state_volume *v,
			       bool in_use)
{
	if (f->values[F_NAME]) {
		bool hit = false;
		for (size_t i = 0; i < f->n_names && !hit; i++)
			hit = regexec(&f->names[i], v->name, 0, NULL, 0) == 0;
		if (!hit)
			return false;
	}
	if (f->values[F_DRIVER] && !any_equal(f->values[F_DRIVER], v->driver ? v->driver : "local"))
		return false;
	if (f->values[F_SCOPE] && !any_equal(f->values[F_SCOPE], "local"))
		return false;
	if (f->values[F_LABEL]) {
		_cleanup_json_ json_t *labels = object_of(v->labels);
		bool hit = false;
		STRV_FOREACH (l, f->values[F_LABEL])
			hit = hit || label_match(*l, labels);
		if (!hit)
			return false;
	}
	if (f->values[F_OPT]) {
		_cleanup_json_ json_t *opts = object_of(v->options);
		bool hit = false;
		STRV_FOREACH (o, f->values[F_OPT])
			hit = hit || opt_match(*o, opts);
		if (!hit)
			return false;
	}
	if (f->values[F_UNTIL]) {
		bool hit = false;
		for (size_t i = 0; i < strv_length(f->values[F_UNTIL]); i++)
			hit = hit || v->created < f->until[i];
		if (!hit)
			return false;
	}
	if (f->values[F_DANGLING]) {
		bool hit = false;
		STRV_FOREACH (d, f->values[F_DANGLING]) {
			bool want = strcasecmp(*d, "true") == 0 || streq(*d, "1");
			hit = hit || want == !in_use;
		}
		if (!hit)
			return false;
	}
	return true;
}

int ctr_volume_list(struct store *s, char *const *filters, bool prune, struct state_volume ***ret,
		    struct sk_error **err)
{
	struct volume_filter f = { 0 };
	_cleanup_state_volume_list_ struct state_volume **all = NULL;
	_cleanup_strv_free_ char **in_use = NULL;
	int r = volume_filter_parse(filters, prune, &f, err);
	if (r >= 0)
		r = state_volume_list(s->db, &all, err);
	if (r >= 0 && f.values[F_DANGLING])
		r = state_volume_names_in_use(s->db, &in_use, err);
	if (r < 0) {
		volume_filter_release(&f);
		return r;
	}
	size_t n = 0;
	for (size_t i = 0; all[i]; i++) {
		if (volume_filter_keep(&f, all[i], strv_contains(in_use, all[i]->name)))
			all[n++] = all[i];
		else
			state_volume_free(all[i]);
	}
	all[n] = NULL;
	volume_filter_release(&f);
	*ret = TAKE_PTR(all);
	return 0;
}
