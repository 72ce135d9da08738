/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "ctr/config-doc.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The document ctr_config_net_build fills: the image's ExposedPorts (a JSON object text). */
static json_t *doc_new(const char *exposed)
{
	_cleanup_free_ char *text =
		xasprintf("{\"Config\":{\"ExposedPorts\":%s},\"HostConfig\":{},\"Selkie\":{}}",
			  exposed ? exposed : "{}");
	json_t *doc = sk_json_parse(text, strlen(text), NULL);
	assert_non_null(doc);
	return doc;
}

static json_t *build_ok_exposed(const struct ctr_create_opts *o, const char *exposed)
{
	json_t *doc = doc_new(exposed);
	struct sk_error *err = NULL;
	if (ctr_config_net_build(o, doc, &err) < 0)
		fail_msg("%s", err->msg);
	assert_null(err);
	return doc;
}

static json_t *build_ok(const struct ctr_create_opts *o)
{
	return build_ok_exposed(o, NULL);
}

static char *build_err(const struct ctr_create_opts *o)
{
	_cleanup_json_ json_t *doc = doc_new(NULL);
	struct sk_error *err = NULL;
	assert_true(ctr_config_net_build(o, doc, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	char *msg = xstrdup(err->msg);
	sk_error_free(err);
	return msg;
}

/* A member of the document as compact JSON, keys sorted. */
static char *dump(json_t *doc, const char *path)
{
	json_t *j = sk_json_path(doc, path);
	if (!j)
		fail_msg("no %s in the document", path);
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static const char *mode_of(json_t *doc)
{
	return sk_json_str(json_object_get(doc, "HostConfig"), "NetworkMode");
}

/* Selkie.Networks' names as "a,b". */
static char *net_names(json_t *doc)
{
	json_t *nets = sk_json_path(doc, "Selkie.Networks");
	assert_true(json_is_array(nets));
	_cleanup_strv_free_ char **names = strv_new(NULL);
	size_t i;
	json_t *m;
	json_array_foreach (nets, i, m)
		strv_push(&names, sk_json_str(m, "Name"));
	return strv_join(names, ",");
}

static void test_ctr_config_net_build_default_network(void **state)
{
	(void)state;
	struct ctr_create_opts o = { 0 };
	_cleanup_json_ json_t *doc = build_ok(&o);
	assert_string_equal(mode_of(doc), "bridge");
	_cleanup_free_ char *nets = dump(doc, "Selkie.Networks");
	assert_string_equal(nets, "[{\"Aliases\":[],\"Name\":\"selkie\"}]");
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{}");
	assert_false(json_is_true(sk_json_path(doc, "HostConfig.PublishAllPorts")));
	assert_false(json_is_true(sk_json_path(doc, "Selkie.NoHosts")));
	_cleanup_free_ char *dns = dump(doc, "HostConfig.Dns");
	assert_string_equal(dns, "[]");
	_cleanup_free_ char *eh = dump(doc, "HostConfig.ExtraHosts");
	assert_string_equal(eh, "[]");
}

static void test_ctr_config_net_build_bridge_and_default_alias(void **state)
{
	(void)state;
	char *bridge[] = { "bridge", NULL };
	struct ctr_create_opts o = { .networks = bridge };
	_cleanup_json_ json_t *d1 = build_ok(&o);
	assert_string_equal(mode_of(d1), "bridge");
	_cleanup_free_ char *n1 = net_names(d1);
	assert_string_equal(n1, "selkie");

	char *dflt[] = { "default", NULL };
	o.networks = dflt;
	_cleanup_json_ json_t *d2 = build_ok(&o);
	assert_string_equal(mode_of(d2), "bridge");
	_cleanup_free_ char *n2 = net_names(d2);
	assert_string_equal(n2, "selkie");
}

static void test_ctr_config_net_build_several_networks_in_order(void **state)
{
	(void)state;
	char *nets[] = { "zeta", "alpha", "bridge", "mid", NULL };
	char *aliases[] = { "web", "db", NULL };
	struct ctr_create_opts o = { .networks = nets, .network_alias = aliases };
	_cleanup_json_ json_t *doc = build_ok(&o);
	assert_string_equal(mode_of(doc), "bridge");
	_cleanup_free_ char *names = net_names(doc);
	assert_string_equal(names, "zeta,alpha,selkie,mid");
	/* the aliases go with every network */
	json_t *list = sk_json_path(doc, "Selkie.Networks");
	for (size_t i = 0; i < json_array_size(list); i++) {
		_cleanup_free_ char *a = json_dumps(
			json_object_get(json_array_get(list, i), "Aliases"), JSON_COMPACT);
		assert_string_equal(a, "[\"web\",\"db\"]");
	}
}

static void test_ctr_config_net_build_modes(void **state)
{
	(void)state;
	const char *modes[] = { "host", "none", "container:abc", "ns:/run/netns/x", "private" };
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		char *nets[] = { (char *)modes[i], NULL };
		struct ctr_create_opts o = { .networks = nets };
		_cleanup_json_ json_t *doc = build_ok(&o);
		assert_string_equal(mode_of(doc), modes[i]);
		json_t *list = sk_json_path(doc, "Selkie.Networks");
		assert_true(json_is_array(list));
		assert_int_equal(json_array_size(list), 0);
	}
}

/* slirp4netns and pasta are kept with their options; bad slirp4netns options fail at create */
static void test_ctr_config_net_build_user_modes(void **state)
{
	(void)state;
	const char *modes[] = { "slirp4netns", "pasta", "slirp4netns:allow_host_loopback=true",
				"pasta:--mtu,1500" };
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		char *nets[] = { (char *)modes[i], NULL };
		struct ctr_create_opts o = { .networks = nets };
		_cleanup_json_ json_t *doc = build_ok(&o);
		assert_string_equal(mode_of(doc), modes[i]);
		assert_int_equal(json_array_size(sk_json_path(doc, "Selkie.Networks")), 0);
	}
	char *bad[] = { "slirp4netns:foo=1", NULL };
	struct ctr_create_opts o = { .networks = bad };
	_cleanup_free_ char *msg = build_err(&o);
	assert_string_equal(msg, "unknown option for slirp4netns: \"foo=1\"");
}

static void test_ctr_config_net_build_mode_mixed_with_network(void **state)
{
	(void)state;
	char *a[] = { "host", "mynet", NULL };
	struct ctr_create_opts o = { .networks = a };
	_cleanup_free_ char *m1 = build_err(&o);
	assert_string_equal(m1, "cannot set multiple networks without bridge network mode, "
				"selected mode host: invalid argument");
	char *b[] = { "mynet", "none", NULL };
	o.networks = b;
	_cleanup_free_ char *m2 = build_err(&o);
	assert_string_equal(m2, "cannot set multiple networks without bridge network mode, "
				"selected mode none: invalid argument");
	char *c[] = { "container:x", "host", NULL };
	o.networks = c;
	_cleanup_free_ char *m3 = build_err(&o);
	assert_string_equal(m3, "cannot set multiple networks without bridge network mode, "
				"selected mode container:x: invalid argument");
}

static void test_ctr_config_net_build_container_mode_needs_name(void **state)
{
	(void)state;
	char *a[] = { "container:", NULL };
	struct ctr_create_opts o = { .networks = a };
	_cleanup_free_ char *m = build_err(&o);
	assert_string_equal(m, "must provide a container name or ID after container:");
	char *b[] = { "", NULL };
	o.networks = b;
	_cleanup_free_ char *m2 = build_err(&o);
	assert_string_equal(m2, "network name must not be empty");
}

static void test_ctr_config_net_build_ip_and_mac_on_first_network(void **state)
{
	(void)state;
	char *nets[] = { "n1", "n2", NULL };
	struct ctr_create_opts o = { .networks = nets,
				     .ip = "10.90.0.9",
				     .mac_address = "02:42:ac:11:00:09" };
	_cleanup_json_ json_t *doc = build_ok(&o);
	_cleanup_free_ char *s = dump(doc, "Selkie.Networks");
	assert_string_equal(s, "[{\"Aliases\":[],\"IPAddress\":\"10.90.0.9\","
			       "\"MacAddress\":\"02:42:ac:11:00:09\",\"Name\":\"n1\"},"
			       "{\"Aliases\":[],\"Name\":\"n2\"}]");

	/* the default network takes them too */
	struct ctr_create_opts d = { .ip = "fd00::9" };
	_cleanup_json_ json_t *doc2 = build_ok(&d);
	_cleanup_free_ char *s2 = dump(doc2, "Selkie.Networks");
	assert_string_equal(s2, "[{\"Aliases\":[],\"IPAddress\":\"fd00::9\",\"Name\":\"selkie\"}]");
}

static void test_ctr_config_net_build_bad_ip_and_dns(void **state)
{
	(void)state;
	struct ctr_create_opts o = { .ip = "10.90.0.256" };
	_cleanup_free_ char *m1 = build_err(&o);
	assert_string_equal(m1, "10.90.0.256 is not an ip address");
	o.ip = "foo";
	_cleanup_free_ char *m2 = build_err(&o);
	assert_string_equal(m2, "foo is not an ip address");

	char *dns[] = { "1.1.1.1", "dns.example", NULL };
	struct ctr_create_opts d = { .dns = dns };
	_cleanup_free_ char *m3 = build_err(&d);
	assert_string_equal(m3, "dns.example is not an ip address");

	const char *const bad_macs[] = { "92:d0:c6:0a:29", "92:d0:c6:0a:29:33:11",
					 "zz:d0:c6:0a:29:33", "92d0c60a2933" };
	for (size_t i = 0; i < 4; i++) {
		struct ctr_create_opts mo = { .mac_address = (char *)bad_macs[i] };
		_cleanup_free_ char *m = build_err(&mo);
		assert_non_null(strstr(m, "invalid MAC address"));
	}
	struct ctr_create_opts good = { .mac_address = "92:d0:c6:0a:29:33" };
	_cleanup_json_ json_t *doc = build_ok(&good);
	assert_non_null(doc);
}

static void test_ctr_config_net_build_dns_copied(void **state)
{
	(void)state;
	char *dns[] = { "1.1.1.1", "2606:4700::1111", NULL };
	char *search[] = { "example.com", "corp", NULL };
	char *opts[] = { "ndots:2", "timeout:1", NULL };
	struct ctr_create_opts o = { .dns = dns, .dns_search = search, .dns_option = opts };
	_cleanup_json_ json_t *doc = build_ok(&o);
	_cleanup_free_ char *d = dump(doc, "HostConfig.Dns");
	_cleanup_free_ char *s = dump(doc, "HostConfig.DnsSearch");
	_cleanup_free_ char *p = dump(doc, "HostConfig.DnsOptions");
	assert_string_equal(d, "[\"1.1.1.1\",\"2606:4700::1111\"]");
	assert_string_equal(s, "[\"example.com\",\"corp\"]");
	assert_string_equal(p, "[\"ndots:2\",\"timeout:1\"]");
}

static void test_ctr_config_net_build_add_host(void **state)
{
	(void)state;
	char *good[] = { "db:10.0.0.5", "v6:fd00::1", "gw:host-gateway", NULL };
	struct ctr_create_opts o = { .add_host = good };
	_cleanup_json_ json_t *doc = build_ok(&o);
	_cleanup_free_ char *eh = dump(doc, "HostConfig.ExtraHosts");
	assert_string_equal(eh, "[\"db:10.0.0.5\",\"v6:fd00::1\",\"gw:host-gateway\"]");

	char *nocolon[] = { "db10.0.0.5", NULL };
	o.add_host = nocolon;
	_cleanup_free_ char *m1 = build_err(&o);
	assert_string_equal(m1, "invalid add-host: db10.0.0.5: invalid argument");
	char *noname[] = { ":10.0.0.5", NULL };
	o.add_host = noname;
	_cleanup_free_ char *m2 = build_err(&o);
	assert_string_equal(m2, "invalid add-host: :10.0.0.5: invalid argument");
	char *badip[] = { "db:10.0.0.500", NULL };
	o.add_host = badip;
	_cleanup_free_ char *m3 = build_err(&o);
	assert_string_equal(m3, "invalid IP address in add-host: \"10.0.0.500\"");
	char *noip[] = { "db:", NULL };
	o.add_host = noip;
	_cleanup_free_ char *m4 = build_err(&o);
	assert_string_equal(m4, "invalid IP address in add-host: \"\"");
}

static void test_ctr_config_net_build_publish(void **state)
{
	(void)state;
	char *pub[] = { "8080:80", "127.0.0.1:5353:53/udp", "9000", NULL };
	struct ctr_create_opts o = { .publish = pub };
	_cleanup_json_ json_t *doc = build_ok_exposed(&o, "{\"443/tcp\":{}}");
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}],"
				"\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}],"
				"\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}");
	/* docker lists the published ports among the exposed ones, next to the image's */
	_cleanup_free_ char *ex = dump(doc, "Config.ExposedPorts");
	assert_string_equal(ex, "{\"443/tcp\":{},\"53/udp\":{},\"80/tcp\":{},\"9000/tcp\":{}}");
	assert_false(json_is_true(sk_json_path(doc, "HostConfig.PublishAllPorts")));
}

/* One container port on two host ports: both bindings under one key. */
static void test_ctr_config_net_build_publish_same_port_twice(void **state)
{
	(void)state;
	char *pub[] = { "8080:80", "8081:80", NULL };
	struct ctr_create_opts o = { .publish = pub };
	_cleanup_json_ json_t *doc = build_ok(&o);
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"},"
				"{\"HostIp\":\"\",\"HostPort\":\"8081\"}]}");
}

static void test_ctr_config_net_build_publish_errors(void **state)
{
	(void)state;
	char *twice[] = { "8080:80", "8080:81", NULL };
	struct ctr_create_opts o = { .publish = twice };
	_cleanup_json_ json_t *doc = doc_new(NULL);
	struct sk_error *err = NULL;
	assert_true(ctr_config_net_build(&o, doc, &err) < 0);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "8080"));
	sk_error_free(err);

	char *bad[] = { "80/xyz", NULL };
	o.publish = bad;
	_cleanup_free_ char *m = build_err(&o);
	assert_non_null(strstr(m, "xyz"));
}

static void test_ctr_config_net_build_expose(void **state)
{
	(void)state;
	char *ex[] = { "80", "53/udp", "7000-7002", NULL };
	struct ctr_create_opts o = { .expose = ex };
	_cleanup_json_ json_t *doc = build_ok_exposed(&o, "{\"22/tcp\":{}}");
	_cleanup_free_ char *s = dump(doc, "Config.ExposedPorts");
	assert_string_equal(s, "{\"22/tcp\":{},\"53/udp\":{},\"7000/tcp\":{},\"7001/tcp\":{},"
			       "\"7002/tcp\":{},\"80/tcp\":{}}");
	/* exposed is not published */
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{}");
}

static void test_ctr_config_net_build_publish_all(void **state)
{
	(void)state;
	struct ctr_create_opts o = { .publish_all = true };
	_cleanup_json_ json_t *doc = build_ok_exposed(&o, "{\"80/tcp\":{}}");
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}");
	assert_true(json_is_true(sk_json_path(doc, "HostConfig.PublishAllPorts")));

	/* --expose counts, and a port published explicitly keeps its host port */
	char *ex[] = { "53/udp", NULL };
	char *pub[] = { "8080:80", NULL };
	struct ctr_create_opts o2 = { .publish_all = true, .expose = ex, .publish = pub };
	_cleanup_json_ json_t *doc2 = build_ok_exposed(&o2, "{\"80/tcp\":{}}");
	_cleanup_free_ char *pb2 = dump(doc2, "HostConfig.PortBindings");
	assert_string_equal(pb2, "{\"53/udp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}],"
				 "\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]}");
}

static void test_ctr_config_net_build_ports_dropped_without_bridge(void **state)
{
	(void)state;
	char *pub[] = { "8080:80", NULL };
	const char *modes[] = { "host", "none", "container:x" };
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		char *nets[] = { (char *)modes[i], NULL };
		struct ctr_create_opts o = { .networks = nets, .publish = pub };
		_cleanup_json_ json_t *doc = build_ok(&o);
		_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
		assert_string_equal(pb, "{}");
	}
	/* -P too */
	char *host[] = { "host", NULL };
	struct ctr_create_opts o = { .networks = host, .publish_all = true };
	_cleanup_json_ json_t *doc = build_ok_exposed(&o, "{\"80/tcp\":{}}");
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{}");
}

static void test_ctr_config_net_build_no_hosts(void **state)
{
	(void)state;
	struct ctr_create_opts o = { .no_hosts = true };
	_cleanup_json_ json_t *doc = build_ok(&o);
	assert_true(json_is_true(sk_json_path(doc, "Selkie.NoHosts")));
}

/* Through the whole document: the image's exposed ports meet -P. */
static void test_ctr_config_net_build_through_config_doc(void **state)
{
	(void)state;
	const char *img = "{\"config\":{\"ExposedPorts\":{\"80/tcp\":{}},\"Cmd\":[\"sh\"]}}";
	_cleanup_json_ json_t *image = sk_json_parse(img, strlen(img), NULL);
	char *nets[] = { "n1", NULL };
	struct ctr_create_opts o = { .publish_all = true, .networks = nets, .no_hosts = true };
	_cleanup_json_ json_t *doc = NULL;
	struct sk_error *err = NULL;
	if (ctr_config_doc_build(&o, ID, "localhost/x:latest", image, NULL, &doc, &err) < 0)
		fail_msg("%s", err->msg);
	assert_string_equal(mode_of(doc), "bridge");
	_cleanup_free_ char *names = net_names(doc);
	assert_string_equal(names, "n1");
	_cleanup_free_ char *pb = dump(doc, "HostConfig.PortBindings");
	assert_string_equal(pb, "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}");
	assert_true(json_is_true(sk_json_path(doc, "Selkie.NoHosts")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_config_net_build_default_network),
		cmocka_unit_test(test_ctr_config_net_build_bridge_and_default_alias),
		cmocka_unit_test(test_ctr_config_net_build_several_networks_in_order),
		cmocka_unit_test(test_ctr_config_net_build_modes),
		cmocka_unit_test(test_ctr_config_net_build_user_modes),
		cmocka_unit_test(test_ctr_config_net_build_mode_mixed_with_network),
		cmocka_unit_test(test_ctr_config_net_build_container_mode_needs_name),
		cmocka_unit_test(test_ctr_config_net_build_ip_and_mac_on_first_network),
		cmocka_unit_test(test_ctr_config_net_build_bad_ip_and_dns),
		cmocka_unit_test(test_ctr_config_net_build_dns_copied),
		cmocka_unit_test(test_ctr_config_net_build_add_host),
		cmocka_unit_test(test_ctr_config_net_build_publish),
		cmocka_unit_test(test_ctr_config_net_build_publish_same_port_twice),
		cmocka_unit_test(test_ctr_config_net_build_publish_errors),
		cmocka_unit_test(test_ctr_config_net_build_expose),
		cmocka_unit_test(test_ctr_config_net_build_publish_all),
		cmocka_unit_test(test_ctr_config_net_build_ports_dropped_without_bridge),
		cmocka_unit_test(test_ctr_config_net_build_no_hosts),
		cmocka_unit_test(test_ctr_config_net_build_through_config_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
