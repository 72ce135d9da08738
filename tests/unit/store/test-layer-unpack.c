/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "store/layer-unpack.h"
#include "store/safe-path.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* ---- fixture: work/root (the destination) and work/outside (never to be touched) ---- */

struct fixture {
	char *work;
	char *root;
	char *outside;
	int root_fd;
	int outside_fd;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->work = xasprintf("%s/selkie-unpack-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->root = path_join(f->work, "root");
	f->outside = path_join(f->work, "outside");
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(mkdir(f->outside, 0755), 0);
	f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	f->outside_fd = open(f->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->root_fd >= 0 && f->outside_fd >= 0);
	int fd = openat(f->outside_fd, "secret", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, "secret", 6), 0);
	close(fd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	close(f->root_fd);
	close(f->outside_fd);
	fs_rm_rf(f->work);
	free(f->work);
	free(f->root);
	free(f->outside);
	free(f);
	return 0;
}

/* "outside" holds exactly its "secret", unchanged. */
static void assert_outside_untouched(const struct fixture *f)
{
	char buf[16];
	struct stat st;
	int fd = openat(f->outside_fd, "secret", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "secret", 6);
	close(fd);
	DIR *d = opendir(f->outside);
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		n += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("skipped: needs root (mknod, chown or trusted xattrs)\n");
	return false;
}

/* ---- building tars ---- */

struct ent {
	const char *name;
	mode_t type; /* AE_IFREG when 0 */
	mode_t perm; /* 0644 (directories 0755) when 0 */
	const char *data;
	size_t zeros; /* data of that many zero bytes instead */
	const char *symlink;
	const char *hardlink;
	int64_t uid, gid;
	time_t mtime;
	const char *xattr[4][2];
	bool cap; /* security.capability: cap_net_raw permitted and effective */
	unsigned rmajor, rminor;
};

/* A valid vfs_cap_data (revision 2): the kernel refuses malformed ones. */
static const char cap_net_raw[20] = { 1, 0, 0, 2, 0, 0x20 };

static la_ssize_t memfd_write(struct archive *a, void *data, const void *buf, size_t len)
{
	return fd_write_all(*(int *)data, buf, len) < 0 ? -1 : (la_ssize_t)len;
}

static void add_entry(struct archive *a, struct archive_entry *ae, const struct ent *e)
{
	size_t size = e->data ? strlen(e->data) : e->zeros;
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->name);
	archive_entry_set_filetype(ae, e->type ? e->type : AE_IFREG);
	archive_entry_set_perm(ae, e->perm ? e->perm : e->type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_uid(ae, e->uid);
	archive_entry_set_gid(ae, e->gid);
	archive_entry_set_mtime(ae, e->mtime ? e->mtime : 1700000000, 0);
	archive_entry_set_size(ae, (!e->type || e->type == AE_IFREG) && !e->hardlink ? size : 0);
	if (e->symlink)
		archive_entry_set_symlink(ae, e->symlink);
	if (e->hardlink)
		archive_entry_set_hardlink(ae, e->hardlink);
	archive_entry_set_rdevmajor(ae, e->rmajor);
	archive_entry_set_rdevminor(ae, e->rminor);
	for (int i = 0; i < 4 && e->xattr[i][0]; i++)
		archive_entry_xattr_add_entry(ae, e->xattr[i][0], e->xattr[i][1],
					      strlen(e->xattr[i][1]));
	if (e->cap)
		archive_entry_xattr_add_entry(ae, "security.capability", cap_net_raw,
					      sizeof(cap_net_raw));
	assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
	if (e->data)
		assert_int_equal(archive_write_data(a, e->data, size), (la_ssize_t)size);
	static const char zeros[65536];
	for (size_t left = e->zeros; left > 0;) {
		size_t n = MIN(left, sizeof(zeros));
		assert_int_equal(archive_write_data(a, zeros, n), (la_ssize_t)n);
		left -= n;
	}
}

/* An uncompressed pax tar of the entries (with libarchive's default 10 KiB block padding, so
 * there are zeros after the end-of-archive marker) in a memfd, rewound. */
static int tar_build(const struct ent *ents, size_t n)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);
	assert_true(fd >= 0);
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open(a, &fd, NULL, memfd_write, NULL), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++)
		add_entry(a, ae, &ents[i]);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(ae);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* fd's whole content compressed with the filter, in a new memfd, rewound. */
static int compress_fd(int fd, int filter)
{
	int out = memfd_create("blob", MFD_CLOEXEC);
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	struct stat st;
	char buf[65536];
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
	assert_int_equal(archive_write_open(a, &out, NULL, memfd_write, NULL), ARCHIVE_OK);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, st.st_size);
	assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
		assert_int_equal(archive_write_data(a, buf, (size_t)n), n);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(ae);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(lseek(out, 0, SEEK_SET), 0);
	return out;
}

static void digest_fd(int fd, char out[DIGEST_STR_LEN], uint64_t *size)
{
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fs_read_fd(fd, SIZE_MAX, &data, &len), 0);
	digest_buffer(data, len, out);
	*size = len;
	free(data);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
}

static struct store_unpack_opts opts_for(enum store_layer_mode mode)
{
	return (struct store_unpack_opts){
		.mode = mode,
		.allow_devices = true,
		.ignore_chown_errors = geteuid() != 0,
	};
}

#define ENTS(...)                                                                                  \
	((const struct ent[]){ __VA_ARGS__ }), ELEMENTSOF(((const struct ent[]){ __VA_ARGS__ }))

/* Unpack the entries; returns the unpack's return value, *ret_err set on failure. */
static int unpack_ents(const struct fixture *f, const struct store_unpack_opts *o,
		       const struct ent *ents, size_t n, struct sk_error **ret_err)
{
	int fd = tar_build(ents, n);
	struct store_unpack_result res;
	int r = store_layer_unpack(fd, f->root_fd, o, &res, ret_err);
	close(fd);
	return r;
}

/* The unpack fails with SK_ERR_CORRUPT and exactly this message. */
static void assert_corrupt(const struct fixture *f, const struct store_unpack_opts *o,
			   const struct ent *ents, size_t n, const char *msg)
{
	struct sk_error *err = NULL;
	assert_true(unpack_ents(f, o, ents, n, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	if (msg)
		assert_string_equal(err->msg, msg);
	sk_error_free(err);
}

static void assert_ok(const struct fixture *f, const struct store_unpack_opts *o,
		      const struct ent *ents, size_t n)
{
	struct sk_error *err = NULL;
	int r = unpack_ents(f, o, ents, n, &err);
	if (r < 0)
		print_error("unexpected failure: %s\n", err->msg);
	assert_int_equal(r, 0);
	assert_null(err);
}

static void assert_file(int dfd, const char *path, const char *content, mode_t perm)
{
	struct stat st;
	char buf[256];
	assert_int_equal(fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	if (perm)
		assert_int_equal(st.st_mode & 07777, perm);
	int fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(content));
	assert_memory_equal(buf, content, (size_t)n);
}

static void assert_missing(int dfd, const char *path)
{
	struct stat st;
	assert_int_equal(fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
}

/* ---- plain content ---- */

static void test_store_layer_unpack_types_and_modes(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct stat st, st2;
	char buf[64];

	assert_ok(f, &o,
		  ENTS({ .name = "./", .type = AE_IFDIR, .perm = 0755 },
		       { .name = "bin/", .type = AE_IFDIR, .perm = 0711, .mtime = 1000 },
		       { .name = "bin/tool", .data = "#!/bin/sh\n", .perm = 04755, .mtime = 2000 },
		       { .name = "bin/sgid", .data = "x", .perm = 02711 },
		       { .name = "tmp/", .type = AE_IFDIR, .perm = 01777 },
		       { .name = "bin/link", .type = AE_IFLNK, .symlink = "tool", .mtime = 3000 },
		       { .name = "bin/hard", .hardlink = "bin/tool" },
		       { .name = "run/fifo", .type = AE_IFIFO, .perm = 0600 },
		       { .name = "ro/", .type = AE_IFDIR, .perm = 0555, .mtime = 4000 },
		       { .name = "ro/inner", .data = "in", .perm = 0444 }));
	assert_file(f->root_fd, "bin/tool", "#!/bin/sh\n", 04755);
	assert_file(f->root_fd, "bin/sgid", "x", 02711);
	assert_int_equal(fstatat(f->root_fd, "bin/tool", &st, 0), 0);
	assert_int_equal(st.st_mtim.tv_sec, 2000);
	assert_int_equal(fstatat(f->root_fd, "bin/hard", &st2, 0), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(fstatat(f->root_fd, "bin/link", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_mtim.tv_sec, 3000);
	assert_int_equal(readlinkat(f->root_fd, "bin/link", buf, sizeof(buf)), 4);
	assert_int_equal(fstatat(f->root_fd, "tmp", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(fstatat(f->root_fd, "run/fifo", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* made-up parents: 0755 */
	assert_int_equal(fstatat(f->root_fd, "run", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* directory times and modes survive the entries written into them */
	assert_int_equal(fstatat(f->root_fd, "bin", &st, 0), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1000);
	assert_int_equal(st.st_mode & 07777, 0711);
	assert_int_equal(fstatat(f->root_fd, "ro", &st, 0), 0);
	assert_int_equal(st.st_mtim.tv_sec, 4000);
	assert_int_equal(st.st_mode & 07777, 0555);
	assert_file(f->root_fd, "ro/inner", "in", 0444);
}

static void test_store_layer_unpack_owners_and_xattrs(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct stat st;
	char v[32];

	if (!need_root())
		skip();
	assert_ok(f, &o,
		  ENTS({ .name = "d/",
			 .type = AE_IFDIR,
			 .uid = 7,
			 .gid = 8,
			 .xattr = { { "user.dir", "dv" } } },
		       { .name = "d/ping",
			 .data = "elf",
			 .perm = 04755,
			 .uid = 1234,
			 .gid = 5678,
			 .cap = true,
			 .xattr = { { "user.note", "hello" },
				    { "trusted.evil", "1" },
				    { "user.overlay.opaque", "y" } } },
		       { .name = "d/l", .type = AE_IFLNK, .symlink = "ping", .uid = 9, .gid = 10 },
		       { .name = "d/null",
			 .type = AE_IFCHR,
			 .rmajor = 1,
			 .rminor = 3,
			 .perm = 0666 }));
	assert_int_equal(fstatat(f->root_fd, "d/ping", &st, 0), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 04755); /* set after chown, which clears it */
	char *p = path_join(f->root, "d/ping");
	assert_int_equal(getxattr(p, "security.capability", v, sizeof(v)), 20);
	assert_memory_equal(v, cap_net_raw, 20);
	assert_int_equal(getxattr(p, "user.note", v, sizeof(v)), 5);
	assert_memory_equal(v, "hello", 5);
	assert_int_equal(getxattr(p, "trusted.evil", v, sizeof(v)), -1);
	assert_int_equal(getxattr(p, "user.overlay.opaque", v, sizeof(v)), -1);
	free(p);
	p = path_join(f->root, "d");
	assert_int_equal(getxattr(p, "user.dir", v, sizeof(v)), 2);
	free(p);
	assert_int_equal(fstatat(f->root_fd, "d", &st, 0), 0);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(fstatat(f->root_fd, "d/l", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_uid, 9);
	assert_int_equal(st.st_gid, 10);
	assert_int_equal(fstatat(f->root_fd, "d/null", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_int_equal(st.st_mode & 07777, 0666);
}

static int shift_ids(void *data, uid_t *uid, gid_t *gid)
{
	if (*uid >= 65536 || *gid >= 65536)
		return -EINVAL;
	*uid += 100000;
	*gid += 100000;
	return 0;
}

static void test_store_layer_unpack_idmap(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct sk_error *err = NULL;
	struct stat st;

	if (!need_root())
		skip();
	o.idmap = shift_ids;
	assert_ok(f, &o, ENTS({ .name = "a/b", .data = "x", .uid = 5, .gid = 6 }));
	assert_int_equal(fstatat(f->root_fd, "a/b", &st, 0), 0);
	assert_int_equal(st.st_uid, 100005);
	assert_int_equal(st.st_gid, 100006);
	assert_int_equal(fstatat(f->root_fd, "a", &st, 0), 0); /* made-up parent: root */
	assert_int_equal(st.st_uid, 100000);
	assert_true(unpack_ents(f, &o, ENTS({ .name = "c", .data = "x", .uid = 70000 }), &err) < 0);
	assert_string_equal(err->msg, "layer entry \"c\": owner 70000:0 is not mapped");
	sk_error_free(err);
}

static void test_store_layer_unpack_devices_skipped(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct store_unpack_result res;
	struct sk_error *err = NULL;

	o.allow_devices = false;
	int fd = tar_build(ENTS({ .name = "dev/sda", .type = AE_IFBLK, .rmajor = 8 },
				{ .name = "dev/mem", .type = AE_IFCHR, .rmajor = 1, .rminor = 1 },
				{ .name = "dev/fifo", .type = AE_IFIFO }));
	assert_int_equal(store_layer_unpack(fd, f->root_fd, &o, &res, &err), 0);
	close(fd);
	assert_int_equal(res.devices_skipped, 2);
	assert_missing(f->root_fd, "dev/sda");
	assert_missing(f->root_fd, "dev/mem");
	struct stat st;
	assert_int_equal(fstatat(f->root_fd, "dev/fifo", &st, AT_SYMLINK_NOFOLLOW), 0);
}

/* ---- the stream: compression, diff ID, bounds ---- */

static void check_compression(const struct fixture *f, int filter, enum store_compression want)
{
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct store_unpack_result res;
	struct sk_error *err = NULL;
	char want_id[DIGEST_STR_LEN];
	uint64_t want_size;

	int tar = tar_build(ENTS({ .name = "etc/hostname", .data = "selkie\n" },
				 { .name = "big", .zeros = 300000 }));
	digest_fd(tar, want_id, &want_size);
	int blob = filter == ARCHIVE_FILTER_NONE ? tar : compress_fd(tar, filter);
	assert_int_equal(store_layer_unpack(blob, f->root_fd, &o, &res, &err), 0);
	assert_int_equal(res.compression, want);
	assert_string_equal(res.diff_id, want_id);
	assert_int_equal(res.size, want_size);
	assert_file(f->root_fd, "etc/hostname", "selkie\n", 0644);
	if (blob != tar)
		close(blob);
	close(tar);
}

static void test_store_layer_unpack_detects_compression(void **state)
{
	struct fixture *f = *state;
	check_compression(f, ARCHIVE_FILTER_NONE, STORE_COMPRESSION_NONE);
	check_compression(f, ARCHIVE_FILTER_GZIP, STORE_COMPRESSION_GZIP);
	check_compression(f, ARCHIVE_FILTER_ZSTD, STORE_COMPRESSION_ZSTD);
	assert_string_equal(store_compression_to_string(STORE_COMPRESSION_ZSTD), "zstd");
	assert_int_equal(store_compression_from_string("gzip"), STORE_COMPRESSION_GZIP);
	assert_int_equal(store_compression_from_string("lz4"), _STORE_COMPRESSION_INVALID);
	assert_int_equal(store_layer_mode_from_string("vfs"), STORE_LAYER_APPLY);
}

static void test_store_layer_unpack_empty_blob(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct store_unpack_result res;
	struct sk_error *err = NULL;
	char want[DIGEST_STR_LEN];
	int fd = memfd_create("empty", MFD_CLOEXEC);

	digest_buffer("", 0, want);
	assert_int_equal(store_layer_unpack(fd, f->root_fd, &o, &res, &err), 0);
	assert_string_equal(res.diff_id, want);
	assert_int_equal(res.size, 0);
	close(fd);
}

static void test_store_layer_unpack_rejects_garbage(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct store_unpack_result res;
	struct sk_error *err = NULL;

	/* not a tar */
	int fd = memfd_create("junk", MFD_CLOEXEC);
	assert_int_equal(fd_write_all(fd, "hello, this is not a tar archive at all\n", 40), 0);
	lseek(fd, 0, SEEK_SET);
	assert_true(store_layer_unpack(fd, f->root_fd, &o, &res, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	sk_error_free(err);
	err = NULL;
	close(fd);

	/* gzip in gzip: one layer of compression only */
	int tar0 = tar_build(ENTS({ .name = "f", .data = "x" }));
	int gz1 = compress_fd(tar0, ARCHIVE_FILTER_GZIP);
	int gz2 = compress_fd(gz1, ARCHIVE_FILTER_GZIP);
	assert_true(store_layer_unpack(gz2, f->root_fd, &o, &res, &err) < 0);
	assert_string_equal(err->msg, "layer: nested compression is not supported");
	sk_error_free(err);
	err = NULL;
	close(gz2);
	close(gz1);
	close(tar0);

	/* a truncated gzip stream */
	int tar = tar_build(ENTS({ .name = "f", .zeros = 200000 }));
	int gz = compress_fd(tar, ARCHIVE_FILTER_GZIP);
	struct stat st;
	assert_int_equal(fstat(gz, &st), 0);
	assert_int_equal(ftruncate(gz, st.st_size / 2), 0);
	assert_true(store_layer_unpack(gz, f->root_fd, &o, &res, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	sk_error_free(err);
	close(gz);
	close(tar);
}

static void test_store_layer_unpack_size_limit(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct store_unpack_result res;
	struct sk_error *err = NULL;

	/* a zip bomb: 16 MiB of zeros compress to a few KiB */
	o.max_size = 1 << 20;
	int tar = tar_build(ENTS({ .name = "bomb", .zeros = 16 << 20 }));
	int gz = compress_fd(tar, ARCHIVE_FILTER_GZIP);
	struct stat st;
	assert_int_equal(fstat(gz, &st), 0);
	assert_true(st.st_size < 100000);
	assert_true(store_layer_unpack(gz, f->root_fd, &o, &res, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	assert_non_null(strstr(err->msg, "exceeds the limit"));
	sk_error_free(err);
	close(gz);
	close(tar);

	/* many files, each within the bound, together beyond it */
	assert_corrupt(f, &o,
		       ENTS({ .name = "1", .zeros = 400000 }, { .name = "2", .zeros = 400000 },
			    { .name = "3", .zeros = 400000 }),
		       "layer: uncompressed size exceeds the limit of 1048576 bytes");

	/* within the bound: fine */
	o.max_size = 64 << 20;
	assert_ok(f, &o, ENTS({ .name = "small", .zeros = 1 << 20 }));
}

/* ---- whiteouts ---- */

static void test_store_layer_unpack_overlay_whiteouts(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct stat st;
	char v[4];

	if (!need_root())
		skip();
	assert_ok(f, &o,
		  ENTS({ .name = "etc/", .type = AE_IFDIR }, { .name = "etc/.wh.passwd" },
		       { .name = "opq/", .type = AE_IFDIR, .perm = 0700 },
		       { .name = "opq/kept", .data = "k" }, { .name = "opq/.wh..wh..opq" },
		       { .name = "deep/er/.wh..wh..opq" },
		       { .name = ".wh..wh.plnk/123.456", .data = "aufs" }));
	assert_int_equal(fstatat(f->root_fd, "etc/passwd", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	assert_missing(f->root_fd, "etc/.wh.passwd");
	char *p = path_join(f->root, "opq");
	assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(v[0], 'y');
	free(p);
	p = path_join(f->root, "deep/er");
	assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), 1);
	free(p);
	assert_file(f->root_fd, "opq/kept", "k", 0);
	assert_missing(f->root_fd, "opq/.wh..wh..opq");
	assert_missing(f->root_fd, ".wh..wh.plnk");
}

static void test_store_layer_unpack_overlay_userxattr(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	char v[4];

	o.userxattr = true;
	assert_ok(f, &o, ENTS({ .name = "d/", .type = AE_IFDIR }, { .name = "d/.wh..wh..opq" }));
	char *p = path_join(f->root, "d");
	assert_int_equal(getxattr(p, "user.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), -1);
	free(p);
}

/* A lower tree for APPLY mode tests. */
static void make_lower(const struct fixture *f)
{
	struct store_unpack_opts o = opts_for(STORE_LAYER_APPLY);
	assert_ok(f, &o,
		  ENTS({ .name = "a/b", .data = "b" }, { .name = "a/c", .data = "c" },
		       { .name = "c/old1", .data = "1" }, { .name = "c/sub/old2", .data = "2" },
		       { .name = "c/gone/x", .data = "x" }, { .name = "d/keep", .data = "keep" },
		       { .name = "lib/libc.so", .data = "libc" }));
}

static void test_store_layer_unpack_apply_whiteouts(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_APPLY);
	struct stat st;

	make_lower(f);
	assert_ok(f, &o,
		  ENTS({ .name = "a/.wh.b" }, { .name = "nothere/.wh.x" },
		       { .name = "c/new", .data = "new" }, { .name = "c/sub2/x", .data = "x" },
		       /* the marker after entries of the same directory */
		       { .name = "c/.wh..wh..opq" }, { .name = "c/sub/newer", .data = "newer" },
		       { .name = "hard", .hardlink = "lib/libc.so" }));
	assert_missing(f->root_fd, "a/b");
	assert_file(f->root_fd, "a/c", "c", 0);
	assert_missing(f->root_fd, "c/old1");
	assert_missing(f->root_fd, "c/sub/old2");
	assert_missing(f->root_fd, "c/gone");
	assert_missing(f->root_fd, "c/.wh..wh..opq");
	assert_file(f->root_fd, "c/new", "new", 0);
	assert_file(f->root_fd, "c/sub2/x", "x", 0);
	assert_file(f->root_fd, "c/sub/newer", "newer", 0);
	assert_file(f->root_fd, "d/keep", "keep", 0);
	assert_missing(f->root_fd, "nothere");
	/* a hard link to a lower layer's file is fine in a full tree */
	assert_int_equal(fstatat(f->root_fd, "hard", &st, 0), 0);
	assert_int_equal(st.st_nlink, 2);
}

static void test_store_layer_unpack_replaces_entries(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_APPLY);
	struct stat st;

	make_lower(f);
	assert_ok(f, &o,
		  ENTS({ .name = "a", .data = "now a file" },		 /* dir -> file */
		       { .name = "d/keep/", .type = AE_IFDIR },		 /* file -> dir */
		       { .name = "c/", .type = AE_IFDIR, .perm = 0700 }, /* dir + dir: merged */
		       { .name = "lib", .type = AE_IFLNK, .symlink = "usr/lib" }));
	assert_file(f->root_fd, "a", "now a file", 0);
	assert_int_equal(fstatat(f->root_fd, "d/keep", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_file(f->root_fd, "c/old1", "1", 0);
	assert_int_equal(fstatat(f->root_fd, "c", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(fstatat(f->root_fd, "lib", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
}

/* ---- hostile tars ---- */

static void test_store_layer_unpack_rejects_dotdot(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);

	assert_corrupt(f, &o, ENTS({ .name = "../x", .data = "x" }),
		       "layer entry \"../x\": path escapes the layer root");
	assert_corrupt(f, &o, ENTS({ .name = "a/../../outside/secret", .data = "pwned" }),
		       "layer entry \"a/../../outside/secret\": path escapes the layer root");
	assert_corrupt(f, &o,
		       ENTS({ .name = "ok", .data = "x" }, { .name = "./../../x", .data = "x" }),
		       "layer entry \"./../../x\": path escapes the layer root");
	assert_corrupt(f, &o, ENTS({ .name = "../.wh.outside" }),
		       "layer entry \"../.wh.outside\": path escapes the layer root");
	assert_corrupt(f, &o, ENTS({ .name = "a/.wh..." }),
		       "layer entry \"a/.wh...\": path escapes the layer root");
	assert_corrupt(f, &o, ENTS({ .name = ".wh..." }),
		       "layer entry \".wh...\": path escapes the layer root");
	assert_corrupt(f, &o, ENTS({ .name = "h", .hardlink = "../outside/secret" }),
		       "layer entry \"h\": hard link target \"../outside/secret\" escapes the "
		       "layer root");
	assert_outside_untouched(f);
	struct stat st;
	assert_int_equal(fstatat(f->root_fd, "../x", &st, 0), -1);
}

static void test_store_layer_unpack_absolute_paths_contained(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	char *target = path_join(f->outside, "secret");

	assert_ok(f, &o,
		  ENTS({ .name = "/etc/abs", .data = "abs" }, { .name = "/../../up", .data = "up" },
		       { .name = target + 1, .data = "pwned" }));
	assert_file(f->root_fd, "etc/abs", "abs", 0);
	assert_file(f->root_fd, "up", "up", 0);
	assert_file(f->root_fd, target + 1, "pwned", 0);
	assert_outside_untouched(f);
	free(target);
}

static void test_store_layer_unpack_symlink_escape(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	struct stat st;

	char *in_root = xasprintf("%s/", f->outside + 1);
	struct sk_error *err = NULL;

	/* "link -> /abs/outside" then "link/passwd": resolved below the root, where the
	 * directory does not exist: an error, nothing written */
	int r = unpack_ents(f, &o,
			    ENTS({ .name = "link", .type = AE_IFLNK, .symlink = f->outside },
				 { .name = "link/passwd", .data = "pwned" }),
			    &err);
	assert_true(r < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	assert_string_equal(err->msg, "layer entry \"link/passwd\": open parent directory: "
				      "No such file or directory");
	sk_error_free(err);
	assert_outside_untouched(f);

	/* the same with the directories there: written below the root */
	assert_ok(
		f, &o,
		ENTS({ .name = in_root, .type = AE_IFDIR },
		     { .name = "link", .type = AE_IFLNK, .symlink = f->outside },
		     { .name = "link/passwd", .data = "pwned" },
		     { .name = "outside/", .type = AE_IFDIR },
		     { .name = "rel", .type = AE_IFLNK, .symlink = "../../../../../../../outside" },
		     { .name = "rel/secret", .data = "pwned" },
		     { .name = "dots", .type = AE_IFLNK, .symlink = ".." },
		     { .name = "dots/dots/escaped", .data = "pwned" }));
	assert_outside_untouched(f);
	char *passwd = xasprintf("%spasswd", in_root);
	assert_file(f->root_fd, passwd, "pwned", 0);
	free(passwd);
	free(in_root);
	assert_file(f->root_fd, "outside/secret", "pwned", 0);
	assert_file(f->root_fd, "escaped", "pwned", 0);
	assert_int_equal(fstatat(f->root_fd, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_store_layer_unpack_file_replaced_by_symlink(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	char *victim = path_join(f->outside, "victim");
	char *secret = path_join(f->outside, "secret");

	assert_ok(f, &o,
		  ENTS({ .name = "f", .data = "first" },
		       { .name = "f", .type = AE_IFLNK, .symlink = victim },
		       { .name = "f", .data = "pwned" },
		       { .name = "s", .type = AE_IFLNK, .symlink = secret },
		       { .name = "s", .data = "pwned", .perm = 0777 },
		       { .name = "t", .type = AE_IFLNK, .symlink = secret },
		       { .name = "t/", .type = AE_IFDIR, .perm = 0777 }));
	assert_file(f->root_fd, "f", "pwned", 0);
	assert_file(f->root_fd, "s", "pwned", 0777);
	assert_outside_untouched(f);
	free(victim);
	free(secret);
}

static void test_store_layer_unpack_hardlink_escape(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	char *secret = path_join(f->outside, "secret");
	struct stat st;

	/* a hard link through a symlinked directory: resolved below the root, not found */
	assert_corrupt(f, &o,
		       ENTS({ .name = "d", .type = AE_IFLNK, .symlink = f->outside },
			    { .name = "h", .hardlink = "d/secret" }),
		       NULL);
	assert_outside_untouched(f);
	assert_int_equal(fs_rm_rf_at(f->root_fd, "d"), 0);

	/* a hard link to a symlink pointing out links the symlink itself */
	assert_ok(f, &o,
		  ENTS({ .name = "s", .type = AE_IFLNK, .symlink = secret },
		       { .name = "h", .hardlink = "s" }));
	assert_int_equal(fstatat(f->root_fd, "h", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_outside_untouched(f);

	/* overlay: a link to a file of no layer here */
	assert_corrupt(f, &o, ENTS({ .name = "x", .hardlink = "no/such" }), NULL);
	assert_corrupt(
		f, &o,
		ENTS({ .name = "dir/", .type = AE_IFDIR }, { .name = "x", .hardlink = "dir" }),
		"layer entry \"x\": hard link target \"dir\" is a directory");
	free(secret);
}

static void test_store_layer_unpack_apply_never_follows_lower_symlinks(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_APPLY);
	char *secret = path_join(f->outside, "secret");
	struct sk_error *err = NULL;

	/* a lower layer left symlinks pointing out */
	assert_int_equal(symlinkat(f->outside, f->root_fd, "etc"), 0);
	assert_int_equal(symlinkat(f->outside, f->root_fd, "l"), 0);
	assert_int_equal(symlinkat(secret, f->root_fd, "x"), 0);
	assert_int_equal(symlinkat("../../..", f->root_fd, "up"), 0);

	/* written through "etc": below the root or an error, never outside */
	int r = unpack_ents(f, &o, ENTS({ .name = "etc/passwd", .data = "pwned" }), &err);
	assert_true(r == 0 || err->kind == SK_ERR_CORRUPT);
	sk_error_free(err);
	assert_ok(f, &o,
		  ENTS({ .name = "l/.wh.secret" }, { .name = "x", .data = "replaced" },
		       { .name = "up/.wh.outside" }, { .name = "up/new", .data = "new" }));
	assert_file(f->root_fd, "x", "replaced", 0);
	assert_file(f->root_fd, "new", "new", 0);
	assert_outside_untouched(f);
	free(secret);
}

static void test_store_layer_unpack_rejects_bad_entries(void **state)
{
	struct fixture *f = *state;
	struct store_unpack_opts o = opts_for(STORE_LAYER_OVERLAY);
	char *long_name = xmalloc(5001);

	memset(long_name, 'a', 5000);
	for (int i = 100; i < 5000; i += 100)
		long_name[i] = '/';
	long_name[5000] = '\0';
	assert_corrupt(f, &o, ENTS({ .name = long_name, .data = "x" }), NULL);
	assert_corrupt(f, &o, ENTS({ .name = ".", .data = "x" }),
		       "layer entry \".\": cannot replace the layer root");
	assert_corrupt(f, &o, ENTS({ .name = "d/.wh." }),
		       "layer entry \"d/.wh.\": invalid whiteout");
	assert_corrupt(f, &o, ENTS({ .name = "d/.wh.." }),
		       "layer entry \"d/.wh..\": invalid whiteout");
	assert_corrupt(f, &o, ENTS({ .name = "bad\x1b[31m", .type = AE_IFLNK, .symlink = "" }),
		       "layer entry \"bad\\u001b[31m\": invalid symlink target");
	free(long_name);
	assert_outside_untouched(f);
}

/* The hostile cases again with the openat2-free walk (kernels before 5.6). */
static int use_walk(void **state)
{
	safe_path_use_openat2(false);
	return 0;
}

static int use_openat2(void **state)
{
	safe_path_use_openat2(true);
	return 0;
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_layer_unpack_types_and_modes),
		T(test_store_layer_unpack_owners_and_xattrs),
		T(test_store_layer_unpack_idmap),
		T(test_store_layer_unpack_devices_skipped),
		T(test_store_layer_unpack_detects_compression),
		T(test_store_layer_unpack_empty_blob),
		T(test_store_layer_unpack_rejects_garbage),
		T(test_store_layer_unpack_size_limit),
		T(test_store_layer_unpack_overlay_whiteouts),
		T(test_store_layer_unpack_overlay_userxattr),
		T(test_store_layer_unpack_apply_whiteouts),
		T(test_store_layer_unpack_replaces_entries),
	};
	const struct CMUnitTest hostile[] = {
		T(test_store_layer_unpack_rejects_dotdot),
		T(test_store_layer_unpack_absolute_paths_contained),
		T(test_store_layer_unpack_symlink_escape),
		T(test_store_layer_unpack_file_replaced_by_symlink),
		T(test_store_layer_unpack_hardlink_escape),
		T(test_store_layer_unpack_apply_never_follows_lower_symlinks),
		T(test_store_layer_unpack_rejects_bad_entries),
		T(test_store_layer_unpack_apply_whiteouts),
	};
#undef T
	int failed = cmocka_run_group_tests_name("unpack", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("hostile (openat2)", hostile, use_openat2, NULL);
	failed += cmocka_run_group_tests_name("hostile (walk)", hostile, use_walk, use_openat2);
	return failed;
}
