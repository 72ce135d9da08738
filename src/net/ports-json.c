/* SPDX-License-Identifier: Apache-2.0 */
/* Published ports as docker shapes them in JSON, and as `port` prints them. */
#include "net/ports.h"

#include <errno.h>
#include <string.h>

#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

json_t *net_ports_to_json(const struct net_port *ports, size_t n)
{
	json_t *obj = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		char key[32], host_port[8] = "";
		snprintf(key, sizeof(key), "%u/%s", p->container_port, p->protocol);
		if (p->host_port)
			snprintf(host_port, sizeof(host_port), "%u", p->host_port);
		json_t *list = json_object_get(obj, key);
		if (!list) {
			list = json_array();
			json_object_set_new(obj, key, list);
		}
		json_array_append_new(
			list, json_pack("{s:s, s:s}", "HostIp", p->host_ip, "HostPort", host_port));
	}
	return obj;
}

/* One {"HostIp":..., "HostPort":...} of key's list into p. */
static int binding_parse(const char *key, const json_t *b, struct net_port *p,
			 struct sk_error **err)
{
	if (!json_is_object(b))
		return sk_err_invalid(err, "port binding of '%s': not an object", key);
	const json_t *ip = json_object_get(b, "HostIp");
	const json_t *port = json_object_get(b, "HostPort");
	if ((ip && !json_is_string(ip) && !json_is_null(ip)) ||
	    (port && !json_is_string(port) && !json_is_null(port)))
		return sk_err_invalid(err,
				      "port binding of '%s': HostIp and HostPort must be "
				      "strings",
				      key);
	const char *ip_s = json_is_string(ip) ? json_string_value(ip) : "";
	if (net_port_host_ip_parse(ip_s, p->host_ip) < 0)
		return sk_err_invalid(err,
				      "port binding of '%s': cannot parse '%s' as an IP "
				      "address",
				      key, ip_s);
	const char *port_s = json_is_string(port) ? json_string_value(port) : "";
	unsigned v = 0;
	for (const char *c = port_s; *c; c++) {
		if (*c < '0' || *c > '9' || (v = v * 10 + (unsigned)(*c - '0')) > 65535)
			return sk_err_invalid(err, "port binding of '%s': invalid host port '%s'",
					      key, port_s);
	}
	p->host_port = (uint16_t)v; /* "" and "0": a random port */
	return 0;
}

int net_ports_from_json(const json_t *j, struct net_port **ports, size_t *n, struct sk_error **err)
{
	if (json_is_null(j) || !j)
		return 0;
	if (!json_is_object(j))
		return sk_err_invalid(err, "port bindings: not an object");
	struct net_port *out = NULL;
	size_t k = 0;
	const char *key;
	json_t *list;
	json_object_foreach ((json_t *)j, key, list) {
		struct net_port p = { 0 };
		if (net_port_key_parse(key, &p.container_port, p.protocol) < 0) {
			free(out);
			return sk_err_invalid(err, "port bindings: invalid port '%s'", key);
		}
		if (json_is_null(list))
			continue; /* exposed, not published (NetworkSettings.Ports) */
		if (!json_is_array(list)) {
			free(out);
			return sk_err_invalid(err, "port binding of '%s': not a list", key);
		}
		size_t i;
		json_t *b;
		json_array_foreach (list, i, b) {
			if (binding_parse(key, b, &p, err) < 0) {
				free(out);
				return sk_error_ret(*err);
			}
			out = xreallocarray(out, k + 1, sizeof(*out));
			out[k++] = p;
		}
	}
	*ports = xreallocarray(*ports, *n + k, sizeof(**ports));
	if (k)
		memcpy(*ports + *n, out, k * sizeof(*out));
	*n += k;
	free(out);
	return 0;
}

/* podman prints a host address as it is, IPv6 too ("::1:8082"); every address is 0.0.0.0 */
static const char *host_ip_text(const struct net_port *p)
{
	return p->host_ip[0] ? p->host_ip : "0.0.0.0";
}

char **net_ports_format(const struct net_port *ports, size_t n, const char *ctr_port_filter)
{
	char **lines = xnew(char *, 1);
	uint16_t want = 0;
	char proto[8] = "";
	if (ctr_port_filter && net_port_filter_parse(ctr_port_filter, &want, proto, NULL) < 0)
		return lines;
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		if (!ctr_port_filter)
			strv_pushf(&lines, "%u/%s -> %s:%u", p->container_port, p->protocol,
				   host_ip_text(p), p->host_port);
		else if (p->container_port == want && streq(p->protocol, proto))
			strv_pushf(&lines, "%s:%u", host_ip_text(p), p->host_port);
	}
	return lines;
}
