/* SPDX-License-Identifier: Apache-2.0 */
/* Commands on a container's file system: cp, diff, export, commit (rows in
 * commands-container-fs.c). */
#pragma once

#include <stdbool.h>

#include "cli/context.h"

struct cp_opts {
	bool archive;
	bool follow_link;
	bool overwrite;
};
int cmd_cp(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct diff_opts {
	char *format;
	bool latest;
};
/* `diff` (a container or an image) and `container diff` (containers only). */
int cmd_diff(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_container_diff(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct export_opts {
	char *output;
};
int cmd_export(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct commit_opts {
	char *author;
	char **changes;
	char *format;
	char *iidfile;
	bool include_volumes;
	char *message;
	bool pause;
	bool quiet;
};
int cmd_commit(struct cli_ctx *ctx, void *opts, int argc, char **argv);
