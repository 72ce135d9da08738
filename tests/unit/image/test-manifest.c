/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "image/manifest.h"
#include "util/strbuf.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static const char oci_manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10},"
	"\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":20}]}";

static void test_image_manifest_kind_detects(void **state)
{
	char *mt = NULL;
	assert_int_equal(
		image_manifest_kind(NULL, oci_manifest, sizeof(oci_manifest) - 1, &mt, NULL),
		MANIFEST_KIND_IMAGE);
	assert_string_equal(mt, MT_OCI_MANIFEST);
	free(mt);
	const char idx[] = "{\"schemaVersion\":2,\"manifests\":[]}";
	assert_int_equal(image_manifest_kind("application/json", idx, sizeof(idx) - 1, &mt, NULL),
			 MANIFEST_KIND_INDEX);
	assert_string_equal(mt, MT_OCI_INDEX);
	free(mt);
}

static void test_image_manifest_kind_rejects_schema1_and_unknown(void **state)
{
	char *mt = NULL;
	struct sk_error *err = NULL;
	const char s1[] = "{\"schemaVersion\":1,\"name\":\"x\"}";
	assert_true(image_manifest_kind(NULL, s1, sizeof(s1) - 1, &mt, &err) < 0);
	assert_non_null(strstr(err->msg, "schema 1"));
	sk_error_free(err);
	err = NULL;
	const char odd[] = "{\"schemaVersion\":2,\"mediaType\":\"application/x-weird\"}";
	assert_true(image_manifest_kind(NULL, odd, sizeof(odd) - 1, &mt, &err) < 0);
	assert_non_null(strstr(err->msg, "application/x-weird"));
	sk_error_free(err);
	err = NULL;
	assert_true(image_manifest_kind(NULL, "{not json", 9, &mt, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	sk_error_free(err);
}

static void test_image_manifest_parse_valid(void **state)
{
	struct image_manifest *m = NULL;
	assert_int_equal(image_manifest_parse(oci_manifest, sizeof(oci_manifest) - 1,
					      MT_OCI_MANIFEST, &m, NULL),
			 0);
	assert_int_equal(m->n_layers, 1);
	assert_string_equal(m->config.digest, D1);
	assert_int_equal(m->layers[0].size, 20);
	image_manifest_free(m);
}

static void expect_corrupt(const char *doc)
{
	struct image_manifest *m = NULL;
	struct sk_error *err = NULL;
	assert_true(image_manifest_parse(doc, strlen(doc), MT_OCI_MANIFEST, &m, &err) < 0);
	assert_null(m);
	assert_non_null(err);
	sk_error_free(err);
}

static void test_image_manifest_parse_rejects_bad_descriptors(void **state)
{
	expect_corrupt("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:abc\",\"size\":1},"
		       "\"layers\":[]}");
	expect_corrupt("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":-1},"
		       "\"layers\":[]}");
	expect_corrupt("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":1}}");
	expect_corrupt("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":1},"
		       "\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" D2
		       "\",\"size\":1}]}");
	expect_corrupt("{\"schemaVersion\":3,\"config\":{\"digest\":\"" D1 "\",\"size\":1},"
		       "\"layers\":[]}");
}

static void test_image_index_select_platform(void **state)
{
	const char doc[] =
		"{\"schemaVersion\":2,\"manifests\":["
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":1,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";
	struct image_index *ix = NULL;
	assert_int_equal(image_index_parse(doc, sizeof(doc) - 1, MT_OCI_INDEX, &ix, NULL), 0);
	const struct image_descriptor *d = NULL;
	struct image_platform p = { .os = "linux", .arch = "arm64" };
	assert_int_equal(image_index_select(ix, &p, &d, NULL), 0);
	assert_string_equal(d->digest, D2);
	p.arch = "amd64";
	assert_int_equal(image_index_select(ix, &p, &d, NULL), 0);
	assert_string_equal(d->digest, D1);
	struct sk_error *err = NULL;
	p.arch = "s390x";
	assert_true(image_index_select(ix, &p, &d, &err) < 0);
	assert_non_null(strstr(err->msg, "no image found in manifest list for architecture s390x"));
	sk_error_free(err);
	image_index_free(ix);
}

static void test_image_config_parse_checks_diff_ids(void **state)
{
	struct image_manifest *m = NULL;
	assert_int_equal(image_manifest_parse(oci_manifest, sizeof(oci_manifest) - 1,
					      MT_OCI_MANIFEST, &m, NULL),
			 0);
	json_t *cfg = NULL;
	const char good[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
	assert_int_equal(image_config_parse(good, sizeof(good) - 1, m, &cfg, NULL), 0);
	json_decref(cfg);
	struct sk_error *err = NULL;
	const char two[] =
		"{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]}}";
	assert_true(image_config_parse(two, sizeof(two) - 1, m, &cfg, &err) < 0);
	assert_non_null(strstr(err->msg, "2 diff_ids for 1 layers"));
	sk_error_free(err);
	image_manifest_free(m);
}

static void test_image_platform_parse_forms(void **state)
{
	struct image_platform p;
	char *buf = NULL;
	assert_int_equal(image_platform_parse("linux/arm64/v8", &p, &buf, NULL), 0);
	assert_string_equal(p.os, "linux");
	assert_string_equal(p.arch, "arm64");
	assert_string_equal(p.variant, "v8");
	free(buf);
	struct sk_error *err = NULL;
	assert_true(image_platform_parse("linux", &p, &buf, &err) < 0);
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_manifest_kind_detects),
		cmocka_unit_test(test_image_manifest_kind_rejects_schema1_and_unknown),
		cmocka_unit_test(test_image_manifest_parse_valid),
		cmocka_unit_test(test_image_manifest_parse_rejects_bad_descriptors),
		cmocka_unit_test(test_image_index_select_platform),
		cmocka_unit_test(test_image_config_parse_checks_diff_ids),
		cmocka_unit_test(test_image_platform_parse_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
