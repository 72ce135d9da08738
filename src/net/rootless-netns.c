/* SPDX-License-Identifier: Apache-2.0 */
#include "net/rootless-netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "net/netns.h"
#include "net/slirp.h"
#include "state/networks.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static char *rl_path(const struct net_env *e, const char *what)
{
	return xasprintf("%s/networks/rootless-netns%s", e->run_root, what);
}

char *net_rootless_claim_root(const struct net_env *e)
{
	return xasprintf("%s/networks/ipam", e->run_root);
}

static bool is_nsfs(const char *path)
{
	struct statfs st;
	return statfs(path, &st) == 0 && st.f_type == NSFS_MAGIC;
}

static pid_t slirp_pid(const struct net_env *e)
{
	_cleanup_free_ char *pidfile = rl_path(e, ".pid");
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(pidfile, 64, &text, NULL) < 0)
		return 0;
	long pid = strtol(text, NULL, 10);
	return pid > 0 && kill((pid_t)pid, 0) == 0 ? (pid_t)pid : 0;
}

/* Everything of an earlier namespace (a killed command's leftovers included). */
static void ns_destroy(const struct net_env *e)
{
	_cleanup_free_ char *path = rl_path(e, "");
	_cleanup_free_ char *pidfile = rl_path(e, ".pid");
	_cleanup_free_ char *api = rl_path(e, ".sock");
	pid_t pid = slirp_pid(e);
	if (pid > 0)
		net_helper_stop(pid, path, NULL);
	net_netns_remove(path, NULL);
	unlink(pidfile);
	unlink(api);
	_cleanup_free_ char *ports = xasprintf("%s/networks/rootless-ports", e->run_root);
	fs_rm_rf(ports);
	_cleanup_free_ char *claims = net_rootless_claim_root(e);
	fs_rm_rf(claims);
}

static int write_sysctl(const char *path, const char *value)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd_write_all(fd, value, strlen(value));
}

static int forwarding_on(void *arg, struct sk_error **err)
{
	(void)arg;
	int r = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
	if (r < 0)
		return sk_err_system(err, -r,
				     "enable forwarding in the rootless network namespace: %s",
				     strerror(-r));
	return 0;
}

static int ns_run_in(const char *path, int (*fn)(void *arg, struct sk_error **err), void *arg,
		     struct sk_error **err);

/* Called with the exclusive lock. */
static int ns_create(const struct net_env *e, struct sk_error **err)
{
	_cleanup_free_ char *path = rl_path(e, "");
	if (is_nsfs(path) && slirp_pid(e) > 0)
		return 0;
	ns_destroy(e);
	int r = net_netns_create(path, err);
	if (r < 0)
		return r;
	/* Containers' traffic is routed through it: forwarding on, inside only. */
	r = ns_run_in(path, forwarding_on, NULL, err);
	if (r < 0) {
		ns_destroy(e);
		return r;
	}
	_cleanup_free_ char *api = rl_path(e, ".sock");
	_cleanup_free_ char *features = xasprintf("%s/slirp4netns.features", e->run_root);
	struct net_slirp_opts so = { .netns_path = path,
				     .api_socket = api,
				     .keep_running = true,
				     .features_cache = features };
	struct net_slirp sl;
	r = net_slirp_start(&so, &sl, err);
	if (r < 0) {
		ns_destroy(e);
		return sk_error_wrap(err, "rootless network namespace");
	}
	if (sl.exit_fd >= 0)
		close(sl.exit_fd);
	_cleanup_free_ char *pidfile = rl_path(e, ".pid");
	char text[32];
	int len = snprintf(text, sizeof(text), "%d\n", (int)sl.pid);
	r = fs_write_atomic(pidfile, text, (size_t)len, 0600);
	if (r < 0) {
		ns_destroy(e);
		return sk_err_system(err, -r, "write %s: %s", pidfile, strerror(-r));
	}
	return 0;
}

struct ns_job {
	const char *path;
	int (*fn)(void *arg, struct sk_error **err);
	void *arg;
	int r;
	struct sk_error *err;
};

/* A thread of its own: once in a namespace of the user's, it can't go back to the host's
 * (owned by the initial user namespace), so it ends there. */
static void *ns_thread(void *arg)
{
	struct ns_job *j = arg;
	_cleanup_close_ int target = open(j->path, O_RDONLY | O_CLOEXEC);
	if (target < 0 || setns(target, CLONE_NEWNET) < 0) {
		j->r = sk_err_system(&j->err, errno, "enter the rootless network namespace %s: %m",
				     j->path);
		return NULL;
	}
	j->r = j->fn(j->arg, &j->err);
	return NULL;
}

static int ns_run_in(const char *path, int (*fn)(void *arg, struct sk_error **err), void *arg,
		     struct sk_error **err)
{
	struct ns_job j = { .path = path, .fn = fn, .arg = arg };
	pthread_t th;
	int e = pthread_create(&th, NULL, ns_thread, &j);
	if (e != 0)
		return sk_err_system(err, e, "pthread_create: %s", strerror(e));
	pthread_join(th, NULL);
	if (j.r < 0) {
		if (err)
			*err = TAKE_PTR(j.err);
		sk_error_free(j.err);
	}
	return j.r;
}

int net_rootless_ns_run(const struct net_env *e, bool create,
			int (*fn)(void *arg, struct sk_error **err), void *arg,
			struct sk_error **err)
{
	if (!e->rootless)
		return fn(arg, err);
	_cleanup_free_ char *path = rl_path(e, "");
	_cleanup_free_ char *lock_path = rl_path(e, ".lock");
	int r = fs_mkdir_parents(lock_path, 0700);
	if (r < 0)
		return sk_err_system(err, -r, "create %s: %s", lock_path, strerror(-r));
	_cleanup_close_ int lock = lock_file_take(lock_path, false, false);
	if (lock < 0)
		return sk_err_system(err, -lock, "lock %s: %s", lock_path, strerror(-lock));
	if (!is_nsfs(path) || slirp_pid(e) <= 0) {
		if (!create)
			return 0; /* nothing was ever set up there */
		/* exclusive to make it, then back to shared for the work inside */
		if (flock(lock, LOCK_EX) < 0)
			return sk_err_system(err, errno, "lock %s: %m", lock_path);
		r = ns_create(e, err);
		if (r < 0)
			return r;
		if (flock(lock, LOCK_SH) < 0)
			return sk_err_system(err, errno, "lock %s: %m", lock_path);
	}
	return ns_run_in(path, fn, arg, err);
}

void net_rootless_ns_drop_if_unused(const struct net_env *e)
{
	if (!e->rootless)
		return;
	struct state_net_attachment *left = NULL;
	size_t n_left = 0;
	if (state_net_attachments(e->db, NULL, NULL, &left, &n_left, NULL) < 0)
		return;
	state_net_attachments_free(left, n_left);
	if (n_left > 0)
		return;
	_cleanup_free_ char *lock_path = rl_path(e, ".lock");
	_cleanup_close_ int lock = open(lock_path, O_RDONLY | O_CLOEXEC);
	/* someone inside (setting up, most likely) wins: the last one out drops it */
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
		return;
	if (state_net_attachments(e->db, NULL, NULL, &left, &n_left, NULL) < 0)
		return;
	state_net_attachments_free(left, n_left);
	if (n_left == 0)
		ns_destroy(e);
}

static char *ports_file(const struct net_env *e, const char *ctr_id)
{
	return xasprintf("%s/networks/rootless-ports/%s", e->run_root, ctr_id);
}

void net_rootless_ports_remove(const struct net_env *e, const char *ctr_id)
{
	if (!e->rootless)
		return;
	_cleanup_free_ char *file = ports_file(e, ctr_id);
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(file, 1 << 20, &text, NULL) < 0)
		return;
	_cleanup_free_ char *api = rl_path(e, ".sock");
	_cleanup_strv_free_ char **ids = strv_split(text, "\n", true);
	STRV_FOREACH (id, ids)
		net_slirp_port_remove(api, (int)strtol(*id, NULL, 10), NULL);
	unlink(file);
}

int net_rootless_ports_add(const struct net_env *e, const char *ctr_id,
			   const struct net_port *ports, size_t n, struct sk_error **err)
{
	if (!e->rootless || n == 0)
		return 0;
	_cleanup_free_ char *file = ports_file(e, ctr_id);
	int r = fs_mkdir_parents(file, 0700);
	if (r < 0)
		return sk_err_system(err, -r, "create %s: %s", file, strerror(-r));
	_cleanup_free_ char *api = rl_path(e, ".sock");
	struct net_slirp_addrs a;
	net_slirp_addrs_get(NULL, &a);
	struct strbuf ids = STRBUF_INIT;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		/* to the namespace's own address on the same port: DNAT does the rest */
		struct net_port p = ports[i];
		p.container_port = p.host_port;
		int id;
		r = net_slirp_port_add(api, &p, a.ip, &id, err);
		if (r >= 0) {
			strbuf_addf(&ids, "%d\n", id);
			/* recorded at once: a kill between two ports leaves nothing unknown */
			r = fs_write_atomic(file, ids.buf, ids.len, 0600);
			if (r < 0)
				r = sk_err_system(err, -r, "write %s: %s", file, strerror(-r));
		}
	}
	strbuf_release(&ids);
	if (r < 0)
		net_rootless_ports_remove(e, ctr_id);
	return r;
}
