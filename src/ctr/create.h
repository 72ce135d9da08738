/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `create` (and the first half of `run`): the flags as the user gave them, validated and turned
 * into the container's settings document (stored as the container's `config`, see
 * ctr/config-doc.h), then a container record, its writable layer and its volumes.
 *
 * Numbers stay strings here so that errors quote the user's text as podman does.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "ctr/ctr.h"
#include "image/pull.h"
#include "util/error.h"

struct ctr_create_opts {
	char *name;
	char *hostname;
	char *workdir;
	char *user;
	char **group_add;
	char *entrypoint; /* a word or a JSON array; "" clears the image's */
	char **env;
	char **env_file;
	bool env_host;
	char **labels;
	char **label_files;
	char **annotations;
	char **volumes;
	char **mounts;
	char **tmpfs;
	bool read_only;
	bool init;
	char *init_path;
	char *stop_signal;
	char *stop_timeout;
	char *restart;
	bool interactive;
	bool tty;
	char **attach;
	bool rm;
	char *pull;
	bool privileged;
	char **cap_add;
	char **cap_drop;
	char **security_opt;
	char **sysctl;
	char **ulimit;
	char **device;
	char *memory;
	char *memory_swap;
	char *memory_reservation;
	char *cpus;
	char *cpu_shares;
	char *cpu_period;
	char *cpu_quota;
	char *cpuset_cpus;
	char *cpuset_mems;
	char *pids_limit;
	char *oom_score_adj;
	char *shm_size;
	char *ipc;
	char *pid;
	char *uts;
	char *health_cmd;
	char *health_interval;
	char *health_retries;
	char *health_start_period;
	char *health_timeout;
	bool no_healthcheck;
	char *log_driver;
	char **log_opt;
	/* Networking (see net/). --network values as given (each may hold a comma list);
	 * none: the default network. */
	char **networks;
	char *ip;
	char *mac_address;
	char **network_alias;
	char **dns;
	char **dns_search;
	char **dns_option;
	char **add_host;
	bool no_hosts;
	char **publish;
	bool publish_all;
	char **expose;
	/* --pod as given; the pod layer resolves it into pod_id and the infra container's
	 * namespaces (network "container:<infra>", ipc, uts) before ctr_create. */
	char *pod;
	char *pod_id;
	char *cgroup_parent;
	char *cgroupns;
	/* --userns as given (NULL: host), --uidmap/--gidmap values, --subuidname/--subgidname
	 * (ctr/userns-map.h) */
	char *userns;
	char **uidmap;
	char **gidmap;
	char *subuidname;
	char *subgidname;
	char *cidfile;
	char *detach_keys;
	bool sig_proxy; /* default true */
	char *platform;
	bool quiet; /* no pull progress */
};

/* Create a container from image with command (may be empty: the image's Cmd); returns the
 * record (state created). A missing image is pulled per o->pull ("missing", "always", "never",
 * "newer"), with progress to pull (may be NULL). Nothing is left behind on failure. */
int ctr_create(struct ctr_ctx *x, const struct ctr_create_opts *o, const char *image,
	       char *const *command, const struct image_pull_progress *pull,
	       struct state_container **ret, struct sk_error **err);
