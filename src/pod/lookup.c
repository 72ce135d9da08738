/* SPDX-License-Identifier: Apache-2.0 */
/* Finding pods and their containers, with the containers' states brought up to date. */
#include <errno.h>
#include <string.h>

#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

void pod_info_free(struct pod_info *p)
{
	if (!p)
		return;
	state_pod_free(p->pod);
	state_container_list_free(p->ctrs);
	json_decref(p->config);
	free(p);
}

void pod_info_list_free(struct pod_info **list)
{
	for (size_t i = 0; list && list[i]; i++)
		pod_info_free(list[i]);
	free(list);
}

/* Takes pod, also on failure. */
static int info_load_take(struct ctr_ctx *x, struct state_pod *pod, struct pod_info **ret,
			  struct sk_error **err)
{
	_cleanup_pod_info_ struct pod_info *p = xnew(struct pod_info, 1);
	p->pod = pod;
	p->config = sk_json_parse(pod->config, strlen(pod->config), NULL);
	if (!json_is_object(p->config)) {
		json_decref(p->config);
		p->config = json_object();
	}
	_cleanup_strv_free_ char **ids = NULL;
	int r = state_pod_container_ids(x->store->db, pod->id, &ids, err);
	if (r < 0)
		return r;
	p->ctrs = xnew(struct state_container *, strv_length(ids) + 1);
	size_t n = 0;
	STRV_FOREACH (id, ids) {
		struct sk_error *e = NULL;
		/* One removed meanwhile is simply not a member any more. */
		if (ctr_lookup(x, *id, &p->ctrs[n], &e) >= 0)
			n++;
		else if (e->kind != SK_ERR_NOTFOUND) {
			*err = e;
			return sk_error_ret(e);
		} else
			sk_error_free(e);
	}
	*ret = TAKE_PTR(p);
	return 0;
}

int pod_lookup(struct ctr_ctx *x, const char *name_or_id, struct pod_info **ret,
	       struct sk_error **err)
{
	struct state_pod *pod = NULL;
	int r = state_pod_lookup(x->store->db, name_or_id, &pod, err);
	if (r < 0)
		return r;
	return info_load_take(x, pod, ret, err);
}

int pod_list(struct ctr_ctx *x, struct pod_info ***ret, struct sk_error **err)
{
	_cleanup_free_ struct state_pod **pods = NULL;
	int r = state_pod_list(x->store->db, &pods, err);
	if (r < 0)
		return r;
	size_t n = 0;
	while (pods[n])
		n++;
	_cleanup_pod_info_list_ struct pod_info **list = xnew(struct pod_info *, n + 1);
	for (size_t i = 0; i < n; i++) {
		struct state_pod *pod = TAKE_PTR(pods[i]);
		if (r >= 0)
			r = info_load_take(x, pod, &list[i], err);
		else
			state_pod_free(pod);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(list);
	return 0;
}

struct state_container *pod_infra(const struct pod_info *p)
{
	_cleanup_free_ char *name = xasprintf("%.12s-infra", p->pod->id);
	for (size_t i = 0; p->ctrs[i]; i++) {
		const struct state_container *c = p->ctrs[i];
		if (p->pod->infra_id ? streq(c->id, p->pod->infra_id) : streq(c->name, name))
			return p->ctrs[i];
	}
	return NULL;
}
