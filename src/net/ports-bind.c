/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reserving published host ports, as podman's conmon does: the firewall's DNAT means these
 * sockets never see a packet; they exist so that nobody else (another container, a host
 * service) can take the port while the container runs, and so a taken port fails at start.
 */
#include "net/ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"
#include "util/macro.h"
#include "util/xalloc.h"

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static int port_sockaddr(const struct net_port *p, union sockaddr_any *sa, socklen_t *len)
{
	memset(sa, 0, sizeof(*sa));
	if (strchr(p->host_ip, ':')) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(p->host_port);
		*len = sizeof(sa->in6);
		return inet_pton(AF_INET6, p->host_ip, &sa->in6.sin6_addr) == 1 ? 0 : -EINVAL;
	}
	sa->in.sin_family = AF_INET;
	sa->in.sin_port = htons(p->host_port);
	*len = sizeof(sa->in);
	if (!p->host_ip[0])
		return 0;
	return inet_pton(AF_INET, p->host_ip, &sa->in.sin_addr) == 1 ? 0 : -EINVAL;
}

/* Bind one socket; on failure *step names the call that failed (Go's error has it). */
static int bind_one(const struct net_port *p, const union sockaddr_any *sa, socklen_t len,
		    const char **step)
{
	bool tcp = streq(p->protocol, "tcp");
	*step = "socket";
	_cleanup_close_ int fd =
		socket(sa->sa.sa_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	/* Go's tcp6 listeners are v6-only: [::]:80 leaves 0.0.0.0:80 to someone else */
	if (sa->sa.sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return -errno;
	/* As Go's listeners: a port with connections in TIME_WAIT can still be reserved. Only
	 * the listen() below makes the reservation exclusive against other SO_REUSEADDR
	 * sockets. */
	if (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return -errno;
	*step = "bind";
	if (bind(fd, &sa->sa, len) < 0)
		return -errno;
	*step = "listen";
	/* nobody accepts: a connection that gets past the DNAT waits in a backlog of one */
	if (tcp && listen(fd, 1) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* "cannot listen on the TCP port: listen tcp4 :8080: bind: address already in use" */
static int bind_error(const struct net_port *p, const char *step, int r, struct sk_error **err)
{
	bool v6 = strchr(p->host_ip, ':') != NULL;
	bool tcp = streq(p->protocol, "tcp");
	return sk_error_set(err, r == -EADDRINUSE ? SK_ERR_EXISTS : SK_ERR_SYSTEM, r,
			    "cannot listen on the %s port: listen %s%s %s%s%s:%u: %s: %s",
			    tcp ? "TCP" : "UDP", tcp ? "tcp" : "udp", v6 ? "6" : "4", v6 ? "[" : "",
			    p->host_ip, v6 ? "]" : "", p->host_port, step, strerror_go(-r));
}

static void fds_close(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

/* One socket for p, its port (the kernel's pick for 0) in *ret_port. Returns the fd. */
static int port_reserve(const struct net_port *p, uint16_t *ret_port, struct sk_error **err)
{
	union sockaddr_any sa;
	socklen_t len = 0;
	if (port_sockaddr(p, &sa, &len) < 0)
		return sk_err_invalid(err, "cannot resolve the %s address: '%s'",
				      streq(p->protocol, "tcp") ? "TCP" : "UDP", p->host_ip);
	const char *step = NULL;
	_cleanup_close_ int fd = bind_one(p, &sa, len, &step);
	if (fd < 0)
		return bind_error(p, step, fd, err);
	union sockaddr_any got;
	socklen_t glen = sizeof(got);
	if (getsockname(fd, &got.sa, &glen) < 0)
		return sk_err_system(err, errno, "read the bound port: %s", strerror_go(errno));
	*ret_port = ntohs(got.sa.sa_family == AF_INET6 ? got.in6.sin6_port : got.in.sin_port);
	return TAKE_FD(fd);
}

int net_ports_bind(struct net_port *ports, size_t n, int **fds, size_t *n_fds,
		   struct sk_error **err)
{
	int *out = xnew(int, n + 1);
	/* picked ports reach *ports only on success: all or nothing */
	_cleanup_free_ uint16_t *picked = xnew(uint16_t, n + 1);
	size_t k = 0;
	bool warned = false;
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		picked[i] = p->host_port;
		bool sctp = streq(p->protocol, "sctp");
		if (sctp && !warned)
			log_warn("port reservation for SCTP is not supported");
		warned |= sctp;
		if (sctp && p->host_port)
			continue;
		/* SCTP is not held, but a random port must still be chosen: one free for TCP */
		struct net_port probe = *p;
		if (sctp)
			memcpy(probe.protocol, "tcp", 4);
		int r = port_reserve(&probe, &picked[i], err);
		if (r < 0) {
			fds_close(out, k);
			return r;
		}
		if (sctp)
			close(r);
		else
			out[k++] = r;
	}
	for (size_t i = 0; i < n; i++)
		ports[i].host_port = picked[i];
	*fds = out;
	*n_fds = k;
	return 0;
}
