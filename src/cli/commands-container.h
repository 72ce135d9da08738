/* SPDX-License-Identifier: Apache-2.0 */
/* Rows of container commands, shared by the `container` group and the top level. */
#pragma once

#include "cli/cmds-container.h"
#include "cli/command.h"

extern const struct cli_option create_options[], run_options[], start_options[], attach_options[],
	ps_options[], stop_options[], restart_options[], kill_options[], rm_options[],
	wait_options[], pause_options[], logs_options[], container_inspect_options[],
	exec_options[], stats_options[], top_options[];
extern const struct cli_command cli_healthcheck_commands[];
extern const struct cli_command cli_container_commands[];

#define CMD_CREATE                                                                                 \
	.handler = cmd_create, .flags = CLI_CMD_STOP_AT_ARG, .min_args = 1, .max_args = -1,        \
	.usage = "[options] IMAGE [COMMAND [ARG...]]",                                             \
	.summary = "Create but do not start a container",                                          \
	.description = "Creates a new container from the given image, ready to be started.",       \
	.examples = "selkie create alpine ls\n"                                                    \
		    "selkie create --annotation HELLO=WORLD alpine ls\n"                           \
		    "selkie create -t -i --name myctr alpine ls",                                  \
	.options = create_options, .opts_size = sizeof(struct run_opts)

#define CMD_RUN                                                                                    \
	.handler = cmd_run, .flags = CLI_CMD_STOP_AT_ARG, .min_args = 1, .max_args = -1,           \
	.usage = "[options] IMAGE [COMMAND [ARG...]]",                                             \
	.summary = "Run a command in a new container",                                             \
	.description = "Runs a command in a new container from the given image",                   \
	.examples = "selkie run imageID ls -alF /etc\n"                                            \
		    "selkie run --network=host imageID dnf -y install java\n"                      \
		    "selkie run --volume /var/hostdir:/var/ctrdir -i -t fedora /bin/bash",         \
	.options = run_options, .opts_size = sizeof(struct run_opts)

#define CMD_START                                                                                  \
	.handler = cmd_start, .min_args = 1, .max_args = -1,                                       \
	.usage = "[options] CONTAINER [CONTAINER...]", .summary = "Start one or more containers",  \
	.description = "Starts one or more containers.  The container name or ID can be used.",    \
	.options = start_options, .opts_size = sizeof(struct start_opts)

#define CMD_ATTACH                                                                                 \
	.handler = cmd_attach, .min_args = 0, .max_args = 1, .usage = "[options] CONTAINER",       \
	.summary = "Attach to a running container",                                                \
	.description = "The selkie attach command allows you to attach to a running container "    \
		       "using the container's ID or name, either to view its ongoing output or "   \
		       "to control it interactively.",                                             \
	.options = attach_options, .opts_size = sizeof(struct attach_opts)

#define CMD_PS                                                                                     \
	.handler = cmd_ps, .min_args = 0, .max_args = 0, .usage = "[options]",                     \
	.summary = "List containers",                                                              \
	.description = "Prints out information about the containers",                              \
	.examples = "selkie ps -a\n"                                                               \
		    "selkie ps -a --format \"{{.ID}}  {{.Image}}  {{.Labels}}  {{.Mounts}}\"\n"    \
		    "selkie ps --size --sort names",                                               \
	.options = ps_options, .opts_size = sizeof(struct ps_opts)

#define CMD_STOP                                                                                   \
	.handler = cmd_stop, .min_args = 0, .max_args = -1,                                        \
	.usage = "[options] CONTAINER [CONTAINER...]", .summary = "Stop one or more containers",   \
	.description = "Stops one or more running containers.  The container name or ID can be "   \
		       "used.",                                                                    \
	.options = stop_options, .opts_size = sizeof(struct stop_opts)

#define CMD_RESTART                                                                                \
	.handler = cmd_restart, .min_args = 0, .max_args = -1,                                     \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Restart one or more containers", .options = restart_options,                   \
	.opts_size = sizeof(struct restart_opts)

#define CMD_KILL                                                                                   \
	.handler = cmd_kill, .min_args = 0, .max_args = -1,                                        \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Kill one or more running containers with a specific signal",                   \
	.options = kill_options, .opts_size = sizeof(struct kill_opts)

#define CMD_RM                                                                                     \
	.handler = cmd_rm, .min_args = 0, .max_args = -1,                                          \
	.usage = "[options] CONTAINER [CONTAINER...]", .summary = "Remove one or more containers", \
	.options = rm_options, .opts_size = sizeof(struct rm_opts)

#define CMD_WAIT                                                                                   \
	.handler = cmd_wait, .min_args = 0, .max_args = -1,                                        \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Block on one or more containers",                                              \
	.description = "Block until one or more containers stop and then print their exit codes.", \
	.options = wait_options, .opts_size = sizeof(struct wait_opts)

#define CMD_PAUSE                                                                                  \
	.handler = cmd_pause, .min_args = 0, .max_args = -1,                                       \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Pause all the processes in one or more containers", .options = pause_options,  \
	.opts_size = sizeof(struct pause_opts)

#define CMD_UNPAUSE                                                                                \
	.handler = cmd_unpause, .min_args = 0, .max_args = -1,                                     \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Unpause the processes in one or more containers", .options = pause_options,    \
	.opts_size = sizeof(struct pause_opts)

#define CMD_RENAME                                                                                 \
	.handler = cmd_rename, .min_args = 2, .max_args = 2, .usage = "CONTAINER NAME",            \
	.summary = "Rename an existing container"

#define CMD_LOGS                                                                                   \
	.handler = cmd_logs, .min_args = 0, .max_args = -1,                                        \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Fetch the logs of one or more containers", .options = logs_options,            \
	.opts_size = sizeof(struct logs_opts)

#define CMD_CONTAINER_INSPECT                                                                      \
	.handler = cmd_container_inspect, .min_args = 0, .max_args = -1,                           \
	.usage = "[options] CONTAINER [CONTAINER...]",                                             \
	.summary = "Display the configuration of a container",                                     \
	.options = container_inspect_options, .opts_size = sizeof(struct container_inspect_opts)

#define CMD_EXEC                                                                                   \
	.handler = cmd_exec, .flags = CLI_CMD_STOP_AT_ARG, .min_args = 1, .max_args = -1,          \
	.usage = "[options] CONTAINER [COMMAND [ARG...]]",                                         \
	.summary = "Run a process in a running container",                                         \
	.examples = "selkie exec -it ctrID ls\n"                                                   \
		    "selkie exec -it -w /tmp myCtr pwd\n"                                          \
		    "selkie exec --user root ctrID ls",                                            \
	.options = exec_options, .opts_size = sizeof(struct exec_opts)

#define CMD_STATS                                                                                  \
	.handler = cmd_stats, .min_args = 0, .max_args = -1, .usage = "[options] [CONTAINER...]",  \
	.summary = "Display a live stream of container resource usage statistics",                 \
	.options = stats_options, .opts_size = sizeof(struct stats_opts)

#define CMD_TOP                                                                                    \
	.handler = cmd_top, .flags = CLI_CMD_STOP_AT_ARG, .min_args = 0, .max_args = -1,           \
	.usage = "[options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",                               \
	.summary = "Display the running processes of a container", .options = top_options,         \
	.opts_size = sizeof(struct top_opts)
