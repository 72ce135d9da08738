/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "net/subnet.h"

static struct net_cidr cidr(const char *s)
{
	struct net_cidr c;
	assert_int_equal(net_cidr_parse(s, &c), 0);
	return c;
}

static struct net_ip ip(const char *s)
{
	struct net_ip i;
	assert_int_equal(net_ip_parse(s, &i), 0);
	return i;
}

static void test_net_ip_parse_both_families(void **state)
{
	struct net_ip a = ip("10.1.2.3"), b = ip("fd00::1");
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.addr[0], 10);
	assert_int_equal(a.addr[3], 3);
	assert_int_equal(b.family, AF_INET6);
	assert_int_equal(b.addr[0], 0xfd);
	assert_int_equal(b.addr[15], 1);
	char out[NET_IP_STRLEN];
	net_ip_format(&b, out);
	assert_string_equal(out, "fd00::1");
	assert_true(
		net_ip_equal(&a, &(struct net_ip){ .family = AF_INET, .addr = { 10, 1, 2, 3 } }));
}

static void test_net_ip_parse_rejects_garbage(void **state)
{
	struct net_ip i;
	assert_int_equal(net_ip_parse("", &i), -EINVAL);
	assert_int_equal(net_ip_parse(NULL, &i), -EINVAL);
	assert_int_equal(net_ip_parse("10.1.2", &i), -EINVAL);
	assert_int_equal(net_ip_parse("10.1.2.256", &i), -EINVAL);
	assert_int_equal(net_ip_parse("foo", &i), -EINVAL);
	assert_int_equal(net_ip_parse("10.0.0.0/8", &i), -EINVAL);
}

static void test_net_cidr_parse_bad_prefix(void **state)
{
	struct net_cidr c;
	const char *bad[] = { "10.0.0.0/33", "10.0.0.0/8x", "foo",	  "10.0.0.0",
			      "10.0.0.0/",   "/8",	    "fd00::/129", "10.0.0.0/-1",
			      "10.0.0.0/+8", "10.0.0.0/ 8" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(net_cidr_parse(bad[i], &c), -EINVAL);
	assert_int_equal(net_cidr_parse("10.0.0.0/32", &c), 0);
	assert_int_equal(net_cidr_parse("::/0", &c), 0);
	assert_int_equal(net_cidr_parse("fd00::/128", &c), 0);
}

static void test_net_cidr_masked_and_format(void **state)
{
	struct net_cidr c = cidr("10.90.3.7/16"), m;
	char out[NET_IP_STRLEN + 4];
	net_cidr_format(&c, out);
	assert_string_equal(out, "10.90.3.7/16");
	net_cidr_masked(&c, &m);
	net_cidr_format(&m, out);
	assert_string_equal(out, "10.90.0.0/16");
	c = cidr("10.1.2.255/25");
	net_cidr_masked(&c, &m);
	net_cidr_format(&m, out);
	assert_string_equal(out, "10.1.2.128/25");
	c = cidr("fd12:3456::9/64");
	net_cidr_masked(&c, &m);
	net_cidr_format(&m, out);
	assert_string_equal(out, "fd12:3456::/64");
}

static void test_net_cidr_contains(void **state)
{
	struct net_cidr c = cidr("10.90.0.0/16");
	struct net_ip in = ip("10.90.255.254"), out = ip("10.91.0.1"), v6 = ip("::1");
	assert_true(net_cidr_contains(&c, &in));
	assert_false(net_cidr_contains(&c, &out));
	assert_false(net_cidr_contains(&c, &v6));
	struct net_cidr odd = cidr("10.0.0.0/13");
	struct net_ip edge = ip("10.7.255.255"), past = ip("10.8.0.0");
	assert_true(net_cidr_contains(&odd, &edge));
	assert_false(net_cidr_contains(&odd, &past));
	struct net_cidr all = cidr("0.0.0.0/0");
	assert_true(net_cidr_contains(&all, &out));
}

static void test_net_cidr_overlaps(void **state)
{
	struct net_cidr a = cidr("10.99.0.0/16"), b = cidr("10.99.1.0/24"),
			c = cidr("10.98.0.0/16");
	assert_true(net_cidr_overlaps(&a, &b));
	assert_true(net_cidr_overlaps(&b, &a));
	assert_false(net_cidr_overlaps(&a, &c));
	struct net_cidr v6a = cidr("fd00:1::/64"), v6b = cidr("fd00::/16");
	assert_true(net_cidr_overlaps(&v6a, &v6b));
	assert_false(net_cidr_overlaps(&a, &v6b));
}

static void test_net_cidr_nth_and_size(void **state)
{
	struct net_cidr c = cidr("10.90.0.0/16");
	struct net_ip r;
	char out[NET_IP_STRLEN];
	assert_int_equal(net_cidr_size(&c), 65536);
	assert_int_equal(net_cidr_nth(&c, 1, &r), 0);
	net_ip_format(&r, out);
	assert_string_equal(out, "10.90.0.1");
	assert_int_equal(net_cidr_nth(&c, 65535, &r), 0);
	net_ip_format(&r, out);
	assert_string_equal(out, "10.90.255.255");
	assert_int_equal(net_cidr_nth(&c, 65536, &r), -ERANGE);
	struct net_cidr host = cidr("10.1.2.3/32");
	assert_int_equal(net_cidr_size(&host), 1);
	assert_int_equal(net_cidr_nth(&host, 1, &r), -ERANGE);
	struct net_cidr v6 = cidr("fd00:1::/64");
	assert_int_equal(net_cidr_size(&v6), UINT64_MAX);
	assert_int_equal(net_cidr_nth(&v6, 0x10001, &r), 0);
	net_ip_format(&r, out);
	assert_string_equal(out, "fd00:1::1:1");
	struct net_cidr big = cidr("fd00::/8");
	assert_int_equal(net_cidr_size(&big), UINT64_MAX);
}

static void test_net_cidr_offset(void **state)
{
	struct net_cidr c = cidr("10.90.0.0/16");
	struct net_ip a = ip("10.90.1.2"), outside = ip("10.91.0.0");
	uint64_t off = 0;
	assert_int_equal(net_cidr_offset(&c, &a, &off), 0);
	assert_int_equal(off, 258);
	assert_int_equal(net_cidr_offset(&c, &outside, &off), -ERANGE);
	struct net_cidr v6 = cidr("fd00:1::/64");
	struct net_ip b = ip("fd00:1::1:1");
	assert_int_equal(net_cidr_offset(&v6, &b, &off), 0);
	assert_int_equal(off, 0x10001);
	/* An offset past 64 bits does not fit. */
	struct net_cidr big = cidr("fd00::/8");
	struct net_ip far = ip("fd00:0:0:1::1"), near = ip("fd00::5");
	assert_int_equal(net_cidr_offset(&big, &far, &off), -ERANGE);
	assert_int_equal(net_cidr_offset(&big, &near, &off), 0);
	assert_int_equal(off, 5);
	/* nth and offset are inverses. */
	struct net_ip r;
	assert_int_equal(net_cidr_nth(&c, 4242, &r), 0);
	assert_int_equal(net_cidr_offset(&c, &r, &off), 0);
	assert_int_equal(off, 4242);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_ip_parse_both_families),
		cmocka_unit_test(test_net_ip_parse_rejects_garbage),
		cmocka_unit_test(test_net_cidr_parse_bad_prefix),
		cmocka_unit_test(test_net_cidr_masked_and_format),
		cmocka_unit_test(test_net_cidr_contains),
		cmocka_unit_test(test_net_cidr_overlaps),
		cmocka_unit_test(test_net_cidr_nth_and_size),
		cmocka_unit_test(test_net_cidr_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
