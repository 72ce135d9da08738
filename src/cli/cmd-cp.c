/* SPDX-License-Identifier: Apache-2.0 */
/* cp: "[CONTAINER:]PATH" arguments as podman parses them, then one library call. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds-container-fs.h"
#include "cli/ctr-context.h"
#include "ctr/cp.h"
#include "util/xalloc.h"

/* "NAME:PATH" names a container path unless it starts with "." or "/" (podman's rule, so a
 * host path may hold a colon). */
static void arg_split(const char *arg, char **ret_ctr, const char **ret_path)
{
	const char *colon = strchr(arg, ':');
	*ret_ctr = NULL;
	*ret_path = arg;
	if (arg[0] == '.' || arg[0] == '/' || !colon)
		return;
	*ret_ctr = xstrndup(arg, (size_t)(colon - arg));
	*ret_path = colon + 1;
}

static int end_lookup(struct ctr_ctx *x, const char *name, struct state_container **ret,
		      struct sk_error **err)
{
	int r = ctr_lookup(x, name, ret, err);
	if (r < 0 && (*err)->kind == SK_ERR_NOTFOUND) {
		sk_error_free(TAKE_PTR(*err));
		return sk_err_notfound(err, "container \"%s\" does not exist", name);
	}
	return r;
}

int cmd_cp(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct cp_opts *o = opts_;
	(void)argc;
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *src_ctr = NULL;
	_cleanup_free_ char *dst_ctr = NULL;
	const char *src_path, *dst_path;
	arg_split(argv[0], &src_ctr, &src_path);
	arg_split(argv[1], &dst_ctr, &dst_path);
	if (!src_path[0] || !dst_path[0])
		return cli_failf("invalid arguments \"%s\", \"%s\": you must specify paths",
				 argv[0], argv[1]);
	if ((src_ctr && !src_ctr[0]) || (dst_ctr && !dst_ctr[0]) || (!src_ctr && !dst_ctr))
		return cli_failf("name or ID cannot be empty");
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_state_container_ struct state_container *src_c = NULL;
	_cleanup_state_container_ struct state_container *dst_c = NULL;
	if (src_ctr && end_lookup(x, src_ctr, &src_c, &err) < 0)
		return cli_fail(err);
	if (dst_ctr && end_lookup(x, dst_ctr, &dst_c, &err) < 0)
		return cli_fail(err);
	struct ctr_cp_end src = {
		.ctr = src_c,
		.ctr_name = src_ctr,
		.path = src_path,
		.stdio_fd = STDIN_FILENO,
	};
	struct ctr_cp_end dst = {
		.ctr = dst_c,
		.ctr_name = dst_ctr,
		.path = dst_path,
		.stdio_fd = STDOUT_FILENO,
	};
	struct ctr_cp_opts co = {
		.archive = o->archive,
		.follow_link = o->follow_link,
		.overwrite = o->overwrite,
	};
	if (src_c && streq(dst_path, "-"))
		fflush(stdout);
	if (ctr_cp(x, &src, &dst, &co, &err) < 0)
		return cli_fail(err);
	return 0;
}
