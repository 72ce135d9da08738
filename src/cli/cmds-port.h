/* SPDX-License-Identifier: Apache-2.0 */
/* `port` (also `container port`): its handler, options and table rows. */
#pragma once

#include <stdbool.h>

#include "cli/command.h"
#include "cli/context.h"

struct port_opts {
	bool all;
	bool latest;
};
int cmd_port(struct cli_ctx *ctx, void *opts, int argc, char **argv);
extern const struct cli_option port_options[];

#define CMD_PORT_COMMON                                                                            \
	.handler = cmd_port, .min_args = 0, .max_args = 2, .usage = "[options] CONTAINER [PORT]",  \
	.summary = "List port mappings or a specific mapping for the container",                   \
	.description = "List port mappings for the CONTAINER, or look up the public-facing port "  \
		       "that is NAT-ed to the PRIVATE_PORT",                                       \
	.options = port_options, .opts_size = sizeof(struct port_opts)

#define CMD_PORT                                                                                   \
	CMD_PORT_COMMON, .examples = "selkie port --all\n"                                         \
				     "selkie port ctrID 80/tcp\n"                                  \
				     "selkie port --latest 80"

#define CMD_CONTAINER_PORT                                                                         \
	CMD_PORT_COMMON, .examples = "selkie container port --all\n"                               \
				     "selkie container port --latest 80"
