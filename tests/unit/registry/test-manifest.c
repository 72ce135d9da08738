/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "registry/manifest.h"

static void assert_mt(const char *ct, const char *body, const char *want)
{
	_cleanup_free_ char *got = registry_manifest_media_type(ct, body, body ? strlen(body) : 0);
	assert_string_equal(got, want);
}

static void test_registry_manifest_media_type_content_type_wins(void **state)
{
	assert_mt(REGISTRY_MT_DOCKER_MANIFEST, "{\"mediaType\":\"other\"}",
		  REGISTRY_MT_DOCKER_MANIFEST);
	assert_mt(" Application/VND.OCI.image.index.v1+json; charset=utf-8", NULL,
		  REGISTRY_MT_OCI_INDEX);
}

static void test_registry_manifest_media_type_from_body(void **state)
{
	assert_mt("application/json", "{\"mediaType\":\"" REGISTRY_MT_DOCKER_LIST "\"}",
		  REGISTRY_MT_DOCKER_LIST);
	assert_mt(NULL, "{\"schemaVersion\":2,\"manifests\":[]}", REGISTRY_MT_OCI_INDEX);
	assert_mt("text/plain", "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}",
		  REGISTRY_MT_OCI_MANIFEST);
}

static void test_registry_manifest_media_type_unknown(void **state)
{
	assert_mt(NULL, NULL, "");
	assert_mt("application/json", "not json", "application/json");
	assert_mt("", "{\"schemaVersion\":1}", "");
}

static void test_registry_manifest_accept_lists_four_types(void **state)
{
	const char *a = REGISTRY_MANIFEST_ACCEPT;
	assert_non_null(strstr(a, REGISTRY_MT_OCI_MANIFEST));
	assert_non_null(strstr(a, REGISTRY_MT_OCI_INDEX));
	assert_non_null(strstr(a, REGISTRY_MT_DOCKER_MANIFEST));
	assert_non_null(strstr(a, REGISTRY_MT_DOCKER_LIST));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_manifest_media_type_content_type_wins),
		cmocka_unit_test(test_registry_manifest_media_type_from_body),
		cmocka_unit_test(test_registry_manifest_media_type_unknown),
		cmocka_unit_test(test_registry_manifest_accept_lists_four_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
