/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's status, derived from its containers' states as podman derives it. */
#include "pod/pod.h"

#include "util/xalloc.h"

const char *pod_status_compute(const enum state_ctr_status *states, size_t n)
{
	size_t running = 0, paused = 0, stopped = 0, created = 0, errored = 0;
	if (n == 0)
		return "Created";
	for (size_t i = 0; i < n; i++) {
		switch (states[i]) {
		case STATE_CTR_EXITED:
			stopped++;
			break;
		case STATE_CTR_RUNNING:
			running++;
			break;
		case STATE_CTR_PAUSED:
			paused++;
			break;
		case STATE_CTR_CREATED:
		case STATE_CTR_CONFIGURED:
			created++;
			break;
		default: /* stopping, removing: podman's "other" states */
			errored++;
			break;
		}
	}
	if (running > 0)
		return running == n ? "Running" : "Degraded";
	if (paused == n)
		return "Paused";
	if (stopped == n)
		return "Exited";
	if (stopped > 0)
		return "Stopped";
	if (errored > 0)
		return "Error";
	return "Created";
}

const char *pod_status(const struct pod_info *p)
{
	size_t n = 0;
	while (p->ctrs[n])
		n++;
	_cleanup_free_ enum state_ctr_status *states = xnew(enum state_ctr_status, n + 1);
	for (size_t i = 0; i < n; i++)
		states[i] = p->ctrs[i]->state;
	return pod_status_compute(states, n);
}
