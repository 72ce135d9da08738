/* SPDX-License-Identifier: Apache-2.0 */
/* The command table: one row per command (STYLE.md "Commands"). Help is generated from it. */
#include <stddef.h>

#include "cli/cmds.h"
#include "cli/command.h"

#define O(st, field) offsetof(struct st, field)
#define FORMAT_OPT(st, help)                                                                       \
	{                                                                                          \
		"format", 'f', CLI_OPT_STRING, O(st, format), help, NULL, 0                        \
	}

static const struct cli_option version_options[] = {
	FORMAT_OPT(version_opts, "Change the output format to JSON or a Go template"),
	CLI_OPTIONS_END,
};

static const struct cli_option info_options[] = {
	FORMAT_OPT(info_opts, "Change the output format to JSON or a Go template"),
	CLI_OPTIONS_END,
};

static const struct cli_option pull_options[] = {
	{ "all-tags", 'a', CLI_OPT_BOOL, O(pull_opts, all_tags),
	  "All tagged images in the repository will be pulled", NULL, 0 },
	{ "arch", 0, CLI_OPT_STRING, O(pull_opts, arch),
	  "Use ARCH instead of the architecture of the machine for choosing images", NULL, 0 },
	{ "authfile", 0, CLI_OPT_STRING, O(pull_opts, authfile), "Path of the authentication file",
	  NULL, 0 },
	{ "cert-dir", 0, CLI_OPT_STRING, O(pull_opts, cert_dir),
	  "Path to a directory containing TLS certificates and keys", NULL, 0 },
	{ "creds", 0, CLI_OPT_STRING, O(pull_opts, creds),
	  "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry", NULL, 0 },
	{ "os", 0, CLI_OPT_STRING, O(pull_opts, os),
	  "Use OS instead of the running OS for choosing images", NULL, 0 },
	{ "platform", 0, CLI_OPT_STRING, O(pull_opts, platform),
	  "Specify the platform for selecting the image (OS/ARCH[/VARIANT])", NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(pull_opts, quiet),
	  "Suppress output information when pulling images", NULL, 0 },
	{ "tls-verify", 0, CLI_OPT_STRING, O(pull_opts, tls_verify),
	  "Require HTTPS and verify certificates when contacting registries", "true", 0 },
	{ "variant", 0, CLI_OPT_STRING, O(pull_opts, variant),
	  "Use VARIANT instead of the running architecture variant for choosing images", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option images_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(images_opts, all),
	  "Show all images (default hides intermediate images)", NULL, 0 },
	{ "digests", 0, CLI_OPT_BOOL, O(images_opts, digests), "Show digests", NULL, 0 },
	{ "filter", 'f', CLI_OPT_STRV_CSV, O(images_opts, filters),
	  "Filter output based on conditions provided", "[]", 0 },
	{ "format", 0, CLI_OPT_STRING, O(images_opts, format),
	  "Change the output format to JSON or a Go template", NULL, 0 },
	{ "noheading", 'n', CLI_OPT_BOOL, O(images_opts, noheading), "Do not print column headings",
	  NULL, 0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(images_opts, no_trunc), "Do not truncate output", NULL,
	  0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(images_opts, quiet), "Display only image IDs", NULL, 0 },
	{ "sort", 0, CLI_OPT_STRING, O(images_opts, sort),
	  "Sort by created, id, repository, size, tag", "\"created\"", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option image_inspect_options[] = {
	FORMAT_OPT(image_inspect_opts, "Format the output using the given Go template"),
	CLI_OPTIONS_END,
};

static const struct cli_option inspect_options[] = {
	FORMAT_OPT(inspect_opts, "Format the output using the given Go template"),
	{ "size", 's', CLI_OPT_BOOL, O(inspect_opts, size), "Display total file size", NULL, 0 },
	{ "type", 't', CLI_OPT_STRING, O(inspect_opts, type),
	  "Specify inspect-object type (\"image\", \"all\")", "\"all\"", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option rmi_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(rmi_opts, all), "Remove all images", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(rmi_opts, force), "Force Removal of the image", NULL, 0 },
	{ "ignore", 'i', CLI_OPT_BOOL, O(rmi_opts, ignore),
	  "Ignore errors if a specified image does not exist", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option history_options[] = {
	FORMAT_OPT(history_opts, "Change the output to JSON or a Go template"),
	{ "human", 'H', CLI_OPT_BOOL, O(history_opts, human),
	  "Display sizes and dates in human readable format", "true", CLI_OPT_DEFAULT_TRUE },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(history_opts, no_trunc), "Do not truncate the output",
	  NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(history_opts, quiet), "Display the numeric IDs only", NULL,
	  0 },
	CLI_OPTIONS_END,
};

static const struct cli_option image_prune_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(image_prune_opts, all),
	  "Remove all images not in use by containers, not just dangling ones", NULL, 0 },
	{ "filter", 0, CLI_OPT_STRV, O(image_prune_opts, filters),
	  "Provide filter values (e.g. 'label=<key>=<value>')", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(image_prune_opts, force), "Do not prompt for confirmation",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

#define CMD_PULL                                                                                   \
	.handler = cmd_pull, .min_args = 1, .max_args = -1, .usage = "[options] IMAGE [IMAGE...]", \
	.summary = "Pull an image from a registry",                                                \
	.description = "Pulls an image from a registry and stores it locally.\n"                   \
		       "An image can be pulled by tag or digest. If a tag is not specified, the "  \
		       "image with the 'latest' tag is pulled.",                                   \
	.examples = "selkie pull imageName\nselkie pull 127.0.0.1:5000/busybox:latest",            \
	.options = pull_options, .opts_size = sizeof(struct pull_opts)

#define CMD_IMAGES                                                                                 \
	.handler = cmd_images, .min_args = 0, .max_args = 1, .usage = "[options] [IMAGE]",         \
	.summary = "List images in local storage",                                                 \
	.description = "Lists images previously pulled to the system or created on the system.",   \
	.examples = "selkie images --format json\n"                                                \
		    "selkie images --sort repository --format \"table {{.ID}} {{.Repository}} "    \
		    "{{.Tag}}\"\n"                                                                 \
		    "selkie images --filter dangling=true",                                        \
	.options = images_options, .opts_size = sizeof(struct images_opts)

#define CMD_RMI                                                                                    \
	.handler = cmd_rmi, .min_args = 0, .max_args = -1, .usage = "[options] IMAGE [IMAGE...]",  \
	.summary = "Removes one or more images from local storage",                                \
	.description = "Removes one or more previously pulled or locally created images.",         \
	.options = rmi_options, .opts_size = sizeof(struct rmi_opts)

#define CMD_TAG                                                                                    \
	.handler = cmd_tag, .min_args = 2, .max_args = -1,                                         \
	.usage = "IMAGE TARGET_NAME [TARGET_NAME...]",                                             \
	.summary = "Add an additional name to a local image",                                      \
	.description = "Adds one or more additional names to locally-stored image."

#define CMD_UNTAG                                                                                  \
	.handler = cmd_untag, .min_args = 1, .max_args = -1, .usage = "IMAGE [IMAGE...]",          \
	.summary = "Remove a name from a local image",                                             \
	.description = "Removes one or more names from a locally-stored image.\n"                  \
		       "If no name is given, all names of the image are removed."

#define CMD_HISTORY                                                                                \
	.handler = cmd_history, .min_args = 1, .max_args = 1, .usage = "[options] IMAGE",          \
	.summary = "Show history of a specified image",                                            \
	.description = "Displays the history of an image.", .options = history_options,            \
	.opts_size = sizeof(struct history_opts)

static const struct cli_command image_commands[] = {
	{ .name = "exists",
	  .handler = cmd_image_exists,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "IMAGE",
	  .summary = "Check if an image exists in local storage",
	  .description = "If the named image exists in local storage, selkie image exists exits "
			 "with 0, otherwise the exit code will be 1." },
	{ .name = "history", CMD_HISTORY },
	{ .name = "inspect",
	  .handler = cmd_image_inspect,
	  .min_args = 1,
	  .max_args = -1,
	  .usage = "[options] IMAGE [IMAGE...]",
	  .summary = "Display the configuration of an image",
	  .description = "Displays the low-level information of an image identified by name or "
			 "ID.",
	  .options = image_inspect_options,
	  .opts_size = sizeof(struct image_inspect_opts) },
	{ .name = "list", .aliases = ALIASES("ls"), CMD_IMAGES },
	{ .name = "prune",
	  .handler = cmd_image_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Remove unused images",
	  .description = "Removes dangling images (all unused images with --all).",
	  .options = image_prune_options,
	  .opts_size = sizeof(struct image_prune_opts) },
	{ .name = "pull", CMD_PULL },
	{ .name = "rm", CMD_RMI },
	{ .name = "tag", CMD_TAG },
	{ .name = "untag", CMD_UNTAG },
	CLI_COMMANDS_END,
};

static const struct cli_command system_commands[] = {
	{ .name = "info",
	  .handler = cmd_info,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Display selkie system information",
	  .description = "Display information pertaining to the host, current storage stats, and "
			 "build of selkie.",
	  .options = info_options,
	  .opts_size = sizeof(struct info_opts) },
	CLI_COMMANDS_END,
};

static const struct cli_command root_commands[] = {
	{ .name = "history", CMD_HISTORY },
	{ .name = "image",
	  .summary = "Manage images",
	  .description = "Manage images",
	  .usage = "[command]",
	  .subcommands = image_commands },
	{ .name = "images", CMD_IMAGES },
	{ .name = "info",
	  .handler = cmd_info,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Display selkie system information",
	  .description = "Display information pertaining to the host, current storage stats, and "
			 "build of selkie.",
	  .options = info_options,
	  .opts_size = sizeof(struct info_opts) },
	{ .name = "inspect",
	  .handler = cmd_inspect,
	  .min_args = 1,
	  .max_args = -1,
	  .usage = "[options] {CONTAINER|IMAGE|POD|NETWORK|VOLUME} [...]",
	  .summary = "Display the configuration of object denoted by ID",
	  .description = "Displays the low-level information on an object identified by name or "
			 "ID.",
	  .options = inspect_options,
	  .opts_size = sizeof(struct inspect_opts) },
	{ .name = "pull", CMD_PULL },
	{ .name = "rmi", CMD_RMI },
	{ .name = "system",
	  .summary = "Manage selkie",
	  .description = "Manage selkie",
	  .usage = "[command]",
	  .subcommands = system_commands },
	{ .name = "tag", CMD_TAG },
	{ .name = "untag", CMD_UNTAG },
	{ .name = "version",
	  .handler = cmd_version,
	  .min_args = 0,
	  .max_args = 0,
	  .flags = CLI_CMD_NO_STORE,
	  .usage = "[options]",
	  .summary = "Display the selkie version information",
	  .options = version_options,
	  .opts_size = sizeof(struct version_opts) },
	CLI_COMMANDS_END,
};

static const struct cli_command root = {
	.name = "selkie",
	.summary = "Manage pods, containers and images",
	.usage = "[options] [command]",
	.subcommands = root_commands,
};

const struct cli_command *cli_root_command(void)
{
	return &root;
}
