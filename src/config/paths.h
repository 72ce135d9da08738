/* SPDX-License-Identifier: Apache-2.0 */
/* Where selkie keeps things: graph root, run root and the config files it reads, for root and
 * for ordinary users (DESIGN.md "Fixed choices"). */
#pragma once

#include <stdbool.h>

#include "util/error.h"

struct config_paths {
	char *graph_root;  /* images, layers, volumes, the state database */
	char *run_root;	   /* mounts, locks, sockets: gone after a reboot */
	char *config_home; /* ~/.config/containers for users, /etc/containers for root */
	bool rootless;
};

/* Fill in the defaults for the calling user; explicit values (from --root, --runroot or the
 * SELKIE_ROOT / SELKIE_RUNROOT environment) win over them. */
int config_paths_resolve(const char *root, const char *runroot, struct config_paths *ret,
			 struct sk_error **err);
void config_paths_release(struct config_paths *p);
/* $HOME, falling back to the passwd entry. Allocated. */
char *config_home_dir(void);
