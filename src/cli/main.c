/* SPDX-License-Identifier: Apache-2.0 */
/* selkie's entry point: global flags, command lookup, option parsing, dispatch. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli/command.h"
#include "cli/context.h"
#include "cli/help.h"
#include "cli/options.h"
#include "config/userns.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int check_arg_count(const struct cli_command *cmd, const char *path, int nargs)
{
	if (cmd->min_args == cmd->max_args && nargs != cmd->min_args) {
		if (cmd->min_args == 0)
			return cli_failf("`%s` takes no arguments", path);
		return cli_failf("accepts %d arg(s), received %d", cmd->min_args, nargs);
	}
	if (nargs < cmd->min_args)
		return cli_failf("requires at least %d arg(s), only received %d", cmd->min_args,
				 nargs);
	if (cmd->max_args >= 0 && nargs > cmd->max_args)
		return cli_failf("accepts at most %d arg(s), received %d", cmd->max_args, nargs);
	return 0;
}

static int apply_global(struct cli_ctx *ctx)
{
	if (ctx->global.log_level) {
		enum log_level l = log_level_from_string(ctx->global.log_level);
		if ((int)l < 0)
			return cli_failf("invalid log level '%s'", ctx->global.log_level);
		log_set_level(l);
	}
	return 0;
}

static int run_command(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	const struct cli_command *impl = cmd->same_as ? cmd->same_as : cmd;
	_cleanup_free_ void *opts = xcalloc(1, impl->opts_size ? impl->opts_size : 1);
	_cleanup_error_ struct sk_error *err = NULL;
	int first = cli_options_parse(impl->options, opts, &ctx->global,
				      impl->flags & CLI_CMD_STOP_AT_ARG, argc, argv, &err);
	if (first < 0) {
		fprintf(stderr, "Error: %s\nSee '%s --help'\n", err->msg, ctx->cmd_path);
		cli_options_free(impl->options, opts);
		return EXIT_ENGINE;
	}
	int rc = apply_global(ctx);
	if (rc == 0 && ctx->global.help) {
		cli_help_print(cmd, ctx->cmd_path, stdout);
	} else if (rc == 0 && impl->handler) {
		rc = check_arg_count(impl, ctx->cmd_path, argc - first);
		if (rc == 0)
			rc = impl->handler(ctx, opts, argc - first, argv + first);
	}
	cli_options_free(impl->options, opts);
	return rc;
}

/* Walk the table from the root: argv[0] is the first word after the global flags. */
static int dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = cli_root_command();
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "selkie");
	int i = 0;
	int rc;
	for (;;) {
		if (!cmd->subcommands || i >= argc || argv[i][0] == '-')
			break;
		const struct cli_command *sub = cli_command_find(cmd, argv[i]);
		if (!sub) {
			if (cmd->handler)
				break;
			rc = cli_help_unknown_command(cmd, path.buf, argv[i]);
			goto out;
		}
		strbuf_addf(&path, " %s", sub->name);
		cmd = sub;
		i++;
	}
	ctx->cmd = cmd;
	ctx->cmd_path = strbuf_detach(&path, NULL);
	/* Rootless: into the user's namespace before anything (setns wants a single thread). */
	const struct cli_command *impl = cmd->same_as ? cmd->same_as : cmd;
	if (impl->handler && !(impl->flags & CLI_CMD_NO_STORE)) {
		_cleanup_error_ struct sk_error *err = NULL;
		if (config_userns_enter(&err) < 0)
			return cli_fail(err);
	}
	if (!cmd->handler && !cmd->same_as) {
		/* A group: --help is fine, anything else is a missing sub-command. */
		rc = run_command(ctx, cmd, argc - i + 1, argv + i - 1);
		if (rc == 0 && !ctx->global.help) {
			cli_help_print(cmd, ctx->cmd_path, stdout);
			fprintf(stderr, "Error: missing command '%s COMMAND'\n", ctx->cmd_path);
			rc = EXIT_ENGINE;
		}
		return rc;
	}
	/* getopt wants the command word at argv[0]. */
	return run_command(ctx, cmd, argc - i + 1, argv + i - 1);
out:
	strbuf_release(&path);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && streq(argv[1], CONFIG_USERNS_HOLDER_CMD))
		return config_userns_holder_main(argc, argv);
	struct cli_ctx ctx = { .stdout_is_tty = isatty(STDOUT_FILENO) };
	_cleanup_error_ struct sk_error *err = NULL;
	signal(SIGPIPE, SIG_IGN);

	/* Global flags before the command word. */
	int first = cli_options_parse(NULL, NULL, &ctx.global, true, argc, argv, &err);
	if (first < 0) {
		fprintf(stderr, "Error: %s\nSee 'selkie --help'\n", err->msg);
		cli_ctx_release(&ctx);
		return EXIT_ENGINE;
	}
	int rc;
	if (ctx.global.version) {
		printf("selkie version %s\n", SELKIE_VERSION);
		rc = 0;
	} else if (ctx.global.help) {
		cli_help_print(cli_root_command(), "selkie", stdout);
		rc = 0;
	} else if (first >= argc) {
		cli_help_print(cli_root_command(), "selkie", stdout);
		fputs("Error: missing command 'selkie COMMAND'\n", stderr);
		rc = EXIT_ENGINE;
	} else {
		rc = apply_global(&ctx);
		if (rc == 0)
			rc = dispatch(&ctx, argc - first, argv + first);
	}
	cli_ctx_release(&ctx);
	return rc;
}
