/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "net/network.h"
#include "net/subnet.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int setup(void **state)
{
	char tmpl[] = "/tmp/selkie-test-network-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	*state = net_config_dir(tmpl);
	return 0;
}

static int teardown(void **state)
{
	_cleanup_free_ char *root = path_dirname(*state);
	fs_rm_rf(root);
	free(*state);
	return 0;
}

static struct net_network *create_ok(const char *dir, const struct net_create_opts *o)
{
	struct net_network *n = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	int r = net_network_create(dir, o, &n, &err);
	if (r < 0)
		fail_msg("create: %s", err->msg);
	return n;
}

/* Creating with o fails with msg and kind, and writes nothing. */
static void create_fails(const char *dir, const struct net_create_opts *o, const char *msg,
			 enum sk_error_kind kind)
{
	struct net_network *n = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(net_network_create(dir, o, &n, &err) < 0);
	assert_null(n);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	assert_int_equal(err->kind, kind);
	if (o->name && streq(o->name, "x")) {
		_cleanup_free_ char *p = xasprintf("%s/x.conflist", dir);
		assert_false(fs_exists(p));
	}
}

static void test_net_network_get_default_made_on_first_use(void **state)
{
	const char *dir = *state;
	_cleanup_net_network_ struct net_network *n = NULL;
	assert_int_equal(net_network_get(dir, NET_DEFAULT_NAME, &n, NULL), 0);
	assert_string_equal(n->name, "selkie");
	assert_string_equal(n->driver, "bridge");
	assert_string_equal(n->interface, "selkie0");
	assert_int_equal(n->n_subnets, 1);
	assert_string_equal(n->subnets[0].subnet, "10.90.0.0/16");
	assert_string_equal(n->subnets[0].gateway, "10.90.0.1");
	assert_false(n->dns_enabled);
	assert_false(n->internal);
	assert_int_equal(strlen(n->id), 64);
	_cleanup_free_ char *p = xasprintf("%s/selkie.conflist", dir);
	assert_true(fs_exists(p));
}

static void test_net_network_create_defaults(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { 0 };
	_cleanup_net_network_ struct net_network *a = create_ok(dir, &o);
	_cleanup_net_network_ struct net_network *b = create_ok(dir, &o);
	assert_string_equal(a->name, "selkie1");
	assert_string_equal(b->name, "selkie2");
	assert_string_equal(a->driver, "bridge");
	assert_true(a->dns_enabled);
	assert_false(a->ipv6);
	/* Bridges are selkieN, never selkie0 nor one another's. */
	assert_true(strneq(a->interface, "selkie", 6) && !streq(a->interface, "selkie0"));
	assert_string_not_equal(a->interface, b->interface);
	/* Free /24s from 10.91.0.0/16, not overlapping each other. */
	struct net_cidr ca, cb;
	assert_int_equal(net_cidr_parse(a->subnets[0].subnet, &ca), 0);
	assert_int_equal(net_cidr_parse(b->subnets[0].subnet, &cb), 0);
	assert_true(strneq(a->subnets[0].subnet, "10.91.", 6));
	assert_int_equal(ca.prefix, 24);
	assert_false(net_cidr_overlaps(&ca, &cb));
	struct net_ip gw;
	assert_int_equal(net_cidr_nth(&ca, 1, &gw), 0);
	char buf[NET_IP_STRLEN];
	net_ip_format(&gw, buf);
	assert_string_equal(a->subnets[0].gateway, buf);
	assert_null(a->subnets[0].range_start);
}

static void test_net_network_create_given_values(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = {
		.name = "web",
		.subnets = (char *[]){ "10.77.3.9/24", "fd00:77::/64", NULL },
		.gateways = (char *[]){ "10.77.3.254", NULL },
		.ip_ranges = (char *[]){ "10.77.3.128/25", NULL },
		.internal = true,
		.disable_dns = true,
		.labels = (char *[]){ "a=b", "c", NULL },
		.options = (char *[]){ "mtu=1400", "vlan=5", NULL },
		.interface_name = "selkiebrweb",
	};
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	assert_string_equal(n->name, "web");
	assert_string_equal(n->interface, "selkiebrweb");
	assert_int_equal(n->n_subnets, 2);
	assert_string_equal(n->subnets[0].subnet, "10.77.3.0/24");
	assert_string_equal(n->subnets[0].gateway, "10.77.3.254");
	assert_string_equal(n->subnets[0].range_start, "10.77.3.129");
	assert_string_equal(n->subnets[0].range_end, "10.77.3.255");
	assert_string_equal(n->subnets[1].subnet, "fd00:77::/64");
	assert_string_equal(n->subnets[1].gateway, "fd00:77::1");
	assert_true(n->ipv6);
	assert_true(n->internal);
	assert_false(n->dns_enabled);
	/* What was written reads back the same. */
	_cleanup_net_network_ struct net_network *g = NULL;
	assert_int_equal(net_network_get(dir, "web", &g, NULL), 0);
	assert_string_equal(g->id, n->id);
	assert_int_equal(g->created, n->created);
	assert_string_equal(g->subnets[0].range_start, "10.77.3.129");
	assert_true(g->internal && g->ipv6 && !g->dns_enabled);
	assert_true(strv_contains(g->labels, "a=b") && strv_contains(g->labels, "c="));
	assert_true(strv_contains(g->options, "mtu=1400"));
}

static void test_net_network_create_ipv6_adds_ula(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "six", .ipv6 = true };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	assert_int_equal(n->n_subnets, 2);
	assert_true(strneq(n->subnets[0].subnet, "10.91.", 6));
	assert_true(strneq(n->subnets[1].subnet, "fd", 2));
	assert_non_null(strstr(n->subnets[1].subnet, "::/64"));
	assert_true(n->ipv6);
	/* An IPv6 subnet alone, without --ipv6, is all the network gets. */
	struct net_create_opts o2 = { .name = "only6",
				      .subnets = (char *[]){ "fd00:99::/64", NULL } };
	_cleanup_net_network_ struct net_network *m = create_ok(dir, &o2);
	assert_int_equal(m->n_subnets, 1);
	assert_true(m->ipv6);
}

static void test_net_network_conflist_plugins(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "cl", .options = (char *[]){ "mtu=1450", NULL } };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	_cleanup_free_ char *text = NULL;
	size_t len;
	assert_int_equal(fs_read_file(n->path, 1 << 20, &text, &len), 0);
	_cleanup_json_ json_t *doc = sk_json_parse(text, len, NULL);
	assert_non_null(doc);
	assert_string_equal(sk_json_str(doc, "cniVersion"), "1.0.0");
	assert_string_equal(sk_json_str(doc, "name"), "cl");
	json_t *plugins = json_object_get(doc, "plugins");
	const char *want[] = { "bridge", "portmap", "firewall", "tuning" };
	assert_int_equal(json_array_size(plugins), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(sk_json_str(json_array_get(plugins, i), "type"), want[i]);
	json_t *br = json_array_get(plugins, 0);
	assert_string_equal(sk_json_str(br, "bridge"), n->interface);
	assert_true(sk_json_bool(br, "isGateway", false));
	assert_true(sk_json_bool(br, "ipMasq", false));
	assert_int_equal(sk_json_int(br, "mtu", 0), 1450);
	json_t *ipam = json_object_get(br, "ipam");
	assert_string_equal(sk_json_str(ipam, "type"), "host-local");
	json_t *r0 = json_array_get(json_array_get(json_object_get(ipam, "ranges"), 0), 0);
	assert_string_equal(sk_json_str(r0, "subnet"), n->subnets[0].subnet);
	assert_string_equal(sk_json_str(r0, "gateway"), n->subnets[0].gateway);
	json_t *route = json_array_get(json_object_get(ipam, "routes"), 0);
	assert_string_equal(sk_json_str(route, "dst"), "0.0.0.0/0");
	json_t *own = json_object_get(doc, "selkie");
	assert_string_equal(sk_json_str(own, "id"), n->id);
	assert_string_equal(sk_json_str(own, "driver"), "bridge");
	assert_true(sk_json_bool(own, "dns_enabled", false));
	/* The driver's copy is the same document. */
	_cleanup_json_ json_t *again = NULL;
	assert_int_equal(net_network_conflist(n, &again, NULL), 0);
	assert_true(json_equal(again, doc));
}

static void test_net_network_conflist_internal_has_no_way_out(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "in", .internal = true };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	_cleanup_json_ json_t *doc = NULL;
	assert_int_equal(net_network_conflist(n, &doc, NULL), 0);
	json_t *br = json_array_get(json_object_get(doc, "plugins"), 0);
	assert_false(sk_json_bool(br, "ipMasq", true));
	assert_int_equal(json_array_size(json_object_get(json_object_get(br, "ipam"), "routes")),
			 0);
}

static void test_net_network_get_by_id_prefix(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "byid" };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	_cleanup_free_ char *prefix = xstrndup(n->id, 12);
	_cleanup_net_network_ struct net_network *a = NULL, *b = NULL;
	assert_int_equal(net_network_get(dir, prefix, &a, NULL), 0);
	assert_string_equal(a->name, "byid");
	assert_int_equal(net_network_get(dir, n->id, &b, NULL), 0);
	assert_string_equal(b->name, "byid");
	_cleanup_error_ struct sk_error *err = NULL;
	struct net_network *none = NULL;
	assert_true(net_network_get(dir, "nope", &none, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg,
			    "unable to find network with name or ID nope: network not found");
}

static void test_net_network_list_sorted_with_default(void **state)
{
	const char *dir = *state;
	struct net_create_opts o1 = { .name = "zeta" }, o2 = { .name = "alpha" };
	_cleanup_net_network_ struct net_network *z = create_ok(dir, &o1);
	_cleanup_net_network_ struct net_network *a = create_ok(dir, &o2);
	/* A stray file is not a network. */
	_cleanup_free_ char *junk = path_join(dir, "junk.conflist");
	assert_int_equal(fs_write_atomic(junk, "{nope", 5, 0644), 0);
	_cleanup_net_network_list_ struct net_network **list = NULL;
	assert_int_equal(net_network_list(dir, &list, NULL), 0);
	assert_non_null(list[2]);
	assert_null(list[3]);
	assert_string_equal(list[0]->name, "alpha");
	assert_string_equal(list[1]->name, "selkie");
	assert_string_equal(list[2]->name, "zeta");
}

static void test_net_network_remove(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "gone" };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	assert_int_equal(net_network_remove(dir, n, NULL), 0);
	assert_false(fs_exists(n->path));
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(net_network_remove(dir, n, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	_cleanup_net_network_ struct net_network *def = NULL;
	assert_int_equal(net_network_get(dir, "selkie", &def, NULL), 0);
	_cleanup_error_ struct sk_error *err2 = NULL;
	assert_true(net_network_remove(dir, def, &err2) < 0);
	assert_string_equal(err2->msg, "default network selkie cannot be removed");
	/* Its subnet is free again. */
	struct net_create_opts again = { .name = "gone2",
					 .subnets = (char *[]){ n->subnets[0].subnet, NULL } };
	_cleanup_net_network_ struct net_network *m = create_ok(dir, &again);
}

static void test_net_network_create_errors(void **state)
{
	const char *dir = *state;
	struct net_create_opts taken = { .name = "taken",
					 .subnets = (char *[]){ "10.66.0.0/16", NULL } };
	_cleanup_net_network_ struct net_network *t = create_ok(dir, &taken);
	struct {
		struct net_create_opts o;
		const char *msg;
		enum sk_error_kind kind;
	} cases[] = {
		{ { .name = "x", .subnets = (char *[]){ "10.0.0.0/33", NULL } },
		  "invalid CIDR address: 10.0.0.0/33",
		  SK_ERR_INVALID },
		{ { .name = "x", .subnets = (char *[]){ "foo", NULL } },
		  "invalid CIDR address: foo",
		  SK_ERR_INVALID },
		{ { .name = "x", .subnets = (char *[]){ "10.66.1.0/24", NULL } },
		  "subnet 10.66.1.0/24 is already used on the host or by another config",
		  SK_ERR_INVALID },
		{ { .name = "x", .subnets = (char *[]){ "10.90.7.0/24", NULL } },
		  "subnet 10.90.7.0/24 is already used on the host or by another config",
		  SK_ERR_INVALID },
		{ { .name = "x", .subnets = (char *[]){ "10.67.0.0/16", "10.67.1.0/24", NULL } },
		  "subnet 10.67.1.0/24 is already used on the host or by another config",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL },
		    .gateways = (char *[]){ "10.69.0.1", NULL } },
		  "gateway 10.69.0.1 not in subnet 10.68.0.0/16",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL },
		    .gateways = (char *[]){ "foo", NULL } },
		  "invalid argument \"foo\" for \"--gateway\" flag: invalid string being converted "
		  "to IP address: foo",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL },
		    .ip_ranges = (char *[]){ "10.69.0.0/24", NULL } },
		  "lease range start ip 10.69.0.1 not in subnet 10.68.0.0/16",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/24", NULL },
		    .ip_ranges = (char *[]){ "10.68.0.0/23", NULL } },
		  "lease range end ip 10.68.1.255 not in subnet 10.68.0.0/24",
		  SK_ERR_INVALID },
		{ { .name = "x", .gateways = (char *[]){ "10.68.0.1", NULL } },
		  "cannot set gateway or range without subnet",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL },
		    .gateways = (char *[]){ "10.68.0.1", "10.68.0.2", NULL } },
		  "cannot set more gateways than subnets",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL },
		    .ip_ranges = (char *[]){ "10.68.0.0/24", "10.68.1.0/24", NULL } },
		  "cannot set more ranges than subnets",
		  SK_ERR_INVALID },
		{ { .name = "bad name" },
		  "network name bad name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
		  "invalid argument",
		  SK_ERR_INVALID },
		{ { .name = "host" },
		  "cannot create network with name \"host\" because it conflicts with a valid "
		  "network mode",
		  SK_ERR_INVALID },
		{ { .name = "taken" },
		  "network name taken already used: network already exists",
		  SK_ERR_EXISTS },
		{ { .name = "selkie" },
		  "network name selkie already used: network already exists",
		  SK_ERR_EXISTS },
		{ { .name = "x", .driver = "foo" },
		  "unsupported driver foo: invalid argument",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .driver = "macvlan",
		    .subnets = (char *[]){ "10.68.0.0/16", NULL } },
		  "macvlan driver needs a parent interface: use -o parent=NAME",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .driver = "macvlan",
		    .options = (char *[]){ "parent=selkie-no-such-if", NULL } },
		  "parent interface selkie-no-such-if does not exist",
		  SK_ERR_INVALID },
		{ { .name = "x", .driver = "macvlan", .options = (char *[]){ "parent=lo", NULL } },
		  "macvlan driver needs at least one subnet specified, DHCP is not yet supported",
		  SK_ERR_INVALID },
		{ { .name = "x",
		    .driver = "macvlan",
		    .options = (char *[]){ "parent=lo", "mode=foo", NULL } },
		  "unknown macvlan mode \"foo\"",
		  SK_ERR_INVALID },
		{ { .name = "x", .options = (char *[]){ "foo=bar", NULL } },
		  "unsupported bridge network option foo",
		  SK_ERR_INVALID },
		{ { .name = "x", .options = (char *[]){ "bad", NULL } },
		  "unsupported bridge network option bad",
		  SK_ERR_INVALID },
		{ { .name = "x", .options = (char *[]){ "mtu=abc", NULL } },
		  "strconv.Atoi: parsing \"abc\": invalid syntax",
		  SK_ERR_INVALID },
		{ { .name = "x", .options = (char *[]){ "mtu=-1", NULL } },
		  "mtu -1 is less than zero",
		  SK_ERR_INVALID },
		{ { .name = "x", .options = (char *[]){ "isolate=x", NULL } },
		  "strconv.ParseBool: parsing \"x\": invalid syntax",
		  SK_ERR_INVALID },
		{ { .name = "x", .labels = (char *[]){ "=x", NULL } },
		  "failed to parse labels: invalid label format: \"=x\"",
		  SK_ERR_INVALID },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		create_fails(dir, &cases[i].o, cases[i].msg, cases[i].kind);
	struct net_create_opts br = { .name = "x", .interface_name = t->interface };
	_cleanup_free_ char *msg = xasprintf("bridge name %s already in use", t->interface);
	create_fails(dir, &br, msg, SK_ERR_INVALID);
	/* --ignore returns the existing network instead. */
	struct net_create_opts ign = { .name = "taken", .ignore_existing = true };
	_cleanup_net_network_ struct net_network *same = create_ok(dir, &ign);
	assert_string_equal(same->id, t->id);
}

static void test_net_network_macvlan(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "mv",
				     .driver = "macvlan",
				     .subnets = (char *[]){ "10.70.0.0/24", NULL },
				     .options = (char *[]){ "parent=lo", "mode=bridge", NULL } };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	assert_string_equal(n->interface, "lo");
	assert_null(n->subnets[0].gateway);
	assert_false(n->dns_enabled);
	assert_false(strv_contains(n->options, "parent=lo"));
	_cleanup_json_ json_t *doc = NULL;
	assert_int_equal(net_network_conflist(n, &doc, NULL), 0);
	json_t *plugins = json_object_get(doc, "plugins");
	assert_int_equal(json_array_size(plugins), 2);
	json_t *mv = json_array_get(plugins, 0);
	assert_string_equal(sk_json_str(mv, "type"), "macvlan");
	assert_string_equal(sk_json_str(mv, "master"), "lo");
	assert_string_equal(sk_json_str(mv, "mode"), "bridge");
	assert_string_equal(sk_json_str(json_array_get(plugins, 1), "type"), "tuning");
}

static void test_net_network_to_json_shape(void **state)
{
	const char *dir = *state;
	struct net_create_opts o = { .name = "js",
				     .subnets = (char *[]){ "10.71.0.0/24", NULL },
				     .ip_ranges = (char *[]){ "10.71.0.10-10.71.0.20", NULL },
				     .labels = (char *[]){ "k=v", NULL } };
	_cleanup_net_network_ struct net_network *n = create_ok(dir, &o);
	_cleanup_json_ json_t *j = net_network_to_json(n);
	const char *keys[] = { "name",	      "id",	 "driver",	 "network_interface",
			       "created",     "subnets", "ipv6_enabled", "internal",
			       "dns_enabled", "labels",	 "ipam_options" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_non_null(json_object_get(j, keys[i]));
	assert_null(json_object_get(j, "options"));
	json_t *s0 = json_array_get(json_object_get(j, "subnets"), 0);
	assert_string_equal(sk_json_str(s0, "subnet"), "10.71.0.0/24");
	assert_string_equal(sk_json_str(s0, "gateway"), "10.71.0.1");
	json_t *lr = json_object_get(s0, "lease_range");
	assert_string_equal(sk_json_str(lr, "start_ip"), "10.71.0.10");
	assert_string_equal(sk_json_str(lr, "end_ip"), "10.71.0.20");
	assert_string_equal(sk_json_str(json_object_get(j, "labels"), "k"), "v");
	assert_string_equal(sk_json_str(json_object_get(j, "ipam_options"), "driver"),
			    "host-local");
	const char *created = sk_json_str(j, "created");
	assert_non_null(created);
	assert_int_equal(created[strlen(created) - 1], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_net_network_get_default_made_on_first_use,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_create_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_create_given_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_network_create_ipv6_adds_ula, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_network_conflist_plugins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_conflist_internal_has_no_way_out,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_get_by_id_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_list_sorted_with_default, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_net_network_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_macvlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_network_to_json_shape, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
