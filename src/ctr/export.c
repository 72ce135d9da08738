/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/export.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/cp.h"
#include "ctr/userns.h"
#include "store/layer-diff.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/xalloc.h"

int ctr_export(struct ctr_ctx *x, struct state_container *c, int out_fd, struct sk_error **err)
{
	struct ctr_rootfs rootfs;
	int r = ctr_rootfs_open(x, c, false, &rootfs, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = openat(rootfs.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = sk_err_system(err, errno, "export %.12s: open the root file system: %s", c->id,
				  strerror(errno));
	} else {
		/* A container with a user namespace of its own: owners as it sees them. */
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		_cleanup_(ctr_userns_done) struct ctr_userns u = { 0 };
		struct store_diff_opts opts = {
			.mode = STORE_LAYER_APPLY,
			.dir_fd = fd,
			.parent_fd = -1,
		};
		struct store_diff_result res;
		r = ctr_userns_load(doc, &u, err);
		if (r >= 0 && u.n_uids > 0) {
			opts.idmap = ctr_userns_to_container;
			opts.idmap_data = &u;
		}
		if (r >= 0)
			r = store_layer_diff(&opts, out_fd, &res, err);
		if (r < 0)
			sk_error_wrap(err, "export %.12s", c->id);
	}
	ctr_rootfs_release(&rootfs);
	return r;
}

static mode_t umask_current(void)
{
	mode_t m = umask(022);
	umask(m);
	return m;
}

int ctr_export_file(struct ctr_ctx *x, struct state_container *c, const char *path,
		    struct sk_error **err)
{
	_cleanup_free_ char *dir = path_dirname(path);
	_cleanup_free_ char *tmp = xasprintf("%s/.%s.XXXXXX", dir, path_basename(path));
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "create %s: %s", path, strerror(errno));
	int r = ctr_export(x, c, fd, err);
	if (r >= 0 && fchmod(fd, 0644 & ~umask_current()) < 0)
		r = sk_err_system(err, errno, "chmod %s: %s", tmp, strerror(errno));
	if (r >= 0 && fsync(fd) < 0)
		r = sk_err_system(err, errno, "write %s: %s", path, strerror(errno));
	if (r >= 0 && rename(tmp, path) < 0)
		r = sk_err_system(err, errno, "rename %s to %s: %s", tmp, path, strerror(errno));
	if (r < 0)
		unlink(tmp);
	return r;
}
