/* SPDX-License-Identifier: Apache-2.0 */
/* The pods a `pod` command acts on: every one (all), the newest (latest), or the named ones. */
#pragma once

#include <stdbool.h>

#include "pod/pod.h"

/* A name not found prints podman's error (unless ignore) and makes the result notfound_rc;
 * other failures print and give 125. *ret always gets a list (maybe empty). */
int cli_pod_targets(struct ctr_ctx *x, int argc, char **argv, bool all, bool latest, bool ignore,
		    int notfound_rc, struct pod_info ***ret);
