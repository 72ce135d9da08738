/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libarchive, loaded on first use (see util/lazy-lib.h): every libarchive function selkie calls,
 * defined here under its real name, so store/ and image/ (which reaches it through store/'s
 * library) are written against plain <archive.h>. selkie does not link libarchive: a libarchive
 * function used anywhere without a trampoline here fails the link with an undefined reference —
 * add it below.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>

#include "util/lazy-lib.h"
#include "util/macro.h"
#include "util/xalloc.h"

static struct lazy_lib libarchive =
	LAZY_LIB_INIT(SELKIE_LIBARCHIVE_SONAME, SELKIE_LIBARCHIVE_PACKAGE);

/*
 * The destructors take NULL, as libarchive's do, without loading libarchive: cleanup attributes
 * call them on paths that never needed it.
 */

/*
 * A varargs call can't be forwarded as is: the message is formatted here and handed on whole.
 * libarchive's own formatter knows a subset of printf's conversions; vsnprintf knows them all.
 */
void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	if (!fmt) {
		LAZY_LIB_FN(&libarchive, archive_set_error)(a, err, NULL);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	LAZY_LIB_FN(&libarchive, archive_set_error)(a, err, "%s", msg);
}

/* ---- reading ---- */

struct archive *archive_read_new(void)
{
	return LAZY_LIB_FN(&libarchive, archive_read_new)();
}

int archive_read_support_filter_all(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_filter_all)(a);
}

int archive_read_support_filter_gzip(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_filter_gzip)(a);
}

int archive_read_support_filter_zstd(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_filter_zstd)(a);
}

int archive_read_support_format_empty(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_format_empty)(a);
}

int archive_read_support_format_raw(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_format_raw)(a);
}

int archive_read_support_format_tar(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_read_support_format_tar)(a);
}

int archive_read_open(struct archive *a, void *client_data, archive_open_callback *opener,
		      archive_read_callback *reader, archive_close_callback *closer)
{
	return LAZY_LIB_FN(&libarchive, archive_read_open)(a, client_data, opener, reader, closer);
}

int archive_read_open_fd(struct archive *a, int fd, size_t block_size)
{
	return LAZY_LIB_FN(&libarchive, archive_read_open_fd)(a, fd, block_size);
}

int archive_read_next_header(struct archive *a, struct archive_entry **entry)
{
	return LAZY_LIB_FN(&libarchive, archive_read_next_header)(a, entry);
}

la_ssize_t archive_read_data(struct archive *a, void *buf, size_t size)
{
	return LAZY_LIB_FN(&libarchive, archive_read_data)(a, buf, size);
}

int archive_read_data_block(struct archive *a, const void **buf, size_t *size, la_int64_t *offset)
{
	return LAZY_LIB_FN(&libarchive, archive_read_data_block)(a, buf, size, offset);
}

int archive_read_free(struct archive *a)
{
	if (!a)
		return ARCHIVE_OK;
	return LAZY_LIB_FN(&libarchive, archive_read_free)(a);
}

/* ---- writing ---- */

struct archive *archive_write_new(void)
{
	return LAZY_LIB_FN(&libarchive, archive_write_new)();
}

int archive_write_add_filter(struct archive *a, int filter_code)
{
	return LAZY_LIB_FN(&libarchive, archive_write_add_filter)(a, filter_code);
}

int archive_write_add_filter_none(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_add_filter_none)(a);
}

int archive_write_set_format_pax_restricted(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_set_format_pax_restricted)(a);
}

int archive_write_set_format_raw(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_set_format_raw)(a);
}

int archive_write_set_format_option(struct archive *a, const char *module, const char *option,
				    const char *value)
{
	return LAZY_LIB_FN(&libarchive, archive_write_set_format_option)(a, module, option, value);
}

int archive_write_set_bytes_per_block(struct archive *a, int bytes_per_block)
{
	return LAZY_LIB_FN(&libarchive, archive_write_set_bytes_per_block)(a, bytes_per_block);
}

int archive_write_set_bytes_in_last_block(struct archive *a, int bytes_in_last_block)
{
	return LAZY_LIB_FN(&libarchive, archive_write_set_bytes_in_last_block)(a,
									       bytes_in_last_block);
}

int archive_write_open(struct archive *a, void *client_data, archive_open_callback *opener,
		       archive_write_callback *writer, archive_close_callback *closer)
{
	return LAZY_LIB_FN(&libarchive, archive_write_open)(a, client_data, opener, writer, closer);
}

int archive_write_open_fd(struct archive *a, int fd)
{
	return LAZY_LIB_FN(&libarchive, archive_write_open_fd)(a, fd);
}

int archive_write_header(struct archive *a, struct archive_entry *entry)
{
	return LAZY_LIB_FN(&libarchive, archive_write_header)(a, entry);
}

la_ssize_t archive_write_data(struct archive *a, const void *buf, size_t size)
{
	return LAZY_LIB_FN(&libarchive, archive_write_data)(a, buf, size);
}

int archive_write_finish_entry(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_finish_entry)(a);
}

int archive_write_close(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_close)(a);
}

int archive_write_fail(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_write_fail)(a);
}

int archive_write_free(struct archive *a)
{
	if (!a)
		return ARCHIVE_OK;
	return LAZY_LIB_FN(&libarchive, archive_write_free)(a);
}

/* ---- state and errors ---- */

int archive_filter_count(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_filter_count)(a);
}

int archive_filter_code(struct archive *a, int n)
{
	return LAZY_LIB_FN(&libarchive, archive_filter_code)(a, n);
}

const char *archive_filter_name(struct archive *a, int n)
{
	return LAZY_LIB_FN(&libarchive, archive_filter_name)(a, n);
}

int archive_errno(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_errno)(a);
}

const char *archive_error_string(struct archive *a)
{
	return LAZY_LIB_FN(&libarchive, archive_error_string)(a);
}

/* ---- entries ---- */

struct archive_entry *archive_entry_new(void)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_new)();
}

struct archive_entry *archive_entry_clear(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_clear)(e);
}

void archive_entry_free(struct archive_entry *e)
{
	if (!e)
		return;
	LAZY_LIB_FN(&libarchive, archive_entry_free)(e);
}

const char *archive_entry_pathname(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_pathname)(e);
}

const char *archive_entry_hardlink(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_hardlink)(e);
}

const char *archive_entry_symlink(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_symlink)(e);
}

__LA_MODE_T archive_entry_filetype(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_filetype)(e);
}

__LA_MODE_T archive_entry_perm(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_perm)(e);
}

la_int64_t archive_entry_uid(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_uid)(e);
}

la_int64_t archive_entry_gid(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_gid)(e);
}

la_int64_t archive_entry_size(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_size)(e);
}

dev_t archive_entry_rdevmajor(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_rdevmajor)(e);
}

dev_t archive_entry_rdevminor(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_rdevminor)(e);
}

time_t archive_entry_mtime(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_mtime)(e);
}

long archive_entry_mtime_nsec(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_mtime_nsec)(e);
}

int archive_entry_atime_is_set(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_atime_is_set)(e);
}

time_t archive_entry_atime(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_atime)(e);
}

long archive_entry_atime_nsec(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_atime_nsec)(e);
}

void archive_entry_set_pathname(struct archive_entry *e, const char *name)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_pathname)(e, name);
}

void archive_entry_set_hardlink(struct archive_entry *e, const char *target)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_hardlink)(e, target);
}

void archive_entry_set_symlink(struct archive_entry *e, const char *target)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_symlink)(e, target);
}

void archive_entry_set_filetype(struct archive_entry *e, unsigned int type)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_filetype)(e, type);
}

void archive_entry_set_mode(struct archive_entry *e, __LA_MODE_T mode)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_mode)(e, mode);
}

void archive_entry_set_perm(struct archive_entry *e, __LA_MODE_T perm)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_perm)(e, perm);
}

void archive_entry_set_uid(struct archive_entry *e, la_int64_t uid)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_uid)(e, uid);
}

void archive_entry_set_gid(struct archive_entry *e, la_int64_t gid)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_gid)(e, gid);
}

void archive_entry_set_size(struct archive_entry *e, la_int64_t size)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_size)(e, size);
}

void archive_entry_set_rdevmajor(struct archive_entry *e, dev_t major)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_rdevmajor)(e, major);
}

void archive_entry_set_rdevminor(struct archive_entry *e, dev_t minor)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_rdevminor)(e, minor);
}

void archive_entry_set_mtime(struct archive_entry *e, time_t sec, long nsec)
{
	LAZY_LIB_FN(&libarchive, archive_entry_set_mtime)(e, sec, nsec);
}

int archive_entry_xattr_reset(struct archive_entry *e)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_xattr_reset)(e);
}

int archive_entry_xattr_next(struct archive_entry *e, const char **name, const void **value,
			     size_t *size)
{
	return LAZY_LIB_FN(&libarchive, archive_entry_xattr_next)(e, name, value, size);
}

void archive_entry_xattr_add_entry(struct archive_entry *e, const char *name, const void *value,
				   size_t size)
{
	LAZY_LIB_FN(&libarchive, archive_entry_xattr_add_entry)(e, name, value, size);
}
