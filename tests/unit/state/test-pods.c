/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "state/containers.h"
#include "state/pods.h"
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
	char tmpl[] = "/tmp/selkie-test-pods-XXXXXX";
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

static void put_pod(struct state_db *db, const char *id, const char *name, int64_t created)
{
	struct state_pod p = { .id = (char *)id,
			       .name = (char *)name,
			       .created = created,
			       .config = (char *)"{\"CreateInfra\":true}" };
	assert_int_equal(state_pod_insert(db, &p, NULL), 0);
}

static void put_container(struct state_db *db, const char *id, const char *pod_id, int64_t created,
			  enum state_ctr_status st)
{
	struct state_container c = { .id = (char *)id,
				     .name = (char *)id,
				     .image_id = (char *)"img",
				     .image_name = (char *)"img",
				     .created = created,
				     .state = st,
				     .config = (char *)"{}",
				     .pod_id = (char *)pod_id };
	assert_int_equal(state_container_insert(db, &c, NULL), 0);
}

static void test_state_pod_insert_name_taken(void **state)
{
	struct fixture *f = *state;
	put_pod(f->db, "aaaa1111", "web", 1);
	struct state_pod p = { .id = (char *)"bbbb2222", .name = (char *)"web", .created = 2 };
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(state_pod_insert(f->db, &p, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_EXISTS);
	assert_string_equal(err->msg,
			    "adding pod to state: name \"web\" is in use: pod already exists");
}

static void test_state_pod_lookup_name_id_prefix(void **state)
{
	struct fixture *f = *state;
	put_pod(f->db, "abc111", "one", 1);
	put_pod(f->db, "abc222", "two", 2);
	_cleanup_(state_pod_freep) struct state_pod *a = NULL;
	_cleanup_(state_pod_freep) struct state_pod *b = NULL;
	_cleanup_(state_pod_freep) struct state_pod *c = NULL;
	assert_int_equal(state_pod_lookup(f->db, "one", &a, NULL), 0);
	assert_string_equal(a->id, "abc111");
	assert_int_equal(state_pod_lookup(f->db, "abc2", &b, NULL), 0);
	assert_string_equal(b->name, "two");
	assert_int_equal(state_pod_lookup(f->db, "abc222", &c, NULL), 0);
	assert_string_equal(c->config, "{\"CreateInfra\":true}");

	_cleanup_error_ struct sk_error *e1 = NULL;
	_cleanup_error_ struct sk_error *e2 = NULL;
	struct state_pod *none = NULL;
	assert_true(state_pod_lookup(f->db, "abc", &none, &e1) < 0);
	assert_int_equal(e1->kind, SK_ERR_INVALID);
	assert_true(state_pod_lookup(f->db, "nope", &none, &e2) < 0);
	assert_int_equal(e2->kind, SK_ERR_NOTFOUND);
	assert_string_equal(e2->msg, "no pod with name or ID nope found: no such pod");
}

static void test_state_pod_list_newest_first(void **state)
{
	struct fixture *f = *state;
	put_pod(f->db, "p1", "old", 1);
	put_pod(f->db, "p2", "new", 5);
	_cleanup_(state_pod_list_freep) struct state_pod **list = NULL;
	assert_int_equal(state_pod_list(f->db, &list, NULL), 0);
	assert_string_equal(list[0]->name, "new");
	assert_string_equal(list[1]->name, "old");
	assert_null(list[2]);
}

static void test_state_pod_container_ids_members_only(void **state)
{
	struct fixture *f = *state;
	put_pod(f->db, "p1", "one", 1);
	put_container(f->db, "c2", "p1", 20, STATE_CTR_RUNNING);
	put_container(f->db, "c1", "p1", 10, STATE_CTR_CREATED);
	put_container(f->db, "c3", NULL, 30, STATE_CTR_CREATED);
	put_container(f->db, "c4", "p1", 40, STATE_CTR_CONFIGURED); /* half-made */
	_cleanup_strv_free_ char **ids = NULL;
	assert_int_equal(state_pod_container_ids(f->db, "p1", &ids, NULL), 0);
	assert_int_equal(strv_length(ids), 2);
	assert_string_equal(ids[0], "c1");
	assert_string_equal(ids[1], "c2");
}

static void test_state_pod_infra_set_and_delete(void **state)
{
	struct fixture *f = *state;
	put_pod(f->db, "p1", "one", 1);
	assert_int_equal(state_pod_infra_set(f->db, "p1", "infra1", NULL), 0);
	_cleanup_(state_pod_freep) struct state_pod *p = NULL;
	assert_int_equal(state_pod_lookup(f->db, "one", &p, NULL), 0);
	assert_string_equal(p->infra_id, "infra1");
	assert_int_equal(state_pod_delete(f->db, "p1", NULL), 0);
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(state_pod_delete(f->db, "p1", &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_pod_insert_name_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_pod_lookup_name_id_prefix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_pod_list_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_pod_container_ids_members_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_pod_infra_set_and_delete, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
