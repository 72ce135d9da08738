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

#include "store/layer-diff.h"
#include "store/layer-unpack.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct fixture {
	char *work;
	int work_fd;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->work = xasprintf("%s/selkie-diff-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->work_fd = open(f->work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->work_fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	close(f->work_fd);
	fs_rm_rf(f->work);
	free(f->work);
	free(f);
	return 0;
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("skipped: needs root (mknod, chown or trusted xattrs)\n");
	return false;
}

/* A new directory below the work directory, opened. */
static int new_dir(const struct fixture *f, const char *name)
{
	assert_int_equal(mkdirat(f->work_fd, name, 0755), 0);
	int fd = openat(f->work_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void set_mtime(int dfd, const char *path, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	assert_int_equal(utimensat(dfd, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void mk_file(int dfd, const char *path, const char *content, mode_t mode, time_t mtime)
{
	int fd = openat(dfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, strlen(content)), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	if (mtime)
		set_mtime(dfd, path, mtime);
}

static void mk_dir(int dfd, const char *path, mode_t mode)
{
	assert_int_equal(mkdirat(dfd, path, mode), 0);
	assert_int_equal(fchmodat(dfd, path, mode, 0), 0);
}

static int fsetxattr_at(int dfd, const char *path, const char *name, const void *value, size_t size)
{
	char *p = xasprintf("/proc/self/fd/%d/%s", dfd, path);
	int r = lsetxattr(p, name, value, size, 0);
	free(p);
	return r;
}

static void set_xattr(int dfd, const char *path, const char *name, const char *value)
{
	assert_int_equal(fsetxattr_at(dfd, path, name, value, strlen(value)), 0);
}

/* ---- reading trees and tars ---- */

static char **list_names(int dfd)
{
	char **v = NULL;
	DIR *d = fdopendir(openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));)
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&v, de->d_name);
	closedir(d);
	if (v)
		strv_sort(v);
	return v;
}

static void assert_xattrs_equal(int a, int b, const char *name, const char *rel)
{
	static const char *const keys[] = { "user.x", "user.y", "security.capability",
					    "trusted.overlay.opaque" };
	char *pa = xasprintf("/proc/self/fd/%d/%s", a, name);
	char *pb = xasprintf("/proc/self/fd/%d/%s", b, name);
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		char va[64], vb[64];
		ssize_t na = lgetxattr(pa, keys[i], va, sizeof(va));
		ssize_t nb = lgetxattr(pb, keys[i], vb, sizeof(vb));
		if (na != nb || (na > 0 && memcmp(va, vb, (size_t)na) != 0))
			fail_msg("%s: xattr %s differs", rel, keys[i]);
	}
	free(pa);
	free(pb);
}

static void assert_same_entry(int a, int b, const char *name, const char *rel, bool dir_times)
{
	struct stat sa, sb;
	assert_int_equal(fstatat(a, name, &sa, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(fstatat(b, name, &sb, AT_SYMLINK_NOFOLLOW), 0);
	if (sa.st_mode != sb.st_mode || sa.st_uid != sb.st_uid || sa.st_gid != sb.st_gid)
		fail_msg("%s: mode/owner %o %u:%u vs %o %u:%u", rel, sa.st_mode, sa.st_uid,
			 sa.st_gid, sb.st_mode, sb.st_uid, sb.st_gid);
	if ((!S_ISDIR(sa.st_mode) || dir_times) && sa.st_mtim.tv_sec != sb.st_mtim.tv_sec)
		fail_msg("%s: mtime %ld vs %ld", rel, (long)sa.st_mtim.tv_sec,
			 (long)sb.st_mtim.tv_sec);
	if (S_ISREG(sa.st_mode)) {
		char *ca = NULL, *cb = NULL;
		size_t la = 0, lb = 0;
		int fa = openat(a, name, O_RDONLY | O_CLOEXEC),
		    fb = openat(b, name, O_RDONLY | O_CLOEXEC);
		assert_int_equal(fs_read_fd(fa, 1 << 20, &ca, &la), 0);
		assert_int_equal(fs_read_fd(fb, 1 << 20, &cb, &lb), 0);
		close(fa);
		close(fb);
		if (la != lb || memcmp(ca, cb, la) != 0 || sa.st_nlink != sb.st_nlink)
			fail_msg("%s: content or link count differs", rel);
		free(ca);
		free(cb);
	}
	if (S_ISLNK(sa.st_mode)) {
		char ta[256] = "", tb[256] = "";
		assert_true(readlinkat(a, name, ta, sizeof(ta) - 1) > 0);
		assert_true(readlinkat(b, name, tb, sizeof(tb) - 1) > 0);
		if (!streq(ta, tb))
			fail_msg("%s: symlink %s vs %s", rel, ta, tb);
	}
	if ((S_ISCHR(sa.st_mode) || S_ISBLK(sa.st_mode)) && sa.st_rdev != sb.st_rdev)
		fail_msg("%s: device differs", rel);
	assert_xattrs_equal(a, b, name, rel);
}

/* Two trees hold the same names, types, modes, owners, mtimes, contents, links, xattrs. */
static void assert_trees_equal(int a, int b, const char *rel, bool dir_times)
{
	char **na = list_names(a), **nb = list_names(b);
	char *ja = strv_join(na, " "), *jb = strv_join(nb, " ");
	if (!streq(ja, jb))
		fail_msg("%s/: [%s] vs [%s]", rel, ja, jb);
	for (size_t i = 0; na && na[i]; i++) {
		char *r = xasprintf("%s/%s", rel, na[i]);
		assert_same_entry(a, b, na[i], r, dir_times);
		struct stat st;
		assert_int_equal(fstatat(a, na[i], &st, AT_SYMLINK_NOFOLLOW), 0);
		if (S_ISDIR(st.st_mode)) {
			int ca = openat(a, na[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int cb = openat(b, na[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			assert_trees_equal(ca, cb, r, dir_times);
			close(ca);
			close(cb);
		}
		free(r);
	}
	free(ja);
	free(jb);
	strv_free(na);
	strv_free(nb);
}

/* The entry names of a tar in order ("name" or "name -> hardlink target"); fails on an
 * xattr that must never be in a layer tar. */
static char **tar_names(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char **v = NULL;
	archive_read_support_format_tar(a);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(archive_read_open_fd(a, fd, 65536), ARCHIVE_OK);
	int r;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *hl = archive_entry_hardlink(ae);
		if (hl)
			strv_pushf(&v, "%s -> %s", archive_entry_pathname(ae), hl);
		else
			strv_push(&v, archive_entry_pathname(ae));
		const char *name;
		const void *value;
		size_t size;
		archive_entry_xattr_reset(ae);
		while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK)
			if (strneq(name, "trusted.", 8) || strneq(name, "user.overlay.", 13))
				fail_msg("%s: xattr %s in the tar", archive_entry_pathname(ae),
					 name);
	}
	assert_int_equal(r, ARCHIVE_EOF);
	archive_read_free(a);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return v;
}

static void assert_names(char **got, const char *want)
{
	char *j = strv_join(got, "|");
	if (!streq(j, want))
		fail_msg("tar entries:\n  got  %s\n  want %s", j, want);
	free(j);
	strv_free(got);
}

/* The result matches the bytes in fd. */
static void assert_result_matches(int fd, const struct store_diff_result *res)
{
	char *data = NULL;
	size_t len = 0;
	char want[DIGEST_STR_LEN];
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fs_read_fd(fd, SIZE_MAX, &data, &len), 0);
	digest_buffer(data, len, want);
	assert_string_equal(res->diff_id, want);
	assert_int_equal(res->size, len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	free(data);
}

static void unpack_fd(int tar, int dest, enum store_layer_mode mode, const char *want_id)
{
	struct store_unpack_opts o = { .mode = mode, .allow_devices = true };
	struct store_unpack_result res;
	struct sk_error *err = NULL;
	assert_int_equal(lseek(tar, 0, SEEK_SET), 0);
	int r = store_layer_unpack(tar, dest, &o, &res, &err);
	if (r < 0)
		fail_msg("unpack: %s", err->msg);
	assert_string_equal(res.diff_id, want_id);
}

/* ---- tar of a whole directory ---- */

static void build_source(int s)
{
	mk_dir(s, "a", 0755);
	mk_file(s, "a/b", "b", 0644, 1000);
	mk_file(s, "a-c", "c", 0600, 1001);
	mk_dir(s, "bin", 0755);
	mk_file(s, "bin/tool", "tool", 04755, 2000);
	assert_int_equal(linkat(s, "bin/tool", s, "bin/tool2", 0), 0);
	assert_int_equal(symlinkat("tool", s, "bin/sh"), 0);
	set_mtime(s, "bin/sh", 2001);
	mk_dir(s, "etc", 0750);
	mk_file(s, "etc/conf", "conf", 0600, 3000);
	set_xattr(s, "etc/conf", "user.x", "1");
	set_xattr(s, "etc", "user.y", "dir");
	mk_dir(s, "empty", 0700);
	assert_int_equal(mkfifoat(s, "fifo", 0640), 0);
	assert_int_equal(fchmodat(s, "fifo", 0640, 0), 0);
	set_mtime(s, "fifo", 4000);
	mk_file(s, "h\xc3\xa9llo", "utf-8", 0644, 5000);
	if (geteuid() == 0) {
		assert_int_equal(mknodat(s, "null", S_IFCHR | 0666, makedev(1, 3)), 0);
		assert_int_equal(fchmodat(s, "null", 0666, 0), 0);
		set_mtime(s, "null", 6000);
		assert_int_equal(fchownat(s, "etc/conf", 1000, 1001, 0), 0);
		static const char cap[20] = { 1, 0, 0, 2, 0, 0x20 }; /* cap_net_raw+ep */
		assert_int_equal(fsetxattr_at(s, "bin/tool", "security.capability", cap, 20), 0);
		assert_int_equal(fchmodat(s, "bin/tool", 04755, 0), 0);
	}
	static const char *const dirs[] = { "a", "bin", "etc", "empty" };
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		set_mtime(s, dirs[i], 7000 + (time_t)i);
}

static void test_store_layer_tar_dir_round_trip(void **state)
{
	struct fixture *f = *state;
	struct store_diff_result res;
	struct sk_error *err = NULL;
	int src = new_dir(f, "src");
	int dst = new_dir(f, "dst");
	int tar = memfd_create("tar", MFD_CLOEXEC);

	build_source(src);
	assert_int_equal(store_layer_tar_dir(src, tar, &res, &err), 0);
	assert_result_matches(tar, &res);
	assert_names(tar_names(tar),
		     geteuid() == 0
			     ? "a/|a/b|a-c|bin/|bin/sh|bin/tool|bin/tool2 -> bin/tool|empty/|etc/|"
			       "etc/conf|fifo|h\xc3\xa9llo|null"
			     : "a/|a/b|a-c|bin/|bin/sh|bin/tool|bin/tool2 -> bin/tool|empty/|etc/|"
			       "etc/conf|fifo|h\xc3\xa9llo");
	unpack_fd(tar, dst, STORE_LAYER_OVERLAY, res.diff_id);
	assert_trees_equal(src, dst, "", true);

	/* the same tree gives the same bytes */
	struct store_diff_result again;
	int tar2 = memfd_create("tar2", MFD_CLOEXEC);
	assert_int_equal(store_layer_tar_dir(src, tar2, &again, &err), 0);
	assert_string_equal(again.diff_id, res.diff_id);
	close(tar2);
	close(tar);
	close(src);
	close(dst);
}

/* ---- overlay upper directories ---- */

static void test_store_layer_diff_overlay_whiteouts(void **state)
{
	struct fixture *f = *state;
	struct store_diff_result res;
	struct sk_error *err = NULL;
	struct stat st;
	char v[4];

	if (!need_root())
		skip();
	int up = new_dir(f, "upper");
	int dst = new_dir(f, "dst");
	int tar = memfd_create("tar", MFD_CLOEXEC);
	assert_int_equal(mknodat(up, "gone", S_IFCHR | 0600, makedev(0, 0)), 0);
	mk_dir(up, "op", 0755);
	set_xattr(up, "op", "trusted.overlay.opaque", "y");
	set_xattr(up, "op", "trusted.overlay.origin", "xyz");
	mk_file(up, "op/f", "f", 0644, 0);
	mk_dir(up, "plain", 0755);
	set_xattr(up, "plain", "trusted.overlay.impure", "y");
	set_xattr(up, "plain", "user.overlay.opaque", "y"); /* not ours: rootful */
	mk_file(up, "plain/g", "g", 0644, 0);

	struct store_diff_opts o = { .mode = STORE_LAYER_OVERLAY, .dir_fd = up, .parent_fd = -1 };
	assert_int_equal(store_layer_diff(&o, tar, &res, &err), 0);
	assert_result_matches(tar, &res);
	assert_names(tar_names(tar), ".wh.gone|op/|op/.wh..wh..opq|op/f|plain/|plain/g");

	unpack_fd(tar, dst, STORE_LAYER_OVERLAY, res.diff_id);
	assert_int_equal(fstatat(dst, "gone", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	assert_trees_equal(up, dst, "", false);
	char *p = xasprintf("%s/dst/plain", f->work);
	assert_int_equal(getxattr(p, "trusted.overlay.impure", v, sizeof(v)), -1);
	free(p);
	close(tar);
	close(up);
	close(dst);
}

static void test_store_layer_diff_overlay_userxattr(void **state)
{
	struct fixture *f = *state;
	struct store_diff_result res;
	struct sk_error *err = NULL;
	int up = new_dir(f, "upper");
	int tar = memfd_create("tar", MFD_CLOEXEC);

	mk_dir(up, "op", 0755);
	set_xattr(up, "op", "user.overlay.opaque", "y");
	mk_file(up, "op/f", "f", 0644, 0);
	mk_dir(up, "other", 0755);
	set_xattr(up, "other", "user.overlay.opaque", "n");

	struct store_diff_opts o = {
		.mode = STORE_LAYER_OVERLAY, .dir_fd = up, .parent_fd = -1, .userxattr = true
	};
	assert_int_equal(store_layer_diff(&o, tar, &res, &err), 0);
	assert_names(tar_names(tar), "op/|op/.wh..wh..opq|op/f|other/");
	close(tar);
	close(up);
}

/* ---- vfs: comparing two full trees ---- */

static void build_parent(int p)
{
	mk_file(p, "keep", "keep", 0644, 100);
	mk_file(p, "mod", "old", 0644, 100);
	mk_file(p, "del", "del", 0644, 100);
	mk_dir(p, "deldir", 0755);
	mk_file(p, "deldir/x", "x", 0644, 100);
	mk_dir(p, "chmoddir", 0755);
	mk_dir(p, "sub", 0755);
	mk_dir(p, "sub/deep", 0755);
	mk_file(p, "sub/deep/unchanged", "u", 0644, 100);
	mk_dir(p, "swap", 0755);
	mk_file(p, "swap/inner", "i", 0644, 100);
	assert_int_equal(symlinkat("keep", p, "link"), 0);
	mk_file(p, "xa", "xattr", 0644, 100);
}

static void test_store_layer_diff_vfs_changes(void **state)
{
	struct fixture *f = *state;
	struct store_diff_result res;
	struct sk_error *err = NULL;
	int p = new_dir(f, "parent");
	int n = new_dir(f, "new");
	int a = new_dir(f, "applied");
	int tar = memfd_create("tar", MFD_CLOEXEC);

	build_parent(p);
	build_parent(n);
	build_parent(a);
	mk_file(n, "mod", "new content", 0644, 200);
	assert_int_equal(unlinkat(n, "del", 0), 0);
	assert_int_equal(fs_rm_rf_at(n, "deldir"), 0);
	assert_int_equal(fchmodat(n, "chmoddir", 0700, 0), 0);
	mk_file(n, "sub/deep/new", "new", 0644, 0);
	mk_dir(n, "newdir", 0755);
	mk_file(n, "newdir/f", "f", 0644, 0);
	assert_int_equal(fs_rm_rf_at(n, "swap"), 0);
	mk_file(n, "swap", "now a file", 0644, 0);
	assert_int_equal(unlinkat(n, "link", 0), 0);
	assert_int_equal(symlinkat("mod", n, "link"), 0);
	set_xattr(n, "xa", "user.x", "added");

	struct store_diff_opts o = { .mode = STORE_LAYER_APPLY, .dir_fd = n, .parent_fd = p };
	assert_int_equal(store_layer_diff(&o, tar, &res, &err), 0);
	assert_result_matches(tar, &res);
	assert_names(tar_names(tar), "chmoddir/|.wh.del|.wh.deldir|link|mod|newdir/|newdir/f|sub/|"
				     "sub/deep/|sub/deep/new|swap|xa");

	unpack_fd(tar, a, STORE_LAYER_APPLY, res.diff_id);
	assert_trees_equal(n, a, "", false);

	/* no change, no entries: just the end of the archive */
	int empty = memfd_create("empty", MFD_CLOEXEC);
	o.parent_fd = a;
	assert_int_equal(store_layer_diff(&o, empty, &res, &err), 0);
	assert_result_matches(empty, &res);
	assert_int_equal(res.size, 1024);
	close(empty);
	close(tar);
	close(p);
	close(n);
	close(a);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_layer_tar_dir_round_trip),
		T(test_store_layer_diff_overlay_whiteouts),
		T(test_store_layer_diff_overlay_userxattr),
		T(test_store_layer_diff_vfs_changes),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
