/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless selkie lives in one user namespace per user (with its own mount namespace), as
 * podman does: the user's UID maps to root and the subordinate ranges of /etc/subuid and
 * /etc/subgid to 1..N, so every file in the store keeps the same owners from one command to
 * the next, and mounts made by one command (a container's rootfs) are there for the next. A
 * small holder process (`selkie __userns-holder`) keeps the namespaces alive; its PID is in
 * `<runtime dir>/selkie/pause.pid`. Every command joins it first thing, or makes it.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* The hidden command word of the holder process. */
#define CONFIG_USERNS_HOLDER_CMD "__userns-holder"
/* Set for the commands `selkie unshare` runs (mounts made there are the user's to see). */
#define CONFIG_USERNS_UNSHARE_ENV "_SELKIE_UNSHARED"

/*
 * Called once at the top of main, while the process has one thread: rootful (or already
 * inside, e.g. a monitor started by a rootless selkie) → nothing to do; an ordinary user →
 * join the holder's namespaces, starting the holder first if there is none. The working
 * directory is kept. Afterwards the process is root in the namespace and
 * config_userns_rootless() is true (children learn it from the environment).
 */
int config_userns_enter(struct sk_error **err);
/* True when selkie runs for an ordinary user (inside the namespace or not yet). */
bool config_userns_rootless(void);
/* The user's own IDs on the host (geteuid()/getegid() when rootful). */
uid_t config_userns_host_uid(void);
gid_t config_userns_host_gid(void);
/* `<runtime dir>/selkie`: the default rootless run root, also where pause.pid lives. */
char *config_userns_runtime_dir(void);
/* The holder's PID, or -ESRCH when there is none (stale files are not a holder). */
int config_userns_holder_pid(pid_t *ret);
/* `system migrate`: end the holder so the next command makes a new one with the current
 * ranges. No holder is no error. */
int config_userns_holder_stop(struct sk_error **err);
/* The holder's own main: never returns unless argv is wrong. */
int config_userns_holder_main(int argc, char **argv);
