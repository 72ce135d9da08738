/* SPDX-License-Identifier: Apache-2.0 */
/* Rootless networking drivers (net/slirp.c, net/pasta.c): the parts that start nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "net/helper-proc.h"
#include "net/pasta.h"
#include "net/slirp.h"
#include "util/strv.h"

static const char help_1_2_0[] =
	"Usage: slirp4netns [OPTION]... PID|PATH [TAPNAME]\n"
	"-c, --configure          bring up the interface\n"
	"-e, --exit-fd=FD         specify the FD for terminating slirp4netns\n"
	"-r, --ready-fd=FD        specify the FD to write to when the network is configured\n"
	"-m, --mtu=MTU            specify MTU (default=1500, max=65521)\n"
	"-6, --enable-ipv6        enable IPv6 (experimental)\n"
	"-a, --api-socket=PATH    specify API socket path\n"
	"--cidr=CIDR              specify network address CIDR (default=10.0.2.0/24)\n"
	"--disable-host-loopback  prohibit connecting to 127.0.0.1:* on the host namespace\n"
	"--netns-type=TYPE \t specify network namespace type ([path|pid], default=pid)\n"
	"--enable-sandbox         create a new mount namespace\n"
	"--enable-seccomp         enable seccomp to limit syscalls (experimental)\n"
	"--outbound-addr=IPv4     sets outbound ipv4 address to bound to (experimental)\n"
	"--outbound-addr6=IPv6    sets outbound ipv6 address to bound to (experimental)\n";

static struct net_port port(const char *ip, unsigned host, unsigned ctr, const char *proto)
{
	struct net_port p = { .host_port = (uint16_t)host, .container_port = (uint16_t)ctr };
	strncpy(p.host_ip, ip, sizeof(p.host_ip) - 1);
	strncpy(p.protocol, proto, sizeof(p.protocol) - 1);
	return p;
}

static void assert_opts_reject(const char *s, const char *msg)
{
	struct net_slirp_opts o = { .mtu = 1234 };
	struct sk_error *err = NULL;
	assert_true(net_slirp_opts_parse(s, &o, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
	assert_int_equal(o.mtu, 1234); /* untouched on failure */
	sk_error_free(err);
}

static void test_net_slirp_opts_parse_all(void **state)
{
	struct net_slirp_opts o = { 0 };
	struct sk_error *err = NULL;
	assert_int_equal(net_slirp_opts_parse("slirp4netns:allow_host_loopback=true,mtu=1500,"
					      "cidr=10.5.0.0/24,enable_ipv6=true,"
					      "port_handler=slirp4netns,outbound_addr=10.1.2.3,"
					      "outbound_addr6=fd00::9",
					      &o, &err),
			 0);
	assert_null(err);
	assert_true(o.allow_host_loopback);
	assert_true(o.enable_ipv6);
	assert_int_equal(o.mtu, 1500);
	assert_string_equal(o.cidr, "10.5.0.0/24");
	assert_string_equal(o.outbound_addr, "10.1.2.3");
	assert_string_equal(o.outbound_addr6, "fd00::9");

	/* without the prefix, and false values */
	assert_int_equal(
		net_slirp_opts_parse("allow_host_loopback=false,enable_ipv6=false", &o, &err), 0);
	assert_false(o.allow_host_loopback);
	assert_false(o.enable_ipv6);
	assert_int_equal(o.mtu, 1500);
	assert_int_equal(net_slirp_opts_parse("port_handler=rootlesskit", &o, &err), 0);
}

static void test_net_slirp_opts_parse_nothing(void **state)
{
	struct net_slirp_opts o = { .mtu = 9000 };
	struct sk_error *err = NULL;
	assert_int_equal(net_slirp_opts_parse("slirp4netns", &o, &err), 0);
	assert_int_equal(net_slirp_opts_parse("slirp4netns:", &o, &err), 0);
	assert_int_equal(net_slirp_opts_parse("", &o, &err), 0);
	assert_null(err);
	assert_int_equal(o.mtu, 9000);
	assert_string_equal(o.cidr, "");
}

static void test_net_slirp_opts_parse_errors(void **state)
{
	assert_opts_reject("slirp4netns:foo=1", "unknown option for slirp4netns: \"foo=1\"");
	assert_opts_reject("mtu=1500,bare", "unknown option for slirp4netns: \"bare\"");
	assert_opts_reject("mtu=1500,", "unknown option for slirp4netns: \"\"");
	assert_opts_reject("x=\"q\"", "unknown option for slirp4netns: \"x=\\\"q\\\"\"");
	assert_opts_reject("mtu=abc", "invalid mtu \"abc\"");
	assert_opts_reject("mtu=67", "invalid mtu \"67\"");
	assert_opts_reject("mtu=65522", "invalid mtu \"65522\"");
	assert_opts_reject("cidr=fd00::/64", "invalid cidr \"fd00::/64\"");
	assert_opts_reject("cidr=10.0.2.0", "invalid cidr \"10.0.2.0\"");
	assert_opts_reject("allow_host_loopback=yes",
			   "invalid value of allow_host_loopback for slirp4netns: \"yes\"");
	assert_opts_reject("enable_ipv6=1", "invalid value of enable_ipv6 for slirp4netns: \"1\"");
	assert_opts_reject("port_handler=vpnkit",
			   "unknown port_handler for slirp4netns: \"vpnkit\"");
	assert_opts_reject("outbound_addr=fd00::1", "invalid outbound_addr \"fd00::1\"");
	assert_opts_reject("outbound_addr=no-such-if0", "invalid outbound_addr \"no-such-if0\"");
	assert_opts_reject("outbound_addr6=10.0.0.1", "invalid outbound_addr6: \"10.0.0.1\"");
	/* a good option before a bad one changes nothing either */
	assert_opts_reject("mtu=1500,mtu=x", "invalid mtu \"x\"");
}

static void test_net_slirp_addrs_get(void **state)
{
	struct net_slirp_addrs a;
	assert_int_equal(net_slirp_addrs_get(NULL, &a), 0);
	assert_string_equal(a.subnet, "10.0.2.0/24");
	assert_string_equal(a.ip, "10.0.2.100");
	assert_string_equal(a.gateway, "10.0.2.2");
	assert_string_equal(a.dns, "10.0.2.3");
	assert_string_equal(a.dns6, "fd00::3");
	assert_int_equal(net_slirp_addrs_get("", &a), 0);
	assert_string_equal(a.ip, "10.0.2.100");

	assert_int_equal(net_slirp_addrs_get("10.5.0.7/16", &a), 0);
	assert_string_equal(a.subnet, "10.5.0.0/16");
	assert_string_equal(a.ip, "10.5.0.100");
	assert_string_equal(a.gateway, "10.5.0.2");
	assert_string_equal(a.dns, "10.5.0.3");

	assert_int_equal(net_slirp_addrs_get("10.5.0.0/25", &a), 0);
	assert_int_equal(net_slirp_addrs_get("10.5.0.0/26", &a), -ERANGE);
	assert_int_equal(net_slirp_addrs_get("fd00::/64", &a), -EINVAL);
	assert_int_equal(net_slirp_addrs_get("nonsense", &a), -EINVAL);
}

static void test_net_slirp_features_parse(void **state)
{
	struct net_slirp_features f;
	net_slirp_features_parse(help_1_2_0, &f);
	assert_true(f.mtu && f.cidr && f.disable_host_loopback && f.enable_sandbox &&
		    f.enable_seccomp && f.enable_ipv6 && f.outbound_addr && f.netns_type);
	net_slirp_features_parse("Usage: slirp4netns [OPTION]... PID TAPNAME\n"
				 "-m, --mtu=MTU  specify MTU\n",
				 &f);
	assert_true(f.mtu);
	assert_false(f.cidr || f.enable_sandbox || f.netns_type || f.outbound_addr);
}

static char *argv_of(const struct net_slirp_opts *o, const struct net_slirp_features *f,
		     struct sk_error **err)
{
	char **v = NULL;
	if (net_slirp_argv_build("/usr/bin/slirp4netns", o, f, &v, err) < 0)
		return NULL;
	char *s = strv_join(v, " ");
	strv_free(v);
	return s;
}

static void test_net_slirp_argv_build(void **state)
{
	struct net_slirp_features f;
	net_slirp_features_parse(help_1_2_0, &f);
	struct net_port p = port("", 8080, 80, "tcp");
	struct net_slirp_opts o = { .netns_path = "/run/x/netns", .api_socket = "/run/x/s.sock" };
	struct sk_error *err = NULL;
	char *s = argv_of(&o, &f, &err);
	assert_string_equal(s, "/usr/bin/slirp4netns --configure --mtu=65520 "
			       "--disable-host-loopback --enable-sandbox --enable-seccomp "
			       "--netns-type=path --ready-fd=3 --exit-fd=4 "
			       "--api-socket=/run/x/s.sock /run/x/netns tap0");
	free(s);

	o = (struct net_slirp_opts){ .netns_path = "/n",
				     .mtu = 1500,
				     .allow_host_loopback = true,
				     .enable_ipv6 = true,
				     .cidr = "10.5.0.0/24",
				     .outbound_addr = "eth0",
				     .outbound_addr6 = "eth1",
				     .ports = &p,
				     .n_ports = 1,
				     .api_socket = "/a" };
	s = argv_of(&o, &f, &err);
	assert_string_equal(s, "/usr/bin/slirp4netns --configure --mtu=1500 --enable-sandbox "
			       "--enable-seccomp --cidr=10.5.0.0/24 --enable-ipv6 "
			       "--outbound-addr=eth0 --outbound-addr6=eth1 --netns-type=path "
			       "--ready-fd=3 --exit-fd=4 --api-socket=/a /n tap0");
	free(s);

	/* long-lived (no exit fd), no API socket */
	o = (struct net_slirp_opts){ .netns_path = "/n", .keep_running = true };
	s = argv_of(&o, &f, &err);
	assert_string_equal(s, "/usr/bin/slirp4netns --configure --mtu=65520 "
			       "--disable-host-loopback --enable-sandbox --enable-seccomp "
			       "--netns-type=path --ready-fd=3 /n tap0");
	free(s);
	assert_null(err);
}

static void assert_argv_fails(const struct net_slirp_opts *o, const struct net_slirp_features *f,
			      const char *msg)
{
	struct sk_error *err = NULL;
	assert_null(argv_of(o, f, &err));
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	sk_error_free(err);
}

static void test_net_slirp_argv_build_unsupported(void **state)
{
	struct net_slirp_features old = { .mtu = true, .netns_type = true }, all;
	net_slirp_features_parse(help_1_2_0, &all);
	struct net_slirp_opts o = { .netns_path = "/n" };
	struct sk_error *err = NULL;
	/* what it can't do and nobody asked for is left out */
	char *s = argv_of(&o, &old, &err);
	assert_string_equal(s, "/usr/bin/slirp4netns --configure --mtu=65520 --netns-type=path "
			       "--ready-fd=3 --exit-fd=4 /n tap0");
	free(s);
	o = (struct net_slirp_opts){ .netns_path = "/n", .cidr = "10.9.0.0/24" };
	assert_argv_fails(&o, &old, "cidr not supported");
	o = (struct net_slirp_opts){ .netns_path = "/n", .enable_ipv6 = true };
	assert_argv_fails(&o, &old, "enable_ipv6 not supported");
	o = (struct net_slirp_opts){ .netns_path = "/n", .outbound_addr = "eth0" };
	assert_argv_fails(&o, &old, "outbound_addr not supported");
	o = (struct net_slirp_opts){ .netns_path = "/n", .outbound_addr6 = "eth0" };
	assert_argv_fails(&o, &all, "enable_ipv6=true is required for outbound_addr6");
	struct net_slirp_features no_path = all;
	no_path.netns_type = false;
	o = (struct net_slirp_opts){ .netns_path = "/n" };
	assert_argv_fails(&o, &no_path, "slirp4netns: --netns-type not supported (too old)");
}

static void test_net_slirp_hostfwd_request(void **state)
{
	struct net_port p = port("", 8080, 80, "tcp");
	char *s = net_slirp_hostfwd_request(&p, "10.0.2.100");
	assert_string_equal(s, "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
			       "\"host_addr\":\"0.0.0.0\",\"host_port\":8080,"
			       "\"guest_addr\":\"10.0.2.100\",\"guest_port\":80}}");
	free(s);
	p = port("127.0.0.1", 5353, 53, "udp");
	s = net_slirp_hostfwd_request(&p, "10.5.0.100");
	assert_string_equal(s, "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\","
			       "\"host_addr\":\"127.0.0.1\",\"host_port\":5353,"
			       "\"guest_addr\":\"10.5.0.100\",\"guest_port\":53}}");
	free(s);
	s = net_slirp_hostfwd_remove_request(42);
	assert_string_equal(s, "{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":42}}");
	free(s);
}

static void test_net_slirp_reply_check(void **state)
{
	int id = 0;
	char *desc = NULL;
	assert_int_equal(net_slirp_reply_check("{\"return\":{\"id\":7}}", &id, &desc), 0);
	assert_int_equal(id, 7);
	assert_null(desc);
	assert_int_equal(net_slirp_reply_check("{\"return\": {}}\n", &id, NULL), 0);
	assert_int_equal(id, -1);
	assert_int_equal(net_slirp_reply_check("{\"error\":{\"desc\":\"bad request: add_hostfwd: "
					       "slirp_add_hostfwd failed\"}}",
					       &id, &desc),
			 -EIO);
	assert_string_equal(desc, "bad request: add_hostfwd: slirp_add_hostfwd failed");
	free(desc);
	assert_int_equal(net_slirp_reply_check("{\"error\":\"weird\"}", NULL, &desc), -EIO);
	assert_string_equal(desc, "\"weird\"");
	free(desc);
	assert_int_equal(net_slirp_reply_check("", NULL, &desc), -EBADMSG);
	free(desc);
	assert_int_equal(net_slirp_reply_check("[1]", NULL, NULL), -EBADMSG);
	assert_int_equal(net_slirp_reply_check("{\"entries\":[]}", NULL, &desc), -EBADMSG);
	free(desc);
}

static void test_net_helper_log_tail(void **state)
{
	int fd = memfd_create("t", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_null(net_helper_log_tail(fd));
	const char log[] = "sent tapfd=6 for tap0\nWARNING: Support for seccomp is experimental\n"
			   "existing path expected: No such file or directory\n"
			   "Failed to send 42 bytes to syslog\n\n  \n";
	assert_int_equal(write(fd, log, sizeof(log) - 1), (ssize_t)sizeof(log) - 1);
	char *s = net_helper_log_tail(fd);
	assert_string_equal(s, "existing path expected: No such file or directory");
	free(s);
	close(fd);
}

static char *pasta_argv(const struct net_pasta_opts *o, struct sk_error **err)
{
	char **v = NULL;
	if (net_pasta_argv_build("pasta", o, &v, err) < 0)
		return NULL;
	char *s = strv_join(v, " ");
	strv_free(v);
	return s;
}

static void test_net_pasta_argv_build(void **state)
{
	struct sk_error *err = NULL;
	struct net_pasta_opts o = { .netns_path = "/n", .pid_file = "/p" };
	char *s = pasta_argv(&o, &err);
	assert_string_equal(s, "pasta --config-net --quiet -t none -u none -T none -U none "
			       "--no-map-gw --pid /p --netns /n");
	free(s);

	struct net_port ports[] = { port("", 8080, 80, "tcp"), port("127.0.0.1", 5353, 53, "udp"),
				    port("::1", 8443, 443, "tcp") };
	char **args = net_pasta_opts_parse("pasta:-T,9000,--map-gw,--mtu,1500");
	o = (struct net_pasta_opts){
		.netns_path = "/n", .pid_file = "/p", .args = args, .ports = ports, .n_ports = 3
	};
	s = pasta_argv(&o, &err);
	assert_string_equal(s, "pasta --config-net --quiet -T 9000 --mtu 1500 -t 8080:80 "
			       "-u 127.0.0.1/5353:53 -t ::1/8443:443 -U none --pid /p --netns /n");
	free(s);
	strv_free(args);
	assert_null(err);

	struct net_port sctp = port("", 9, 9, "sctp");
	o = (struct net_pasta_opts){
		.netns_path = "/n", .pid_file = "/p", .ports = &sctp, .n_ports = 1
	};
	assert_null(pasta_argv(&o, &err));
	assert_string_equal(err->msg, "publish port 9/sctp: pasta forwards tcp and udp only");
	sk_error_free(err);
}

static void test_net_pasta_opts_parse(void **state)
{
	char **v = net_pasta_opts_parse("pasta");
	assert_int_equal(strv_length(v), 0);
	strv_free(v);
	v = net_pasta_opts_parse("pasta:--ipv4-only,-a,10.0.2.5");
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "--ipv4-only");
	assert_string_equal(v[2], "10.0.2.5");
	strv_free(v);
	v = net_pasta_opts_parse("--tcp-ports=8000");
	assert_string_equal(v[0], "--tcp-ports=8000");
	strv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_slirp_opts_parse_all),
		cmocka_unit_test(test_net_slirp_opts_parse_nothing),
		cmocka_unit_test(test_net_slirp_opts_parse_errors),
		cmocka_unit_test(test_net_slirp_addrs_get),
		cmocka_unit_test(test_net_slirp_features_parse),
		cmocka_unit_test(test_net_slirp_argv_build),
		cmocka_unit_test(test_net_slirp_argv_build_unsupported),
		cmocka_unit_test(test_net_slirp_hostfwd_request),
		cmocka_unit_test(test_net_slirp_reply_check),
		cmocka_unit_test(test_net_helper_log_tail),
		cmocka_unit_test(test_net_pasta_argv_build),
		cmocka_unit_test(test_net_pasta_opts_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
