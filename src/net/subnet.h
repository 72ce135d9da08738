/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP addresses and CIDR subnets as values: parsing, containment, overlap and "the n-th address
 * of a subnet", for network configs (net/network.c) and address allocation (net/ipam.c).
 * Pure functions, no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct net_ip {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
};

struct net_cidr {
	struct net_ip ip; /* as written (host bits may be set) */
	int prefix;
};

#define NET_IP_STRLEN 46 /* INET6_ADDRSTRLEN */

/* "10.1.2.3" or "fd00::1"; -EINVAL otherwise. */
int net_ip_parse(const char *s, struct net_ip *ret);
void net_ip_format(const struct net_ip *ip, char out[NET_IP_STRLEN]);
bool net_ip_equal(const struct net_ip *a, const struct net_ip *b);
/* "10.90.0.0/16"; -EINVAL for a bad address or a prefix out of range. */
int net_cidr_parse(const char *s, struct net_cidr *ret);
/* "10.90.0.0/16" (the address as stored) into out. */
void net_cidr_format(const struct net_cidr *c, char out[NET_IP_STRLEN + 4]);
/* The subnet with its host bits cleared. */
void net_cidr_masked(const struct net_cidr *c, struct net_cidr *ret);
bool net_cidr_contains(const struct net_cidr *c, const struct net_ip *ip);
bool net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b);
/* The n-th address of the subnet (n = 0 is the network address); -ERANGE past its end. */
int net_cidr_nth(const struct net_cidr *c, uint64_t n, struct net_ip *ret);
/* How many addresses the subnet has, capped at UINT64_MAX. */
uint64_t net_cidr_size(const struct net_cidr *c);
/* The offset of ip inside c (inverse of net_cidr_nth); -ERANGE when outside. */
int net_cidr_offset(const struct net_cidr *c, const struct net_ip *ip, uint64_t *ret);
