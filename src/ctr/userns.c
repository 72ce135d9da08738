/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/subid.h"
#include "config/userns.h"
#include "ctr/passwd-entries.h"
#include "store/idmap.h"
#include "store/mount.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The kernel's overflow ID: what an unmapped ID looks like inside a user namespace. */
#define OVERFLOW_ID 65534u

/* How many IDs the namespace we run in maps (/proc/self/uid_map or gid_map); 0 rootful. */
static uint64_t ns_id_count(const char *file)
{
	if (!config_userns_rootless())
		return 0;
	_cleanup_free_ char *map = NULL;
	if (fs_read_file(file, 65536, &map, NULL) < 0)
		return 0;
	unsigned long long total = 0, a, b, c;
	int used;
	for (const char *p = map; sscanf(p, "%llu %llu %llu%n", &a, &b, &c, &used) == 3; p += used)
		total += c;
	return total;
}

bool ctr_userns_create_locks_store(const struct ctr_create_opts *o)
{
	return o->userns && strneq(o->userns, "auto", 4);
}

struct maps {
	struct idmap_range *uids, *gids;
	size_t n_uids, n_gids;
	uint64_t ns_ids, ns_gids;
	const json_t *keep_id; /* container:ID: the other's keep-id user (borrowed) */
};

static void maps_done(struct maps *m)
{
	free(m->uids);
	free(m->gids);
}

/* --subuidname/--subgidname: the name's ranges from 0 up. */
static int subid_maps(const char *file, const char *what, const char *kind, const char *name,
		      struct idmap_range **ret, size_t *ret_n, struct sk_error **err)
{
	_cleanup_free_ struct config_subid_range *r = NULL;
	size_t n = config_subid_read(file, name, (uid_t)-1, &r);
	if (n == 0)
		return sk_err_notfound(err, "no %s ranges found for %s \"%s\" in %s", what, kind,
				       name, file);
	_cleanup_free_ struct idmap_range *hr = xnew(struct idmap_range, n);
	for (size_t i = 0; i < n; i++)
		hr[i] = (struct idmap_range){ 0, r[i].start, r[i].count };
	ctr_idmap_from_ranges(hr, n, ret, ret_n);
	return 0;
}

static void maps_append(struct idmap_range **v, size_t *n, const struct idmap_range *add,
			size_t n_add)
{
	*v = xreallocarray(*v, *n + n_add + 1, sizeof(**v));
	memcpy(*v + *n, add, n_add * sizeof(*add));
	*n += n_add;
}

/* Rootless, the mapping's host side are IDs of selkie's namespace: they must exist there. */
static int maps_fit(const struct idmap_range *v, size_t n, uint64_t ids, struct sk_error **err)
{
	for (size_t i = 0; ids > 0 && i < n; i++) {
		if ((uint64_t)v[i].host + v[i].size <= ids)
			continue;
		_cleanup_free_ char *s = idmap_range_format(&v[i]);
		return sk_err_invalid(
			err,
			"potentially insufficient UIDs or GIDs available in user "
			"namespace (requested %s, the rootless user namespace has IDs "
			"0-%llu): check /etc/subuid and /etc/subgid if configured "
			"locally and run selkie system migrate",
			s, (unsigned long long)ids - 1);
	}
	return 0;
}

/* --uidmap, --gidmap, --subuidname, --subgidname. */
static int flags_maps(const struct ctr_create_opts *o, struct maps *m, struct sk_error **err)
{
	const char *subu = o->subuidname ? o->subuidname : o->subgidname;
	const char *subg = o->subgidname ? o->subgidname : o->subuidname;
	int r = 0;
	if (subu)
		r = subid_maps("/etc/subuid", "subuid", "user", subu, &m->uids, &m->n_uids, err);
	if (r >= 0 && subg)
		r = subid_maps("/etc/subgid", "subgid", "group", subg, &m->gids, &m->n_gids, err);
	_cleanup_free_ struct idmap_range *u = NULL, *g = NULL;
	size_t nu = 0, ng = 0;
	if (r >= 0)
		r = ctr_idmap_parse_flags(o->uidmap, "UID", &u, &nu, err);
	if (r >= 0)
		r = ctr_idmap_parse_flags(o->gidmap, "GID", &g, &ng, err);
	if (r < 0)
		return r;
	/* Either list stands for the other when that one is not given. */
	maps_append(&m->uids, &m->n_uids, nu ? u : g, nu ? nu : ng);
	maps_append(&m->gids, &m->n_gids, ng ? g : u, ng ? ng : nu);
	r = ctr_idmap_check(m->uids, m->n_uids, err);
	if (r >= 0)
		r = ctr_idmap_check(m->gids, m->n_gids, err);
	if (r >= 0)
		r = maps_fit(m->uids, m->n_uids, m->ns_ids, err);
	if (r >= 0)
		r = maps_fit(m->gids, m->n_gids, m->ns_gids, err);
	return r;
}

/* The host ranges of every other container's mapping (auto must not reuse them). */
static int maps_in_use(struct ctr_ctx *x, struct maps *used, struct sk_error **err)
{
	_cleanup_state_container_list_ struct state_container **list = NULL;
	int r = state_container_list(x->store->db, true, &list, err);
	if (r < 0)
		return r;
	for (size_t i = 0; list && list[i]; i++) {
		_cleanup_json_ json_t *doc =
			sk_json_parse(list[i]->config, strlen(list[i]->config), NULL);
		const json_t *idm = sk_json_path(doc, "HostConfig.IDMappings");
		_cleanup_strv_free_ char **us = sk_json_to_strv(json_object_get(idm, "UidMap"));
		_cleanup_strv_free_ char **gs = sk_json_to_strv(json_object_get(idm, "GidMap"));
		_cleanup_free_ struct idmap_range *u = NULL, *g = NULL;
		size_t nu = 0, ng = 0;
		if (idmap_parse_all(us, &u, &nu) >= 0)
			maps_append(&used->uids, &used->n_uids, u, nu);
		if (idmap_parse_all(gs, &g, &ng) >= 0)
			maps_append(&used->gids, &used->n_gids, g, ng);
	}
	return 0;
}

/* Where auto takes IDs from: the subordinate IDs (rootless: 1..N of our namespace; rootful:
 * /etc/subuid's and /etc/subgid's "containers", as podman). */
static int auto_avail(const char *file, const char *what, uint64_t ids, struct idmap_range **ret,
		      size_t *ret_n, struct sk_error **err)
{
	if (config_userns_rootless()) {
		*ret = xnew(struct idmap_range, 1);
		(*ret)[0] = (struct idmap_range){ 0, 1, ids > 1 ? (uint32_t)(ids - 1) : 0 };
		*ret_n = 1;
		return 0;
	}
	_cleanup_free_ struct config_subid_range *r = NULL;
	size_t n = config_subid_read(file, "containers", (uid_t)-1, &r);
	if (n == 0)
		return sk_error_set(err, SK_ERR_INVALID, ENOSPC,
				    "creating container storage: could not find enough available "
				    "IDs: no %s ranges found for user \"containers\" in %s",
				    what, file);
	*ret = xnew(struct idmap_range, n);
	for (size_t i = 0; i < n; i++)
		(*ret)[i] = (struct idmap_range){ 0, r[i].start, r[i].count };
	*ret_n = n;
	return 0;
}

/* The largest owner the image's files have, and its /etc/passwd and /etc/group. */
static uint32_t auto_image_size(struct ctr_ctx *x, const struct state_image *img)
{
	uint32_t max = 0;
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	store_layers_scan(x->store, img->layers, &max, &passwd, &group);
	return ctr_idmap_auto_size(max, passwd, group);
}

static int auto_maps(struct ctr_ctx *x, const struct ctr_userns_mode *mode,
		     const struct state_image *img, struct maps *m, struct sk_error **err)
{
	uint32_t size = mode->has_size ? mode->size : auto_image_size(x, img);
	_cleanup_(maps_done) struct maps used = { 0 };
	_cleanup_free_ struct idmap_range *au = NULL, *ag = NULL;
	size_t nau = 0, nag = 0;
	int r = auto_avail("/etc/subuid", "subuid", m->ns_ids, &au, &nau, err);
	if (r >= 0)
		r = auto_avail("/etc/subgid", "subgid", m->ns_gids, &ag, &nag, err);
	if (r >= 0)
		r = maps_in_use(x, &used, err);
	if (r < 0)
		return r;
	if (ctr_idmap_auto_allocate(au, nau, used.uids, used.n_uids, size, &m->uids, &m->n_uids) <
		    0 ||
	    ctr_idmap_auto_allocate(ag, nag, used.gids, used.n_gids, size, &m->gids, &m->n_gids) <
		    0)
		return sk_error_set(err, SK_ERR_INVALID, ENOSPC,
				    "creating container storage: could not find enough available "
				    "IDs");
	return 0;
}

/* container:ID: that container's namespace and mappings. */
static int join_maps(struct ctr_ctx *x, const char *ref, json_t *doc, struct maps *m, char **ret_id,
		     struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *other = NULL;
	int r = ctr_lookup(x, ref, &other, err);
	if (r < 0)
		return sk_error_wrap(err, "looking up container to share user namespace with");
	_cleanup_json_ json_t *od = sk_json_parse(other->config, strlen(other->config), NULL);
	const json_t *idm = sk_json_path(od, "HostConfig.IDMappings");
	_cleanup_strv_free_ char **us = sk_json_to_strv(json_object_get(idm, "UidMap"));
	_cleanup_strv_free_ char **gs = sk_json_to_strv(json_object_get(idm, "GidMap"));
	idmap_parse_all(us, &m->uids, &m->n_uids);
	idmap_parse_all(gs, &m->gids, &m->n_gids);
	const json_t *ou = sk_json_path(od, "Selkie.Userns");
	if (ou) {
		m->ns_ids = (uint64_t)sk_json_int(ou, "NsIds", (json_int_t)m->ns_ids);
		m->ns_gids = (uint64_t)sk_json_int(ou, "NsGids", (json_int_t)m->ns_gids);
	}
	/* podman runs the members of a keep-id pod as the user too */
	const json_t *k = json_object_get(ou, "KeepId");
	if (k)
		json_object_set(json_object_get(doc, "Selkie"), "JoinedKeepId", (json_t *)k);
	m->keep_id = json_object_get(json_object_get(doc, "Selkie"), "JoinedKeepId");
	*ret_id = xstrdup(other->id);
	return 0;
}

static int mode_maps(struct ctr_ctx *x, const struct ctr_create_opts *o,
		     const struct ctr_userns_mode *mode, const struct state_image *img, json_t *doc,
		     struct maps *m, char **ret_join, struct sk_error **err)
{
	bool rootless = config_userns_rootless();
	switch (mode->kind) {
	case CTR_USERNS_KEEP_ID: {
		if (!rootless)
			return sk_err_invalid(err, "keep-id is only supported in rootless mode");
		uint32_t uid = mode->has_uid ? mode->uid : (uint32_t)config_userns_host_uid();
		uint32_t gid = mode->has_gid ? mode->gid : (uint32_t)config_userns_host_gid();
		ctr_idmap_keep_id(m->ns_ids, uid, &m->uids, &m->n_uids);
		ctr_idmap_keep_id(m->ns_gids, gid, &m->gids, &m->n_gids);
		return 0;
	}
	case CTR_USERNS_NOMAP:
		if (!rootless)
			return sk_err_invalid(err, "nomap is only supported in rootless mode");
		ctr_idmap_nomap(m->ns_ids, &m->uids, &m->n_uids);
		ctr_idmap_nomap(m->ns_gids, &m->gids, &m->n_gids);
		return 0;
	case CTR_USERNS_AUTO:
		return auto_maps(x, mode, img, m, err);
	case CTR_USERNS_CONTAINER:
		return join_maps(x, mode->container, doc, m, ret_join, err);
	case CTR_USERNS_MAPPED:
		return flags_maps(o, m, err);
	default:
		return 0;
	}
}

static void doc_record(json_t *doc, const struct ctr_userns_mode *mode, const struct maps *m,
		       const char *join, const struct state_image *img, bool user_given)
{
	json_t *host = json_object_get(doc, "HostConfig");
	json_t *priv = json_object_get(doc, "Selkie");
	json_t *cfg = json_object_get(doc, "Config");
	_cleanup_free_ char *join_mode = join ? xasprintf("container:%s", join) : NULL;
	sk_json_set_str(host, "UsernsMode", join ? join_mode : "private");
	_cleanup_strv_free_ char **us = idmap_format_all(m->uids, m->n_uids);
	_cleanup_strv_free_ char **gs = idmap_format_all(m->gids, m->n_gids);
	if (m->n_uids || m->n_gids)
		json_object_set_new(host, "IDMappings",
				    json_pack("{s:o,s:o}", "UidMap", sk_json_from_strv(us),
					      "GidMap", sk_json_from_strv(gs)));
	json_t *u = json_pack("{s:s,s:I,s:I}", "Mode", ctr_userns_kind_to_string(mode->kind),
			      "NsIds", (json_int_t)m->ns_ids, "NsGids", (json_int_t)m->ns_gids);
	if (join)
		sk_json_set_str(u, "Container", join);
	if (m->n_uids) {
		struct store_idmap_request req = { img->layers, m->uids,   m->n_uids,
						   m->gids,	m->n_gids, m->ns_ids };
		_cleanup_free_ char *key = store_idmap_key(&req);
		sk_json_set_str(u, "Key", key);
	}
	if (mode->kind == CTR_USERNS_KEEP_ID) {
		uint32_t uid = mode->has_uid ? mode->uid : (uint32_t)config_userns_host_uid();
		uint32_t gid = mode->has_gid ? mode->gid : (uint32_t)config_userns_host_gid();
		json_object_set_new(u, "KeepId",
				    json_pack("{s:I,s:I,s:b}", "Uid", (json_int_t)uid, "Gid",
					      (json_int_t)gid, "Passwd",
					      !mode->has_uid && !mode->has_gid));
		/* podman runs keep-id containers as the user unless --user says otherwise */
		if (!user_given) {
			_cleanup_free_ char *ug = xasprintf("%u:%u", uid, gid);
			sk_json_set_str(cfg, "User", ug);
		}
	}
	if (mode->kind == CTR_USERNS_CONTAINER && m->keep_id && !user_given) {
		_cleanup_free_ char *ug =
			xasprintf("%lld:%lld", (long long)sk_json_int(m->keep_id, "Uid", 0),
				  (long long)sk_json_int(m->keep_id, "Gid", 0));
		sk_json_set_str(cfg, "User", ug);
	}
	json_object_del(priv, "JoinedKeepId");
	json_object_set_new(priv, "Userns", u);
}

int ctr_userns_validate(const struct ctr_create_opts *o, struct sk_error **err)
{
	bool flags = o->uidmap || o->gidmap || o->subuidname || o->subgidname;
	if (o->userns && flags)
		return sk_err_invalid(err, "--userns and --uidmap/--gidmap/--subuidname/"
					   "--subgidname are mutually exclusive");
	_cleanup_(ctr_userns_mode_done) struct ctr_userns_mode mode = { 0 };
	int r = ctr_userns_mode_parse(o->userns, &mode, err);
	if (r < 0)
		return r;
	if (!config_userns_rootless() && mode.kind == CTR_USERNS_KEEP_ID)
		return sk_err_invalid(err, "keep-id is only supported in rootless mode");
	if (!config_userns_rootless() && mode.kind == CTR_USERNS_NOMAP)
		return sk_err_invalid(err, "nomap is only supported in rootless mode");
	_cleanup_free_ struct idmap_range *u = NULL, *g = NULL;
	size_t nu = 0, ng = 0;
	r = ctr_idmap_parse_flags(o->uidmap, "UID", &u, &nu, err);
	if (r >= 0)
		r = ctr_idmap_parse_flags(o->gidmap, "GID", &g, &ng, err);
	if (r >= 0)
		r = ctr_idmap_check(u, nu, err);
	if (r >= 0)
		r = ctr_idmap_check(g, ng, err);
	return r;
}

int ctr_userns_configure(struct ctr_ctx *x, const struct ctr_create_opts *o,
			 const struct state_image *img, json_t *doc, struct sk_error **err)
{
	bool flags = o->uidmap || o->gidmap || o->subuidname || o->subgidname;
	_cleanup_(ctr_userns_mode_done) struct ctr_userns_mode mode = { 0 };
	int r = ctr_userns_validate(o, err);
	if (r >= 0)
		r = ctr_userns_mode_parse(o->userns, &mode, err);
	if (r < 0)
		return r;
	if (mode.kind == CTR_USERNS_HOST && flags)
		mode.kind = CTR_USERNS_MAPPED;
	json_t *host = json_object_get(doc, "HostConfig");
	sk_json_set_str(host, "UsernsMode", "");
	if (mode.kind == CTR_USERNS_HOST)
		return 0;
	_cleanup_(maps_done) struct maps m = {
		.ns_ids = ns_id_count("/proc/self/uid_map"),
		.ns_gids = ns_id_count("/proc/self/gid_map"),
	};
	_cleanup_free_ char *join = NULL;
	r = mode_maps(x, o, &mode, img, doc, &m, &join, err);
	if (r < 0)
		return r;
	doc_record(doc, &mode, &m, join, img, o->user != NULL);
	return 0;
}

void ctr_userns_done(struct ctr_userns *u)
{
	if (!u)
		return;
	free(u->uids);
	free(u->gids);
	free(u->container);
	*u = (struct ctr_userns){ 0 };
}

int ctr_userns_load(const json_t *doc, struct ctr_userns *ret, struct sk_error **err)
{
	struct ctr_userns u = { .kind = CTR_USERNS_HOST };
	const json_t *priv = sk_json_path((json_t *)doc, "Selkie.Userns");
	if (!priv) {
		*ret = u;
		return 0;
	}
	const json_t *idm = sk_json_path((json_t *)doc, "HostConfig.IDMappings");
	_cleanup_strv_free_ char **us = sk_json_to_strv(json_object_get(idm, "UidMap"));
	_cleanup_strv_free_ char **gs = sk_json_to_strv(json_object_get(idm, "GidMap"));
	if (idmap_parse_all(us, &u.uids, &u.n_uids) < 0 ||
	    idmap_parse_all(gs, &u.gids, &u.n_gids) < 0) {
		ctr_userns_done(&u);
		return sk_err_corrupt(err, "the container's ID mappings are unreadable");
	}
	u.kind = ctr_userns_kind_from_string(sk_json_str(priv, "Mode"));
	if ((int)u.kind < 0)
		u.kind = CTR_USERNS_MAPPED;
	u.ns_ids = (uint64_t)sk_json_int(priv, "NsIds", 0);
	if (sk_json_str(priv, "Container"))
		u.container = xstrdup(sk_json_str(priv, "Container"));
	const json_t *k = json_object_get(priv, "KeepId");
	u.keep_id_passwd = sk_json_bool(k, "Passwd", false);
	u.keep_id_gid = (uint32_t)sk_json_int(k, "Gid", 0);
	*ret = u;
	return 0;
}

uint32_t ctr_userns_host_uid(const struct ctr_userns *u, uint32_t id)
{
	uint32_t h;
	if (u->n_uids == 0)
		return id;
	return idmap_to_host(u->uids, u->n_uids, id, &h) ? h : OVERFLOW_ID;
}

uint32_t ctr_userns_host_gid(const struct ctr_userns *u, uint32_t id)
{
	uint32_t h;
	if (u->n_gids == 0)
		return id;
	return idmap_to_host(u->gids, u->n_gids, id, &h) ? h : OVERFLOW_ID;
}

int ctr_userns_rootfs_mount(struct ctr_ctx *x, const struct state_container *c, const char *target,
			    struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = state_image_get(x->store->db, c->image_id, &img, err);
	if (r < 0)
		return sk_error_wrap(err, "container %.12s", c->id);
	_cleanup_free_ char *dir = ctr_dir(x, c->id);
	_cleanup_free_ char *upper = xasprintf("%s/diff", dir);
	_cleanup_free_ char *work = xasprintf("%s/work", dir);
	struct store_mount_request req = {
		.layers = img->layers,
		.target = target,
		.upper_dir = upper,
		.work_dir = work,
	};
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	_cleanup_(ctr_userns_done) struct ctr_userns u = { 0 };
	r = ctr_userns_load(doc, &u, err);
	if (r < 0 || u.n_uids == 0)
		return r < 0 ? r : store_layers_mount(x->store, &req, err);
	struct store_idmap_request ir = {
		img->layers, u.uids, u.n_uids, u.gids, u.n_gids, u.ns_ids,
	};
	/* Made (the long part) outside the store lock; found again and mounted under it, so
	 * that no removal of unused copies takes it away in between. */
	_cleanup_free_ char *link = NULL;
	r = store_idmap_get(x->store, &ir, &link, err);
	if (r >= 0)
		r = store_lock(x->store, err);
	if (r < 0)
		return r;
	free(TAKE_PTR(link));
	r = store_idmap_get(x->store, &ir, &link, err);
	/* The writable layer's root is the container's "/": its root's. */
	if (r >= 0 && lchown(upper, ctr_userns_host_uid(&u, 0), ctr_userns_host_gid(&u, 0)) < 0)
		r = sk_err_system(err, errno, "chown %s: %s", upper, strerror(errno));
	if (r >= 0) {
		req.lower_link = link;
		r = store_layers_mount(x->store, &req, err);
	}
	store_unlock(x->store);
	return r;
}

static void groups_put_first(struct ctr_user *user, uint32_t gid)
{
	for (size_t i = 0; i < user->n_groups; i++)
		if (user->groups[i] == gid)
			return;
	user->groups = xreallocarray(user->groups, user->n_groups + 1, sizeof(gid_t));
	memmove(user->groups + 1, user->groups, user->n_groups * sizeof(gid_t));
	user->groups[0] = gid;
	user->n_groups++;
}

int ctr_userns_user_check(const struct ctr_userns *u, struct ctr_user *user, struct sk_error **err)
{
	uint32_t h;
	if (u->n_uids == 0)
		return 0;
	const char *what = !idmap_to_host(u->uids, u->n_uids, user->uid, &h)   ? "UID"
			   : !idmap_to_host(u->gids, u->n_gids, user->gid, &h) ? "GID"
									       : NULL;
	if (what) {
		_cleanup_free_ char *msg =
			ctr_idmap_unmapped_message(streq(what, "UID") ? u->uids : u->gids,
						   streq(what, "UID") ? u->n_uids : u->n_gids, what,
						   streq(what, "UID") ? user->uid : user->gid);
		return sk_error_set(err, SK_ERR_NOEXEC, EINVAL, "%s", msg);
	}
	/* podman's supplementary groups in its user namespaces */
	if (u->kind == CTR_USERNS_NOMAP || u->kind == CTR_USERNS_KEEP_ID ||
	    u->kind == CTR_USERNS_CONTAINER)
		groups_put_first(user, user->gid);
	if (u->kind == CTR_USERNS_KEEP_ID)
		groups_put_first(user, u->keep_id_gid);
	size_t kept = 0;
	for (size_t i = 0; i < user->n_groups; i++) {
		if (idmap_to_host(u->gids, u->n_gids, user->groups[i], &h))
			user->groups[kept++] = user->groups[i];
		else
			log_warn("Additional gid=%u is not present in the user namespace, skip "
				 "setting it",
				 (unsigned)user->groups[i]);
	}
	user->n_groups = kept;
	return 0;
}

int ctr_userns_passwd_write(const struct ctr_userns *u, const json_t *doc, const char *rootfs,
			    struct sk_error **err)
{
	_cleanup_close_ int fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open %s: %s", rootfs, strerror(errno));
	if (!u->keep_id_passwd)
		return ctr_passwd_entries_write(doc, fd, NULL, err);
	uid_t uid = config_userns_host_uid();
	gid_t gid = config_userns_host_gid();
	struct passwd *pw = getpwuid(uid);
	_cleanup_free_ char *name = pw ? xstrdup(pw->pw_name) : NULL;
	_cleanup_free_ char *gecos = pw && pw->pw_gecos ? xstrdup(pw->pw_gecos) : NULL;
	_cleanup_free_ char *home = pw && pw->pw_dir ? xstrdup(pw->pw_dir) : NULL;
	struct group *gr = getgrgid(gid);
	_cleanup_free_ char *group = gr ? xstrdup(gr->gr_name) : NULL;
	struct ctr_passwd_user k = {
		.name = name,
		.uid = (uint32_t)uid,
		.gid = (uint32_t)gid,
		.gecos = gecos,
		.home = home,
		.group = group,
	};
	return ctr_passwd_entries_write(doc, fd, name ? &k : NULL, err);
}

/* container:ID: the namespace of that container's process. */
static int join_path(struct ctr_ctx *x, const char *id, char **ret, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *other = NULL;
	int r = ctr_lookup(x, id, &other, err);
	if (r < 0)
		return r;
	if (!ctr_is_active(other) || other->pid <= 0)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "cannot join user namespace of container %s: container %s is "
				    "not running: container state improper",
				    id, other->id);
	*ret = xasprintf("/proc/%d/ns/user", (int)other->pid);
	return 0;
}

static struct idmap_range *ranges_dup(const struct idmap_range *v, size_t n)
{
	struct idmap_range *d = xnew(struct idmap_range, n + 1);
	memcpy(d, v, n * sizeof(*v));
	return d;
}

/* ping_group_range is a range of the container's GIDs: as the writer's namespace sees them. */
static char *ping_range_translate(const struct ctr_userns *u, const char *value)
{
	unsigned a, b;
	uint32_t ha, hb;
	if (sscanf(value, "%u %u", &a, &b) != 2 || a > b ||
	    !idmap_to_host(u->gids, u->n_gids, a, &ha) ||
	    !idmap_to_host(u->gids, u->n_gids, b, &hb) || hb - ha != b - a)
		return xstrdup("1 0"); /* nobody: no range to give */
	return xasprintf("%u %u", ha, hb);
}

/* In a child in the network namespace: write each net.* sysctl (/proc/sys/net is the
 * writer's network namespace's). */
static int net_sysctls_child(const char *netns, char **keys, char **values)
{
	int fd = open(netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return errno;
	for (size_t i = 0; keys[i]; i++) {
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", keys[i]);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		int f = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (f < 0 || fd_write_all(f, values[i], strlen(values[i])) < 0)
			return errno ? errno : EIO;
		close(f);
	}
	return 0;
}

/*
 * A container with a user namespace of its own cannot write the sysctls of a network
 * namespace selkie made (its owner is selkie's namespace): selkie writes them, and the spec
 * goes without (podman has the runtime make such namespaces; the network layer here needs
 * them before).
 */
static int net_sysctls_write(const struct ctr_userns *u, const char *netns, const json_t *sysctls,
			     struct sk_error **err)
{
	_cleanup_strv_free_ char **keys = NULL, **values = NULL;
	const char *k;
	json_t *v;
	json_object_foreach ((json_t *)sysctls, k, v) {
		const char *val = json_string_value(v);
		if (!strneq(k, "net.", 4) || !val || strstr(k, "..") || strchr(k, '/'))
			continue;
		strv_push(&keys, k);
		if (streq(k, "net.ipv4.ping_group_range")) {
			_cleanup_free_ char *t = ping_range_translate(u, val);
			strv_push(&values, t);
		} else {
			strv_push(&values, val);
		}
	}
	if (!keys)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return sk_err_system(err, errno, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(net_sysctls_child(netns, keys, values));
	int status;
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		return sk_err_system(err, errno, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int e = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
		return sk_err_system(err, e, "set the container's network sysctls: %s",
				     strerror(e));
	}
	return 0;
}

/*
 * The runtime reaches the root file system and the bind-mounted files as the container's root:
 * when that is not selkie's own user (nomap, auto, most --uidmap), the directories above them
 * must be searchable by others, as podman makes them (--x for all; nothing becomes readable).
 */
static int path_accessible(const char *path, uid_t uid, gid_t gid, struct sk_error **err)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (;;) {
		struct stat st;
		if (stat(p, &st) < 0)
			return sk_err_system(err, errno, "stat %s: %s", p, strerror(errno));
		if (S_ISDIR(st.st_mode) && !(st.st_uid == uid && st.st_gid == gid) &&
		    (st.st_mode & 0111) != 0111 && chmod(p, (st.st_mode & 07777) | 0111) < 0)
			return sk_err_system(err, errno,
					     "make %s searchable for the container's user "
					     "namespace: %s",
					     p, strerror(errno));
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			return 0;
		*slash = '\0';
	}
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strneq(path, dir, n) && path[n] == '/';
}

static int paths_accessible(struct ctr_ctx *x, const struct ctr_userns *u,
			    const struct ctr_start_resolved *rs, struct sk_error **err)
{
	/* Nothing to do when the container's namespace maps our own user (keep-id). */
	if (idmap_host_mapped(u->uids, u->n_uids, 0))
		return 0;
	uid_t ru = ctr_userns_host_uid(u, 0);
	gid_t rg = ctr_userns_host_gid(u, 0);
	int r = rs->rootfs ? path_accessible(rs->rootfs, ru, rg, err) : 0;
	for (size_t i = 0; r >= 0 && i < rs->n_mounts; i++) {
		const char *src = rs->mounts[i].source;
		if (!src || (!under(src, x->graph_root) && !under(src, x->run_root)))
			continue;
		_cleanup_free_ char *dir = fs_is_dir(src) ? xstrdup(src) : path_dirname(src);
		r = path_accessible(dir, ru, rg, err);
	}
	return r;
}

int ctr_userns_spec_prepare(struct ctr_ctx *x, const struct ctr_userns *u, const json_t *doc,
			    const char *userdata, struct ctr_start_resolved *rs,
			    struct sk_error **err)
{
	if (u->container) {
		int r = join_path(x, u->container, &rs->userns_path, err);
		if (r < 0)
			return r;
	} else if (u->n_uids > 0) {
		rs->uid_map = ranges_dup(u->uids, u->n_uids);
		rs->n_uid_map = u->n_uids;
		rs->gid_map = ranges_dup(u->gids, u->n_gids);
		rs->n_gid_map = u->n_gids;
	}
	if (u->n_uids == 0)
		return 0;
	if (rs->ns[OCI_NS_NETWORK].mode == OCI_NS_PATH) {
		int r = net_sysctls_write(u, rs->ns[OCI_NS_NETWORK].path,
					  sk_json_path((json_t *)doc, "HostConfig.Sysctls"), err);
		if (r < 0)
			return r;
		rs->net_sysctls_done = true;
	}
	int r = paths_accessible(x, u, rs, err);
	if (r < 0)
		return r;
	/* The files selkie writes for the container (/etc/hosts, ...) are its root's. */
	uid_t ru = ctr_userns_host_uid(u, 0);
	gid_t rg = ctr_userns_host_gid(u, 0);
	size_t len = strlen(userdata);
	for (size_t i = 0; i < rs->n_mounts; i++) {
		const char *src = rs->mounts[i].source;
		if (src && strneq(src, userdata, len) && src[len] == '/' && lchown(src, ru, rg) < 0)
			return sk_err_system(err, errno, "chown %s: %s", src, strerror(errno));
	}
	return 0;
}

void ctr_userns_release(struct ctr_ctx *x, const json_t *doc)
{
	if (!sk_json_path((json_t *)doc, "Selkie.Userns.Key"))
		return;
	_cleanup_error_ struct sk_error *e = NULL;
	if (store_lock(x->store, &e) < 0)
		return;
	_cleanup_state_container_list_ struct state_container **list = NULL;
	_cleanup_strv_free_ char **keep = NULL;
	if (state_container_list(x->store->db, true, &list, &e) >= 0) {
		for (size_t i = 0; list && list[i]; i++) {
			_cleanup_json_ json_t *d =
				sk_json_parse(list[i]->config, strlen(list[i]->config), NULL);
			const char *key = sk_json_str(sk_json_path(d, "Selkie.Userns"), "Key");
			if (key && !strv_contains(keep, key))
				strv_push(&keep, key);
		}
		store_idmap_prune(x->store, keep, &e);
	}
	store_unlock(x->store);
}

int ctr_userns_to_container(void *userdata, uid_t *uid, gid_t *gid)
{
	const struct ctr_userns *u = userdata;
	uint32_t c;
	*uid = idmap_to_container(u->uids, u->n_uids, *uid, &c) ? c : OVERFLOW_ID;
	*gid = idmap_to_container(u->gids, u->n_gids, *gid, &c) ? c : OVERFLOW_ID;
	return 0;
}
