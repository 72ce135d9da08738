/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named volume records in the state database (the `volumes` table). Which container uses which
 * volume is in `container_volumes` (state/containers.h: state_container_volume_add(),
 * state_volume_users()); a reference there keeps the volume's row from being deleted.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "state/db.h"

struct state_volume {
	char *name;
	char *driver;	  /* "local" */
	char *mountpoint; /* <graph>/volumes/<name>/_data */
	int64_t created;  /* ns since the epoch */
	char *labels;	  /* compact JSON object text, NULL for none */
	char *options;	  /* compact JSON object text (podman's Options map), NULL for none */
	bool anonymous;
	bool needs_copy_up; /* not used by a container yet: the first one populates it */
	int uid;	    /* owner given at creation (-o o=uid=N), -1 when none */
	int gid;
};

void state_volume_free(struct state_volume *v);
DEFINE_CLEANUP_FUNC(struct state_volume *, state_volume_free)
#define _cleanup_state_volume_ _cleanup_(state_volume_freep)
void state_volume_list_free(struct state_volume **list);
DEFINE_CLEANUP_FUNC(struct state_volume **, state_volume_list_free)
#define _cleanup_state_volume_list_ _cleanup_(state_volume_list_freep)

/* Insert a new volume; EXISTS "volume with name X already exists: volume already exists". */
int state_volume_insert(struct state_db *db, const struct state_volume *v, struct sk_error **err);
/* NOTFOUND "no volume with name "X" found: no such volume". */
int state_volume_get(struct state_db *db, const char *name, struct state_volume **ret,
		     struct sk_error **err);
/* Every volume, sorted by name (podman lists them in that order). */
int state_volume_list(struct state_db *db, struct state_volume ***ret, struct sk_error **err);
/* Delete the row: NOTFOUND when there is none, INUSE ("volume is being used") while a
 * container references it. */
int state_volume_delete(struct state_db *db, const char *name, struct sk_error **err);
int state_volume_set_needs_copy_up(struct state_db *db, const char *name, bool needs_copy_up,
				   struct sk_error **err);
/* Names of the volumes at least one container uses, sorted. */
int state_volume_names_in_use(struct state_db *db, char ***ret, struct sk_error **err);
