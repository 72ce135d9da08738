/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/user-resolve.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# comment:x:5:5::/c:\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			     "short:x:7\n"
			     "badid:x:abc:1::/x:\n"
			     "nohome:x:1000:1001\n"
			     "emptyhome:x:1002:1002:::\n"
			     "www:x:33:33:www:/var/www:\n"
			     "\n"
			     "big:x:4294967295:1::/big:\n"
			     "last:x:2000:2000::/home/last:/bin/sh";

static const char group[] = "root:x:0:\n"
			    "daemon:x:1:www\n"
			    "users:x:100:www,nohome,last\n"
			    "nohome:x:1001:\n"
			    "wheel:x:10:root,www\n"
			    "short:x\n"
			    "badgid:x:zz:www\n"
			    "dup:x:100:www\n"
			    "audio:x:29:";

struct fixture {
	char *work;
	char *root;
	int root_fd;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->work = xasprintf("%s/selkie-user-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->work));
	f->root = path_join(f->work, "root");
	assert_int_equal(mkdir(f->root, 0755), 0);
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
	free(f);
	return 0;
}

static void write_path(const char *path, const char *content, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, len), 0);
	close(fd);
}

static void write_etc(struct fixture *f, const char *name, const char *content)
{
	char *etc = path_join(f->root, "etc");
	char *path = path_join(etc, name);
	assert_int_equal(fs_mkdir_p(etc, 0755), 0);
	write_path(path, content, strlen(content));
	free(path);
	free(etc);
}

static char *groups_str(const struct ctr_user *u)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < u->n_groups; i++)
		strbuf_addf(&sb, "%s%u", i ? "," : "", (unsigned)u->groups[i]);
	return strbuf_detach(&sb, NULL);
}

static void assert_user(const char *pw, const char *gr, const char *spec, char *const *add,
			unsigned uid, unsigned gid, const char *home, const char *groups)
{
	struct ctr_user u = { 0 };
	struct sk_error *err = NULL;
	char *g = NULL;

	assert_int_equal(ctr_user_resolve_buf(pw, gr, spec, add, &u, &err), 0);
	assert_null(err);
	assert_int_equal(u.uid, uid);
	assert_int_equal(u.gid, gid);
	assert_string_equal(u.home, home);
	g = groups_str(&u);
	if (groups)
		assert_string_equal(g, groups);
	else
		assert_int_equal(u.n_groups, CTR_USER_GROUPS_MAX);
	free(g);
	ctr_user_done(&u);
}

static void assert_user_fails(const char *pw, const char *gr, const char *spec, char *const *add,
			      enum sk_error_kind kind, const char *msg)
{
	struct ctr_user u = { 0 };
	struct sk_error *err = NULL;

	assert_true(ctr_user_resolve_buf(pw, gr, spec, add, &u, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, kind);
	assert_string_equal(err->msg, msg);
	assert_null(u.home);
	assert_null(u.groups);
	sk_error_free(err);
}

static void test_ctr_user_resolve_buf_names(void **state)
{
	(void)state;
	assert_user(passwd, group, "root", NULL, 0, 0, "/root", "10");
	assert_user(passwd, group, "www", NULL, 33, 33, "/var/www", "1,100,10");
	assert_user(passwd, group, "daemon", NULL, 1, 1, "/usr/sbin", "");
	assert_user(passwd, group, "nohome", NULL, 1000, 1001, "/", "100");
	assert_user(passwd, group, "emptyhome", NULL, 1002, 1002, "/", "");
	assert_user(passwd, group, "last", NULL, 2000, 2000, "/home/last", "100");
}

static void test_ctr_user_resolve_buf_numeric(void **state)
{
	(void)state;
	assert_user(passwd, group, "", NULL, 0, 0, "/root", "10");
	assert_user(passwd, group, NULL, NULL, 0, 0, "/root", "10");
	assert_user(passwd, group, "33", NULL, 33, 33, "/var/www", "1,100,10");
	assert_user(passwd, group, "4242", NULL, 4242, 0, "/", "");
	assert_user(passwd, group, "4242:4243", NULL, 4242, 4243, "/", "");
	assert_user(passwd, group, "0", NULL, 0, 0, "/root", "10");
	assert_user(NULL, NULL, "1234", NULL, 1234, 0, "/", "");
	assert_user(NULL, NULL, "1234:55", NULL, 1234, 55, "/", "");
	assert_user(NULL, NULL, "", NULL, 0, 0, "/", "");
}

static void test_ctr_user_resolve_buf_groups(void **state)
{
	(void)state;
	/* an explicit group replaces the primary one and adds no supplementary groups */
	assert_user(passwd, group, "www:users", NULL, 33, 100, "/var/www", "");
	assert_user(passwd, group, "www:29", NULL, 33, 29, "/var/www", "");
	assert_user(passwd, group, "4242:audio", NULL, 4242, 29, "/", "");
	assert_user(passwd, group, ":wheel", NULL, 0, 10, "/root", "");
	assert_user(passwd, group, "www:", NULL, 33, 33, "/var/www", "1,100,10");
}

static void test_ctr_user_resolve_buf_group_add(void **state)
{
	(void)state;
	assert_user(passwd, group, "daemon", (char *[]){ "audio", "500", "audio", NULL }, 1, 1,
		    "/usr/sbin", "29,500");
	assert_user(passwd, group, "www", (char *[]){ "wheel", "29", NULL }, 33, 33, "/var/www",
		    "1,100,10,29");
	assert_user(NULL, NULL, "5", (char *[]){ "7", NULL }, 5, 0, "/", "7");

	struct ctr_user u = { 0 };
	assert_int_equal(ctr_user_resolve_buf(passwd, group, "www",
					      (char *[]){ "keep-groups", NULL }, &u, NULL),
			 0);
	assert_true(u.keep_groups);
	assert_string_equal(u.name, "www");
	ctr_user_done(&u);
	ctr_user_done(NULL);
}

static void test_ctr_user_resolve_buf_errors(void **state)
{
	(void)state;
	assert_user_fails(passwd, group, "nobody", NULL, SK_ERR_NOTFOUND,
			  "unable to find user nobody: no matching entries in passwd file");
	assert_user_fails(NULL, group, "root", NULL, SK_ERR_NOTFOUND,
			  "unable to find user root: no matching entries in passwd file");
	assert_user_fails(passwd, group, "short", NULL, SK_ERR_NOTFOUND,
			  "unable to find user short: no matching entries in passwd file");
	assert_user_fails(passwd, group, "badid", NULL, SK_ERR_NOTFOUND,
			  "unable to find user badid: no matching entries in passwd file");
	assert_user_fails(passwd, group, "big", NULL, SK_ERR_NOTFOUND,
			  "unable to find user big: no matching entries in passwd file");
	assert_user_fails(passwd, group, "# comment", NULL, SK_ERR_NOTFOUND,
			  "unable to find user # comment: no matching entries in passwd file");
	assert_user_fails(passwd, group, "4294967295", NULL, SK_ERR_NOTFOUND,
			  "unable to find user 4294967295: no matching entries in passwd file");
	assert_user_fails(passwd, group, "-1", NULL, SK_ERR_NOTFOUND,
			  "unable to find user -1: no matching entries in passwd file");
	assert_user_fails(passwd, group, "www:nogroup", NULL, SK_ERR_NOTFOUND,
			  "unable to find group nogroup: no matching entries in group file");
	assert_user_fails(passwd, NULL, "www:users", NULL, SK_ERR_NOTFOUND,
			  "unable to find group users: no matching entries in group file");
	assert_user_fails(passwd, group, "www:badgid", NULL, SK_ERR_NOTFOUND,
			  "unable to find group badgid: no matching entries in group file");
	assert_user_fails(passwd, group, "www:a:b", NULL, SK_ERR_NOTFOUND,
			  "unable to find group a:b: no matching entries in group file");
	assert_user_fails(passwd, group, "www", (char *[]){ "nogroup", NULL }, SK_ERR_NOTFOUND,
			  "unable to find group nogroup: no matching entries in group file");
	assert_user_fails(passwd, group, "www", (char *[]){ "", NULL }, SK_ERR_INVALID,
			  "invalid group \"\": group name cannot be empty");
	assert_user_fails(passwd, group, "www", (char *[]){ "keep-groups", "wheel", NULL },
			  SK_ERR_INVALID,
			  "the '--group-add keep-groups' option is not allowed with any other "
			  "--group-add options");
}

static void test_ctr_user_resolve_buf_hostile_lines(void **state)
{
	struct strbuf pw = STRBUF_INIT;
	(void)state;
	/* an overlong line is skipped whole, even when it holds a matching entry */
	strbuf_addstr(&pw, "evil:x:0:0::/evil:");
	strbuf_addchars(&pw, 'A', CTR_USER_LINE_MAX);
	strbuf_addstr(&pw, "\n::::::\n:::\nok:x:5:6::/ok:\n");
	assert_user_fails(pw.buf, NULL, "evil", NULL, SK_ERR_NOTFOUND,
			  "unable to find user evil: no matching entries in passwd file");
	assert_user(pw.buf, NULL, "ok", NULL, 5, 6, "/ok", "");
	assert_user(pw.buf, NULL, "0", NULL, 0, 0, "/", "");
	strbuf_release(&pw);
}

static void test_ctr_user_resolve_buf_too_many_groups(void **state)
{
	struct strbuf gr = STRBUF_INIT;
	(void)state;
	for (int i = 0; i < CTR_USER_GROUPS_MAX; i++)
		strbuf_addf(&gr, "g%d:x:%d:www\n", i, i + 1);
	assert_user(passwd, gr.buf, "www", NULL, 33, 33, "/var/www", NULL);
	strbuf_addstr(&gr, "one-more:x:0:www\n");
	assert_user_fails(passwd, gr.buf, "www", NULL, SK_ERR_INVALID,
			  "supplementary groups: more than 8192");
	assert_user_fails(NULL, NULL, "root", (char *[]){ "1", "2", NULL }, SK_ERR_NOTFOUND,
			  "unable to find user root: no matching entries in passwd file");
	strbuf_release(&gr);
}

static void test_ctr_user_resolve_files(void **state)
{
	struct fixture *f = *state;
	struct ctr_user u = { 0 };

	write_etc(f, "passwd", passwd);
	write_etc(f, "group", group);
	assert_int_equal(ctr_user_resolve(f->root_fd, "www", NULL, &u, NULL), 0);
	assert_int_equal(u.uid, 33);
	assert_int_equal(u.gid, 33);
	assert_int_equal(u.n_groups, 3);
	assert_string_equal(u.home, "/var/www");
	ctr_user_done(&u);
	safe_path_use_openat2(false);
	assert_int_equal(ctr_user_resolve(f->root_fd, "last:wheel", NULL, &u, NULL), 0);
	assert_int_equal(u.uid, 2000);
	assert_int_equal(u.gid, 10);
	ctr_user_done(&u);
}

static void test_ctr_user_resolve_missing_files(void **state)
{
	struct fixture *f = *state;
	struct ctr_user u = { 0 };
	struct sk_error *err = NULL;

	assert_int_equal(ctr_user_resolve(f->root_fd, "1000:1000", NULL, &u, NULL), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_string_equal(u.home, "/");
	ctr_user_done(&u);
	assert_true(ctr_user_resolve(f->root_fd, "www", NULL, &u, &err) < 0);
	assert_string_equal(err->msg,
			    "unable to find user www: no matching entries in passwd file");
	sk_error_free(err);
	/* /etc being a file is the same as a missing passwd */
	char *etc = path_join(f->root, "etc");
	write_path(etc, "x", 1);
	assert_int_equal(ctr_user_resolve(f->root_fd, "7", NULL, &u, NULL), 0);
	ctr_user_done(&u);
	free(etc);
}

static void test_ctr_user_resolve_symlink_escape(void **state)
{
	struct fixture *f = *state;
	struct ctr_user u = { 0 };
	struct sk_error *err = NULL;
	char *outside = path_join(f->work, "passwd");
	char *etc = path_join(f->root, "etc");
	char *link = path_join(etc, "passwd");
	char *glink = path_join(etc, "group");

	/* a host-side passwd that must never be read */
	write_path(outside, "evil:x:0:0::/evil:\n", 19);
	assert_int_equal(mkdir(etc, 0755), 0);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(symlink("../../passwd", glink), 0);
	for (int walk = 0; walk < 2; walk++) {
		safe_path_use_openat2(walk == 0);
		assert_true(ctr_user_resolve(f->root_fd, "evil", NULL, &u, &err) < 0);
		assert_string_equal(err->msg,
				    "unable to find user evil: no matching entries in passwd file");
		sk_error_free(err);
		err = NULL;
	}
	/* the same link target inside the rootfs is followed there */
	char *inner_dir = xasprintf("%s%s", f->root, f->work);
	char *inner = path_join(inner_dir, "passwd");
	assert_int_equal(fs_mkdir_p(inner_dir, 0755), 0);
	write_path(inner, "inner:x:9:9::/in:\n", 18);
	assert_int_equal(ctr_user_resolve(f->root_fd, "inner", NULL, &u, NULL), 0);
	assert_int_equal(u.uid, 9);
	ctr_user_done(&u);
	free(inner);
	free(inner_dir);
	free(outside);
	free(etc);
	free(link);
	free(glink);
}

static void test_ctr_user_resolve_hostile_files(void **state)
{
	struct fixture *f = *state;
	struct ctr_user u = { 0 };
	struct sk_error *err = NULL;
	char *etc = path_join(f->root, "etc");
	char *pw = path_join(etc, "passwd");
	char *gr = path_join(etc, "group");
	int fd;

	assert_int_equal(mkdir(etc, 0755), 0);
	assert_int_equal(mkfifo(pw, 0644), 0);
	assert_true(ctr_user_resolve(f->root_fd, "0", NULL, &u, &err) < 0);
	assert_string_equal(err->msg,
			    "reading \"/etc/passwd\" in the container: not a regular file");
	sk_error_free(err);
	err = NULL;
	assert_int_equal(unlink(pw), 0);
	assert_int_equal(mkdir(pw, 0755), 0);
	assert_true(ctr_user_resolve(f->root_fd, "0", NULL, &u, &err) < 0);
	assert_string_equal(err->msg,
			    "reading \"/etc/passwd\" in the container: not a regular file");
	sk_error_free(err);
	err = NULL;
	assert_int_equal(rmdir(pw), 0);
	fd = open(gr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CTR_USER_FILE_MAX + 1), 0);
	close(fd);
	assert_true(ctr_user_resolve(f->root_fd, "0", NULL, &u, &err) < 0);
	assert_string_equal(err->msg, "reading \"/etc/group\" in the container: larger than "
				      "8388608 bytes");
	sk_error_free(err);
	free(etc);
	free(pw);
	free(gr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_user_resolve_buf_names),
		cmocka_unit_test(test_ctr_user_resolve_buf_numeric),
		cmocka_unit_test(test_ctr_user_resolve_buf_groups),
		cmocka_unit_test(test_ctr_user_resolve_buf_group_add),
		cmocka_unit_test(test_ctr_user_resolve_buf_errors),
		cmocka_unit_test(test_ctr_user_resolve_buf_hostile_lines),
		cmocka_unit_test(test_ctr_user_resolve_buf_too_many_groups),
		cmocka_unit_test_setup_teardown(test_ctr_user_resolve_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_user_resolve_missing_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_user_resolve_symlink_escape, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctr_user_resolve_hostile_files, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
