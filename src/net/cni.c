/* SPDX-License-Identifier: Apache-2.0 */
#include "cni.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "util/child.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Where Debian (and most distributions) install the plugins. */
static const char *const plugin_dirs[] = { "/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin" };
#define CNI_RESULT_MAX (1u << 20)
#define CNI_TIMEOUT_MS 60000

void net_cni_result_release(struct net_cni_result *r)
{
	free(r->mac);
	r->mac = NULL;
}

static char *cni_path(void)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ELEMENTSOF(plugin_dirs); i++)
		strbuf_addf(&sb, "%s%s", i ? ":" : "", plugin_dirs[i]);
	return strbuf_detach(&sb, NULL);
}

static char *plugin_find(const char *type)
{
	if (!type || strchr(type, '/'))
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(plugin_dirs); i++) {
		char *p = xasprintf("%s/%s", plugin_dirs[i], type);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static char *cache_path(const char *dir, const char *network, const char *ctr, const char *ifname)
{
	return xasprintf("%s/%s-%s-%s.json", dir, network, ctr, ifname);
}

struct invoke {
	const char *command; /* ADD, DEL, CHECK */
	const char *container_id;
	const char *netns;
	const char *ifname;
};

/* The error a plugin printed ({"code","msg","details"}), or its stderr, in one line. */
static int plugin_error(const char *type, const char *cmd, const char *out, const char *errout,
			int status, struct sk_error **err)
{
	_cleanup_json_ json_t *e = out ? sk_json_parse(out, strlen(out), NULL) : NULL;
	const char *msg = sk_json_str(e, "msg");
	const char *details = sk_json_str(e, "details");
	_cleanup_free_ char *lower = xstrdup(cmd);
	for (char *p = lower; *p; p++)
		*p = (char)(*p | 0x20);
	if (msg)
		return sk_error_set(err, SK_ERR_SYSTEM, EIO,
				    "plugin type=\"%s\" failed (%s): %s%s%s", type, lower, msg,
				    details && details[0] ? ": " : "", details ? details : "");
	_cleanup_free_ char *line = xstrdup(errout && errout[0] ? errout : "no output");
	line[strcspn(line, "\n")] = '\0';
	return sk_error_set(err, SK_ERR_SYSTEM, EIO,
			    "plugin type=\"%s\" failed (%s): exit status %d: %s", type, lower,
			    child_exit_code(status), line);
}

/* Run one plugin with conf on stdin; ret gets its parsed stdout (ADD only). */
static int plugin_run(const struct invoke *inv, const json_t *conf, json_t **ret,
		      struct sk_error **err)
{
	const char *type = sk_json_str(conf, "type");
	_cleanup_free_ char *exe = plugin_find(type);
	if (!exe)
		return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
				    "failed to find plugin \"%s\" in path [%s %s %s]",
				    type ? type : "", plugin_dirs[0], plugin_dirs[1],
				    plugin_dirs[2]);
	_cleanup_free_ char *path = cni_path();
	_cleanup_strv_free_ char **env = strv_new(NULL);
	strv_pushf(&env, "CNI_COMMAND=%s", inv->command);
	strv_pushf(&env, "CNI_CONTAINERID=%s", inv->container_id);
	strv_pushf(&env, "CNI_NETNS=%s", inv->netns ? inv->netns : "");
	strv_pushf(&env, "CNI_IFNAME=%s", inv->ifname);
	strv_pushf(&env, "CNI_PATH=%s", path);
	strv_push(&env, "CNI_ARGS=IgnoreUnknown=1");
	strv_push(&env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	_cleanup_free_ char *in = json_dumps(conf, JSON_COMPACT);
	struct child_opts co = CHILD_OPTS_INIT;
	co.env = env;
	co.stdin_data = in;
	co.capture_stdout = true;
	co.capture_stderr = true;
	co.timeout_ms = CNI_TIMEOUT_MS;
	int status = 0;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	char *argv[] = { exe, NULL };
	int r = child_run(argv, &co, &status, &out, &errout);
	if (r < 0)
		return sk_err_system(err, r, "running CNI plugin %s: %s", exe, strerror(-r));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return plugin_error(type, inv->command, out, errout, status, err);
	if (!ret)
		return 0;
	if (strlen(out) > CNI_RESULT_MAX)
		return sk_err_invalid(err, "plugin type=\"%s\": result larger than %u bytes", type,
				      CNI_RESULT_MAX);
	*ret = sk_json_parse(out, strlen(out), NULL);
	if (!*ret || !json_is_object(*ret))
		return sk_err_invalid(err, "plugin type=\"%s\" returned an unreadable result",
				      type);
	return 0;
}

static json_t *static_ipam(const json_t *ipam, const struct net_cni_args *a)
{
	json_t *addr = json_pack("{s:s}", "address", a->address);
	if (a->gateway)
		sk_json_set_str(addr, "gateway", a->gateway);
	json_t *routes = json_array();
	size_t i;
	json_t *rt;
	json_array_foreach (json_object_get(ipam, "routes"), i, rt) {
		const char *dst = sk_json_str(rt, "dst");
		bool is_default = dst && (streq(dst, "0.0.0.0/0") || streq(dst, "::/0"));
		if (!is_default || a->default_route)
			json_array_append(routes, rt);
	}
	return json_pack("{s:s,s:[o],s:o}", "type", "static", "addresses", addr, "routes", routes);
}

/* The configs ADD runs, in order: the list's name and version in each, our address instead of
 * the file's IPAM, runtimeConfig for the capabilities that have something to say. Left out:
 * what selkie's firewall does instead (portmap, firewall, the bridge's ipMasq) and tuning
 * without a MAC to set. */
static json_t *chain_build(const json_t *list, const struct net_cni_args *a)
{
	json_t *chain = json_array();
	size_t i;
	json_t *p;
	json_array_foreach (json_object_get(list, "plugins"), i, p) {
		const json_t *caps = json_object_get(p, "capabilities");
		bool wants_mac = sk_json_bool(caps, "mac", false);
		const char *type = sk_json_str(p, "type");
		/* selkie's firewall (net/firewall.h) does masquerade, ports and forwarding */
		if (streq(type ? type : "", "portmap") || streq(type ? type : "", "firewall"))
			continue;
		if (wants_mac && !a->mac && streq(type ? type : "", "tuning"))
			continue;
		json_t *conf = json_deep_copy(p);
		json_object_set(conf, "cniVersion", json_object_get(list, "cniVersion"));
		json_object_set(conf, "name", json_object_get(list, "name"));
		json_object_del(conf, "capabilities");
		if (a->tuning_data_dir && streq(type ? type : "", "tuning"))
			sk_json_set_str(conf, "dataDir", a->tuning_data_dir);
		if (json_object_get(conf, "ipMasq"))
			json_object_set_new(conf, "ipMasq", json_false());
		if (json_object_get(conf, "ipam"))
			json_object_set_new(conf, "ipam",
					    static_ipam(json_object_get(p, "ipam"), a));
		json_t *rc = json_object();
		if (wants_mac && a->mac)
			sk_json_set_str(rc, "mac", a->mac);
		if (json_object_size(rc))
			json_object_set_new(conf, "runtimeConfig", rc);
		else
			json_decref(rc);
		json_array_append_new(chain, conf);
	}
	return chain;
}

static int cache_write(const char *path, const json_t *cache, struct sk_error **err)
{
	_cleanup_free_ char *s = json_dumps(cache, JSON_COMPACT);
	int r = fs_write_atomic(path, s, strlen(s), 0600);
	if (r < 0)
		return sk_err_system(err, r, "writing CNI cache %s: %s", path, strerror(-r));
	return 0;
}

/* Run the chain in reverse with cmd (DEL, CHECK), each plugin given prevResult. DEL goes on
 * past a failure so that as much as possible is undone; the first error is returned. */
static int chain_replay(const struct invoke *inv, const json_t *chain, const json_t *result,
			struct sk_error **err)
{
	bool del = streq(inv->command, "DEL");
	int first = 0;
	for (size_t i = json_array_size(chain); i-- > 0;) {
		_cleanup_json_ json_t *conf = json_deep_copy(json_array_get(chain, i));
		if (result && !json_is_null(result))
			json_object_set(conf, "prevResult", (json_t *)result);
		struct sk_error *e = NULL;
		int r = plugin_run(inv, conf, NULL, &e);
		if (r < 0 && !first) {
			first = r;
			if (err)
				*err = e;
			else
				sk_error_free(e);
		} else if (r < 0) {
			sk_error_free(e);
		}
		if (r < 0 && !del)
			break;
	}
	return first;
}

static const char *result_mac(const json_t *result, const char *ifname, const char *netns)
{
	size_t i;
	json_t *ifc;
	json_array_foreach (json_object_get(result, "interfaces"), i, ifc) {
		const char *sandbox = sk_json_str(ifc, "sandbox");
		if (streq(sk_json_str(ifc, "name") ? sk_json_str(ifc, "name") : "", ifname) &&
		    sandbox && sandbox[0] && (!netns || streq(sandbox, netns)))
			return sk_json_str(ifc, "mac");
	}
	return NULL;
}

int net_cni_add(const struct net_network *n, const struct net_cni_args *a,
		struct net_cni_result *ret, struct sk_error **err)
{
	_cleanup_json_ json_t *list = NULL;
	int r = net_network_conflist(n, &list, err);
	if (r < 0)
		return r;
	r = fs_mkdir_p(a->cache_dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", a->cache_dir, strerror(-r));
	_cleanup_free_ char *path = cache_path(a->cache_dir, n->name, a->container_id, a->ifname);
	_cleanup_json_ json_t *chain = chain_build(list, a);
	_cleanup_json_ json_t *cache =
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:n}", "kind", "cniCacheV1", "containerId",
			  a->container_id, "ifName", a->ifname, "networkName", n->name, "netns",
			  a->netns, "plugins", chain, "result");
	/* Written first: a DEL after a killed ADD still knows what to undo. */
	r = cache_write(path, cache, err);
	if (r < 0)
		return r;
	struct invoke inv = { "ADD", a->container_id, a->netns, a->ifname };
	_cleanup_json_ json_t *prev = NULL;
	size_t i;
	json_t *conf;
	json_array_foreach (chain, i, conf) {
		_cleanup_json_ json_t *c = json_deep_copy(conf);
		if (prev)
			json_object_set(c, "prevResult", prev);
		json_t *res = NULL;
		r = plugin_run(&inv, c, &res, err);
		if (r < 0)
			break;
		json_decref(prev);
		prev = res;
		json_object_set(cache, "result", prev);
		r = cache_write(path, cache, err);
		if (r < 0)
			break;
	}
	if (r < 0) {
		struct invoke del = { "DEL", a->container_id, a->netns, a->ifname };
		chain_replay(&del, chain, prev, NULL);
		unlink(path);
		return sk_error_wrap(err, "setting up network %s", n->name);
	}
	const char *mac = result_mac(prev, a->ifname, a->netns);
	ret->mac = mac ? xstrdup(mac) : NULL;
	return 0;
}

static int cache_load(const char *path, json_t **ret, struct sk_error **err)
{
	_cleanup_free_ char *s = NULL;
	size_t len;
	int r = fs_read_file(path, CNI_RESULT_MAX * 2, &s, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "reading CNI cache %s: %s", path, strerror(-r));
	*ret = sk_json_parse(s, len, NULL);
	if (!*ret)
		return sk_err_corrupt(err, "CNI cache %s is unreadable", path);
	return 1;
}

int net_cni_del(const char *cache_dir, const char *network, const char *container_id,
		const char *ifname, const char *netns, struct sk_error **err)
{
	_cleanup_free_ char *path = cache_path(cache_dir, network, container_id, ifname);
	fs_write_atomic_leftovers_remove(path);
	_cleanup_json_ json_t *cache = NULL;
	int r = cache_load(path, &cache, err);
	if (r <= 0) {
		if (r < 0)
			unlink(path); /* unreadable: nothing we could replay */
		return r;
	}
	/* A namespace already gone: the plugins still remove host-side state (rules, veth). */
	const char *ns = netns && fs_exists(netns) ? netns : "";
	struct invoke inv = { "DEL", container_id, ns, ifname };
	r = chain_replay(&inv, json_object_get(cache, "plugins"), json_object_get(cache, "result"),
			 err);
	if (r < 0)
		return sk_error_wrap(err, "tearing down network %s", network);
	unlink(path);
	return 0;
}

int net_cni_check(const char *cache_dir, const char *network, const char *container_id,
		  const char *ifname, const char *netns, struct sk_error **err)
{
	_cleanup_free_ char *path = cache_path(cache_dir, network, container_id, ifname);
	_cleanup_json_ json_t *cache = NULL;
	int r = cache_load(path, &cache, err);
	if (r == 0)
		return sk_err_notfound(err, "network %s: nothing was set up for container %s",
				       network, container_id);
	if (r < 0)
		return r;
	struct invoke inv = { "CHECK", container_id, netns, ifname };
	/* CHECK runs in ADD's order, each plugin given the final result. */
	_cleanup_json_ json_t *chain = json_array();
	const json_t *plugins = json_object_get(cache, "plugins");
	for (size_t i = json_array_size(plugins); i-- > 0;)
		json_array_append(chain, json_array_get(plugins, i));
	return chain_replay(&inv, chain, json_object_get(cache, "result"), err);
}
