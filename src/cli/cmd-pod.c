/* SPDX-License-Identifier: Apache-2.0 */
/* pod create, start, stop, restart, kill, pause, unpause, rm, prune, inspect, exists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmds-pod.h"
#include "cli/ctr-context.h"
#include "cli/format-template.h"
#include "cli/pod-targets.h"
#include "ctr/signal-name.h"
#include "pod/pod.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

int cmd_pod_create(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_create_cli_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	if (argc > 0 && o->name && !streq(o->name, argv[0]))
		return cli_failf("cannot specify both a pod name and --name");
	_cleanup_strv_free_ char **cmd = strv_new("selkie", "pod", "create", NULL);
	if (o->name || argc > 0)
		strv_push(&cmd, argc > 0 ? argv[0] : o->name);
	struct pod_create_opts po = {
		.name = argc > 0 ? argv[0] : o->name,
		.infra = o->infra,
		.infra_image = o->infra_image,
		.infra_name = o->infra_name,
		.publish = o->publish,
		.share = o->share,
		.hostname = o->hostname,
		.networks = o->networks,
		.labels = o->labels,
		.add_host = o->add_host,
		.dns = o->dns,
		.userns = o->userns,
		.create_command = cmd,
	};
	_cleanup_(state_pod_freep) struct state_pod *p = NULL;
	if (pod_create(x, &po, &p, &err) < 0)
		return cli_fail(err);
	puts(p->id);
	return 0;
}

typedef int (*pod_op_fn)(struct ctr_ctx *x, struct pod_info *p, const void *arg,
			 struct sk_error **err);

/* Act on each target, printing its ID; errors are printed as they come, the last decides the
 * exit code. */
static int for_each(struct cli_ctx *ctx, int argc, char **argv, bool all, bool latest, bool ignore,
		    pod_op_fn op, const void *arg, int notfound_rc)
{
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_pod_info_list_ struct pod_info **list = NULL;
	int rc = cli_pod_targets(x, argc, argv, all, latest, ignore, notfound_rc, &list);
	for (size_t i = 0; list && list[i]; i++) {
		if (op(x, list[i], arg, &err) < 0)
			rc = cli_fail_take(&err);
		else
			puts(list[i]->pod->id);
	}
	return rc;
}

static int op_start(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_start(x, p, err);
}

static int op_pause(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_pause(x, p, err);
}

static int op_unpause(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_unpause(x, p, err);
}

static int op_restart(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_restart(x, p, err);
}

static int op_stop(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_stop(x, p, *(const int *)arg, err);
}

static int op_kill(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	return pod_kill(x, p, *(const int *)arg, err);
}

struct rm_arg {
	bool force;
	int timeout;
};

static int op_rm(struct ctr_ctx *x, struct pod_info *p, const void *arg, struct sk_error **err)
{
	const struct rm_arg *a = arg;
	return pod_remove(x, p, a->force, a->timeout, err);
}

static int args_check(int argc, bool all, bool latest)
{
	if (argc > 0 && (all || latest))
		return cli_failf("--all, --latest and arguments cannot be used together");
	if (argc == 0 && !all && !latest)
		return cli_failf("you must provide at least one name or id");
	return 0;
}

int cmd_pod_start(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_act_opts *o = opts;
	return args_check(argc, o->all, o->latest)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, false, op_start, NULL,
				   EXIT_ENGINE);
}

int cmd_pod_pause(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_act_opts *o = opts;
	return args_check(argc, o->all, o->latest)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, false, op_pause, NULL,
				   EXIT_ENGINE);
}

int cmd_pod_unpause(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_act_opts *o = opts;
	return args_check(argc, o->all, o->latest)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, false, op_unpause, NULL,
				   EXIT_ENGINE);
}

int cmd_pod_restart(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_act_opts *o = opts;
	return args_check(argc, o->all, o->latest)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, false, op_restart, NULL,
				   EXIT_ENGINE);
}

static int time_opt(const char *s, int *ret)
{
	*ret = -1;
	if (s && (parse_int(s, ret) < 0 || *ret < -1))
		return cli_failf("invalid argument \"%s\" for \"-t, --time\" flag: "
				 "strconv.ParseUint: parsing \"%s\": invalid syntax",
				 s, s);
	return 0;
}

int cmd_pod_stop(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_stop_opts *o = opts;
	int timeout;
	return args_check(argc, o->all, o->latest) ?: time_opt(o->time, &timeout)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, o->ignore, op_stop, &timeout, EXIT_ENGINE);
}

int cmd_pod_kill(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_kill_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	int sig = ctr_signal_parse(o->signal ? o->signal : "KILL", &err);
	if (sig < 0)
		return cli_fail(err);
	return args_check(argc, o->all, o->latest)
		       ?: for_each(ctx, argc, argv, o->all, o->latest, false, op_kill, &sig,
				   EXIT_ENGINE);
}

int cmd_pod_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_rm_opts *o = opts;
	struct rm_arg a = { .force = o->force };
	int rc = args_check(argc, o->all, o->latest) ?: time_opt(o->time, &a.timeout);
	if (rc)
		return rc;
	/* podman exits 1 for a pod that does not exist, as rm does for containers */
	return for_each(ctx, argc, argv, o->all, o->latest, o->ignore, op_rm, &a, 1);
}

int cmd_pod_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_prune_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	if (!o->force) {
		printf("WARNING! This will remove all stopped/exited pods..\n"
		       "Are you sure you want to continue? [y/N] ");
		fflush(stdout);
		char line[16] = "";
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **ids = NULL;
	if (pod_prune(x, &ids, &err) < 0)
		return cli_fail(err);
	STRV_FOREACH (id, ids)
		puts(*id);
	return 0;
}

int cmd_pod_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct pod_inspect_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (argc == 0 && !o->latest)
		return cli_failf("you must provide at least one name or id");
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_pod_info_ struct pod_info *p = NULL;
	_cleanup_free_ char *latest_id = NULL;
	if (o->latest) {
		_cleanup_pod_info_list_ struct pod_info **all = NULL;
		if (pod_list(x, &all, &err) < 0)
			return cli_fail(err);
		if (!all[0])
			return cli_failf("no pods to inspect");
		latest_id = xstrdup(all[0]->pod->id);
	}
	const char *name = latest_id ? latest_id : argv[0];
	int r = pod_lookup(x, name, &p, &err);
	if (r < 0) {
		if (err->kind != SK_ERR_NOTFOUND)
			return cli_fail(err);
		puts("[]");
		fflush(stdout);
		return cli_failf("inspecting object: no such pod %s", name);
	}
	_cleanup_json_ json_t *doc = pod_inspect_json(p);
	if (o->format && !format_is_json(o->format)) {
		if (format_print_one(o->format, doc, stdout, &err) < 0)
			return cli_fail(err);
		return 0;
	}
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	format_json_write(&sb, doc, 5, true);
	printf("%s\n", strbuf_str(&sb));
	return 0;
}

int cmd_pod_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_(state_pod_freep) struct state_pod *p = NULL;
	if (state_pod_lookup(s->db, argv[0], &p, &err) >= 0)
		return 0;
	return err->kind == SK_ERR_NOTFOUND ? 1 : cli_fail(err);
}
