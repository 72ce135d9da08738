/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/pod-targets.h"

#include "cli/context.h"
#include "util/xalloc.h"

int cli_pod_targets(struct ctr_ctx *x, int argc, char **argv, bool all, bool latest, bool ignore,
		    int notfound_rc, struct pod_info ***ret)
{
	_cleanup_error_ struct sk_error *err = NULL;
	if (all || latest) {
		struct pod_info **list = NULL;
		if (pod_list(x, &list, &err) < 0) {
			*ret = xnew(struct pod_info *, 1);
			return cli_fail(err);
		}
		if (latest && list[0]) {
			for (size_t i = 1; list[i]; i++)
				pod_info_free(list[i]);
			list[1] = NULL;
		}
		*ret = list;
		return 0;
	}
	struct pod_info **list = xnew(struct pod_info *, (size_t)argc + 1);
	size_t n = 0;
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		if (pod_lookup(x, argv[i], &list[n], &err) >= 0) {
			n++;
			continue;
		}
		if (err->kind == SK_ERR_NOTFOUND && ignore) {
			sk_error_free(TAKE_PTR(err));
			continue;
		}
		int code = err->kind == SK_ERR_NOTFOUND ? notfound_rc : EXIT_ENGINE;
		cli_fail_take(&err);
		rc = code;
	}
	*ret = list;
	return rc;
}
