/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pods (DESIGN.md "pod/"): a named group of containers sharing namespaces through an infra
 * container, which holds them open by running selkie-pause from an image selkie makes itself
 * (pod/infra-image.h). The pod's record is state/pods.h; its settings document (`config`):
 *   { "Hostname": s, "SharedNamespaces": [s], "CreateInfra": b, "InfraImage": s,
 *     "CreateCommand": [s], "InfraConfig": { "PortBindings": {...}, "Networks": [s],
 *     "DNSServer": [s]|null, "HostAdd": [s]|null } }
 * Members are containers whose record names the pod (state_container.pod_id); they join the
 * infra container's namespaces as "container:<infra id>" modes.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "ctr/ctr.h"
#include "state/pods.h"
#include "util/error.h"

/* Kernel namespaces a pod's containers can share. */
enum {
	POD_SHARE_NET = 1u << 0,
	POD_SHARE_UTS = 1u << 1,
	POD_SHARE_PID = 1u << 2,
	POD_SHARE_IPC = 1u << 3,
	POD_SHARE_CGROUP = 1u << 4,
};
#define POD_SHARE_DEFAULT (POD_SHARE_NET | POD_SHARE_UTS | POD_SHARE_IPC)

/* --share as podman reads it: a comma list of cgroup, ipc, net, pid, uts, or "none"; a
 * leading "+" adds to the default set. NULL or "": the default. */
int pod_share_parse(const char *s, unsigned *ret, struct sk_error **err);
/* The names podman's inspect lists, in its order (net, uts, pid, ipc, cgroup). */
char **pod_share_names(unsigned share);
unsigned pod_share_from_config(const json_t *config);

struct pod_create_opts {
	const char *name; /* NULL: a generated one */
	bool infra;
	const char *infra_image; /* NULL: selkie's own pause image, made on first use */
	const char *infra_name;	 /* NULL: "<id:12>-infra" */
	char *const *publish;
	const char *share; /* NULL: the default (and no complaint without an infra) */
	const char *hostname;
	char *const *networks;
	char *const *labels;
	char *const *add_host;
	char *const *dns;
	const char *userns;	     /* --userns for the infra container, which the others join */
	char *const *create_command; /* shown by inspect */
};

/* Make the pod and (with o->infra) its infra container, created but not started. Nothing is
 * left behind on failure. */
int pod_create(struct ctr_ctx *x, const struct pod_create_opts *o, struct state_pod **ret,
	       struct sk_error **err);

/* A pod with its containers (records brought up to date, oldest first) and settings. */
struct pod_info {
	struct state_pod *pod;
	struct state_container **ctrs;
	json_t *config;
};
void pod_info_free(struct pod_info *p);
DEFINE_CLEANUP_FUNC(struct pod_info *, pod_info_free)
#define _cleanup_pod_info_ _cleanup_(pod_info_freep)
void pod_info_list_free(struct pod_info **list);
DEFINE_CLEANUP_FUNC(struct pod_info **, pod_info_list_free)
#define _cleanup_pod_info_list_ _cleanup_(pod_info_list_freep)

/* By name, ID or ID prefix; NOTFOUND "no pod with name or ID x found: no such pod". */
int pod_lookup(struct ctr_ctx *x, const char *name_or_id, struct pod_info **ret,
	       struct sk_error **err);
/* Every pod, newest first. */
int pod_list(struct ctr_ctx *x, struct pod_info ***ret, struct sk_error **err);
/* The infra container among p's containers, or NULL. */
struct state_container *pod_infra(const struct pod_info *p);

/* The pod's status as podman computes it from its containers' states: "Created", "Running",
 * "Degraded" (some running), "Paused", "Exited" (all stopped), "Stopped" (some stopped, none
 * running), "Error". */
const char *pod_status_compute(const enum state_ctr_status *states, size_t n);
const char *pod_status(const struct pod_info *p);

/* Lifecycle, over every container of the pod; the infra container starts first and stops
 * last. Each goes on past a container that fails and returns the first error. */
int pod_start(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err);
/* timeout: seconds before SIGKILL, -1 for each container's own. */
int pod_stop(struct ctr_ctx *x, struct pod_info *p, int timeout, struct sk_error **err);
int pod_restart(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err);
int pod_kill(struct ctr_ctx *x, struct pod_info *p, int signo, struct sk_error **err);
int pod_pause(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err);
int pod_unpause(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err);
/* Remove the pod and its containers. Without force a pod with running containers (other than
 * the infra) is refused in podman's words and nothing is removed. */
int pod_remove(struct ctr_ctx *x, struct pod_info *p, bool force, int timeout,
	       struct sk_error **err);
/* Remove every pod whose containers all stopped ("Exited" or "Stopped"); the removed IDs. */
int pod_prune(struct ctr_ctx *x, char ***ret_ids, struct sk_error **err);

/* podman's `pod inspect` object. */
json_t *pod_inspect_json(const struct pod_info *p);
