/* SPDX-License-Identifier: Apache-2.0 */
/* Running another process in a running container (`exec`). */
#pragma once

#include <stdbool.h>

#include "ctr/ctr.h"
#include "util/error.h"

struct ctr_exec_opts {
	char **cmd;
	char **env;	  /* -e */
	char **env_files; /* --env-file */
	const char *user;
	const char *workdir;
	bool tty;
	bool interactive;
	bool detach;
	bool privileged;
};

/* Run the process with the caller's stdio; *ret_exit is its exit code (0 with detach). A
 * process that can't start is NOCMD (127) or NOEXEC (126) with the runtime's message. */
int ctr_exec(struct ctr_ctx *x, const struct state_container *c, const struct ctr_exec_opts *o,
	     int *ret_exit, struct sk_error **err);
/* The same with stdout and stderr captured into *ret_output (stdin from /dev/null), the
 * process killed after timeout_ms (> 0): a RUNTIME error with ETIMEDOUT. */
int ctr_exec_capture(struct ctr_ctx *x, const struct state_container *c,
		     const struct ctr_exec_opts *o, int timeout_ms, int *ret_exit,
		     char **ret_output, struct sk_error **err);
