/* SPDX-License-Identifier: Apache-2.0 */
/* Running `<runtime> exec` with the caller's stdio (ctr/exec-io.c). */
#pragma once

#include <stdbool.h>

struct ctr_exec_io_opts {
	const char *dir;      /* a private directory for the console socket */
	const char *pid_file; /* the --pid-file given to the runtime */
	bool tty;	      /* the process has a terminal: --console-socket, copy its master */
	bool interactive;     /* our stdin goes to the process */
};

/* Run args (the runtime's command line up to the container's ID, which is added last) and
 * wait for it; *ret_status is its wait status. -errno when it can't be started. */
int ctr_exec_io_run(char *const *args, const char *id, const struct ctr_exec_io_opts *o,
		    int *ret_status);
