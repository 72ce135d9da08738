/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by net/slirp.c and net/pasta.c: starting a long-lived network helper process. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "net/ports.h"
#include "util/error.h"

struct net_helper_spawn {
	const char *prog;
	char *const *argv;
	int fd3, fd4;	   /* given to the helper as fds 3 and 4; -1 = none */
	int log_fd;	   /* its stderr, and its stdout unless quiet_stdout; stdin is /dev/null */
	bool quiet_stdout; /* stdout to /dev/null (slirp4netns prints its usage there) */
	bool private_mounts; /* run it in a new mount namespace with every mount private */
	const char *cwd;     /* its working directory; NULL: ours */
};

/* fork + exec in a new session with default signals; every other fd of ours is closed in the
 * helper. Returns -errno (the exec's, too) and leaves no child behind on failure. */
int net_helper_spawn(const struct net_helper_spawn *s, pid_t *ret_pid);
/* Wait for a child to exit, at most timeout_ms: 0 with its wait status, -ETIMEDOUT. */
int net_helper_wait(pid_t pid, int timeout_ms, int *ret_status);
/* The last line of the log worth showing (pasta's "Failed to send N bytes to syslog" noise
 * skipped), or NULL when there is none. */
char *net_helper_log_tail(int log_fd);

/* Bind p's host port as the helper would (same privileges, same namespaces): 0 when that works,
 * else an error in rootless podman's words: SK_ERR_EXISTS "listen tcp 0.0.0.0:8080: bind:
 * address already in use", or "cannot expose privileged port 80, you can add
 * 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or choose a
 * larger port number (>= 1024): listen tcp 0.0.0.0:80: bind: permission denied". */
int net_helper_port_probe(const struct net_port *p, struct sk_error **err);

/* slirp4netns and pasta open /dev/net/tun: a clear error when this user can't (a host without
 * udev leaves it 0600). */
int net_tun_check(struct sk_error **err);
