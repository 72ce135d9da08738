/* SPDX-License-Identifier: Apache-2.0 */
/* create, run, start, attach: making containers and connecting the terminal to them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "ctr/attach.h"
#include "ctr/signal-name.h"
#include "pod/pod-ctr.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The file is made (empty) before the container, so that a path that can't be written fails
 * before anything exists; cidfile_write() fills it, cidfile_drop() removes it on failure. */
static int cidfile_check(const char *path)
{
	if (!path)
		return 0;
	if (fs_exists(path))
		return cli_failf("container id file exists. Ensure another container is not "
				 "using it or delete %s",
				 path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cli_failf("opening cidfile: open %s: %s", path, strerror_go(errno));
	close(fd);
	return 0;
}

static void cidfile_drop(const char *path)
{
	if (path)
		unlink(path);
}

static int cidfile_write(const char *path, const char *id)
{
	if (!path)
		return 0;
	int r = fs_write_atomic(path, id, strlen(id), 0644);
	if (r < 0)
		unlink(path);
	if (r < 0)
		return cli_failf("writing container ID to %s: %s", path, strerror(-r));
	return 0;
}

static int create_common(struct cli_ctx *ctx, struct ctr_create_opts *o, int argc, char **argv,
			 struct state_container **ret, struct sk_error **err)
{
	struct ctr_ctx *x;
	int r = cli_ctx_ctr(ctx, &x, err);
	if (r >= 0)
		r = pod_container_opts_apply(x, o, err);
	if (r >= 0)
		r = ctr_create(x, o, argv[0], argv + 1, o->quiet ? NULL : cli_pull_progress(), ret,
			       err);
	free(TAKE_PTR(o->pod_id)); /* set by the pod layer, not an option the CLI frees */
	return r;
}

int cmd_create(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct run_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_state_container_ struct state_container *c = NULL;
	if (cidfile_check(o->c.cidfile) != 0)
		return EXIT_ENGINE;
	if (create_common(ctx, &o->c, argc, argv, &c, &err) < 0) {
		cidfile_drop(o->c.cidfile);
		return cli_fail(err);
	}
	if (cidfile_write(o->c.cidfile, c->id) != 0)
		return EXIT_ENGINE;
	puts(c->id);
	return 0;
}

/* Attaching before `runtime start`, so that no output is missed. */
struct attach_hook {
	struct ctr_ctx *x;
	int sock;
};

static int attach_before_start(void *userdata, const struct state_container *c,
			       struct sk_error **err)
{
	struct attach_hook *h = userdata;
	return ctr_attach_connect(h->x, c, &h->sock, err);
}

/* The signals a foreground run passes on to the container (--sig-proxy). */
static volatile sig_atomic_t proxied_signal;

static void on_proxy_signal(int sig)
{
	proxied_signal = sig;
}

struct proxy_target {
	struct ctr_ctx *x;
	struct state_container *c;
};

static void proxy_forward(void *userdata, int sig)
{
	struct proxy_target *t = userdata;
	ctr_kill(t->x, t->c, sig, NULL);
}

/* --sig-proxy (default true, and never with a terminal, as podman): the signals a user sends
 * to selkie go to the container. */
static void sig_proxy_install(bool enabled, struct ctr_attach_opts *ao, struct proxy_target *t)
{
	if (!enabled || ao->tty)
		return;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = on_proxy_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	ao->pending_signal = &proxied_signal;
	ao->on_signal = proxy_forward;
	ao->signal_userdata = t;
}

static int stream_and_wait(struct ctr_ctx *x, struct state_container *c, int sock,
			   const struct ctr_attach_opts *ao, bool rm, struct sk_error **err)
{
	struct ctr_attach_result res = { 0 };
	int r = ctr_attach_stream(sock, ao, &res, err);
	close(sock);
	if (r < 0)
		return -1;
	if (res.detached)
		return 0;
	int code = res.exit_code;
	if (!res.exited && ctr_wait(x, c->id, NULL, &code, err) < 0)
		return -1;
	if (rm) {
		/* The monitor's cleanup may have removed it already. */
		_cleanup_state_container_ struct state_container *cur = NULL;
		struct sk_error *e = NULL;
		if (state_container_get(x->store->db, c->id, &cur, &e) >= 0)
			ctr_remove(x, cur, true, true, 0, NULL);
		sk_error_free(e);
	}
	return code < 0 ? 0 : code;
}

static bool attach_wants(char *const *attach, const char *stream)
{
	return strv_length((char **)attach) == 0 || strv_contains((char **)attach, stream);
}

int cmd_run(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct run_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	if (cidfile_check(o->c.cidfile) != 0)
		return EXIT_ENGINE;
	char keys[CTR_DETACH_KEYS_MAX];
	size_t nkeys;
	if (ctr_detach_keys_parse(o->c.detach_keys, keys, &nkeys, &err) < 0)
		return cli_fail(err);
	_cleanup_state_container_ struct state_container *c = NULL;
	if (create_common(ctx, &o->c, argc, argv, &c, &err) < 0) {
		cidfile_drop(o->c.cidfile);
		return cli_fail(err);
	}
	if (cidfile_write(o->c.cidfile, c->id) != 0)
		return EXIT_ENGINE;
	struct ctr_ctx *x;
	cli_ctx_ctr(ctx, &x, &err);
	if (pod_container_deps_start(x, c, &err) < 0)
		return cli_fail(err);
	if (o->detach) {
		if (ctr_start(x, c, NULL, &err) < 0) {
			if (o->c.rm)
				ctr_remove(x, c, true, true, 0, NULL);
			return cli_fail(err);
		}
		puts(c->id);
		return 0;
	}
	struct attach_hook hook = { .x = x, .sock = -1 };
	struct ctr_start_hooks hooks = { .before_start = attach_before_start, .userdata = &hook };
	if (ctr_start(x, c, &hooks, &err) < 0) {
		if (hook.sock >= 0)
			close(hook.sock);
		if (o->c.rm)
			ctr_remove(x, c, true, true, 0, NULL);
		return cli_fail(err);
	}
	struct ctr_attach_opts ao = {
		.in_fd = o->c.interactive && attach_wants(o->c.attach, "stdin") ? STDIN_FILENO : -1,
		.out_fd = attach_wants(o->c.attach, "stdout") ? STDOUT_FILENO : -1,
		.err_fd = attach_wants(o->c.attach, "stderr") ? STDERR_FILENO : -1,
		.tty = o->c.tty,
		.close_stdin_on_eof = true,
		.detach_keys = o->c.detach_keys,
	};
	struct proxy_target target = { x, c };
	sig_proxy_install(o->c.sig_proxy, &ao, &target);
	int code = stream_and_wait(x, c, hook.sock, &ao, o->c.rm, &err);
	return code < 0 ? cli_fail(err) : code;
}

int cmd_start(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct start_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	if (o->attach && argc > 1)
		return cli_failf("you cannot start and attach multiple containers at once");
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		_cleanup_state_container_ struct state_container *c = NULL;
		if (ctr_lookup(x, argv[i], &c, &err) < 0) {
			rc = cli_fail_take(&err);
			continue;
		}
		if (pod_container_deps_start(x, c, &err) < 0) {
			rc = cli_fail_take(&err);
			continue;
		}
		if (!o->attach) {
			if (ctr_start(x, c, NULL, &err) < 0)
				rc = cli_fail_take(&err);
			else
				puts(argv[i]);
			continue;
		}
		struct attach_hook hook = { .x = x, .sock = -1 };
		struct ctr_start_hooks hooks = { .before_start = attach_before_start,
						 .userdata = &hook };
		if (ctr_start(x, c, &hooks, &err) < 0)
			return cli_fail(err);
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		const json_t *cfg = json_object_get(doc, "Config");
		struct ctr_attach_opts ao = {
			.in_fd = o->interactive || sk_json_bool(cfg, "OpenStdin", false)
					 ? STDIN_FILENO
					 : -1,
			.out_fd = STDOUT_FILENO,
			.err_fd = STDERR_FILENO,
			.tty = sk_json_bool(cfg, "Tty", false),
			.close_stdin_on_eof = true,
			.detach_keys = o->detach_keys,
		};
		struct proxy_target target = { x, c };
		sig_proxy_install(o->sig_proxy, &ao, &target);
		int code = stream_and_wait(x, c, hook.sock, &ao, false, &err);
		return code < 0 ? cli_fail(err) : code;
	}
	return rc;
}

int cmd_attach(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct attach_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	int rc = cli_ctr_targets(ctx, argc, argv, false, o->latest, false, &list, &failed);
	if (rc != 0 || failed || !list[0])
		return rc ? rc : EXIT_ENGINE;
	if (argc > 1)
		return cli_failf("attach requires the name or ID of one running container or the "
				 "--latest flag");
	struct state_container *c = list[0];
	if (c->state != STATE_CTR_RUNNING)
		return cli_failf("you can only attach to running containers");
	int sock = -1;
	if (ctr_attach_connect(x, c, &sock, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	const json_t *cfg = json_object_get(doc, "Config");
	struct ctr_attach_opts ao = {
		.in_fd = !o->no_stdin && sk_json_bool(cfg, "OpenStdin", false) ? STDIN_FILENO : -1,
		.out_fd = STDOUT_FILENO,
		.err_fd = STDERR_FILENO,
		.tty = sk_json_bool(cfg, "Tty", false),
		.close_stdin_on_eof = false,
		.detach_keys = o->detach_keys,
	};
	struct proxy_target target = { x, c };
	sig_proxy_install(o->sig_proxy, &ao, &target);
	int code = stream_and_wait(x, c, sock, &ao, false, &err);
	return code < 0 ? cli_fail(err) : code;
}
