/* SPDX-License-Identifier: Apache-2.0 */
/* Networks as files: loading, lookup, listing, removal and `network inspect`'s document.
 * Creation and its validation are in network-create.c. */
#include "net/network.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "net/network-internal.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/lock.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define CONFLIST_SUFFIX ".conflist"
#define CONFLIST_MAX (1024 * 1024)

void net_network_free(struct net_network *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->id);
	free(n->driver);
	free(n->interface);
	for (size_t i = 0; i < n->n_subnets; i++) {
		free(n->subnets[i].subnet);
		free(n->subnets[i].gateway);
		free(n->subnets[i].range_start);
		free(n->subnets[i].range_end);
	}
	free(n->subnets);
	strv_free(n->labels);
	strv_free(n->options);
	free(n->path);
	free(n);
}

void net_network_list_free(struct net_network **list)
{
	for (size_t i = 0; list && list[i]; i++)
		net_network_free(list[i]);
	free(list);
}

char *net_config_dir(const char *graph_root)
{
	return path_join(graph_root, "networks");
}

char *net_network_path(const char *dir, const char *name)
{
	_cleanup_free_ char *file = xasprintf("%s" CONFLIST_SUFFIX, name);
	return path_join(dir, file);
}

int net_dir_lock(const char *dir, struct sk_error **err)
{
	int r = fs_mkdir_p(dir, 0755);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", dir, strerror_go(-r));
	_cleanup_free_ char *p = path_join(dir, "networks.lock");
	int fd = lock_file_take(p, true, false);
	if (fd < 0)
		return sk_err_system(err, fd, "lock %s: %s", p, strerror_go(-fd));
	return fd;
}

static int network_load(const char *path, struct net_network **ret, struct sk_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(path, CONFLIST_MAX, &text, &len);
	if (r < 0)
		return sk_error_set(err, r == -ENOENT ? SK_ERR_NOTFOUND : SK_ERR_SYSTEM, r,
				    "read %s: %s", path, strerror_go(-r));
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *doc = sk_json_parse(text, len, &reason);
	if (!json_is_object(doc))
		return sk_err_corrupt(err, "network config %s: %s", path,
				      reason ? reason : "not an object");
	return net_conflist_parse(doc, path, ret, err);
}

static bool is_conflist(const char *name)
{
	size_t n = strlen(name), s = strlen(CONFLIST_SUFFIX);
	return n > s && streq(name + n - s, CONFLIST_SUFFIX) && name[0] != '.';
}

int net_dir_load(const char *dir, struct net_network ***ret, struct sk_error **err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_strv_free_ char **names = NULL;
	int r = fd < 0 ? -errno : fs_dir_names_sorted(fd, &names);
	if (r == -ENOENT) {
		*ret = xnew(struct net_network *, 1);
		return 0;
	}
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", dir, strerror_go(-r));
	struct net_network **list = xnew(struct net_network *, strv_length(names) + 1);
	size_t n = 0;
	STRV_FOREACH (name, names) {
		if (!is_conflist(*name))
			continue;
		_cleanup_free_ char *p = path_join(dir, *name);
		/* A broken or foreign file is not a network; it must not hide the others. */
		if (network_load(p, &list[n], NULL) >= 0)
			n++;
	}
	*ret = list;
	return 0;
}

int net_network_write(const struct net_network *n, struct sk_error **err)
{
	_cleanup_json_ json_t *doc = net_conflist_build(n);
	_cleanup_free_ char *text = json_dumps(doc, JSON_INDENT(3) | JSON_PRESERVE_ORDER);
	if (!text)
		return sk_err_internal(err, "network %s: cannot serialise its config", n->name);
	size_t len = strlen(text);
	_cleanup_free_ char *out = xasprintf("%s\n", text);
	int r = fs_write_atomic(n->path, out, len + 1, 0644);
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", n->path, strerror_go(-r));
	return 0;
}

static int network_ensure_default(const char *dir, struct sk_error **err)
{
	_cleanup_free_ char *p = net_network_path(dir, NET_DEFAULT_NAME);
	if (fs_exists(p))
		return 0;
	_cleanup_close_ int lock = net_dir_lock(dir, err);
	if (lock < 0)
		return lock;
	return net_default_ensure_locked(dir, err);
}

static int not_found(const char *name_or_id, struct sk_error **err)
{
	return sk_err_notfound(err, "unable to find network with name or ID %s: network not found",
			       name_or_id);
}

int net_network_get(const char *dir, const char *name_or_id, struct net_network **ret,
		    struct sk_error **err)
{
	if (isempty(name_or_id) || strchr(name_or_id, '/'))
		return not_found(name_or_id ? name_or_id : "", err);
	int r = network_ensure_default(dir, err);
	if (r < 0)
		return r;
	/* The name is the file: no need to read the others. */
	_cleanup_free_ char *p = net_network_path(dir, name_or_id);
	struct sk_error *e = NULL;
	if (name_or_id[0] != '.' && network_load(p, ret, &e) >= 0)
		return 0;
	bool missing = !e || e->kind == SK_ERR_NOTFOUND;
	if (!missing) {
		*err = e;
		return sk_error_ret(e);
	}
	sk_error_free(e);
	_cleanup_net_network_list_ struct net_network **list = NULL;
	r = net_dir_load(dir, &list, err);
	if (r < 0)
		return r;
	size_t found = SIZE_MAX, hits = 0;
	for (size_t i = 0; list[i]; i++) {
		if (streq(list[i]->name, name_or_id) || streq(list[i]->id, name_or_id)) {
			found = i;
			hits = 1;
			break;
		}
		if (strneq(list[i]->id, name_or_id, strlen(name_or_id))) {
			found = i;
			hits++;
		}
	}
	if (hits > 1)
		return sk_err_invalid(err, "more than one result for network ID %s", name_or_id);
	if (hits == 0)
		return not_found(name_or_id, err);
	*ret = list[found];
	/* Close the gap so the rest is freed. */
	for (size_t i = found; list[i]; i++)
		list[i] = list[i + 1];
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct net_network *x = *(struct net_network *const *)a;
	const struct net_network *y = *(struct net_network *const *)b;
	return strcmp(x->name, y->name);
}

int net_network_list(const char *dir, struct net_network ***ret, struct sk_error **err)
{
	int r = network_ensure_default(dir, err);
	if (r < 0)
		return r;
	struct net_network **list = NULL;
	r = net_dir_load(dir, &list, err);
	if (r < 0)
		return r;
	size_t n = 0;
	while (list[n])
		n++;
	qsort(list, n, sizeof(*list), by_name);
	*ret = list;
	return 0;
}

int net_network_remove(const char *dir, const struct net_network *n, struct sk_error **err)
{
	if (streq(n->name, NET_DEFAULT_NAME))
		return sk_err_invalid(err, "default network %s cannot be removed", n->name);
	_cleanup_close_ int lock = net_dir_lock(dir, err);
	if (lock < 0)
		return lock;
	_cleanup_free_ char *p = net_network_path(dir, n->name);
	if (unlink(p) < 0) {
		if (errno == ENOENT)
			return not_found(n->name, err);
		return sk_err_system(err, errno, "remove %s: %s", p, strerror_go(errno));
	}
	return 0;
}

int net_network_conflist(const struct net_network *n, json_t **ret, struct sk_error **err)
{
	/* Built from the parsed network, so what the driver runs is what inspect shows. */
	json_t *doc = net_conflist_build(n);
	if (!doc)
		return sk_err_internal(err, "network %s: cannot build its config", n->name);
	*ret = doc;
	return 0;
}

static json_t *subnet_json(const struct net_subnet *s)
{
	json_t *o = json_pack("{s:s}", "subnet", s->subnet);
	if (s->gateway)
		json_object_set_new(o, "gateway", json_string(s->gateway));
	if (s->range_start || s->range_end) {
		json_t *lr = json_object();
		if (s->range_start)
			json_object_set_new(lr, "start_ip", json_string(s->range_start));
		if (s->range_end)
			json_object_set_new(lr, "end_ip", json_string(s->range_end));
		json_object_set_new(o, "lease_range", lr);
	}
	return o;
}

json_t *net_network_to_json(const struct net_network *n)
{
	_cleanup_free_ char *created = time_format_rfc3339nano(n->created);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", n->name, "id", n->id, "driver",
			      n->driver, "network_interface", n->interface ? n->interface : "",
			      "created", created);
	json_t *subnets = json_array();
	for (size_t i = 0; i < n->n_subnets; i++)
		json_array_append_new(subnets, subnet_json(&n->subnets[i]));
	/* podman's encoding omits empty subnets, labels and options. */
	if (n->n_subnets)
		json_object_set_new(o, "subnets", subnets);
	else
		json_decref(subnets);
	json_object_set_new(o, "ipv6_enabled", json_boolean(n->ipv6));
	json_object_set_new(o, "internal", json_boolean(n->internal));
	json_object_set_new(o, "dns_enabled", json_boolean(n->dns_enabled));
	if (n->labels && n->labels[0])
		json_object_set_new(o, "labels", net_kv_to_object(n->labels));
	if (n->options && n->options[0])
		json_object_set_new(o, "options", net_kv_to_object(n->options));
	json_object_set_new(o, "ipam_options", json_pack("{s:s}", "driver", "host-local"));
	return o;
}
