/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/ps-filter.h"

#include <fnmatch.h>
#include <jansson.h>
#include <regex.h>
#include <string.h>

#include "ctr/network.h"
#include "image/lookup.h"
#include "state/pods.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const filter_keys[] = { "id",       "name",	  "label", "status", "exited",
					   "ancestor", "before",  "since", "volume", "health",
					   "pod",      "network", NULL };

static const struct state_container *find(struct state_container *const *all, const char *ref);

struct cli_ps_filter {
	char **keys;
	char **values;
};

int cli_ps_filter_refs_check(const struct cli_ps_filter *f, struct state_container *const *all,
			     struct sk_error **err)
{
	for (size_t i = 0; f->keys[i]; i++)
		if ((streq(f->keys[i], "before") || streq(f->keys[i], "since")) &&
		    !find(all, f->values[i]))
			return sk_err_notfound(err,
					       "no container with name or ID \"%s\" found: no such "
					       "container",
					       f->values[i]);
	return 0;
}

void cli_ps_filter_free(struct cli_ps_filter *f)
{
	if (!f)
		return;
	strv_free(f->keys);
	strv_free(f->values);
	free(f);
}

int cli_ps_filter_parse(char *const *filters, struct cli_ps_filter **ret, struct sk_error **err)
{
	struct cli_ps_filter *f = xnew(struct cli_ps_filter, 1);
	f->keys = strv_new(NULL);
	f->values = strv_new(NULL);
	STRV_FOREACH (s, (char **)filters) {
		const char *eq = strchr(*s, '=');
		_cleanup_free_ char *key = eq ? xstrndup(*s, (size_t)(eq - *s)) : xstrdup(*s);
		if (!eq || !strv_contains((char **)filter_keys, key)) {
			cli_ps_filter_free(f);
			return sk_err_invalid(err, "%s is an invalid filter", key);
		}
		static const char *const states[] = { "created",  "running",	"paused",
						      "exited",	  "stopped",	"stopping",
						      "removing", "configured", "unknown",
						      NULL };
		if (streq(key, "status") && !strv_contains((char **)states, eq + 1)) {
			cli_ps_filter_free(f);
			return sk_err_invalid(err, "unknown container state: %s: invalid argument",
					      eq + 1);
		}
		int code;
		if (streq(key, "exited") && parse_int(eq + 1, &code) < 0) {
			cli_ps_filter_free(f);
			return sk_err_invalid(err, "exited code out of range \"%s\"", eq + 1);
		}
		strv_push(&f->keys, key);
		strv_push(&f->values, eq + 1);
	}
	*ret = f;
	return 0;
}

static bool name_match(const char *pattern, const char *name)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return strstr(name, pattern) != NULL;
	bool m = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool label_match(const struct state_container *c, const char *want)
{
	_cleanup_json_ json_t *l =
		c->labels ? sk_json_parse(c->labels, strlen(c->labels), NULL) : NULL;
	const char *eq = strchr(want, '=');
	_cleanup_free_ char *k = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	const char *v = sk_json_str(l, k);
	return v && (!eq || streq(v, eq + 1));
}

static const struct state_container *find(struct state_container *const *all, const char *ref)
{
	for (size_t i = 0; all[i]; i++)
		if (streq(all[i]->name, ref) || strncmp(all[i]->id, ref, strlen(ref)) == 0)
			return all[i];
	return NULL;
}

static bool volume_match(struct ctr_ctx *x, const struct state_container *c, const char *v)
{
	_cleanup_strv_free_ char **vols = NULL;
	if (state_container_volumes(x->store->db, c->id, &vols, NULL) >= 0 &&
	    strv_contains(vols, v))
		return true;
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m) {
		const char *src = sk_json_str(m, "Source");
		const char *dst = sk_json_str(m, "Destination");
		if ((src && streq(src, v)) || (dst && streq(dst, v)))
			return true;
	}
	return false;
}

static bool pod_match(struct ctr_ctx *x, const struct state_container *c, const char *v)
{
	if (!c->pod_id)
		return false;
	_cleanup_state_pod_ struct state_pod *pod = NULL;
	return state_pod_lookup(x->store->db, v, &pod, NULL) >= 0 && streq(pod->id, c->pod_id);
}

static bool one_match(struct ctr_ctx *x, const char *key, const char *v,
		      const struct state_container *c, struct state_container *const *all)
{
	if (streq(key, "id"))
		return strncmp(c->id, v, strlen(v)) == 0;
	if (streq(key, "name"))
		return name_match(v, c->name);
	if (streq(key, "label"))
		return label_match(c, v);
	if (streq(key, "status")) {
		const char *s = state_ctr_status_to_string(c->state);
		return streq(s, v) || (streq(v, "stopped") && c->state == STATE_CTR_EXITED);
	}
	if (streq(key, "exited")) {
		int code;
		return c->state == STATE_CTR_EXITED && parse_int(v, &code) >= 0 &&
		       code == c->exit_code;
	}
	if (streq(key, "ancestor"))
		return strncmp(c->image_id, v, strlen(v)) == 0 ||
		       image_name_matches(c->image_name, v);
	if (streq(key, "before") || streq(key, "since")) {
		const struct state_container *ref = find(all, v);
		return ref && (streq(key, "before") ? c->created < ref->created
						    : c->created > ref->created);
	}
	if (streq(key, "volume"))
		return volume_match(x, c, v);
	if (streq(key, "pod"))
		return pod_match(x, c, v);
	if (streq(key, "network")) {
		_cleanup_strv_free_ char **nets = ctr_network_names(x, c);
		return strv_contains(nets, v);
	}
	if (streq(key, "health"))
		return streq(c->health_status, v) ||
		       (streq(v, "none") && c->health_status[0] == '\0');
	return false;
}

bool cli_ps_filter_match(const struct cli_ps_filter *f, struct ctr_ctx *x,
			 const struct state_container *c, struct state_container *const *all)
{
	for (size_t i = 0; f->keys[i]; i++) {
		/* Several label filters must all match (podman); other keys match any value. */
		if (streq(f->keys[i], "label")) {
			if (!label_match(c, f->values[i]))
				return false;
			continue;
		}
		bool any = false;
		for (size_t j = 0; f->keys[j] && !any; j++)
			if (streq(f->keys[j], f->keys[i]))
				any = one_match(x, f->keys[j], f->values[j], c, all);
		if (!any)
			return false;
	}
	return true;
}
