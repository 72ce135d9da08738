/* SPDX-License-Identifier: Apache-2.0 */
/* stats and top: the readings come from ctr/cgroup-stats.h and ctr/top.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "cli/format-template.h"
#include "cli/table-writer.h"
#include "ctr/cgroup-stats.h"
#include "ctr/exec.h"
#include "ctr/stats-format.h"
#include "ctr/top.h"
#include "oci/cgroup-resources.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static char *cgroup_path_of(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	char *path = NULL;
	oci_cgroup_path_build(sk_json_str(sk_json_path(doc, "HostConfig"), "CgroupParent"), c->id,
			      &path, NULL);
	return path;
}

struct stats_slot {
	struct ctr_stats_report prev;
	bool has_prev;
	struct ctr_cgroup_stats st;
};

static json_t *stats_row(const struct state_container *c, struct stats_slot *slot, uint64_t mem,
			 bool json, bool no_trunc)
{
	bool running = c->state == STATE_CTR_RUNNING || c->state == STATE_CTR_PAUSED;
	ctr_cgroup_stats_done(&slot->st);
	memset(&slot->st, 0, sizeof(slot->st));
	if (running) {
		_cleanup_free_ char *path = cgroup_path_of(c);
		_cleanup_free_ char *netdev = xasprintf("/proc/%d/net/dev", c->pid);
		if (ctr_cgroup_stats_read(CTR_CGROUP_ROOT, path, mem, &slot->st, NULL) < 0)
			running = false;
		else
			ctr_net_dev_read(netdev, &slot->st.net_rx_bytes, &slot->st.net_tx_bytes,
					 NULL);
	}
	struct ctr_stats_report r = { .id = c->id, .name = c->name };
	ctr_stats_report_compute(&slot->st, time_now_ns(), c->started_at,
				 slot->has_prev ? &slot->prev : NULL, running, &r);
	slot->prev = r;
	slot->has_prev = true;
	return json ? ctr_stats_report_json(&r, no_trunc) : ctr_stats_report_row(&r, no_trunc);
}

int cmd_stats(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct stats_opts *o = opts;
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	bool all = o->all || argc == 0;
	int rc = cli_ctr_targets(ctx, argc, argv, all && !o->latest, o->latest, false, &list,
				 &failed);
	if (rc != 0 || failed)
		return rc ? rc : EXIT_ENGINE;
	_cleanup_error_ struct sk_error *err = NULL;
	uint64_t mem = 0;
	ctr_host_mem_total("/proc/meminfo", &mem, NULL);
	size_t n = 0;
	while (list[n])
		n++;
	_cleanup_free_ struct stats_slot *slots = xnew(struct stats_slot, n + 1);
	bool json = o->format && format_is_json(o->format);
	bool stream = !o->no_stream && !json;
	for (;;) {
		_cleanup_json_ json_t *rows = json_array();
		for (size_t i = 0; i < n; i++) {
			if (!o->all && argc == 0 && list[i]->state != STATE_CTR_RUNNING)
				continue;
			json_array_append_new(
				rows, stats_row(list[i], &slots[i], mem, json, o->no_trunc));
		}
		if (stream && isatty(STDOUT_FILENO))
			fputs("\033[2J\033[H", stdout);
		if (json) {
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			format_json_write(&sb, rows, 1, true);
			printf("%s\n", sb.buf);
		} else if (format_print_list(o->format, rows, CTR_STATS_FORMAT_DEFAULT,
					     ctr_stats_header_map(), o->noheading, stdout,
					     &err) < 0) {
			rc = cli_fail(err);
			break;
		}
		fflush(stdout);
		if (!stream)
			break;
		sleep(o->interval > 0 ? (unsigned)o->interval : 5);
	}
	for (size_t i = 0; i < n; i++)
		ctr_cgroup_stats_done(&slots[i].st);
	return rc;
}

static char *rootfs_file(struct ctr_ctx *x, const struct state_container *c, const char *name)
{
	_cleanup_free_ char *rootfs = ctr_rootfs_dir(x, c->id);
	_cleanup_free_ char *path = xasprintf("%s%s", rootfs, name);
	char *buf = NULL;
	if (fs_read_file(path, 4u << 20, &buf, NULL) < 0)
		return NULL;
	return buf;
}

/* Arguments that are not descriptors are ps(1) options, run inside the container (podman). */
static int top_ps(struct ctr_ctx *x, const struct state_container *c, char **args)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_strv_free_ char **cmd = strv_new("ps", NULL);
	STRV_FOREACH (a, args)
		strv_push(&cmd, *a);
	struct ctr_exec_opts eo = { .cmd = cmd };
	int code = 0;
	_cleanup_free_ char *out = NULL;
	if (ctr_exec_capture(x, c, &eo, 30000, &code, &out, &err) < 0)
		return cli_failf("executing ps(1) in the container: %s", err->msg);
	if (code != 0)
		return cli_failf("executing ps(1) in the container: %s", out ? out : "");
	_cleanup_strv_free_ char **lines = strv_split(out, "\n", true);
	_cleanup_strv_free_ char **kept = ctr_top_ps_filter(lines, args);
	STRV_FOREACH (l, kept)
		puts(*l);
	return 0;
}

int cmd_top(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct top_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	const char *name = o->latest ? NULL : argv[0];
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, name ? 1 : 0, name ? (char **)&name : NULL, false, o->latest,
				 false, &list, &failed);
	if (rc != 0 || failed || !list[0])
		return rc ? rc : EXIT_ENGINE;
	const struct state_container *c = list[0];
	if (c->state != STATE_CTR_RUNNING)
		return cli_failf("top can only be used on running containers");
	char **args = argv + (name ? 1 : 0);
	if (!ctr_top_descriptors_valid(args))
		return top_ps(x, c, args);
	_cleanup_free_ char *path = cgroup_path_of(c);
	_cleanup_free_ pid_t *pids = NULL;
	size_t np = 0;
	if (ctr_procs_read(c, path, &pids, &np, &err) < 0)
		return cli_fail(err);
	_cleanup_free_ char *passwd = rootfs_file(x, c, "/etc/passwd");
	_cleanup_free_ char *group = rootfs_file(x, c, "/etc/group");
	_cleanup_free_ char *hpasswd = NULL, *hgroup = NULL;
	fs_read_file("/etc/passwd", 4u << 20, &hpasswd, NULL);
	fs_read_file("/etc/group", 4u << 20, &hgroup, NULL);
	struct ctr_top_opts to = {
		.passwd = passwd, .group = group, .host_passwd = hpasswd, .host_group = hgroup
	};
	struct ctr_top_table t = { 0 };
	if (ctr_top_run(&to, pids, np, args, &t, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **lines = ctr_top_table_lines(&t);
	ctr_top_table_done(&t);
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	STRV_FOREACH (l, lines)
		table_writer_add_row(tw, *l);
	if (table_writer_flush(tw, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}
