/* SPDX-License-Identifier: Apache-2.0 */
#include "blob-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/images.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

char *store_blob_path(const struct store *s, const char *digest)
{
	return path_join(s->blobs_dir, digest_hex(digest));
}

int store_blob_commit_file(struct store *s, const char *tmp_path, const char *digest, uint64_t size,
			   const char *media_type, struct sk_error **err)
{
	if (!digest_is_valid(digest) || strncmp(digest, "sha256:", 7) != 0)
		return sk_err_invalid(err, "invalid digest '%s'", digest);
	_cleanup_free_ char *dst = store_blob_path(s, digest);
	if (rename(tmp_path, dst) < 0)
		return sk_err_system(err, errno, "store blob %s: %s", digest, strerror(errno));
	return state_blob_put(s->db, digest, size, media_type, err);
}

int store_blob_put(struct store *s, const void *data, size_t len, const char *media_type,
		   char *ret_digest, struct sk_error **err)
{
	char digest[DIGEST_STR_LEN];
	digest_buffer(data, len, digest);
	_cleanup_free_ char *dst = store_blob_path(s, digest);
	if (!fs_exists(dst)) {
		int r = fs_write_atomic(dst, data, len, 0644);
		if (r < 0)
			return sk_err_system(err, r, "store blob %s: %s", digest, strerror(-r));
	}
	int r = state_blob_put(s->db, digest, len, media_type, err);
	if (r < 0)
		return r;
	if (ret_digest)
		memcpy(ret_digest, digest, DIGEST_STR_LEN);
	return 0;
}

int store_blob_read(struct store *s, const char *digest, size_t max, char **ret, size_t *ret_len,
		    struct sk_error **err)
{
	_cleanup_free_ char *path = store_blob_path(s, digest);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = fs_read_file(path, max, &buf, &len);
	if (r == -ENOENT)
		return sk_err_notfound(err, "blob %s: blob unknown", digest);
	if (r < 0)
		return sk_err_system(err, r, "read blob %s: %s", digest, strerror(-r));
	char got[DIGEST_STR_LEN];
	digest_buffer(buf, len, got);
	if (!streq(got, digest))
		return sk_err_corrupt(err, "blob %s: digest mismatch: got %s", digest, got);
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int store_blob_open(struct store *s, const char *digest, struct sk_error **err)
{
	_cleanup_free_ char *path = store_blob_path(s, digest);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? sk_err_notfound(err, "blob %s: blob unknown", digest)
				       : sk_err_system(err, errno, "open blob %s: %s", digest,
						       strerror(errno));
	return fd;
}

int store_blob_gc(struct store *s, struct sk_error **err)
{
	_cleanup_strv_free_ char **unused = NULL;
	int r = state_db_begin(s->db, err);
	if (r < 0)
		return r;
	r = state_blob_list_unused(s->db, &unused, err);
	STRV_FOREACH (d, unused) {
		if (r < 0)
			break;
		r = state_blob_delete(s->db, *d, err);
	}
	if (r < 0) {
		state_db_rollback(s->db);
		return r;
	}
	r = state_db_commit(s->db, err);
	if (r < 0)
		return r;
	/* Files go only after the rows are gone: a crash here leaves files no row names, which
	 * a later blob commit of the same digest simply replaces. */
	STRV_FOREACH (d, unused) {
		_cleanup_free_ char *path = store_blob_path(s, *d);
		unlink(path);
	}
	return 0;
}
