/* SPDX-License-Identifier: Apache-2.0 */
/* The `network` group's rows and option tables (STYLE.md "Commands"). */
#include <stddef.h>

#include "cli/cmds-network.h"
#include "cli/commands-network.h"

#define O(st, field) offsetof(struct st, field)

static const struct cli_option network_create_options[] = {
	{ "disable-dns", 0, CLI_OPT_BOOL, O(network_create_opts, disable_dns), "disable dns plugin",
	  NULL, 0 },
	{ "driver", 'd', CLI_OPT_STRING, O(network_create_opts, driver),
	  "driver to manage the network", "\"bridge\"", 0 },
	{ "gateway", 0, CLI_OPT_STRV_CSV, O(network_create_opts, gateways),
	  "IPv4 or IPv6 gateway for the subnet", "[]", 0 },
	{ "ignore", 0, CLI_OPT_BOOL, O(network_create_opts, ignore),
	  "Don't fail if network already exists", NULL, 0 },
	{ "interface-name", 0, CLI_OPT_STRING, O(network_create_opts, interface_name),
	  "interface name which is used by the driver", NULL, 0 },
	{ "internal", 0, CLI_OPT_BOOL, O(network_create_opts, internal),
	  "restrict external access from this network", NULL, 0 },
	{ "ip-range", 0, CLI_OPT_STRV, O(network_create_opts, ip_ranges),
	  "allocate container IP from range", NULL, 0 },
	{ "ipv6", 0, CLI_OPT_BOOL, O(network_create_opts, ipv6), "enable IPv6 networking", NULL,
	  0 },
	{ "label", 0, CLI_OPT_STRV, O(network_create_opts, labels), "set metadata on a network",
	  NULL, 0 },
	{ "opt", 'o', CLI_OPT_STRV, O(network_create_opts, opts), "Set driver specific options",
	  "[]", 0 },
	{ "subnet", 0, CLI_OPT_STRV, O(network_create_opts, subnets), "subnets in CIDR format",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_ls_options[] = {
	{ "filter", 'f', CLI_OPT_STRV, O(network_ls_opts, filters),
	  "Provide filter values (e.g. 'name=selkie')", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(network_ls_opts, format),
	  "Pretty-print networks to JSON or using a Go template", NULL, 0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(network_ls_opts, no_trunc),
	  "Do not truncate the network ID", NULL, 0 },
	{ "noheading", 0, CLI_OPT_BOOL, O(network_ls_opts, noheading), "Do not print headers", NULL,
	  0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(network_ls_opts, quiet), "display only names", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_inspect_options[] = {
	{ "format", 'f', CLI_OPT_STRING, O(network_inspect_opts, format),
	  "Pretty-print network to JSON or using a Go template", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_rm_options[] = {
	{ "force", 'f', CLI_OPT_BOOL, O(network_rm_opts, force),
	  "remove any containers using network", NULL, 0 },
	{ "time", 't', CLI_OPT_STRING, O(network_rm_opts, time),
	  "Seconds to wait for running containers to stop before killing the container", "10", 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_prune_options[] = {
	{ "filter", 0, CLI_OPT_STRV, O(network_prune_opts, filters),
	  "Provide filter values (e.g. 'label=<key>=<value>')", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(network_prune_opts, force),
	  "do not prompt for confirmation", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_connect_options[] = {
	{ "alias", 0, CLI_OPT_STRV, O(network_connect_opts, aliases),
	  "network scoped alias for container", NULL, 0 },
	{ "ip", 0, CLI_OPT_STRING, O(network_connect_opts, ip), "set a static ipv4 address", NULL,
	  0 },
	{ "mac-address", 0, CLI_OPT_STRING, O(network_connect_opts, mac),
	  "set a static mac address", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_disconnect_options[] = {
	{ "force", 'f', CLI_OPT_BOOL, O(network_disconnect_opts, force),
	  "force operation (also when the network is gone)", NULL, 0 },
	CLI_OPTIONS_END,
};

static const struct cli_option network_reload_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(network_reload_opts, all),
	  "reload network configuration of all containers", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(network_reload_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_command cli_network_commands[] = {
	{ .name = "connect",
	  .handler = cmd_network_connect,
	  .min_args = 2,
	  .max_args = 2,
	  .usage = "[options] NETWORK CONTAINER",
	  .summary = "network connect",
	  .description = "Add container to a network; a running container gets the interface "
			 "at once",
	  .examples = "selkie network connect web backend\n"
		      "selkie network connect --alias db --ip 10.91.0.20 backend db1",
	  .options = network_connect_options,
	  .opts_size = sizeof(struct network_connect_opts) },
	{ .name = "create",
	  .handler = cmd_network_create,
	  .min_args = 0,
	  .max_args = 1,
	  .usage = "[options] [NAME]",
	  .summary = "network create",
	  .description = "Create networks for containers and pods",
	  .examples = "selkie network create mynet\n"
		      "selkie network create --subnet 10.92.0.0/24 --gateway 10.92.0.254 mynet\n"
		      "selkie network create -d macvlan -o parent=eth0 --subnet 192.168.1.0/24 lan",
	  .options = network_create_options,
	  .opts_size = sizeof(struct network_create_opts) },
	{ .name = "disconnect",
	  .handler = cmd_network_disconnect,
	  .min_args = 2,
	  .max_args = 2,
	  .usage = "[options] NETWORK CONTAINER",
	  .summary = "network disconnect",
	  .description = "Disconnect a container from a network; a running container loses the "
			 "interface at once",
	  .examples = "selkie network disconnect backend db1",
	  .options = network_disconnect_options,
	  .opts_size = sizeof(struct network_disconnect_opts) },
	{ .name = "exists",
	  .handler = cmd_network_exists,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "NETWORK",
	  .summary = "network exists",
	  .description = "If a network with the given name or ID exists, selkie network exists "
			 "exits with 0, otherwise the exit code will be 1.",
	  .examples = "selkie network exists net1" },
	{ .name = "inspect",
	  .handler = cmd_network_inspect,
	  .min_args = 1,
	  .max_args = -1,
	  .usage = "[options] NETWORK [NETWORK...]",
	  .summary = "Inspect network",
	  .description = "Displays the network configuration for one or more networks.",
	  .examples = "selkie network inspect selkie\n"
		      "selkie network inspect --format '{{.Name}} {{.Driver}}' selkie",
	  .options = network_inspect_options,
	  .opts_size = sizeof(struct network_inspect_opts) },
	{ .name = "ls",
	  .aliases = ALIASES("list"),
	  .handler = cmd_network_ls,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "network list",
	  .description = "List networks",
	  .examples = "selkie network ls\n"
		      "selkie network ls --filter driver=bridge --format '{{.Name}}'",
	  .options = network_ls_options,
	  .opts_size = sizeof(struct network_ls_opts) },
	{ .name = "prune",
	  .handler = cmd_network_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "network prune",
	  .description = "Prune unused networks: every one no container uses, except the "
			 "default network.",
	  .options = network_prune_options,
	  .opts_size = sizeof(struct network_prune_opts) },
	{ .name = "reload",
	  .handler = cmd_network_reload,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] [CONTAINER...]",
	  .summary = "Reload network configuration for containers",
	  .description = "Set up again the firewall rules of running containers (after a "
			 "firewall reload flushed them); containers whose rules are intact are "
			 "left alone",
	  .examples = "selkie network reload web\n"
		      "selkie network reload --all",
	  .options = network_reload_options,
	  .opts_size = sizeof(struct network_reload_opts) },
	{ .name = "rm",
	  .aliases = ALIASES("remove"),
	  .handler = cmd_network_rm,
	  .min_args = 1,
	  .max_args = -1,
	  .usage = "[options] NETWORK [NETWORK...]",
	  .summary = "network rm",
	  .description = "Remove networks. With --force the containers using them are removed "
			 "first.",
	  .examples = "selkie network rm mynet\n"
		      "selkie network rm -f mynet",
	  .options = network_rm_options,
	  .opts_size = sizeof(struct network_rm_opts) },
	CLI_COMMANDS_END,
};
