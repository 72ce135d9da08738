/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports: `-p [hostIP:][hostPort[-end]:]ctrPort[-end][/tcp|udp|sctp]`, `--expose`,
 * `-P` (every exposed port on a random host port), reservation of the host ports (the monitor
 * holds bound sockets for the container's lifetime, as podman's conmon does, so a port in use
 * fails early and clearly), and the docker-shaped JSON stored in the container's settings.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <stddef.h>

#include "util/error.h"

struct net_port {
	char host_ip[48];	 /* "" = every address; IPv6 without brackets */
	uint16_t host_port;	 /* 0 = a random free port (assigned at start) */
	uint16_t container_port;
	char protocol[8];	 /* "tcp", "udp", "sctp" */
};

/* Parse one -p spec, appending one entry per port of a range to *ports / *n. Errors use
 * podman's wording. */
int net_port_parse(const char *spec, struct net_port **ports, size_t *n, struct sk_error **err);
/* One --expose spec ("80", "80/udp", "8000-8010/tcp") into "80/tcp"-style keys appended to
 * *keys (a strv). */
int net_expose_parse(const char *spec, char ***keys, struct sk_error **err);
/* -P: every key of exposed ({"80/tcp":{}, ...}) not already published, on a random port. */
void net_ports_publish_all(const json_t *exposed, struct net_port **ports, size_t *n);
/* Duplicate host port/protocol/address pairs: "... port X is already used by ..." */
int net_ports_check(const struct net_port *ports, size_t n, struct sk_error **err);

/* Bind every port (0 → a free one, written back), returning the bound sockets (O_CLOEXEC
 * cleared by the caller for the monitor to inherit). A port in use: SK_ERR_EXISTS
 * "cannot listen on the TCP port: listen tcp4 0.0.0.0:8080: bind: address already in use". */
int net_ports_bind(struct net_port *ports, size_t n, int **fds, size_t *n_fds,
		   struct sk_error **err);

/* docker's HostConfig.PortBindings / NetworkSettings.Ports shape:
 * {"80/tcp":[{"HostIp":"","HostPort":"8080"}]} (HostPort "" = random). */
json_t *net_ports_to_json(const struct net_port *ports, size_t n);
int net_ports_from_json(const json_t *j, struct net_port **ports, size_t *n,
			struct sk_error **err);
/* `port` output lines: "80/tcp -> 0.0.0.0:8080" (all, or only those of ctr_port_filter,
 * which is "80" or "80/tcp"). Returns a strv. */
char **net_ports_format(const struct net_port *ports, size_t n, const char *ctr_port_filter);
