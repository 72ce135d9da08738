/* SPDX-License-Identifier: Apache-2.0 */
/*
 * create: image → settings document → record. The record goes in first as CONFIGURED while we
 * hold the container's lock; directories and volumes follow; the state becomes CREATED last.
 * A creator killed in between leaves a CONFIGURED row whose lock is free, which the next
 * command removes (ctr/sync.c).
 */
#include "ctr/create.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/config-doc.h"
#include "ctr/mounts-build.h"
#include "ctr/name-gen.h"
#include "ctr/net-internal.h"
#include "ctr/start-internal.h"
#include "ctr/userns.h"
#include "ctr/volume.h"
#include "image/inspect.h"
#include "image/lookup.h"
#include "oci/runtime-pick.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int image_resolve(struct ctr_ctx *x, const char *image, const char *policy,
			 const struct image_pull_progress *progress, struct state_image **ret,
			 struct sk_error **err)
{
	policy = policy ? policy : "missing";
	if (!streq(policy, "missing") && !streq(policy, "always") && !streq(policy, "never") &&
	    !streq(policy, "newer"))
		return sk_err_invalid(err, "invalid pull policy \"%s\"", policy);
	struct sk_error *lookup_err = NULL;
	if (!streq(policy, "always") && !streq(policy, "newer")) {
		int r = image_lookup_record(x->store, image, ret, &lookup_err);
		if (r >= 0 || streq(policy, "never") || lookup_err->kind != SK_ERR_NOTFOUND) {
			if (r < 0)
				*err = lookup_err;
			else
				sk_error_free(lookup_err);
			return r;
		}
		sk_error_free(lookup_err);
	}
	struct image_pull_opts po = {
		.registries_conf = x->registries_conf,
		.tls_verify = -1,
		.progress = progress,
	};
	_cleanup_strv_free_ char **ids = NULL;
	int r = image_pull(x->store, image, &po, &ids, err);
	if (r < 0)
		return r;
	return image_lookup_record(x->store, ids[0], ret, err);
}

/* The name the container records for its image: what the user typed resolved to the stored
 * name it matched, or the ID. */
static char *image_ref_name(struct ctr_ctx *x, const char *input, const struct state_image *img)
{
	_cleanup_free_ char *id = NULL;
	char *matched = NULL;
	if (image_lookup(x->store, input, &id, &matched, NULL) >= 0 && matched)
		return matched;
	if (img->names && img->names[0])
		return xstrdup(img->names[0]);
	return xstrdup(img->id);
}

static int dirs_make(struct ctr_ctx *x, const char *id, struct sk_error **err)
{
	/* The upper directory's mode becomes the mode of the container's "/": 0755 as in
	 * images, or users other than root could not even look up /bin. */
	static const struct {
		const char *name;
		mode_t mode;
	} subdirs[] = {
		{ "diff", 0755 }, { "work", 0700 }, { "merged", 0755 }, { "userdata", 0700 }
	};
	_cleanup_free_ char *dir = ctr_dir(x, id);
	int r = fs_mkdir_p(dir, 0700);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(subdirs); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, subdirs[i].name);
		r = mkdir(p, subdirs[i].mode) < 0 && errno != EEXIST ? -errno : 0;
		if (r >= 0)
			r = chmod(p, subdirs[i].mode) < 0 ? -errno : 0;
		if (r < 0)
			return sk_err_system(err, r, "create %s: %s", p, strerror(-r));
	}
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", dir, strerror(-r));
	return 0;
}

/* Volumes used, recorded in the same transaction that makes the container visible. */
static int finish(struct ctr_ctx *x, struct state_container *c, const json_t *mounts,
		  struct sk_error **err)
{
	struct state_db *db = x->store->db;
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	size_t i;
	json_t *m;
	json_array_foreach (mounts, i, m) {
		const char *name = sk_json_str(m, "Name");
		if (name && (r = state_container_volume_add(
				     db, c->id, name, sk_json_str(m, "Destination"), err)) < 0)
			break;
	}
	if (r >= 0) {
		_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
		r = ctr_networks_record(x, c->id, doc, err);
	}
	if (r >= 0)
		r = state_container_state_set(db, c->id, STATE_CTR_CREATED, err);
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0)
		state_db_rollback(db);
	else
		c->state = STATE_CTR_CREATED;
	return r;
}

/* Rootless without a delegated cgroup there is nowhere to apply limits: say so, as podman
 * does, and run without them (start leaves them out of the spec). */
static void warn_ignored_limits(const struct ctr_ctx *x, const struct ctr_create_opts *o)
{
	if (!x->store->rootless)
		return;
	if (!o->memory && !o->memory_swap && !o->memory_reservation && !o->cpus && !o->cpu_shares &&
	    !o->cpu_period && !o->cpu_quota && !o->cpuset_cpus && !o->cpuset_mems && !o->pids_limit)
		return;
	_cleanup_free_ char *delegated = oci_cgroup_rootless_parent();
	if (delegated)
		return;
	if (oci_cgroup_layout_detect() == OCI_CGROUP_V2)
		log_warn("Resource limits are ignored: no cgroup v2 subtree is delegated to this "
			 "user (systemd's user@.service with Delegate=yes)");
	else
		log_warn("Resource limits are not supported and ignored on cgroups V1 rootless "
			 "systems");
}

static int record_build(struct ctr_ctx *x, const struct ctr_create_opts *o, const char *image,
			char *const *command, const struct state_image *img, const char *id,
			struct state_container **ret, struct sk_error **err)
{
	_cleanup_json_ json_t *image_config = NULL;
	int r = image_config_load(x->store, img, &image_config, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *ref = image_ref_name(x, image, img);
	_cleanup_json_ json_t *doc = NULL;
	r = ctr_config_doc_build(o, id, ref, image_config, command, &doc, err);
	if (r >= 0)
		r = ctr_userns_configure(x, o, img, doc, err);
	if (r >= 0)
		r = ctr_networks_resolve(x, doc, err);
	if (r < 0)
		return r;
	warn_ignored_limits(x, o);
	struct oci_runtime_info rt = { 0 };
	r = oci_runtime_find(x->runtime, &rt, err);
	if (r < 0)
		return r;
	json_t *priv = json_object_get(doc, "Selkie");
	sk_json_set_str(priv, "Runtime", rt.path);
	sk_json_set_str(priv, "RuntimeName", rt.name);
	oci_runtime_info_release(&rt);
	struct state_container *c = xnew(struct state_container, 1);
	c->id = xstrdup(id);
	c->name = o->name ? xstrdup(o->name) : ctr_name_generate();
	c->image_id = xstrdup(img->id);
	c->image_name = TAKE_PTR(ref);
	c->command = ctr_config_command_text(doc);
	c->created = time_now_ns();
	c->state = STATE_CTR_CONFIGURED;
	c->config = sk_json_dump(doc, JSON_COMPACT);
	c->labels = sk_json_dump(sk_json_path(doc, "Config.Labels"), JSON_COMPACT);
	c->health_status = xstrdup("");
	c->pod_id = o->pod_id ? xstrdup(o->pod_id) : NULL;
	*ret = c;
	return 0;
}

/* Add the mounts (which may create volumes) to the stored document. */
static int mounts_add(struct ctr_ctx *x, const struct ctr_create_opts *o, struct state_container *c,
		      json_t **ret_mounts, char ***ret_created, struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	json_t *mounts = NULL;
	int r = ctr_mounts_build(x->store, o, sk_json_path(doc, "Config.Volumes"), &mounts,
				 ret_created, err);
	if (r < 0)
		return r;
	json_object_set_new(doc, "Mounts", mounts);
	free(c->config);
	c->config = sk_json_dump(doc, JSON_COMPACT);
	*ret_mounts = json_incref(mounts);
	return 0;
}

/* A generated name that happens to be taken is replaced, as podman retries. */
static int insert_named(struct ctr_ctx *x, const struct ctr_create_opts *o,
			struct state_container *c, struct sk_error **err)
{
	for (int tries = 0;; tries++) {
		struct sk_error *e = NULL;
		int r = state_container_insert(x->store->db, c, &e);
		if (r >= 0 || o->name || e->kind != SK_ERR_EXISTS || tries >= 64) {
			if (r < 0)
				*err = e;
			return r;
		}
		sk_error_free(e);
		free(c->name);
		c->name = ctr_name_generate();
	}
}

static int create_container(struct ctr_ctx *x, const struct ctr_create_opts *o, const char *image,
			    char *const *command, const struct image_pull_progress *pull,
			    struct state_container **ret, struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = ctr_userns_validate(o, err);
	if (r >= 0)
		r = image_resolve(x, image, o->pull, pull, &img, err);
	if (r < 0)
		return r;
	char id[DIGEST_HEX_LEN + 1];
	random_hex_id(id);
	_cleanup_state_container_ struct state_container *c = NULL;
	r = record_build(x, o, image, command, img, id, &c, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = -1;
	r = ctr_lock(x, id, &lock, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *mounts = NULL;
	_cleanup_strv_free_ char **created_volumes = NULL;
	r = mounts_add(x, o, c, &mounts, &created_volumes, err);
	if (r < 0) {
		ctr_files_remove(x, id);
		return r;
	}
	r = insert_named(x, o, c, err);
	if (r >= 0)
		r = dirs_make(x, id, err);
	if (r >= 0)
		r = finish(x, c, mounts, err);
	if (r < 0) {
		state_container_delete(x->store->db, id, NULL);
		STRV_FOREACH (v, created_volumes)
			ctr_volume_remove(x->store, *v, &(struct ctr_volume_remove_opts){ 0 },
					  NULL);
		ctr_files_remove(x, id);
		return r;
	}
	if (x->event)
		x->event(x->event_userdata, c, "create", NULL);
	*ret = TAKE_PTR(c);
	return 0;
}

int ctr_create(struct ctr_ctx *x, const struct ctr_create_opts *o, const char *image,
	       char *const *command, const struct image_pull_progress *pull,
	       struct state_container **ret, struct sk_error **err)
{
	/* --userns=auto picks IDs no other container uses: no other create may pick the same
	 * ones before this container is recorded. */
	bool lock = ctr_userns_create_locks_store(o);
	if (lock && store_lock(x->store, err) < 0)
		return sk_error_ret(*err);
	int r = create_container(x, o, image, command, pull, ret, err);
	if (lock)
		store_unlock(x->store);
	return r;
}
