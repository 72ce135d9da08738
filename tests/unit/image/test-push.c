/* SPDX-License-Identifier: Apache-2.0 */
/* The manifest rewriting of push --format: OCI <-> Docker schema2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "image/manifest.h"
#include "image/push.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

/* As containers/image writes them (and the fixture busybox:latest / busybox:schema2 are). */
static const char oci[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10},"
	"\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":20}]}";
static const char docker[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"size\":10,\"digest\":\"" D1 "\"},"
	"\"layers\":[{\"mediaType\":\"" MT_DOCKER_LAYER_GZIP "\",\"size\":20,\"digest\":\"" D2
	"\"}]}";

static struct image_manifest *parse(const char *text, const char *mt)
{
	struct image_manifest *m = NULL;
	assert_int_equal(image_manifest_parse(text, strlen(text), mt, &m, NULL), 0);
	return m;
}

static void test_image_push_manifest_convert_oci_to_docker(void **state)
{
	struct image_manifest *m = parse(oci, MT_OCI_MANIFEST);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(image_push_manifest_convert(m, MT_DOCKER_MANIFEST, &out, &len, NULL), 0);
	assert_string_equal(out, docker);
	assert_int_equal(len, strlen(docker));
	free(out);
	image_manifest_free(m);
}

static void test_image_push_manifest_convert_docker_to_oci(void **state)
{
	struct image_manifest *m = parse(docker, MT_DOCKER_MANIFEST);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(image_push_manifest_convert(m, MT_OCI_MANIFEST, &out, &len, NULL), 0);
	assert_string_equal(out, oci);
	free(out);
	image_manifest_free(m);
}

static void test_image_push_manifest_convert_uncompressed_layer(void **state)
{
	static const char plain[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
		"\",\"digest\":\"" D1 "\",\"size\":10},\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER
		"\",\"digest\":\"" D3 "\",\"size\":30}]}";
	struct image_manifest *m = parse(plain, MT_OCI_MANIFEST);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(image_push_manifest_convert(m, MT_DOCKER_MANIFEST, &out, &len, NULL), 0);
	assert_non_null(strstr(out,
			       "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar\","
			       "\"size\":30,\"digest\":\"" D3 "\"}"));
	free(out);
	image_manifest_free(m);
}

static void test_image_push_manifest_convert_keeps_oci_annotations(void **state)
{
	static const char annotated[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
		"\",\"digest\":\"" D1 "\",\"size\":10},\"layers\":[],"
		"\"annotations\":{\"a\":\"b\"}}";
	struct image_manifest *m = parse(annotated, MT_OCI_MANIFEST);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(image_push_manifest_convert(m, MT_OCI_MANIFEST, &out, &len, NULL), 0);
	assert_non_null(strstr(out, "\"annotations\":{\"a\":\"b\"}"));
	free(out);
	/* Docker schema2 has no annotations. */
	assert_int_equal(image_push_manifest_convert(m, MT_DOCKER_MANIFEST, &out, &len, NULL), 0);
	assert_null(strstr(out, "annotations"));
	free(out);
	image_manifest_free(m);
}

static void test_image_push_manifest_convert_refuses_zstd_in_docker(void **state)
{
	static const char zstd[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
				   "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
				   "\",\"digest\":\"" D1 "\",\"size\":10},"
				   "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_ZSTD
				   "\",\"digest\":\"" D2 "\",\"size\":20}]}";
	struct image_manifest *m = parse(zstd, MT_OCI_MANIFEST);
	char *out = NULL;
	size_t len = 0;
	struct sk_error *err = NULL;
	assert_true(image_push_manifest_convert(m, MT_DOCKER_MANIFEST, &out, &len, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_non_null(strstr(err->msg, "zstd compression is not supported for docker images"));
	assert_null(out);
	sk_error_free(err);
	/* zstd stays possible in OCI. */
	assert_int_equal(image_push_manifest_convert(m, MT_OCI_MANIFEST, &out, &len, NULL), 0);
	assert_non_null(strstr(out, MT_OCI_LAYER_ZSTD));
	free(out);
	image_manifest_free(m);
}

static void test_image_push_format_from_string_names(void **state)
{
	assert_int_equal(image_push_format_from_string(NULL), IMAGE_PUSH_FORMAT_KEEP);
	assert_int_equal(image_push_format_from_string(""), IMAGE_PUSH_FORMAT_KEEP);
	assert_int_equal(image_push_format_from_string("oci"), IMAGE_PUSH_FORMAT_OCI);
	assert_int_equal(image_push_format_from_string("v2s2"), IMAGE_PUSH_FORMAT_V2S2);
	assert_int_equal(image_push_format_from_string("v2s1"), _IMAGE_PUSH_FORMAT_INVALID);
	assert_string_equal(image_push_format_to_string(IMAGE_PUSH_FORMAT_V2S2), "v2s2");
	assert_null(image_push_format_to_string(_IMAGE_PUSH_FORMAT_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_push_manifest_convert_oci_to_docker),
		cmocka_unit_test(test_image_push_manifest_convert_docker_to_oci),
		cmocka_unit_test(test_image_push_manifest_convert_uncompressed_layer),
		cmocka_unit_test(test_image_push_manifest_convert_keeps_oci_annotations),
		cmocka_unit_test(test_image_push_manifest_convert_refuses_zstd_in_docker),
		cmocka_unit_test(test_image_push_format_from_string_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
