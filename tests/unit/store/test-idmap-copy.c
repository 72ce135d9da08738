/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "store/idmap-copy.h"
#include "util/fs.h"
#include "util/xalloc.h"

struct fixture {
	char *work, *src, *dst;
	int src_fd, dst_fd;
	bool root;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->work = xasprintf("%s/selkie-idmap-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->src = path_join(f->work, "src");
	f->dst = path_join(f->work, "dst");
	assert_int_equal(mkdir(f->src, 0755), 0);
	assert_int_equal(mkdir(f->dst, 0700), 0);
	f->src_fd = open(f->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	f->dst_fd = open(f->dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	f->root = geteuid() == 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	close(f->src_fd);
	close(f->dst_fd);
	fs_rm_rf(f->work);
	free(f->work);
	free(f->src);
	free(f->dst);
	free(f);
	return 0;
}

static void file_put(int dfd, const char *name, const char *text, mode_t mode, uid_t u, gid_t g)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, text, strlen(text)), 0);
	assert_int_equal(fchown(fd, u, g), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void stat_at(int dfd, const char *name, struct stat *st)
{
	assert_int_equal(fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW), 0);
}

/* Owners shifted by the mapping, everything else kept. As root: 0 → 200000, 1000 → 201000;
 * otherwise (no chown to others): our own IDs onto themselves. */
static void test_store_idmap_copy_tree(void **state)
{
	struct fixture *f = *state;
	uid_t me = geteuid(), other = f->root ? 1000 : me;
	gid_t mg = getegid(), og = f->root ? 1000 : mg;
	struct idmap_range map = { f->root ? 0 : me, f->root ? 200000 : me, f->root ? 65536 : 1 };
	struct idmap_range gmap = { f->root ? 0 : mg, f->root ? 200000 : mg, f->root ? 65536 : 1 };
	file_put(f->src_fd, "plain", "hello", 0644, me, mg);
	file_put(f->src_fd, "setuid", "x", 04755, other, og);
	assert_int_equal(linkat(f->src_fd, "plain", f->src_fd, "plain-link", 0), 0);
	assert_int_equal(symlinkat("/etc/../plain", f->src_fd, "sym"), 0);
	assert_int_equal(mkfifoat(f->src_fd, "fifo", 0640), 0);
	assert_int_equal(mkdirat(f->src_fd, "dir", 0750), 0);
	int sub = openat(f->src_fd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	file_put(sub, "inner", "in", 0600, other, og);
	assert_int_equal(linkat(f->src_fd, "plain", sub, "deep-link", 0), 0);
	bool xattrs = fsetxattr(sub, "user.test", "v", 1, 0) == 0;
	assert_int_equal(fchown(sub, other, og), 0);
	const struct timespec ts[2] = { { 1000000, 0 }, { 1234567, 0 } };
	assert_int_equal(futimens(sub, ts), 0);
	close(sub);
	struct store_idmap_copy m = { &map, 1, &gmap, 1, 65534, 65534 };
	char *bad = NULL;
	assert_int_equal(store_idmap_copy_tree(f->src_fd, f->dst_fd, &m, &bad), 0);
	assert_null(bad);
	uid_t shift = f->root ? 200000 : 0;
	struct stat a, b, c;
	stat_at(f->dst_fd, "plain", &a);
	stat_at(f->dst_fd, "plain-link", &b);
	stat_at(f->dst_fd, "dir/deep-link", &c);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_ino, c.st_ino);
	assert_int_equal(a.st_nlink, 3);
	assert_int_equal(a.st_uid, f->root ? shift : me);
	assert_int_equal(a.st_mode & 07777, 0644);
	stat_at(f->dst_fd, "setuid", &a);
	assert_int_equal(a.st_mode & 07777, 04755);
	assert_int_equal(a.st_uid, f->root ? 201000 : me);
	assert_int_equal(a.st_gid, f->root ? 201000 : mg);
	stat_at(f->dst_fd, "fifo", &a);
	assert_true(S_ISFIFO(a.st_mode));
	assert_int_equal(a.st_mode & 07777, 0640);
	char target[64] = "";
	assert_int_equal(readlinkat(f->dst_fd, "sym", target, sizeof(target) - 1), 13);
	assert_string_equal(target, "/etc/../plain");
	stat_at(f->dst_fd, "dir", &a);
	assert_true(S_ISDIR(a.st_mode));
	assert_int_equal(a.st_mode & 07777, 0750);
	assert_int_equal(a.st_mtim.tv_sec, 1234567);
	assert_int_equal(a.st_uid, f->root ? 201000 : me);
	if (xattrs) {
		char v[4] = "";
		char *p = path_join(f->dst, "dir");
		assert_int_equal(getxattr(p, "user.test", v, sizeof(v)), 1);
		assert_int_equal(v[0], 'v');
		free(p);
	}
	/* the root of the copy takes the source root's owner and mode */
	assert_int_equal(fstat(f->dst_fd, &a), 0);
	assert_int_equal(a.st_mode & 07777, 0755);
	assert_int_equal(a.st_uid, f->root ? shift : me);
}

/* IDs the mapping lacks get the fallback. */
static void test_store_idmap_copy_tree_unmapped(void **state)
{
	struct fixture *f = *state;
	if (!f->root)
		return; /* chown to another ID needs root */
	file_put(f->src_fd, "far", "x", 0644, 70000, 70000);
	struct idmap_range map = { 0, 100000, 65536 };
	struct store_idmap_copy m = { &map, 1, &map, 1, 1234, 4321 };
	assert_int_equal(store_idmap_copy_tree(f->src_fd, f->dst_fd, &m, NULL), 0);
	struct stat st;
	stat_at(f->dst_fd, "far", &st);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 4321);
}

/* A failure names the path it happened at. */
static void test_store_idmap_copy_tree_failure_path(void **state)
{
	struct fixture *f = *state;
	file_put(f->src_fd, "x", "x", 0644, geteuid(), getegid());
	/* the destination already has the name: the copy must not write through it */
	file_put(f->dst_fd, "x", "old", 0600, geteuid(), getegid());
	struct idmap_range map = { geteuid(), geteuid(), 1 };
	struct idmap_range gmap = { getegid(), getegid(), 1 };
	struct store_idmap_copy m = { &map, 1, &gmap, 1, geteuid(), getegid() };
	char *bad = NULL;
	assert_int_equal(store_idmap_copy_tree(f->src_fd, f->dst_fd, &m, &bad), -EEXIST);
	assert_string_equal(bad, "x");
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_idmap_copy_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_idmap_copy_tree_unmapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_idmap_copy_tree_failure_path, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
