/* SPDX-License-Identifier: Apache-2.0 */
/* The `pod` command group's rows (commands-pod.c). */
#pragma once

#include "cli/command.h"

extern const struct cli_command cli_pod_commands[];
