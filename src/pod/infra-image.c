/* SPDX-License-Identifier: Apache-2.0 */
#include "pod/infra-image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/import.h"
#include "image/lookup.h"
#include "util/fs.h"
#include "util/xalloc.h"

int pod_pause_binary_find(const char *self_exe, char **ret, struct sk_error **err)
{
	/* Next to selkie once installed; in the build tree selkie is src/cli/selkie and the
	 * pause binary src/pause/selkie-pause. */
	_cleanup_free_ char *dir = self_exe ? path_dirname(self_exe) : xstrdup(".");
	char *candidates[] = {
		xasprintf("%s/selkie-pause", dir),
		xasprintf("%s/../pause/selkie-pause", dir),
		xstrdup(SELKIE_PAUSE_INSTALL_PATH),
	};
	int found = -1;
	for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
		if (found < 0 && access(candidates[i], X_OK) == 0)
			found = (int)i;
	for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
		if ((int)i != found)
			free(candidates[i]);
	if (found < 0)
		return sk_err_notfound(err,
				       "infra image: selkie-pause not found next to %s or at %s",
				       self_exe ? self_exe : "selkie", SELKIE_PAUSE_INSTALL_PATH);
	*ret = candidates[found];
	return 0;
}

/* The layer: one entry, /selkie-pause, root-owned and executable. */
static int layer_write(const char *binary, const char *tar_path, struct sk_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(binary, 64u << 20, &data, &len);
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", binary, strerror(-r));
	_cleanup_close_ int fd = open(tar_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_err_system(err, errno, "create %s: %s", tar_path, strerror(errno));
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	if (!a || !e) {
		archive_entry_free(e);
		archive_write_free(a);
		return sk_err_system(err, ENOMEM, "write %s: cannot set up libarchive", tar_path);
	}
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_none(a);
	archive_entry_set_pathname(e, "selkie-pause");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, 0, 0);
	bool ok = archive_write_open_fd(a, fd) == ARCHIVE_OK &&
		  archive_write_header(a, e) == ARCHIVE_OK &&
		  archive_write_data(a, data, len) == (la_ssize_t)len &&
		  archive_write_close(a) == ARCHIVE_OK;
	archive_entry_free(e);
	archive_write_free(a);
	if (!ok)
		return sk_err_system(err, EIO, "write %s: cannot write the layer", tar_path);
	return 0;
}

static int image_make(struct ctr_ctx *x, struct sk_error **err)
{
	_cleanup_free_ char *binary = NULL;
	int r = pod_pause_binary_find(x->self_exe, &binary, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *work = NULL;
	_cleanup_close_ int lock = -1;
	r = store_tmpdir_new(x->store, "pause-", &work, &lock, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tar = xasprintf("%s/layer.tar", work);
	r = layer_write(binary, tar, err);
	char *changes[] = { "ENTRYPOINT [\"/selkie-pause\"]", NULL };
	struct image_import_opts io = {
		.source = tar,
		.in_fd = -1,
		.reference = POD_INFRA_IMAGE,
		.changes = changes,
		.message = "selkie pod infra image",
	};
	_cleanup_free_ char *id = NULL;
	if (r >= 0)
		r = image_import(x->store, &io, &id, err);
	store_tmpdir_remove(work);
	return r;
}

int pod_infra_image_ensure(struct ctr_ctx *x, struct sk_error **err)
{
	/* Under the store lock, so that two pods made at once make one image. */
	int r = store_lock(x->store, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *id = NULL;
	if (image_lookup(x->store, POD_INFRA_IMAGE, &id, NULL, NULL) < 0)
		r = image_make(x, err);
	store_unlock(x->store);
	if (r < 0)
		return sk_error_wrap(err, "making the infra image %s", POD_INFRA_IMAGE);
	return 0;
}
