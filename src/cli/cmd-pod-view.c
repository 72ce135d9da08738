/* SPDX-License-Identifier: Apache-2.0 */
/* pod logs, top and stats: the container commands' output over the pod's members. */
#include <stdio.h>
#include <string.h>

#include "cli/cmds-container.h"
#include "cli/cmds-pod.h"
#include "cli/ctr-context.h"
#include "cli/table-writer.h"
#include "ctr/cgroup-stats.h"
#include "ctr/top.h"
#include "oci/cgroup-resources.h"
#include "pod/pod.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int pod_one(struct cli_ctx *ctx, int argc, char **argv, bool latest, struct pod_info **ret)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	if (latest) {
		_cleanup_pod_info_list_ struct pod_info **all = NULL;
		if (pod_list(x, &all, &err) < 0)
			return cli_fail(err);
		if (!all[0])
			return cli_failf("no pods found");
		return pod_lookup(x, all[0]->pod->id, ret, &err) < 0 ? cli_fail(err) : 0;
	}
	if (argc < 1)
		return cli_failf("you must provide a pod name or ID");
	return pod_lookup(x, argv[0], ret, &err) < 0 ? cli_fail(err) : 0;
}

/* The pod's containers but its infra, by ID (what podman shows logs of). */
static char **members(const struct pod_info *p, bool with_infra)
{
	const struct state_container *infra = pod_infra(p);
	char **ids = strv_new(NULL);
	for (size_t i = 0; p->ctrs[i]; i++)
		if (with_infra || p->ctrs[i] != infra)
			strv_push(&ids, p->ctrs[i]->id);
	return ids;
}

int cmd_pod_logs(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_logs_opts *o = opts;
	_cleanup_pod_info_ struct pod_info *p = NULL;
	int rc = pod_one(ctx, argc, argv, o->latest, &p);
	if (rc)
		return rc;
	_cleanup_strv_free_ char **ids = NULL;
	if (o->container) {
		for (size_t i = 0; p->ctrs[i] && !ids; i++)
			if (streq(p->ctrs[i]->name, o->container) ||
			    strneq(p->ctrs[i]->id, o->container, strlen(o->container)))
				ids = strv_new(p->ctrs[i]->id, NULL);
		if (!ids)
			return cli_failf("container %s is not in pod %s: no such container",
					 o->container, p->pod->name);
	} else {
		ids = members(p, false);
	}
	struct logs_opts lo = {
		.follow = o->follow,
		.timestamps = o->timestamps,
		.names = o->names,
		.since = o->since,
		.until = o->until,
		.tail = o->tail,
	};
	if (!ids[0])
		return 0;
	return cmd_logs(ctx, &lo, (int)strv_length(ids), ids);
}

int cmd_pod_stats(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_stats_opts *o = opts;
	_cleanup_pod_info_ struct pod_info *p = NULL;
	int rc = pod_one(ctx, argc, argv, o->latest, &p);
	if (rc)
		return rc;
	_cleanup_strv_free_ char **ids = members(p, true);
	struct stats_opts so = {
		.all = true,
		.no_stream = o->no_stream,
		.no_reset = o->no_reset,
		.noheading = o->noheading,
		.format = o->format,
	};
	return cmd_stats(ctx, &so, (int)strv_length(ids), ids);
}

static char *rootfs_file(struct ctr_ctx *x, const struct state_container *c, const char *name)
{
	_cleanup_free_ char *rootfs = ctr_rootfs_dir(x, c->id);
	_cleanup_free_ char *path = xasprintf("%s%s", rootfs, name);
	char *buf = NULL;
	return fs_read_file(path, 4u << 20, &buf, NULL) < 0 ? NULL : buf;
}

/* One container's rows (with the header when lines is still empty). */
static int top_one(struct ctr_ctx *x, const struct state_container *c, char **args,
		   const struct ctr_top_opts *base, char ***lines, struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	_cleanup_free_ char *path = NULL;
	oci_cgroup_path_build(sk_json_str(sk_json_path(doc, "HostConfig"), "CgroupParent"), c->id,
			      &path, NULL);
	_cleanup_free_ pid_t *pids = NULL;
	size_t np = 0;
	int r = ctr_procs_read(c, path, &pids, &np, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *passwd = rootfs_file(x, c, "/etc/passwd");
	_cleanup_free_ char *group = rootfs_file(x, c, "/etc/group");
	struct ctr_top_opts to = *base;
	to.passwd = passwd;
	to.group = group;
	struct ctr_top_table t = { 0 };
	r = ctr_top_run(&to, pids, np, args, &t, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **got = ctr_top_table_lines(&t);
	ctr_top_table_done(&t);
	for (size_t i = *lines && (*lines)[0] ? 1 : 0; got && got[i]; i++)
		strv_push(lines, got[i]);
	return 0;
}

int cmd_pod_top(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_top_opts *o = opts;
	_cleanup_pod_info_ struct pod_info *p = NULL;
	int rc = pod_one(ctx, argc, argv, o->latest, &p);
	if (rc)
		return rc;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	cli_ctx_ctr(ctx, &x, &err);
	char **args = argv + (o->latest ? 0 : 1);
	if (!ctr_top_descriptors_valid(args))
		return cli_failf("unsupported format descriptors for a pod: %s", args[0]);
	_cleanup_free_ char *hpasswd = NULL, *hgroup = NULL;
	fs_read_file("/etc/passwd", 4u << 20, &hpasswd, NULL);
	fs_read_file("/etc/group", 4u << 20, &hgroup, NULL);
	struct ctr_top_opts base = { .host_passwd = hpasswd, .host_group = hgroup };
	_cleanup_strv_free_ char **lines = strv_new(NULL);
	bool any = false;
	for (size_t i = 0; p->ctrs[i]; i++) {
		if (p->ctrs[i]->state != STATE_CTR_RUNNING)
			continue;
		any = true;
		if (top_one(x, p->ctrs[i], args, &base, &lines, &err) < 0)
			return cli_fail(err);
	}
	if (!any)
		return cli_failf("pod top can only be used on pods with at least one running "
				 "container");
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	STRV_FOREACH (l, lines)
		table_writer_add_row(tw, *l);
	if (table_writer_flush(tw, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}
