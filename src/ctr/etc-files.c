/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/etc-files.h"

#include <errno.h>
#include <string.h>

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

static char *hosts_build(const json_t *doc, bool host_net, const char *hostname)
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
	const char *name = sk_json_str(json_object_get(doc, "Selkie"), "Name");
	if (!host_net)
		strbuf_addf(&sb, "127.0.1.1\t%s%s%s\n", hostname, name ? " " : "",
			    name ? name : "");
	return strbuf_detach(&sb, NULL);
}

static char *resolv_build(void)
{
	_cleanup_free_ char *host = NULL;
	if (fs_read_file("/etc/resolv.conf", HOST_FILE_MAX, &host, NULL) < 0)
		return xstrdup("");
	/* A loopback resolver of the host (systemd-resolved, dnsmasq) is not reachable from a
	 * private network namespace; podman drops such lines too. */
	_cleanup_strv_free_ char **lines = strv_split(host, "\n", false);
	struct strbuf sb = STRBUF_INIT;
	STRV_FOREACH (l, lines) {
		if (strncmp(*l, "nameserver", 10) == 0 &&
		    (strstr(*l, " 127.") || strstr(*l, " ::1")))
			continue;
		strbuf_addf(&sb, "%s\n", *l);
	}
	return strbuf_detach(&sb, NULL);
}

int ctr_etc_files_write(const json_t *doc, const char *userdata, struct ctr_start_resolved *rs,
			struct sk_error **err)
{
	const json_t *cfg = json_object_get(doc, "Config");
	const char *net = sk_json_str(json_object_get(doc, "HostConfig"), "NetworkMode");
	bool host_net = net && streq(net, "host");
	const char *hostname = sk_json_str(cfg, "Hostname");
	_cleanup_free_ char *hn = xasprintf("%s\n", hostname ? hostname : "");
	_cleanup_free_ char *hosts = hosts_build(doc, host_net, hostname ? hostname : "");
	_cleanup_free_ char *resolv = host_net ? NULL : resolv_build();
	_cleanup_free_ char *host_resolv = NULL;
	if (host_net && fs_read_file("/etc/resolv.conf", HOST_FILE_MAX, &host_resolv, NULL) < 0)
		host_resolv = xstrdup("");
	const char *name = sk_json_str(json_object_get(doc, "Selkie"), "Name");
	const char *id = sk_json_str(json_object_get(doc, "Selkie"), "Id");
	_cleanup_free_ char *containerenv =
		xasprintf("engine=\"selkie\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\n",
			  name ? name : "", id ? id : "", sk_json_str(cfg, "Image") ?: "");
	int r = file_add(rs, userdata, "hostname", "/etc/hostname", hn, false, err);
	if (r >= 0)
		r = file_add(rs, userdata, "hosts", "/etc/hosts", hosts, false, err);
	if (r >= 0)
		r = file_add(rs, userdata, "resolv.conf", "/etc/resolv.conf",
			     host_net ? host_resolv : resolv, false, err);
	if (r >= 0)
		r = file_add(rs, userdata, ".containerenv", "/run/.containerenv", containerenv,
			     true, err);
	return r;
}
