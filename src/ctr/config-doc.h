/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's settings document: what `create` decided, stored as the container's
 * `config` and read by `start` and `inspect`. Its shape follows the docker/podman inspect
 * document so that inspect mostly copies it:
 *
 *   {"Config": {Hostname, User, Env, Cmd, Entrypoint, WorkingDir, Labels, Annotations,
 *               StopSignal (number), StopTimeout, Tty, OpenStdin, Volumes, Healthcheck
 *               {Test, Interval, Timeout, StartPeriod, Retries (ns)}, ExposedPorts, Image},
 *    "HostConfig": {Binds, Tmpfs, NetworkMode, IpcMode, PidMode, UTSMode, CgroupnsMode,
 *               RestartPolicy{Name, MaximumRetryCount}, AutoRemove, Privileged,
 *               ReadonlyRootfs, CapAdd, CapDrop, SecurityOpt, GroupAdd, Sysctls, Ulimits,
 *               Devices, Memory, MemorySwap, MemoryReservation, NanoCpus, CpuShares, CpuPeriod,
 *               CpuQuota, CpusetCpus, CpusetMems, PidsLimit, OomScoreAdj, ShmSize,
 *               LogConfig{Type, Config, Path}, Init, CgroupParent},
 *    "Mounts": [{Type, Name, Source, Destination, Options, RW, Anonymous}],
 *    "Selkie": {NoNewPrivileges, Seccomp ("", "unconfined" or a file), MaskPaths,
 *               UnmaskPaths, LabelDisable, DetachKeys, SigProxy, HealthcheckOnFailure}}
 */
#pragma once

#include <jansson.h>

#include "ctr/create.h"
#include "util/error.h"

/* Validate the flags and build the document. image_config is the image's config blob (with
 * its "config" member), command the words after the image. Volume names are not checked here. */
int ctr_config_doc_build(const struct ctr_create_opts *o, const char *id, const char *image_ref,
			 const json_t *image_config, char *const *command, json_t **ret,
			 struct sk_error **err);

/* The HostConfig part (ctr/config-host.c). */
/* The networking settings (ctr/config-net.c): NetworkMode, Selkie.Networks, ports, DNS. */
int ctr_config_net_build(const struct ctr_create_opts *o, json_t *doc, struct sk_error **err);
int ctr_config_host_build(const struct ctr_create_opts *o, json_t *host, struct sk_error **err);

/* Restart policies. */
enum ctr_restart {
	CTR_RESTART_NO,
	CTR_RESTART_ON_FAILURE,
	CTR_RESTART_ALWAYS,
	CTR_RESTART_UNLESS_STOPPED,
	_CTR_RESTART_MAX,
	_CTR_RESTART_INVALID = -22,
};
/* "no", "on-failure[:N]", "always", "unless-stopped" (podman's wording for errors). */
int ctr_restart_parse(const char *s, enum ctr_restart *ret_policy, int *ret_max,
		      struct sk_error **err);
const char *ctr_restart_to_string(enum ctr_restart r);

/* The command line the container runs: Entrypoint + Cmd. */
char **ctr_config_args(const json_t *doc);
/* The ps "COMMAND" text: args joined by spaces. */
char *ctr_config_command_text(const json_t *doc);
