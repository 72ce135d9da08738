/* SPDX-License-Identifier: Apache-2.0 */
/* Attaching the caller's stdio to a container through its monitor (ctr/attach.c). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctr/ctr.h"
#include "util/error.h"

#define CTR_DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define CTR_DETACH_KEYS_MAX 16

/* "ctrl-p,ctrl-q", "a,b", "" (none) → the byte sequence; podman's characters: a-z, ctrl-a..z,
 * ctrl-@, ctrl-[, ctrl-\, ctrl-], ctrl-^, ctrl-_ and single printable characters. */
int ctr_detach_keys_parse(const char *spec, char *buf, size_t *ret_len, struct sk_error **err);

struct ctr_attach_opts {
	int in_fd; /* -1: no input */
	int out_fd;
	int err_fd;
	bool tty; /* the container has a terminal: raw mode and resizes when in_fd is one */
	bool close_stdin_on_eof;
	const char *detach_keys; /* NULL: the default */
	/* A signal handler of the caller sets *pending_signal; the loop then calls on_signal. */
	volatile sig_atomic_t *pending_signal;
	void (*on_signal)(void *userdata, int sig);
	void *signal_userdata;
};

struct ctr_attach_result {
	bool detached;
	bool exited; /* the monitor told the exit code */
	int exit_code;
};

int ctr_attach_connect(struct ctr_ctx *x, const struct state_container *c, int *ret_fd,
		       struct sk_error **err);
/* Copy until the container's output ends (it exited) or the user detaches. */
int ctr_attach_stream(int sock, const struct ctr_attach_opts *o, struct ctr_attach_result *ret,
		      struct sk_error **err);
