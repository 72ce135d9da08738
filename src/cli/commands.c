/* SPDX-License-Identifier: Apache-2.0 */
/* The command table: one row per command (STYLE.md "Commands"). Help is generated from it. */
#include <stddef.h>

#include "cli/cmds.h"
#include "cli/cmds-port.h"
#include "cli/cmds-volume.h"
#include "cli/commands-container.h"
#include "cli/commands-container-fs.h"
#include "cli/commands-pod.h"
#include "cli/commands-network.h"
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
	{ "latest", 'l', CLI_OPT_BOOL, O(inspect_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
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

static const struct cli_option push_options[] = {
	{ "authfile", 0, CLI_OPT_STRING, O(push_opts, authfile),
	  "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
	  "override",
	  NULL, 0 },
	{ "cert-dir", 0, CLI_OPT_STRING, O(push_opts, cert_dir),
	  "Path to a directory containing TLS certificates and keys", NULL, 0 },
	{ "compression-format", 0, CLI_OPT_STRING, O(push_opts, compression_format),
	  "compression format to use", NULL, CLI_OPT_HIDDEN },
	{ "creds", 0, CLI_OPT_STRING, O(push_opts, creds),
	  "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry", NULL, 0 },
	{ "digestfile", 0, CLI_OPT_STRING, O(push_opts, digestfile),
	  "Write the digest of the pushed image to the specified file", NULL, 0 },
	{ "disable-content-trust", 0, CLI_OPT_BOOL, O(push_opts, disable_content_trust),
	  "This is a Docker specific option and is a NOOP", NULL, 0 },
	{ "format", 'f', CLI_OPT_STRING, O(push_opts, format),
	  "Manifest type (oci, v2s2, or v2s1) to use in the destination (default is manifest type "
	  "of source, with fallbacks)",
	  NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(push_opts, quiet),
	  "Suppress output information when pushing images", NULL, 0 },
	{ "remove-signatures", 0, CLI_OPT_BOOL, O(push_opts, remove_signatures),
	  "Discard any pre-existing signatures in the image", NULL, 0 },
	{ "tls-verify", 0, CLI_OPT_STRING, O(push_opts, tls_verify),
	  "Require HTTPS and verify certificates when contacting registries", "true", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option login_options[] = {
	{ "authfile", 0, CLI_OPT_STRING, O(login_opts, authfile),
	  "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
	  "override",
	  NULL, 0 },
	{ "cert-dir", 0, CLI_OPT_STRING, O(login_opts, cert_dir),
	  "use certificates at the specified path to access the registry", NULL, 0 },
	{ "get-login", 0, CLI_OPT_BOOL, O(login_opts, get_login),
	  "Return the current login user for the registry", NULL, 0 },
	{ "password", 'p', CLI_OPT_STRING, O(login_opts, password), "Password for registry", NULL,
	  0 },
	{ "password-stdin", 0, CLI_OPT_BOOL, O(login_opts, password_stdin),
	  "Take the password from stdin", NULL, 0 },
	{ "tls-verify", 0, CLI_OPT_STRING, O(login_opts, tls_verify),
	  "Require HTTPS and verify certificates when contacting registries", NULL, 0 },
	{ "username", 'u', CLI_OPT_STRING, O(login_opts, username), "Username for registry", NULL,
	  0 },
	{ "verbose", 'v', CLI_OPT_BOOL, O(login_opts, verbose),
	  "Write more detailed information to stdout", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option logout_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(logout_opts, all),
	  "Remove the cached credentials for all registries in the auth file", NULL, 0 },
	{ "authfile", 0, CLI_OPT_STRING, O(logout_opts, authfile),
	  "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
	  "override",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option search_options[] = {
	{ "authfile", 0, CLI_OPT_STRING, O(search_opts, authfile),
	  "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to "
	  "override",
	  NULL, 0 },
	{ "cert-dir", 0, CLI_OPT_STRING, O(search_opts, cert_dir),
	  "Path to a directory containing TLS certificates and keys", NULL, 0 },
	{ "compatible", 0, CLI_OPT_BOOL, O(search_opts, compatible),
	  "List stars, official and automated columns (Docker compatibility)", NULL, 0 },
	{ "creds", 0, CLI_OPT_STRING, O(search_opts, creds),
	  "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry", NULL, 0 },
	{ "filter", 'f', CLI_OPT_STRV_CSV, O(search_opts, filters),
	  "Filter output based on conditions provided", "[]", 0 },
	{ "format", 0, CLI_OPT_STRING, O(search_opts, format),
	  "Change the output format to JSON or a Go template", NULL, 0 },
	{ "limit", 0, CLI_OPT_INT, O(search_opts, limit), "Limit the number of results", NULL, 0 },
	{ "list-tags", 0, CLI_OPT_BOOL, O(search_opts, list_tags),
	  "List the tags of the input registry", NULL, 0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(search_opts, no_trunc), "Do not truncate the output", NULL,
	  0 },
	{ "tls-verify", 0, CLI_OPT_STRING, O(search_opts, tls_verify),
	  "Require HTTPS and verify certificates when contacting registries", "true", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option image_mount_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(image_mount_opts, all), "Mount all images", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(image_mount_opts, format),
	  "Print the mounted images in specified format (json)", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option image_unmount_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(image_unmount_opts, all),
	  "Unmount all of the currently mounted images", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(image_unmount_opts, force),
	  "Force the complete unmount of the specified mounted images", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option system_df_options[] = {
	{ "format", 0, CLI_OPT_STRING, O(system_df_opts, format),
	  "Pretty-print images using a Go template", NULL, 0 },
	{ "verbose", 'v', CLI_OPT_BOOL, O(system_df_opts, verbose),
	  "Show detailed information on disk usage", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option events_options[] = {
	{ "filter", 'f', CLI_OPT_STRV, O(events_opts, filters), "filter output", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(events_opts, format),
	  "format the output using a Go template", NULL, 0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(events_opts, no_trunc), "do not truncate the output",
	  "true", CLI_OPT_DEFAULT_TRUE },
	{ "since", 0, CLI_OPT_STRING, O(events_opts, since),
	  "show all events created since timestamp", NULL, 0 },
	{ "stream", 0, CLI_OPT_BOOL, O(events_opts, stream), "stream new events; for testing only",
	  "true", CLI_OPT_DEFAULT_TRUE | CLI_OPT_HIDDEN },
	{ "until", 0, CLI_OPT_STRING, O(events_opts, until), "show all events until timestamp",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

#define CMD_EVENTS                                                                                 \
	.handler = cmd_events, .flags = CLI_CMD_NO_STORE, .min_args = 0, .max_args = 0,            \
	.usage = "[options]", .summary = "Show selkie events",                                     \
	.description = "Monitor selkie events.\n\n"                                                \
		       "By default, streaming mode is used, printing new events as they occur.  "  \
		       "Previous events can be listed via --since and --until.",                   \
	.examples = "selkie events\n"                                                              \
		    "selkie events --filter event=create\n"                                        \
		    "selkie events --format {{.Image}}\n"                                          \
		    "selkie events --since 1h30s",                                                 \
	.options = events_options, .opts_size = sizeof(struct events_opts)

#define CMD_PUSH                                                                                   \
	.handler = cmd_push, .min_args = 1, .max_args = 2,                                         \
	.usage = "[options] IMAGE [DESTINATION]",                                                  \
	.summary = "Push an image to a specified destination",                                     \
	.description = "Pushes a source image to a specified destination.\n\n"                     \
		       "The Image \"DESTINATION\" uses a \"transport\":\"details\" format; only "  \
		       "the docker transport (a registry) is supported. Without DESTINATION the "  \
		       "image is pushed to the name it was given as.",                             \
	.examples = "selkie push imageID docker://registry.example.com/repository:tag\n"           \
		    "selkie push --format v2s2 127.0.0.1:5000/busybox:latest",                     \
	.options = push_options, .opts_size = sizeof(struct push_opts)

#define CMD_SEARCH                                                                                 \
	.handler = cmd_search, .flags = CLI_CMD_NO_STORE, .min_args = 1, .max_args = 1,            \
	.usage = "[options] TERM", .summary = "Search registry for image",                         \
	.description = "Search registries for a given image. Can search all the default "          \
		       "registries or a specific registry.\n\n"                                    \
		       "Users can limit the number of results, and filter the output based on "    \
		       "certain conditions.",                                                      \
	.examples = "selkie search --filter=is-official --limit 3 alpine\n"                        \
		    "selkie search registry.fedoraproject.org/  # only works with v2 registries\n" \
		    "selkie search --format \"table {{.Index}} {{.Name}}\" "                       \
		    "registry.fedoraproject.org/fedora",                                           \
	.options = search_options, .opts_size = sizeof(struct search_opts)

static const struct cli_option save_options[] = {
	{ "compress", 0, CLI_OPT_BOOL, O(save_opts, compress),
	  "Compress tarball image layers when saving to a directory using the 'dir' transport. "
	  "(default is same compression type as source)",
	  NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(save_opts, format),
	  "Save image to oci-archive, oci-dir (directory with oci manifest type), docker-archive",
	  "\"docker-archive\"", 0 },
	{ "multi-image-archive", 'm', CLI_OPT_BOOL, O(save_opts, multi_image),
	  "Interpret additional arguments as images not tags and create a multi-image-archive "
	  "(only for docker-archive)",
	  NULL, 0 },
	{ "output", 'o', CLI_OPT_STRING, O(save_opts, output),
	  "Write to a specified file (default: stdout, which must be redirected)", NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(save_opts, quiet), "Suppress the output", NULL, 0 },
	{ "uncompressed", 0, CLI_OPT_BOOL, O(save_opts, uncompressed),
	  "Accept uncompressed layers when copying OCI images", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option load_options[] = {
	{ "input", 'i', CLI_OPT_STRING, O(load_opts, input),
	  "Read from specified archive file (default: stdin)", NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(load_opts, quiet), "Suppress the output", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option import_options[] = {
	{ "arch", 0, CLI_OPT_STRING, O(import_opts, arch),
	  "Set the architecture of the imported image", NULL, 0 },
	{ "change", 'c', CLI_OPT_STRV, O(import_opts, changes),
	  "Apply the following possible instructions to the created image (default []): CMD | "
	  "ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR",
	  NULL, 0 },
	{ "message", 'm', CLI_OPT_STRING, O(import_opts, message),
	  "Set commit message for imported image", NULL, 0 },
	{ "os", 0, CLI_OPT_STRING, O(import_opts, os), "Set the OS of the imported image", NULL,
	  0 },
	{ "platform", 0, CLI_OPT_STRING, O(import_opts, platform),
	  "Set the OS/ARCH[/VARIANT] of the imported image", NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(import_opts, quiet), "Suppress output", NULL, 0 },
	{ "variant", 0, CLI_OPT_STRING, O(import_opts, variant),
	  "Set the variant of the imported image", NULL, 0 },
	CLI_OPTIONS_END,
};

#define CMD_SAVE                                                                                   \
	.handler = cmd_save, .min_args = 1, .max_args = -1, .usage = "[options] IMAGE [IMAGE...]", \
	.summary = "Save image(s) to an archive",                                                  \
	.description = "Save an image to docker-archive or oci-archive on the local machine. "     \
		       "Default is docker-archive.",                                               \
	.examples = "selkie save --quiet -o myimage.tar imageID\n"                                 \
		    "selkie save --format oci-dir -o ubuntu-dir ubuntu\n"                          \
		    "selkie save > alpine-all.tar alpine:latest",                                  \
	.options = save_options, .opts_size = sizeof(struct save_opts)

#define CMD_LOAD                                                                                   \
	.handler = cmd_load, .min_args = 0, .max_args = 0, .usage = "[options]",                   \
	.summary = "Load image(s) from a tar archive",                                             \
	.description = "Loads an image from a locally stored archive (tar file) into container "   \
		       "storage.",                                                                 \
	.options = load_options, .opts_size = sizeof(struct load_opts)

#define CMD_IMPORT                                                                                 \
	.handler = cmd_import, .min_args = 1, .max_args = 2,                                       \
	.usage = "[options] PATH [REFERENCE]",                                                     \
	.summary = "Import a tarball to create a filesystem image",                                \
	.description = "Create a container image from the contents of the specified tarball "      \
		       "(.tar, .tar.gz, .tgz, .bzip, .tar.xz, .txz).\n\n"                          \
		       "Note remote tar balls can be specified, via web address.\n"                \
		       "Optionally tag the image. You can specify the instructions using the "     \
		       "--change option.",                                                         \
	.examples =                                                                                \
		"selkie import https://example.com/ctr.tar url-image\n"                            \
		"cat ctr.tar | selkie -q import --message \"importing the ctr.tar tarball\" - "    \
		"image-imported\n"                                                                 \
		"cat ctr.tar | selkie import -",                                                   \
	.options = import_options, .opts_size = sizeof(struct import_opts)

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
	{ .name = "import", CMD_IMPORT },
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
	{ .name = "load", CMD_LOAD },
	{ .name = "mount",
	  .handler = cmd_image_mount,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] [IMAGE...]",
	  .summary = "Mount an image's root filesystem",
	  .description = "selkie image mount\n"
			 "  Lists all mounted images mount points if no images is specified\n\n"
			 "selkie image mount IMAGE-NAME-OR-ID\n"
			 "  Mounts the specified image and prints the mountpoint",
	  .examples = "selkie image mount imgID\n"
		      "selkie image mount imgID1 imgID2 imgID3\n"
		      "selkie image mount\n"
		      "selkie image mount --all",
	  .options = image_mount_options,
	  .opts_size = sizeof(struct image_mount_opts) },
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
	{ .name = "push", CMD_PUSH },
	{ .name = "rm", CMD_RMI },
	{ .name = "save", CMD_SAVE },
	{ .name = "search", CMD_SEARCH },
	{ .name = "tag", CMD_TAG },
	{ .name = "unmount",
	  .aliases = ALIASES("umount"),
	  .handler = cmd_image_unmount,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] IMAGE [IMAGE...]",
	  .summary = "Unmount an image's root filesystem",
	  .description = "Image storage increments a mount counter each time an image is "
			 "mounted.\n\n"
			 "When an image is unmounted, the mount counter is decremented. The "
			 "image's root filesystem is physically unmounted only when the mount "
			 "counter reaches zero indicating no other processes are using the "
			 "mount.\n\n"
			 "An unmount can be forced with the --force flag.",
	  .examples = "selkie image unmount imgID\n"
		      "selkie image unmount imgID1 imgID2 imgID3\n"
		      "selkie image unmount --all",
	  .options = image_unmount_options,
	  .opts_size = sizeof(struct image_unmount_opts) },
	{ .name = "untag", CMD_UNTAG },
	CLI_COMMANDS_END,
};

static const struct cli_option system_prune_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(system_prune_opts, all), "Remove all unused data", NULL, 0 },
	{ "filter", 0, CLI_OPT_STRV, O(system_prune_opts, filters),
	  "Provide filter values (e.g. 'label=<key>=<value>')", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(system_prune_opts, force),
	  "Do not prompt for confirmation.  The default is false", NULL, 0 },
	{ "volumes", 0, CLI_OPT_BOOL, O(system_prune_opts, volumes), "Prune volumes", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option system_reset_options[] = {
	{ "force", 'f', CLI_OPT_BOOL, O(system_reset_opts, force), "Do not prompt for confirmation",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_command system_commands[] = {
	{ .name = "df",
	  .handler = cmd_system_df,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Show selkie disk usage",
	  .description = "Show selkie disk usage for images, containers and volumes.",
	  .options = system_df_options,
	  .opts_size = sizeof(struct system_df_opts) },
	{ .name = "events", CMD_EVENTS },
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
	{ .name = "migrate",
	  .handler = cmd_system_migrate,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Migrate containers",
	  .description = "Rootless: stop the running containers and the process holding the user "
			 "namespace, so the next command makes a new namespace from the current "
			 "/etc/subuid and /etc/subgid ranges." },
	{ .name = "prune",
	  .handler = cmd_system_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Remove unused data",
	  .description = "Remove unused data: stopped containers, dangling (with --all, unused) "
			 "images and, with --volumes, unused volumes.",
	  .options = system_prune_options,
	  .opts_size = sizeof(struct system_prune_opts) },
	{ .name = "reset",
	  .handler = cmd_system_reset,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Reset selkie storage",
	  .description = "Reset selkie storage back to the initial state: every container, image "
			 "and volume is removed.",
	  .options = system_reset_options,
	  .opts_size = sizeof(struct system_reset_opts) },
	CLI_COMMANDS_END,
};

static const struct cli_option volume_create_options[] = {
	{ "driver", 'd', CLI_OPT_STRING, O(volume_create_opts, driver),
	  "Specify volume driver name", "\"local\"", 0 },
	{ "ignore", 0, CLI_OPT_BOOL, O(volume_create_opts, ignore),
	  "Don't fail if volume already exists", NULL, 0 },
	{ "label", 'l', CLI_OPT_STRV_CSV, O(volume_create_opts, labels),
	  "Set metadata for a volume", "[]", 0 },
	{ "opt", 'o', CLI_OPT_STRV, O(volume_create_opts, opts), "Set driver specific options",
	  "[]", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option volume_ls_options[] = {
	{ "filter", 'f', CLI_OPT_STRV_CSV, O(volume_ls_opts, filters), "Filter volume output", NULL,
	  0 },
	{ "format", 0, CLI_OPT_STRING, O(volume_ls_opts, format),
	  "Format volume output using Go template",
	  "\"{{range .}}{{.Driver}}\\t{{.Name}}\\n{{end -}}\"", 0 },
	{ "noheading", 0, CLI_OPT_BOOL, O(volume_ls_opts, noheading), "Do not print headers", NULL,
	  0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(volume_ls_opts, quiet), "Print volume output in quiet mode",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option volume_inspect_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(volume_inspect_opts, all), "Inspect all volumes", NULL, 0 },
	{ "format", 'f', CLI_OPT_STRING, O(volume_inspect_opts, format),
	  "Format volume output using Go template", "\"json\"", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option volume_rm_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(volume_rm_opts, all), "Remove all volumes", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(volume_rm_opts, force),
	  "Remove a volume by force, even if it is being used by a container", NULL, 0 },
	{ "time", 't', CLI_OPT_STRING, O(volume_rm_opts, time),
	  "Seconds to wait for running containers to stop before killing the container", "10", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option volume_prune_options[] = {
	{ "filter", 0, CLI_OPT_STRV, O(volume_prune_opts, filters),
	  "Provide filter values (e.g. 'label=<key>=<value>')", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(volume_prune_opts, force), "Do not prompt for confirmation",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_command volume_commands[] = {
	{ .name = "create",
	  .handler = cmd_volume_create,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [NAME]",
	  .summary = "Create a new volume",
	  .description = "If using the default driver, \"local\", the volume will be created on "
			 "the host in the volumes directory under container storage.",
	  .examples = "selkie volume create myvol\n"
		      "selkie volume create\n"
		      "selkie volume create --label foo=bar myvol",
	  .options = volume_create_options,
	  .opts_size = sizeof(struct volume_create_opts) },
	{ .name = "exists",
	  .handler = cmd_volume_exists,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "VOLUME",
	  .summary = "Volume exists",
	  .description = "If the given volume exists, selkie volume exists exits with 0, "
			 "otherwise the exit code will be 1.",
	  .examples = "selkie volume exists myvol" },
	{ .name = "inspect",
	  .handler = cmd_volume_inspect,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] VOLUME [VOLUME...]",
	  .summary = "Display detailed information on one or more volumes",
	  .description = "Display detailed information on one or more volumes.\n\n"
			 "Use a Go template to change the format from JSON.",
	  .examples = "selkie volume inspect myvol\n"
		      "selkie volume inspect --all\n"
		      "selkie volume inspect --format \"{{.Driver}} {{.Scope}}\" myvol",
	  .options = volume_inspect_options,
	  .opts_size = sizeof(struct volume_inspect_opts) },
	{ .name = "ls",
	  .aliases = ALIASES("list"),
	  .handler = cmd_volume_ls,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "List volumes",
	  .description = "List all available volumes. The output of the volumes can be filtered "
			 "and the output format can be changed to JSON or a user specified Go "
			 "template.",
	  .options = volume_ls_options,
	  .opts_size = sizeof(struct volume_ls_opts) },
	{ .name = "prune",
	  .handler = cmd_volume_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Remove all unused volumes",
	  .description = "Volumes that are not currently owned by a container will be removed.\n\n"
			 "The command prompts for confirmation which can be overridden with the "
			 "--force flag.\nNote all data will be destroyed.",
	  .options = volume_prune_options,
	  .opts_size = sizeof(struct volume_prune_opts) },
	{ .name = "rm",
	  .aliases = ALIASES("remove"),
	  .handler = cmd_volume_rm,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] VOLUME [VOLUME...]",
	  .summary = "Remove one or more volumes",
	  .description = "Remove one or more existing volumes.\n\n"
			 "By default only volumes that are not being used by any containers will "
			 "be removed. To remove the volumes anyways, use the --force flag.",
	  .examples = "selkie volume rm myvol1 myvol2\n"
		      "selkie volume rm --all\n"
		      "selkie volume rm --force myvol",
	  .options = volume_rm_options,
	  .opts_size = sizeof(struct volume_rm_opts) },
	CLI_COMMANDS_END,
};

static const struct cli_command root_commands[] = {
	{ .name = "events", CMD_EVENTS },
	{ .name = "healthcheck",
	  .summary = "Manage health checks on containers",
	  .description = "Run health checks on containers",
	  .usage = "[command]",
	  .subcommands = cli_healthcheck_commands },
	{ .name = "help",
	  .handler = cmd_help,
	  .min_args = 0,
	  .max_args = -1,
	  .flags = CLI_CMD_NO_STORE,
	  .usage = "[command]",
	  .summary = "Help about any command",
	  .description = "Help provides help for any command in the application." },
	{ .name = "history", CMD_HISTORY },
	{ .name = "image",
	  .summary = "Manage images",
	  .description = "Manage images",
	  .usage = "[command]",
	  .subcommands = image_commands },
	{ .name = "images", CMD_IMAGES },
	{ .name = "import", CMD_IMPORT },
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
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] {CONTAINER|IMAGE|POD|NETWORK|VOLUME} [...]",
	  .summary = "Display the configuration of object denoted by ID",
	  .description = "Displays the low-level information on an object identified by name or "
			 "ID.",
	  .options = inspect_options,
	  .opts_size = sizeof(struct inspect_opts) },
	{ .name = "load", CMD_LOAD },
	{ .name = "login",
	  .handler = cmd_login,
	  .flags = CLI_CMD_NO_STORE,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [REGISTRY]",
	  .summary = "Login to a container registry",
	  .description = "Login to a container registry on a specified server.",
	  .examples = "selkie login quay.io\n"
		      "selkie login --username ... --password ... quay.io\n"
		      "selkie login --authfile dir/auth.json quay.io",
	  .options = login_options,
	  .opts_size = sizeof(struct login_opts) },
	{ .name = "logout",
	  .handler = cmd_logout,
	  .flags = CLI_CMD_NO_STORE,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [REGISTRY]",
	  .summary = "Logout of a container registry",
	  .description = "Remove the cached username and password for the registry.",
	  .examples = "selkie logout quay.io\n"
		      "selkie logout --authfile dir/auth.json quay.io\n"
		      "selkie logout --all",
	  .options = logout_options,
	  .opts_size = sizeof(struct logout_opts) },
	{ .name = "network",
	  .summary = "Manage networks",
	  .description = "Manage networks",
	  .usage = "[command]",
	  .subcommands = cli_network_commands },
	{ .name = "pod",
	  .summary = "Manage pods",
	  .description = "Pods are a group of one or more containers sharing the same network, pid "
			 "and ipc namespaces.",
	  .usage = "[command]",
	  .subcommands = cli_pod_commands },
	{ .name = "pull", CMD_PULL },
	{ .name = "push", CMD_PUSH },
	{ .name = "rmi", CMD_RMI },
	{ .name = "save", CMD_SAVE },
	{ .name = "search", CMD_SEARCH },
	{ .name = "system",
	  .summary = "Manage selkie",
	  .description = "Manage selkie",
	  .usage = "[command]",
	  .subcommands = system_commands },
	{ .name = "tag", CMD_TAG },
	{ .name = "unshare",
	  .handler = cmd_unshare,
	  .min_args = 0,
	  .max_args = -1,
	  .flags = CLI_CMD_STOP_AT_ARG,
	  .usage = "[options] [COMMAND [ARG...]]",
	  .summary = "Run a command in a modified user namespace",
	  .description = "Runs a command in the user and mount namespaces selkie uses as an "
			 "ordinary user (by default the user's shell): there the user is root, "
			 "the subordinate IDs are mapped and the store's mounts are visible." },
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
	{ .name = "volume",
	  .summary = "Manage volumes",
	  .description = "Volumes are created in and can be shared between containers",
	  .usage = "[command]",
	  .subcommands = volume_commands },
	{ .name = "attach", CMD_ATTACH },
	{ .name = "commit", CMD_COMMIT },
	{ .name = "container",
	  .summary = "Manage containers",
	  .description = "Manage containers",
	  .usage = "[command]",
	  .subcommands = cli_container_commands },
	{ .name = "cp", CMD_CP },
	{ .name = "create", CMD_CREATE },
	{ .name = "diff", CMD_DIFF },
	{ .name = "exec", CMD_EXEC },
	{ .name = "export", CMD_EXPORT },
	{ .name = "kill", CMD_KILL },
	{ .name = "logs", CMD_LOGS },
	{ .name = "pause", CMD_PAUSE },
	{ .name = "port", CMD_PORT },
	{ .name = "ps", CMD_PS },
	{ .name = "rename", CMD_RENAME },
	{ .name = "restart", CMD_RESTART },
	{ .name = "rm", CMD_RM },
	{ .name = "run", CMD_RUN },
	{ .name = "start", CMD_START },
	{ .name = "stats", CMD_STATS },
	{ .name = "stop", CMD_STOP },
	{ .name = "top", CMD_TOP },
	{ .name = "unpause", CMD_UNPAUSE },
	{ .name = "wait", CMD_WAIT },
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
