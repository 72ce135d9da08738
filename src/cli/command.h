/* SPDX-License-Identifier: Apache-2.0 */
/* The command table (STYLE.md "Commands"): one row per command, groups recurse. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct cli_ctx;

enum cli_opt_type {
	CLI_OPT_BOOL,	  /* bool; --x, --x=true|false */
	CLI_OPT_STRING,	  /* char *; last one wins */
	CLI_OPT_STRV,	  /* char **; repeatable */
	CLI_OPT_STRV_CSV, /* char **; repeatable, and each value is split at commas */
	CLI_OPT_INT,	  /* int */
	CLI_OPT_UINT,	  /* unsigned int */
	_CLI_OPT_TYPE_MAX,
};

#define CLI_OPT_HIDDEN (1u << 0)
#define CLI_OPT_DEFAULT_TRUE (1u << 1) /* a bool that starts true (--human=false) */

struct cli_option {
	const char *long_name;
	char short_name;
	enum cli_opt_type type;
	size_t offset; /* into the command's opts struct */
	const char *help;
	const char *default_text; /* shown as (default ...) in help */
	unsigned flags;
};

#define CLI_OPTIONS_END                                                                            \
	{                                                                                          \
		NULL, 0, 0, 0, NULL, NULL, 0                                                       \
	}

/* Flags telling main() what a command needs prepared. */
enum {
	CLI_CMD_HIDDEN = 1u << 0,
	CLI_CMD_STOP_AT_ARG = 1u << 1, /* options end at the first argument (run, exec) */
	CLI_CMD_NO_STORE = 1u << 2,    /* does not touch the store (help, version, login) */
};

typedef int (*cli_handler_fn)(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct cli_command {
	const char *name;
	const char *const *aliases; /* NULL-terminated, or NULL */
	cli_handler_fn handler;	    /* NULL for a pure group */
	unsigned flags;
	int min_args;
	int max_args;	   /* -1: unlimited */
	const char *usage; /* after the command path: "[options] IMAGE [IMAGE...]" */
	const char *summary;
	const char *description; /* longer text, may be NULL */
	const char *examples;	 /* may be NULL */
	const struct cli_option *options;
	size_t opts_size;
	const struct cli_command *subcommands; /* terminated by a row with name NULL */
	/* For aliases like "images" that run another command's handler with its options. */
	const struct cli_command *same_as;
};

#define CLI_COMMANDS_END                                                                           \
	{                                                                                          \
		.name = NULL                                                                       \
	}
#define ALIASES(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct cli_command *cli_root_command(void);
