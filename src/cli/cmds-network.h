/* SPDX-License-Identifier: Apache-2.0 */
/* The `network` group's handlers and their options structs (rows in commands-network.c). */
#pragma once

#include <stdbool.h>

#include "cli/context.h"

struct network_create_opts {
	char **subnets;
	char **gateways;
	char **ip_ranges;
	bool internal;
	bool disable_dns;
	char *driver;
	char **opts;
	char **labels;
	bool ipv6;
	char *interface_name;
	bool ignore;
};
int cmd_network_create(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_ls_opts {
	char **filters;
	char *format;
	bool quiet;
	bool no_trunc;
	bool noheading;
};
int cmd_network_ls(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_inspect_opts {
	char *format;
};
int cmd_network_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_rm_opts {
	bool force;
	char *time; /* seconds to wait for running users to stop (with force) */
};
int cmd_network_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_prune_opts {
	char **filters;
	bool force;
};
int cmd_network_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_network_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv);

/* connect, disconnect and reload (cmd-network-connect.c) */
struct network_connect_opts {
	char **aliases;
	char *ip;
	char *mac;
};
int cmd_network_connect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_disconnect_opts {
	bool force;
};
int cmd_network_disconnect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct network_reload_opts {
	bool all;
	bool latest;
};
int cmd_network_reload(struct cli_ctx *ctx, void *opts, int argc, char **argv);
