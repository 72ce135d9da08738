/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container lifecycle (DESIGN.md "ctr/"): create, start, stop, kill, remove, wait and the
 * cleanup that follows an exit. The CLI and the API call these; they take a context that says
 * where things live and how to re-invoke selkie for the monitor and its exit command.
 *
 * On disk, per container:
 *   <graph>/containers/<id>/diff, work, merged   the writable layer and the rootfs mount
 *   <graph>/containers/<id>/userdata/            bundle: config.json, hosts, hostname,
 *                                                resolv.conf, ctr.log
 *   <run>/containers/<id>/                       lock, monitor.json, attach, exit, pidfile
 *   <run>/netns/<id>                             the private network namespace (bind mount)
 * Lifecycle operations on one container hold <run>/containers/<id>/lock (flock).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/containers.h"
#include "store/store.h"
#include "util/error.h"

struct ctr_ctx {
	struct store *store;
	const char *graph_root;
	const char *run_root;
	const char *self_exe;	     /* the selkie binary, for the monitor and exit command */
	char *const *global_args;    /* global flags to repeat for them (--root R --runroot R) */
	const char *runtime;	     /* --runtime: NULL for the host's default */
	const char *cgroup_manager;  /* "cgroupfs" (NULL: cgroupfs); systemd is not supported yet */
	const char *registries_conf; /* for pulls */
	/* Told about every lifecycle event (create, init, start, died, cleanup, remove, ...):
	 * the fronts write the events log. May be NULL. */
	void (*event)(void *userdata, const struct state_container *c, const char *action,
		      char *const *attributes);
	void *event_userdata;
};

/* Per-container paths. All allocated. */
char *ctr_dir(const struct ctr_ctx *x, const char *id);		 /* <graph>/containers/<id> */
char *ctr_userdata_dir(const struct ctr_ctx *x, const char *id); /* .../userdata */
char *ctr_rootfs_dir(const struct ctr_ctx *x, const char *id);	 /* .../merged */
char *ctr_run_dir(const struct ctr_ctx *x, const char *id);	 /* <run>/containers/<id> */
char *ctr_netns_path(const struct ctr_ctx *x, const char *id);	 /* <run>/netns/<id> */

/* Take the container's lifecycle lock; the fd is the lock. */
int ctr_lock(const struct ctr_ctx *x, const char *id, int *ret_fd, struct sk_error **err);

/*
 * Find a container by name, ID or ID prefix and bring its recorded state up to date first: a
 * container whose monitor reported an exit (or died without reporting one) is cleaned up and
 * shown as exited, a half-made one whose creator is gone is removed.
 */
int ctr_lookup(struct ctr_ctx *x, const char *name_or_id, struct state_container **ret,
	       struct sk_error **err);
/* Every container, states brought up to date, newest first. */
int ctr_list(struct ctr_ctx *x, struct state_container ***ret, struct sk_error **err);
/* Bring one record up to date (see ctr_lookup); c is updated in place. */
int ctr_sync(struct ctr_ctx *x, struct state_container *c, struct sk_error **err);

/* Start a created or exited container: mount, spec, monitor, runtime start. With
 * before_start, the runtime's start waits until the callback returned 0 (attach first). */
struct ctr_start_hooks {
	int (*before_start)(void *userdata, const struct state_container *c, struct sk_error **err);
	void *userdata;
};
int ctr_start(struct ctr_ctx *x, struct state_container *c, const struct ctr_start_hooks *hooks,
	      struct sk_error **err);

/* Send a signal through the runtime (the container's init). */
int ctr_kill(struct ctr_ctx *x, struct state_container *c, int signo, struct sk_error **err);
/* The stop signal, then SIGKILL after timeout seconds (-1: the container's StopTimeout). */
int ctr_stop(struct ctr_ctx *x, struct state_container *c, int timeout, struct sk_error **err);
int ctr_pause(struct ctr_ctx *x, struct state_container *c, struct sk_error **err);
int ctr_unpause(struct ctr_ctx *x, struct state_container *c, struct sk_error **err);

/* Wait until the container is no longer running (or, per conditions, reaches one of the listed
 * states: "running", "exited", "stopped", "created", "paused", "healthy", "unhealthy"); returns
 * its exit code in *ret_code (-1 when it was removed meanwhile). */
int ctr_wait(struct ctr_ctx *x, const char *id, char *const *conditions, int *ret_code,
	     struct sk_error **err);

/* Remove; a running container only with force (stopped first, timeout as ctr_stop). volumes:
 * remove the anonymous volumes it used. */
int ctr_remove(struct ctr_ctx *x, struct state_container *c, bool force, bool volumes, int timeout,
	       struct sk_error **err);

/* What the monitor's exit command runs: record the exit, unmount, release what start took,
 * apply the restart policy or --rm. */
int ctr_cleanup(struct ctr_ctx *x, const char *name_or_id, struct sk_error **err);

/* Container status as podman's ps shows it: "Up 3 seconds", "Exited (0) 2 minutes ago",
 * "Created", "Paused", ... (allocated). */
char *ctr_status_text(const struct state_container *c, int64_t now_ns);
/* Is the container's process alive per the record (running, paused or stopping)? */
bool ctr_is_active(const struct state_container *c);
