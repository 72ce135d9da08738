/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/safe-path.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* A scratch directory holding "root" (the tree) and "outside" (must never be reached). */
struct fixture {
	char *work;
	char *root;
	char *outside;
	int root_fd;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->work = xasprintf("%s/selkie-safe-path-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->root = path_join(f->work, "root");
	f->outside = path_join(f->work, "outside");
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(mkdir(f->outside, 0755), 0);
	f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->root_fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	safe_path_use_openat2(true);
	close(f->root_fd);
	fs_rm_rf(f->work);
	free(f->work);
	free(f->root);
	free(f->outside);
	free(f);
	return 0;
}

static void write_at(int dfd, const char *name, const char *content)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, strlen(content)), 0);
	close(fd);
}

/* The content of an open file, as a string (at most 63 bytes). */
static const char *read_fd(int fd)
{
	static char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void test_safe_path_clean_cases(void **state)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: -EXDEV */
	} cases[] = {
		{ "a/b", "a/b" },
		{ "/a//b/./c/", "a/b/c" },
		{ "./", "" },
		{ "/", "" },
		{ ".", "" },
		{ "", "" },
		{ "/../x", "x" },
		{ "a/../b", "b" },
		{ "a/..", "" },
		{ "/a/../../x", "x" },
		{ "./a/./b/..", "a" },
		{ "..", NULL },
		{ "../x", NULL },
		{ "a/../../x", NULL },
		{ "./../x", NULL },
		{ "a/b/../../..", NULL },
		{ ".wh..wh..opq", ".wh..wh..opq" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *out = NULL;
		int r = safe_path_clean(cases[i].in, &out);
		if (!cases[i].out) {
			assert_int_equal(r, -EXDEV);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

static void test_safe_path_open_absolute_symlink(void **state)
{
	struct fixture *f = *state;
	write_at(f->root_fd, "inside", "in");
	char *secret = path_join(f->outside, "secret");
	write_at(AT_FDCWD, secret, "out");
	free(secret);
	assert_int_equal(symlinkat("/", f->root_fd, "toroot"), 0);
	assert_int_equal(symlinkat(f->outside, f->root_fd, "toout"), 0);

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		int fd = safe_path_open(f->root_fd, "toroot/inside", O_RDONLY, 0);
		assert_true(fd >= 0);
		assert_string_equal(read_fd(fd), "in");
		close(fd);
		/* the outside directory's path is looked up below the root, where it is not */
		assert_int_equal(safe_path_open(f->root_fd, "toout/secret", O_RDONLY, 0), -ENOENT);
		fd = safe_path_open(f->root_fd, "/toroot/toroot/inside", O_RDONLY, 0);
		assert_true(fd >= 0);
		close(fd);
	}
}

static void test_safe_path_open_dotdot_stays_inside(void **state)
{
	struct fixture *f = *state;
	write_at(f->root_fd, "inside", "in");
	assert_int_equal(mkdirat(f->root_fd, "a", 0755), 0);
	assert_int_equal(mkdirat(f->root_fd, "a/b", 0755), 0);
	assert_int_equal(symlinkat("../../../../../..", f->root_fd, "a/b/up"), 0);
	write_at(f->root_fd, "../outside/secret", "out");

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		int fd = safe_path_open(f->root_fd, "a/b/up/inside", O_RDONLY, 0);
		assert_true(fd >= 0);
		assert_string_equal(read_fd(fd), "in");
		close(fd);
		fd = safe_path_open(f->root_fd, "../../inside", O_RDONLY, 0);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(safe_path_open(f->root_fd, "a/b/up/outside/secret", O_RDONLY, 0),
				 -ENOENT);
		assert_int_equal(safe_path_open(f->root_fd, "../outside/secret", O_RDONLY, 0),
				 -ENOENT);
	}
}

static void test_safe_path_open_nofollow_and_loops(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	assert_int_equal(symlinkat("/inside", f->root_fd, "link"), 0);
	assert_int_equal(symlinkat("l2", f->root_fd, "l1"), 0);
	assert_int_equal(symlinkat("l1", f->root_fd, "l2"), 0);
	write_at(f->root_fd, "inside", "in");

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		int fd = safe_path_open(f->root_fd, "link", O_PATH | O_NOFOLLOW, 0);
		assert_true(fd >= 0);
		assert_int_equal(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
		assert_true(S_ISLNK(st.st_mode));
		close(fd);
		assert_int_equal(safe_path_open(f->root_fd, "link", O_RDONLY | O_NOFOLLOW, 0),
				 -ELOOP);
		assert_int_equal(safe_path_open(f->root_fd, "l1/x", O_RDONLY, 0), -ELOOP);
		assert_int_equal(safe_path_open(f->root_fd, "inside/x", O_RDONLY, 0), -ENOTDIR);
	}
}

static void test_safe_path_open_create(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	assert_int_equal(symlinkat("/made", f->root_fd, "dangling"), 0);

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		/* creating through a dangling symlink lands inside the root */
		int fd = safe_path_open(f->root_fd, "dangling", O_WRONLY | O_CREAT, 0600);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(fstatat(f->root_fd, "made", &st, AT_SYMLINK_NOFOLLOW), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(unlinkat(f->root_fd, "made", 0), 0);
	}
}

static void test_safe_path_mkdir_p_creates_exact_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	mode_t old = umask(077);

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		const char *path = walk ? "w/x/y" : "o/x/y";
		int fd = safe_path_mkdir_p(f->root_fd, path, 0751, (uid_t)-1, (gid_t)-1);
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		close(fd);
		assert_int_equal(fstatat(f->root_fd, walk ? "w/x" : "o/x", &st, 0), 0);
		assert_int_equal(st.st_mode & 07777, 0751);
		/* again: it exists */
		fd = safe_path_mkdir_p(f->root_fd, path, 0700, (uid_t)-1, (gid_t)-1);
		assert_true(fd >= 0);
		close(fd);
	}
	umask(old);
}

static void test_safe_path_mkdir_p_refuses_non_dirs(void **state)
{
	struct fixture *f = *state;
	char *escaped = path_join(f->outside, "made");
	write_at(f->root_fd, "file", "x");
	assert_int_equal(symlinkat(escaped, f->root_fd, "dangling"), 0);

	/* with openat2, then with the walk for kernels without it */
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(!walk);
		assert_int_equal(safe_path_mkdir_p(f->root_fd, "file/x", 0755, -1, -1), -ENOTDIR);
		assert_true(safe_path_mkdir_p(f->root_fd, "dangling/x", 0755, -1, -1) < 0);
		assert_false(fs_exists(escaped));
		assert_int_equal(safe_path_mkdir_p(f->root_fd, "../x", 0755, -1, -1), -EXDEV);
	}
	free(escaped);
}

static void test_safe_path_open_parent_name(void **state)
{
	struct fixture *f = *state;
	const char *name = NULL;
	int fd = safe_path_open_parent(f->root_fd, "p/q/r", true, 0755, -1, -1, &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "r");
	close(fd);
	fd = safe_path_open_parent(f->root_fd, "top", false, 0, -1, -1, &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "top");
	close(fd);
	assert_int_equal(safe_path_open_parent(f->root_fd, "", false, 0, -1, -1, &name), -EINVAL);
	assert_int_equal(safe_path_open_parent(f->root_fd, "a/..", false, 0, -1, -1, &name),
			 -EINVAL);
	assert_int_equal(safe_path_open_parent(f->root_fd, "none/x", false, 0, -1, -1, &name),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_path_clean_cases),
		cmocka_unit_test_setup_teardown(test_safe_path_open_absolute_symlink, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_open_dotdot_stays_inside, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_open_nofollow_and_loops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_open_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_mkdir_p_creates_exact_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_mkdir_p_refuses_non_dirs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_path_open_parent_name, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
