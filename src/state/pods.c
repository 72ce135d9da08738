/* SPDX-License-Identifier: Apache-2.0 */
#include "pods.h"

#include <errno.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

void state_pod_free(struct state_pod *p)
{
	if (!p)
		return;
	free(p->id);
	free(p->name);
	free(p->infra_id);
	free(p->config);
	free(p->labels);
	free(p);
}

void state_pod_list_free(struct state_pod **list)
{
	for (size_t i = 0; list && list[i]; i++)
		state_pod_free(list[i]);
	free(list);
}

#define POD_COLS "id, name, created, infra_id, config, labels"

static struct state_pod *pod_from_row(sqlite3_stmt *st)
{
	struct state_pod *p = xnew(struct state_pod, 1);
	p->id = state_column_dup(st, 0);
	p->name = state_column_dup(st, 1);
	p->created = sqlite3_column_int64(st, 2);
	p->infra_id = state_column_dup(st, 3);
	p->config = state_column_dup(st, 4);
	p->labels = state_column_dup(st, 5);
	return p;
}

int state_pod_insert(struct state_db *db, const struct state_pod *p, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "INSERT INTO pods (" POD_COLS ") VALUES (?,?,?,?,?,?)", &st,
				 err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, p->id);
	state_bind_text(st, 2, p->name);
	sqlite3_bind_int64(st, 3, p->created);
	state_bind_text(st, 4, p->infra_id);
	state_bind_text(st, 5, p->config ? p->config : "{}");
	state_bind_text(st, 6, p->labels);
	if (sqlite3_step(st) == SQLITE_DONE)
		return 0;
	int ext = sqlite3_extended_errcode(db->conn);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return sk_error_set(
			err, SK_ERR_EXISTS, EEXIST,
			"adding pod to state: name \"%s\" is in use: pod already exists", p->name);
	return state_db_error(db, "database write", err);
}

static int get_where(struct state_db *db, const char *where, const char *arg,
		     struct state_pod ***ret, struct sk_error **err)
{
	_cleanup_free_ char *sql = xasprintf("SELECT " POD_COLS " FROM pods %s", where);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, sql, &st, err);
	if (r < 0)
		return r;
	if (arg)
		state_bind_text(st, 1, arg);
	_cleanup_state_pod_list_ struct state_pod **list = xnew(struct state_pod *, 1);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 2, sizeof(*list));
		list[n++] = pod_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE)
		return state_db_error(db, "read pods", err);
	*ret = TAKE_PTR(list);
	return 0;
}

static int not_found(const char *name, struct sk_error **err)
{
	return sk_err_notfound(err, "no pod with name or ID %s found: no such pod", name);
}

static bool is_hex_prefix(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

int state_pod_lookup(struct state_db *db, const char *name_or_id, struct state_pod **ret,
		     struct sk_error **err)
{
	_cleanup_state_pod_list_ struct state_pod **list = NULL;
	int r = get_where(db, "WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC", name_or_id, &list,
			  err);
	if (r < 0)
		return r;
	if (list[0]) {
		*ret = TAKE_PTR(list[0]);
		return 0;
	}
	if (!is_hex_prefix(name_or_id))
		return not_found(name_or_id, err);
	state_pod_list_free(TAKE_PTR(list));
	_cleanup_free_ char *pattern = xasprintf("%s%%", name_or_id);
	r = get_where(db, "WHERE id LIKE ?", pattern, &list, err);
	if (r < 0)
		return r;
	if (!list[0])
		return not_found(name_or_id, err);
	if (list[1]) {
		_cleanup_strbuf_ struct strbuf ids = STRBUF_INIT;
		for (size_t i = 0; list[i]; i++)
			strbuf_addf(&ids, "%s%s", i ? ", " : "", list[i]->id);
		return sk_err_invalid(err,
				      "more than one result for pod ID %s: %s: more than one "
				      "result for pod ID",
				      name_or_id, ids.buf);
	}
	*ret = TAKE_PTR(list[0]);
	return 0;
}

int state_pod_list(struct state_db *db, struct state_pod ***ret, struct sk_error **err)
{
	return get_where(db, "ORDER BY created DESC, id", NULL, ret, err);
}

int state_pod_infra_set(struct state_db *db, const char *id, const char *infra_id,
			struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "UPDATE pods SET infra_id = ? WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, infra_id);
	state_bind_text(st, 2, id);
	return state_db_step_done(db, st, err);
}

int state_pod_delete(struct state_db *db, const char *id, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "DELETE FROM pods WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, id);
	r = state_db_step_done(db, st, err);
	if (r < 0)
		return r;
	if (sqlite3_changes(db->conn) == 0)
		return not_found(id, err);
	return 0;
}

int state_pod_container_ids(struct state_db *db, const char *pod_id, char ***ret,
			    struct sk_error **err)
{
	return state_query_strv(db,
				"SELECT id FROM containers WHERE pod_id = ? AND state != 0 "
				"ORDER BY created, id",
				pod_id, ret, err);
}
