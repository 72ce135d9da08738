/* SPDX-License-Identifier: Apache-2.0 */
#include "help.h"

#include <string.h>

#include "cli/cmds.h"
#include "cli/options.h"
#include "util/strv.h"
#include "util/xalloc.h"

const struct cli_command *cli_command_find(const struct cli_command *group, const char *name)
{
	for (const struct cli_command *c = group->subcommands; c && c->name; c++) {
		if (streq(c->name, name))
			return c;
		for (const char *const *a = c->aliases; a && *a; a++)
			if (streq(*a, name))
				return c;
	}
	return NULL;
}

size_t cli_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	_cleanup_free_ size_t *row = xnew(size_t, lb + 1);
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
			diag = up;
		}
	}
	return row[lb];
}

static bool is_suggestion(const char *typed, const char *name)
{
	/* cobra's rule: distance <= 2, or the typed word is a prefix of the name. */
	return cli_levenshtein(typed, name) <= 2 || strncmp(name, typed, strlen(typed)) == 0;
}

int cli_help_unknown_command(const struct cli_command *group, const char *path, const char *word)
{
	_cleanup_strv_free_ char **sugg = NULL;
	for (const struct cli_command *c = group->subcommands; c && c->name; c++) {
		if (c->flags & CLI_CMD_HIDDEN)
			continue;
		if (is_suggestion(word, c->name))
			strv_push(&sugg, c->name);
	}
	fprintf(stderr, "Error: unrecognized command `%s %s`\n", path, word);
	if (sugg && *sugg) {
		fputs("\nDid you mean this?\n", stderr);
		STRV_FOREACH (s, sugg)
			fprintf(stderr, "\t%s\n", *s);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Try '%s --help' for more information\n", path);
	return 125;
}

static void print_subcommands(const struct cli_command *cmd, FILE *out)
{
	size_t width = 11;
	for (const struct cli_command *c = cmd->subcommands; c && c->name; c++)
		if (!(c->flags & CLI_CMD_HIDDEN))
			width = MAX(width, strlen(c->name));
	fputs("\nAvailable Commands:\n", out);
	for (const struct cli_command *c = cmd->subcommands; c && c->name; c++)
		if (!(c->flags & CLI_CMD_HIDDEN))
			fprintf(out, "  %-*s %s\n", (int)width, c->name, c->summary);
}

static void print_indented(const char *text, FILE *out)
{
	_cleanup_strv_free_ char **lines = strv_split(text, "\n", false);
	STRV_FOREACH (l, lines)
		fprintf(out, "%s%s\n", **l ? "  " : "", *l);
}

void cli_help_print(const struct cli_command *cmd, const char *path, FILE *out)
{
	fprintf(out, "%s\n", cmd->summary);
	if (cmd->description) {
		fputs("\nDescription:\n", out);
		print_indented(cmd->description, out);
	}
	fprintf(out, "\nUsage:\n  %s %s\n", path, cmd->usage ? cmd->usage : "[options]");
	if (cmd->aliases && cmd->aliases[0]) {
		_cleanup_free_ char *a = strv_join((char *const *)cmd->aliases, ", ");
		fprintf(out, "\nAliases:\n  %s, %s\n", cmd->name, a);
	}
	if (cmd->examples) {
		fputs("\nExamples:\n", out);
		print_indented(cmd->examples, out);
	}
	if (cmd->subcommands)
		print_subcommands(cmd, out);
	fputs("\nOptions:\n", out);
	const struct cli_option *opts = cmd->options;
	if (cmd->same_as && !opts)
		opts = cmd->same_as->options;
	/* The root command lists the global flags as its own. */
	if (!opts && cmd == cli_root_command())
		opts = cli_global_options();
	cli_options_print_help(opts, out);
}

int cmd_help(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct cli_command *cmd = cli_root_command();
	_cleanup_free_ char *path = xstrdup("selkie");
	for (int i = 0; i < argc; i++) {
		const struct cli_command *sub = cli_command_find(cmd, argv[i]);
		if (!sub)
			return cli_help_unknown_command(cmd, path, argv[i]);
		char *p = xasprintf("%s %s", path, sub->name);
		free(path);
		path = p;
		cmd = sub;
	}
	cli_help_print(cmd, path, stdout);
	return 0;
}
