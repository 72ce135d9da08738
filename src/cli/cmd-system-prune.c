/* SPDX-License-Identifier: Apache-2.0 */
/* system prune and system reset: the container, image and volume prunes in one go, and
 * removing everything selkie stores. */
#include <stdio.h>
#include <string.h>

#include "cli/cmds-container.h"
#include "cli/cmds-volume.h"
#include "cli/cmds.h"
#include "cli/ctr-context.h"
#include "config/userns.h"
#include "ctr/ctr.h"
#include "store/mount.h"
#include "util/fs.h"
#include "util/xalloc.h"

static bool confirm(const char *text)
{
	fputs(text, stdout);
	fputs("Are you sure you want to continue? [y/N] ", stdout);
	fflush(stdout);
	char line[16] = "";
	return fgets(line, sizeof(line), stdin) && (line[0] == 'y' || line[0] == 'Y');
}

int cmd_system_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct system_prune_opts *o = opts;
	if (!o->force) {
		const char *text =
			o->all ? "WARNING! This command removes:\n"
				 "\t- all stopped containers\n"
				 "\t- all pods without running containers\n"
				 "\t- all images without at least one container associated "
				 "with them\n"
				 "\t- all build cache\n"
			       : "WARNING! This command removes:\n"
				 "\t- all stopped containers\n"
				 "\t- all pods without running containers\n"
				 "\t- all dangling images\n"
				 "\t- all build cache\n";
		if (o->volumes)
			text = xasprintf("%s\t- all volumes not used by at least one container\n",
					 text);
		if (!confirm(text))
			return 0;
	}
	struct container_prune_opts co = { .force = true, .filters = o->filters };
	puts("Deleted Containers");
	int rc = cmd_container_prune(ctx, &co, 0, argv);
	if (o->volumes) {
		struct volume_prune_opts vo = { .force = true, .filters = o->filters };
		puts("Deleted Volumes");
		rc = rc ? rc : cmd_volume_prune(ctx, &vo, 0, argv);
	}
	struct image_prune_opts io = { .all = o->all, .force = true, .filters = o->filters };
	puts("Deleted Images");
	rc = rc ? rc : cmd_image_prune(ctx, &io, 0, argv);
	return rc;
	(void)argc;
}

int cmd_system_reset(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct system_reset_opts *o = opts;
	if (!o->force && !confirm("WARNING! This will remove:\n"
				  "        - all containers\n"
				  "        - all pods\n"
				  "        - all images\n"
				  "        - all networks\n"
				  "        - all build cache\n"
				  "        - all machines\n"
				  "        - all volumes\n"))
		return 0;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	if (ctr_list(x, &list, &err) < 0)
		return cli_fail(err);
	for (size_t i = 0; list[i]; i++)
		if (ctr_remove(x, list[i], true, true, 0, &err) < 0)
			cli_fail_take(&err);
	/* Everything else goes with the directories; close the store first. */
	_cleanup_free_ char *graph = xstrdup(ctx->paths.graph_root);
	_cleanup_free_ char *run = xstrdup(ctx->paths.run_root);
	cli_ctx_release_store(ctx);
	store_unmount_all_below(graph);
	store_unmount_all_below(run);
	/* rootless: the namespace's holder goes too (its pid file may live in the run root), as
	 * podman's reset ends its pause process */
	if (config_userns_rootless() && config_userns_holder_stop(&err) < 0)
		cli_fail_take(&err);
	int r = fs_rm_rf(graph);
	if (r < 0)
		return cli_failf("remove %s: %s", graph, strerror(-r));
	fs_rm_rf(run);
	return 0;
	(void)argc;
	(void)argv;
}
