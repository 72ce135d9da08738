/* SPDX-License-Identifier: Apache-2.0 */
/* The `pod` group's handlers and their options structs (rows in commands-pod.c). */
#pragma once

#include <stdbool.h>

#include "cli/context.h"

struct pod_create_cli_opts {
	char *name;
	bool infra; /* default true */
	char *infra_image;
	char *infra_name;
	char **publish;
	char *share;
	char *hostname;
	char **networks;
	char **labels;
	char **add_host;
	char **dns;
	char *userns;
};
int cmd_pod_create(struct cli_ctx *ctx, void *opts, int argc, char **argv);

/* start, pause, unpause, restart */
struct pod_act_opts {
	bool all;
	bool latest;
};
int cmd_pod_start(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_pod_pause(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_pod_unpause(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_pod_restart(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_stop_opts {
	bool all;
	bool latest;
	bool ignore;
	char *time; /* NULL: each container's own timeout */
};
int cmd_pod_stop(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_kill_opts {
	bool all;
	bool latest;
	char *signal;
};
int cmd_pod_kill(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_rm_opts {
	bool all;
	bool latest;
	bool force;
	bool ignore;
	char *time;
};
int cmd_pod_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_prune_opts {
	bool force;
};
int cmd_pod_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_ps_opts {
	char **filters;
	char *format;
	char *sort;
	bool ctr_names;
	bool ctr_ids;
	bool ctr_status;
	bool latest;
	bool namespace;
	bool noheading;
	bool no_trunc;
	bool quiet;
};
int cmd_pod_ps(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_inspect_opts {
	char *format;
	bool latest;
};
int cmd_pod_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_pod_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_logs_opts {
	char *container;
	bool follow;
	bool latest;
	bool names;
	char *since;
	char *tail;
	bool timestamps;
	char *until;
};
int cmd_pod_logs(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_top_opts {
	bool latest;
};
int cmd_pod_top(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pod_stats_opts {
	bool all;
	char *format;
	bool latest;
	bool no_reset;
	bool no_stream;
	bool noheading;
};
int cmd_pod_stats(struct cli_ctx *ctx, void *opts, int argc, char **argv);
