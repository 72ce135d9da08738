/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "state/images.h"
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
	char tmpl[] = "/tmp/selkie-test-state-XXXXXX";
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

static void put_layer(struct state_db *db, const char *chain, const char *parent)
{
	struct state_layer l = { .chain_id = (char *)chain,
				 .parent = (char *)parent,
				 .diff_id = (char *)chain,
				 .dir = (char *)chain,
				 .short_name = (char *)chain,
				 .diff_size = 10 };
	assert_int_equal(state_layer_insert(db, &l, NULL), 0);
}

static void put_image(struct state_db *db, const char *id, char **layers)
{
	struct state_image img = { .id = (char *)id,
				   .digest = (char *)"sha256:m",
				   .manifest_media_type = (char *)"x",
				   .layers = layers,
				   .added = 1 };
	assert_int_equal(state_image_put(db, &img, NULL), 0);
}

static void test_state_db_open_migrates_once(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *path = path_join(f->dir, "selkie.db");
	struct state_db *again = NULL;
	assert_int_equal(state_db_open(path, &again, NULL), 0);
	state_db_close(again);
	assert_true(state_db_schema_version() >= 1);
}

static void test_state_image_name_moves_between_images(void **state)
{
	struct fixture *f = *state;
	put_image(f->db, "aaa", NULL);
	put_image(f->db, "bbb", NULL);
	assert_int_equal(state_image_name_set(f->db, "aaa", "x:latest", NULL), 0);
	assert_int_equal(state_image_name_set(f->db, "bbb", "x:latest", NULL), 0);
	char *id = NULL;
	assert_int_equal(state_image_id_by_name(f->db, "x:latest", &id, NULL), 0);
	assert_string_equal(id, "bbb");
	free(id);
	struct sk_error *err = NULL;
	assert_int_equal(state_image_name_remove(f->db, "aaa", "x:latest", &err), -ENOENT);
	assert_non_null(strstr(err->msg, "tag not known"));
	sk_error_free(err);
}

static void test_state_layer_list_unused_after_delete(void **state)
{
	struct fixture *f = *state;
	put_layer(f->db, "l1", NULL);
	put_layer(f->db, "l2", "l1");
	char *layers[] = { "l1", "l2", NULL };
	put_image(f->db, "img", layers);
	struct state_layer **unused = NULL;
	assert_int_equal(state_layer_list_unused(f->db, &unused, NULL), 0);
	assert_null(unused[0]);
	state_layer_list_free(unused);
	assert_int_equal(state_image_delete(f->db, "img", NULL), 0);
	assert_int_equal(state_layer_list_unused(f->db, &unused, NULL), 0);
	assert_non_null(unused[0]);
	assert_non_null(unused[1]);
	assert_null(unused[2]);
	state_layer_list_free(unused);
}

static void test_state_layer_lease_keeps_layer(void **state)
{
	struct fixture *f = *state;
	put_layer(f->db, "l1", NULL);
	assert_int_equal(state_layer_lease_add(f->db, "l1", "/work/pull-1", NULL), 0);
	struct state_layer **unused = NULL;
	assert_int_equal(state_layer_list_unused(f->db, &unused, NULL), 0);
	assert_null(unused[0]);
	state_layer_list_free(unused);
	assert_int_equal(state_layer_lease_drop_holder(f->db, "/work/pull-1", NULL), 0);
	assert_int_equal(state_layer_list_unused(f->db, &unused, NULL), 0);
	assert_non_null(unused[0]);
	state_layer_list_free(unused);
}

static void test_state_image_ids_by_prefix(void **state)
{
	struct fixture *f = *state;
	put_image(f->db, "abc123", NULL);
	put_image(f->db, "abd456", NULL);
	_cleanup_strv_free_ char **ids = NULL;
	assert_int_equal(state_image_ids_by_prefix(f->db, "ab", &ids, NULL), 0);
	assert_int_equal(strv_length(ids), 2);
	strv_free(ids);
	ids = NULL;
	assert_int_equal(state_image_ids_by_prefix(f->db, "abc", &ids, NULL), 0);
	assert_int_equal(strv_length(ids), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_db_open_migrates_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_image_name_moves_between_images, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_layer_list_unused_after_delete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_image_ids_by_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_layer_lease_keeps_layer, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
