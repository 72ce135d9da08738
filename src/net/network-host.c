/* SPDX-License-Identifier: Apache-2.0 */
/* What the host already uses: interface names (/sys/class/net) and routes (/proc/net), so a
 * new network's bridge and subnet do not collide with them, as podman checks. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/network-internal.h"
#include "util/fs.h"
#include "util/xalloc.h"

bool net_host_iface_exists(const char *name)
{
	if (isempty(name) || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
		return false;
	_cleanup_free_ char *p = path_join("/sys/class/net", name);
	return fs_exists(p);
}

static void routes_push(struct net_cidr **list, size_t *n, const struct net_cidr *c)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = *c;
}

/* /proc/net/route: "Iface Destination Gateway Flags ... Mask ..." with the addresses as the
 * kernel's network-order u32 printed in hex. */
static void routes_v4(struct net_cidr **list, size_t *n)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/net/route", "re");
	char line[512];
	if (!f || !fgets(line, sizeof(line), f))
		return;
	while (fgets(line, sizeof(line), f)) {
		char iface[64];
		unsigned dest, gw, flags, refcnt, use, metric, mask;
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt,
			   &use, &metric, &mask) != 8 ||
		    mask == 0)
			continue;
		struct net_cidr c = { .ip.family = AF_INET, .prefix = __builtin_popcount(mask) };
		uint32_t d = dest;
		memcpy(c.ip.addr, &d, 4);
		routes_push(list, n, &c);
	}
}

/* /proc/net/ipv6_route: "<dest 32 hex> <prefix hex> ...". */
static void routes_v6(struct net_cidr **list, size_t *n)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/net/ipv6_route", "re");
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		char hex[33];
		unsigned prefix;
		if (sscanf(line, "%32s %x", hex, &prefix) != 2 || strlen(hex) != 32 ||
		    prefix == 0 || prefix > 128)
			continue;
		struct net_cidr c = { .ip.family = AF_INET6, .prefix = (int)prefix };
		bool ok = true;
		for (int i = 0; i < 16 && ok; i++) {
			unsigned b;
			ok = sscanf(hex + 2 * i, "%2x", &b) == 1;
			c.ip.addr[i] = (uint8_t)b;
		}
		bool link_local = c.ip.addr[0] == 0xfe && (c.ip.addr[1] & 0xc0) == 0x80;
		if (ok && !link_local && c.ip.addr[0] != 0xff)
			routes_push(list, n, &c);
	}
}

void net_host_routes(struct net_cidr **ret, size_t *n)
{
	*ret = NULL;
	*n = 0;
	routes_v4(ret, n);
	routes_v6(ret, n);
}
