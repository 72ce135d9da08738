/* SPDX-License-Identifier: Apache-2.0 */
#include "layer-store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/images.h"
#include "store/blob-store.h"
#include "store/idmap.h"
#include "store/layer-unpack.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void store_layer_chain_id(const char *parent_chain, const char *diff_id, char out[DIGEST_STR_LEN])
{
	if (!parent_chain) {
		snprintf(out, DIGEST_STR_LEN, "%s", diff_id);
		return;
	}
	_cleanup_free_ char *s = xasprintf("%s %s", parent_chain, diff_id);
	digest_buffer(s, strlen(s), out);
}

int store_layer_exists(struct store *s, const char *chain_id, struct sk_error **err)
{
	struct state_layer *l = NULL;
	struct sk_error *e = NULL;
	int r = state_layer_get(s->db, chain_id, &l, &e);
	state_layer_free(l);
	if (r == -ENOENT) {
		sk_error_free(e);
		return 0;
	}
	if (r < 0) {
		*err = e;
		return r;
	}
	return 1;
}

/* Short names keep overlay's lowerdir option under a page even with hundreds of layers. */
static void short_name_new(char out[11])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char raw[10];
	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
		abort();
	for (size_t i = 0; i < sizeof(raw); i++)
		out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
	out[10] = '\0';
}

int store_layer_dir(struct store *s, const char *chain_id, char **ret, struct sk_error **err)
{
	_cleanup_state_layer_ struct state_layer *l = NULL;
	int r = state_layer_get(s->db, chain_id, &l, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *base = path_join(s->layers_dir, l->dir);
	*ret = s->driver == STORE_DRIVER_OVERLAY ? path_join(base, "diff") : TAKE_PTR(base);
	return 0;
}

/* vfs: a layer is a full copy of its parent with the layer applied on top. */
static int copy_parent_tree(struct store *s, const char *parent_chain, const char *dst,
			    struct sk_error **err)
{
	_cleanup_free_ char *src = NULL;
	int r = store_layer_dir(s, parent_chain, &src, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *from = xasprintf("%s/.", src);
	char *argv[] = { "cp", "-a", "--reflink=auto", from, (char *)dst, NULL };
	_cleanup_free_ char *errout = NULL;
	struct child_opts o = CHILD_OPTS_INIT;
	o.capture_stderr = true;
	int status;
	r = child_run(argv, &o, &status, NULL, &errout);
	if (r < 0 || status != 0)
		return sk_err_system(err, r < 0 ? r : -EIO, "copy parent layer %s: %s",
				     parent_chain, r < 0 ? strerror(-r) : errout);
	return 0;
}

static int unpack_into(struct store *s, const struct store_layer_input *in, const char *tree,
		       char diff_id[DIGEST_STR_LEN], uint64_t *size, struct sk_error **err)
{
	_cleanup_close_ int blob = open(in->blob_path, O_RDONLY | O_CLOEXEC);
	if (blob < 0)
		return sk_err_system(err, errno, "open %s: %s", in->blob_path, strerror(errno));
	_cleanup_close_ int dfd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sk_err_system(err, errno, "open %s: %s", tree, strerror(errno));
	struct store_unpack_opts uo = {
		.mode = s->driver == STORE_DRIVER_OVERLAY ? STORE_LAYER_OVERLAY : STORE_LAYER_APPLY,
		.userxattr = s->rootless,
		.allow_devices = !s->rootless,
	};
	struct store_unpack_result res;
	int r = store_layer_unpack(blob, dfd, &uo, &res, err);
	if (r >= 0) {
		memcpy(diff_id, res.diff_id, DIGEST_STR_LEN);
		*size = res.size;
	}
	if (r < 0)
		return sk_error_wrap(err, "layer %s", in->blob_digest);
	if (in->expected_diff_id && !streq(diff_id, in->expected_diff_id))
		return sk_err_corrupt(err,
				      "layer %s: diff ID mismatch: got %s, image config says %s",
				      in->blob_digest, diff_id, in->expected_diff_id);
	return 0;
}

/* Under the store lock: move the unpacked tree into place and record it. */
static int layer_commit(struct store *s, const struct store_layer_input *in, const char *work,
			const char *chain_id, const char *diff_id, uint64_t size,
			struct sk_error **err)
{
	const char *hex = digest_hex(chain_id);
	_cleanup_free_ char *final = path_join(s->layers_dir, hex);
	/* A directory without a row is what a killed earlier attempt left: replace it. */
	fs_rm_rf(final);
	if (rename(work, final) < 0)
		return sk_err_system(err, errno, "move layer into %s: %s", final, strerror(errno));
	char short_name[11];
	short_name_new(short_name);
	_cleanup_free_ char *link = xasprintf("%s/l/%s", s->layers_dir, short_name);
	_cleanup_free_ char *target =
		xasprintf("../%s%s", hex, s->driver == STORE_DRIVER_OVERLAY ? "/diff" : "");
	if (symlink(target, link) < 0)
		return sk_err_system(err, errno, "link %s: %s", link, strerror(errno));
	int r = store_blob_commit_file(s, in->blob_path, in->blob_digest, in->blob_size,
				       in->blob_media_type, err);
	if (r < 0)
		return r;
	struct state_layer row = {
		.chain_id = (char *)chain_id,
		.parent = (char *)in->parent_chain,
		.diff_id = (char *)diff_id,
		.blob_digest = (char *)in->blob_digest,
		.blob_media_type = (char *)in->blob_media_type,
		.blob_size = in->blob_size,
		.diff_size = size,
		.dir = (char *)hex,
		.short_name = short_name,
		.created = time_now_ns(),
	};
	return state_layer_insert(s->db, &row, err);
}

int store_layer_create(struct store *s, const struct store_layer_input *in,
		       char ret_chain_id[DIGEST_STR_LEN], struct sk_error **err)
{
	_cleanup_free_ char *work = NULL;
	_cleanup_close_ int work_lock = -1;
	int r = store_tmpdir_new(s, "layer-", &work, &work_lock, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tree =
		s->driver == STORE_DRIVER_OVERLAY ? path_join(work, "diff") : xstrdup(work);
	if (s->driver == STORE_DRIVER_OVERLAY && mkdir(tree, 0755) < 0)
		r = sk_err_system(err, errno, "create %s: %s", tree, strerror(errno));
	/* mkdtemp made the vfs tree 0700; an image's "/" is 0555 unless its tar says else. */
	else if (s->driver == STORE_DRIVER_VFS && chmod(tree, 0555) < 0)
		r = sk_err_system(err, errno, "chmod %s: %s", tree, strerror(errno));
	else if (s->driver == STORE_DRIVER_VFS && in->parent_chain)
		r = copy_parent_tree(s, in->parent_chain, tree, err);
	char diff_id[DIGEST_STR_LEN], chain[DIGEST_STR_LEN];
	uint64_t size = 0;
	if (r >= 0)
		r = unpack_into(s, in, tree, diff_id, &size, err);
	if (r >= 0) {
		store_layer_chain_id(in->parent_chain, diff_id, chain);
		r = store_lock(s, err);
	}
	if (r >= 0) {
		r = store_layer_exists(s, chain, err);
		if (r == 0)
			r = layer_commit(s, in, work, chain, diff_id, size, err);
		else if (r > 0)
			r = 0; /* another command made it meanwhile: ours is discarded */
		store_unlock(s);
	}
	store_tmpdir_remove(work);
	if (r < 0)
		return r;
	memcpy(ret_chain_id, chain, DIGEST_STR_LEN);
	return 0;
}

static int remove_layer_dir(struct store *s, const struct state_layer *l)
{
	_cleanup_free_ char *link = xasprintf("%s/l/%s", s->layers_dir, l->short_name);
	unlink(link);
	_cleanup_free_ char *dir = path_join(s->layers_dir, l->dir);
	return fs_rm_rf(dir);
}

/* Directories (and short links) that no layer row names are leftovers of killed commands. */
static void sweep_orphans(struct store *s, char **known)
{
	DIR *d = opendir(s->layers_dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || streq(de->d_name, "l") ||
		    strv_contains(known, de->d_name))
			continue;
		_cleanup_free_ char *p = path_join(s->layers_dir, de->d_name);
		fs_rm_rf(p);
	}
	closedir(d);
	_cleanup_free_ char *ldir = path_join(s->layers_dir, "l");
	d = opendir(ldir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = path_join(ldir, de->d_name);
		struct stat st;
		if (stat(p, &st) < 0 && errno == ENOENT)
			unlink(p);
	}
	closedir(d);
}

int store_layer_lease(struct store *s, const char *holder, char *const *chain_ids,
		      struct sk_error **err)
{
	int r = store_lock(s, err);
	if (r < 0)
		return r;
	r = state_db_begin(s->db, err);
	for (size_t i = 0; r >= 0 && chain_ids && chain_ids[i]; i++)
		r = state_layer_lease_add(s->db, chain_ids[i], holder, err);
	if (r >= 0)
		r = state_db_commit(s->db, err);
	else
		state_db_rollback(s->db);
	store_unlock(s);
	return r;
}

void store_layer_release(struct store *s, const char *holder)
{
	state_layer_lease_drop_holder(s->db, holder, NULL);
}

/* A holder whose work-directory lock nobody holds any more has died or finished. */
static bool lease_holder_alive(const char *holder)
{
	_cleanup_free_ char *lock = xasprintf("%s.lock", holder);
	_cleanup_close_ int fd = open(lock, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	return flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

static int drop_stale_leases(struct store *s, struct sk_error **err)
{
	_cleanup_strv_free_ char **holders = NULL;
	int r = state_layer_lease_holders(s->db, &holders, err);
	STRV_FOREACH (h, holders) {
		if (r < 0)
			break;
		if (!lease_holder_alive(*h))
			r = state_layer_lease_drop_holder(s->db, *h, err);
	}
	return r;
}

int store_layer_gc(struct store *s, struct sk_error **err)
{
	store_sweep_tmp(s);
	int r = store_lock(s, err);
	if (r < 0)
		return r;
	struct state_layer **unused = NULL;
	r = state_db_begin(s->db, err);
	if (r >= 0)
		r = drop_stale_leases(s, err);
	if (r >= 0)
		r = state_layer_list_unused(s->db, &unused, err);
	for (size_t i = 0; r >= 0 && unused && unused[i]; i++)
		r = state_layer_delete(s->db, unused[i]->chain_id, err);
	if (r >= 0)
		r = state_db_commit(s->db, err);
	else
		state_db_rollback(s->db);
	/* Rows first, directories after: a crash in between only leaves orphans to sweep. */
	for (size_t i = 0; r >= 0 && unused && unused[i]; i++)
		remove_layer_dir(s, unused[i]);
	state_layer_list_free(unused);
	if (r >= 0) {
		_cleanup_strv_free_ char **known = NULL;
		r = state_layer_list_dirs(s->db, &known, err);
		if (r >= 0)
			sweep_orphans(s, known);
		store_idmap_gc(s);
	}
	if (r >= 0)
		r = store_blob_gc(s, err);
	store_unlock(s);
	return r;
}
