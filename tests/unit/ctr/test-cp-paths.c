/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/cp-tar.h"
#include "ctr/cp.h"
#include "util/fs.h"
#include "util/xalloc.h"

static const struct ctr_cp_target dir_exists = { .exists = true, .is_dir = true };
static const struct ctr_cp_target file_exists = { .exists = true, .is_dir = false };
static const struct ctr_cp_target missing = { .parent_is_dir = true };
static const struct ctr_cp_target missing_parent = { .parent_is_dir = false };

static void assert_plan(const char *src, bool src_is_dir, const char *dst,
			const struct ctr_cp_target *t, const char *dir, const char *name)
{
	struct ctr_cp_plan p = { 0 };
	assert_int_equal(ctr_cp_plan_build(src, src_is_dir, dst, t, &p), CTR_CP_OK);
	assert_string_equal(p.dir, dir);
	assert_string_equal(p.name, name);
	ctr_cp_plan_release(&p);
}

static void assert_verdict(const char *src, bool src_is_dir, const char *dst,
			   const struct ctr_cp_target *t, enum ctr_cp_verdict want)
{
	struct ctr_cp_plan p = { 0 };
	assert_int_equal(ctr_cp_plan_build(src, src_is_dir, dst, t, &p), want);
	assert_null(p.dir);
	assert_null(p.name);
}

static void test_ctr_cp_path_forms(void **state)
{
	(void)state;
	assert_true(ctr_cp_path_is_contents("/etc/."));
	assert_true(ctr_cp_path_is_contents("."));
	assert_true(ctr_cp_path_is_contents("dir/."));
	assert_false(ctr_cp_path_is_contents("/etc"));
	assert_false(ctr_cp_path_is_contents("/etc/"));
	assert_false(ctr_cp_path_is_contents("/etc/.."));
	assert_false(ctr_cp_path_is_contents("/etc/x."));
	assert_true(ctr_cp_path_has_slash("/etc/"));
	assert_true(ctr_cp_path_has_slash("/"));
	assert_false(ctr_cp_path_has_slash("/etc"));
	assert_false(ctr_cp_path_has_slash("/etc/."));
	assert_false(ctr_cp_path_has_slash(""));
}

/* A file into a directory keeps its name; onto a file replaces it; to a missing name becomes
 * that name. */
static void test_ctr_cp_plan_build_file(void **state)
{
	(void)state;
	assert_plan("/etc/passwd", false, "/tmp", &dir_exists, "tmp", "passwd");
	assert_plan("/etc/passwd", false, "/tmp/", &dir_exists, "tmp", "passwd");
	assert_plan("/etc/passwd", false, "/tmp/old", &file_exists, "tmp", "old");
	assert_plan("/etc/passwd", false, "/tmp/new", &missing, "tmp", "new");
	assert_plan("/etc/passwd", false, "/new", &missing, "", "new");
	assert_plan("/etc/passwd", false, "/", &dir_exists, "", "passwd");
	assert_plan("/a/../etc//passwd", false, "/x/./y/../tmp", &dir_exists, "x/tmp", "passwd");
}

/* A directory goes in under its name, its content with "/.", and becomes a missing name. */
static void test_ctr_cp_plan_build_dir(void **state)
{
	(void)state;
	assert_plan("/etc", true, "/tmp", &dir_exists, "tmp", "etc");
	assert_plan("/etc/", true, "/tmp", &dir_exists, "tmp", "etc");
	assert_plan("/etc/.", true, "/tmp", &dir_exists, "tmp", "");
	assert_plan("/etc", true, "/tmp/new", &missing, "tmp", "new");
	assert_plan("/etc/.", true, "/tmp/new", &missing, "tmp", "new");
	/* the root is always its content */
	assert_plan("/", true, "/out", &dir_exists, "out", "");
	assert_plan("/", true, "/out", &missing, "", "out");
	/* "." of the host's working directory, made absolute by the caller */
	assert_plan("/home/u/.", true, "/data", &dir_exists, "data", "");
}

static void test_ctr_cp_plan_build_errors(void **state)
{
	(void)state;
	/* a missing destination with a trailing slash must exist */
	assert_verdict("/etc/passwd", false, "/tmp/new/", &missing, CTR_CP_DEST_MISSING);
	assert_verdict("/etc", true, "/tmp/new/", &missing, CTR_CP_DEST_MISSING);
	/* its parent must exist */
	assert_verdict("/etc/passwd", false, "/nodir/x", &missing_parent, CTR_CP_DEST_MISSING);
	/* a directory never replaces a file */
	assert_verdict("/etc", true, "/tmp/file", &file_exists, CTR_CP_DIR_TO_FILE);
	assert_verdict("/etc/.", true, "/tmp/file", &file_exists, CTR_CP_DIR_TO_FILE);
}

/* ---- the streams ---- */

struct trees {
	char *top;
	char *src;
	char *dst;
};

static int trees_setup(void **state)
{
	struct trees *t = xnew(struct trees, 1);
	char tmpl[] = "/tmp/test-cp-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	t->top = xstrdup(tmpl);
	t->src = xasprintf("%s/src", tmpl);
	t->dst = xasprintf("%s/dst", tmpl);
	assert_int_equal(mkdir(t->src, 0755), 0);
	assert_int_equal(mkdir(t->dst, 0755), 0);
	*state = t;
	return 0;
}

static int trees_teardown(void **state)
{
	struct trees *t = *state;
	fs_rm_rf(t->top);
	free(t->top);
	free(t->src);
	free(t->dst);
	free(t);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *data)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	free(p);
}

/* Write the item src/name as a tar named as, extract it below dst/dir; returns the result. */
static int copy(const struct trees *t, const char *name, const char *as, const char *dir,
		bool overwrite, struct sk_error **err)
{
	int sfd = open(t->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int item = openat(sfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	assert_true(item >= 0);
	char tar[] = "/tmp/test-cp-tar-XXXXXX";
	int fd = mkstemp(tar);
	assert_true(fd >= 0);
	unlink(tar);
	assert_int_equal(ctr_cp_tar_write(item, as, fd, name, NULL), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	int root = open(t->dst, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct ctr_cp_extract_opts o = {
		.root_fd = root,
		.dir = dir,
		.shown_dir = "/",
		.chown = true,
		.uid = geteuid(),
		.gid = getegid(),
		.overwrite = overwrite,
	};
	int r = ctr_cp_tar_extract(fd, &o, err);
	close(fd);
	close(root);
	close(item);
	close(sfd);
	return r;
}

static bool exists_in(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

/* A tree copied under a new name, its content only, a file renamed. */
static void test_ctr_cp_tar_round_trip(void **state)
{
	struct trees *t = *state;
	char *d = xasprintf("%s/d", t->src);
	assert_int_equal(mkdir(d, 0750), 0);
	write_file(d, "a", "hello");
	char *l = xasprintf("%s/l", d);
	assert_int_equal(symlink("a", l), 0);
	free(l);
	free(d);
	assert_int_equal(copy(t, "d", "new", "", false, NULL), 0);
	assert_true(exists_in(t->dst, "new/a"));
	assert_true(exists_in(t->dst, "new/l"));
	char *nd = xasprintf("%s/new", t->dst);
	struct stat st;
	assert_int_equal(stat(nd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	free(nd);
	char *sub = xasprintf("%s/sub", t->dst);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(copy(t, "d", "", "sub", false, NULL), 0);
	assert_true(exists_in(sub, "a"));
	free(sub);
	write_file(t->src, "f", "data");
	assert_int_equal(copy(t, "f", "renamed", "", false, NULL), 0);
	assert_true(exists_in(t->dst, "renamed"));
}

/* A symlink in the destination pointing at "/" resolves inside the tree: nothing is written
 * outside it. */
static void test_ctr_cp_tar_symlink_stays_inside(void **state)
{
	struct trees *t = *state;
	char *outside = xasprintf("%s/outside", t->top);
	assert_int_equal(mkdir(outside, 0755), 0);
	char *link = xasprintf("%s/esc", t->dst);
	assert_int_equal(symlink(outside, link), 0);
	write_file(t->src, "f", "data");
	/* the link's target is taken inside the tree, where it does not exist */
	struct sk_error *err = NULL;
	assert_true(copy(t, "f", "f", "esc", false, &err) < 0);
	sk_error_free(err);
	assert_false(exists_in(outside, "f"));
	/* once it does, the copy lands there: dst/<outside>/f */
	char *inside = xasprintf("%s%s", t->dst, outside);
	assert_int_equal(fs_mkdir_p(inside, 0755), 0);
	assert_int_equal(copy(t, "f", "f", "esc", false, NULL), 0);
	assert_false(exists_in(outside, "f"));
	assert_true(exists_in(inside, "f"));
	free(inside);
	free(link);
	free(outside);
}

/* Without overwrite a directory is never replaced by a file, nor the reverse. */
static void test_ctr_cp_tar_overwrite(void **state)
{
	struct trees *t = *state;
	write_file(t->src, "x", "data");
	char *x = xasprintf("%s/x", t->dst);
	assert_int_equal(mkdir(x, 0755), 0);
	struct sk_error *err = NULL;
	assert_true(copy(t, "x", "x", "", false, &err) < 0);
	assert_non_null(err);
	assert_string_equal(err->msg, "cannot overwrite directory \"/x\" with non-directory \"x\"");
	sk_error_free(err);
	assert_int_equal(copy(t, "x", "x", "", true, NULL), 0);
	struct stat st;
	assert_int_equal(lstat(x, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_cp_path_forms),
		cmocka_unit_test(test_ctr_cp_plan_build_file),
		cmocka_unit_test(test_ctr_cp_plan_build_dir),
		cmocka_unit_test(test_ctr_cp_plan_build_errors),
		cmocka_unit_test_setup_teardown(test_ctr_cp_tar_round_trip, trees_setup,
						trees_teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cp_tar_symlink_stays_inside, trees_setup,
						trees_teardown),
		cmocka_unit_test_setup_teardown(test_ctr_cp_tar_overwrite, trees_setup,
						trees_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
