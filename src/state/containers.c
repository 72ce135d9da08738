/* SPDX-License-Identifier: Apache-2.0 */
#include "containers.h"

#include <errno.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const status_names[_STATE_CTR_STATUS_MAX] = {
	[STATE_CTR_CONFIGURED] = "configured", [STATE_CTR_CREATED] = "created",
	[STATE_CTR_RUNNING] = "running",       [STATE_CTR_PAUSED] = "paused",
	[STATE_CTR_STOPPING] = "stopping",     [STATE_CTR_EXITED] = "exited",
	[STATE_CTR_REMOVING] = "removing",
};

const char *state_ctr_status_to_string(enum state_ctr_status s)
{
	if (s < 0 || s >= _STATE_CTR_STATUS_MAX)
		return NULL;
	return status_names[s];
}

enum state_ctr_status state_ctr_status_from_string(const char *s)
{
	for (int i = 0; s && i < _STATE_CTR_STATUS_MAX; i++)
		if (streq(status_names[i], s))
			return (enum state_ctr_status)i;
	return _STATE_CTR_STATUS_INVALID;
}

void state_container_free(struct state_container *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->name);
	free(c->image_id);
	free(c->image_name);
	free(c->command);
	free(c->config);
	free(c->labels);
	free(c->health_status);
	free(c->health_log);
	free(c->pod_id);
	free(c);
}

void state_container_list_free(struct state_container **list)
{
	for (size_t i = 0; list && list[i]; i++)
		state_container_free(list[i]);
	free(list);
}

#define CTR_COLS                                                                                   \
	"id, name, image_id, image_name, command, created, state, config, labels, pid, "           \
	"monitor_pid, monitor_start, exit_code, oom_killed, started_at, finished_at, "             \
	"restart_count, stopped_by_user, health_status, health_failing_streak, health_log, pod_id"

static struct state_container *container_from_row(sqlite3_stmt *st)
{
	struct state_container *c = xnew(struct state_container, 1);
	c->id = state_column_dup(st, 0);
	c->name = state_column_dup(st, 1);
	c->image_id = state_column_dup(st, 2);
	c->image_name = state_column_dup(st, 3);
	c->command = state_column_dup(st, 4);
	c->created = sqlite3_column_int64(st, 5);
	c->state = (enum state_ctr_status)sqlite3_column_int(st, 6);
	c->config = state_column_dup(st, 7);
	c->labels = state_column_dup(st, 8);
	c->pid = sqlite3_column_int(st, 9);
	c->monitor_pid = sqlite3_column_int(st, 10);
	c->monitor_start = (uint64_t)sqlite3_column_int64(st, 11);
	c->exit_code = sqlite3_column_int(st, 12);
	c->oom_killed = sqlite3_column_int(st, 13) != 0;
	c->started_at = sqlite3_column_int64(st, 14);
	c->finished_at = sqlite3_column_int64(st, 15);
	c->restart_count = sqlite3_column_int(st, 16);
	c->stopped_by_user = sqlite3_column_int(st, 17) != 0;
	c->health_status = state_column_dup(st, 18);
	c->health_failing_streak = sqlite3_column_int(st, 19);
	c->health_log = state_column_dup(st, 20);
	c->pod_id = state_column_dup(st, 21);
	if (!c->health_status)
		c->health_status = xstrdup("");
	return c;
}

static int name_owner(struct state_db *db, const char *name, char **ret_id, struct sk_error **err)
{
	_cleanup_strv_free_ char **ids = NULL;
	int r = state_query_strv(db, "SELECT id FROM containers WHERE name = ?", name, &ids, err);
	if (r < 0)
		return r;
	*ret_id = ids[0] ? xstrdup(ids[0]) : NULL;
	return 0;
}

static int insert_locked(struct state_db *db, const struct state_container *c,
			 struct sk_error **err);

int state_container_insert(struct state_db *db, const struct state_container *c,
			   struct sk_error **err)
{
	/* The name check and the insert in one write transaction, so that of two creates of
	 * one name the second sees the first's row. */
	int r = state_db_begin(db, err);
	if (r < 0)
		return r;
	r = insert_locked(db, c, err);
	if (r >= 0)
		r = state_db_commit(db, err);
	if (r < 0)
		state_db_rollback(db);
	return r;
}

static int insert_locked(struct state_db *db, const struct state_container *c,
			 struct sk_error **err)
{
	_cleanup_free_ char *owner = NULL;
	int r = name_owner(db, c->name, &owner, err);
	if (r < 0)
		return r;
	if (owner)
		return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
				    "creating container storage: the container name \"%s\" is "
				    "already in use by %s. You have to remove that container to be "
				    "able to reuse that name: that name is already in use",
				    c->name, owner);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = state_db_prepare(db,
			     "INSERT INTO containers (id, name, image_id, image_name, command, "
			     "created, state, config, labels, pod_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
			     &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, c->id);
	state_bind_text(st, 2, c->name);
	state_bind_text(st, 3, c->image_id);
	state_bind_text(st, 4, c->image_name);
	state_bind_text(st, 5, c->command ? c->command : "");
	sqlite3_bind_int64(st, 6, c->created);
	sqlite3_bind_int(st, 7, (int)c->state);
	state_bind_text(st, 8, c->config);
	state_bind_text(st, 9, c->labels);
	state_bind_text(st, 10, c->pod_id);
	return state_db_step_done(db, st, err);
}

static int get_where(struct state_db *db, const char *where, const char *arg,
		     struct state_container ***ret, struct sk_error **err)
{
	_cleanup_free_ char *sql = xasprintf("SELECT " CTR_COLS " FROM containers %s", where);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, sql, &st, err);
	if (r < 0)
		return r;
	if (arg)
		state_bind_text(st, 1, arg);
	struct state_container **list = xnew(struct state_container *, 1);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, n + 2, sizeof(*list));
		list[n++] = container_from_row(st);
		list[n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		state_container_list_free(list);
		return state_db_error(db, "read containers", err);
	}
	*ret = list;
	return 0;
}

int state_container_get(struct state_db *db, const char *id, struct state_container **ret,
			struct sk_error **err)
{
	_cleanup_state_container_list_ struct state_container **list = NULL;
	int r = get_where(db, "WHERE id = ?", id, &list, err);
	if (r < 0)
		return r;
	if (!list[0])
		return sk_err_notfound(err, "no container with ID \"%s\" found: no such container",
				       id);
	*ret = TAKE_PTR(list[0]);
	return 0;
}

static int not_found(const char *name, struct sk_error **err)
{
	return sk_err_notfound(err, "no container with name or ID \"%s\" found: no such container",
			       name);
}

static bool is_hex_prefix(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

int state_container_lookup(struct state_db *db, const char *name_or_id,
			   struct state_container **ret, struct sk_error **err)
{
	_cleanup_state_container_list_ struct state_container **list = NULL;
	int r = get_where(db, "WHERE (id = ?1 OR name = ?1) AND state != 0 ORDER BY id = ?1 DESC",
			  name_or_id, &list, err);
	if (r < 0)
		return r;
	if (list[0]) {
		*ret = TAKE_PTR(list[0]);
		return 0;
	}
	if (!is_hex_prefix(name_or_id))
		return not_found(name_or_id, err);
	state_container_list_free(TAKE_PTR(list));
	_cleanup_free_ char *pattern = xasprintf("%s%%", name_or_id);
	r = get_where(db, "WHERE id LIKE ? AND state != 0", pattern, &list, err);
	if (r < 0)
		return r;
	if (!list[0])
		return not_found(name_or_id, err);
	if (list[1]) {
		_cleanup_strbuf_ struct strbuf ids = STRBUF_INIT;
		for (size_t i = 0; list[i]; i++)
			strbuf_addf(&ids, "%s%s", i ? ", " : "", list[i]->id);
		return sk_err_invalid(err,
				      "more than one result for container ID %s: %s: more than one "
				      "result for container ID",
				      name_or_id, ids.buf);
	}
	*ret = TAKE_PTR(list[0]);
	return 0;
}

int state_container_list(struct state_db *db, bool include_configured,
			 struct state_container ***ret, struct sk_error **err)
{
	return get_where(db,
			 include_configured ? "ORDER BY created DESC, id"
					    : "WHERE state != 0 ORDER BY created DESC, id",
			 NULL, ret, err);
}

void state_container_runtime_get(const struct state_container *c, struct state_ctr_runtime *rt)
{
	*rt = (struct state_ctr_runtime){
		.state = c->state,
		.pid = c->pid,
		.monitor_pid = c->monitor_pid,
		.monitor_start = c->monitor_start,
		.exit_code = c->exit_code,
		.oom_killed = c->oom_killed,
		.started_at = c->started_at,
		.finished_at = c->finished_at,
		.restart_count = c->restart_count,
		.stopped_by_user = c->stopped_by_user,
	};
}

int state_container_runtime_set(struct state_db *db, const char *id,
				const struct state_ctr_runtime *rt, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(
		db,
		"UPDATE containers SET state = ?, pid = ?, monitor_pid = ?, "
		"monitor_start = ?, exit_code = ?, oom_killed = ?, started_at = ?, "
		"finished_at = ?, restart_count = ?, stopped_by_user = ? WHERE id = ?",
		&st, err);
	if (r < 0)
		return r;
	sqlite3_bind_int(st, 1, (int)rt->state);
	sqlite3_bind_int(st, 2, rt->pid);
	sqlite3_bind_int(st, 3, rt->monitor_pid);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)rt->monitor_start);
	sqlite3_bind_int(st, 5, rt->exit_code);
	sqlite3_bind_int(st, 6, rt->oom_killed);
	sqlite3_bind_int64(st, 7, rt->started_at);
	sqlite3_bind_int64(st, 8, rt->finished_at);
	sqlite3_bind_int(st, 9, rt->restart_count);
	sqlite3_bind_int(st, 10, rt->stopped_by_user);
	state_bind_text(st, 11, id);
	return state_db_step_done(db, st, err);
}

int state_container_state_set(struct state_db *db, const char *id, enum state_ctr_status s,
			      struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "UPDATE containers SET state = ? WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	sqlite3_bind_int(st, 1, (int)s);
	state_bind_text(st, 2, id);
	return state_db_step_done(db, st, err);
}

int state_container_health_set(struct state_db *db, const char *id, const char *status,
			       int failing_streak, const char *log_json, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "UPDATE containers SET health_status = ?, health_failing_streak "
				 "= ?, health_log = ? WHERE id = ?",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, status);
	sqlite3_bind_int(st, 2, failing_streak);
	state_bind_text(st, 3, log_json);
	state_bind_text(st, 4, id);
	return state_db_step_done(db, st, err);
}

int state_container_rename(struct state_db *db, const char *id, const char *new_name,
			   struct sk_error **err)
{
	_cleanup_free_ char *owner = NULL;
	int r = name_owner(db, new_name, &owner, err);
	if (r < 0)
		return r;
	if (owner)
		return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
				    "renaming container %s: name %s already in use, cannot rename "
				    "container %s: container already exists",
				    id, new_name, id);
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	r = state_db_prepare(db, "UPDATE containers SET name = ? WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, new_name);
	state_bind_text(st, 2, id);
	return state_db_step_done(db, st, err);
}

int state_container_delete(struct state_db *db, const char *id, struct sk_error **err)
{
	return state_db_exec1(db, "DELETE FROM containers WHERE id = ?", id, err);
}

int state_container_ids_by_image(struct state_db *db, const char *image_id, char ***ret,
				 struct sk_error **err)
{
	return state_query_strv(db, "SELECT id FROM containers WHERE image_id = ?", image_id, ret,
				err);
}

int state_container_volume_add(struct state_db *db, const char *ctr_id, const char *volume,
			       const char *destination, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT OR REPLACE INTO container_volumes (container_id, volume, "
				 "destination) VALUES (?, ?, ?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, ctr_id);
	state_bind_text(st, 2, volume);
	state_bind_text(st, 3, destination);
	return state_db_step_done(db, st, err);
}

int state_container_volumes(struct state_db *db, const char *ctr_id, char ***ret,
			    struct sk_error **err)
{
	return state_query_strv(db,
				"SELECT volume FROM container_volumes WHERE container_id = ? "
				"ORDER BY destination",
				ctr_id, ret, err);
}

int state_volume_users(struct state_db *db, const char *volume, char ***ret, struct sk_error **err)
{
	return state_query_strv(db,
				"SELECT DISTINCT container_id FROM container_volumes WHERE volume "
				"= ? ORDER BY container_id",
				volume, ret, err);
}

int state_container_config_set(struct state_db *db, const char *id, const char *config,
			       struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "UPDATE containers SET config = ? WHERE id = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, config);
	state_bind_text(st, 2, id);
	return state_db_step_done(db, st, err);
}
