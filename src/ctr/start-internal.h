/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces of start, sync and cleanup shared inside ctr/. */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctr/ctr.h"
#include "ctr/spec-build.h"

/* ctr_start() with the lock held and the record in sync. */
int ctr_start_locked(struct ctr_ctx *x, struct state_container *c,
		     const struct ctr_start_hooks *hooks, struct sk_error **err);
/* ctr_sync() with the container's lock held. */
int ctr_sync_locked(struct ctr_ctx *x, struct state_container *c, struct sk_error **err);
/* Write monitor.json and spawn the monitor, which creates the container. */
int ctr_monitor_launch(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
		       const int *keep_fds, size_t n_keep_fds, pid_t *ret_pid,
		       pid_t *ret_monitor_pid, struct sk_error **err);
/* Undo what start took: the runtime's state (with runtime_state), rootfs mount, volume
 * mounts, network namespace. Best effort; safe to repeat. */
void ctr_release_resources(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			   bool runtime_state);
/* Kill a monitor of this container that no record knows of (its spawner was killed before it
 * wrote the monitor down), so that a new one can take over. Not our own parent: the exit
 * command runs as the monitor's child. */
void ctr_stale_monitor_kill(struct ctr_ctx *x, const char *id, int recorded_pid);
/* /proc/PID/stat start time, 0 when the process is gone. */
uint64_t ctr_proc_start_time(pid_t pid);
/* Is the monitor recorded in c still that process? */
bool ctr_monitor_alive(const struct state_container *c);
/* Create the working directory in the rootfs when the image lacks it (as podman does). */
int ctr_workdir_ensure(const json_t *doc, const char *rootfs, const struct ctr_user *user,
		       struct sk_error **err);
/* --init: run the command under selkie's init (bind-mounted at /run/selkie-init). */
int ctr_init_wrap(struct ctr_ctx *x, const json_t *doc, struct ctr_start_resolved *rs,
		  struct sk_error **err);
/* Remove the container's directories (graph and run root). */
void ctr_files_remove(struct ctr_ctx *x, const char *id);
