/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's lifecycle is its containers': the infra container starts first (the others join its
 * namespaces) and stops last. Every step is a container operation with its own lock and
 * record, so a pod command killed midway leaves containers in states the next one continues
 * from.
 */
#include <errno.h>
#include <string.h>

#include "pod/pod.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

typedef int (*ctr_op_fn)(struct ctr_ctx *x, struct state_container *c, const void *arg,
			 struct sk_error **err);

/* Keep the first error, drop the rest. */
static void first_error(struct sk_error **err, struct sk_error *e, int *r, int rc)
{
	if (rc >= 0)
		return;
	if (*r >= 0 && err && !*err) {
		*err = e;
		*r = rc;
		return;
	}
	sk_error_free(e);
}

static bool states_match(const struct state_container *c, unsigned mask)
{
	return (mask & (1u << c->state)) != 0;
}

#define S(st) (1u << (st))
#define ACTIVE (S(STATE_CTR_RUNNING) | S(STATE_CTR_PAUSED) | S(STATE_CTR_STOPPING))

/* Run op on the pod's containers in mask, the infra first (infra_first) or last. */
static int each(struct ctr_ctx *x, struct pod_info *p, unsigned mask, bool infra_first,
		ctr_op_fn op, const void *arg, struct sk_error **err)
{
	struct state_container *infra = pod_infra(p);
	int r = 0;
	struct sk_error *e = NULL;
	if (infra_first && infra && states_match(infra, mask)) {
		int rc = op(x, infra, arg, &e);
		first_error(err, TAKE_PTR(e), &r, rc);
	}
	for (size_t i = 0; p->ctrs[i]; i++) {
		if (p->ctrs[i] == infra || !states_match(p->ctrs[i], mask))
			continue;
		int rc = op(x, p->ctrs[i], arg, &e);
		first_error(err, TAKE_PTR(e), &r, rc);
	}
	if (!infra_first && infra && states_match(infra, mask)) {
		int rc = op(x, infra, arg, &e);
		first_error(err, TAKE_PTR(e), &r, rc);
	}
	return r;
}

static int op_start(struct ctr_ctx *x, struct state_container *c, const void *arg,
		    struct sk_error **err)
{
	int r = ctr_start(x, c, NULL, err);
	return r < 0 ? sk_error_wrap(err, "starting container %s", c->id) : r;
}

static int op_stop(struct ctr_ctx *x, struct state_container *c, const void *arg,
		   struct sk_error **err)
{
	return ctr_stop(x, c, *(const int *)arg, err);
}

static int op_kill(struct ctr_ctx *x, struct state_container *c, const void *arg,
		   struct sk_error **err)
{
	return ctr_kill(x, c, *(const int *)arg, err);
}

static int op_pause(struct ctr_ctx *x, struct state_container *c, const void *arg,
		    struct sk_error **err)
{
	return ctr_pause(x, c, err);
}

static int op_unpause(struct ctr_ctx *x, struct state_container *c, const void *arg,
		      struct sk_error **err)
{
	return ctr_unpause(x, c, err);
}

static int op_remove(struct ctr_ctx *x, struct state_container *c, const void *arg,
		     struct sk_error **err)
{
	return ctr_remove(x, c, true, false, *(const int *)arg, err);
}

int pod_start(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err)
{
	return each(x, p, S(STATE_CTR_CREATED) | S(STATE_CTR_EXITED), true, op_start, NULL, err);
}

int pod_stop(struct ctr_ctx *x, struct pod_info *p, int timeout, struct sk_error **err)
{
	return each(x, p, ACTIVE, false, op_stop, &timeout, err);
}

int pod_restart(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err)
{
	int r = pod_stop(x, p, -1, err);
	return r < 0 ? r : pod_start(x, p, err);
}

int pod_kill(struct ctr_ctx *x, struct pod_info *p, int signo, struct sk_error **err)
{
	return each(x, p, S(STATE_CTR_RUNNING) | S(STATE_CTR_STOPPING), false, op_kill, &signo,
		    err);
}

int pod_pause(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err)
{
	return each(x, p, S(STATE_CTR_RUNNING), false, op_pause, NULL, err);
}

int pod_unpause(struct ctr_ctx *x, struct pod_info *p, struct sk_error **err)
{
	return each(x, p, S(STATE_CTR_PAUSED), true, op_unpause, NULL, err);
}

/* podman's refusal, a multi-error listing each running container and the infra container
 * the others depend on. */
static int remove_refused(const struct pod_info *p, struct sk_error **err)
{
	struct state_container *infra = pod_infra(p);
	_cleanup_strv_free_ char **points = NULL;
	for (size_t i = 0; p->ctrs[i]; i++) {
		const struct state_container *c = p->ctrs[i];
		if (c == infra || !states_match(c, ACTIVE))
			continue;
		strv_pushf(&points,
			   "removing container %s from pod %s: cannot remove container %s as it "
			   "is running - running or paused containers cannot be removed without "
			   "force: container state improper",
			   c->id, p->pod->id, c->id);
	}
	if (!points)
		return 0;
	if (infra)
		strv_pushf(&points,
			   "removing container %s from pod %s: a container that depends on "
			   "container %s still exists: dependency exists",
			   infra->id, p->pod->id, infra->id);
	size_t n = strv_length(points);
	_cleanup_free_ char *joined = strv_join(points, "\n\t* ");
	return sk_error_set(err, SK_ERR_STATE, EBUSY, "%zu error%s occurred:\n\t* %s\n\n", n,
			    n == 1 ? "" : "s", joined);
}

int pod_remove(struct ctr_ctx *x, struct pod_info *p, bool force, int timeout,
	       struct sk_error **err)
{
	if (!force) {
		int r = remove_refused(p, err);
		if (r < 0)
			return r;
	}
	int r = each(x, p, ~0u, false, op_remove, &timeout, err);
	if (r < 0)
		return r;
	return state_pod_delete(x->store->db, p->pod->id, err);
}

int pod_prune(struct ctr_ctx *x, char ***ret_ids, struct sk_error **err)
{
	_cleanup_pod_info_list_ struct pod_info **pods = NULL;
	int r = pod_list(x, &pods, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **ids = strv_new(NULL);
	for (size_t i = 0; pods[i]; i++) {
		const char *status = pod_status(pods[i]);
		if (!streq(status, "Exited") && !streq(status, "Stopped"))
			continue;
		r = pod_remove(x, pods[i], true, 0, err);
		if (r < 0)
			return r;
		strv_push(&ids, pods[i]->pod->id);
	}
	*ret_ids = TAKE_PTR(ids);
	return 0;
}
