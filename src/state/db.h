/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite state database: opening (WAL, busy timeout), schema migrations, transactions. */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct state_db {
	sqlite3 *conn;
	char *path;
	int txn_depth;
};

DEFINE_CLEANUP_FUNC(sqlite3_stmt *, sqlite3_finalize)
#define _cleanup_stmt_ _cleanup_(sqlite3_finalizep)

/* Open (creating and migrating) the database at path. */
int state_db_open(const char *path, struct state_db **ret, struct sk_error **err);
void state_db_close(struct state_db *db);
/* The schema version this binary writes. */
int state_db_schema_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; nested calls only count depth. */
int state_db_begin(struct state_db *db, struct sk_error **err);
int state_db_commit(struct state_db *db, struct sk_error **err);
void state_db_rollback(struct state_db *db);

/* Prepare a statement; on failure the error names the SQL problem. */
int state_db_prepare(struct state_db *db, const char *sql, sqlite3_stmt **ret,
		     struct sk_error **err);
/* Run a statement with no result rows; -errno + err on failure. */
int state_db_exec(struct state_db *db, const char *sql, struct sk_error **err);
/* Step a statement expecting SQLITE_DONE. */
int state_db_step_done(struct state_db *db, sqlite3_stmt *st, struct sk_error **err);
/* An sk_error from the connection's last failure. */
int state_db_error(struct state_db *db, const char *what, struct sk_error **err);

/* Bind helpers: NULL strings bind SQL NULL. */
void state_bind_text(sqlite3_stmt *st, int idx, const char *s);
const char *state_column_text(sqlite3_stmt *st, int idx);
/* The column as an allocated string, NULL for SQL NULL. */
char *state_column_dup(sqlite3_stmt *st, int idx);
/* The first column of every row of sql (with one optional text parameter) as a strv. */
int state_query_strv(struct state_db *db, const char *sql, const char *arg, char ***ret,
		     struct sk_error **err);
/* Run sql (no result rows) with one text parameter. */
int state_db_exec1(struct state_db *db, const char *sql, const char *a, struct sk_error **err);
