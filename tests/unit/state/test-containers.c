/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "state/containers.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct fixture {
	char *dir;
	struct state_db *db;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-ctr-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	_cleanup_free_ char *path = path_join(f->dir, "selkie.db");
	assert_int_equal(state_db_open(path, &f->db, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	state_db_close(f->db);
	fs_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void put(struct state_db *db, const char *id, const char *name, enum state_ctr_status s,
		int64_t created)
{
	struct state_container c = { .id = (char *)id,
				     .name = (char *)name,
				     .image_id = "img",
				     .image_name = "localhost/img:latest",
				     .created = created,
				     .state = s,
				     .config = "{}" };
	assert_int_equal(state_container_insert(db, &c, NULL), 0);
}

static void test_state_container_lookup_by_name_id_prefix(void **state)
{
	struct fixture *f = *state;
	put(f->db, "abc123", "web", STATE_CTR_CREATED, 1);
	put(f->db, "abd456", "db", STATE_CTR_RUNNING, 2);
	struct state_container *c = NULL;
	assert_int_equal(state_container_lookup(f->db, "web", &c, NULL), 0);
	assert_string_equal(c->id, "abc123");
	state_container_free(c);
	assert_int_equal(state_container_lookup(f->db, "abd", &c, NULL), 0);
	assert_string_equal(c->name, "db");
	state_container_free(c);
	struct sk_error *err = NULL;
	assert_true(state_container_lookup(f->db, "ab", &c, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_non_null(strstr(err->msg, "more than one result for container ID ab"));
	sk_error_free(err);
	err = NULL;
	assert_true(state_container_lookup(f->db, "nope", &c, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg,
			    "no container with name or ID \"nope\" found: no such container");
	sk_error_free(err);
}

/* A name that is also another container's ID prefix finds the named one first. */
static void test_state_container_lookup_exact_name_wins(void **state)
{
	struct fixture *f = *state;
	put(f->db, "ffee01", "abc", STATE_CTR_CREATED, 1);
	put(f->db, "abc999", "other", STATE_CTR_CREATED, 2);
	struct state_container *c = NULL;
	assert_int_equal(state_container_lookup(f->db, "abc", &c, NULL), 0);
	assert_string_equal(c->id, "ffee01");
	state_container_free(c);
}

static void test_state_container_configured_hidden(void **state)
{
	struct fixture *f = *state;
	put(f->db, "aaa111", "half", STATE_CTR_CONFIGURED, 1);
	struct state_container *c = NULL;
	struct sk_error *err = NULL;
	assert_true(state_container_lookup(f->db, "half", &c, &err) < 0);
	sk_error_free(err);
	struct state_container **list = NULL;
	assert_int_equal(state_container_list(f->db, false, &list, NULL), 0);
	assert_null(list[0]);
	state_container_list_free(list);
	assert_int_equal(state_container_list(f->db, true, &list, NULL), 0);
	assert_non_null(list[0]);
	state_container_list_free(list);
}

static void test_state_container_insert_name_taken(void **state)
{
	struct fixture *f = *state;
	put(f->db, "aaa111", "web", STATE_CTR_CREATED, 1);
	struct state_container c = {
		.id = "bbb222", .name = "web", .image_id = "i", .image_name = "i", .config = "{}"
	};
	struct sk_error *err = NULL;
	assert_true(state_container_insert(f->db, &c, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	assert_non_null(strstr(err->msg, "the container name \"web\" is already in use by aaa111"));
	sk_error_free(err);
}

static void test_state_container_runtime_round_trip(void **state)
{
	struct fixture *f = *state;
	put(f->db, "aaa111", "web", STATE_CTR_CREATED, 1);
	struct state_ctr_runtime rt = { .state = STATE_CTR_EXITED,
					.pid = 0,
					.monitor_pid = 42,
					.monitor_start = 12345,
					.exit_code = 137,
					.oom_killed = true,
					.started_at = 5,
					.finished_at = 9,
					.restart_count = 2,
					.stopped_by_user = true };
	assert_int_equal(state_container_runtime_set(f->db, "aaa111", &rt, NULL), 0);
	struct state_container *c = NULL;
	assert_int_equal(state_container_get(f->db, "aaa111", &c, NULL), 0);
	struct state_ctr_runtime got;
	state_container_runtime_get(c, &got);
	assert_int_equal(got.state, rt.state);
	assert_int_equal(got.monitor_pid, 42);
	assert_int_equal(got.monitor_start, 12345);
	assert_int_equal(got.exit_code, 137);
	assert_true(got.oom_killed);
	assert_int_equal(got.started_at, 5);
	assert_int_equal(got.finished_at, 9);
	assert_int_equal(got.restart_count, 2);
	assert_true(got.stopped_by_user);
	state_container_free(c);
}

static void test_state_container_rename_and_volumes(void **state)
{
	struct fixture *f = *state;
	put(f->db, "aaa111", "web", STATE_CTR_CREATED, 1);
	put(f->db, "bbb222", "db", STATE_CTR_CREATED, 2);
	struct sk_error *err = NULL;
	assert_true(state_container_rename(f->db, "aaa111", "db", &err) < 0);
	sk_error_free(err);
	assert_int_equal(state_container_rename(f->db, "aaa111", "site", NULL), 0);
	assert_int_equal(state_db_exec(f->db,
				       "INSERT INTO volumes (name, mountpoint, created) VALUES "
				       "('data', '/x', 1)",
				       NULL),
			 0);
	assert_int_equal(state_container_volume_add(f->db, "aaa111", "data", "/data", NULL), 0);
	char **users = NULL;
	assert_int_equal(state_volume_users(f->db, "data", &users, NULL), 0);
	assert_int_equal(strv_length(users), 1);
	assert_string_equal(users[0], "aaa111");
	strv_free(users);
	/* Removing the container drops its volume references. */
	assert_int_equal(state_container_delete(f->db, "aaa111", NULL), 0);
	assert_int_equal(state_volume_users(f->db, "data", &users, NULL), 0);
	assert_int_equal(strv_length(users), 0);
	strv_free(users);
}

static void test_state_ctr_status_strings(void **state)
{
	(void)state;
	for (int i = 0; i < _STATE_CTR_STATUS_MAX; i++)
		assert_int_equal(state_ctr_status_from_string(state_ctr_status_to_string(i)), i);
	assert_int_equal(state_ctr_status_from_string("bogus"), _STATE_CTR_STATUS_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_container_lookup_by_name_id_prefix,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_container_lookup_exact_name_wins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_container_configured_hidden, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_container_insert_name_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_container_runtime_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_container_rename_and_volumes, setup,
						teardown),
		cmocka_unit_test(test_state_ctr_status_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
