/* SPDX-License-Identifier: Apache-2.0 */
/* stop, restart, kill, rm, wait, pause, unpause, rename, container exists/prune/cleanup and
 * the hidden monitor entry point. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "ctr/signal-name.h"
#include "monitor/monitor.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define EXIT_NOTFOUND 1
#define EXIT_INUSE 2

static int time_opt(const char *s, int *ret)
{
	*ret = -1;
	if (!s)
		return 0;
	if (parse_int(s, ret) < 0 || *ret < -1)
		return cli_failf(
			"invalid argument \"%s\" for \"-t, --time\" flag: strconv.ParseUint: "
			"parsing \"%s\": invalid syntax",
			s, s);
	return 0;
}

/* Names from --cidfile files join the arguments. */
static char **args_with_cidfiles(int argc, char **argv, char *const *cidfiles, int *ret_rc)
{
	char **v = strv_new(NULL);
	for (int i = 0; i < argc; i++)
		strv_push(&v, argv[i]);
	STRV_FOREACH (f, (char **)cidfiles) {
		_cleanup_free_ char *id = NULL;
		if (fs_read_file(*f, 4096, &id, NULL) < 0) {
			*ret_rc = cli_failf("reading CIDFile: open %s: no such file or directory",
					    *f);
			continue;
		}
		id[strcspn(id, "\n")] = '\0';
		strv_push(&v, id);
	}
	return v;
}

typedef int (*ctr_op_fn)(struct ctr_ctx *x, struct state_container *c, void *arg,
			 struct sk_error **err);

/* Run op on every target, print each name as given (podman prints what the user typed, the ID
 * with --all), and report the first failure's exit code. */
static int for_each(struct cli_ctx *ctx, int argc, char **argv, bool all, bool latest, bool ignore,
		    ctr_op_fn op, void *arg, bool print)
{
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, argc, argv, all, latest, ignore, &list, &failed);
	if (rc != 0)
		return rc;
	rc = failed ? EXIT_ENGINE : 0;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	cli_ctx_ctr(ctx, &x, &err);
	for (size_t i = 0; list[i]; i++) {
		if (op(x, list[i], arg, &err) < 0) {
			int code = err->kind == SK_ERR_INUSE ? EXIT_INUSE : cli_exit_code(err);
			cli_fail_take(&err);
			rc = rc ? rc : code;
			continue;
		}
		if (print)
			puts(all || latest ? list[i]->id : cli_ctr_given_name(argv, argc, list[i]));
	}
	return rc;
}

static int op_stop(struct ctr_ctx *x, struct state_container *c, void *arg, struct sk_error **err)
{
	return ctr_stop(x, c, *(int *)arg, err);
}

int cmd_stop(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct stop_opts *o = opts;
	int timeout;
	if (time_opt(o->time, &timeout) != 0)
		return EXIT_ENGINE;
	int rc = 0;
	_cleanup_strv_free_ char **names = args_with_cidfiles(argc, argv, o->cidfiles, &rc);
	int r = for_each(ctx, (int)strv_length(names), names, o->all, o->latest, o->ignore, op_stop,
			 &timeout, true);
	return rc ? rc : r;
}

static int op_restart(struct ctr_ctx *x, struct state_container *c, void *arg,
		      struct sk_error **err)
{
	int r = ctr_stop(x, c, *(int *)arg, err);
	return r < 0 ? r : ctr_start(x, c, NULL, err);
}

int cmd_restart(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct restart_opts *o = opts;
	int timeout;
	if (time_opt(o->time, &timeout) != 0)
		return EXIT_ENGINE;
	return for_each(ctx, argc, argv, o->all, o->latest, false, op_restart, &timeout, true);
}

static int op_kill(struct ctr_ctx *x, struct state_container *c, void *arg, struct sk_error **err)
{
	return ctr_kill(x, c, *(int *)arg, err);
}

int cmd_kill(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct kill_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	int sig = ctr_signal_parse(o->signal ? o->signal : "KILL", &err);
	if (sig < 0)
		return cli_fail(err);
	int rc = 0;
	_cleanup_strv_free_ char **names = args_with_cidfiles(argc, argv, o->cidfiles, &rc);
	int r = for_each(ctx, (int)strv_length(names), names, o->all, o->latest, false, op_kill,
			 &sig, true);
	return rc ? rc : r;
}

struct rm_arg {
	bool force;
	bool volumes;
	int timeout;
};

static int op_rm(struct ctr_ctx *x, struct state_container *c, void *arg, struct sk_error **err)
{
	struct rm_arg *a = arg;
	return ctr_remove(x, c, a->force, a->volumes, a->timeout, err);
}

int cmd_rm(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct rm_opts *o = opts;
	struct rm_arg a = { .force = o->force, .volumes = o->volumes };
	if (time_opt(o->time, &a.timeout) != 0)
		return EXIT_ENGINE;
	int rc = 0;
	_cleanup_strv_free_ char **names = args_with_cidfiles(argc, argv, o->cidfiles, &rc);
	if (o->all && strv_length(names) == 0 && !o->latest) {
		return for_each(ctx, 0, NULL, true, false, false, op_rm, &a, true);
	}
	/* podman: a missing container is exit 1 (unless --ignore). */
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int r = cli_ctr_targets(ctx, (int)strv_length(names), names, o->all, o->latest,
				o->ignore || o->force, &list, &failed);
	if (r != 0)
		return r;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	cli_ctx_ctr(ctx, &x, &err);
	rc = rc ? rc : failed ? EXIT_NOTFOUND : 0;
	for (size_t i = 0; list[i]; i++) {
		if (op_rm(x, list[i], &a, &err) < 0) {
			int code = err->kind == SK_ERR_INUSE ? EXIT_INUSE : cli_exit_code(err);
			cli_fail_take(&err);
			rc = rc ? rc : code;
			continue;
		}
		puts(o->all || o->latest
			     ? list[i]->id
			     : cli_ctr_given_name(names, (int)strv_length(names), list[i]));
	}
	return rc;
}

int cmd_wait(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct wait_opts *o = opts;
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, argc, argv, false, o->latest, o->ignore, &list, &failed);
	if (rc != 0)
		return rc;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	cli_ctx_ctr(ctx, &x, &err);
	static const char *const known[] = { "configured", "created", "exited",	 "paused",
					     "running",	   "stopped", "healthy", "unhealthy",
					     "stopping",   NULL };
	STRV_FOREACH (cnd, o->conditions)
		if (!strv_contains((char **)known, *cnd))
			return cli_failf("unknown container state: %s: invalid argument", *cnd);
	for (size_t i = 0; list[i]; i++) {
		int code;
		if (ctr_wait(x, list[i]->id, o->conditions, &code, &err) < 0)
			return cli_fail(err);
		printf("%d\n", code);
	}
	return failed ? EXIT_ENGINE : 0;
}

static int op_pause(struct ctr_ctx *x, struct state_container *c, void *arg, struct sk_error **err)
{
	return *(bool *)arg ? ctr_pause(x, c, err) : ctr_unpause(x, c, err);
}

static int pause_cmd(struct cli_ctx *ctx, struct pause_opts *o, int argc, char **argv, bool pause)
{
	if (o->all) {
		/* Only the ones in the right state, as podman's --all. */
		_cleanup_(state_container_list_freep) struct state_container **list = NULL;
		bool failed;
		int rc = cli_ctr_targets(ctx, 0, NULL, true, false, false, &list, &failed);
		if (rc != 0)
			return rc;
		_cleanup_strv_free_ char **ids = strv_new(NULL);
		for (size_t i = 0; list[i]; i++)
			if (list[i]->state == (pause ? STATE_CTR_RUNNING : STATE_CTR_PAUSED))
				strv_push(&ids, list[i]->id);
		if (strv_length(ids) == 0)
			return 0;
		return for_each(ctx, (int)strv_length(ids), ids, false, false, false, op_pause,
				&pause, true);
	}
	return for_each(ctx, argc, argv, false, o->latest, false, op_pause, &pause, true);
}

int cmd_pause(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return pause_cmd(ctx, opts, argc, argv, true);
}

int cmd_unpause(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	return pause_cmd(ctx, opts, argc, argv, false);
}

int cmd_rename(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	_cleanup_state_container_ struct state_container *c = NULL;
	if (cli_ctx_ctr(ctx, &x, &err) < 0 || ctr_lookup(x, argv[0], &c, &err) < 0)
		return cli_fail(err);
	const char *name = argv[1];
	if (!name[0] ||
	    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", name[0]) ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")])
		return cli_failf("names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	if (state_container_rename(x->store->db, c->id, name, &err) < 0)
		return cli_fail(err);
	free(c->name);
	c->name = xstrdup(name);
	if (x->event)
		x->event(x->event_userdata, c, "rename", NULL);
	return 0;
}

int cmd_container_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	_cleanup_state_container_ struct state_container *c = NULL;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	if (ctr_lookup(x, argv[0], &c, &err) < 0)
		return err->kind == SK_ERR_NOTFOUND ? EXIT_NOTFOUND : cli_fail(err);
	return 0;
}

int cmd_container_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct container_prune_opts *o = opts;
	if (!o->force) {
		fputs("WARNING! This will remove all non running containers.\nAre you sure you "
		      "want to continue? [y/N] ",
		      stdout);
		fflush(stdout);
		char line[16] = "";
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed;
	int rc = cli_ctr_targets(ctx, 0, NULL, true, false, false, &list, &failed);
	if (rc != 0)
		return rc;
	struct ctr_ctx *x;
	_cleanup_error_ struct sk_error *err = NULL;
	cli_ctx_ctr(ctx, &x, &err);
	for (size_t i = 0; list[i]; i++) {
		if (ctr_is_active(list[i]))
			continue;
		if (ctr_remove(x, list[i], false, false, 0, &err) < 0) {
			rc = cli_fail_take(&err);
			continue;
		}
		puts(list[i]->id);
	}
	return rc;
}

int cmd_container_cleanup(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	int rc = 0;
	for (int i = 0; i < argc; i++)
		if (ctr_cleanup(x, argv[i], &err) < 0 && err->kind != SK_ERR_NOTFOUND)
			rc = cli_fail_take(&err);
		else
			sk_error_free(TAKE_PTR(err));
	return rc;
}

int cmd_container_monitor(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct monitor_opts mo = { 0 };
	_cleanup_error_ struct sk_error *err = NULL;
	if (monitor_opts_read(argv[0], &mo, &err) < 0) {
		monitor_report_error(err); /* the spawner is waiting for the sync line */
		return cli_fail(err);
	}
	int rc = monitor_run(&mo);
	monitor_opts_done(&mo);
	return rc;
}
