/* SPDX-License-Identifier: Apache-2.0 */
/* Healthchecks: the monitor runs `selkie healthcheck run ID` on the container's interval; a run
 * executes the check in the container and records the result (state/containers.h health
 * columns), as podman does. */
#pragma once

#include "ctr/ctr.h"
#include "util/error.h"

/* Results kept in the log, newest last. */
#define CTR_HEALTH_LOG_MAX 5
/* Output kept per result. */
#define CTR_HEALTH_OUTPUT_MAX 4096

/* Run the check once; *ret_healthy tells the outcome as recorded (a failure within the start
 * period leaves the container "starting"). NOTFOUND/STATE/INVALID errors as podman's: "container
 * X has no defined healthcheck", "container X is not running". */
int ctr_healthcheck_run(struct ctr_ctx *x, const char *name_or_id, bool *ret_healthy,
			struct sk_error **err);
