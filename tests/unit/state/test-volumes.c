/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "state/containers.h"
#include "state/volumes.h"
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
	char tmpl[] = "/tmp/selkie-test-volumes-XXXXXX";
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

static void put_volume(struct state_db *db, const char *name, int64_t created)
{
	_cleanup_free_ char *mp = xasprintf("/g/volumes/%s/_data", name);
	struct state_volume v = { .name = (char *)name,
				  .mountpoint = mp,
				  .created = created,
				  .needs_copy_up = true,
				  .uid = -1,
				  .gid = -1 };
	assert_int_equal(state_volume_insert(db, &v, NULL), 0);
}

static void put_container(struct state_db *db, const char *id)
{
	struct state_container c = { .id = (char *)id,
				     .name = (char *)id,
				     .image_id = (char *)"img",
				     .image_name = (char *)"img",
				     .created = 1,
				     .state = STATE_CTR_CREATED,
				     .config = (char *)"{}" };
	assert_int_equal(state_container_insert(db, &c, NULL), 0);
}

static void test_state_volume_insert_get_round_trip(void **state)
{
	struct fixture *f = *state;
	struct state_volume v = { .name = (char *)"data",
				  .driver = (char *)"local",
				  .mountpoint = (char *)"/g/volumes/data/_data",
				  .created = 1234567890123456789LL,
				  .labels = (char *)"{\"a\":\"b\"}",
				  .options = (char *)"{\"UID\":\"5\",\"o\":\"uid=5\"}",
				  .anonymous = true,
				  .needs_copy_up = true,
				  .uid = 5,
				  .gid = -1 };
	assert_int_equal(state_volume_insert(f->db, &v, NULL), 0);
	_cleanup_state_volume_ struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->db, "data", &got, NULL), 0);
	assert_string_equal(got->name, "data");
	assert_string_equal(got->driver, "local");
	assert_string_equal(got->mountpoint, "/g/volumes/data/_data");
	assert_true(got->created == 1234567890123456789LL);
	assert_string_equal(got->labels, "{\"a\":\"b\"}");
	assert_string_equal(got->options, "{\"UID\":\"5\",\"o\":\"uid=5\"}");
	assert_true(got->anonymous);
	assert_true(got->needs_copy_up);
	assert_int_equal(got->uid, 5);
	assert_int_equal(got->gid, -1);
}

static void test_state_volume_insert_defaults_driver_and_null_json(void **state)
{
	struct fixture *f = *state;
	put_volume(f->db, "plain", 1);
	_cleanup_state_volume_ struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->db, "plain", &got, NULL), 0);
	assert_string_equal(got->driver, "local");
	assert_null(got->labels);
	assert_null(got->options);
	assert_false(got->anonymous);
}

static void test_state_volume_insert_duplicate_is_exists(void **state)
{
	struct fixture *f = *state;
	put_volume(f->db, "x", 1);
	struct state_volume v = { .name = (char *)"x", .mountpoint = (char *)"/y", .uid = -1 };
	struct sk_error *err = NULL;
	assert_int_equal(state_volume_insert(f->db, &v, &err), -EEXIST);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	assert_string_equal(err->msg, "volume with name x already exists: volume already exists");
	sk_error_free(err);
	_cleanup_state_volume_ struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->db, "x", &got, NULL), 0);
	assert_string_equal(got->mountpoint, "/g/volumes/x/_data");
}

static void test_state_volume_get_missing_is_notfound(void **state)
{
	struct fixture *f = *state;
	struct state_volume *got = NULL;
	struct sk_error *err = NULL;
	assert_int_equal(state_volume_get(f->db, "nope", &got, &err), -ENOENT);
	assert_null(got);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg, "no volume with name \"nope\" found: no such volume");
	sk_error_free(err);
}

static void test_state_volume_list_sorted_by_name(void **state)
{
	struct fixture *f = *state;
	struct state_volume **list = NULL;
	assert_int_equal(state_volume_list(f->db, &list, NULL), 0);
	assert_null(list[0]);
	state_volume_list_free(list);
	put_volume(f->db, "b", 3);
	put_volume(f->db, "a", 2);
	put_volume(f->db, "B", 1);
	put_volume(f->db, "a1", 4);
	assert_int_equal(state_volume_list(f->db, &list, NULL), 0);
	const char *want[] = { "B", "a", "a1", "b" };
	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		assert_non_null(list[i]);
		assert_string_equal(list[i]->name, want[i]);
	}
	assert_null(list[4]);
	state_volume_list_free(list);
}

static void test_state_volume_delete_missing_and_in_use(void **state)
{
	struct fixture *f = *state;
	struct sk_error *err = NULL;
	assert_int_equal(state_volume_delete(f->db, "nope", &err), -ENOENT);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	sk_error_free(err);
	err = NULL;

	put_volume(f->db, "used", 1);
	put_container(f->db, "c1");
	assert_int_equal(state_container_volume_add(f->db, "c1", "used", "/data", NULL), 0);
	assert_int_equal(state_volume_delete(f->db, "used", &err), -EBUSY);
	assert_int_equal(err->kind, SK_ERR_INUSE);
	assert_string_equal(err->msg,
			    "volume used is being used by a container: volume is being used");
	sk_error_free(err);

	/* The container goes, its references with it: the volume can go too. */
	assert_int_equal(state_container_delete(f->db, "c1", NULL), 0);
	assert_int_equal(state_volume_delete(f->db, "used", NULL), 0);
	struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->db, "used", &got, NULL), -ENOENT);
}

static void test_state_volume_set_needs_copy_up(void **state)
{
	struct fixture *f = *state;
	put_volume(f->db, "v", 1);
	assert_int_equal(state_volume_set_needs_copy_up(f->db, "v", false, NULL), 0);
	_cleanup_state_volume_ struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->db, "v", &got, NULL), 0);
	assert_false(got->needs_copy_up);
	struct sk_error *err = NULL;
	assert_int_equal(state_volume_set_needs_copy_up(f->db, "nope", false, &err), -ENOENT);
	sk_error_free(err);
}

static void test_state_volume_names_in_use(void **state)
{
	struct fixture *f = *state;
	put_volume(f->db, "v1", 1);
	put_volume(f->db, "v2", 1);
	put_volume(f->db, "v3", 1);
	put_container(f->db, "c1");
	put_container(f->db, "c2");
	assert_int_equal(state_container_volume_add(f->db, "c2", "v3", "/a", NULL), 0);
	assert_int_equal(state_container_volume_add(f->db, "c1", "v3", "/b", NULL), 0);
	assert_int_equal(state_container_volume_add(f->db, "c1", "v1", "/c", NULL), 0);
	_cleanup_strv_free_ char **names = NULL;
	assert_int_equal(state_volume_names_in_use(f->db, &names, NULL), 0);
	_cleanup_free_ char *joined = strv_join(names, ",");
	assert_string_equal(joined, "v1,v3");
	_cleanup_strv_free_ char **users = NULL;
	assert_int_equal(state_volume_users(f->db, "v3", &users, NULL), 0);
	_cleanup_free_ char *u = strv_join(users, ",");
	assert_string_equal(u, "c1,c2");
}

static void test_state_volume_free_null(void **state)
{
	state_volume_free(NULL);
	state_volume_list_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_volume_insert_get_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_state_volume_insert_defaults_driver_and_null_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_insert_duplicate_is_exists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_get_missing_is_notfound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_list_sorted_by_name, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_delete_missing_and_in_use, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_set_needs_copy_up, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_volume_names_in_use, setup, teardown),
		cmocka_unit_test(test_state_volume_free_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
