/* SPDX-License-Identifier: Apache-2.0 */
/* Running programs with an argv (never a shell). Tier 1: -errno. */
#pragma once

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "macro.h"

struct child_opts {
	char *const *env;	/* NULL: inherit */
	const char *cwd;	/* NULL: inherit */
	const char *stdin_data; /* fed to the child's stdin (NULL: /dev/null unless stdin_fd) */
	int stdin_fd;		/* -1: see stdin_data; else dup'ed to 0 */
	int stdout_fd;		/* -1 with capture off: inherit */
	int stderr_fd;
	bool capture_stdout;
	bool capture_stderr;
	bool new_session;
	int timeout_ms; /* > 0, with a capture: kill the child after this long (-ETIMEDOUT) */
};

#define CHILD_OPTS_INIT                                                                            \
	{                                                                                          \
		.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1,                                  \
	}

/* Run argv to completion. *ret_status is the wait status as from waitpid(). Captured output
 * (if asked) is returned NUL-terminated. Returns -errno if the child could not be started
 * (-ENOENT when the program does not exist). */
int child_run(char *const argv[], const struct child_opts *opts, int *ret_status, char **ret_stdout,
	      char **ret_stderr);
/* Exit code of a wait status: the code, or 128+signal. */
int child_exit_code(int status);
/* Find a program in $PATH (or the given absolute path); returns an allocated path or NULL. */
char *child_find_program(const char *name);

/* Kill and reap a child that is still owned at scope exit. */
static inline void pid_killp(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
#define _cleanup_pid_ _cleanup_(pid_killp)
