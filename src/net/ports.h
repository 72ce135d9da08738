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
	char host_ip[48];   /* "" = every address; IPv6 without brackets */
	uint16_t host_port; /* 0 = a random free port (assigned at start) */
	uint16_t container_port;
	char protocol[8]; /* "tcp", "udp", "sctp" */
};

/* Parse one -p spec, appending one entry per port of a range to *ports / *n. Errors use
 * podman's wording. An entry equal to one already in *ports is not added again. */
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
 * "cannot listen on the TCP port: listen tcp4 :8080: bind: address already in use" (podman's
 * text: every address shows as ":8080", IPv6 as "tcp6 [::1]:8080"). All or nothing: on failure
 * nothing stays bound and *ports is unchanged. SCTP ports are not reserved (podman warns the
 * same), so *n_fds can be less than n. */
int net_ports_bind(struct net_port *ports, size_t n, int **fds, size_t *n_fds,
		   struct sk_error **err);

/* docker's HostConfig.PortBindings / NetworkSettings.Ports shape:
 * {"80/tcp":[{"HostIp":"","HostPort":"8080"}]} (HostPort "" = random). */
json_t *net_ports_to_json(const struct net_port *ports, size_t n);
/* Appends to *ports / *n (nothing on error); a null value (exposed, not published) is skipped. */
int net_ports_from_json(const json_t *j, struct net_port **ports, size_t *n, struct sk_error **err);
/* `port` output lines: "80/tcp -> 0.0.0.0:8080" (all, or only those of ctr_port_filter,
 * which is "80" or "80/tcp", as "0.0.0.0:8080"). Returns a strv, never NULL, maybe empty. */
char **net_ports_format(const struct net_port *ports, size_t n, const char *ctr_port_filter);

/* The `port` command's PRIVATE_PORT[/PROTO] ("80" means 80/tcp), with podman's errors
 * (`strconv.ParseUint: parsing "abc": invalid syntax`). An unknown protocol is no error:
 * it matches nothing. */
int net_port_filter_parse(const char *spec, uint16_t *ret_port, char ret_proto[8],
			  struct sk_error **err);
/* An ExposedPorts / PortBindings key ("80/tcp", "53/udp", "80") into its parts; -EINVAL. */
int net_port_key_parse(const char *key, uint16_t *ret_port, char ret_proto[8]);
/* A host address as podman stores it: "" for every address (also "0.0.0.0"), else the
 * canonical text ("::ffff:1.2.3.4" → "1.2.3.4", "2001:DB8::1" → "2001:db8::1"); -EINVAL. */
int net_port_host_ip_parse(const char *s, char out[48]);
