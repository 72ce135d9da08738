/* SPDX-License-Identifier: Apache-2.0 */
/* `pod inspect`: podman's InspectPodData, in its field order. */
#include <string.h>

#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static json_t *copy_or_null(const json_t *config, const char *key)
{
	json_t *v = json_object_get(config, key);
	return v ? json_deep_copy(v) : json_null();
}

/* The infra container's own settings (its pid_ns and uts_ns are its own: private). */
static json_t *infra_config(const struct pod_info *p)
{
	const json_t *ic = json_object_get(p->config, "InfraConfig");
	const struct state_container *infra = pod_infra(p);
	_cleanup_json_ json_t *idoc =
		infra ? sk_json_parse(infra->config, strlen(infra->config), NULL) : NULL;
	const char *userns = sk_json_str(sk_json_path(idoc, "HostConfig"), "UsernsMode");
	json_t *ports = json_object_get(ic, "PortBindings");
	return json_pack("{s:o,s:b,s:s,s:s,s:b,s:o,s:n,s:n,s:b,s:o,s:o,s:n,s:s,s:s,s:s}",
			 "PortBindings", ports ? json_deep_copy(ports) : json_object(),
			 "HostNetwork", sk_json_bool(ic, "HostNetwork", false), "StaticIP", "",
			 "StaticMAC", "", "NoManageResolvConf", false, "DNSServer",
			 copy_or_null(ic, "DNSServer"), "DNSSearch", "DNSOption", "NoManageHosts",
			 false, "HostAdd", copy_or_null(ic, "HostAdd"), "Networks",
			 copy_or_null(ic, "Networks"), "NetworkOptions", "pid_ns", "private",
			 "userns", userns && *userns ? "private" : "host", "uts_ns", "private");
}

static json_t *containers_json(const struct pod_info *p)
{
	json_t *arr = json_array();
	for (size_t i = 0; p->ctrs[i]; i++)
		json_array_append_new(arr,
				      json_pack("{s:s,s:s,s:s}", "Id", p->ctrs[i]->id, "Name",
						p->ctrs[i]->name, "State",
						state_ctr_status_to_string(p->ctrs[i]->state)));
	return arr;
}

json_t *pod_inspect_json(const struct pod_info *p)
{
	unsigned share = pod_share_from_config(p->config);
	const struct state_container *infra = pod_infra(p);
	_cleanup_free_ char *created = time_format_rfc3339nano(p->pod->created);
	json_t *o = json_object();
	sk_json_set_str(o, "Id", p->pod->id);
	sk_json_set_str(o, "Name", p->pod->name);
	sk_json_set_str(o, "Created", created);
	json_object_set_new(o, "CreateCommand", copy_or_null(p->config, "CreateCommand"));
	sk_json_set_str(o, "ExitPolicy", "continue");
	sk_json_set_str(o, "State", pod_status(p));
	sk_json_set_str(o, "Hostname", sk_json_str(p->config, "Hostname"));
	json_t *labels =
		p->pod->labels ? sk_json_parse(p->pod->labels, strlen(p->pod->labels), NULL) : NULL;
	/* podman omits empty labels */
	if (json_is_object(labels) && json_object_size(labels) > 0)
		json_object_set(o, "Labels", labels);
	json_decref(labels);
	json_object_set_new(o, "CreateCgroup", json_false());
	json_object_set_new(o, "CreateInfra",
			    json_boolean(sk_json_bool(p->config, "CreateInfra", false)));
	if (infra) {
		sk_json_set_str(o, "InfraContainerID", infra->id);
		json_object_set_new(o, "InfraConfig", infra_config(p));
	}
	_cleanup_strv_free_ char **names = pod_share_names(share);
	json_object_set_new(o, "SharedNamespaces", sk_json_from_strv(names));
	size_t n = 0;
	while (p->ctrs[n])
		n++;
	json_object_set_new(o, "NumContainers", json_integer((json_int_t)n));
	json_object_set_new(o, "Containers", containers_json(p));
	return o;
}
