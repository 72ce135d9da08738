/* SPDX-License-Identifier: Apache-2.0 */
/* Option tables and rows of the `pod` command group (STYLE.md "Commands"). */
#include <stddef.h>

#include "cli/cmds-pod.h"
#include "cli/commands-pod.h"

#define O(st, field) offsetof(struct st, field)

static const struct cli_option pod_create_options[] = {
	{ "add-host", 0, CLI_OPT_STRV_CSV, O(pod_create_cli_opts, add_host),
	  "Add a custom host-to-IP mapping (host:ip)", NULL, 0 },
	{ "dns", 0, CLI_OPT_STRV_CSV, O(pod_create_cli_opts, dns), "Set custom DNS servers", NULL,
	  0 },
	{ "hostname", 0, CLI_OPT_STRING, O(pod_create_cli_opts, hostname),
	  "Set a hostname to the pod", NULL, 0 },
	{ "infra", 0, CLI_OPT_BOOL, O(pod_create_cli_opts, infra),
	  "Create an infra container associated with the pod to share namespaces with", "true",
	  CLI_OPT_DEFAULT_TRUE },
	{ "infra-image", 0, CLI_OPT_STRING, O(pod_create_cli_opts, infra_image),
	  "Image to use to override builtin infra container", NULL, 0 },
	{ "infra-name", 0, CLI_OPT_STRING, O(pod_create_cli_opts, infra_name),
	  "Name used for the pod's infra container", NULL, 0 },
	{ "label", 'l', CLI_OPT_STRV, O(pod_create_cli_opts, labels),
	  "Set metadata on pod (default [])", NULL, 0 },
	{ "name", 'n', CLI_OPT_STRING, O(pod_create_cli_opts, name), "Assign a name to the pod",
	  NULL, 0 },
	{ "network", 0, CLI_OPT_STRV, O(pod_create_cli_opts, networks),
	  "Connect a container to a network", NULL, 0 },
	{ "net", 0, CLI_OPT_STRV, O(pod_create_cli_opts, networks),
	  "Connect a container to a network", NULL, CLI_OPT_HIDDEN },
	{ "publish", 'p', CLI_OPT_STRV, O(pod_create_cli_opts, publish),
	  "Publish a container's port, or a range of ports, to the host (default [])", NULL, 0 },
	{ "share", 0, CLI_OPT_STRING, O(pod_create_cli_opts, share),
	  "A comma delimited list of kernel namespaces the pod will share", "\"ipc,net,uts\"", 0 },
	{ "userns", 0, CLI_OPT_STRING, O(pod_create_cli_opts, userns),
	  "User namespace to use for the pod's containers", NULL, 0 },
	CLI_OPTIONS_END,
};

#define ACT_OPTIONS(st, what)                                                                      \
	{ "all", 'a', CLI_OPT_BOOL, O(st, all), what " all pods", NULL, 0 },                       \
	{                                                                                          \
		"latest", 'l', CLI_OPT_BOOL, O(st, latest),                                        \
			"Act on the latest pod selkie is aware of", NULL, 0                        \
	}

static const struct cli_option pod_start_options[] = { ACT_OPTIONS(pod_act_opts, "Start"),
						       CLI_OPTIONS_END };
static const struct cli_option pod_pause_options[] = { ACT_OPTIONS(pod_act_opts, "Pause"),
						       CLI_OPTIONS_END };
static const struct cli_option pod_unpause_options[] = { ACT_OPTIONS(pod_act_opts, "Unpause"),
							 CLI_OPTIONS_END };
static const struct cli_option pod_restart_options[] = { ACT_OPTIONS(pod_act_opts, "Restart"),
							 CLI_OPTIONS_END };

static const struct cli_option pod_stop_options[] = {
	ACT_OPTIONS(pod_stop_opts, "Stop"),
	{ "ignore", 'i', CLI_OPT_BOOL, O(pod_stop_opts, ignore),
	  "Ignore errors when a specified pod is missing", NULL, 0 },
	{ "time", 't', CLI_OPT_STRING, O(pod_stop_opts, time),
	  "Seconds to wait for pod stop before killing the container", "10", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_kill_options[] = {
	ACT_OPTIONS(pod_kill_opts, "Kill"),
	{ "signal", 's', CLI_OPT_STRING, O(pod_kill_opts, signal),
	  "Signal to send to the containers in the pod", "\"KILL\"", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_rm_options[] = {
	ACT_OPTIONS(pod_rm_opts, "Remove"),
	{ "force", 'f', CLI_OPT_BOOL, O(pod_rm_opts, force),
	  "Force removal of a running pod by first stopping all containers, then removing all "
	  "containers in the pod",
	  NULL, 0 },
	{ "ignore", 'i', CLI_OPT_BOOL, O(pod_rm_opts, ignore),
	  "Ignore errors when a specified pod is missing", NULL, 0 },
	{ "time", 't', CLI_OPT_STRING, O(pod_rm_opts, time),
	  "Seconds to wait for pod stop before killing the container", "10", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_prune_options[] = {
	{ "force", 'f', CLI_OPT_BOOL, O(pod_prune_opts, force),
	  "Do not prompt for confirmation.  The default is false", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_ps_options[] = {
	{ "ctr-ids", 0, CLI_OPT_BOOL, O(pod_ps_opts, ctr_ids), "Display the container UUIDs", NULL,
	  0 },
	{ "ctr-names", 0, CLI_OPT_BOOL, O(pod_ps_opts, ctr_names), "Display the container names",
	  NULL, 0 },
	{ "ctr-status", 0, CLI_OPT_BOOL, O(pod_ps_opts, ctr_status), "Display the container status",
	  NULL, 0 },
	{ "filter", 'f', CLI_OPT_STRV, O(pod_ps_opts, filters),
	  "Filter output based on conditions given", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(pod_ps_opts, format),
	  "Pretty-print pods to JSON or using a Go template", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(pod_ps_opts, latest),
	  "Act on the latest pod selkie is aware of", NULL, 0 },
	{ "noheading", 0, CLI_OPT_BOOL, O(pod_ps_opts, noheading), "Do not print headers", NULL,
	  0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(pod_ps_opts, no_trunc),
	  "Do not truncate pod and container IDs", NULL, 0 },
	{ "ns", 0, CLI_OPT_BOOL, O(pod_ps_opts, namespace),
	  "Display namespace information of the pod", NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(pod_ps_opts, quiet),
	  "Print the numeric IDs of the pods only", NULL, 0 },
	{ "sort", 0, CLI_OPT_STRING, O(pod_ps_opts, sort),
	  "Sort output by created, id, name, number, or status", "\"created\"", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_inspect_options[] = {
	{ "format", 'f', CLI_OPT_STRING, O(pod_inspect_opts, format),
	  "Format the output to a Go template or json", "\"json\"", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(pod_inspect_opts, latest),
	  "Act on the latest pod selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_logs_options[] = {
	{ "container", 'c', CLI_OPT_STRING, O(pod_logs_opts, container),
	  "Filter logs by container name or id which belongs to pod", NULL, 0 },
	{ "follow", 'f', CLI_OPT_BOOL, O(pod_logs_opts, follow), "Follow log output", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(pod_logs_opts, latest),
	  "Act on the latest pod selkie is aware of", NULL, 0 },
	{ "names", 'n', CLI_OPT_BOOL, O(pod_logs_opts, names),
	  "Output container names instead of IDs", NULL, 0 },
	{ "since", 0, CLI_OPT_STRING, O(pod_logs_opts, since), "Show logs since TIMESTAMP", NULL,
	  0 },
	{ "tail", 0, CLI_OPT_STRING, O(pod_logs_opts, tail),
	  "Output the specified number of LINES at the end of the logs", "-1", 0 },
	{ "timestamps", 't', CLI_OPT_BOOL, O(pod_logs_opts, timestamps),
	  "Output the timestamps in the log", NULL, 0 },
	{ "until", 0, CLI_OPT_STRING, O(pod_logs_opts, until), "Show logs until TIMESTAMP", NULL,
	  0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_top_options[] = {
	{ "latest", 'l', CLI_OPT_BOOL, O(pod_top_opts, latest),
	  "Act on the latest pod selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option pod_stats_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(pod_stats_opts, all), "Provide stats for all pods", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(pod_stats_opts, format),
	  "Pretty-print container statistics to JSON or using a Go template", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(pod_stats_opts, latest),
	  "Act on the latest pod selkie is aware of", NULL, 0 },
	{ "no-reset", 0, CLI_OPT_BOOL, O(pod_stats_opts, no_reset),
	  "Disable resetting the screen when streaming", NULL, 0 },
	{ "no-stream", 0, CLI_OPT_BOOL, O(pod_stats_opts, no_stream),
	  "Disable streaming stats and only pull the first result", NULL, 0 },
	{ "noheading", 0, CLI_OPT_BOOL, O(pod_stats_opts, noheading), "Do not print headers", NULL,
	  0 },
	CLI_OPTIONS_END,
};

#define POD_ACT(verb, fn, opts_arr, st, text)                                                      \
	{                                                                                          \
		.name = verb, .handler = fn, .min_args = 0, .max_args = -1,                        \
		.usage = "[options] POD [POD...]", .summary = text, .options = opts_arr,           \
		.opts_size = sizeof(struct st)                                                     \
	}

const struct cli_command cli_pod_commands[] = {
	{ .name = "create",
	  .handler = cmd_pod_create,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [NAME]",
	  .summary = "Create a new empty pod",
	  .description = "After creating the pod, the pod ID is printed to stdout.\n\n"
			 "You can then start it at any time with the selkie pod start <pod_id> "
			 "command. The pod will be created with the initial state 'created'.",
	  .examples = "selkie pod create\n"
		      "selkie pod create --label foo=bar mypod\n"
		      "selkie pod create --name pod-web -p 8080:80",
	  .options = pod_create_options,
	  .opts_size = sizeof(struct pod_create_cli_opts) },
	{ .name = "exists",
	  .handler = cmd_pod_exists,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "POD",
	  .summary = "Check if a pod exists in local storage",
	  .description = "If the named pod exists in local storage, selkie pod exists exits with "
			 "0, otherwise the exit code will be 1." },
	{ .name = "inspect",
	  .handler = cmd_pod_inspect,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] POD",
	  .summary = "Displays a pod configuration",
	  .description = "Display the configuration for a pod by name or id.\n\n"
			 "By default, this will render all results in a JSON array.",
	  .options = pod_inspect_options,
	  .opts_size = sizeof(struct pod_inspect_opts) },
	POD_ACT("kill", cmd_pod_kill, pod_kill_options, pod_kill_opts,
		"Send the specified signal or SIGKILL to containers in pod"),
	{ .name = "logs",
	  .handler = cmd_pod_logs,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] POD",
	  .summary = "Fetch logs for pod with one or more containers",
	  .options = pod_logs_options,
	  .opts_size = sizeof(struct pod_logs_opts) },
	POD_ACT("pause", cmd_pod_pause, pod_pause_options, pod_act_opts, "Pause one or more pods"),
	{ .name = "prune",
	  .handler = cmd_pod_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Remove all stopped pods and their containers",
	  .options = pod_prune_options,
	  .opts_size = sizeof(struct pod_prune_opts) },
	{ .name = "ps",
	  .aliases = ALIASES("ls", "list"),
	  .handler = cmd_pod_ps,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "List pods",
	  .options = pod_ps_options,
	  .opts_size = sizeof(struct pod_ps_opts) },
	POD_ACT("restart", cmd_pod_restart, pod_restart_options, pod_act_opts,
		"Restart one or more pods"),
	POD_ACT("rm", cmd_pod_rm, pod_rm_options, pod_rm_opts, "Remove one or more pods"),
	POD_ACT("start", cmd_pod_start, pod_start_options, pod_act_opts, "Start one or more pods"),
	{ .name = "stats",
	  .handler = cmd_pod_stats,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [POD]",
	  .summary = "Display a live stream of resource usage statistics for the containers in "
		     "one or more pods",
	  .options = pod_stats_options,
	  .opts_size = sizeof(struct pod_stats_opts) },
	POD_ACT("stop", cmd_pod_stop, pod_stop_options, pod_stop_opts, "Stop one or more pods"),
	{ .name = "top",
	  .handler = cmd_pod_top,
	  .flags = CLI_CMD_STOP_AT_ARG,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] POD [FORMAT-DESCRIPTORS|ARGS...]",
	  .summary = "Display the running processes of containers in a pod",
	  .options = pod_top_options,
	  .opts_size = sizeof(struct pod_top_opts) },
	POD_ACT("unpause", cmd_pod_unpause, pod_unpause_options, pod_act_opts,
		"Unpause one or more pods"),
	CLI_COMMANDS_END,
};
