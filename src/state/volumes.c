/* SPDX-License-Identifier: Apache-2.0 */
#include "volumes.h"

#include <errno.h>
#include <string.h>

#include "util/xalloc.h"

void state_volume_free(struct state_volume *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->driver);
	free(v->mountpoint);
	free(v->labels);
	free(v->options);
	free(v);
}

void state_volume_list_free(struct state_volume **list)
{
	for (size_t i = 0; list && list[i]; i++)
		state_volume_free(list[i]);
	free(list);
}

#define VOLUME_COLS                                                                                \
	"name, driver, mountpoint, created, labels, options, anonymous, needs_copy_up, uid, gid"

static struct state_volume *volume_from_row(sqlite3_stmt *st)
{
	struct state_volume *v = xnew(struct state_volume, 1);
	v->name = state_column_dup(st, 0);
	v->driver = state_column_dup(st, 1);
	v->mountpoint = state_column_dup(st, 2);
	v->created = sqlite3_column_int64(st, 3);
	v->labels = state_column_dup(st, 4);
	v->options = state_column_dup(st, 5);
	v->anonymous = sqlite3_column_int(st, 6) != 0;
	v->needs_copy_up = sqlite3_column_int(st, 7) != 0;
	v->uid = sqlite3_column_int(st, 8);
	v->gid = sqlite3_column_int(st, 9);
	return v;
}

int state_volume_insert(struct state_db *db, const struct state_volume *v, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(
		db, "INSERT INTO volumes (" VOLUME_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?)", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, v->name);
	state_bind_text(st, 2, v->driver ? v->driver : "local");
	state_bind_text(st, 3, v->mountpoint);
	sqlite3_bind_int64(st, 4, v->created);
	state_bind_text(st, 5, v->labels);
	state_bind_text(st, 6, v->options);
	sqlite3_bind_int(st, 7, v->anonymous);
	sqlite3_bind_int(st, 8, v->needs_copy_up);
	sqlite3_bind_int(st, 9, v->uid);
	sqlite3_bind_int(st, 10, v->gid);
	if (sqlite3_step(st) == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(db->conn) == SQLITE_CONSTRAINT_PRIMARYKEY)
		return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
				    "volume with name %s already exists: volume already exists",
				    v->name);
	return state_db_error(db, "database write", err);
}

int state_volume_get(struct state_db *db, const char *name, struct state_volume **ret,
		     struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "SELECT " VOLUME_COLS " FROM volumes WHERE name = ?", &st,
				 err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return sk_err_notfound(err, "no volume with name \"%s\" found: no such volume",
				       name);
	if (rc != SQLITE_ROW)
		return state_db_error(db, "read volume", err);
	*ret = volume_from_row(st);
	return 0;
}

int state_volume_list(struct state_db *db, struct state_volume ***ret, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "SELECT " VOLUME_COLS " FROM volumes ORDER BY name", &st, err);
	if (r < 0)
		return r;
	_cleanup_state_volume_list_ struct state_volume **list = xnew(struct state_volume *, 1);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 2, sizeof(*list));
		list[n++] = volume_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE)
		return state_db_error(db, "list volumes", err);
	*ret = TAKE_PTR(list);
	return 0;
}

int state_volume_delete(struct state_db *db, const char *name, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "DELETE FROM volumes WHERE name = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(db->conn) == SQLITE_CONSTRAINT_FOREIGNKEY)
			return sk_error_set(err, SK_ERR_INUSE, EBUSY,
					    "volume %s is being used by a container: volume is "
					    "being used",
					    name);
		return state_db_error(db, "delete volume", err);
	}
	if (sqlite3_changes(db->conn) == 0)
		return sk_err_notfound(err, "no volume with name \"%s\" found: no such volume",
				       name);
	return 0;
}

int state_volume_set_needs_copy_up(struct state_db *db, const char *name, bool needs_copy_up,
				   struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "UPDATE volumes SET needs_copy_up = ? WHERE name = ?", &st,
				 err);
	if (r < 0)
		return r;
	sqlite3_bind_int(st, 1, needs_copy_up);
	state_bind_text(st, 2, name);
	r = state_db_step_done(db, st, err);
	if (r < 0)
		return r;
	if (sqlite3_changes(db->conn) == 0)
		return sk_err_notfound(err, "no volume with name \"%s\" found: no such volume",
				       name);
	return 0;
}

int state_volume_names_in_use(struct state_db *db, char ***ret, struct sk_error **err)
{
	return state_query_strv(db, "SELECT DISTINCT volume FROM container_volumes ORDER BY volume",
				NULL, ret, err);
}
