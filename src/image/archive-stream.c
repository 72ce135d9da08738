/* SPDX-License-Identifier: Apache-2.0 */
#include "archive-stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/xalloc.h"

struct image_archive_writer {
	struct archive *tar; /* tar mode */
	int dir_fd;	     /* directory mode */
	char *dir;
	int file_fd; /* directory mode: the file in progress */
	char *name;  /* the file in progress */
	uint64_t left;
	bool in_file;
};

static int writer_fail(struct image_archive_writer *w, struct sk_error **err)
{
	int e = archive_errno(w->tar);
	const char *why = archive_error_string(w->tar);
	if (e > 0)
		return sk_err_system(err, e, "write archive: %s", strerror(e));
	return sk_err_system(err, EIO, "write archive: %s", why ? why : "unknown error");
}

int image_archive_writer_tar(int fd, struct image_archive_writer **ret, struct sk_error **err)
{
	struct image_archive_writer *w = xnew(struct image_archive_writer, 1);
	w->dir_fd = w->file_fd = -1;
	w->tar = archive_write_new();
	if (!w->tar)
		abort();
	if (archive_write_set_format_pax_restricted(w->tar) != ARCHIVE_OK ||
	    archive_write_add_filter_none(w->tar) != ARCHIVE_OK ||
	    archive_write_open_fd(w->tar, fd) != ARCHIVE_OK) {
		int r = writer_fail(w, err);
		image_archive_writer_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

int image_archive_writer_dir(const char *dir, struct image_archive_writer **ret,
			     struct sk_error **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open \"%s\": %s", dir, strerror(errno));
	struct image_archive_writer *w = xnew(struct image_archive_writer, 1);
	w->dir_fd = fd;
	w->file_fd = -1;
	w->dir = xstrdup(dir);
	*ret = w;
	return 0;
}

void image_archive_writer_free(struct image_archive_writer *w)
{
	if (!w)
		return;
	if (w->tar)
		archive_write_free(w->tar); /* closes without the end blocks if not closed */
	if (w->dir_fd >= 0)
		close(w->dir_fd);
	if (w->file_fd >= 0)
		close(w->file_fd);
	free(w->dir);
	free(w->name);
	free(w);
}

/* Fixed owner and time, so the same image always gives the same bytes. */
static int tar_header(struct image_archive_writer *w, const char *name, mode_t type, mode_t perm,
		      uint64_t size, const char *symlink, struct sk_error **err)
{
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		abort();
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, type);
	archive_entry_set_perm(ae, perm);
	archive_entry_set_size(ae, (la_int64_t)size);
	archive_entry_set_mtime(ae, 0, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	if (symlink)
		archive_entry_set_symlink(ae, symlink);
	int r = archive_write_header(w->tar, ae);
	archive_entry_free(ae);
	return r == ARCHIVE_OK ? 0 : writer_fail(w, err);
}

int image_archive_writer_add_dir(struct image_archive_writer *w, const char *name,
				 struct sk_error **err)
{
	if (w->tar)
		return tar_header(w, name, AE_IFDIR, 0755, 0, NULL, err);
	if (mkdirat(w->dir_fd, name, 0755) < 0 && errno != EEXIST)
		return sk_err_system(err, errno, "create %s/%s: %s", w->dir, name, strerror(errno));
	return 0;
}

int image_archive_writer_add_symlink(struct image_archive_writer *w, const char *name,
				     const char *target, struct sk_error **err)
{
	if (w->tar)
		return tar_header(w, name, AE_IFLNK, 0777, 0, target, err);
	if (symlinkat(target, w->dir_fd, name) < 0)
		return sk_err_system(err, errno, "create %s/%s: %s", w->dir, name, strerror(errno));
	return 0;
}

int image_archive_writer_begin(struct image_archive_writer *w, const char *name, uint64_t size,
			       struct sk_error **err)
{
	if (w->in_file)
		return sk_err_internal(err, "archive writer: file %s still open", w->name);
	if (w->tar) {
		int r = tar_header(w, name, AE_IFREG, 0444, size, NULL, err);
		if (r < 0)
			return r;
	} else {
		w->file_fd =
			openat(w->dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (w->file_fd < 0)
			return sk_err_system(err, errno, "create %s/%s: %s", w->dir, name,
					     strerror(errno));
	}
	free(w->name);
	w->name = xstrdup(name);
	w->left = size;
	w->in_file = true;
	return 0;
}

int image_archive_writer_write(struct image_archive_writer *w, const void *data, size_t len,
			       struct sk_error **err)
{
	if (!w->in_file || len > w->left)
		return sk_err_internal(err, "archive writer: %s: more data than announced",
				       w->name ? w->name : "");
	w->left -= len;
	if (!w->tar) {
		int r = fd_write_all(w->file_fd, data, len);
		if (r < 0)
			return sk_err_system(err, r, "write %s/%s: %s", w->dir, w->name,
					     strerror(-r));
		return 0;
	}
	const char *p = data;
	while (len > 0) {
		la_ssize_t n = archive_write_data(w->tar, p, len);
		if (n <= 0)
			return writer_fail(w, err);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int image_archive_writer_end(struct image_archive_writer *w, struct sk_error **err)
{
	if (!w->in_file)
		return sk_err_internal(err, "archive writer: no file open");
	w->in_file = false;
	if (w->left)
		return sk_err_internal(err, "archive writer: %s: %llu bytes missing", w->name,
				       (unsigned long long)w->left);
	if (w->tar)
		return archive_write_finish_entry(w->tar) == ARCHIVE_OK ? 0 : writer_fail(w, err);
	int fd = TAKE_FD(w->file_fd);
	if (close(fd) < 0)
		return sk_err_system(err, errno, "write %s/%s: %s", w->dir, w->name,
				     strerror(errno));
	return 0;
}

int image_archive_writer_add_bytes(struct image_archive_writer *w, const char *name,
				   const void *data, size_t len, struct sk_error **err)
{
	int r = image_archive_writer_begin(w, name, len, err);
	if (r >= 0)
		r = image_archive_writer_write(w, data, len, err);
	if (r >= 0)
		r = image_archive_writer_end(w, err);
	return r;
}

int image_archive_writer_add_fd(struct image_archive_writer *w, const char *name, int fd,
				uint64_t size, struct sk_error **err)
{
	int r = image_archive_writer_begin(w, name, size, err);
	char buf[65536];
	uint64_t done = 0;
	while (r >= 0 && done < size) {
		ssize_t n =
			RETRY_EINTR(read(fd, buf, (size_t)MIN((uint64_t)sizeof(buf), size - done)));
		if (n < 0)
			return sk_err_system(err, errno, "read %s: %s", name, strerror(errno));
		if (n == 0)
			return sk_err_corrupt(err, "%s: file shorter than its recorded %llu bytes",
					      name, (unsigned long long)size);
		done += (uint64_t)n;
		r = image_archive_writer_write(w, buf, (size_t)n, err);
	}
	if (r >= 0)
		r = image_archive_writer_end(w, err);
	return r;
}

int image_archive_writer_close(struct image_archive_writer *w, struct sk_error **err)
{
	if (w->tar && archive_write_close(w->tar) != ARCHIVE_OK)
		return writer_fail(w, err);
	if (w->dir_fd >= 0 && fsync(w->dir_fd) < 0)
		return sk_err_system(err, errno, "sync %s: %s", w->dir, strerror(errno));
	return 0;
}

/* ---- reading layer blobs ---- */

struct layer_reader {
	int fd;
	struct digester *blob;
	uint64_t blob_size;
	int read_errno;
	char buf[65536];
};

static la_ssize_t reader_read(struct archive *a, void *data, const void **buf)
{
	struct layer_reader *lr = data;
	ssize_t n = RETRY_EINTR(read(lr->fd, lr->buf, sizeof(lr->buf)));
	if (n < 0) {
		lr->read_errno = errno;
		archive_set_error(a, errno, "read error");
		return -1;
	}
	digester_update(lr->blob, lr->buf, (size_t)n);
	lr->blob_size += (uint64_t)n;
	*buf = lr->buf;
	return n;
}

/* Whatever follows the compressed stream still belongs to the blob's digest. */
static int reader_drain(struct layer_reader *lr)
{
	for (;;) {
		ssize_t n = RETRY_EINTR(read(lr->fd, lr->buf, sizeof(lr->buf)));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		digester_update(lr->blob, lr->buf, (size_t)n);
		lr->blob_size += (uint64_t)n;
	}
}

static int layer_fail(struct layer_reader *lr, struct archive *a, struct sk_error **err)
{
	if (lr->read_errno)
		return sk_err_system(err, lr->read_errno, "read: %s", strerror(lr->read_errno));
	const char *why = archive_error_string(a);
	if (!why)
		why = "unreadable data";
	return sk_err_corrupt(err, "%c%s", tolower((unsigned char)why[0]), why + 1);
}

bool image_tar_header_valid(const unsigned char block[512])
{
	unsigned long want = 0, sum = 0;
	long ssum = 0;
	bool zero = true, digits = false;
	for (size_t i = 0; i < 512; i++)
		zero = zero && block[i] == 0;
	if (zero)
		return true;
	for (size_t i = 148; i < 156; i++) {
		unsigned char c = block[i];
		if (c == ' ' || c == '\0') {
			if (digits)
				break;
			continue;
		}
		if (c < '0' || c > '7')
			return false;
		want = want * 8 + (unsigned long)(c - '0');
		digits = true;
	}
	for (size_t i = 0; i < 512; i++) {
		bool field = i >= 148 && i < 156;
		sum += field ? ' ' : block[i];
		ssum += field ? ' ' : (signed char)block[i];
	}
	return digits && (want == sum || (long)want == ssum);
}

static enum store_compression compression_of(int code)
{
	if (code == ARCHIVE_FILTER_GZIP)
		return STORE_COMPRESSION_GZIP;
	if (code == ARCHIVE_FILTER_ZSTD)
		return STORE_COMPRESSION_ZSTD;
	return STORE_COMPRESSION_NONE;
}

static int layer_open(struct archive *a, struct layer_reader *lr, bool any_filter, bool *empty,
		      struct sk_error **err)
{
	struct archive_entry *ae;
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK)
		return sk_err_internal(err, "libarchive lacks raw support");
	int r = archive_read_open(a, lr, NULL, reader_read, NULL);
	if (r == ARCHIVE_OK)
		r = archive_read_next_header(a, &ae);
	if (r != ARCHIVE_OK) {
		*empty = lr->blob_size == 0 && lr->read_errno == 0;
		return *empty ? 0 : layer_fail(lr, a, err);
	}
	int code = archive_filter_code(a, 0);
	if (archive_filter_count(a) > 2)
		return sk_err_corrupt(err, "nested compression is not supported");
	if (!any_filter && code != ARCHIVE_FILTER_NONE && code != ARCHIVE_FILTER_GZIP &&
	    code != ARCHIVE_FILTER_ZSTD)
		return sk_err_corrupt(err, "unsupported compression \"%s\"",
				      archive_filter_name(a, 0));
	return 0;
}

struct layer_stream {
	struct digester *diff;
	uint64_t size;
	unsigned char head[512];
	image_layer_data_fn fn;
	void *userdata;
};

static int layer_piece(struct layer_stream *ls, const char *buf, size_t n, struct sk_error **err)
{
	if (ls->size < sizeof(ls->head)) {
		size_t take = MIN(n, sizeof(ls->head) - (size_t)ls->size);
		memcpy(ls->head + ls->size, buf, take);
		if (ls->size + take == sizeof(ls->head) && !image_tar_header_valid(ls->head))
			return sk_err_corrupt(err, "not a tar archive");
	}
	ls->size += n;
	if (ls->size > STORE_UNPACK_MAX_SIZE_DEFAULT)
		return sk_err_corrupt(err, "uncompressed size exceeds the limit of %llu bytes",
				      (unsigned long long)STORE_UNPACK_MAX_SIZE_DEFAULT);
	digester_update(ls->diff, buf, n);
	return ls->fn ? ls->fn(ls->userdata, buf, n, err) : 0;
}

static int layer_pump(struct archive *a, struct layer_reader *lr, struct layer_stream *ls,
		      struct sk_error **err)
{
	char buf[65536];
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n < 0)
			return layer_fail(lr, a, err);
		if (n == 0)
			break;
		int r = layer_piece(ls, buf, (size_t)n, err);
		if (r < 0)
			return r;
	}
	if (ls->size > 0 && ls->size < sizeof(ls->head))
		return sk_err_corrupt(err, "not a tar archive");
	return 0;
}

int image_layer_read(int fd, bool any_filter, image_layer_data_fn fn, void *userdata,
		     struct image_layer_info *ret, struct sk_error **err)
{
	_cleanup_free_ struct layer_reader *lr = xnew(struct layer_reader, 1);
	_cleanup_digester_ struct digester *blob = digester_new();
	_cleanup_digester_ struct digester *diff = digester_new();
	lr->fd = fd;
	lr->blob = blob;
	struct layer_stream ls = { .diff = diff, .fn = fn, .userdata = userdata };
	struct archive *a = archive_read_new();
	if (!a)
		abort();
	bool empty = false;
	int r = layer_open(a, lr, any_filter, &empty, err);
	if (r >= 0 && !empty)
		r = layer_pump(a, lr, &ls, err);
	if (r >= 0 && !empty)
		ret->compression = compression_of(archive_filter_code(a, 0));
	archive_read_free(a);
	if (r < 0)
		return r;
	r = reader_drain(lr);
	if (r < 0)
		return sk_err_system(err, r, "read: %s", strerror(-r));
	if (empty)
		ret->compression = STORE_COMPRESSION_NONE;
	digester_final(blob, ret->blob_digest);
	digester_final(diff, ret->diff_id);
	ret->blob_size = lr->blob_size;
	ret->diff_size = ls.size;
	return 0;
}
