/* SPDX-License-Identifier: Apache-2.0 */
#include "images.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"

bool state_image_is_dangling(const struct state_image *img)
{
	return strv_length(img->names) == 0 && strv_length(img->repo_digests) == 0;
}

void state_layer_free(struct state_layer *l)
{
	if (!l)
		return;
	free(l->chain_id);
	free(l->parent);
	free(l->diff_id);
	free(l->blob_digest);
	free(l->blob_media_type);
	free(l->dir);
	free(l->short_name);
	free(l);
}

void state_layer_list_free(struct state_layer **list)
{
	for (size_t i = 0; list && list[i]; i++)
		state_layer_free(list[i]);
	free(list);
}

void state_image_free(struct state_image *img)
{
	if (!img)
		return;
	free(img->id);
	free(img->digest);
	free(img->manifest_media_type);
	free(img->top_layer);
	free(img->labels);
	strv_free(img->names);
	strv_free(img->repo_digests);
	strv_free(img->layers);
	strv_free(img->blobs);
	free(img);
}

void state_image_list_free(struct state_image **list)
{
	for (size_t i = 0; list && list[i]; i++)
		state_image_free(list[i]);
	free(list);
}

#define LAYER_COLS                                                                                 \
	"chain_id, parent, diff_id, blob_digest, blob_media_type, blob_size, diff_size, dir, "     \
	"short_name, created"

static struct state_layer *layer_from_row(sqlite3_stmt *st)
{
	struct state_layer *l = xnew(struct state_layer, 1);
	l->chain_id = state_column_dup(st, 0);
	l->parent = state_column_dup(st, 1);
	l->diff_id = state_column_dup(st, 2);
	l->blob_digest = state_column_dup(st, 3);
	l->blob_media_type = state_column_dup(st, 4);
	l->blob_size = (uint64_t)sqlite3_column_int64(st, 5);
	l->diff_size = (uint64_t)sqlite3_column_int64(st, 6);
	l->dir = state_column_dup(st, 7);
	l->short_name = state_column_dup(st, 8);
	l->created = sqlite3_column_int64(st, 9);
	return l;
}

int state_layer_get(struct state_db *db, const char *chain_id, struct state_layer **ret,
		    struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "SELECT " LAYER_COLS " FROM layers WHERE chain_id = ?", &st,
				 err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, chain_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return sk_err_notfound(err, "layer %s: layer not known", chain_id);
	if (rc != SQLITE_ROW)
		return state_db_error(db, "read layer", err);
	*ret = layer_from_row(st);
	return 0;
}

int state_layer_insert(struct state_db *db, const struct state_layer *l, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO layers (" LAYER_COLS ") VALUES "
				 "(?,?,?,?,?,?,?,?,?,?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, l->chain_id);
	state_bind_text(st, 2, l->parent);
	state_bind_text(st, 3, l->diff_id);
	state_bind_text(st, 4, l->blob_digest);
	state_bind_text(st, 5, l->blob_media_type);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)l->blob_size);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)l->diff_size);
	state_bind_text(st, 8, l->dir);
	state_bind_text(st, 9, l->short_name);
	sqlite3_bind_int64(st, 10, l->created);
	return state_db_step_done(db, st, err);
}

int state_layer_delete(struct state_db *db, const char *chain_id, struct sk_error **err)
{
	return state_db_exec1(db, "DELETE FROM layers WHERE chain_id = ?", chain_id, err);
}

int state_layer_list_unused(struct state_db *db, struct state_layer ***ret, struct sk_error **err)
{
	/* A layer is used when an image lists it or another layer has it as parent; deleting
	 * in rounds (top first) frees whole unused chains. */
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "SELECT " LAYER_COLS " FROM layers l WHERE "
				 "NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.chain_id = "
				 "l.chain_id) AND NOT EXISTS (SELECT 1 FROM layer_leases ll WHERE "
				 "ll.chain_id = l.chain_id) ORDER BY created DESC",
				 &st, err);
	if (r < 0)
		return r;
	struct state_layer **list = xnew(struct state_layer *, 1);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 2, sizeof(*list));
		list[n++] = layer_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		state_layer_list_free(list);
		return state_db_error(db, "list layers", err);
	}
	*ret = list;
	return 0;
}

int state_layer_lease_add(struct state_db *db, const char *chain_id, const char *holder,
			  struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT OR IGNORE INTO layer_leases (chain_id, holder) "
				 "VALUES (?, ?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, chain_id);
	state_bind_text(st, 2, holder);
	return state_db_step_done(db, st, err);
}

int state_layer_lease_drop_holder(struct state_db *db, const char *holder, struct sk_error **err)
{
	return state_db_exec1(db, "DELETE FROM layer_leases WHERE holder = ?", holder, err);
}

int state_layer_lease_holders(struct state_db *db, char ***ret, struct sk_error **err)
{
	return state_query_strv(db, "SELECT DISTINCT holder FROM layer_leases", NULL, ret, err);
}

int state_layer_list_dirs(struct state_db *db, char ***ret, struct sk_error **err)
{
	return state_query_strv(db, "SELECT dir FROM layers", NULL, ret, err);
}

#define IMAGE_COLS                                                                                 \
	"id, digest, manifest_media_type, top_layer, created, added, size, read_only, labels"

static int image_fill(struct state_db *db, struct state_image *img, struct sk_error **err)
{
	int r = state_query_strv(db,
				 "SELECT name FROM image_names WHERE image_id = ? ORDER BY added, "
				 "rowid",
				 img->id, &img->names, err);
	if (r >= 0)
		r = state_query_strv(db,
				     "SELECT repo || '@' || digest FROM image_digests WHERE "
				     "image_id = ? ORDER BY repo, digest",
				     img->id, &img->repo_digests, err);
	if (r >= 0)
		r = state_query_strv(db,
				     "SELECT chain_id FROM image_layers WHERE image_id = ? ORDER "
				     "BY idx",
				     img->id, &img->layers, err);
	if (r >= 0)
		r = state_query_strv(db, "SELECT digest FROM image_blobs WHERE image_id = ?",
				     img->id, &img->blobs, err);
	return r;
}

static struct state_image *image_from_row(sqlite3_stmt *st)
{
	struct state_image *img = xnew(struct state_image, 1);
	img->id = state_column_dup(st, 0);
	img->digest = state_column_dup(st, 1);
	img->manifest_media_type = state_column_dup(st, 2);
	img->top_layer = state_column_dup(st, 3);
	img->created = sqlite3_column_int64(st, 4);
	img->added = sqlite3_column_int64(st, 5);
	img->size = (uint64_t)sqlite3_column_int64(st, 6);
	img->read_only = sqlite3_column_int(st, 7) != 0;
	img->labels = state_column_dup(st, 8);
	return img;
}

int state_image_get(struct state_db *db, const char *id, struct state_image **ret,
		    struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "SELECT " IMAGE_COLS " FROM images WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return sk_err_notfound(err, "%s: image not known", id);
	if (rc != SQLITE_ROW)
		return state_db_error(db, "read image", err);
	_cleanup_state_image_ struct state_image *img = image_from_row(st);
	r = image_fill(db, img, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(img);
	return 0;
}

static int cmp_image_id(const void *a, const void *b)
{
	return strcmp((*(struct state_image *const *)a)->id, (*(struct state_image *const *)b)->id);
}

/* Append each row's second column to the list the first column's image owns. */
static int bulk_fill(struct state_db *db, const char *sql, struct state_image **by_id, size_t n,
		     size_t list_offset, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, sql, &st, err);
	if (r < 0)
		return r;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct state_image key = { .id = (char *)state_column_text(st, 0) };
		struct state_image *kp = &key;
		struct state_image **hit = bsearch(&kp, by_id, n, sizeof(*by_id), cmp_image_id);
		const char *v = state_column_text(st, 1);
		if (hit && v)
			strv_push((char ***)((char *)*hit + list_offset), v);
	}
	if (rc != SQLITE_DONE)
		return state_db_error(db, "list images", err);
	return 0;
}

/* Four queries for the whole list instead of four per image: `images` with hundreds of
 * images stays fast. */
static int image_list_fill(struct state_db *db, struct state_image **list, size_t n,
			   struct sk_error **err)
{
	_cleanup_free_ struct state_image **by_id = xnew(struct state_image *, n + 1);
	memcpy(by_id, list, n * sizeof(*by_id));
	qsort(by_id, n, sizeof(*by_id), cmp_image_id);
	for (size_t i = 0; i < n; i++) {
		list[i]->names = xnew(char *, 1);
		list[i]->repo_digests = xnew(char *, 1);
		list[i]->layers = xnew(char *, 1);
		list[i]->blobs = xnew(char *, 1);
	}
	int r = bulk_fill(db, "SELECT image_id, name FROM image_names ORDER BY added, rowid", by_id,
			  n, offsetof(struct state_image, names), err);
	if (r >= 0)
		r = bulk_fill(db,
			      "SELECT image_id, repo || '@' || digest FROM image_digests ORDER BY "
			      "repo, digest",
			      by_id, n, offsetof(struct state_image, repo_digests), err);
	if (r >= 0)
		r = bulk_fill(db, "SELECT image_id, chain_id FROM image_layers ORDER BY idx", by_id,
			      n, offsetof(struct state_image, layers), err);
	if (r >= 0)
		r = bulk_fill(db, "SELECT image_id, digest FROM image_blobs", by_id, n,
			      offsetof(struct state_image, blobs), err);
	return r;
}

int state_image_list(struct state_db *db, struct state_image ***ret, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "SELECT " IMAGE_COLS " FROM images ORDER BY created DESC, "
				 "added DESC",
				 &st, err);
	if (r < 0)
		return r;
	struct state_image **list = xnew(struct state_image *, 1);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 2, sizeof(*list));
		list[n++] = image_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		state_image_list_free(list);
		return state_db_error(db, "list images", err);
	}
	r = image_list_fill(db, list, n, err);
	if (r < 0) {
		state_image_list_free(list);
		return r;
	}
	*ret = list;
	return 0;
}

int state_image_id_by_name(struct state_db *db, const char *name, char **ret_id,
			   struct sk_error **err)
{
	_cleanup_strv_free_ char **ids = NULL;
	int r = state_query_strv(db, "SELECT image_id FROM image_names WHERE name = ?", name, &ids,
				 err);
	if (r < 0)
		return r;
	if (!ids[0])
		return sk_err_notfound(err, "%s: image not known", name);
	*ret_id = xstrdup(ids[0]);
	return 0;
}

int state_image_names_all(struct state_db *db, char ***ret_names, char ***ret_ids,
			  struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "SELECT n.name, n.image_id FROM image_names n JOIN images i "
				 "ON i.id = n.image_id ORDER BY i.created DESC, i.added DESC",
				 &st, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **names = xnew(char *, 1), **ids = xnew(char *, 1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strv_push(&names, state_column_text(st, 0));
		strv_push(&ids, state_column_text(st, 1));
	}
	if (rc != SQLITE_DONE)
		return state_db_error(db, "list image names", err);
	*ret_names = TAKE_PTR(names);
	*ret_ids = TAKE_PTR(ids);
	return 0;
}

int state_image_ids_by_prefix(struct state_db *db, const char *prefix, char ***ret,
			      struct sk_error **err)
{
	_cleanup_free_ char *pattern = xasprintf("%s*", prefix);
	return state_query_strv(db, "SELECT id FROM images WHERE id GLOB ?", pattern, ret, err);
}

int state_image_ids_by_digest(struct state_db *db, const char *digest, char ***ret,
			      struct sk_error **err)
{
	return state_query_strv(
		db,
		"SELECT id FROM images WHERE digest = ?1 UNION SELECT image_id FROM "
		"image_digests WHERE digest = ?1",
		digest, ret, err);
}

static int put_list(struct state_db *db, const char *sql, const char *id, char *const *items,
		    bool with_index, struct sk_error **err)
{
	for (size_t i = 0; items && items[i]; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		int r = state_db_prepare(db, sql, &st, err);
		if (r < 0)
			return r;
		state_bind_text(st, 1, id);
		if (with_index) {
			sqlite3_bind_int(st, 2, (int)i);
			state_bind_text(st, 3, items[i]);
		} else {
			state_bind_text(st, 2, items[i]);
		}
		r = state_db_step_done(db, st, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int state_image_put(struct state_db *db, const struct state_image *img, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO images (" IMAGE_COLS ") VALUES (?,?,?,?,?,?,?,?,?) "
				 "ON CONFLICT(id) DO UPDATE SET digest=excluded.digest, "
				 "manifest_media_type=excluded.manifest_media_type",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, img->id);
	state_bind_text(st, 2, img->digest);
	state_bind_text(st, 3, img->manifest_media_type);
	state_bind_text(st, 4, img->top_layer);
	sqlite3_bind_int64(st, 5, img->created);
	sqlite3_bind_int64(st, 6, img->added);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)img->size);
	sqlite3_bind_int(st, 8, img->read_only);
	state_bind_text(st, 9, img->labels);
	r = state_db_step_done(db, st, err);
	if (r < 0)
		return r;
	r = state_db_exec1(db, "DELETE FROM image_layers WHERE image_id = ?", img->id, err);
	if (r >= 0)
		r = put_list(db,
			     "INSERT INTO image_layers (image_id, idx, chain_id) VALUES (?,?,?)",
			     img->id, img->layers, true, err);
	if (r >= 0)
		r = put_list(db,
			     "INSERT OR IGNORE INTO image_blobs (image_id, digest) VALUES (?,?)",
			     img->id, img->blobs, false, err);
	return r;
}

int state_image_delete(struct state_db *db, const char *id, struct sk_error **err)
{
	return state_db_exec1(db, "DELETE FROM images WHERE id = ?", id, err);
}

int state_image_name_set(struct state_db *db, const char *id, const char *name,
			 struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO image_names (name, image_id, added) VALUES "
				 "(?, ?, strftime('%s','now') * 1000000000) ON CONFLICT(name) DO "
				 "UPDATE SET image_id = excluded.image_id, added = excluded.added "
				 "WHERE image_id != excluded.image_id",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, name);
	state_bind_text(st, 2, id);
	return state_db_step_done(db, st, err);
}

int state_image_name_remove(struct state_db *db, const char *id, const char *name,
			    struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "DELETE FROM image_names WHERE image_id = ? AND name = ?", &st,
				 err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, id);
	state_bind_text(st, 2, name);
	r = state_db_step_done(db, st, err);
	if (r < 0)
		return r;
	if (sqlite3_changes(db->conn) == 0)
		return sk_err_notfound(err, "%s: tag not known", name);
	return 0;
}

int state_image_digests_prune(struct state_db *db, const char *id, bool all, struct sk_error **err)
{
	if (all)
		return state_db_exec1(db, "DELETE FROM image_digests WHERE image_id = ?", id, err);
	/* A name is "repo:tag"; its repository is everything before the last ':' after the
	 * last '/'. */
	_cleanup_strv_free_ char **names = NULL, **repos = NULL;
	int r = state_query_strv(db, "SELECT name FROM image_names WHERE image_id = ?", id, &names,
				 err);
	if (r < 0)
		return r;
	STRV_FOREACH (n, names) {
		const char *slash = strrchr(*n, '/'), *colon = strrchr(slash ? slash : *n, ':');
		strv_push_take(&repos, colon ? xstrndup(*n, (size_t)(colon - *n)) : xstrdup(*n));
	}
	_cleanup_strv_free_ char **have = NULL;
	r = state_query_strv(db, "SELECT DISTINCT repo FROM image_digests WHERE image_id = ?", id,
			     &have, err);
	STRV_FOREACH (h, have) {
		if (r < 0)
			break;
		if (strv_contains(repos, *h))
			continue;
		_cleanup_stmt_ sqlite3_stmt *st = NULL;
		r = state_db_prepare(
			db, "DELETE FROM image_digests WHERE image_id = ? AND repo = ?", &st, err);
		if (r < 0)
			break;
		state_bind_text(st, 1, id);
		state_bind_text(st, 2, *h);
		r = state_db_step_done(db, st, err);
	}
	return r;
}

int state_image_digest_add(struct state_db *db, const char *id, const char *repo,
			   const char *digest, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT OR IGNORE INTO image_digests (image_id, repo, digest) "
				 "VALUES (?,?,?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, id);
	state_bind_text(st, 2, repo);
	state_bind_text(st, 3, digest);
	return state_db_step_done(db, st, err);
}

int state_blob_put(struct state_db *db, const char *digest, uint64_t size, const char *media_type,
		   struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT OR IGNORE INTO blobs (digest, size, media_type) VALUES "
				 "(?,?,?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, digest);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	state_bind_text(st, 3, media_type);
	return state_db_step_done(db, st, err);
}

int state_blob_list_unused(struct state_db *db, char ***ret, struct sk_error **err)
{
	return state_query_strv(db,
				"SELECT digest FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM "
				"image_blobs ib WHERE ib.digest = b.digest)",
				NULL, ret, err);
}

int state_blob_delete(struct state_db *db, const char *digest, struct sk_error **err)
{
	return state_db_exec1(db, "DELETE FROM blobs WHERE digest = ?", digest, err);
}

int state_blob_exists(struct state_db *db, const char *digest, struct sk_error **err)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = state_query_strv(db, "SELECT digest FROM blobs WHERE digest = ?", digest, &v, err);
	if (r < 0)
		return r;
	return v[0] ? 1 : 0;
}
