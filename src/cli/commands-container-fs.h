/* SPDX-License-Identifier: Apache-2.0 */
/* Rows of the container file-system commands (cp, diff, export, commit), shared by the
 * `container` group and the top level. */
#pragma once

#include "cli/cmds-container-fs.h"
#include "cli/command.h"

extern const struct cli_option cp_options[], diff_options[], export_options[], commit_options[];

#define CMD_CP                                                                                     \
	.handler = cmd_cp, .min_args = 2, .max_args = 2,                                           \
	.usage = "[options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",                           \
	.summary = "Copy files/folders between a container and the local filesystem",              \
	.description = "Copy the contents of SRC_PATH to the DEST_PATH.\n\n"                       \
		       "You can copy from the container's file system to the local machine or "    \
		       "the reverse, from the local filesystem to the container. If \"-\" is "     \
		       "specified for either the SRC_PATH or DEST_PATH, you can also stream a "    \
		       "tar archive from STDIN or to STDOUT. The CONTAINER can be a running or "   \
		       "stopped container. The SRC_PATH or DEST_PATH can be a file or a "          \
		       "directory.",                                                               \
	.examples = "selkie cp ctr:/etc/os-release .\n"                                            \
		    "selkie cp ./config.json ctr:/etc/app/\n"                                      \
		    "selkie cp ctr:/var/log - > logs.tar",                                         \
	.options = cp_options, .opts_size = sizeof(struct cp_opts)

#define CMD_DIFF                                                                                   \
	.handler = cmd_diff, .min_args = 0, .max_args = 1, .usage = "[options] {CONTAINER|IMAGE}", \
	.summary = "Display the changes to the object's file system",                              \
	.description = "Displays changes on a container or image's filesystem.  The container "    \
		       "or image will be compared to its parent layer.",                           \
	.examples = "selkie diff imageID\n"                                                        \
		    "selkie diff ctrID\n"                                                          \
		    "selkie diff --format json redis:alpine",                                      \
	.options = diff_options, .opts_size = sizeof(struct diff_opts)

#define CMD_CONTAINER_DIFF                                                                         \
	.handler = cmd_container_diff, .min_args = 0, .max_args = 1,                               \
	.usage = "[options] CONTAINER",                                                            \
	.summary = "Inspect changes to the container's file systems",                              \
	.description = "Displays changes on a container's filesystem.  The container will be "     \
		       "compared to its parent layer.",                                            \
	.examples = "selkie container diff myCtr\n"                                                \
		    "selkie container diff -l --format json myCtr",                                \
	.options = diff_options, .opts_size = sizeof(struct diff_opts)

#define CMD_EXPORT                                                                                 \
	.handler = cmd_export, .min_args = 1, .max_args = 1, .usage = "[options] CONTAINER",       \
	.summary = "Export container's filesystem contents as a tar archive",                      \
	.description = "Exports container's filesystem contents as a tar archive and saves it on " \
		       "the local machine.",                                                       \
	.examples = "selkie export ctrID > myCtr.tar\n"                                            \
		    "selkie export --output=\"myCtr.tar\" ctrID",                                  \
	.options = export_options, .opts_size = sizeof(struct export_opts)

#define CMD_COMMIT                                                                                 \
	.handler = cmd_commit, .min_args = 1, .max_args = 2,                                       \
	.usage = "[options] CONTAINER [IMAGE]",                                                    \
	.summary = "Create new image based on the changed container",                              \
	.description = "Create an image from a container's changes. Optionally tag the image "     \
		       "created, set the author with the --author flag, set the commit message "   \
		       "with the --message flag, and make changes to the instructions with the "   \
		       "--change flag.",                                                           \
	.examples = "selkie commit -q --message \"committing container to image\" "                \
		    "reverent_golick image-committed\n"                                            \
		    "selkie commit -q --author \"firstName lastName\" reverent_golick "            \
		    "image-committed\n"                                                            \
		    "selkie commit -q --pause=false containerID image-committed\n"                 \
		    "selkie commit containerID",                                                   \
	.options = commit_options, .opts_size = sizeof(struct commit_opts)
