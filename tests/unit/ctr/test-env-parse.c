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

#include "ctr/env-parse.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *const host_env[] = { "HOME=/root", "LANG=C.UTF-8", "FOO_A=1",  "FOO_B=2",
				  "FOOBAR=3",	"EMPTY=",	"NOEQUALS", NULL };

struct fixture {
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	const char *tmp = getenv("TMPDIR");
	f->dir = xasprintf("%s/selkie-env-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static char *write_file(struct fixture *f, const char *name, const char *content)
{
	char *path = path_join(f->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, strlen(content)), 0);
	close(fd);
	return path;
}

static void assert_env(char **env, const char *want)
{
	char *joined = strv_join(env, "|");
	assert_string_equal(joined, want);
	free(joined);
}

static void assert_arg_fails(const char *arg, const char *msg)
{
	char **env = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_env_arg_apply(&env, arg, host_env, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
	assert_null(env);
	sk_error_free(err);
}

static void test_ctr_env_set_replaces_in_place(void **state)
{
	char **env = NULL;
	(void)state;
	ctr_env_set(&env, "A=1");
	ctr_env_set(&env, "B=2");
	ctr_env_set(&env, "AB=3");
	ctr_env_set(&env, "A=4");
	ctr_env_set(&env, "B=");
	assert_env(env, "A=4|B=|AB=3");
	assert_string_equal(ctr_env_get(env, "A"), "4");
	assert_string_equal(ctr_env_get(env, "B"), "");
	assert_null(ctr_env_get(env, "C"));
	assert_null(ctr_env_get(env, "AB="));
	strv_free(env);
}

static void test_ctr_env_arg_apply_values(void **state)
{
	char **env = NULL;
	(void)state;
	assert_int_equal(ctr_env_arg_apply(&env, "A=1", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "B=x=y", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "C=", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "D= spaced value ", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "E=\"quoted\"", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "", host_env, NULL), 0);
	assert_env(env, "A=1|B=x=y|C=|D= spaced value |E=\"quoted\"");
	strv_free(env);
}

static void test_ctr_env_arg_apply_from_host(void **state)
{
	char **env = NULL;
	(void)state;
	assert_int_equal(ctr_env_arg_apply(&env, "HOME", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "UNSET", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "EMPTY", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "NOEQUALS", host_env, NULL), 0);
	assert_int_equal(ctr_env_arg_apply(&env, "HOM", host_env, NULL), 0);
	assert_env(env, "HOME=/root|EMPTY=");
	strv_free(env);
}

static void test_ctr_env_arg_apply_prefix(void **state)
{
	char **env = NULL;
	(void)state;
	assert_int_equal(ctr_env_arg_apply(&env, "FOO_*", host_env, NULL), 0);
	assert_env(env, "FOO_A=1|FOO_B=2");
	assert_int_equal(ctr_env_arg_apply(&env, "FOO*", host_env, NULL), 0);
	assert_env(env, "FOO_A=1|FOO_B=2|FOOBAR=3");
	assert_int_equal(ctr_env_arg_apply(&env, "NOPE*", host_env, NULL), 0);
	assert_env(env, "FOO_A=1|FOO_B=2|FOOBAR=3");
	strv_free(env);
}

static void test_ctr_env_arg_apply_invalid(void **state)
{
	(void)state;
	assert_arg_fails("=x", "invalid environment variable: \"=x\"");
	assert_arg_fails("=", "invalid environment variable: \"=\"");
	assert_arg_fails("  =x", "invalid environment variable: \"=x\"");
	assert_arg_fails("A B=1", "name \"A B\" has white spaces, poorly formatted name");
	assert_arg_fails("A\tB", "name \"A\tB\" has white spaces, poorly formatted name");
	assert_true(ctr_env_arg_apply(&(char **){ NULL }, "=x", host_env, NULL) < 0);
}

static void test_ctr_env_buf_apply_docker_format(void **state)
{
	char **env = NULL;
	const char *buf = "# a comment\n"
			  "\n"
			  "A=1\n"
			  "   B=leading space dropped\n"
			  "C=trailing \n"
			  "D=\"not unquoted\"\n"
			  "HOME\n"
			  "UNSET\n"
			  "\t# indented comment\n"
			  "E=windows\r\n"
			  "A=2\n"
			  "F=#not a comment";
	(void)state;
	assert_int_equal(ctr_env_buf_apply(&env, "f", buf, host_env, NULL), 0);
	assert_env(env, "A=2|B=leading space dropped|C=trailing |D=\"not unquoted\"|HOME=/root|"
			"E=windows|F=#not a comment");
	strv_free(env);
}

static void test_ctr_env_buf_apply_invalid(void **state)
{
	char **env = NULL;
	struct sk_error *err = NULL;
	(void)state;
	assert_true(ctr_env_buf_apply(&env, "my.env", "A=1\n=bad\n", host_env, &err) < 0);
	assert_string_equal(err->msg,
			    "parsing env file \"my.env\": invalid environment variable: \"=bad\"");
	sk_error_free(err);
	strv_free(env);
}

static void test_ctr_env_file_apply_files(void **state)
{
	struct fixture *f = *state;
	char **env = NULL;
	struct sk_error *err = NULL;
	char *path = write_file(f, "ok.env", "X=1\nY\n");
	char *missing = path_join(f->dir, "missing.env");
	char *msg = NULL;

	assert_int_equal(ctr_env_file_apply(&env, path, (char *[]){ "Y=host", NULL }, NULL), 0);
	assert_env(env, "X=1|Y=host");
	assert_true(ctr_env_file_apply(&env, missing, host_env, &err) < 0);
	msg = xasprintf("parsing env file \"%s\": open %s: no such file or directory", missing,
			missing);
	assert_string_equal(err->msg, msg);
	assert_int_equal(err->kind, SK_ERR_SYSTEM);
	free(msg);
	sk_error_free(err);
	err = NULL;
	assert_true(ctr_env_file_apply(&env, f->dir, host_env, &err) < 0);
	msg = xasprintf("parsing env file \"%s\": not a regular file", f->dir);
	assert_string_equal(err->msg, msg);
	free(msg);
	sk_error_free(err);
	strv_free(env);
	free(path);
	free(missing);
}

static void test_ctr_env_file_apply_bounds(void **state)
{
	struct fixture *f = *state;
	char **env = NULL;
	struct sk_error *err = NULL;
	char *path = path_join(f->dir, "big.env");
	char *msg = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CTR_ENV_FILE_MAX + 1), 0);
	close(fd);
	assert_true(ctr_env_file_apply(&env, path, host_env, &err) < 0);
	msg = xasprintf("parsing env file \"%s\": file larger than %u bytes", path,
			CTR_ENV_FILE_MAX);
	assert_string_equal(err->msg, msg);
	free(msg);
	sk_error_free(err);
	err = NULL;
	free(path);
	path = write_file(f, "nul.env", "A=1");
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_int_equal(fd_write_all(fd, "\0B=2\n", 5), 0);
	close(fd);
	assert_true(ctr_env_file_apply(&env, path, host_env, &err) < 0);
	msg = xasprintf("parsing env file \"%s\": file holds a NUL byte", path);
	assert_string_equal(err->msg, msg);
	free(msg);
	sk_error_free(err);
	assert_null(env);
	free(path);
}

static void test_ctr_env_build_merge_order(void **state)
{
	struct fixture *f = *state;
	char *file1 = write_file(f, "1.env", "FILE=1\nBOTH=file1\nIMG=file\n");
	char *file2 = write_file(f, "2.env", "BOTH=file2\n");
	char *files[] = { file1, file2, NULL };
	char *image[] = { "PATH=/usr/bin", "IMG=image", "LANG=image", NULL };
	char *args[] = { "BOTH=arg", "ARG=1", "HOME", NULL };
	struct ctr_env_opts opts = {
		.image_env = image, .env_files = files, .env_args = args, .host_env = host_env
	};
	char **env = NULL;

	(void)state;
	assert_int_equal(ctr_env_build(&opts, &env, NULL), 0);
	assert_env(env, "PATH=/usr/bin|IMG=file|LANG=image|FILE=1|BOTH=arg|ARG=1|HOME=/root");
	strv_free(env);
	env = NULL;
	opts.env_host = true;
	assert_int_equal(ctr_env_build(&opts, &env, NULL), 0);
	assert_env(env, "PATH=/usr/bin|IMG=file|LANG=C.UTF-8|HOME=/root|FOO_A=1|FOO_B=2|"
			"FOOBAR=3|EMPTY=|FILE=1|BOTH=arg|ARG=1");
	strv_free(env);
	free(file1);
	free(file2);
}

static void test_ctr_env_build_empty_and_errors(void **state)
{
	struct ctr_env_opts opts = { .host_env = host_env };
	char **env = NULL;
	struct sk_error *err = NULL;
	char *bad[] = { "OK=1", "=no", NULL };

	(void)state;
	assert_int_equal(ctr_env_build(&opts, &env, NULL), 0);
	assert_non_null(env);
	assert_int_equal(strv_length(env), 0);
	strv_free(env);
	env = NULL;
	opts.env_args = bad;
	assert_true(ctr_env_build(&opts, &env, &err) < 0);
	assert_null(env);
	assert_string_equal(err->msg, "invalid environment variable: \"=no\"");
	sk_error_free(err);
}

static void test_ctr_env_build_process_environ(void **state)
{
	char *args[] = { "SELKIE_TEST_ENV_A", "SELKIE_TEST_ENV_UNSET", "SELKIE_TEST_ENV_*", NULL };
	struct ctr_env_opts opts = { .env_args = args };
	char **env = NULL;

	(void)state;
	assert_int_equal(setenv("SELKIE_TEST_ENV_A", "a value", 1), 0);
	assert_int_equal(setenv("SELKIE_TEST_ENV_B", "", 1), 0);
	unsetenv("SELKIE_TEST_ENV_UNSET");
	assert_int_equal(ctr_env_build(&opts, &env, NULL), 0);
	assert_env(env, "SELKIE_TEST_ENV_A=a value|SELKIE_TEST_ENV_B=");
	strv_free(env);
	env = NULL;
	opts.env_args = NULL;
	opts.env_host = true;
	assert_int_equal(ctr_env_build(&opts, &env, NULL), 0);
	assert_string_equal(ctr_env_get(env, "SELKIE_TEST_ENV_A"), "a value");
	assert_null(ctr_env_get(env, "SELKIE_TEST_ENV_UNSET"));
	strv_free(env);
	unsetenv("SELKIE_TEST_ENV_A");
	unsetenv("SELKIE_TEST_ENV_B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_env_set_replaces_in_place),
		cmocka_unit_test(test_ctr_env_arg_apply_values),
		cmocka_unit_test(test_ctr_env_arg_apply_from_host),
		cmocka_unit_test(test_ctr_env_arg_apply_prefix),
		cmocka_unit_test(test_ctr_env_arg_apply_invalid),
		cmocka_unit_test(test_ctr_env_buf_apply_docker_format),
		cmocka_unit_test(test_ctr_env_buf_apply_invalid),
		cmocka_unit_test_setup_teardown(test_ctr_env_file_apply_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_env_file_apply_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_env_build_merge_order, setup, teardown),
		cmocka_unit_test(test_ctr_env_build_empty_and_errors),
		cmocka_unit_test(test_ctr_env_build_process_environ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
