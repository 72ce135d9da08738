/* SPDX-License-Identifier: Apache-2.0 */
/* Containers joining pods (pod/pod-ctr.h). */
#include "pod/pod-ctr.h"

#include <errno.h>
#include <string.h>

#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void str_replace_take(char **field, char *value)
{
	free(*field);
	*field = value;
}

/* --pod new:NAME: a pod with the defaults, taking the container's published ports (podman
 * moves them to the infra container). */
static int pod_new(struct ctr_ctx *x, struct ctr_create_opts *o, const char *name,
		   struct pod_info **ret, struct sk_error **err)
{
	char *cmd[] = { "selkie", "pod", "create", "--name", (char *)name, NULL };
	struct pod_create_opts po = {
		.name = name,
		.infra = true,
		.publish = o->publish,
		.create_command = cmd,
	};
	_cleanup_(state_pod_freep) struct state_pod *pod = NULL;
	int r = pod_create(x, &po, &pod, err);
	if (r < 0)
		return r;
	strv_free(o->publish);
	o->publish = NULL;
	return pod_lookup(x, pod->id, ret, err);
}

static void ns_join(char **field, const char *infra_id)
{
	if (!*field)
		*field = xasprintf("container:%s", infra_id);
}

/* The pod's containers are in its infra container's user namespace: podman's errors for a
 * container that asks for its own. */
static int userns_join(struct ctr_create_opts *o, const struct state_container *infra,
		       struct sk_error **err)
{
	if (o->userns)
		return sk_err_invalid(err, "--userns and --pod cannot be set together");
	if (o->uidmap || o->gidmap || o->subuidname || o->subgidname)
		return sk_err_invalid(err, "cannot specify a new uid/gid map when entering a pod "
					   "with an infra container: invalid argument");
	_cleanup_json_ json_t *doc = sk_json_parse(infra->config, strlen(infra->config), NULL);
	const char *mode = sk_json_str(sk_json_path(doc, "HostConfig"), "UsernsMode");
	if (mode && *mode)
		o->userns = xasprintf("container:%s", infra->id);
	return 0;
}

int pod_container_opts_apply(struct ctr_ctx *x, struct ctr_create_opts *o, struct sk_error **err)
{
	if (!o->pod || !*o->pod)
		return 0;
	_cleanup_pod_info_ struct pod_info *p = NULL;
	int r = strneq(o->pod, "new:", 4) ? pod_new(x, o, o->pod + 4, &p, err)
					  : pod_lookup(x, o->pod, &p, err);
	if (r < 0)
		return r;
	unsigned share = pod_share_from_config(p->config);
	const struct state_container *infra = pod_infra(p);
	bool own_net = strv_length(o->networks) > 0;
	if ((share & POD_SHARE_NET) && infra && !own_net &&
	    (strv_length(o->publish) > 0 || o->publish_all))
		return sk_err_invalid(err,
				      "invalid config provided: published or exposed ports "
				      "must be defined when the pod is created: network cannot "
				      "be configured when it is shared with a pod");
	if ((share & POD_SHARE_UTS) && infra && o->hostname)
		return sk_err_invalid(err, "invalid config provided: cannot set hostname when "
					   "joining the pod UTS namespace: invalid configuration");
	str_replace_take(&o->pod_id, xstrdup(p->pod->id));
	if (!infra)
		return 0;
	r = userns_join(o, infra, err);
	if (r < 0)
		return r;
	/* A container that names its own network keeps it, as podman's does. */
	if ((share & POD_SHARE_NET) && !own_net) {
		strv_free(o->networks);
		o->networks = strv_new(NULL);
		strv_pushf(&o->networks, "container:%s", infra->id);
	}
	if (share & POD_SHARE_IPC)
		ns_join(&o->ipc, infra->id);
	if (share & POD_SHARE_UTS)
		ns_join(&o->uts, infra->id);
	if (share & POD_SHARE_PID)
		ns_join(&o->pid, infra->id);
	if (share & POD_SHARE_CGROUP)
		ns_join(&o->cgroupns, infra->id);
	return 0;
}

int pod_container_deps_start(struct ctr_ctx *x, const struct state_container *c,
			     struct sk_error **err)
{
	if (!c->pod_id)
		return 0;
	_cleanup_pod_info_ struct pod_info *p = NULL;
	struct sk_error *e = NULL;
	int r = pod_lookup(x, c->pod_id, &p, &e);
	if (r < 0) {
		/* A container outlives a pod removed under it: nothing to start. */
		if (e->kind == SK_ERR_NOTFOUND) {
			sk_error_free(e);
			return 0;
		}
		*err = e;
		return r;
	}
	struct state_container *infra = pod_infra(p);
	if (!infra || streq(infra->id, c->id) || ctr_is_active(infra))
		return 0;
	r = ctr_start(x, infra, NULL, err);
	return r < 0 ? sk_error_wrap(err, "starting the infra container of pod %s", p->pod->name)
		     : r;
}
