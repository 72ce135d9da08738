/* SPDX-License-Identifier: Apache-2.0 */
#include "networks.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

void state_ctr_networks_free(struct state_ctr_network *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].network);
		strv_free(list[i].aliases);
		free(list[i].static_ip);
		free(list[i].static_mac);
	}
	free(list);
}

void state_net_attachments_free(struct state_net_attachment *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].container_id);
		free(list[i].network);
		free(list[i].ifname);
		free(list[i].ip);
		free(list[i].gateway);
		free(list[i].mac);
	}
	free(list);
}

int state_ctr_network_add(struct state_db *db, const char *ctr_id,
			  const struct state_ctr_network *m, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO container_networks (container_id, network, idx, "
				 "aliases, static_ip, static_mac) VALUES (?, ?, (SELECT "
				 "COALESCE(MAX(idx), -1) + 1 FROM container_networks WHERE "
				 "container_id = ?1), ?, ?, ?)",
				 &st, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *aliases = sk_json_from_strv(m->aliases);
	_cleanup_free_ char *aliases_s = json_dumps(aliases, JSON_COMPACT);
	state_bind_text(st, 1, ctr_id);
	state_bind_text(st, 2, m->network);
	state_bind_text(st, 3, aliases_s);
	state_bind_text(st, 4, m->static_ip);
	state_bind_text(st, 5, m->static_mac);
	if (sqlite3_step(st) == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(db->conn) == SQLITE_CONSTRAINT_PRIMARYKEY)
		return sk_error_set(err, SK_ERR_EXISTS, EEXIST,
				    "container %s is already connected to network %s", ctr_id,
				    m->network);
	return state_db_error(db, "database write", err);
}

int state_ctr_network_remove(struct state_db *db, const char *ctr_id, const char *network,
			     struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(
		db, "DELETE FROM container_networks WHERE container_id = ? AND network = ?", &st,
		err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, ctr_id);
	state_bind_text(st, 2, network);
	r = state_db_step_done(db, st, err);
	if (r < 0)
		return r;
	if (sqlite3_changes(db->conn) == 0)
		return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
				    "container %s is not connected to network %s", ctr_id, network);
	return 0;
}

int state_ctr_networks(struct state_db *db, const char *ctr_id, struct state_ctr_network **ret,
		       size_t *n, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "SELECT network, aliases, static_ip, static_mac FROM "
				 "container_networks WHERE container_id = ? ORDER BY idx",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, ctr_id);
	struct state_ctr_network *list = NULL;
	size_t count = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof(*list));
		struct state_ctr_network *m = &list[count++];
		m->network = state_column_dup(st, 0);
		const char *a = state_column_text(st, 1);
		_cleanup_json_ json_t *aj = a ? sk_json_parse(a, strlen(a), NULL) : NULL;
		m->aliases = aj ? sk_json_to_strv(aj) : strv_new(NULL);
		m->static_ip = state_column_dup(st, 2);
		m->static_mac = state_column_dup(st, 3);
	}
	if (r != SQLITE_DONE) {
		state_ctr_networks_free(list, count);
		return state_db_error(db, "database read", err);
	}
	*ret = list;
	*n = count;
	return 0;
}

int state_network_users(struct state_db *db, const char *network, char ***ret,
			struct sk_error **err)
{
	return state_query_strv(db,
				"SELECT container_id FROM container_networks WHERE network = ? "
				"ORDER BY container_id",
				network, ret, err);
}

int state_net_attachment_reserve(struct state_db *db, const struct state_net_attachment *a,
				 struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO net_attachments (container_id, network, ifname, ip, "
				 "prefix_len, gateway) VALUES (?, ?, ?, ?, ?, ?)",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, a->container_id);
	state_bind_text(st, 2, a->network);
	state_bind_text(st, 3, a->ifname);
	state_bind_text(st, 4, a->ip);
	sqlite3_bind_int(st, 5, a->prefix_len);
	state_bind_text(st, 6, a->gateway);
	if (sqlite3_step(st) == SQLITE_DONE)
		return 0;
	int ext = sqlite3_extended_errcode(db->conn);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return -EEXIST;
	return state_db_error(db, "database write", err);
}

int state_net_attachment_update(struct state_db *db, const struct state_net_attachment *a,
				struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "UPDATE net_attachments SET prefix_len = ?, gateway = ?, mac = ? "
				 "WHERE container_id = ? AND network = ?",
				 &st, err);
	if (r < 0)
		return r;
	sqlite3_bind_int(st, 1, a->prefix_len);
	state_bind_text(st, 2, a->gateway);
	state_bind_text(st, 3, a->mac);
	state_bind_text(st, 4, a->container_id);
	state_bind_text(st, 5, a->network);
	return state_db_step_done(db, st, err);
}

int state_net_attachment_delete(struct state_db *db, const char *ctr_id, const char *network,
				struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(
		db, "DELETE FROM net_attachments WHERE container_id = ? AND network = ?", &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, ctr_id);
	state_bind_text(st, 2, network);
	return state_db_step_done(db, st, err);
}

int state_net_attachments(struct state_db *db, const char *ctr_id, const char *network,
			  struct state_net_attachment **ret, size_t *n, struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "SELECT container_id, network, ifname, ip, prefix_len, gateway, "
				 "mac FROM net_attachments WHERE (?1 IS NULL OR container_id = ?1) "
				 "AND (?2 IS NULL OR network = ?2) ORDER BY container_id, ifname",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, ctr_id);
	state_bind_text(st, 2, network);
	struct state_net_attachment *list = NULL;
	size_t count = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		list = xreallocarray(list, count + 1, sizeof(*list));
		struct state_net_attachment *a = &list[count++];
		a->container_id = state_column_dup(st, 0);
		a->network = state_column_dup(st, 1);
		a->ifname = state_column_dup(st, 2);
		a->ip = state_column_dup(st, 3);
		a->prefix_len = sqlite3_column_int(st, 4);
		a->gateway = state_column_dup(st, 5);
		a->mac = state_column_dup(st, 6);
	}
	if (r != SQLITE_DONE) {
		state_net_attachments_free(list, count);
		return state_db_error(db, "database read", err);
	}
	*ret = list;
	*n = count;
	return 0;
}

int state_net_ipam_last_get(struct state_db *db, const char *network, uint64_t *ret,
			    struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db, "SELECT offset FROM net_ipam_last WHERE network = ?", &st,
				 err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, network);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*ret = (uint64_t)sqlite3_column_int64(st, 0);
		return 0;
	}
	if (r != SQLITE_DONE)
		return state_db_error(db, "database read", err);
	*ret = 0;
	return 0;
}

int state_net_ipam_last_set(struct state_db *db, const char *network, uint64_t offset,
			    struct sk_error **err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int r = state_db_prepare(db,
				 "INSERT INTO net_ipam_last (network, offset) VALUES (?, ?) ON "
				 "CONFLICT(network) DO UPDATE SET offset = excluded.offset",
				 &st, err);
	if (r < 0)
		return r;
	state_bind_text(st, 1, network);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
	return state_db_step_done(db, st, err);
}
