/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing -p, --expose and -P the way podman 4.3 does, error texts included: users (and
 * scripts) match on them. podman's own messages quote Go's strconv errors, so those are
 * reproduced too.
 */
#include "net/ports.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Go's %q of s (enough of it: printable bytes as they are, the rest escaped). */
static char *go_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(&sb, "\\%c", *p);
		else if (*p == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (*p == '\t')
			strbuf_addstr(&sb, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&sb, "\\x%02x", *p);
		else
			strbuf_addch(&sb, (char)*p);
	}
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

/* Go's strconv decimal parsing: -EINVAL for "invalid syntax", -ERANGE for "value out of
 * range". A leading '+' only when plus_ok (Atoi yes, ParseUint no). */
static int go_parse_dec(const char *s, bool plus_ok, uint64_t max, uint64_t *ret)
{
	if (plus_ok && *s == '+')
		s++;
	if (!*s)
		return -EINVAL;
	uint64_t v = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

static const char *go_errtext(int r)
{
	return r == -ERANGE ? "value out of range" : "invalid syntax";
}

/* strconv.ParseUint(s, 10, 16), with Go's error text. */
static int parse_uint16(const char *s, uint16_t *ret, struct sk_error **err, const char *prefix)
{
	uint64_t v = 0;
	int r = go_parse_dec(s, false, UINT16_MAX, &v);
	if (r < 0) {
		_cleanup_free_ char *q = go_quote(s);
		return sk_err_invalid(err, "%sstrconv.ParseUint: parsing %s: %s", prefix, q,
				      go_errtext(r));
	}
	*ret = (uint16_t)v;
	return 0;
}

/* podman's port number: strconv.Atoi, then 1..65535. */
static int parse_port(const char *s, uint16_t *ret, const char *prefix, struct sk_error **err)
{
	uint64_t v = 0;
	int r = go_parse_dec(s, true, INT64_MAX, &v);
	if (r < 0) {
		_cleanup_free_ char *q = go_quote(s);
		return sk_err_invalid(err, "%sinvalid port number: strconv.Atoi: parsing %s: %s",
				      prefix, q, go_errtext(r));
	}
	if (v < 1 || v > 65535)
		return sk_err_invalid(err,
				      "%sport numbers must be between 1 and 65535 (inclusive), "
				      "got %llu",
				      prefix, (unsigned long long)v);
	*ret = (uint16_t)v;
	return 0;
}

/* "80" or "80-82" into its start and length; prefix goes before every message. */
static int parse_range(const char *s, uint16_t *ret_start, unsigned *ret_len, const char *prefix,
		       struct sk_error **err)
{
	_cleanup_free_ char *buf = xstrdup(s);
	char *end = strchr(buf, '-');
	if (end) {
		*end++ = '\0';
		if (strchr(end, '-'))
			return sk_err_invalid(err,
					      "%sinvalid port format - port ranges are formatted "
					      "as startPort-stopPort",
					      prefix);
	}
	if (!*buf)
		return sk_err_invalid(err, "%sport numbers cannot be negative", prefix);
	uint16_t start = 0, last = 0;
	int r = parse_port(buf, &start, prefix, err);
	if (r < 0)
		return r;
	unsigned len = 1;
	if (end) {
		if (!*end)
			return sk_err_invalid(err, "%smust provide ending number for port range",
					      prefix);
		r = parse_port(end, &last, prefix, err);
		if (r < 0)
			return r;
		if (last <= start)
			return sk_err_invalid(err,
					      "%sthe end port of a range must be higher than the "
					      "start port - %u is not higher than %u",
					      prefix, last, start);
		len = (unsigned)(last - start) + 1;
	}
	*ret_start = start;
	*ret_len = len;
	return 0;
}

/* net.ParseIP(s).String(): canonical text, an IPv4-mapped address as plain IPv4. */
static int ip_canonical(const char *s, char out[48])
{
	unsigned char a[16];
	if (inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, out, 48) ? 0 : -EINVAL;
	if (inet_pton(AF_INET6, s, a) != 1)
		return -EINVAL;
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, a + 12, out, 48) ? 0 : -EINVAL;
	return inet_ntop(AF_INET6, a, out, 48) ? 0 : -EINVAL;
}

int net_port_host_ip_parse(const char *s, char out[48])
{
	if (isempty(s) || streq(s, "0.0.0.0")) {
		out[0] = '\0';
		return 0;
	}
	return ip_canonical(s, out);
}

static bool port_equal(const struct net_port *a, const struct net_port *b)
{
	return a->host_port == b->host_port && a->container_port == b->container_port &&
	       streq(a->host_ip, b->host_ip) && streq(a->protocol, b->protocol);
}

/* Append p unless the very same mapping is among the first `known` (podman keeps one); room
 * for it was made by the caller. The entries of one range differ from each other, so a range
 * is checked against what came before it only: -p 1-65535 stays linear. */
static void ports_add(struct net_port *ports, size_t *n, size_t known, const struct net_port *p)
{
	for (size_t i = 0; i < known; i++)
		if (port_equal(&ports[i], p))
			return;
	ports[(*n)++] = *p;
}

/* "TCP" → "tcp" into out; false when it is none of tcp/udp/sctp. */
static bool protocol_norm(const char *proto, char out[8], char **ret_lower)
{
	char *lower = xstrdup(proto);
	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	bool ok = streq(lower, "tcp") || streq(lower, "udp") || streq(lower, "sctp");
	if (ok)
		memcpy(out, lower, strlen(lower) + 1);
	*ret_lower = lower;
	return ok;
}

/* podman's parseSplitPort: every part is optional but the container port. */
static int parse_split(const char *ip, const char *host, const char *ctr, const char *proto,
		       struct net_port **ports, size_t *n, struct sk_error **err)
{
	struct net_port base = { .protocol = "tcp" };
	if (!*ctr)
		return sk_err_invalid(err, "must provide a non-empty container port to publish");
	unsigned ctr_len = 0, host_len = 0;
	int r = parse_range(ctr, &base.container_port, &ctr_len, "parsing container port: ", err);
	if (r < 0)
		return r;
	if (proto && !*proto)
		return sk_err_invalid(err, "must provide a non-empty protocol to publish");
	if (ip && !*ip)
		return sk_err_invalid(err, "must provide a non-empty container host IP to publish");
	if (ip && net_port_host_ip_parse(ip, base.host_ip) < 0) {
		_cleanup_free_ char *q = go_quote(ip);
		return sk_err_invalid(err, "cannot parse %s as an IP address", q);
	}
	if (host && *host) {
		r = parse_range(host, &base.host_port, &host_len, "parsing host port: ", err);
		if (r < 0)
			return r;
		if (host_len != ctr_len)
			return sk_err_invalid(err,
					      "host and container port ranges have different "
					      "lengths: %u vs %u",
					      host_len, ctr_len);
	}
	_cleanup_free_ char *lower = NULL;
	if (proto && !protocol_norm(proto, base.protocol, &lower)) {
		_cleanup_free_ char *q = go_quote(lower);
		return sk_err_invalid(err, "unrecognized protocol %s in port mapping", q);
	}
	size_t known = *n;
	*ports = xreallocarray(*ports, *n + ctr_len, sizeof(**ports));
	for (unsigned i = 0; i < ctr_len; i++) {
		struct net_port p = base;
		p.container_port = (uint16_t)(base.container_port + i);
		if (p.host_port)
			p.host_port = (uint16_t)(base.host_port + i);
		ports_add(*ports, n, known, &p);
	}
	return 0;
}

int net_port_parse(const char *spec, struct net_port **ports, size_t *n, struct sk_error **err)
{
	_cleanup_free_ char *s = xstrdup(spec);
	const char *proto = NULL;
	char *slash = strchr(s, '/');
	if (slash) {
		if (strchr(slash + 1, '/'))
			return sk_err_invalid(
				err, "invalid port format - protocol can only be specified once");
		*slash = '\0';
		proto = slash + 1;
	}
	char *rest = s;
	const char *ip = NULL;
	char *bracket = strchr(rest, ']');
	if (bracket) {
		if (strchr(bracket + 1, ']'))
			return sk_err_invalid(err, "invalid port format - at most one IPv6 address "
						   "can be specified in a --publish");
		if (rest[0] != '[')
			return sk_err_invalid(
				err, "invalid port format - IPv6 addresses must be enclosed by []");
		if (bracket[1] != ':')
			return sk_err_invalid(err, "invalid port format - IPv6 address must be "
						   "followed by a colon (':')");
		*bracket = '\0';
		ip = rest + 1;
		rest = bracket + 2;
	}
	char *c1 = strchr(rest, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 && strchr(c2 + 1, ':'))
		return sk_err_invalid(
			err, "invalid port format - format is [[hostIP:]hostPort:]containerPort");
	if (ip && !c1)
		return sk_err_invalid(err, "invalid port format - must provide host and "
					   "destination port if specifying an IP");
	if (ip && c2)
		return sk_err_invalid(err, "invalid port format - when v6 address specified, "
					   "must be [ipv6]:hostPort:ctrPort");
	if (!c1)
		return parse_split(ip, NULL, rest, proto, ports, n, err);
	*c1 = '\0';
	if (!c2)
		return parse_split(ip, rest, c1 + 1, proto, ports, n, err);
	*c2 = '\0';
	return parse_split(rest, c1 + 1, c2 + 1, proto, ports, n, err);
}

/* docker's nat.ParsePortRange, which podman runs first on --expose. */
static int docker_port_range(const char *spec, const char *ports, struct sk_error **err)
{
	const char *pre = "invalid range format for --expose: ";
	if (!*ports)
		return sk_err_invalid(err, "%s%s: Empty string specified for ports.", pre, spec);
	_cleanup_free_ char *buf = xstrdup(ports);
	char *dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	_cleanup_free_ char *prefix = xasprintf("%s%s: ", pre, spec);
	uint16_t start = 0, end = 0;
	int r = parse_uint16(buf, &start, err, prefix);
	if (r < 0 || !dash)
		return r;
	char *end_s = dash + 1;
	char *more = strchr(end_s, '-');
	if (more)
		*more = '\0'; /* docker looks at the first two fields only */
	r = parse_uint16(end_s, &end, err, prefix);
	if (r < 0)
		return r;
	if (end < start)
		return sk_err_invalid(err, "%sInvalid range specified for the Port: %s", prefix,
				      ports);
	return 0;
}

int net_expose_parse(const char *spec, char ***keys, struct sk_error **err)
{
	_cleanup_free_ char *s = xstrdup(spec);
	char *slash = strchr(s, '/');
	const char *proto = "";
	if (slash) {
		*slash = '\0';
		proto = slash + 1;
	}
	int r = docker_port_range(spec, s, err);
	if (r < 0)
		return r;
	if (slash && strchr(proto, '/'))
		return sk_err_invalid(
			err, "invalid expose format - protocol can only be specified once");
	uint16_t start = 0;
	unsigned len = 0;
	r = parse_range(s, &start, &len, "", err);
	if (r < 0)
		return r;
	char norm[8] = "tcp";
	_cleanup_free_ char *lower = NULL;
	if (*proto && !protocol_norm(proto, norm, &lower)) {
		_cleanup_free_ char *q = go_quote(lower);
		return sk_err_invalid(err,
				      "validating protocols for exposed port %u: unrecognized "
				      "protocol %s in port mapping",
				      start, q);
	}
	if (streq(norm, "sctp"))
		return sk_err_invalid(err,
				      "validating protocols for exposed port %u: protocol SCTP is "
				      "not allowed for exposed ports",
				      start);
	for (unsigned i = 0; i < len; i++) {
		_cleanup_free_ char *key = xasprintf("%u/%s", start + i, norm);
		if (!strv_contains(*keys, key))
			strv_push(keys, key);
	}
	return 0;
}

int net_port_key_parse(const char *key, uint16_t *ret_port, char ret_proto[8])
{
	_cleanup_free_ char *s = xstrdup(key);
	char *slash = strchr(s, '/');
	const char *proto = "tcp";
	if (slash) {
		*slash = '\0';
		proto = slash + 1;
	}
	uint16_t port = 0;
	if (parse_uint16(s, &port, NULL, "") < 0 || port == 0)
		return -EINVAL;
	if (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))
		return -EINVAL;
	*ret_port = port;
	memcpy(ret_proto, proto, strlen(proto) + 1);
	return 0;
}

int net_port_filter_parse(const char *spec, uint16_t *ret_port, char ret_proto[8],
			  struct sk_error **err)
{
	_cleanup_free_ char *s = xstrdup(spec);
	char *slash = strchr(s, '/');
	const char *proto = "tcp";
	if (slash) {
		if (strchr(slash + 1, '/'))
			return sk_err_invalid(
				err, "port formats are port/protocol. '%s' is invalid", spec);
		*slash = '\0';
		proto = slash + 1;
	}
	uint16_t port = 0;
	int r = parse_uint16(s, &port, err, "");
	if (r < 0)
		return r;
	*ret_port = port;
	/* an unknown protocol is no error: it just matches nothing, as in podman */
	snprintf(ret_proto, 8, "%s", strlen(proto) < 8 ? proto : "?");
	return 0;
}

void net_ports_publish_all(const json_t *exposed, struct net_port **ports, size_t *n)
{
	const char *key;
	json_t *v;
	json_object_foreach ((json_t *)exposed, key, v) {
		struct net_port p = { 0 };
		if (net_port_key_parse(key, &p.container_port, p.protocol) < 0)
			continue;
		bool published = false;
		for (size_t i = 0; i < *n && !published; i++)
			published = (*ports)[i].container_port == p.container_port &&
				    streq((*ports)[i].protocol, p.protocol);
		if (!published) {
			*ports = xreallocarray(*ports, *n + 1, sizeof(**ports));
			ports_add(*ports, n, *n, &p);
		}
	}
}

static int port_cmp(const void *a, const void *b)
{
	const struct net_port *x = a, *y = b;
	int c = strcmp(x->protocol, y->protocol);
	if (!c)
		c = strcmp(x->host_ip, y->host_ip);
	if (!c)
		c = (int)x->host_port - (int)y->host_port;
	if (!c)
		c = (int)x->container_port - (int)y->container_port;
	return c;
}

int net_ports_check(const struct net_port *ports, size_t n, struct sk_error **err)
{
	if (n < 2)
		return 0;
	/* sorted, the mappings of one host address/port/protocol are neighbours */
	_cleanup_free_ struct net_port *s = xreallocarray(NULL, n, sizeof(*s));
	memcpy(s, ports, n * sizeof(*s));
	qsort(s, n, sizeof(*s), port_cmp);
	for (size_t i = 1; i < n; i++) {
		const struct net_port *a = &s[i - 1], *b = &s[i];
		if (b->host_port && a->host_port == b->host_port && streq(a->host_ip, b->host_ip) &&
		    streq(a->protocol, b->protocol) && a->container_port != b->container_port)
			return sk_error_set(err, SK_ERR_INVALID, EINVAL,
					    "conflicting port mappings for host port %u (protocol "
					    "%s)",
					    b->host_port, b->protocol);
	}
	return 0;
}
