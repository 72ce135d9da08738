/* SPDX-License-Identifier: Apache-2.0 */
/* Removal with the container's lock already held (cleanup's --rm, rm). */
#pragma once

#include "ctr/ctr.h"

int ctr_remove_locked(struct ctr_ctx *x, struct state_container *c, bool volumes,
		      struct sk_error **err);
/* Wait (without the lock) until the monitor reported the exit or is gone; timeout_ms < 0
 * waits forever. Returns -ETIMEDOUT on timeout. */
int ctr_exit_wait(struct ctr_ctx *x, const struct state_container *c, int timeout_ms);
/* ctr_stop() with the lock held and the record in sync. */
int ctr_stop_locked(struct ctr_ctx *x, struct state_container *c, int timeout,
		    struct sk_error **err);
