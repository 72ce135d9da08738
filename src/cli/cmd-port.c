/* SPDX-License-Identifier: Apache-2.0 */
/* port: the published ports of running containers, worded and ordered as podman's. */
#include <stddef.h>
#include <stdio.h>

#include "cli/cmds-port.h"
#include "cli/ctr-context.h"
#include "ctr/network.h"
#include "net/ports.h"
#include "state/containers.h"
#include "util/strv.h"

#define O(st, field) offsetof(struct st, field)

const struct cli_option port_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(port_opts, all),
	  "Display port information for all containers", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(port_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

/* Print c's lines; a filter that matches none of them is an error, as in podman. */
static int port_print(struct ctr_ctx *x, const struct state_container *c, const char *filter,
		      bool prefix)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ struct net_port *ports = NULL;
	size_t n = 0;
	if (ctr_ports(x, c, &ports, &n, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **lines = net_ports_format(ports, n, filter);
	if (filter && !lines[0])
		return cli_failf("failed to find published port \"%s\"", filter);
	STRV_FOREACH (l, lines) {
		if (prefix)
			printf("%.12s\t%s\n", c->id, *l);
		else
			printf("%s\n", *l);
	}
	return 0;
}

int cmd_port(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct port_opts *o = opts;
	if (o->all && o->latest)
		return cli_failf("--all and --latest cannot be used together");
	if (argc == 0 && !o->all && !o->latest)
		return cli_failf("you must supply a running container name or id");
	if (o->all && argc > 0)
		return cli_failf("no arguments are needed with --all");
	/* with --latest the one argument is the port */
	const char *filter = o->latest ? (argc > 0 ? argv[0] : NULL) : (argc > 1 ? argv[1] : NULL);
	_cleanup_error_ struct sk_error *err = NULL;
	uint16_t port = 0;
	char proto[8];
	if (filter && net_port_filter_parse(filter, &port, proto, &err) < 0)
		return cli_fail(err);
	bool one = !o->all && !o->latest;
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, one ? 1 : 0, one ? argv : NULL, o->all, o->latest, false,
				 &list, &failed);
	if (rc != 0 || failed)
		return rc ? rc : EXIT_ENGINE;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	for (size_t i = 0; list[i]; i++) {
		/* podman shows the ports of running containers only */
		if (list[i]->state != STATE_CTR_RUNNING)
			continue;
		rc = port_print(x, list[i], filter, o->all);
		if (rc != 0)
			return rc;
	}
	return 0;
}
