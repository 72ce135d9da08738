/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "state/containers.h"
#include "state/networks.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct fixture {
	char *dir;
	struct state_db *db;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-networks-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	_cleanup_free_ char *path = path_join(f->dir, "selkie.db");
	assert_int_equal(state_db_open(path, &f->db, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	state_db_close(f->db);
	fs_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void put_container(struct state_db *db, const char *id)
{
	struct state_container c = { .id = (char *)id,
				     .name = (char *)id,
				     .image_id = (char *)"img",
				     .image_name = (char *)"img",
				     .created = 1,
				     .state = STATE_CTR_CREATED,
				     .config = (char *)"{}" };
	assert_int_equal(state_container_insert(db, &c, NULL), 0);
}

static void join(struct state_db *db, const char *ctr, const char *net)
{
	struct state_ctr_network m = { .network = (char *)net };
	assert_int_equal(state_ctr_network_add(db, ctr, &m, NULL), 0);
}

/* The container's networks as "a,b,c". */
static char *networks_of(struct state_db *db, const char *ctr)
{
	struct state_ctr_network *list = NULL;
	size_t n = 0;
	assert_int_equal(state_ctr_networks(db, ctr, &list, &n, NULL), 0);
	_cleanup_strv_free_ char **names = strv_new(NULL);
	for (size_t i = 0; i < n; i++)
		strv_push(&names, list[i].network);
	state_ctr_networks_free(list, n);
	return strv_join(names, ",");
}

static char *users_of(struct state_db *db, const char *net)
{
	_cleanup_strv_free_ char **users = NULL;
	assert_int_equal(state_network_users(db, net, &users, NULL), 0);
	return strv_join(users, ",");
}

static void reserve(struct state_db *db, const char *ctr, const char *net, const char *ip)
{
	struct state_net_attachment a = { .container_id = (char *)ctr,
					  .network = (char *)net,
					  .ifname = (char *)"eth0",
					  .ip = (char *)ip };
	assert_int_equal(state_net_attachment_reserve(db, &a, NULL), 0);
}

/* Attachments matching the filter as "ctr/net/ip ..." */
static char *attachments_text(struct state_db *db, const char *ctr, const char *net)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(state_net_attachments(db, ctr, net, &list, &n, NULL), 0);
	_cleanup_strv_free_ char **parts = strv_new(NULL);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *s =
			xasprintf("%s/%s/%s", list[i].container_id, list[i].network, list[i].ip);
		strv_push(&parts, s);
	}
	state_net_attachments_free(list, n);
	return strv_join(parts, " ");
}

static void test_state_ctr_network_add_round_trip(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "c1");
	char *aliases[] = { "web", "www", NULL };
	struct state_ctr_network m = { .network = (char *)"front",
				       .aliases = aliases,
				       .static_ip = (char *)"10.90.0.7",
				       .static_mac = (char *)"02:42:ac:11:00:02" };
	assert_int_equal(state_ctr_network_add(f->db, "c1", &m, NULL), 0);
	join(f->db, "c1", "back");

	struct state_ctr_network *list = NULL;
	size_t n = 0;
	assert_int_equal(state_ctr_networks(f->db, "c1", &list, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].network, "front");
	_cleanup_free_ char *a = strv_join(list[0].aliases, ",");
	assert_string_equal(a, "web,www");
	assert_string_equal(list[0].static_ip, "10.90.0.7");
	assert_string_equal(list[0].static_mac, "02:42:ac:11:00:02");
	assert_string_equal(list[1].network, "back");
	assert_non_null(list[1].aliases);
	assert_null(list[1].aliases[0]);
	assert_null(list[1].static_ip);
	assert_null(list[1].static_mac);
	state_ctr_networks_free(list, n);
}

/* The order is the order of adding, not the names' order, and survives a removal. */
static void test_state_ctr_networks_keep_add_order(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "c1");
	put_container(f->db, "c2");
	join(f->db, "c1", "zeta");
	join(f->db, "c2", "other");
	join(f->db, "c1", "alpha");
	join(f->db, "c1", "mid");
	_cleanup_free_ char *s1 = networks_of(f->db, "c1");
	assert_string_equal(s1, "zeta,alpha,mid");

	assert_int_equal(state_ctr_network_remove(f->db, "c1", "alpha", NULL), 0);
	join(f->db, "c1", "beta");
	join(f->db, "c1", "alpha");
	_cleanup_free_ char *s2 = networks_of(f->db, "c1");
	assert_string_equal(s2, "zeta,mid,beta,alpha");
	_cleanup_free_ char *s3 = networks_of(f->db, "c2");
	assert_string_equal(s3, "other");
	_cleanup_free_ char *s4 = networks_of(f->db, "nope");
	assert_string_equal(s4, "");
}

static void test_state_ctr_network_add_duplicate_is_exists(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "c1");
	join(f->db, "c1", "net1");
	struct state_ctr_network m = { .network = (char *)"net1", .static_ip = (char *)"10.0.0.9" };
	struct sk_error *err = NULL;
	assert_int_equal(state_ctr_network_add(f->db, "c1", &m, &err), -EEXIST);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	assert_string_equal(err->msg, "container c1 is already connected to network net1");
	sk_error_free(err);

	/* the first membership is untouched */
	struct state_ctr_network *list = NULL;
	size_t n = 0;
	assert_int_equal(state_ctr_networks(f->db, "c1", &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_null(list[0].static_ip);
	state_ctr_networks_free(list, n);
}

/* container_networks references containers: no membership for a container that isn't. */
static void test_state_ctr_network_add_unknown_container_fails(void **state)
{
	struct fixture *f = *state;
	struct state_ctr_network m = { .network = (char *)"net1" };
	struct sk_error *err = NULL;
	assert_true(state_ctr_network_add(f->db, "ghost", &m, &err) < 0);
	assert_non_null(err);
	sk_error_free(err);
	_cleanup_free_ char *u = users_of(f->db, "net1");
	assert_string_equal(u, "");
}

static void test_state_ctr_network_remove(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "c1");
	join(f->db, "c1", "a");
	join(f->db, "c1", "b");
	assert_int_equal(state_ctr_network_remove(f->db, "c1", "a", NULL), 0);
	_cleanup_free_ char *s = networks_of(f->db, "c1");
	assert_string_equal(s, "b");

	struct sk_error *err = NULL;
	assert_int_equal(state_ctr_network_remove(f->db, "c1", "a", &err), -ENOENT);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg, "container c1 is not connected to network a");
	sk_error_free(err);
	err = NULL;
	assert_int_equal(state_ctr_network_remove(f->db, "nope", "b", &err), -ENOENT);
	sk_error_free(err);
	_cleanup_free_ char *s2 = networks_of(f->db, "c1");
	assert_string_equal(s2, "b");
}

static void test_state_network_users_sorted(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "cc");
	put_container(f->db, "aa");
	put_container(f->db, "bb");
	join(f->db, "cc", "n1");
	join(f->db, "aa", "n1");
	join(f->db, "bb", "n2");
	join(f->db, "bb", "n1");
	_cleanup_free_ char *u1 = users_of(f->db, "n1");
	assert_string_equal(u1, "aa,bb,cc");
	_cleanup_free_ char *u2 = users_of(f->db, "n2");
	assert_string_equal(u2, "bb");
	_cleanup_free_ char *u3 = users_of(f->db, "unused");
	assert_string_equal(u3, "");
}

/* Deleting the container row drops its memberships. */
static void test_state_ctr_networks_cascade_on_container_delete(void **state)
{
	struct fixture *f = *state;
	put_container(f->db, "c1");
	put_container(f->db, "c2");
	join(f->db, "c1", "n1");
	join(f->db, "c1", "n2");
	join(f->db, "c2", "n1");
	assert_int_equal(state_container_delete(f->db, "c1", NULL), 0);
	_cleanup_free_ char *s = networks_of(f->db, "c1");
	assert_string_equal(s, "");
	_cleanup_free_ char *u1 = users_of(f->db, "n1");
	assert_string_equal(u1, "c2");
	_cleanup_free_ char *u2 = users_of(f->db, "n2");
	assert_string_equal(u2, "");
}

static void test_state_net_attachment_reserve_ip_taken(void **state)
{
	struct fixture *f = *state;
	reserve(f->db, "c1", "n1", "10.90.0.2");
	struct state_net_attachment a = { .container_id = (char *)"c2",
					  .network = (char *)"n1",
					  .ifname = (char *)"eth0",
					  .ip = (char *)"10.90.0.2" };
	struct sk_error *err = NULL;
	assert_int_equal(state_net_attachment_reserve(f->db, &a, &err), -EEXIST);
	/* the caller (IPAM) moves on to the next address: no error object */
	assert_null(err);

	/* the same address on another network is free */
	a.network = (char *)"n2";
	assert_int_equal(state_net_attachment_reserve(f->db, &a, &err), 0);
	assert_null(err);
	_cleanup_free_ char *s = attachments_text(f->db, NULL, NULL);
	assert_string_equal(s, "c1/n1/10.90.0.2 c2/n2/10.90.0.2");
}

/* One address per container and network. */
static void test_state_net_attachment_reserve_twice_same_network(void **state)
{
	struct fixture *f = *state;
	reserve(f->db, "c1", "n1", "10.90.0.2");
	struct state_net_attachment a = { .container_id = (char *)"c1",
					  .network = (char *)"n1",
					  .ifname = (char *)"eth1",
					  .ip = (char *)"10.90.0.3" };
	struct sk_error *err = NULL;
	assert_int_equal(state_net_attachment_reserve(f->db, &a, &err), -EEXIST);
	assert_null(err);
	_cleanup_free_ char *s = attachments_text(f->db, "c1", NULL);
	assert_string_equal(s, "c1/n1/10.90.0.2");
}

static void test_state_net_attachment_update(void **state)
{
	struct fixture *f = *state;
	reserve(f->db, "c1", "n1", "10.90.0.2");
	reserve(f->db, "c1", "n2", "10.91.0.2");
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(state_net_attachments(f->db, "c1", "n1", &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].ifname, "eth0");
	assert_int_equal(list[0].prefix_len, 0);
	assert_null(list[0].gateway);
	assert_null(list[0].mac);
	state_net_attachments_free(list, n);

	struct state_net_attachment u = { .container_id = (char *)"c1",
					  .network = (char *)"n1",
					  .prefix_len = 16,
					  .gateway = (char *)"10.90.0.1",
					  .mac = (char *)"02:00:00:00:00:01" };
	assert_int_equal(state_net_attachment_update(f->db, &u, NULL), 0);
	assert_int_equal(state_net_attachments(f->db, "c1", NULL, &list, &n, NULL), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (streq(list[i].network, "n1")) {
			assert_string_equal(list[i].ip, "10.90.0.2");
			assert_string_equal(list[i].ifname, "eth0");
			assert_int_equal(list[i].prefix_len, 16);
			assert_string_equal(list[i].gateway, "10.90.0.1");
			assert_string_equal(list[i].mac, "02:00:00:00:00:01");
		} else {
			/* the other network's row is not touched */
			assert_string_equal(list[i].network, "n2");
			assert_int_equal(list[i].prefix_len, 0);
			assert_null(list[i].gateway);
			assert_null(list[i].mac);
		}
	}
	state_net_attachments_free(list, n);
}

static void test_state_net_attachments_filters(void **state)
{
	struct fixture *f = *state;
	reserve(f->db, "c2", "n1", "10.90.0.3");
	reserve(f->db, "c1", "n1", "10.90.0.2");
	reserve(f->db, "c1", "n2", "10.91.0.2");
	reserve(f->db, "c3", "n2", "10.91.0.3");
	_cleanup_free_ char *all = attachments_text(f->db, NULL, NULL);
	assert_true(strstr(all, "c1/n1/10.90.0.2") && strstr(all, "c1/n2/10.91.0.2"));
	assert_true(strstr(all, "c2/n1/10.90.0.3") && strstr(all, "c3/n2/10.91.0.3"));
	assert_int_equal(strlen(all), 4 * strlen("c1/n1/10.90.0.2") + 3);
	_cleanup_free_ char *by_ctr = attachments_text(f->db, "c1", NULL);
	assert_true(streq(by_ctr, "c1/n1/10.90.0.2 c1/n2/10.91.0.2") ||
		    streq(by_ctr, "c1/n2/10.91.0.2 c1/n1/10.90.0.2"));
	_cleanup_free_ char *by_net = attachments_text(f->db, NULL, "n1");
	assert_string_equal(by_net, "c1/n1/10.90.0.2 c2/n1/10.90.0.3");
	_cleanup_free_ char *both = attachments_text(f->db, "c3", "n2");
	assert_string_equal(both, "c3/n2/10.91.0.3");
	_cleanup_free_ char *none = attachments_text(f->db, "c3", "n1");
	assert_string_equal(none, "");
	_cleanup_free_ char *unknown = attachments_text(f->db, "zz", NULL);
	assert_string_equal(unknown, "");
}

/* Deleting frees the address for another container; deleting nothing is no error. */
static void test_state_net_attachment_delete(void **state)
{
	struct fixture *f = *state;
	reserve(f->db, "c1", "n1", "10.90.0.2");
	reserve(f->db, "c1", "n2", "10.91.0.2");
	assert_int_equal(state_net_attachment_delete(f->db, "c1", "n1", NULL), 0);
	_cleanup_free_ char *s = attachments_text(f->db, NULL, NULL);
	assert_string_equal(s, "c1/n2/10.91.0.2");
	reserve(f->db, "c2", "n1", "10.90.0.2");
	assert_int_equal(state_net_attachment_delete(f->db, "c1", "n1", NULL), 0);
	assert_int_equal(state_net_attachment_delete(f->db, "c9", "n9", NULL), 0);
	_cleanup_free_ char *s2 = attachments_text(f->db, NULL, NULL);
	assert_string_equal(s2, "c1/n2/10.91.0.2 c2/n1/10.90.0.2");
}

static void test_state_networks_free_empty(void **state)
{
	(void)state;
	state_ctr_networks_free(NULL, 0);
	state_net_attachments_free(NULL, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_state_ctr_network_add_round_trip),
		T(test_state_ctr_networks_keep_add_order),
		T(test_state_ctr_network_add_duplicate_is_exists),
		T(test_state_ctr_network_add_unknown_container_fails),
		T(test_state_ctr_network_remove),
		T(test_state_network_users_sorted),
		T(test_state_ctr_networks_cascade_on_container_delete),
		T(test_state_net_attachment_reserve_ip_taken),
		T(test_state_net_attachment_reserve_twice_same_network),
		T(test_state_net_attachment_update),
		T(test_state_net_attachments_filters),
		T(test_state_net_attachment_delete),
		cmocka_unit_test(test_state_networks_free_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
