/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod records in the state database (the `pods` table). A pod's settings are one JSON document
 * (`config`, written by pod/ at create time); its containers are the rows of `containers` whose
 * pod_id names it, the infra container among them.
 */
#pragma once

#include <stdint.h>

#include "state/db.h"

struct state_pod {
	char *id; /* 64 hex */
	char *name;
	int64_t created; /* ns since the epoch */
	char *infra_id;	 /* NULL without an infra container (or before it is made) */
	char *config;	 /* the settings document (JSON), see pod/pod.h */
	char *labels;	 /* compact JSON object or NULL */
};

void state_pod_free(struct state_pod *p);
DEFINE_CLEANUP_FUNC(struct state_pod *, state_pod_free)
#define _cleanup_state_pod_ _cleanup_(state_pod_freep)
void state_pod_list_free(struct state_pod **list);
DEFINE_CLEANUP_FUNC(struct state_pod **, state_pod_list_free)
#define _cleanup_state_pod_list_ _cleanup_(state_pod_list_freep)

/* Insert a new pod; EXISTS when the name is taken ("adding pod to state: name "x" is in use:
 * pod already exists" — podman's words). */
int state_pod_insert(struct state_db *db, const struct state_pod *p, struct sk_error **err);
/* By full ID, exact name, or unique ID prefix. NOTFOUND: "no pod with name or ID x found: no
 * such pod"; an ambiguous prefix is INVALID. */
int state_pod_lookup(struct state_db *db, const char *name_or_id, struct state_pod **ret,
		     struct sk_error **err);
/* Every pod, newest first. */
int state_pod_list(struct state_db *db, struct state_pod ***ret, struct sk_error **err);
int state_pod_infra_set(struct state_db *db, const char *id, const char *infra_id,
			struct sk_error **err);
/* Remove the row; NOTFOUND when there is none. */
int state_pod_delete(struct state_db *db, const char *id, struct sk_error **err);
/* IDs of the pod's containers (any state but half-made), oldest first. */
int state_pod_container_ids(struct state_db *db, const char *pod_id, char ***ret,
			    struct sk_error **err);
