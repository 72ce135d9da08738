/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "net/ipam.h"
#include "state/networks.h"
#include "util/fs.h"
#include "util/xalloc.h"

struct fixture {
	char *dir;
	struct state_db *db;
	struct net_subnet subnet;
	struct net_network net;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-ipam-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	_cleanup_free_ char *path = path_join(f->dir, "selkie.db");
	assert_int_equal(state_db_open(path, &f->db, NULL), 0);
	f->subnet = (struct net_subnet){ .subnet = (char *)"10.90.0.0/16",
					 .gateway = (char *)"10.90.0.1" };
	f->net = (struct net_network){ .name = (char *)"selkie",
				       .driver = (char *)"bridge",
				       .subnets = &f->subnet,
				       .n_subnets = 1 };
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

/* Reserve for ctr and return the lease's "ip/prefix" (owned by the caller). */
static char *lease_ok(struct fixture *f, const char *ctr, const char *want)
{
	struct net_lease l = { 0 };
	struct sk_error *err = NULL;
	if (net_ipam_reserve(f->db, &f->net, ctr, "eth0", want, &l, &err) < 0)
		fail_msg("%s", err->msg);
	assert_null(err);
	char *s = xstrdup(l.address);
	net_lease_release(&l);
	return s;
}

/* Reserve for ctr expecting a failure; returns the message. */
static char *lease_err(struct fixture *f, const char *ctr, const char *want)
{
	struct net_lease l = { 0 };
	struct sk_error *err = NULL;
	assert_true(net_ipam_reserve(f->db, &f->net, ctr, "eth0", want, &l, &err) < 0);
	assert_non_null(err);
	assert_null(l.address);
	char *msg = xstrdup(err->msg);
	sk_error_free(err);
	return msg;
}

static size_t n_attachments(struct fixture *f)
{
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(state_net_attachments(f->db, NULL, f->net.name, &list, &n, NULL), 0);
	state_net_attachments_free(list, n);
	return n;
}

static void test_net_ipam_reserve_first_lease(void **state)
{
	struct fixture *f = *state;
	struct net_lease l = { 0 };
	assert_int_equal(net_ipam_reserve(f->db, &f->net, "c1", "eth0", NULL, &l, NULL), 0);
	/* .0 is the network, .1 the gateway */
	assert_string_equal(l.address, "10.90.0.2/16");
	assert_string_equal(l.ip, "10.90.0.2");
	assert_string_equal(l.gateway, "10.90.0.1");
	assert_int_equal(l.prefix, 16);
	net_lease_release(&l);
	assert_null(l.address);

	/* the lease is a row of net_attachments */
	struct state_net_attachment *list = NULL;
	size_t n = 0;
	assert_int_equal(state_net_attachments(f->db, "c1", NULL, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].network, "selkie");
	assert_string_equal(list[0].ifname, "eth0");
	assert_string_equal(list[0].ip, "10.90.0.2");
	state_net_attachments_free(list, n);
}

static void test_net_ipam_reserve_next_and_reuse(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	_cleanup_free_ char *c = lease_ok(f, "c3", NULL);
	assert_string_equal(a, "10.90.0.2/16");
	assert_string_equal(b, "10.90.0.3/16");
	assert_string_equal(c, "10.90.0.4/16");

	/* c2 stops: its address is not handed out again at once (round robin), as other
	 * containers' ARP caches still hold its old MAC */
	assert_int_equal(state_net_attachment_delete(f->db, "c2", "selkie", NULL), 0);
	_cleanup_free_ char *d = lease_ok(f, "c4", NULL);
	assert_string_equal(d, "10.90.0.5/16");
	_cleanup_free_ char *e = lease_ok(f, "c5", NULL);
	assert_string_equal(e, "10.90.0.6/16");
}

/* Round robin wraps around: a freed address comes back once the others are taken. */
static void test_net_ipam_reserve_wraps_around(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"10.90.0.0/29"; /* .2-.6 usable, .1 the gateway */
	const char *ids[] = { "c1", "c2", "c3", "c4", "c5" };
	for (size_t i = 0; i < 5; i++) {
		_cleanup_free_ char *a = lease_ok(f, ids[i], NULL);
		_cleanup_free_ char *want = xasprintf("10.90.0.%zu/29", i + 2);
		assert_string_equal(a, want);
	}
	assert_int_equal(state_net_attachment_delete(f->db, "c3", "selkie", NULL), 0);
	_cleanup_free_ char *b = lease_ok(f, "c6", NULL);
	assert_string_equal(b, "10.90.0.4/29");
	_cleanup_free_ char *m = lease_err(f, "c7", NULL);
	assert_non_null(strstr(m, "failed to find free IP"));
}

/* A subnet written with host bits set still starts from its network address. */
static void test_net_ipam_reserve_unmasked_subnet(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"10.90.3.7/24";
	f->subnet.gateway = (char *)"10.90.3.1";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	assert_string_equal(a, "10.90.3.2/24");
}

/* A gateway that isn't .1 is skipped wherever it is; .1 is then handed out. */
static void test_net_ipam_reserve_skips_gateway_anywhere(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"10.90.0.0/29";
	f->subnet.gateway = (char *)"10.90.0.2";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	assert_string_equal(a, "10.90.0.1/29");
	assert_string_equal(b, "10.90.0.3/29");
}

static void test_net_ipam_reserve_no_gateway(void **state)
{
	struct fixture *f = *state;
	f->subnet.gateway = NULL;
	struct net_lease l = { 0 };
	assert_int_equal(net_ipam_reserve(f->db, &f->net, "c1", "eth0", NULL, &l, NULL), 0);
	assert_string_equal(l.address, "10.90.0.1/16");
	assert_null(l.gateway);
	net_lease_release(&l);
}

static void test_net_ipam_reserve_want(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a = lease_ok(f, "c1", "10.90.4.5");
	assert_string_equal(a, "10.90.4.5/16");
	/* a static address doesn't move the allocator */
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	assert_string_equal(b, "10.90.0.2/16");
	/* nor is a static address the allocator already gave out available */
	_cleanup_free_ char *msg = lease_err(f, "c3", "10.90.0.2");
	assert_string_equal(
		msg, "requested ip address 10.90.0.2 is already allocated on network selkie");
}

static void test_net_ipam_reserve_want_taken(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a = lease_ok(f, "c1", "10.90.0.9");
	struct net_lease l = { 0 };
	struct sk_error *err = NULL;
	assert_int_equal(net_ipam_reserve(f->db, &f->net, "c2", "eth0", "10.90.0.9", &l, &err),
			 -EEXIST);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	assert_string_equal(
		err->msg, "requested ip address 10.90.0.9 is already allocated on network selkie");
	sk_error_free(err);
	assert_int_equal(n_attachments(f), 1);
}

static void test_net_ipam_reserve_want_outside_subnet(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *m1 = lease_err(f, "c1", "10.91.0.5");
	assert_string_equal(m1,
			    "requested static ip 10.91.0.5 not in any subnet on network selkie");
	_cleanup_free_ char *m2 = lease_err(f, "c1", "fd00::5");
	assert_string_equal(m2, "requested static ip fd00::5 not in any subnet on network selkie");
	_cleanup_free_ char *m3 = lease_err(f, "c1", "10.90.0.300");
	assert_string_equal(m3, "10.90.0.300 is not an IP address");
	assert_int_equal(n_attachments(f), 0);
}

/* the gateway (and the network and broadcast addresses) are never a container's */
static void test_net_ipam_reserve_want_reserved(void **state)
{
	struct fixture *f = *state;
	const char *const wants[] = { "10.90.0.1", "10.90.0.0", "10.90.255.255" };
	for (size_t i = 0; i < 3; i++) {
		_cleanup_free_ char *m = lease_err(f, "c1", wants[i]);
		assert_non_null(strstr(m, "is the network, gateway or broadcast address"));
	}
	assert_int_equal(n_attachments(f), 0);
}

static void test_net_ipam_reserve_ip_range(void **state)
{
	struct fixture *f = *state;
	f->subnet.range_start = (char *)"10.90.1.10";
	f->subnet.range_end = (char *)"10.90.1.12";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	_cleanup_free_ char *c = lease_ok(f, "c3", NULL);
	assert_string_equal(a, "10.90.1.10/16");
	assert_string_equal(b, "10.90.1.11/16");
	assert_string_equal(c, "10.90.1.12/16");
	_cleanup_free_ char *msg = lease_err(f, "c4", NULL);
	assert_string_equal(msg, "IPAM error: failed to find free IP in range: 10.90.0.0/16");
	/* --ip outside the range but inside the subnet is still allowed */
	_cleanup_free_ char *d = lease_ok(f, "c5", "10.90.0.50");
	assert_string_equal(d, "10.90.0.50/16");
}

/* A range starting on the network address still never hands it out. */
static void test_net_ipam_reserve_range_from_network_address(void **state)
{
	struct fixture *f = *state;
	f->subnet.gateway = (char *)"10.90.0.254";
	f->subnet.range_start = (char *)"10.90.0.0";
	f->subnet.range_end = (char *)"10.90.0.1";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	assert_string_equal(a, "10.90.0.1/16");
	_cleanup_free_ char *msg = lease_err(f, "c2", NULL);
	assert_string_equal(msg, "IPAM error: failed to find free IP in range: 10.90.0.0/16");
}

/* /30: network .0, gateway .1, one address .2, broadcast .3 */
static void test_net_ipam_reserve_runs_out(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"10.99.0.0/30";
	f->subnet.gateway = (char *)"10.99.0.1";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	assert_string_equal(a, "10.99.0.2/30");
	struct net_lease l = { 0 };
	struct sk_error *err = NULL;
	assert_int_equal(net_ipam_reserve(f->db, &f->net, "c2", "eth0", NULL, &l, &err), -ENOSPC);
	assert_string_equal(err->msg, "IPAM error: failed to find free IP in range: 10.99.0.0/30");
	sk_error_free(err);
	assert_int_equal(n_attachments(f), 1);
}

/* The broadcast address of an IPv4 subnet is never handed out, even when the range ends on it. */
static void test_net_ipam_reserve_never_broadcast(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"10.99.0.0/24";
	f->subnet.gateway = (char *)"10.99.0.1";
	f->subnet.range_start = (char *)"10.99.0.253";
	f->subnet.range_end = (char *)"10.99.0.255";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	assert_string_equal(a, "10.99.0.253/24");
	assert_string_equal(b, "10.99.0.254/24");
	_cleanup_free_ char *msg = lease_err(f, "c3", NULL);
	assert_string_equal(msg, "IPAM error: failed to find free IP in range: 10.99.0.0/24");
}

static void test_net_ipam_reserve_ipv6(void **state)
{
	struct fixture *f = *state;
	f->subnet.subnet = (char *)"fd00:1::/64";
	f->subnet.gateway = (char *)"fd00:1::1";
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	assert_string_equal(a, "fd00:1::2/64");
	assert_string_equal(b, "fd00:1::3/64");
}

static void test_net_ipam_reserve_no_subnet(void **state)
{
	struct fixture *f = *state;
	f->net.n_subnets = 0;
	_cleanup_free_ char *msg = lease_err(f, "c1", NULL);
	assert_string_equal(msg, "network selkie has no subnet to take an address from");
}

/* Each network allocates on its own. */
static void test_net_ipam_reserve_per_network(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *a = lease_ok(f, "c1", NULL);
	f->net.name = (char *)"other";
	_cleanup_free_ char *b = lease_ok(f, "c2", NULL);
	assert_string_equal(a, "10.90.0.2/16");
	assert_string_equal(b, "10.90.0.2/16");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_net_ipam_reserve_first_lease),
		T(test_net_ipam_reserve_next_and_reuse),
		T(test_net_ipam_reserve_wraps_around),
		T(test_net_ipam_reserve_unmasked_subnet),
		T(test_net_ipam_reserve_skips_gateway_anywhere),
		T(test_net_ipam_reserve_no_gateway),
		T(test_net_ipam_reserve_want),
		T(test_net_ipam_reserve_want_taken),
		T(test_net_ipam_reserve_want_outside_subnet),
		T(test_net_ipam_reserve_want_reserved),
		T(test_net_ipam_reserve_ip_range),
		T(test_net_ipam_reserve_range_from_network_address),
		T(test_net_ipam_reserve_runs_out),
		T(test_net_ipam_reserve_never_broadcast),
		T(test_net_ipam_reserve_ipv6),
		T(test_net_ipam_reserve_no_subnet),
		T(test_net_ipam_reserve_per_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
