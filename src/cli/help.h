/* SPDX-License-Identifier: Apache-2.0 */
/* Help generated from the command table, and "did you mean" for typos. */
#pragma once

#include <stdio.h>

#include "cli/command.h"

/* path is the command path as typed ("selkie image"). */
void cli_help_print(const struct cli_command *cmd, const char *path, FILE *out);
/* Print podman's "unrecognized command" error with suggestions; returns the exit code. */
int cli_help_unknown_command(const struct cli_command *group, const char *path, const char *word);
/* Find a subcommand of group by name or alias. */
const struct cli_command *cli_command_find(const struct cli_command *group, const char *name);
/* Edit distance, for suggestions (exposed for unit tests). */
size_t cli_levenshtein(const char *a, const char *b);
