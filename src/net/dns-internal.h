/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parts of dns.c that touch only aardvark-dns's config files, never its process: the unit
 * test's seam. Callers hold the config dir's lock.
 *
 * aardvark-dns 1.4 format, one file per network, named after it:
 *   line 1:  the gateway IPs it listens on, comma-separated ("10.89.0.1,fd00::1")
 *   then:    "<container id> <ipv4s> <ipv6s> <names>" — single spaces, lists comma-separated,
 *            an empty list left empty ("<id> 10.89.0.2  web,alias")
 */
#pragma once

#include "net/dns.h"

/* <run_root>/networks/aardvark-dns */
char *net_dns_config_dir(const char *run_root);
/* Write or replace e's line in n's file. Returns 1 when written, 0 when n has no gateway to
 * serve DNS on (nothing written). */
int net_dns_file_add(const char *run_root, const struct net_network *n,
		     const struct net_dns_entry *e, struct sk_error **err);
/* Drop the container's line; the file goes with its last entry. A missing file or entry is not
 * an error. */
int net_dns_file_remove(const char *run_root, const char *network_name, const char *container_id,
			struct sk_error **err);
/* How many network files the config dir holds (the pid file is not one). -errno. */
int net_dns_files_count(const char *dir);
