/* SPDX-License-Identifier: Apache-2.0 */
/* Where a container's files live (see ctr/ctr.h) and its lifecycle lock. */
#include "ctr/ctr.h"

#include <errno.h>
#include <string.h>

#include "util/fs.h"
#include "util/lock.h"
#include "util/xalloc.h"

char *ctr_dir(const struct ctr_ctx *x, const char *id)
{
	return xasprintf("%s/containers/%s", x->graph_root, id);
}

char *ctr_userdata_dir(const struct ctr_ctx *x, const char *id)
{
	return xasprintf("%s/containers/%s/userdata", x->graph_root, id);
}

char *ctr_rootfs_dir(const struct ctr_ctx *x, const char *id)
{
	return xasprintf("%s/containers/%s/merged", x->graph_root, id);
}

char *ctr_run_dir(const struct ctr_ctx *x, const char *id)
{
	return xasprintf("%s/containers/%s", x->run_root, id);
}

char *ctr_netns_path(const struct ctr_ctx *x, const char *id)
{
	return xasprintf("%s/netns/%s", x->run_root, id);
}

int ctr_lock(const struct ctr_ctx *x, const char *id, int *ret_fd, struct sk_error **err)
{
	_cleanup_free_ char *dir = ctr_run_dir(x, id);
	int r = fs_mkdir_p(dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", dir, strerror(-r));
	_cleanup_free_ char *path = xasprintf("%s/lock", dir);
	int fd = lock_file_take(path, true, false);
	if (fd < 0)
		return sk_err_system(err, fd, "lock container %.12s: %s", id, strerror(-fd));
	*ret_fd = fd;
	return 0;
}
