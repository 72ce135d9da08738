/* SPDX-License-Identifier: Apache-2.0 */
#include "db.h"

#include <errno.h>
#include <string.h>

#include "state/schema.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

int state_db_error(struct state_db *db, const char *what, struct sk_error **err)
{
	int code = db && db->conn ? sqlite3_errcode(db->conn) : SQLITE_ERROR;
	const char *msg = db && db->conn ? sqlite3_errmsg(db->conn) : "no database";
	int e = EIO;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		e = EBUSY;
	else if (code == SQLITE_FULL)
		e = ENOSPC;
	else if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_AUTH)
		e = EACCES;
	else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return sk_error_set(err, SK_ERR_CORRUPT, EBADMSG, "%s: database %s: %s", what,
				    db ? db->path : "", msg);
	return sk_error_set(err, SK_ERR_SYSTEM, e, "%s: %s", what, msg);
}

int state_db_prepare(struct state_db *db, const char *sql, sqlite3_stmt **ret,
		     struct sk_error **err)
{
	if (sqlite3_prepare_v2(db->conn, sql, -1, ret, NULL) != SQLITE_OK)
		return state_db_error(db, "prepare statement", err);
	return 0;
}

int state_db_exec(struct state_db *db, const char *sql, struct sk_error **err)
{
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return state_db_error(db, "database", err);
	return 0;
}

int state_db_step_done(struct state_db *db, sqlite3_stmt *st, struct sk_error **err)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return state_db_error(db, "database write", err);
	return 0;
}

void state_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

const char *state_column_text(sqlite3_stmt *st, int idx)
{
	return (const char *)sqlite3_column_text(st, idx);
}

int state_db_begin(struct state_db *db, struct sk_error **err)
{
	if (db->txn_depth++ > 0)
		return 0;
	int r = state_db_exec(db, "BEGIN IMMEDIATE", err);
	if (r < 0)
		db->txn_depth = 0;
	return r;
}

int state_db_commit(struct state_db *db, struct sk_error **err)
{
	if (db->txn_depth == 0)
		return sk_err_internal(err, "commit without a transaction");
	if (--db->txn_depth > 0)
		return 0;
	int r = state_db_exec(db, "COMMIT", err);
	if (r < 0)
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

void state_db_rollback(struct state_db *db)
{
	if (db->txn_depth == 0)
		return;
	db->txn_depth = 0;
	sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int db_user_version(struct state_db *db, int *ret, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "PRAGMA user_version", &st, err);
	if (r < 0)
		return r;
	if (sqlite3_step(st) != SQLITE_ROW)
		return state_db_error(db, "read schema version", err);
	*ret = sqlite3_column_int(st, 0);
	return 0;
}

/* Apply every migration past the stored version, each in the same transaction as its
 * version bump, so a killed migration leaves the previous schema intact. */
static int db_migrate(struct state_db *db, struct sk_error **err)
{
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	int version = 0;
	r = db_user_version(db, &version, err);
	if (r < 0)
		goto fail;
	int target = state_schema_count();
	if (version > target) {
		r = sk_error_set(err, SK_ERR_STATE, EPROTO,
				 "database %s has schema version %d, newer than this selkie "
				 "understands (%d)",
				 db->path, version, target);
		goto fail;
	}
	for (int v = version; v < target; v++) {
		r = state_db_exec(db, state_schema_migration(v), err);
		if (r < 0) {
			sk_error_wrap(err, "migrate database to version %d", v + 1);
			goto fail;
		}
	}
	if (version != target) {
		_cleanup_free_ char *sql = xasprintf("PRAGMA user_version = %d", target);
		r = state_db_exec(db, sql, err);
		if (r < 0)
			goto fail;
	}
	return state_db_commit(db, err);
fail:
	state_db_rollback(db);
	return r;
}

int state_db_schema_version(void)
{
	return state_schema_count();
}

int state_db_open(const char *path, struct state_db **ret, struct sk_error **err)
{
	_cleanup_free_ struct state_db *db = xnew(struct state_db, 1);
	db->path = xstrdup(path);
	int r = fs_mkdir_parents(path, 0700);
	if (r < 0) {
		free(db->path);
		return sk_err_system(err, r, "create directory for %s: %s", path, strerror(-r));
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db->conn, flags, NULL) != SQLITE_OK) {
		r = state_db_error(db, "open state database", err);
		sqlite3_close(db->conn);
		free(db->path);
		return r;
	}
	sqlite3_busy_timeout(db->conn, 60000);
	/* WAL lets readers (ps, images) run while another selkie writes. */
	r = state_db_exec(db,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			  "PRAGMA foreign_keys=ON;",
			  err);
	if (r >= 0)
		r = db_migrate(db, err);
	if (r < 0) {
		sk_error_wrap(err, "state database %s", path);
		sqlite3_close(db->conn);
		free(db->path);
		return r;
	}
	*ret = TAKE_PTR(db);
	return 0;
}

void state_db_close(struct state_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->conn);
	free(db->path);
	free(db);
}

char *state_column_dup(sqlite3_stmt *st, int idx)
{
	const char *s = state_column_text(st, idx);
	return s ? xstrdup(s) : NULL;
}

int state_query_strv(struct state_db *db, const char *sql, const char *arg, char ***ret,
		     struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, sql, &st, err);
	if (r < 0)
		return r;
	if (arg)
		state_bind_text(st, 1, arg);
	char **v = xnew(char *, 1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = state_column_text(st, 0);
		strv_push(&v, s ? s : "");
	}
	if (rc != SQLITE_DONE) {
		strv_free(v);
		return state_db_error(db, "query", err);
	}
	*ret = v;
	return 0;
}

int state_db_exec1(struct state_db *db, const char *sql, const char *a, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, sql, &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, a);
	return state_db_step_done(db, st, err);
}
