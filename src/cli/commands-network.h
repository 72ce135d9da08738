/* SPDX-License-Identifier: Apache-2.0 */
/* Rows of the `network` group (commands-network.c), hung into the root table by commands.c. */
#pragma once

#include "cli/command.h"

extern const struct cli_command cli_network_commands[];
