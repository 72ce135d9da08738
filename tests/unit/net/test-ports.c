/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/ports.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* "ip|host->ctr/proto" entries joined by spaces: easy to compare. */
static char *render(const struct net_port *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s|%u->%u/%s", i ? " " : "", p[i].host_ip, p[i].host_port,
			    p[i].container_port, p[i].protocol);
	return strbuf_detach(&sb, NULL);
}

static void assert_parses(const char *spec, const char *want)
{
	struct sk_error *err = NULL;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_port_parse(spec, &p, &n, &err), 0);
	assert_null(err);
	char *got = render(p, n);
	assert_string_equal(got, want);
	free(got);
	free(p);
}

static void assert_rejects(const char *spec, const char *msg)
{
	struct sk_error *err = NULL;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_true(net_port_parse(spec, &p, &n, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
	assert_int_equal(n, 0);
	sk_error_free(err);
	free(p);
}

static void test_net_port_parse_forms(void **state)
{
	(void)state;
	assert_parses("8080:80", "|8080->80/tcp");
	assert_parses("80", "|0->80/tcp");
	assert_parses(":80", "|0->80/tcp");
	assert_parses("127.0.0.1:8080:80", "127.0.0.1|8080->80/tcp");
	assert_parses("127.0.0.1::80", "127.0.0.1|0->80/tcp");
	assert_parses("0.0.0.0:8080:80", "|8080->80/tcp");
	assert_parses("[::1]:8080:80", "::1|8080->80/tcp");
	assert_parses("[::1]::80", "::1|0->80/tcp");
	assert_parses("[::]:8080:80", "::|8080->80/tcp");
	assert_parses("[0.0.0.0]:80:80", "|80->80/tcp");
	assert_parses("[::ffff:1.2.3.4]:8080:80", "1.2.3.4|8080->80/tcp");
	assert_parses("[2001:DB8::1]:8080:80/udp", "2001:db8::1|8080->80/udp");
	assert_parses("8080-8082:80-82", "|8080->80/tcp |8081->81/tcp |8082->82/tcp");
	assert_parses("80-82", "|0->80/tcp |0->81/tcp |0->82/tcp");
	assert_parses("8080:80/udp", "|8080->80/udp");
	assert_parses("8080:80/TCP", "|8080->80/tcp");
	assert_parses("8080:80/Udp", "|8080->80/udp");
	assert_parses("80/sctp", "|0->80/sctp");
	assert_parses("65535:65535", "|65535->65535/tcp");
	assert_parses("+80", "|0->80/tcp");
	assert_parses("080", "|0->80/tcp");
}

static void test_net_port_parse_appends_once(void **state)
{
	(void)state;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8080:80/udp", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8081:80", &p, &n, NULL), 0);
	char *got = render(p, n);
	assert_string_equal(got, "|8080->80/tcp |8080->80/udp |8081->80/tcp");
	free(got);
	/* every port at once, quickly */
	assert_int_equal(net_port_parse("1-65535/udp", &p, &n, NULL), 0);
	assert_int_equal(n, 3 + 65535);
	free(p);
}

static void test_net_port_parse_ranges_and_numbers(void **state)
{
	(void)state;
	assert_rejects("8080-8081:80-82",
		       "host and container port ranges have different lengths: 2 vs 3");
	assert_rejects("8080-8082:80",
		       "host and container port ranges have different lengths: 3 vs 1");
	assert_rejects("8080:80-82",
		       "host and container port ranges have different lengths: 1 vs 3");
	assert_rejects("0:80", "parsing host port: port numbers must be between 1 and 65535 "
			       "(inclusive), got 0");
	assert_rejects("80:0", "parsing container port: port numbers must be between 1 and 65535 "
			       "(inclusive), got 0");
	assert_rejects("70000:80", "parsing host port: port numbers must be between 1 and 65535 "
				   "(inclusive), got 70000");
	assert_rejects("65536", "parsing container port: port numbers must be between 1 and "
				"65535 (inclusive), got 65536");
	assert_rejects("99999999999999999999:80",
		       "parsing host port: invalid port number: strconv.Atoi: parsing "
		       "\"99999999999999999999\": value out of range");
	assert_rejects("82-80", "parsing container port: the end port of a range must be higher "
				"than the start port - 80 is not higher than 82");
	assert_rejects("8080-8080:80", "parsing host port: the end port of a range must be "
				       "higher than the start port - 8080 is not higher than 8080");
	assert_rejects("80-", "parsing container port: must provide ending number for port range");
	assert_rejects("80-82-84", "parsing container port: invalid port format - port ranges are "
				   "formatted as startPort-stopPort");
	assert_rejects("-1:80", "parsing host port: port numbers cannot be negative");
	assert_rejects("8080:-80", "parsing container port: port numbers cannot be negative");
}

static void test_net_port_parse_garbage(void **state)
{
	(void)state;
	assert_rejects("abc", "parsing container port: invalid port number: strconv.Atoi: "
			      "parsing \"abc\": invalid syntax");
	assert_rejects("abc:80", "parsing host port: invalid port number: strconv.Atoi: parsing "
				 "\"abc\": invalid syntax");
	assert_rejects("8080: 80", "parsing container port: invalid port number: strconv.Atoi: "
				   "parsing \" 80\": invalid syntax");
	assert_rejects("1.2.3.4:80", "parsing host port: invalid port number: strconv.Atoi: "
				     "parsing \"1.2.3.4\": invalid syntax");
	assert_rejects("1e3", "parsing container port: invalid port number: strconv.Atoi: "
			      "parsing \"1e3\": invalid syntax");
	assert_rejects("x\ty", "parsing container port: invalid port number: strconv.Atoi: "
			       "parsing \"x\\ty\": invalid syntax");
	assert_rejects("8080:80/foo", "unrecognized protocol \"foo\" in port mapping");
	assert_rejects("80/FOO", "unrecognized protocol \"foo\" in port mapping");
	assert_rejects("abc/foo", "parsing container port: invalid port number: strconv.Atoi: "
				  "parsing \"abc\": invalid syntax");
	assert_rejects("8080:80/", "must provide a non-empty protocol to publish");
	assert_rejects("::80/", "must provide a non-empty protocol to publish");
	assert_rejects("80/tcp/udp", "invalid port format - protocol can only be specified once");
	assert_rejects("8080:", "must provide a non-empty container port to publish");
	assert_rejects("", "must provide a non-empty container port to publish");
	assert_rejects("::80", "must provide a non-empty container host IP to publish");
	assert_rejects("::80/foo", "must provide a non-empty container host IP to publish");
	assert_rejects("a:b:c:d", "invalid port format - format is [[hostIP:]hostPort:]"
				  "containerPort");
	assert_rejects("::1:8080:80", "invalid port format - format is [[hostIP:]hostPort:]"
				      "containerPort");
	assert_rejects("foo:8080:80", "cannot parse \"foo\" as an IP address");
	assert_rejects("1.2.3.999:8080:80", "cannot parse \"1.2.3.999\" as an IP address");
	assert_rejects("127.000.0.1:8080:80", "cannot parse \"127.000.0.1\" as an IP address");
	assert_rejects("[fe80::1%eth0]:8080:80", "cannot parse \"fe80::1%eth0\" as an IP address");
}

static void test_net_port_parse_ipv6_forms(void **state)
{
	(void)state;
	assert_rejects("[::1]80",
		       "invalid port format - IPv6 address must be followed by a colon (':')");
	assert_rejects("::1]:80", "invalid port format - IPv6 addresses must be enclosed by []");
	assert_rejects("[::1]:80", "invalid port format - must provide host and destination port "
				   "if specifying an IP");
	assert_rejects("[::1]:1:2:3", "invalid port format - when v6 address specified, must be "
				      "[ipv6]:hostPort:ctrPort");
	assert_rejects("a]b]c", "invalid port format - at most one IPv6 address can be specified "
				"in a --publish");
	assert_rejects("[]:80:80", "must provide a non-empty container host IP to publish");
}

static void assert_expose(const char *spec, const char *want)
{
	struct sk_error *err = NULL;
	char **keys = NULL;
	assert_int_equal(net_expose_parse(spec, &keys, &err), 0);
	assert_null(err);
	char *got = strv_join(keys, " ");
	assert_string_equal(got, want);
	free(got);
	strv_free(keys);
}

static void assert_expose_rejects(const char *spec, const char *msg)
{
	struct sk_error *err = NULL;
	char **keys = NULL;
	assert_true(net_expose_parse(spec, &keys, &err) < 0);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
	assert_null(keys);
	sk_error_free(err);
}

static void test_net_expose_parse(void **state)
{
	(void)state;
	assert_expose("80", "80/tcp");
	assert_expose("80/udp", "80/udp");
	assert_expose("80/", "80/tcp");
	assert_expose("80/TCP", "80/tcp");
	assert_expose("8000-8002/tcp", "8000/tcp 8001/tcp 8002/tcp");
	char **keys = NULL;
	assert_int_equal(net_expose_parse("80", &keys, NULL), 0);
	assert_int_equal(net_expose_parse("80-81", &keys, NULL), 0);
	assert_int_equal(strv_length(keys), 2);
	strv_free(keys);

	assert_expose_rejects("80/foo", "validating protocols for exposed port 80: unrecognized "
					"protocol \"foo\" in port mapping");
	assert_expose_rejects("80-82/FOO", "validating protocols for exposed port 80: "
					   "unrecognized protocol \"foo\" in port mapping");
	assert_expose_rejects("80/sctp", "validating protocols for exposed port 80: protocol SCTP "
					 "is not allowed for exposed ports");
	assert_expose_rejects("abc", "invalid range format for --expose: abc: strconv.ParseUint: "
				     "parsing \"abc\": invalid syntax");
	assert_expose_rejects("70000", "invalid range format for --expose: 70000: "
				       "strconv.ParseUint: parsing \"70000\": value out of range");
	assert_expose_rejects("0", "port numbers must be between 1 and 65535 (inclusive), got 0");
	assert_expose_rejects("80-79", "invalid range format for --expose: 80-79: Invalid range "
				       "specified for the Port: 80-79");
	assert_expose_rejects("80-80", "the end port of a range must be higher than the start "
				       "port - 80 is not higher than 80");
	assert_expose_rejects("80-82-84", "invalid port format - port ranges are formatted as "
					  "startPort-stopPort");
	assert_expose_rejects("80-", "invalid range format for --expose: 80-: strconv.ParseUint: "
				     "parsing \"\": invalid syntax");
	assert_expose_rejects("/tcp", "invalid range format for --expose: /tcp: Empty string "
				      "specified for ports.");
	assert_expose_rejects("80/tcp/udp",
			      "invalid expose format - protocol can only be specified once");
	assert_expose_rejects("x/tcp/udp", "invalid range format for --expose: x/tcp/udp: "
					   "strconv.ParseUint: parsing \"x\": invalid syntax");
}

static void test_net_ports_publish_all(void **state)
{
	(void)state;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	json_t *exposed = json_pack("{s:{}, s:{}, s:{}, s:{}}", "80/tcp", "81/udp", "bad", "82");
	net_ports_publish_all(exposed, &p, &n);
	json_decref(exposed);
	char *got = render(p, n);
	assert_string_equal(got, "|8080->80/tcp |0->81/udp |0->82/tcp");
	free(got);
	free(p);
}

static void test_net_ports_check(void **state)
{
	(void)state;
	struct net_port *p = NULL;
	size_t n = 0;
	struct sk_error *err = NULL;
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8080:80/udp", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("127.0.0.1:8080:81", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8081:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("90", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("91", &p, &n, NULL), 0);
	assert_int_equal(net_ports_check(p, n, &err), 0);
	assert_int_equal(net_port_parse("1999-2001:3001-3003", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("2000:4000", &p, &n, NULL), 0);
	assert_true(net_ports_check(p, n, &err) < 0);
	assert_string_equal(err->msg,
			    "conflicting port mappings for host port 2000 (protocol tcp)");
	sk_error_free(err);
	free(p);
}

/* A TCP socket listening on 127.0.0.1:port (0: any); its port in *ret_port. */
static int listen_local(uint16_t port, uint16_t *ret_port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	socklen_t len = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*ret_port = ntohs(sa.sin_port);
	return fd;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

static void test_net_ports_bind_free(void **state)
{
	(void)state;
	struct net_port p[3] = {
		{ .host_ip = "127.0.0.1", .container_port = 80, .protocol = "tcp" },
		{ .host_ip = "127.0.0.1", .container_port = 53, .protocol = "udp" },
		{ .host_ip = "127.0.0.1", .container_port = 9, .protocol = "sctp" },
	};
	int *fds = NULL;
	size_t n_fds = 0;
	struct sk_error *err = NULL;
	assert_int_equal(net_ports_bind(p, 3, &fds, &n_fds, &err), 0);
	assert_null(err);
	assert_int_equal(n_fds, 2);
	assert_true(p[0].host_port > 0);
	assert_true(p[1].host_port > 0);
	assert_true(p[2].host_port > 0); /* chosen, not held */

	/* while held, a second reservation of the same port fails */
	struct net_port again = p[0];
	int *fds2 = NULL;
	size_t n2 = 0;
	assert_true(net_ports_bind(&again, 1, &fds2, &n2, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	sk_error_free(err);
	err = NULL;
	close_all(fds, n_fds);

	/* released: it can be taken again */
	assert_int_equal(net_ports_bind(&again, 1, &fds2, &n2, &err), 0);
	assert_int_equal(again.host_port, p[0].host_port);
	close_all(fds2, n2);
}

static void test_net_ports_bind_in_use(void **state)
{
	(void)state;
	uint16_t busy = 0;
	int fd = listen_local(0, &busy);
	struct net_port p[2] = {
		{ .host_ip = "127.0.0.1", .container_port = 81, .protocol = "tcp" },
		{ .host_ip = "127.0.0.1",
		  .host_port = busy,
		  .container_port = 80,
		  .protocol = "tcp" },
	};
	int *fds = NULL;
	size_t n_fds = 0;
	struct sk_error *err = NULL;
	assert_true(net_ports_bind(p, 2, &fds, &n_fds, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	char want[160];
	snprintf(want, sizeof(want),
		 "cannot listen on the TCP port: listen tcp4 127.0.0.1:%u: bind: address already "
		 "in use",
		 busy);
	assert_string_equal(err->msg, want);
	assert_null(fds);
	assert_int_equal(p[0].host_port, 0); /* all or nothing */
	sk_error_free(err);
	err = NULL;

	/* every address (""), as podman prints it */
	struct net_port any = { .host_port = busy, .container_port = 80, .protocol = "tcp" };
	assert_true(net_ports_bind(&any, 1, &fds, &n_fds, &err) < 0);
	snprintf(want, sizeof(want),
		 "cannot listen on the TCP port: listen tcp4 :%u: bind: address already in use",
		 busy);
	assert_string_equal(err->msg, want);
	sk_error_free(err);
	close(fd);
}

static void test_net_ports_bind_udp_in_use(void **state)
{
	(void)state;
	struct net_port p = { .host_ip = "127.0.0.1", .container_port = 53, .protocol = "udp" };
	int *fds = NULL;
	size_t n_fds = 0;
	struct sk_error *err = NULL;
	assert_int_equal(net_ports_bind(&p, 1, &fds, &n_fds, &err), 0);
	struct net_port q = p;
	int *fds2 = NULL;
	size_t n2 = 0;
	assert_true(net_ports_bind(&q, 1, &fds2, &n2, &err) < 0);
	char want[160];
	snprintf(want, sizeof(want),
		 "cannot listen on the UDP port: listen udp4 127.0.0.1:%u: bind: address already "
		 "in use",
		 p.host_port);
	assert_string_equal(err->msg, want);
	sk_error_free(err);
	close_all(fds, n_fds);
}

static void test_net_ports_bind_ipv6(void **state)
{
	(void)state;
	struct net_port p = { .host_ip = "::1", .container_port = 80, .protocol = "tcp" };
	int *fds = NULL;
	size_t n_fds = 0;
	struct sk_error *err = NULL;
	if (net_ports_bind(&p, 1, &fds, &n_fds, &err) < 0) {
		/* no IPv6 loopback here: the message still has podman's shape */
		assert_non_null(strstr(err->msg, "listen tcp6 [::1]:0: "));
		sk_error_free(err);
		return;
	}
	assert_int_equal(n_fds, 1);
	struct net_port q = p;
	int *fds2 = NULL;
	size_t n2 = 0;
	assert_true(net_ports_bind(&q, 1, &fds2, &n2, &err) < 0);
	char want[160];
	snprintf(want, sizeof(want),
		 "cannot listen on the TCP port: listen tcp6 [::1]:%u: bind: address already in "
		 "use",
		 p.host_port);
	assert_string_equal(err->msg, want);
	sk_error_free(err);
	close_all(fds, n_fds);
}

static void test_net_ports_json_round_trip(void **state)
{
	(void)state;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8081:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("127.0.0.1::81/udp", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("[::1]:9000:90", &p, &n, NULL), 0);
	json_t *j = net_ports_to_json(p, n);
	char *text = sk_json_dump(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"},"
				  "{\"HostIp\":\"\",\"HostPort\":\"8081\"}],"
				  "\"81/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}],"
				  "\"90/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"9000\"}]}");
	free(text);

	struct net_port *back = NULL;
	size_t m = 0;
	struct sk_error *err = NULL;
	assert_int_equal(net_ports_from_json(j, &back, &m, &err), 0);
	char *a = render(p, n), *b = render(back, m);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(back);
	json_decref(j);
	free(p);
}

static void assert_json_rejects(const char *text, const char *msg)
{
	json_t *j = sk_json_parse(text, strlen(text), NULL);
	assert_non_null(j);
	struct net_port *p = NULL;
	size_t n = 0;
	struct sk_error *err = NULL;
	assert_true(net_ports_from_json(j, &p, &n, &err) < 0);
	assert_string_equal(err->msg, msg);
	assert_int_equal(n, 0);
	assert_null(p);
	sk_error_free(err);
	json_decref(j);
}

static void test_net_ports_from_json_docker(void **state)
{
	(void)state;
	const char *text = "{\"53\":[{\"HostPort\":\"5353\"}],\"80/tcp\":null,"
			   "\"81/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"0\"}]}";
	json_t *j = sk_json_parse(text, strlen(text), NULL);
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_ports_from_json(j, &p, &n, NULL), 0);
	char *got = render(p, n);
	assert_string_equal(got, "|5353->53/tcp |0->81/tcp");
	free(got);
	free(p);
	json_decref(j);

	assert_json_rejects("[]", "port bindings: not an object");
	assert_json_rejects("{\"x/tcp\":[]}", "port bindings: invalid port 'x/tcp'");
	assert_json_rejects("{\"80/foo\":[]}", "port bindings: invalid port '80/foo'");
	assert_json_rejects("{\"80/tcp\":{}}", "port binding of '80/tcp': not a list");
	assert_json_rejects("{\"80/tcp\":[{\"HostPort\":\"70000\"}]}",
			    "port binding of '80/tcp': invalid host port '70000'");
	assert_json_rejects("{\"80/tcp\":[{\"HostIp\":\"nope\"}]}",
			    "port binding of '80/tcp': cannot parse 'nope' as an IP address");
	assert_json_rejects("{\"80/tcp\":[{\"HostPort\":8080}]}",
			    "port binding of '80/tcp': HostIp and HostPort must be strings");
}

static void assert_format(const struct net_port *p, size_t n, const char *filter, const char *want)
{
	char **lines = net_ports_format(p, n, filter);
	assert_non_null(lines);
	char *got = strv_join(lines, "\n");
	assert_string_equal(got, want);
	free(got);
	strv_free(lines);
}

static void test_net_ports_format(void **state)
{
	(void)state;
	struct net_port *p = NULL;
	size_t n = 0;
	assert_int_equal(net_port_parse("8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("8083:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("127.0.0.1:39975:81", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("[::1]:8082:82/udp", &p, &n, NULL), 0);
	assert_format(p, n, NULL,
		      "80/tcp -> 0.0.0.0:8080\n80/tcp -> 0.0.0.0:8083\n"
		      "81/tcp -> 127.0.0.1:39975\n82/udp -> ::1:8082");
	assert_format(p, n, "80", "0.0.0.0:8080\n0.0.0.0:8083");
	assert_format(p, n, "80/tcp", "0.0.0.0:8080\n0.0.0.0:8083");
	assert_format(p, n, "82/udp", "::1:8082");
	assert_format(p, n, "82", "");
	assert_format(p, n, "80/TCP", "");
	assert_format(p, n, "abc", "");
	assert_format(p, 0, NULL, "");
	free(p);
}

static void test_net_port_filter_parse(void **state)
{
	(void)state;
	uint16_t port = 0;
	char proto[8];
	struct sk_error *err = NULL;
	assert_int_equal(net_port_filter_parse("80", &port, proto, &err), 0);
	assert_int_equal(port, 80);
	assert_string_equal(proto, "tcp");
	assert_int_equal(net_port_filter_parse("53/udp", &port, proto, &err), 0);
	assert_string_equal(proto, "udp");
	assert_true(net_port_filter_parse("abc", &port, proto, &err) < 0);
	assert_string_equal(err->msg, "strconv.ParseUint: parsing \"abc\": invalid syntax");
	sk_error_free(err);
	err = NULL;
	assert_true(net_port_filter_parse("70000", &port, proto, &err) < 0);
	assert_string_equal(err->msg, "strconv.ParseUint: parsing \"70000\": value out of range");
	sk_error_free(err);
	err = NULL;
	assert_true(net_port_filter_parse("+80", &port, proto, &err) < 0);
	assert_string_equal(err->msg, "strconv.ParseUint: parsing \"+80\": invalid syntax");
	sk_error_free(err);
	err = NULL;
	assert_true(net_port_filter_parse("80/tcp/x", &port, proto, &err) < 0);
	assert_string_equal(err->msg, "port formats are port/protocol. '80/tcp/x' is invalid");
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_port_parse_forms),
		cmocka_unit_test(test_net_port_parse_appends_once),
		cmocka_unit_test(test_net_port_parse_ranges_and_numbers),
		cmocka_unit_test(test_net_port_parse_garbage),
		cmocka_unit_test(test_net_port_parse_ipv6_forms),
		cmocka_unit_test(test_net_expose_parse),
		cmocka_unit_test(test_net_ports_publish_all),
		cmocka_unit_test(test_net_ports_check),
		cmocka_unit_test(test_net_ports_bind_free),
		cmocka_unit_test(test_net_ports_bind_in_use),
		cmocka_unit_test(test_net_ports_bind_udp_in_use),
		cmocka_unit_test(test_net_ports_bind_ipv6),
		cmocka_unit_test(test_net_ports_json_round_trip),
		cmocka_unit_test(test_net_ports_from_json_docker),
		cmocka_unit_test(test_net_ports_format),
		cmocka_unit_test(test_net_port_filter_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
