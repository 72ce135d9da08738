/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "net/dns-internal.h"
#include "net/dns.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define STRV_MAKE(...) ((char *[]){ __VA_ARGS__, NULL })
#define ID_A "aaaa000000000000000000000000000000000000000000000000000000000001"
#define ID_B "bbbb000000000000000000000000000000000000000000000000000000000002"

struct fixture {
	char *run_root;
	char *dir;
	struct net_subnet subnets[2];
	struct net_network net;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-dns-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->run_root = xstrdup(tmpl);
	f->dir = net_dns_config_dir(f->run_root);
	f->subnets[0] = (struct net_subnet){ .subnet = "10.89.0.0/24", .gateway = "10.89.0.1" };
	f->subnets[1] = (struct net_subnet){ .subnet = "fd00:1::/64", .gateway = "fd00:1::1" };
	f->net = (struct net_network){
		.name = "webnet", .subnets = f->subnets, .n_subnets = 1, .dns_enabled = true
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_rm_rf(f->run_root);
	free(f->run_root);
	free(f->dir);
	free(f);
	return 0;
}

static char *read_net_file(struct fixture *f, const char *name)
{
	_cleanup_free_ char *path = path_join(f->dir, name);
	char *text = NULL;
	if (fs_read_file(path, 1 << 20, &text, NULL) < 0)
		return NULL;
	return text;
}

static void add(struct fixture *f, const char *id, const char *v4, const char *v6, char **names)
{
	struct net_dns_entry e = { .container_id = id, .ipv4 = v4, .ipv6 = v6, .names = names };
	struct sk_error *err = NULL;
	assert_int_equal(net_dns_file_add(f->run_root, &f->net, &e, &err), 1);
	assert_null(err);
}

static void assert_file(struct fixture *f, const char *name, const char *want)
{
	_cleanup_free_ char *got = read_net_file(f, name);
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_net_dns_file_add_first(void **state)
{
	struct fixture *f = *state;
	add(f, ID_A, "10.89.0.2", NULL, STRV_MAKE("web", "www"));
	assert_file(f, "webnet", "10.89.0.1\n" ID_A " 10.89.0.2  web,www\n");
	assert_int_equal(net_dns_files_count(f->dir), 1);
}

static void test_net_dns_file_add_second_and_replace(void **state)
{
	struct fixture *f = *state;
	add(f, ID_A, "10.89.0.2", NULL, STRV_MAKE("web"));
	add(f, ID_B, "10.89.0.3", NULL, STRV_MAKE("db"));
	assert_file(f, "webnet", "10.89.0.1\n" ID_A " 10.89.0.2  web\n" ID_B " 10.89.0.3  db\n");
	/* Same container again: its line is replaced, the other one kept. */
	add(f, ID_A, "10.89.0.4", NULL, STRV_MAKE("web", "front"));
	assert_file(f, "webnet",
		    "10.89.0.1\n" ID_B " 10.89.0.3  db\n" ID_A " 10.89.0.4  web,front\n");
}

static void test_net_dns_file_add_dual_stack(void **state)
{
	struct fixture *f = *state;
	f->net.n_subnets = 2;
	add(f, ID_A, "10.89.0.2", "fd00:1::2", STRV_MAKE("web"));
	assert_file(f, "webnet", "10.89.0.1,fd00:1::1\n" ID_A " 10.89.0.2 fd00:1::2 web\n");
	struct fixture g = *f;
	g.net.subnets = &f->subnets[1];
	g.net.n_subnets = 1;
	g.net.name = "v6only";
	add(&g, ID_B, NULL, "fd00:1::3", STRV_MAKE("db"));
	assert_file(f, "v6only", "fd00:1::1\n" ID_B "  fd00:1::3 db\n");
	assert_int_equal(net_dns_files_count(f->dir), 2);
}

static void test_net_dns_file_add_lowercases_names(void **state)
{
	struct fixture *f = *state;
	add(f, ID_A, "10.89.0.2", NULL, STRV_MAKE("MyWeb", "Alias"));
	assert_file(f, "webnet", "10.89.0.1\n" ID_A " 10.89.0.2  myweb,alias\n");
}

static void test_net_dns_file_add_no_gateway(void **state)
{
	struct fixture *f = *state;
	f->subnets[0].gateway = NULL;
	struct net_dns_entry e = { .container_id = ID_A,
				   .ipv4 = "10.89.0.2",
				   .names = STRV_MAKE("web") };
	assert_int_equal(net_dns_file_add(f->run_root, &f->net, &e, NULL), 0);
	assert_int_equal(net_dns_files_count(f->dir), 0);
}

static void assert_add_invalid(struct fixture *f, const struct net_dns_entry *e)
{
	struct sk_error *err = NULL;
	assert_true(net_dns_file_add(f->run_root, &f->net, e, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	sk_error_free(err);
}

static void test_net_dns_file_add_invalid(void **state)
{
	struct fixture *f = *state;
	struct net_dns_entry e = { .container_id = ID_A,
				   .ipv4 = "10.89.0.2",
				   .names = STRV_MAKE("two words") };
	assert_add_invalid(f, &e);
	e.names = STRV_MAKE("a,b");
	assert_add_invalid(f, &e);
	e.names = STRV_MAKE("line\nbreak");
	assert_add_invalid(f, &e);
	e.names = STRV_MAKE("web");
	e.ipv4 = "10.89.0.300";
	assert_add_invalid(f, &e);
	e.ipv4 = NULL;
	e.ipv6 = "10.89.0.2";
	assert_add_invalid(f, &e);
	e.ipv6 = NULL;
	assert_add_invalid(f, &e);
	e.ipv4 = "10.89.0.2";
	e.names = STRV_MAKE(NULL);
	assert_add_invalid(f, &e);
	e.names = STRV_MAKE("web");
	e.container_id = "bad id";
	assert_add_invalid(f, &e);
	e.container_id = ID_A;
	f->net.name = "aardvark.pid";
	assert_add_invalid(f, &e);
	f->net.name = "../x";
	assert_add_invalid(f, &e);
	assert_int_equal(net_dns_files_count(f->dir), 0);
}

static void test_net_dns_file_remove_entries(void **state)
{
	struct fixture *f = *state;
	add(f, ID_A, "10.89.0.2", NULL, STRV_MAKE("web"));
	add(f, ID_B, "10.89.0.3", NULL, STRV_MAKE("db"));
	struct sk_error *err = NULL;
	assert_int_equal(net_dns_file_remove(f->run_root, "webnet", ID_A, &err), 0);
	assert_file(f, "webnet", "10.89.0.1\n" ID_B " 10.89.0.3  db\n");
	/* An entry that isn't there, or a prefix of one, changes nothing. */
	assert_int_equal(net_dns_file_remove(f->run_root, "webnet", ID_A, &err), 0);
	assert_int_equal(net_dns_file_remove(f->run_root, "webnet", "bbbb", &err), 0);
	assert_file(f, "webnet", "10.89.0.1\n" ID_B " 10.89.0.3  db\n");
	/* The last entry takes the file with it. */
	assert_int_equal(net_dns_file_remove(f->run_root, "webnet", ID_B, &err), 0);
	assert_null(read_net_file(f, "webnet"));
	assert_int_equal(net_dns_files_count(f->dir), 0);
	assert_null(err);
}

static void test_net_dns_file_remove_missing(void **state)
{
	struct fixture *f = *state;
	struct sk_error *err = NULL;
	assert_int_equal(net_dns_file_remove(f->run_root, "nonet", ID_A, &err), 0);
	assert_null(err);
	assert_true(net_dns_file_remove(f->run_root, "a/b", ID_A, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	sk_error_free(err);
}

static void test_net_dns_files_count_skips_pid_file(void **state)
{
	struct fixture *f = *state;
	add(f, ID_A, "10.89.0.2", NULL, STRV_MAKE("web"));
	_cleanup_free_ char *pid = path_join(f->dir, "aardvark.pid");
	assert_int_equal(fs_write_atomic(pid, "1", 1, 0644), 0);
	assert_int_equal(net_dns_files_count(f->dir), 1);
	/* Nothing but network files was left in the dir: aardvark parses every one. */
	_cleanup_close_ int fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_strv_free_ char **names = NULL;
	assert_int_equal(fs_dir_names_sorted(fd, &names), 0);
	assert_int_equal(strv_length(names), 2);
	assert_string_equal(names[0], "aardvark.pid");
	assert_string_equal(names[1], "webnet");
}

static void test_net_dns_add_dns_disabled(void **state)
{
	struct fixture *f = *state;
	f->net.dns_enabled = false;
	struct net_dns_entry e = { .container_id = ID_A,
				   .ipv4 = "10.89.0.2",
				   .names = STRV_MAKE("web") };
	assert_int_equal(net_dns_add(f->run_root, &f->net, &e, NULL), 0);
	assert_false(fs_exists(f->dir));
	/* Nothing was ever added: removing is a no-op. */
	assert_int_equal(net_dns_remove(f->run_root, "webnet", ID_A, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_second_and_replace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_dual_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_lowercases_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_no_gateway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_add_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_remove_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_file_remove_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_files_count_skips_pid_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_dns_add_dns_disabled, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
