/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/network-filter.h"

#include <regex.h>
#include <string.h>
#include <strings.h>

#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

enum { F_NAME, F_ID, F_DRIVER, F_LABEL, F_DANGLING, F_UNTIL, _F_MAX };
static const char *const keys[_F_MAX] = { "name", "id", "driver", "label", "dangling", "until" };

struct network_filter {
	char **values[_F_MAX];
	regex_t *names;
	size_t n_names;
	int64_t *until; /* one per until value */
};

void network_filter_free(struct network_filter *f)
{
	if (!f)
		return;
	for (int k = 0; k < _F_MAX; k++)
		strv_free(f->values[k]);
	for (size_t i = 0; i < f->n_names; i++)
		regfree(&f->names[i]);
	free(f->names);
	free(f->until);
	free(f);
}

/* A Unix time (seconds), an RFC 3339 time, or a Go duration before now. */
static int until_parse(const char *s, int64_t *ret)
{
	int64_t v;
	if (s[strspn(s, "0123456789")] == '\0' && parse_int64(s, &v) >= 0) {
		*ret = v * 1000000000;
		return 0;
	}
	if (time_parse_rfc3339(s, ret) >= 0)
		return 0;
	if (parse_duration_ns(s, &v) < 0)
		return -EINVAL;
	*ret = time_now_ns() - v;
	return 0;
}

static bool dangling_value(const char *v, bool *ret)
{
	if (strcasecmp(v, "true") == 0 || streq(v, "1"))
		*ret = true;
	else if (strcasecmp(v, "false") == 0 || streq(v, "0"))
		*ret = false;
	else
		return false;
	return true;
}

static int filter_add(struct network_filter *f, int k, const char *val, struct sk_error **err)
{
	bool b;
	if (k == F_DANGLING && !dangling_value(val, &b))
		return sk_err_invalid(err, "invalid dangling filter value \"%s\"", val);
	if (k == F_UNTIL) {
		size_t n = strv_length(f->values[F_UNTIL]);
		f->until = xreallocarray(f->until, n + 1, sizeof(*f->until));
		if (until_parse(val, &f->until[n]) < 0)
			return sk_err_invalid(
				err, "failed to parse value as time or duration: \"%s\"", val);
	}
	if (k == F_NAME) {
		f->names = xreallocarray(f->names, f->n_names + 1, sizeof(*f->names));
		/* A pattern that does not compile matches nothing. */
		if (regcomp(&f->names[f->n_names], val, REG_EXTENDED | REG_NOSUB) == 0)
			f->n_names++;
	}
	strv_push(&f->values[k], val);
	return 0;
}

int network_filter_parse(char *const *filters, bool prune, struct network_filter **ret,
			 struct sk_error **err)
{
	_cleanup_network_filter_ struct network_filter *f = xnew(struct network_filter, 1);
	STRV_FOREACH (spec, filters) {
		const char *eq = strchr(*spec, '=');
		if (!eq && !prune)
			return sk_err_invalid(
				err,
				"filter input must be in the form of filter=value: %s "
				"is invalid",
				*spec);
		_cleanup_free_ char *key =
			eq ? xstrndup(*spec, (size_t)(eq - *spec)) : xstrdup(*spec);
		int k = 0;
		while (k < _F_MAX && !streq(keys[k], key))
			k++;
		if (k == _F_MAX || !eq || (prune && k != F_LABEL && k != F_UNTIL))
			return sk_err_invalid(err, "invalid filter \"%s\"", key);
		int r = filter_add(f, k, eq + 1, err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(f);
	return 0;
}

/* "key" or "key=value" against the network's "k=v" labels. */
static bool label_match(const char *spec, char *const *labels)
{
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : strlen(spec);
	STRV_FOREACH (l, labels) {
		const char *leq = strchr(*l, '=');
		size_t llen = leq ? (size_t)(leq - *l) : strlen(*l);
		if (llen != klen || !strneq(*l, spec, klen))
			continue;
		if (!eq || isempty(eq + 1) || streq(leq ? leq + 1 : "", eq + 1))
			return true;
	}
	return false;
}

static bool any(char *const *vals, bool (*one)(const char *, const struct net_network *, bool),
		const struct net_network *n, bool in_use)
{
	STRV_FOREACH (v, vals)
		if (one(*v, n, in_use))
			return true;
	return false;
}

static bool id_one(const char *v, const struct net_network *n, bool in_use)
{
	return strneq(n->id, v, strlen(v));
}

static bool driver_one(const char *v, const struct net_network *n, bool in_use)
{
	return streq(n->driver, v);
}

static bool label_one(const char *v, const struct net_network *n, bool in_use)
{
	return label_match(v, n->labels);
}

static bool dangling_one(const char *v, const struct net_network *n, bool in_use)
{
	bool want = false;
	dangling_value(v, &want);
	bool dangling = !in_use && !streq(n->name, NET_DEFAULT_NAME);
	return want == dangling;
}

bool network_filter_match(const struct network_filter *f, const struct net_network *n, bool in_use)
{
	if (f->values[F_NAME]) {
		bool hit = false;
		for (size_t i = 0; i < f->n_names && !hit; i++)
			hit = regexec(&f->names[i], n->name, 0, NULL, 0) == 0;
		if (!hit)
			return false;
	}
	if (f->values[F_ID] && !any(f->values[F_ID], id_one, n, in_use))
		return false;
	if (f->values[F_DRIVER] && !any(f->values[F_DRIVER], driver_one, n, in_use))
		return false;
	if (f->values[F_LABEL] && !any(f->values[F_LABEL], label_one, n, in_use))
		return false;
	if (f->values[F_DANGLING] && !any(f->values[F_DANGLING], dangling_one, n, in_use))
		return false;
	if (f->values[F_UNTIL]) {
		bool hit = false;
		for (size_t i = 0; i < strv_length(f->values[F_UNTIL]) && !hit; i++)
			hit = n->created < f->until[i];
		if (!hit)
			return false;
	}
	return true;
}
