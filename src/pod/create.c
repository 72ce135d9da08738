/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pod create: the record first (its UNIQUE name settles races), then the infra container. A
 * failure of the infra removes the record again; a creator killed in between leaves a pod
 * without its infra container, which pod rm removes as any other.
 */
#include <errno.h>
#include <string.h>

#include "ctr/create.h"
#include "ctr/name-gen.h"
#include "net/ports.h"
#include "pod/infra-image.h"
#include "pod/pod.h"
#include "util/digest.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

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

static int opts_check(const struct pod_create_opts *o, struct sk_error **err)
{
	if (o->name && !name_valid(o->name))
		return sk_err_invalid(err, "running pod create option: names must match "
					   "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	if (o->infra)
		return 0;
	if (o->userns && *o->userns && !streq(o->userns, "host"))
		return sk_err_invalid(err, "cannot set a user namespace without an infra "
					   "container");
	if (o->share && *o->share && !streq(o->share, "none"))
		return sk_err_invalid(err,
				      "cannot set share(%s) namespaces without an infra container",
				      o->share);
	if (strv_length(o->publish) > 0)
		return sk_err_invalid(err, "you must have an infra container to publish port "
					   "bindings to the host");
	return 0;
}

static json_t *strv_or_null(char *const *v)
{
	return strv_length(v) > 0 ? sk_json_from_strv(v) : json_null();
}

/* {"Key": "value"} from key=value labels. */
static json_t *labels_json(char *const *labels)
{
	json_t *obj = json_object();
	STRV_FOREACH (l, (char **)labels) {
		const char *eq = strchr(*l, '=');
		_cleanup_free_ char *k = eq ? xstrndup(*l, (size_t)(eq - *l)) : xstrdup(*l);
		json_object_set_new(obj, k, json_string(eq ? eq + 1 : ""));
	}
	return obj;
}

static int config_build(const struct pod_create_opts *o, unsigned share, json_t **ret,
			struct sk_error **err)
{
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n = 0;
	STRV_FOREACH (p, (char **)o->publish) {
		int r = net_port_parse(*p, &ports, &n, err);
		if (r < 0)
			return r;
	}
	_cleanup_strv_free_ char **names = pod_share_names(o->infra ? share : 0);
	_cleanup_strv_free_ char **nets =
		strv_length(o->networks) > 0 ? strv_copy(o->networks) : strv_new("selkie", NULL);
	json_t *infra = json_pack(
		"{s:o,s:b,s:o,s:o,s:o}", "PortBindings", net_ports_to_json(ports, n), "HostNetwork",
		strv_contains(nets, "host"), "Networks", sk_json_from_strv(nets), "DNSServer",
		strv_or_null(o->dns), "HostAdd", strv_or_null(o->add_host));
	*ret = json_pack(
		"{s:s,s:o,s:b,s:s?,s:o,s:o}", "Hostname", o->hostname ? o->hostname : "",
		"SharedNamespaces", sk_json_from_strv(names), "CreateInfra", o->infra, "InfraImage",
		o->infra ? (o->infra_image ? o->infra_image : POD_INFRA_IMAGE) : NULL,
		"CreateCommand", sk_json_from_strv(o->create_command), "InfraConfig", infra);
	return 0;
}

/* The infra container: the pod's ports, networks, hostname and name resolution settings. */
static int infra_create(struct ctr_ctx *x, const struct pod_create_opts *o,
			const struct state_pod *p, struct state_container **ret,
			struct sk_error **err)
{
	if (!o->infra_image) {
		int r = pod_infra_image_ensure(x, err);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *name =
		o->infra_name ? xstrdup(o->infra_name) : xasprintf("%.12s-infra", p->id);
	struct ctr_create_opts co = {
		.name = name,
		.hostname = (char *)(o->hostname ? o->hostname : p->name),
		.publish = (char **)o->publish,
		.networks = (char **)o->networks,
		.dns = (char **)o->dns,
		.add_host = (char **)o->add_host,
		.userns = (char *)o->userns,
		.pod_id = p->id,
		.pull = (char *)(o->infra_image ? "missing" : "never"),
		.sig_proxy = true,
		.quiet = true,
	};
	char *no_command[] = { NULL };
	return ctr_create(x, &co, o->infra_image ? o->infra_image : POD_INFRA_IMAGE, no_command,
			  NULL, ret, err);
}

int pod_create(struct ctr_ctx *x, const struct pod_create_opts *o, struct state_pod **ret,
	       struct sk_error **err)
{
	unsigned share = 0;
	int r = opts_check(o, err);
	if (r >= 0)
		r = pod_share_parse(o->share, &share, err);
	_cleanup_json_ json_t *config = NULL;
	if (r >= 0)
		r = config_build(o, share, &config, err);
	if (r < 0)
		return r;
	char id[DIGEST_HEX_LEN + 1];
	random_hex_id(id);
	_cleanup_json_ json_t *labels = labels_json(o->labels);
	_cleanup_(state_pod_freep) struct state_pod *p = xnew(struct state_pod, 1);
	p->id = xstrdup(id);
	p->name = o->name ? xstrdup(o->name) : ctr_name_generate();
	p->created = time_now_ns();
	p->config = sk_json_dump(config, JSON_COMPACT);
	p->labels = sk_json_dump(labels, JSON_COMPACT);
	r = state_pod_insert(x->store->db, p, err);
	if (r < 0)
		return r;
	if (o->infra) {
		_cleanup_state_container_ struct state_container *infra = NULL;
		r = infra_create(x, o, p, &infra, err);
		if (r >= 0)
			r = state_pod_infra_set(x->store->db, p->id, infra->id, err);
		if (r < 0 && infra)
			ctr_remove(x, infra, true, true, 0, NULL);
		if (r < 0) {
			state_pod_delete(x->store->db, p->id, NULL);
			return r;
		}
		p->infra_id = xstrdup(infra->id);
	}
	*ret = TAKE_PTR(p);
	return 0;
}
