/* SPDX-License-Identifier: Apache-2.0 */
/* What a command handler gets: the global flags, and the store opened on first use. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "cli/command.h"
#include "cli/options.h"
#include "config/paths.h"
#include "util/error.h"

struct store;
struct cli_ctr_state;

struct cli_ctx {
	struct cli_global global;
	const struct cli_command *cmd;
	char *cmd_path; /* "selkie image ls": for help and error hints */
	struct config_paths paths;
	struct store *store;
	struct cli_ctr_state *ctr; /* cli/ctr-context.h */
	bool stdout_is_tty;
};

/* Open the store (and its database) if not open yet. */
int cli_ctx_store(struct cli_ctx *ctx, struct store **ret, struct sk_error **err);
/* Close the store (and what depends on it) but keep the paths. */
void cli_ctx_release_store(struct cli_ctx *ctx);
void cli_ctx_release(struct cli_ctx *ctx);

/* Print "Error: <msg>" and return the exit code for the error's category (125, 126, 127). */
int cli_fail(struct sk_error *err);
/* cli_fail(), then free *err and clear it (for loops that go on after an error). */
int cli_fail_take(struct sk_error **err);
/* Print "Error: <formatted>" and return 125. */
int cli_failf(const char *fmt, ...) _printf_(1, 2);
/* The exit code podman uses for an error category. */
int cli_exit_code(const struct sk_error *err);

#define EXIT_ENGINE 125
