/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctr/volume-copy.h"
#include "state/containers.h"
#include "store/mount.h"
#include "util/child.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/lock.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* Mounts stacked on one _data directory that removal unmounts before giving up. */
#define VOLUME_UNMOUNT_MAX 16

bool ctr_volume_name_is_valid(const char *name)
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	if (isempty(name) || !strchr(alnum, name[0]))
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!strchr(alnum, *p) && !strchr("_.-", *p))
			return false;
	return true;
}

/* Hand an error over to the caller's err (or drop it). */
static int error_pass(struct sk_error **err, struct sk_error *e)
{
	int r = sk_error_ret(e);
	if (err && !*err)
		*err = e;
	else
		sk_error_free(e);
	return r;
}

/* 1 and the record when the volume exists, 0 when it does not. */
static int volume_find(struct state_db *db, const char *name, struct state_volume **ret,
		       struct sk_error **err)
{
	struct sk_error *e = NULL;
	int r = state_volume_get(db, name, ret, &e);
	if (r >= 0)
		return 1;
	if (e->kind == SK_ERR_NOTFOUND) {
		sk_error_free(e);
		return 0;
	}
	return error_pass(err, e);
}

static char *volumes_dir(const struct store *s)
{
	return path_join(s->graph_root, "volumes");
}

static char *volume_dir(const struct store *s, const char *name)
{
	return xasprintf("%s/volumes/%s", s->graph_root, name);
}

/* Go's error strings are lowercase: "stat /x: no such file or directory". */
static char *go_strerror(int e)
{
	char *s = xstrdup(strerror(e));
	if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
		s[0] = (char)(s[0] - 'A' + 'a');
	return s;
}

/* Serialise changes to volume directories (see volume.h). */
static int volumes_lock(struct store *s, int *ret_fd, struct sk_error **err)
{
	_cleanup_free_ char *dir = volumes_dir(s);
	int r = fs_mkdir_p(dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", dir, strerror(-r));
	_cleanup_free_ char *path = path_join(dir, ".lock");
	int fd = lock_file_take(path, true, false);
	if (fd < 0)
		return sk_err_system(err, fd, "lock %s: %s", path, strerror(-fd));
	*ret_fd = fd;
	return 0;
}

static json_t *object_parse(const char *text)
{
	json_t *v = text ? sk_json_parse(text, strlen(text), NULL) : NULL;
	if (json_is_object(v))
		return v;
	json_decref(v);
	return json_object();
}

/* podman's needsMount(): options beyond the owner, size and copy ones (and the "o" that
 * carries them) ask for a file system on _data. */
static bool options_need_mount(const json_t *opts)
{
	static const char *const quiet[] = { "UID", "GID", "SIZE", "NOQUOTA", "nocopy", "copy" };
	size_t index = 0;
	for (size_t i = 0; i < ELEMENTSOF(quiet); i++)
		if (json_object_get(opts, quiet[i]))
			index++;
	if (index > 0 && json_object_get(opts, "o"))
		index++;
	return json_object_size(opts) > index;
}

static bool volume_needs_mount(const struct state_volume *v)
{
	_cleanup_json_ json_t *opts = object_parse(v->options);
	return options_need_mount(opts);
}

bool ctr_volume_needs_chown(const struct state_volume *v)
{
	return v->needs_copy_up && v->uid < 0 && v->gid < 0;
}

/* --- labels and options ------------------------------------------------------------------ */

static int labels_parse(char *const *labels, json_t **ret, struct sk_error **err)
{
	_cleanup_json_ json_t *obj = json_object();
	STRV_FOREACH (l, labels) {
		if (isempty(*l))
			continue;
		const char *eq = strchr(*l, '=');
		_cleanup_free_ char *key = eq ? xstrndup(*l, (size_t)(eq - *l)) : xstrdup(*l);
		json_t *val = isempty(key) ? NULL : json_string(eq ? eq + 1 : "");
		if (!val || json_object_set_new(obj, key, val) < 0)
			return sk_err_invalid(
				err, "unable to process labels: invalid label format: \"%s\"", *l);
	}
	*ret = TAKE_PTR(obj);
	return 0;
}

static int set_option(json_t *opts, const char *key, const char *value, struct sk_error **err)
{
	json_t *v = json_string(value);
	if (!v || json_object_set_new(opts, key, v) < 0)
		return sk_err_invalid(err, "invalid volume option \"%s=%s\": not UTF-8", key,
				      value);
	return 0;
}

static int owner_parse(const char *what, const char *value, int *ret, struct sk_error **err)
{
	if (!value)
		return sk_err_invalid(err, "%s option must provide a %s: invalid argument", what,
				      streq(what, "uid") ? "UID" : "GID");
	if (parse_int(value, ret) < 0)
		return sk_err_invalid(err,
				      "cannot convert %s %s to integer: strconv.Atoi: parsing "
				      "\"%s\": invalid syntax",
				      streq(what, "uid") ? "UID" : "GID", value, value);
	return 0;
}

/* One piece of "o=a,b=c": the owner, size and quota ones become options of their own as
 * podman's VolumeOptions() makes them. Returns 1 to keep the piece in "o", 0 to drop it. */
static int o_piece_parse(const char *piece, json_t *opts, int *uid, int *gid, struct sk_error **err)
{
	const char *eq = strchr(piece, '=');
	const char *val = eq ? eq + 1 : NULL;
	_cleanup_free_ char *key = eq ? xstrndup(piece, (size_t)(eq - piece)) : xstrdup(piece);
	for (char *p = key; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	uint64_t u;
	int n, r = 1;
	if (streq(key, "size")) {
		if (!val || parse_size(val, &u) < 0)
			return sk_err_invalid(
				err, "cannot convert size %s to integer: invalid size: '%s'",
				val ? val : "", val ? val : "");
		if (set_option(opts, "SIZE", val, err) < 0)
			return -EINVAL;
	} else if (streq(key, "inodes")) {
		if (!val || parse_uint64(val, &u) < 0)
			return sk_err_invalid(err,
					      "cannot convert inodes %s to integer: "
					      "strconv.ParseUint: parsing \"%s\": invalid syntax",
					      val ? val : "", val ? val : "");
		if (set_option(opts, "INODES", val, err) < 0)
			return -EINVAL;
	} else if (streq(key, "uid") || streq(key, "gid")) {
		bool is_uid = streq(key, "uid");
		if (owner_parse(key, val, is_uid ? uid : gid, err) < 0 ||
		    set_option(opts, is_uid ? "UID" : "GID", val, err) < 0)
			return -EINVAL;
	} else if (streq(key, "noquota")) {
		r = set_option(opts, "NOQUOTA", "true", err) < 0 ? -EINVAL : 0;
	} else if (streq(key, "timeout")) {
		if (!val)
			return sk_err_invalid(err, "timeout option must provide a valid timeout in "
						   "seconds: invalid argument");
		if (parse_int(val, &n) < 0)
			return sk_err_invalid(
				err,
				"cannot convert Timeout %s to an integer: strconv.Atoi: "
				"parsing \"%s\": invalid syntax",
				val, val);
		if (n < 0)
			return sk_err_invalid(err, "volume timeout cannot be negative (got %d)", n);
		return sk_err_invalid(err,
				      "running volume create option: Volume driver timeout can "
				      "only be used with non-local volume drivers: invalid "
				      "argument");
	}
	return r;
}

static int options_parse(char *const *options, json_t **ret, int *ret_uid, int *ret_gid,
			 struct sk_error **err)
{
	_cleanup_json_ json_t *opts = json_object();
	int uid = -1, gid = -1;
	STRV_FOREACH (o, options) {
		const char *eq = strchr(*o, '=');
		_cleanup_free_ char *key = eq ? xstrndup(*o, (size_t)(eq - *o)) : xstrdup(*o);
		const char *value = eq ? eq + 1 : "";
		if (isempty(key))
			return sk_err_invalid(err, "invalid volume option \"%s\": no key", *o);
		if (!streq(key, "o")) {
			if (set_option(opts, key, value, err) < 0)
				return -EINVAL;
			continue;
		}
		_cleanup_strv_free_ char **pieces = strv_split(value, ",", false);
		_cleanup_strv_free_ char **kept = NULL;
		STRV_FOREACH (p, pieces) {
			int r = o_piece_parse(*p, opts, &uid, &gid, err);
			if (r < 0)
				return r;
			if (r > 0)
				strv_push(&kept, *p);
		}
		_cleanup_free_ char *joined = strv_join(kept, ",");
		if (kept && set_option(opts, "o", joined, err) < 0)
			return -EINVAL;
	}
	*ret = TAKE_PTR(opts);
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

/* What podman's local driver accepts. */
static int options_validate(const json_t *opts, struct sk_error **err)
{
	static const char *const valid[] = { "o",      "type",	  "uid",  "gid",   "size",
					     "inodes", "noquota", "copy", "nocopy" };
	const char *key;
	json_t *val;
	json_object_foreach ((json_t *)opts, key, val) {
		if (strcasecmp(key, "device") == 0) {
			const char *type = sk_json_str(opts, "type");
			struct stat st;
			if (type && strcasecmp(type, "bind") == 0 &&
			    stat(json_string_value(val), &st) < 0) {
				_cleanup_free_ char *why = go_strerror(errno);
				return sk_error_set(err, SK_ERR_INVALID, errno,
						    "invalid volume option %s for driver 'local': "
						    "stat %s: %s",
						    key, json_string_value(val), why);
			}
			continue;
		}
		bool ok = false;
		for (size_t i = 0; i < ELEMENTSOF(valid) && !ok; i++)
			ok = strcasecmp(key, valid[i]) == 0;
		if (!ok)
			return sk_err_invalid(err,
					      "invalid mount option %s for driver 'local': invalid "
					      "argument",
					      key);
	}
	/* Without a file system type these are project quotas, which selkie does not set up. */
	if ((json_object_get(opts, "SIZE") || json_object_get(opts, "INODES")) &&
	    isempty(sk_json_str(opts, "type")))
		return sk_err_invalid(err,
				      json_object_get(opts, "NOQUOTA")
					      ? "volume options size and inodes cannot be used "
						"without quota"
					      : "volume options size and inodes not supported. "
						"Filesystem does not support Project Quota");
	return 0;
}

/* --- directories --------------------------------------------------------------------------- */

/* Unmount whatever is mounted on path (lazily, stacked mounts too). */
static int unmount_all(const char *path, struct sk_error **err)
{
	for (int i = 0; i < VOLUME_UNMOUNT_MAX && store_mount_is_mounted(path); i++)
		if (store_layers_unmount(path, err) < 0)
			return -EBUSY;
	if (store_mount_is_mounted(path))
		return sk_error_set(err, SK_ERR_SYSTEM, EBUSY, "unmount %s: still mounted", path);
	return 0;
}

/* Delete a volume's directory: unmounted first (a bind mount of a host directory must never be
 * emptied), then moved into a work directory of the store and removed there, so a kill midway
 * leaves nothing under volumes/ (store_sweep_tmp() finishes the job). */
static int dir_remove(struct store *s, const char *dir, struct sk_error **err)
{
	_cleanup_free_ char *data = path_join(dir, "_data");
	int r = unmount_all(data, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int tmp_lock = -1;
	_cleanup_error_ struct sk_error *tmp_err = NULL;
	if (store_tmpdir_new(s, "volume-rm-", &tmp, &tmp_lock, &tmp_err) >= 0) {
		_cleanup_free_ char *dst = path_join(tmp, "volume");
		bool moved = rename(dir, dst) == 0;
		store_tmpdir_remove(tmp);
		if (moved)
			return 0;
	}
	r = fs_rm_rf(dir);
	if (r < 0)
		return sk_err_system(err, r, "remove %s: %s", dir, strerror(-r));
	return 0;
}

/* mkdir with exactly mode (umask ignored) and the owner when given; EEXIST is fine. */
static int mkdir_exact(const char *path, mode_t mode, int uid, int gid, struct sk_error **err)
{
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return 0;
		return sk_err_system(err, errno, "creating volume directory \"%s\": %s", path,
				     strerror(errno));
	}
	if ((uid >= 0 || gid >= 0) && chown(path, (uid_t)uid, (gid_t)gid) < 0)
		return sk_err_system(err, errno, "chowning volume directory \"%s\" to %d:%d: %s",
				     path, uid, gid, strerror(errno));
	if (chmod(path, mode) < 0)
		return sk_err_system(err, errno, "chmod %s: %s", path, strerror(errno));
	return 0;
}

/* <dir> (0700) and <dir>/_data (0755), owned by uid:gid when given. */
static int volume_tree_make(const char *dir, int uid, int gid, struct sk_error **err)
{
	_cleanup_free_ char *data = path_join(dir, "_data");
	int r = mkdir_exact(dir, 0700, uid, gid, err);
	if (r >= 0)
		r = mkdir_exact(data, 0755, uid, gid, err);
	return r;
}

/* --- create and remove --------------------------------------------------------------------- */

static int volume_build(struct store *s, const struct ctr_volume_create_opts *o,
			struct state_volume **ret, struct sk_error **err)
{
	char random[DIGEST_HEX_LEN + 1];
	const char *name = o->name;
	if (isempty(name)) {
		random_hex_id(random);
		name = random;
	}
	if (!ctr_volume_name_is_valid(name))
		return sk_err_invalid(err, "running volume create option: names must match "
					   "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	if (!isempty(o->driver) && !streq(o->driver, "local"))
		return sk_error_set(err, SK_ERR_INVALID, ENOENT,
				    "volume %s uses volume plugin %s but it could not be "
				    "retrieved: no volume plugin with name %s available: required "
				    "plugin missing",
				    name, o->driver, o->driver);
	_cleanup_json_ json_t *labels = NULL, *opts = NULL;
	int uid = -1, gid = -1;
	int r = labels_parse(o->labels, &labels, err);
	if (r >= 0)
		r = options_parse(o->options, &opts, &uid, &gid, err);
	if (r >= 0)
		r = options_validate(opts, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = volume_dir(s, name);
	struct state_volume *v = xnew(struct state_volume, 1);
	v->name = xstrdup(name);
	v->driver = xstrdup("local");
	v->mountpoint = path_join(dir, "_data");
	v->created = time_now_ns();
	v->labels = json_object_size(labels) ? sk_json_dump(labels, JSON_COMPACT | JSON_SORT_KEYS)
					     : NULL;
	v->options =
		json_object_size(opts) ? sk_json_dump(opts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	v->anonymous = o->anonymous;
	v->needs_copy_up = true;
	v->uid = uid;
	v->gid = gid;
	*ret = v;
	return 0;
}

/* Under the volumes lock: the directory, complete, then the record. */
static int volume_make(struct store *s, const struct state_volume *v, struct sk_error **err)
{
	_cleanup_free_ char *vols = volumes_dir(s), *dir = volume_dir(s, v->name);
	struct stat st;
	int r;
	/* A directory without a record: left by a killed create or rm. */
	if (lstat(dir, &st) == 0 && (r = dir_remove(s, dir, err)) < 0)
		return r;
	_cleanup_free_ char *tmp = NULL;
	r = fs_mkdtemp_in(vols, ".new-", &tmp);
	if (r < 0)
		return sk_err_system(err, r, "creating volume directory in %s: %s", vols,
				     strerror(-r));
	_cleanup_free_ char *data = path_join(tmp, "_data");
	r = mkdir_exact(data, 0755, v->uid, v->gid, err);
	if (r >= 0 && (v->uid >= 0 || v->gid >= 0) && chown(tmp, (uid_t)v->uid, (gid_t)v->gid) < 0)
		r = sk_err_system(err, errno, "chowning volume directory \"%s\" to %d:%d: %s", dir,
				  v->uid, v->gid, strerror(errno));
	if (r >= 0 && rename(tmp, dir) < 0)
		r = sk_err_system(err, errno, "creating volume directory \"%s\": %s", dir,
				  strerror(errno));
	if (r < 0) {
		fs_rm_rf(tmp);
		return r;
	}
	r = state_volume_insert(s->db, v, err);
	if (r < 0)
		fs_rm_rf(dir);
	return r;
}

int ctr_volume_create(struct store *s, const struct ctr_volume_create_opts *o,
		      struct state_volume **ret, struct sk_error **err)
{
	_cleanup_state_volume_ struct state_volume *v = NULL;
	int r = volume_build(s, o, &v, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = -1;
	r = volumes_lock(s, &lock, err);
	if (r < 0)
		return r;
	struct state_volume *old = NULL;
	r = volume_find(s->db, v->name, &old, err);
	if (r < 0)
		return r;
	if (r > 0 && o->ignore_if_exists) {
		*ret = old;
		return 0;
	}
	if (r > 0) {
		state_volume_free(old);
		return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
				    "volume with name %s already exists: volume already exists",
				    v->name);
	}
	r = volume_make(s, v, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

int ctr_volume_ensure(struct store *s, const char *name, struct state_volume **ret,
		      struct sk_error **err)
{
	int r = volume_find(s->db, name, ret, err);
	if (r != 0)
		return r < 0 ? r : 0;
	struct ctr_volume_create_opts o = { .name = name, .ignore_if_exists = true };
	return ctr_volume_create(s, &o, ret, err);
}

static int in_use_error(const char *name, char *const *users, struct sk_error **err)
{
	_cleanup_free_ char *ids = strv_join(users, ", ");
	return sk_error_set(err, SK_ERR_INUSE, EBUSY,
			    "volume %s is being used by the following container(s): %s: volume is "
			    "being used",
			    name, ids);
}

int ctr_volume_remove(struct store *s, const char *name, const struct ctr_volume_remove_opts *o,
		      struct sk_error **err)
{
	const struct ctr_volume_remove_opts none = { 0 };
	if (!o)
		o = &none;
	_cleanup_state_volume_ struct state_volume *v = NULL;
	_cleanup_strv_free_ char **users = NULL;
	int r = state_volume_get(s->db, name, &v, err);
	if (r >= 0)
		r = state_volume_users(s->db, name, &users, err);
	if (r >= 0 && users[0] && o->force && o->remove_users) {
		r = o->remove_users(o->userdata, users, err);
		strv_free(TAKE_PTR(users));
		if (r >= 0)
			r = state_volume_users(s->db, name, &users, err);
	}
	if (r < 0)
		return r;
	if (users[0])
		return in_use_error(name, users, err);

	_cleanup_close_ int lock = -1;
	r = volumes_lock(s, &lock, err);
	if (r < 0)
		return r;
	/* A container may have started using it meanwhile: its mount is under this lock. */
	strv_free(TAKE_PTR(users));
	r = state_volume_users(s->db, name, &users, err);
	if (r < 0)
		return r;
	if (users[0])
		return in_use_error(name, users, err);
	r = unmount_all(v->mountpoint, err);
	if (r < 0)
		return r;
	r = state_volume_delete(s->db, name, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = volume_dir(s, name);
	return dir_remove(s, dir, err);
}

/* --- mount --------------------------------------------------------------------------------- */

/* The file system the options describe, mounted with mount(8) as podman does (it knows every
 * type's helpers and option syntax). */
static int volume_fs_mount(const struct state_volume *v, const json_t *opts, struct sk_error **err)
{
	const char *device = sk_json_str(opts, "device"), *type = sk_json_str(opts, "type");
	const char *o = sk_json_str(opts, "o");
	if (isempty(device) && !isempty(type))
		device = type;
	_cleanup_strv_free_ char **argv = strv_new("mount", NULL);
	if (!isempty(o)) {
		strv_push(&argv, "-o");
		strv_push(&argv, o);
	}
	if (!isempty(type) && streq(type, "bind")) {
		strv_push(&argv, "-o");
		strv_push(&argv, "bind");
	} else if (!isempty(type)) {
		strv_push(&argv, "-t");
		strv_push(&argv, type);
	}
	strv_push(&argv, "--");
	strv_push(&argv, device ? device : "");
	strv_push(&argv, v->mountpoint);
	struct child_opts co = CHILD_OPTS_INIT;
	co.capture_stdout = co.capture_stderr = true;
	int status = 0;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int r = child_run(argv, &co, &status, &out, &errout);
	if (r < 0)
		return sk_err_system(err, r, "mounting volume %s: running mount: %s", v->name,
				     strerror(-r));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *msg = !isempty(errout) ? errout : !isempty(out) ? out : NULL;
		if (msg)
			msg[strcspn(msg, "\n")] = '\0';
		return sk_error_set(err, SK_ERR_SYSTEM, EIO, "mounting volume %s: %s", v->name,
				    msg ? msg : "mount failed");
	}
	return 0;
}

int ctr_volume_mount(struct store *s, const char *name, const struct ctr_volume_mount_opts *o,
		     char **ret_path, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = volumes_lock(s, &lock, err);
	if (r < 0)
		return r;
	_cleanup_state_volume_ struct state_volume *v = NULL;
	r = state_volume_get(s->db, name, &v, err);
	if (r < 0)
		return r;
	/* The directory is there unless someone deleted it: make it again. */
	_cleanup_free_ char *dir = volume_dir(s, name);
	r = volume_tree_make(dir, v->uid, v->gid, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *opts = object_parse(v->options);
	if (options_need_mount(opts) && !store_mount_is_mounted(v->mountpoint)) {
		r = volume_fs_mount(v, opts, err);
		if (r < 0)
			return r;
	}
	if (v->needs_copy_up) {
		r = ctr_volume_populate(v, dir, o, json_object_get(opts, "nocopy") != NULL, err);
		if (r >= 0)
			r = state_volume_set_needs_copy_up(s->db, name, false, err);
		if (r < 0)
			return r;
	}
	*ret_path = xstrdup(v->mountpoint);
	return 0;
}

/* How many active containers use the volume. */
static int active_users(struct store *s, const char *name, unsigned *ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **users = NULL;
	int r = state_volume_users(s->db, name, &users, err);
	if (r < 0)
		return r;
	unsigned n = 0;
	STRV_FOREACH (id, users) {
		_cleanup_state_container_ struct state_container *c = NULL;
		if (state_container_get(s->db, *id, &c, NULL) < 0)
			continue;
		if (c->state == STATE_CTR_RUNNING || c->state == STATE_CTR_PAUSED ||
		    c->state == STATE_CTR_STOPPING)
			n++;
	}
	*ret = n;
	return 0;
}

int ctr_volume_unmount(struct store *s, const char *name, struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = volumes_lock(s, &lock, err);
	if (r < 0)
		return r;
	_cleanup_state_volume_ struct state_volume *v = NULL;
	r = state_volume_get(s->db, name, &v, err);
	if (r < 0 || !volume_needs_mount(v))
		return r;
	unsigned n = 0;
	r = active_users(s, name, &n, err);
	if (r < 0 || n > 0)
		return r;
	return unmount_all(v->mountpoint, err);
}

/* --- prune --------------------------------------------------------------------------------- */

/* Volume directories without a record, and creations a kill interrupted. */
static void volumes_sweep(struct store *s)
{
	_cleanup_close_ int lock = -1;
	_cleanup_strv_free_ char **names = NULL;
	if (volumes_lock(s, &lock, NULL) < 0 ||
	    state_query_strv(s->db, "SELECT name FROM volumes", NULL, &names, NULL) < 0)
		return;
	_cleanup_free_ char *vols = volumes_dir(s);
	DIR *d = opendir(vols);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		bool orphan =
			ctr_volume_name_is_valid(de->d_name) && !strv_contains(names, de->d_name);
		if (!orphan && !strneq(de->d_name, ".new-", 5))
			continue;
		_cleanup_free_ char *dir = path_join(vols, de->d_name);
		dir_remove(s, dir, NULL);
	}
	closedir(d);
}

int ctr_volume_prune(struct store *s, char *const *filters, char ***removed, struct sk_error **err)
{
	_cleanup_state_volume_list_ struct state_volume **list = NULL;
	_cleanup_strv_free_ char **in_use = NULL;
	int r = ctr_volume_list(s, filters, true, &list, err);
	if (r >= 0)
		r = state_volume_names_in_use(s->db, &in_use, err);
	if (r < 0)
		return r;
	int ret = 0;
	for (size_t i = 0; list[i]; i++) {
		if (strv_contains(in_use, list[i]->name))
			continue;
		struct sk_error *e = NULL;
		r = ctr_volume_remove(s, list[i]->name, NULL, &e);
		if (r >= 0)
			strv_push(removed, list[i]->name);
		else if (e->kind != SK_ERR_INUSE && e->kind != SK_ERR_NOTFOUND && ret == 0)
			ret = error_pass(err, TAKE_PTR(e));
		sk_error_free(e);
	}
	volumes_sweep(s);
	return ret;
}

/* --- inspect ------------------------------------------------------------------------------- */

char *ctr_volume_time_format(int64_t ns, bool go_string)
{
	time_t secs = (time_t)(ns / 1000000000LL);
	long frac = (long)(ns % 1000000000LL);
	if (frac < 0) {
		frac += 1000000000L;
		secs--;
	}
	struct tm tm;
	localtime_r(&secs, &tm);
	char date[64], fr[16] = "";
	strftime(date, sizeof(date), go_string ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac) {
		snprintf(fr, sizeof(fr), ".%09ld", frac);
		for (size_t n = strlen(fr); fr[n - 1] == '0'; n--)
			fr[n - 1] = '\0';
	}
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	off = off < 0 ? -off : off;
	if (go_string)
		return xasprintf("%s%s %c%02ld%02ld %s", date, fr, sign, off / 3600, off / 60 % 60,
				 tm.tm_zone);
	if (off == 0)
		return xasprintf("%s%sZ", date, fr);
	return xasprintf("%s%s%c%02ld:%02ld", date, fr, sign, off / 3600, off / 60 % 60);
}

json_t *ctr_volume_inspect_json(struct store *s, const struct state_volume *v, bool full)
{
	json_t *doc = json_object();
	_cleanup_free_ char *created = ctr_volume_time_format(v->created, full);
	json_t *opts = object_parse(v->options);
	unsigned mounts = 0;
	if (options_need_mount(opts) && store_mount_is_mounted(v->mountpoint) &&
	    active_users(s, v->name, &mounts, NULL) < 0)
		mounts = 0;
	bool chown = ctr_volume_needs_chown(v);
	json_object_set_new(doc, "Name", json_string(v->name));
	json_object_set_new(doc, "Driver", json_string(v->driver ? v->driver : "local"));
	json_object_set_new(doc, "Mountpoint", json_string(v->mountpoint));
	json_object_set_new(doc, "CreatedAt", json_string(created));
	if (full)
		json_object_set_new(doc, "Status", json_object());
	json_object_set_new(doc, "Labels", object_parse(v->labels));
	json_object_set_new(doc, "Scope", json_string("local"));
	json_object_set_new(doc, "Options", opts);
	if (full || v->uid > 0)
		json_object_set_new(doc, "UID", json_integer(v->uid > 0 ? v->uid : 0));
	if (full || v->gid > 0)
		json_object_set_new(doc, "GID", json_integer(v->gid > 0 ? v->gid : 0));
	if (full || v->anonymous)
		json_object_set_new(doc, "Anonymous", json_boolean(v->anonymous));
	json_object_set_new(doc, "MountCount", json_integer(mounts));
	if (full || v->needs_copy_up)
		json_object_set_new(doc, "NeedsCopyUp", json_boolean(v->needs_copy_up));
	if (full || chown)
		json_object_set_new(doc, "NeedsChown", json_boolean(chown));
	if (full)
		json_object_set_new(doc, "Timeout", json_integer(0));
	return doc;
}
