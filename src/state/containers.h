/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container records in the state database. A container's settings are one JSON document
 * (`config`, written by ctr/ at create time and never changed after); the columns hold what
 * listing, filtering and the lifecycle read and write without parsing it.
 *
 * A row in STATE_CTR_CONFIGURED is a container still being made: its creator holds the
 * container's lock; a later command that finds such a row with the lock free removes it (the
 * creator was killed). Such rows are never shown to users.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/db.h"

enum state_ctr_status {
	STATE_CTR_CONFIGURED,
	STATE_CTR_CREATED,
	STATE_CTR_RUNNING,
	STATE_CTR_PAUSED,
	STATE_CTR_STOPPING, /* stop sent, the monitor has not reported the exit yet */
	STATE_CTR_EXITED,
	STATE_CTR_REMOVING,
	_STATE_CTR_STATUS_MAX,
	_STATE_CTR_STATUS_INVALID = -22,
};

/* podman's words: "configured", "created", "running", "paused", "stopping", "exited",
 * "removing". */
const char *state_ctr_status_to_string(enum state_ctr_status s);
enum state_ctr_status state_ctr_status_from_string(const char *s);

struct state_container {
	char *id; /* 64 hex */
	char *name;
	char *image_id;
	char *image_name; /* as the user named it, normalized ("registry/repo:tag") */
	char *command;	  /* the command line shown by ps (entrypoint + cmd joined) */
	int64_t created;  /* ns since the epoch */
	enum state_ctr_status state;
	char *config; /* the settings document (JSON), see ctr/ctr-config.h */
	char *labels; /* compact JSON object or NULL */
	int pid;      /* the container's init on the host, 0 when not running */
	int monitor_pid;
	uint64_t monitor_start; /* the monitor's start time (clock ticks, /proc/PID/stat field
				   22), so a reused PID is not taken for the monitor */
	int exit_code;
	bool oom_killed;
	int64_t started_at;
	int64_t finished_at;
	int restart_count;
	bool stopped_by_user; /* stop/kill by a user: restart policies do not apply */
	char *health_status;  /* "", "starting", "healthy", "unhealthy" */
	int health_failing_streak;
	char *health_log; /* JSON array of the last results, or NULL */
	char *pod_id;
};

/* The columns of the running state, written together by the lifecycle. */
struct state_ctr_runtime {
	enum state_ctr_status state;
	int pid;
	int monitor_pid;
	uint64_t monitor_start;
	int exit_code;
	bool oom_killed;
	int64_t started_at;
	int64_t finished_at;
	int restart_count;
	bool stopped_by_user;
};

void state_container_free(struct state_container *c);
DEFINE_CLEANUP_FUNC(struct state_container *, state_container_free)
#define _cleanup_state_container_ _cleanup_(state_container_freep)
void state_container_list_free(struct state_container **list);
DEFINE_CLEANUP_FUNC(struct state_container **, state_container_list_free)
#define _cleanup_state_container_list_ _cleanup_(state_container_list_freep)

/* Insert a new container; EXISTS when the name is taken ("the container name "x" is already in
 * use by <id>. You have to remove that container to be able to reuse that name: that name is
 * already in use" — podman's words). */
int state_container_insert(struct state_db *db, const struct state_container *c,
			   struct sk_error **err);
/* By full ID; -ENOENT (NOTFOUND) when none. */
int state_container_get(struct state_db *db, const char *id, struct state_container **ret,
			struct sk_error **err);
/* By full ID, exact name, or unique ID prefix, as podman resolves them; CONFIGURED rows are not
 * found. NOTFOUND: "no container with name or ID "x" found: no such container"; an ambiguous
 * prefix is INVALID ("more than one result for container ID x: ..."). */
int state_container_lookup(struct state_db *db, const char *name_or_id,
			   struct state_container **ret, struct sk_error **err);
/* Every container (CONFIGURED ones only when include_configured), newest first. */
int state_container_list(struct state_db *db, bool include_configured,
			 struct state_container ***ret, struct sk_error **err);
/* Write the runtime columns. */
int state_container_runtime_set(struct state_db *db, const char *id,
				const struct state_ctr_runtime *rt, struct sk_error **err);
/* Read the runtime columns of c into rt. */
void state_container_runtime_get(const struct state_container *c, struct state_ctr_runtime *rt);
int state_container_state_set(struct state_db *db, const char *id, enum state_ctr_status s,
			      struct sk_error **err);
int state_container_health_set(struct state_db *db, const char *id, const char *status,
			       int failing_streak, const char *log_json, struct sk_error **err);
int state_container_rename(struct state_db *db, const char *id, const char *new_name,
			   struct sk_error **err);
/* Remove the row (and its volume references). */
int state_container_delete(struct state_db *db, const char *id, struct sk_error **err);
/* Replace the settings document (a random host port, once chosen, is kept). */
int state_container_config_set(struct state_db *db, const char *id, const char *config,
			       struct sk_error **err);
/* IDs of the containers (any state) made from image_id. */
int state_container_ids_by_image(struct state_db *db, const char *image_id, char ***ret,
				 struct sk_error **err);

/* Volume references: which container uses which named volume at which destination. */
int state_container_volume_add(struct state_db *db, const char *ctr_id, const char *volume,
			       const char *destination, struct sk_error **err);
/* The volume names a container uses (in destination order). */
int state_container_volumes(struct state_db *db, const char *ctr_id, char ***ret,
			    struct sk_error **err);
/* IDs of the containers using a volume. */
int state_volume_users(struct state_db *db, const char *volume, char ***ret, struct sk_error **err);
