/* SPDX-License-Identifier: Apache-2.0 */
/* Declarative options → getopt_long, and their rendering in help. */
#pragma once

#include <stdio.h>

#include "cli/command.h"
#include "util/error.h"

/* The global flags, accepted before the command and after it (podman's persistent flags). */
struct cli_global {
	char *root;
	char *runroot;
	char *storage_driver;
	char **storage_opts;
	char *log_level;
	char *runtime;
	char *registries_conf;
	char *cgroup_manager;
	char *events_backend;
	bool version;
	bool help;
};

const struct cli_option *cli_global_options(void);

/*
 * Parse argv[0..argc) (argv[0] is the command name) into opts and the global flags. Returns the
 * index of the first positional argument; the positionals are permuted to the end unless
 * stop_at_arg. On error sets *err with podman's wording ("unknown flag: --x").
 */
int cli_options_parse(const struct cli_option *options, void *opts, struct cli_global *global,
		      bool stop_at_arg, int argc, char **argv, struct sk_error **err);
void cli_options_free(const struct cli_option *options, void *opts);
void cli_global_free(struct cli_global *g);
/* "Options:" block lines for help, aligned as cobra aligns them. */
void cli_options_print_help(const struct cli_option *options, FILE *out);
