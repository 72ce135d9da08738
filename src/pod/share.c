/* SPDX-License-Identifier: Apache-2.0 */
/* --share: which kernel namespaces a pod's containers share with its infra container. */
#include <errno.h>
#include <string.h>

#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"

static const struct {
	const char *name;
	unsigned bit;
} share_names[] = {
	/* podman's inspect order */
	{ "net", POD_SHARE_NET }, { "uts", POD_SHARE_UTS },	  { "pid", POD_SHARE_PID },
	{ "ipc", POD_SHARE_IPC }, { "cgroup", POD_SHARE_CGROUP },
};

static unsigned share_bit(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(share_names); i++)
		if (streq(share_names[i].name, name))
			return share_names[i].bit;
	return 0;
}

int pod_share_parse(const char *s, unsigned *ret, struct sk_error **err)
{
	if (!s || !*s) {
		*ret = POD_SHARE_DEFAULT;
		return 0;
	}
	unsigned share = 0;
	if (*s == '+') {
		share = POD_SHARE_DEFAULT;
		s++;
	}
	_cleanup_strv_free_ char **parts = strv_split(s, ",", true);
	STRV_FOREACH (p, parts) {
		unsigned bit = share_bit(*p);
		if (streq(*p, "none") && strv_length(parts) == 1)
			continue;
		if (!bit)
			return sk_err_invalid(err,
					      "invalid kernel namespace to share: %s. Options are: "
					      "cgroup, ipc, net, pid, uts or none",
					      *p);
		share |= bit;
	}
	*ret = share;
	return 0;
}

char **pod_share_names(unsigned share)
{
	char **v = strv_new(NULL);
	for (size_t i = 0; i < ELEMENTSOF(share_names); i++)
		if (share & share_names[i].bit)
			strv_push(&v, share_names[i].name);
	return v;
}

unsigned pod_share_from_config(const json_t *config)
{
	unsigned share = 0;
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(config, "SharedNamespaces"), i, e)
		if (json_is_string(e))
			share |= share_bit(json_string_value(e));
	return share;
}
