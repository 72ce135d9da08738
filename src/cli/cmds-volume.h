/* SPDX-License-Identifier: Apache-2.0 */
/* The `volume` group's handlers and their options structs (rows in commands.c). */
#pragma once

#include <stdbool.h>

#include "cli/context.h"

struct volume_create_opts {
	char *driver;
	bool ignore;
	char **labels;
	char **opts;
};
int cmd_volume_create(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct volume_ls_opts {
	char **filters;
	char *format;
	bool noheading;
	bool quiet;
};
int cmd_volume_ls(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct volume_inspect_opts {
	bool all;
	char *format;
};
int cmd_volume_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct volume_rm_opts {
	bool all;
	bool force;
	char *time; /* seconds to wait for running users to stop (with force) */
};
int cmd_volume_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct volume_prune_opts {
	char **filters;
	bool force;
};
int cmd_volume_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_volume_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv);
