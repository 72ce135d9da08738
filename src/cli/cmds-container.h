/* SPDX-License-Identifier: Apache-2.0 */
/* Container command handlers and their options (table rows in commands-container.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "cli/context.h"
#include "ctr/create.h"

/* create and run share every container flag. */
struct run_opts {
	struct ctr_create_opts c;
	bool detach;
};
int cmd_create(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_run(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct start_opts {
	bool attach;
	bool interactive;
	char *detach_keys;
	bool sig_proxy;
};
int cmd_start(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct attach_opts {
	char *detach_keys;
	bool no_stdin;
	bool sig_proxy;
	bool latest;
};
int cmd_attach(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct ps_opts {
	bool all;
	bool quiet;
	bool latest;
	bool no_trunc;
	bool size;
	bool noheading;
	bool external;
	bool namespace;
	bool pod;
	int last;
	char *sort;
	char *format;
	char **filters;
};
int cmd_ps(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct stop_opts {
	char *time;
	bool all;
	bool ignore;
	bool latest;
	char **cidfiles;
};
int cmd_stop(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct restart_opts {
	char *time;
	bool all;
	bool running;
	bool latest;
};
int cmd_restart(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct kill_opts {
	char *signal;
	bool all;
	bool latest;
	char **cidfiles;
};
int cmd_kill(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct rm_opts {
	bool force;
	bool all;
	bool volumes;
	bool ignore;
	bool depend;
	bool latest;
	char *time;
	char **cidfiles;
};
int cmd_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct wait_opts {
	char **conditions;
	char *interval;
	bool latest;
	bool ignore;
};
int cmd_wait(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pause_opts {
	bool all;
	bool latest;
};
int cmd_pause(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_unpause(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_rename(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_container_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct container_prune_opts {
	bool force;
	char **filters;
};
int cmd_container_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct cleanup_opts {
	bool rm;
	bool all;
};
int cmd_container_cleanup(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_container_monitor(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct logs_opts {
	bool follow;
	bool timestamps;
	bool names;
	bool latest;
	char *since;
	char *until;
	char *tail;
};
int cmd_logs(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct container_inspect_opts {
	char *format;
	bool size;
	bool latest;
};
int cmd_container_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);
/* `inspect` of one name: a container's document when it is one (0), 1 when no container has
 * that name, < 0 on error. */
int cli_container_inspect_json(struct cli_ctx *ctx, const char *name, bool size, json_t **ret,
			       struct sk_error **err);

struct exec_opts {
	bool detach;
	char **env;
	char **env_file;
	bool interactive;
	bool tty;
	char *user;
	char *workdir;
	bool privileged;
	bool latest;
	char *detach_keys;
};
int cmd_exec(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct stats_opts {
	bool all;
	bool latest;
	bool no_stream;
	bool no_reset;
	bool no_trunc;
	bool noheading;
	char *format;
	int interval;
};
int cmd_stats(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct top_opts {
	bool latest;
};
int cmd_top(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_healthcheck_run(struct cli_ctx *ctx, void *opts, int argc, char **argv);
