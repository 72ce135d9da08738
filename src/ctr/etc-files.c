/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/etc-files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "net/dns.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define HOST_FILE_MAX (1u << 20)

static bool user_mounted(const struct ctr_start_resolved *rs, const char *dst)
{
	for (size_t i = 0; i < rs->n_mounts; i++)
		if (streq(rs->mounts[i].destination, dst))
			return true;
	return false;
}

static int file_add(struct ctr_start_resolved *rs, const char *userdata, const char *name,
		    const char *dst, const char *content, bool ro, struct sk_error **err)
{
	if (user_mounted(rs, dst))
		return 0;
	_cleanup_free_ char *path = xasprintf("%s/%s", userdata, name);
	int r = fs_write_replace(path, content, strlen(content), 0644, false);
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", path, strerror(-r));
	rs->mounts = xreallocarray(rs->mounts, rs->n_mounts + 1, sizeof(*rs->mounts));
	rs->mounts[rs->n_mounts++] = (struct ctr_resolved_mount){
		.type = "bind",
		.source = TAKE_PTR(path),
		.destination = xstrdup(dst),
		.options = ro ? strv_new("bind", "ro", "rprivate", NULL)
			      : strv_new("bind", "rprivate", NULL),
	};
	return 0;
}

static void extra_hosts_add(struct strbuf *sb, const json_t *doc, const char *gateway)
{
	size_t i;
	json_t *h;
	json_array_foreach (sk_json_path((json_t *)doc, "HostConfig.ExtraHosts"), i, h) {
		const char *s = json_string_value(h);
		const char *sep = s ? strchr(s, ':') : NULL;
		if (!sep)
			continue;
		const char *ip = sep + 1;
		if (streq(ip, "host-gateway"))
			ip = gateway ? gateway : "127.0.0.1";
		strbuf_addf(sb, "%s\t%.*s\n", ip, (int)(sep - s), s);
	}
}

static char *hosts_build(const json_t *doc, bool host_net, const char *hostname,
			 const struct ctr_start_resolved *rs)
{
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *host = NULL;
	if (host_net && fs_read_file("/etc/hosts", HOST_FILE_MAX, &host, NULL) >= 0) {
		strbuf_addstr(&sb, host);
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
	} else {
		strbuf_addstr(&sb, "127.0.0.1\tlocalhost localhost.localdomain localhost4 "
				   "localhost4.localdomain4\n"
				   "::1\tlocalhost localhost.localdomain localhost6 "
				   "localhost6.localdomain6\n");
	}
	extra_hosts_add(&sb, doc, rs->gateway);
	const char *name = sk_json_str(json_object_get(doc, "Selkie"), "Name");
	const char *ip = rs->net_ips && rs->net_ips[0] ? rs->net_ips[0] : "127.0.1.1";
	if (!host_net)
		strbuf_addf(&sb, "%s\t%s%s%s\n", ip, hostname,
			    name && !streq(name, hostname) ? " " : "",
			    name && !streq(name, hostname) ? name : "");
	/* the host, as podman names it, through the bridge's address */
	if (rs->gateway)
		strbuf_addf(&sb, "%s\thost.containers.internal host.docker.internal\n",
			    rs->gateway);
	return strbuf_detach(&sb, NULL);
}

static void resolv_line_add(struct strbuf *sb, const char *key, const json_t *list)
{
	if (json_array_size(list) == 0)
		return;
	strbuf_addstr(sb, key);
	size_t i;
	json_t *v;
	json_array_foreach (list, i, v)
		strbuf_addf(sb, " %s", json_string_value(v) ? json_string_value(v) : "");
	strbuf_addch(sb, '\n');
}

/* The host's file, minus what the options replace: --dns (or the networks' DNS server)
 * replaces the nameservers, --dns-search the search line, --dns-option the options. */
static char *resolv_build(const json_t *doc, const struct ctr_start_resolved *rs)
{
	const json_t *hostcfg = json_object_get(doc, "HostConfig");
	const json_t *dns = json_object_get(hostcfg, "Dns");
	const json_t *search = json_object_get(hostcfg, "DnsSearch");
	const json_t *options = json_object_get(hostcfg, "DnsOptions");
	bool net_dns = rs->dns_servers && rs->dns_servers[0];
	_cleanup_free_ char *host = NULL;
	if (fs_read_file("/etc/resolv.conf", HOST_FILE_MAX, &host, NULL) < 0)
		host = xstrdup("");
	_cleanup_strv_free_ char **lines = strv_split(host, "\n", false);
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *host_search = NULL;
	STRV_FOREACH (l, lines) {
		bool ns = strncmp(*l, "nameserver", 10) == 0;
		/* A loopback resolver of the host (systemd-resolved, dnsmasq) is not reachable
		 * from a private network namespace; podman drops such lines too. */
		if (ns &&
		    (json_array_size(dns) || net_dns || strstr(*l, " 127.") || strstr(*l, " ::1")))
			continue;
		if (strncmp(*l, "search", 6) == 0) {
			if (!host_search)
				host_search = xstrdup(*l + 6);
			continue;
		}
		if (strncmp(*l, "options", 7) == 0 && json_array_size(options))
			continue;
		if (!**l)
			continue;
		strbuf_addf(&sb, "%s\n", *l);
	}
	if (json_array_size(search))
		resolv_line_add(&sb, "search", search);
	else if (net_dns)
		strbuf_addf(&sb, "search %s%s\n", NET_DNS_DOMAIN, host_search ? host_search : "");
	else if (host_search)
		strbuf_addf(&sb, "search%s\n", host_search);
	if (json_array_size(dns)) {
		size_t i;
		json_t *v;
		json_array_foreach (dns, i, v)
			strbuf_addf(&sb, "nameserver %s\n", json_string_value(v));
	} else {
		STRV_FOREACH (d, rs->dns_servers)
			strbuf_addf(&sb, "nameserver %s\n", *d);
	}
	resolv_line_add(&sb, "options", options);
	return strbuf_detach(&sb, NULL);
}

/* container:ID networking: that container's hosts and resolv.conf, shared. */
static int shared_file_add(struct ctr_start_resolved *rs, const char *name, const char *dst,
			   struct sk_error **err)
{
	if (user_mounted(rs, dst))
		return 0;
	_cleanup_free_ char *path = xasprintf("%s/%s", rs->etc_from, name);
	if (!fs_exists(path))
		return 0;
	rs->mounts = xreallocarray(rs->mounts, rs->n_mounts + 1, sizeof(*rs->mounts));
	rs->mounts[rs->n_mounts++] = (struct ctr_resolved_mount){
		.type = "bind",
		.source = TAKE_PTR(path),
		.destination = xstrdup(dst),
		.options = strv_new("bind", "rprivate", NULL),
	};
	return 0;
}

int ctr_etc_files_write(const json_t *doc, const char *userdata, struct ctr_start_resolved *rs,
			struct sk_error **err)
{
	const json_t *cfg = json_object_get(doc, "Config");
	const char *net = sk_json_str(json_object_get(doc, "HostConfig"), "NetworkMode");
	bool host_net = net && streq(net, "host");
	const char *hostname = sk_json_str(cfg, "Hostname");
	_cleanup_free_ char *hn = xasprintf("%s\n", hostname ? hostname : "");
	_cleanup_free_ char *hosts = hosts_build(doc, host_net, hostname ? hostname : "", rs);
	_cleanup_free_ char *resolv = host_net ? NULL : resolv_build(doc, rs);
	_cleanup_free_ char *host_resolv = NULL;
	if (host_net && fs_read_file("/etc/resolv.conf", HOST_FILE_MAX, &host_resolv, NULL) < 0)
		host_resolv = xstrdup("");
	bool no_hosts = sk_json_bool(json_object_get(doc, "Selkie"), "NoHosts", false);
	const char *name = sk_json_str(json_object_get(doc, "Selkie"), "Name");
	const char *id = sk_json_str(json_object_get(doc, "Selkie"), "Id");
	_cleanup_free_ char *containerenv =
		xasprintf("engine=\"selkie\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\n",
			  name ? name : "", id ? id : "", sk_json_str(cfg, "Image") ?: "");
	int r = file_add(rs, userdata, "hostname", "/etc/hostname", hn, false, err);
	if (r >= 0 && rs->etc_from) {
		r = shared_file_add(rs, "hosts", "/etc/hosts", err);
		if (r >= 0)
			r = shared_file_add(rs, "resolv.conf", "/etc/resolv.conf", err);
	} else {
		if (r >= 0 && !no_hosts)
			r = file_add(rs, userdata, "hosts", "/etc/hosts", hosts, false, err);
		if (r >= 0)
			r = file_add(rs, userdata, "resolv.conf", "/etc/resolv.conf",
				     host_net ? host_resolv : resolv, false, err);
	}
	if (r >= 0)
		r = file_add(rs, userdata, ".containerenv", "/run/.containerenv", containerenv,
			     true, err);
	return r;
}

static int rewrite_in_place(const char *userdata, const char *name, const char *content,
			    struct sk_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", userdata, name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT
			       ? 0
			       : sk_err_system(err, errno, "open %s: %s", path, strerror(errno));
	int r = fd_write_all(fd, content, strlen(content));
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", path, strerror(-r));
	return 0;
}

int ctr_etc_files_refresh(const json_t *doc, const char *userdata,
			  const struct ctr_start_resolved *rs, struct sk_error **err)
{
	const char *hostname = sk_json_str(json_object_get(doc, "Config"), "Hostname");
	_cleanup_free_ char *hosts = hosts_build(doc, false, hostname ? hostname : "", rs);
	_cleanup_free_ char *resolv = resolv_build(doc, rs);
	int r = 0;
	if (!sk_json_bool(json_object_get(doc, "Selkie"), "NoHosts", false))
		r = rewrite_in_place(userdata, "hosts", hosts, err);
	if (r >= 0)
		r = rewrite_in_place(userdata, "resolv.conf", resolv, err);
	return r;
}
