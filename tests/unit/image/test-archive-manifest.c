/* SPDX-License-Identifier: Apache-2.0 */
/* The untrusted documents of image archives: docker-archive manifest.json, OCI index.json, the
 * paths they name (symlinks inside the archive followed, nothing outside reachable) and the
 * tar header check of layer blobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "image/archive-docker.h"
#include "image/archive-oci.h"
#include "image/archive-stream.h"
#include "image/archive-tree.h"
#include "util/strbuf.h"
#include "util/strv.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIGEST "sha256:" HEX64

static struct image_docker_manifest *docker_ok(const char *text)
{
	struct image_docker_manifest *m = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (image_docker_manifest_parse(text, strlen(text), &m, &err) < 0)
		fail_msg("'%s': unexpected error: %s", text, err->msg);
	return m;
}

static void docker_fails(const char *text, const char *msg)
{
	struct image_docker_manifest *m = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_docker_manifest_parse(text, strlen(text), &m, &err) < 0);
	assert_null(m);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", text, err->msg, msg);
}

static void test_image_docker_manifest_parse_valid(void **state)
{
	_cleanup_docker_manifest_ struct image_docker_manifest *m = docker_ok(
		"[{\"Config\":\"" HEX64 ".json\",\"RepoTags\":[\"busybox:latest\",\"a/b:1\"],"
		"\"Layers\":[\"l1.tar\",\"" HEX64 "/layer.tar\"]},"
		"{\"Config\":\"c2.json\",\"RepoTags\":null,\"Layers\":[]}]");
	assert_int_equal(m->n_entries, 2);
	assert_string_equal(m->entries[0].config, HEX64 ".json");
	assert_int_equal(strv_length(m->entries[0].repo_tags), 2);
	assert_string_equal(m->entries[0].repo_tags[1], "a/b:1");
	assert_int_equal(m->entries[0].n_layers, 2);
	assert_string_equal(m->entries[0].layers[1], HEX64 "/layer.tar");
	assert_null(m->entries[1].repo_tags);
	assert_int_equal(m->entries[1].n_layers, 0);
}

static void test_image_docker_manifest_parse_bad_documents(void **state)
{
	docker_fails("", "invalid manifest.json");
	docker_fails("{\"Config\":\"x\"}", "not an array");
	docker_fails("[1]", "not an object");
	docker_fails("[{\"Layers\":[]}]", "has no Config");
	docker_fails("[{\"Config\":\"c\",\"Layers\":\"l.tar\"}]", "Layers is not an array");
	docker_fails("[{\"Config\":\"c\"}]", "Layers is not an array");
	docker_fails("[{\"Config\":\"c\",\"Layers\":[1]}]", "non-string");
	docker_fails("[{\"Config\":\"c\",\"RepoTags\":[2],\"Layers\":[]}]", "non-string");
	docker_fails("[{\"Config\":\"c\",\"RepoTags\":\"x\",\"Layers\":[]}]",
		     "RepoTags is not an array");
}

static void test_image_docker_manifest_parse_paths_outside(void **state)
{
	docker_fails("[{\"Config\":\"../c.json\",\"Layers\":[]}]", "\"../c.json\" is outside");
	docker_fails("[{\"Config\":\"/etc/passwd\",\"Layers\":[]}]", "\"/etc/passwd\" is outside");
	docker_fails("[{\"Config\":\"\",\"Layers\":[]}]", "outside");
	docker_fails("[{\"Config\":\"c\",\"Layers\":[\"a/../../x.tar\"]}]",
		     "\"a/../../x.tar\" is outside");
	docker_fails("[{\"Config\":\"c\",\"Layers\":[\".\"]}]", "outside");
	/* ".." that stays inside is fine */
	_cleanup_docker_manifest_ struct image_docker_manifest *m =
		docker_ok("[{\"Config\":\"a/../c.json\",\"Layers\":[\"./x/./l.tar\"]}]");
	assert_string_equal(m->entries[0].layers[0], "./x/./l.tar");
}

static void test_image_docker_manifest_parse_limits(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '[');
	for (int i = 0; i <= IMAGE_DOCKER_MAX_IMAGES; i++)
		strbuf_addf(&sb, "%s{\"Config\":\"c\",\"Layers\":[]}", i ? "," : "");
	strbuf_addch(&sb, ']');
	docker_fails(sb.buf, "more than 1000 images");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "[{\"Config\":\"c\",\"Layers\":[");
	for (int i = 0; i <= 1000; i++)
		strbuf_addf(&sb, "%s\"l%d.tar\"", i ? "," : "", i);
	strbuf_addstr(&sb, "]}]");
	docker_fails(sb.buf, "more than 1000 Layers");
	strbuf_release(&sb);
}

static void test_image_oci_index_parse_refs(void **state)
{
	const char *text = "{\"schemaVersion\":2,\"manifests\":["
			   "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			   "\"digest\":\"" DIGEST "\",\"size\":406,\"annotations\":"
			   "{\"org.opencontainers.image.ref.name\":\"quay.io/a/b:v1\"}},"
			   "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			   "\"digest\":\"" DIGEST "\",\"size\":406}]}";
	struct image_oci_ref *refs = NULL;
	size_t n = 0;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(image_oci_index_parse(text, strlen(text), &refs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].digest, DIGEST);
	assert_int_equal(refs[0].size, 406);
	assert_string_equal(refs[0].ref_name, "quay.io/a/b:v1");
	assert_null(refs[1].ref_name);
	image_oci_refs_free(refs, n);
}

static void oci_fails(const char *text, const char *msg)
{
	struct image_oci_ref *refs = NULL;
	size_t n = 0;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_oci_index_parse(text, strlen(text), &refs, &n, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", text, err->msg, msg);
}

static void test_image_oci_index_parse_bad_documents(void **state)
{
	oci_fails("", "index.json");
	oci_fails("[]", "index.json");
	oci_fails("{\"schemaVersion\":2}", "no manifests array");
	oci_fails("{\"manifests\":[{\"size\":1}]}", "has no digest");
	oci_fails("{\"manifests\":[{\"digest\":\"sha256:abc\",\"size\":1}]}", "invalid digest");
	oci_fails("{\"manifests\":[{\"digest\":\"" DIGEST "\",\"size\":-1}]}", "invalid size");
}

static void test_image_oci_blob_path_only_sha256(void **state)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(image_oci_blob_path(DIGEST, &p, NULL), 0);
	assert_string_equal(p, "blobs/sha256/" HEX64);
	assert_true(image_oci_blob_path("sha512:" HEX64 HEX64, &p, &err) < 0);
	assert_non_null(strstr(err->msg, "only sha256"));
}

static struct image_archive_tree *tree_build(void)
{
	struct image_archive_tree *t = image_archive_tree_new();
	assert_int_equal(image_archive_tree_add(t, "manifest.json", NULL, "/w/m0", 10, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "./abc.tar", NULL, "/w/m1", 20, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "id/layer.tar", "../abc.tar", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "dir/", "sub", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "sub/f", NULL, "/w/m2", 1, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "up", "../../etc", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "abs", "/etc/passwd", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "loop1", "loop2", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "loop2", "loop1", NULL, 0, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "dup", NULL, "/w/first", 1, NULL), 0);
	assert_int_equal(image_archive_tree_add(t, "dup", NULL, "/w/second", 2, NULL), 0);
	return t;
}

static void resolves(struct image_archive_tree *t, const char *path, const char *file)
{
	const struct image_archive_member *m = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (image_archive_tree_resolve(t, path, &m, &err) < 0)
		fail_msg("'%s': unexpected error: %s", path, err->msg);
	assert_string_equal(m->file, file);
}

static void refused(struct image_archive_tree *t, const char *path, const char *msg)
{
	const struct image_archive_member *m = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_archive_tree_resolve(t, path, &m, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", path, err->msg, msg);
}

static void test_image_archive_tree_resolve_follows_links_inside(void **state)
{
	_cleanup_archive_tree_ struct image_archive_tree *t = tree_build();
	resolves(t, "manifest.json", "/w/m0");
	resolves(t, "abc.tar", "/w/m1");
	resolves(t, "id/layer.tar", "/w/m1");
	resolves(t, "./id//layer.tar", "/w/m1");
	resolves(t, "dir/f", "/w/m2");
	resolves(t, "dup", "/w/second");
	assert_true(image_archive_tree_has(t, "id/layer.tar"));
	assert_false(image_archive_tree_has(t, "nothing"));
}

static void test_image_archive_tree_resolve_refuses_outside(void **state)
{
	_cleanup_archive_tree_ struct image_archive_tree *t = tree_build();
	refused(t, "missing.tar", "not found in the archive");
	refused(t, "id", "not found in the archive");
	refused(t, "../abc.tar", "outside the archive");
	refused(t, "/abc.tar", "outside the archive");
	refused(t, "", "outside the archive");
	refused(t, "up/passwd", "outside the archive");
	refused(t, "abs", "outside the archive");
	refused(t, "loop1", "too many levels of symbolic links");
}

static void test_image_archive_tree_add_rejects_names(void **state)
{
	_cleanup_archive_tree_ struct image_archive_tree *t = image_archive_tree_new();
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(image_archive_tree_add(t, "../evil", NULL, "/w/x", 1, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_CORRUPT);
	assert_int_equal(image_archive_tree_add(t, "./", NULL, NULL, 0, NULL), 0);
	assert_int_equal(t->n_members, 0);
}

static void tar_checksum(unsigned char b[512])
{
	unsigned sum = 0;
	memset(b + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
}

static void test_image_tar_header_valid_checksums(void **state)
{
	unsigned char b[512] = { 0 };
	assert_true(image_tar_header_valid(b)); /* an end block: an empty tar */
	memcpy(b, "etc/passwd", 10);
	memcpy(b + 257, "ustar", 5);
	tar_checksum(b);
	assert_true(image_tar_header_valid(b));
	b[0] = 'E';
	assert_false(image_tar_header_valid(b));
	memset(b, 'x', sizeof(b));
	assert_false(image_tar_header_valid(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_docker_manifest_parse_valid),
		cmocka_unit_test(test_image_docker_manifest_parse_bad_documents),
		cmocka_unit_test(test_image_docker_manifest_parse_paths_outside),
		cmocka_unit_test(test_image_docker_manifest_parse_limits),
		cmocka_unit_test(test_image_oci_index_parse_refs),
		cmocka_unit_test(test_image_oci_index_parse_bad_documents),
		cmocka_unit_test(test_image_oci_blob_path_only_sha256),
		cmocka_unit_test(test_image_archive_tree_resolve_follows_links_inside),
		cmocka_unit_test(test_image_archive_tree_resolve_refuses_outside),
		cmocka_unit_test(test_image_archive_tree_add_rejects_names),
		cmocka_unit_test(test_image_tar_header_valid_checksums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
