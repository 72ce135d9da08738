/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless networking through slirp4netns (podman's default before 5.0): one slirp4netns
 * process per container network namespace gives it a tap0 with 10.0.2.100 (the subnet's
 * +100), a gateway that is the host (+2, reachable only with allow_host_loopback) and a DNS
 * forwarder (+3). Published ports are added through slirp4netns's API socket (add_hostfwd),
 * so slirp4netns itself listens on the host ports: the caller must not reserve them with
 * net_ports_bind() as well.
 *
 * slirp4netns stays alive until a poll event on its exit fd: the caller hands the write end
 * (ret->exit_fd) to the container's monitor, which keeps it open for the container's life;
 * when the monitor exits, slirp4netns sees EOF and exits too.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/ports.h"
#include "net/subnet.h"
#include "util/error.h"

#define NET_SLIRP_DEFAULT_CIDR "10.0.2.0/24"
#define NET_SLIRP_DEFAULT_MTU 65520U
#define NET_SLIRP_MAX_MTU 65521U
/* How long net_slirp_start() waits for slirp4netns's ready fd. */
#define NET_SLIRP_READY_TIMEOUT_MS 10000

struct net_slirp_opts {
	const char *netns_path;	      /* the container's namespace file (nsfs bind mount) */
	const char *api_socket;	      /* unix socket path for the API (NULL: none, if no ports) */
	char cidr[NET_IP_STRLEN + 4]; /* IPv4 "10.5.0.0/24"; "" = 10.0.2.0/24 */
	unsigned mtu;		      /* 0 = 65520 */
	bool allow_host_loopback;     /* else --disable-host-loopback */
	bool enable_ipv6;	      /* --enable-ipv6 (fd00::/64) */
	char outbound_addr[NET_IP_STRLEN];  /* IPv4 or interface name; "" = none */
	char outbound_addr6[NET_IP_STRLEN]; /* IPv6 or interface name; "" = none */
	const struct net_port *ports;	    /* host_port must be set (not 0); tcp or udp; */
	size_t n_ports;			    /* host_ip "" (every address) or IPv4 */
	bool keep_running; /* no exit fd (ret->exit_fd = -1): runs until net_helper_stop() */
	/* where the slirp4netns binary's --help is kept between runs (NULL: asked every time) */
	const char *features_cache;
};

/* A running slirp4netns: the caller's child until the caller exits (reap or let init do it). */
struct net_slirp {
	pid_t pid;
	int exit_fd; /* write end of the exit pipe, O_CLOEXEC: the only copy anywhere; -1 with
		      * keep_running */
};

/* What the container sees, for its /etc/resolv.conf and /etc/hosts. */
struct net_slirp_addrs {
	char subnet[NET_IP_STRLEN + 4]; /* "10.0.2.0/24" (host bits cleared) */
	char ip[NET_IP_STRLEN];		/* +100: "10.0.2.100" */
	char gateway[NET_IP_STRLEN];	/* +2: the host, "10.0.2.2" */
	char dns[NET_IP_STRLEN];	/* +3: slirp4netns's forwarder, "10.0.2.3" */
	char dns6[NET_IP_STRLEN];	/* with enable_ipv6: "fd00::3" */
};

/* Which of the optional flags this slirp4netns knows, from its --help. */
struct net_slirp_features {
	bool mtu, cidr, disable_host_loopback, enable_sandbox, enable_seccomp, enable_ipv6,
		outbound_addr, netns_type;
};

/*
 * podman's --network option string, "slirp4netns:allow_host_loopback=true,mtu=1500,
 * cidr=10.5.0.0/24,enable_ipv6=true,outbound_addr=eth0,port_handler=slirp4netns" (also without
 * the "slirp4netns:" prefix). Only the options given are changed in *o. Errors are podman's:
 * `unknown option for slirp4netns: "foo=1"`, `invalid mtu "12"`, `invalid cidr "x"`.
 * port_handler=rootlesskit is accepted, but ports are always forwarded by slirp4netns.
 */
int net_slirp_opts_parse(const char *s, struct net_slirp_opts *o, struct sk_error **err);

/* The container side of cidr (NULL or "" = 10.0.2.0/24). -EINVAL for a bad or non-IPv4 cidr,
 * -ERANGE when the subnet is too small to hold +100. Pure. */
int net_slirp_addrs_get(const char *cidr, struct net_slirp_addrs *ret);

/* Start slirp4netns for o->netns_path, wait until it is ready (at most 10 s) and add every
 * port. On failure nothing is left running: a port in use is SK_ERR_EXISTS "listen tcp
 * 0.0.0.0:8080: bind: address already in use", a privileged one (as rootless) "cannot expose
 * privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to
 * /etc/sysctl.conf (currently 1024), or choose a larger port number (>= 1024): listen tcp
 * 0.0.0.0:80: bind: permission denied"; an early exit reports slirp4netns's last line. */
int net_slirp_start(const struct net_slirp_opts *o, struct net_slirp *ret, struct sk_error **err);

/* Forward one more port through the API socket of a running slirp4netns to guest_addr (what
 * net_slirp_start() does for each of its ports, with the same errors). *ret_id (if ret_id is
 * given) is slirp4netns's id of the forward, for net_slirp_port_remove(). */
int net_slirp_port_add(const char *api_socket, const struct net_port *p, const char *guest_addr,
		       int *ret_id, struct sk_error **err);
int net_slirp_port_remove(const char *api_socket, int id, struct sk_error **err);

/* Stop a slirp4netns or pasta that serves netns_path (checked through /proc, so a reused pid
 * is left alone): SIGTERM, then SIGKILL after a second. A process already gone is no error. */
int net_helper_stop(pid_t pid, const char *netns_path, struct sk_error **err);

/* The pure parts, for the unit tests. */
void net_slirp_features_parse(const char *help, struct net_slirp_features *ret);
/* argv for prog with the ready fd on 3 and the exit fd on 4 (none with keep_running); an
 * option this slirp4netns can't do is an error ("cidr not supported", podman's words). */
int net_slirp_argv_build(const char *prog, const struct net_slirp_opts *o,
			 const struct net_slirp_features *f, char ***ret, struct sk_error **err);
/* {"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"0.0.0.0",...}} */
char *net_slirp_hostfwd_request(const struct net_port *p, const char *guest_addr);
/* {"execute":"remove_hostfwd","arguments":{"id":3}} */
char *net_slirp_hostfwd_remove_request(int id);
/* 0 for {"return":...} (*ret_id: its "id", -1 without one); -EIO with the reply's error
 * description in *ret_desc (allocated) for {"error":{"desc":"..."}}; -EBADMSG (and a reason)
 * for anything else. Both out-params may be NULL. */
int net_slirp_reply_check(const char *reply, int *ret_id, char **ret_desc);

/* Rootless: each port (host_port set) as slirp4netns or pasta would bind it, with rootless
 * podman's errors ("cannot expose privileged port 80, ..."); 0 when they all can be. */
int net_user_ports_probe(const struct net_port *ports, size_t n, struct sk_error **err);
