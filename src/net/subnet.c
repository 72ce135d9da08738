/* SPDX-License-Identifier: Apache-2.0 */
#include "net/subnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util/macro.h"
#include "util/parse.h"
#include "util/xalloc.h"

static int ip_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

int net_ip_parse(const char *s, struct net_ip *ret)
{
	struct net_ip ip = { 0 };
	if (isempty(s))
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip.addr) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, s, ip.addr) == 1)
		ip.family = AF_INET6;
	else
		return -EINVAL;
	*ret = ip;
	return 0;
}

void net_ip_format(const struct net_ip *ip, char out[NET_IP_STRLEN])
{
	if (!inet_ntop(ip->family, ip->addr, out, NET_IP_STRLEN))
		out[0] = '\0';
}

bool net_ip_equal(const struct net_ip *a, const struct net_ip *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

int net_cidr_parse(const char *s, struct net_cidr *ret)
{
	if (isempty(s))
		return -EINVAL;
	const char *slash = strchr(s, '/');
	if (!slash || slash == s)
		return -EINVAL;
	_cleanup_free_ char *addr = xstrndup(s, (size_t)(slash - s));
	struct net_cidr c = { 0 };
	if (net_ip_parse(addr, &c.ip) < 0)
		return -EINVAL;
	/* Only plain decimal digits: "/+8", "/ 8" and "/08x" are not prefixes. */
	const char *p = slash + 1;
	if (*p < '0' || *p > '9' || strlen(p) > 3)
		return -EINVAL;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -EINVAL;
	int prefix = 0;
	if (parse_int(p, &prefix) < 0 || prefix < 0 || prefix > ip_bits(c.ip.family))
		return -EINVAL;
	c.prefix = prefix;
	*ret = c;
	return 0;
}

void net_cidr_format(const struct net_cidr *c, char out[NET_IP_STRLEN + 4])
{
	char ip[NET_IP_STRLEN];
	net_ip_format(&c->ip, ip);
	snprintf(out, NET_IP_STRLEN + 4, "%s/%d", ip, c->prefix);
}

/* Clear every bit from position prefix on. */
static void mask_bits(uint8_t *addr, int bits, int prefix)
{
	for (int i = 0; i < bits / 8; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

void net_cidr_masked(const struct net_cidr *c, struct net_cidr *ret)
{
	struct net_cidr m = *c;
	mask_bits(m.ip.addr, ip_bits(c->ip.family), c->prefix);
	*ret = m;
}

/* Do a and b agree on their first prefix bits? */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

bool net_cidr_contains(const struct net_cidr *c, const struct net_ip *ip)
{
	return c->ip.family == ip->family && prefix_equal(c->ip.addr, ip->addr, c->prefix);
}

bool net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b)
{
	return a->ip.family == b->ip.family &&
	       prefix_equal(a->ip.addr, b->ip.addr, MIN(a->prefix, b->prefix));
}

uint64_t net_cidr_size(const struct net_cidr *c)
{
	int host = ip_bits(c->ip.family) - c->prefix;
	return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

/* The low 64 bits of the address as a number, and where they start in addr. */
static uint64_t low64(const struct net_ip *ip)
{
	int off = ip->family == AF_INET ? 0 : 8, len = ip->family == AF_INET ? 4 : 8;
	uint64_t v = 0;
	for (int i = 0; i < len; i++)
		v = (v << 8) | ip->addr[off + i];
	return v;
}

static void set_low64(struct net_ip *ip, uint64_t v)
{
	int off = ip->family == AF_INET ? 0 : 8, len = ip->family == AF_INET ? 4 : 8;
	for (int i = len - 1; i >= 0; i--) {
		ip->addr[off + i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

int net_cidr_nth(const struct net_cidr *c, uint64_t n, struct net_ip *ret)
{
	int host = ip_bits(c->ip.family) - c->prefix;
	if (host < 64 && n >= ((uint64_t)1 << host))
		return -ERANGE;
	struct net_cidr m;
	net_cidr_masked(c, &m);
	/* The host part fits in the low 64 bits whenever n can reach it: OR it in. */
	struct net_ip ip = m.ip;
	set_low64(&ip, low64(&m.ip) | n);
	*ret = ip;
	return 0;
}

int net_cidr_offset(const struct net_cidr *c, const struct net_ip *ip, uint64_t *ret)
{
	if (!net_cidr_contains(c, ip))
		return -ERANGE;
	int host = ip_bits(c->ip.family) - c->prefix;
	if (host > 64) {
		/* The offset fits only if the upper 64 bits are those of the network. */
		struct net_cidr m;
		net_cidr_masked(c, &m);
		if (memcmp(ip->addr, m.ip.addr, 8) != 0)
			return -ERANGE;
	}
	uint64_t v = low64(ip);
	*ret = host >= 64 ? v : v & (((uint64_t)1 << host) - 1);
	return 0;
}
