/* SPDX-License-Identifier: Apache-2.0 */
/* Option tables of the container file-system commands (STYLE.md "Commands"); their rows are
 * the CMD_* macros of commands-container-fs.h. */
#include <stddef.h>

#include "cli/commands-container-fs.h"

#define O(st, field) offsetof(struct st, field)

const struct cli_option cp_options[] = {
	{ "archive", 'a', CLI_OPT_BOOL, O(cp_opts, archive),
	  "Archive mode (copy all uid/gid information)", NULL, 0 },
	{ "follow-link", 'L', CLI_OPT_BOOL, O(cp_opts, follow_link),
	  "Always follow symbol link in SRC_PATH", NULL, 0 },
	{ "overwrite", 0, CLI_OPT_BOOL, O(cp_opts, overwrite),
	  "Allow to overwrite directories with non-directories and vice versa", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option diff_options[] = {
	{ "format", 0, CLI_OPT_STRING, O(diff_opts, format), "Change the output format (json)",
	  NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(diff_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option export_options[] = {
	{ "output", 'o', CLI_OPT_STRING, O(export_opts, output),
	  "Write to a specified file (default: stdout, which must be redirected)", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option commit_options[] = {
	{ "author", 'a', CLI_OPT_STRING, O(commit_opts, author),
	  "Set the author for the image committed", NULL, 0 },
	{ "change", 'c', CLI_OPT_STRV, O(commit_opts, changes),
	  "Apply the following possible instructions to the created image (default []): CMD | "
	  "ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR",
	  NULL, 0 },
	{ "format", 'f', CLI_OPT_STRING, O(commit_opts, format),
	  "Format of the image manifest and metadata", "\"oci\"", 0 },
	{ "iidfile", 0, CLI_OPT_STRING, O(commit_opts, iidfile), "file to write the image ID to",
	  NULL, 0 },
	{ "include-volumes", 0, CLI_OPT_BOOL, O(commit_opts, include_volumes),
	  "Include container volumes as image volumes", NULL, 0 },
	{ "message", 'm', CLI_OPT_STRING, O(commit_opts, message),
	  "Set commit message for imported image", NULL, 0 },
	{ "pause", 'p', CLI_OPT_BOOL, O(commit_opts, pause), "Pause container during commit", NULL,
	  0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(commit_opts, quiet), "Suppress output", NULL, 0 },
	CLI_OPTIONS_END,
};
