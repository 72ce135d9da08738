/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless networking through pasta (passt's namespace mode, `--network pasta`): the
 * container's namespace gets a copy of the host's address, routes and MTU (--config-net),
 * and published ports are forwarded by pasta itself (so the caller must not also reserve them
 * with net_ports_bind()). As podman does, nothing else is forwarded: -t/-u default to none
 * and -T/-U (namespace to host) to none, and the gateway is not mapped to the host
 * (--no-map-gw) unless the user's options say otherwise.
 *
 * pasta has no exit fd: it forks into the background once ready and exits by itself when the
 * namespace file is deleted (net_netns_remove(); it notices within a second or two), or when
 * net_helper_stop() (net/slirp.h) stops it. The background pasta is not the caller's child.
 *
 * As real root (not in a user namespace), this pasta drops to "nobody" and then cannot join
 * the namespace: pass "--runas", "0" in args there.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "net/ports.h"
#include "util/error.h"

#define NET_PASTA_START_TIMEOUT_MS 10000

struct net_pasta_opts {
	const char *netns_path; /* the container's namespace file (nsfs bind mount) */
	const char *pid_file;	/* where pasta writes its pid (caller's run dir); removed after */
	char *const *args;	/* the user's pasta options (net_pasta_opts_parse()), or NULL */
	const struct net_port *ports; /* host_port must be set; tcp or udp; host_ip "" or an */
	size_t n_ports;		      /* address of the host (IPv4 or IPv6) */
};

struct net_pasta {
	pid_t pid; /* the background pasta */
};

/* "pasta:--mtu,1500,-T,8000" (or without "pasta:") into a strv of options, commas split;
 * "pasta" alone gives an empty one. Never NULL. */
char **net_pasta_opts_parse(const char *s);

/* argv for prog (pure, for the unit tests): --config-net --quiet, the user's options, one
 * -t/-u per port ("[ADDR/]HOSTPORT:CTRPORT"), the podman defaults, --pid, --netns. */
int net_pasta_argv_build(const char *prog, const struct net_pasta_opts *o, char ***ret,
			 struct sk_error **err);

/* Run pasta for o->netns_path and wait (at most 10 s) until it is in the background. A failure
 * is "pasta failed with exit code 1: <pasta's last line>" and leaves nothing running. */
int net_pasta_start(const struct net_pasta_opts *o, struct net_pasta *ret, struct sk_error **err);
