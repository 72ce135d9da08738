/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "image/reference.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIGEST "sha256:" HEX64

static struct image_reference *parse_ok(const char *s)
{
	struct image_reference *ref = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (image_reference_parse(s, &ref, &err) < 0)
		fail_msg("'%s': unexpected error: %s", s, err->msg);
	return ref;
}

static void assert_ref(const char *in, const char *domain, const char *path, const char *tag,
		       const char *digest, bool short_name, const char *formatted)
{
	_cleanup_image_reference_ struct image_reference *ref = parse_ok(in);
	assert_string_equal(ref->domain, domain);
	assert_string_equal(ref->path, path);
	if (tag)
		assert_string_equal(ref->tag, tag);
	else
		assert_null(ref->tag);
	if (digest)
		assert_string_equal(ref->digest, digest);
	else
		assert_null(ref->digest);
	assert_int_equal(ref->short_name, short_name);
	_cleanup_free_ char *f = image_reference_format(ref);
	assert_string_equal(f, formatted);
}

static void assert_parse_fails(const char *in, const char *msg)
{
	struct image_reference *ref = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(image_reference_parse(in, &ref, &err), -EINVAL);
	assert_null(ref);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
}

static void test_image_reference_parse_normalizes_docker_hub(void **state)
{
	assert_ref("busybox", "docker.io", "library/busybox", NULL, NULL, true,
		   "docker.io/library/busybox");
	assert_ref("busybox:1.36", "docker.io", "library/busybox", "1.36", NULL, true,
		   "docker.io/library/busybox:1.36");
	assert_ref("library/busybox", "docker.io", "library/busybox", NULL, NULL, true,
		   "docker.io/library/busybox");
	assert_ref("docker.io/busybox", "docker.io", "library/busybox", NULL, NULL, false,
		   "docker.io/library/busybox");
	assert_ref("index.docker.io/busybox:1", "docker.io", "library/busybox", "1", NULL, false,
		   "docker.io/library/busybox:1");
	assert_ref("user/app", "docker.io", "user/app", NULL, NULL, true, "docker.io/user/app");
	assert_ref("docker.io/user/app", "docker.io", "user/app", NULL, NULL, false,
		   "docker.io/user/app");
	/* "localhost" alone is an image name, as in podman's vendored distribution code */
	assert_ref("localhost", "docker.io", "library/localhost", NULL, NULL, true,
		   "docker.io/library/localhost");
}

static void test_image_reference_parse_registries(void **state)
{
	assert_ref("localhost/foo", "localhost", "foo", NULL, NULL, false, "localhost/foo");
	assert_ref("localhost:5000/a/b:tag", "localhost:5000", "a/b", "tag", NULL, false,
		   "localhost:5000/a/b:tag");
	assert_ref("127.0.0.1:5000/x@" DIGEST, "127.0.0.1:5000", "x", NULL, DIGEST, false,
		   "127.0.0.1:5000/x@" DIGEST);
	assert_ref("quay.io/a/b/c:v1.0-rc_1", "quay.io", "a/b/c", "v1.0-rc_1", NULL, false,
		   "quay.io/a/b/c:v1.0-rc_1");
	assert_ref("[::1]:5000/x", "[::1]:5000", "x", NULL, NULL, false, "[::1]:5000/x");
	assert_ref("Foo.Example.com:5000/x", "Foo.Example.com:5000", "x", NULL, NULL, false,
		   "Foo.Example.com:5000/x");
	assert_ref("my-registry.local/a-b/c__d/e.f/g---h/i_j", "my-registry.local",
		   "a-b/c__d/e.f/g---h/i_j", NULL, NULL, false,
		   "my-registry.local/a-b/c__d/e.f/g---h/i_j");
}

static void test_image_reference_parse_tag_and_digest(void **state)
{
	assert_ref("busybox:latest@" DIGEST, "docker.io", "library/busybox", "latest", DIGEST, true,
		   "docker.io/library/busybox:latest@" DIGEST);
	assert_ref("busybox@" DIGEST, "docker.io", "library/busybox", NULL, DIGEST, true,
		   "docker.io/library/busybox@" DIGEST);
	assert_ref("x@sha512:" HEX64 HEX64, "docker.io", "library/x", NULL, "sha512:" HEX64 HEX64,
		   true, "docker.io/library/x@sha512:" HEX64 HEX64);
	assert_ref("x:Tag_With.UPPER-case", "docker.io", "library/x", "Tag_With.UPPER-case", NULL,
		   true, "docker.io/library/x:Tag_With.UPPER-case");
	_cleanup_strbuf_ struct strbuf tag = STRBUF_INIT;
	strbuf_addstr(&tag, "x:");
	strbuf_addchars(&tag, 't', 128);
	image_reference_free(parse_ok(strbuf_str(&tag)));
	strbuf_addch(&tag, 't');
	assert_parse_fails(strbuf_str(&tag), "invalid reference format");
}

static void test_image_reference_parse_errors_match_podman(void **state)
{
	assert_parse_fails("", "repository name must have at least one component");
	assert_parse_fails("UPPER", "repository name must be lowercase");
	assert_parse_fails("Bad/Name", "repository name must be lowercase");
	assert_parse_fails("Bad/name", "repository name must be lowercase");
	assert_parse_fails("localhost:5000/A/b", "repository name must be lowercase");
	assert_parse_fails("docker.io/Foo", "repository name must be lowercase");
	assert_parse_fails("busybox:Bad!", "invalid reference format");
	assert_parse_fails("a//b", "invalid reference format");
	assert_parse_fails("a:b:c", "invalid reference format");
	assert_parse_fails("foo/bar:", "invalid reference format");
	assert_parse_fails("foo.", "invalid reference format");
	assert_parse_fails("-foo", "invalid reference format");
	assert_parse_fails("foo/", "invalid reference format");
	assert_parse_fails("/foo", "invalid reference format");
	assert_parse_fails("http://foo/bar", "invalid reference format");
	assert_parse_fails("foo:tag@", "invalid reference format");
	assert_parse_fails("foo@bar@" DIGEST, "invalid reference format");
	assert_parse_fails("x@sha256:abc", "invalid reference format");
	assert_parse_fails("foo:tag@sha256:zz", "invalid reference format");
	assert_parse_fails("x@md5:0123456789abcdef0123456789abcdef",
			   "unsupported digest algorithm");
	assert_parse_fails("x@sha256:" HEX64 "0", "invalid checksum digest length");
	assert_parse_fails("x@sha384:" HEX64, "invalid checksum digest length");
	assert_parse_fails(
		"x@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"invalid checksum digest format");
	assert_parse_fails(HEX64, "invalid repository name (" HEX64 "), cannot specify 64-byte "
				  "hexadecimal strings");
}

static void test_image_reference_parse_length_limit(void **state)
{
	_cleanup_strbuf_ struct strbuf name = STRBUF_INIT;
	strbuf_addstr(&name, "quay.io/");
	strbuf_addchars(&name, 'a', 255 - 8);
	image_reference_free(parse_ok(strbuf_str(&name)));
	strbuf_addch(&name, 'a');
	assert_parse_fails(strbuf_str(&name),
			   "repository name must not be more than 255 characters");
	/* a short name is measured once normalised: "docker.io/library/" counts */
	_cleanup_strbuf_ struct strbuf short_name = STRBUF_INIT;
	strbuf_addchars(&short_name, 'a', 250);
	assert_parse_fails(strbuf_str(&short_name),
			   "repository name must not be more than 255 characters");
}

static void test_image_reference_parse_unnormalized_keeps_input(void **state)
{
	static const struct {
		const char *in, *domain, *path, *formatted;
		bool short_name;
	} cases[] = {
		{ "busybox:1", NULL, "busybox", "busybox:1", true },
		{ "library/busybox", NULL, "library/busybox", "library/busybox", true },
		{ "user/app@" DIGEST, NULL, "user/app", "user/app@" DIGEST, true },
		{ "docker.io/busybox", "docker.io", "busybox", "docker.io/busybox", false },
		{ "localhost/x", "localhost", "x", "localhost/x", false },
		{ "quay.io/a/b:c", "quay.io", "a/b", "quay.io/a/b:c", false },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		assert_int_equal(image_reference_parse_unnormalized(cases[i].in, &ref, NULL), 0);
		if (cases[i].domain)
			assert_string_equal(ref->domain, cases[i].domain);
		else
			assert_null(ref->domain);
		assert_string_equal(ref->path, cases[i].path);
		assert_int_equal(ref->short_name, cases[i].short_name);
		_cleanup_free_ char *f = image_reference_format(ref);
		assert_string_equal(f, cases[i].formatted);
	}
	_cleanup_error_ struct sk_error *err = NULL;
	struct image_reference *ref = NULL;
	assert_int_equal(image_reference_parse_unnormalized("Bad/Name", &ref, &err), -EINVAL);
	assert_string_equal(err->msg, "repository name must be lowercase");
}

static void test_image_reference_is_short_name_cases(void **state)
{
	assert_true(image_reference_is_short_name("busybox"));
	assert_true(image_reference_is_short_name("busybox:1.36"));
	assert_true(image_reference_is_short_name("library/fedora"));
	assert_true(image_reference_is_short_name("kindest/node@" DIGEST));
	assert_false(image_reference_is_short_name("quay.io/image"));
	assert_false(image_reference_is_short_name("localhost/image:tag"));
	assert_false(image_reference_is_short_name("server.org:5000/lib/image"));
	assert_false(image_reference_is_short_name("docker.io/busybox"));
	assert_false(image_reference_is_short_name("Invalid"));
	assert_false(image_reference_is_short_name(""));
}

static void assert_forms(const char *in, const char *name, const char *familiar)
{
	_cleanup_image_reference_ struct image_reference *ref = parse_ok(in);
	_cleanup_free_ char *n = image_reference_name(ref);
	_cleanup_free_ char *f = image_reference_familiar(ref);
	assert_string_equal(n, name);
	assert_string_equal(f, familiar);
}

static void test_image_reference_name_and_familiar(void **state)
{
	assert_forms("busybox:1.36", "docker.io/library/busybox", "busybox:1.36");
	assert_forms("docker.io/library/busybox@" DIGEST, "docker.io/library/busybox",
		     "busybox@" DIGEST);
	assert_forms("user/app", "docker.io/user/app", "user/app");
	assert_forms("docker.io/library/a/b", "docker.io/library/a/b", "library/a/b");
	assert_forms("quay.io/library/x:t", "quay.io/library/x", "quay.io/library/x:t");
	assert_forms("localhost:5000/a:b@" DIGEST, "localhost:5000/a",
		     "localhost:5000/a:b@" DIGEST);
}

static void test_image_reference_edit_tag_and_digest(void **state)
{
	_cleanup_image_reference_ struct image_reference *ref = parse_ok("quay.io/x");
	image_reference_tag_default(ref);
	assert_string_equal(ref->tag, "latest");
	_cleanup_error_ struct sk_error *err = NULL;
	assert_int_equal(image_reference_set_tag(ref, "bad tag", &err), -EINVAL);
	assert_string_equal(err->msg, "invalid tag format");
	assert_string_equal(ref->tag, "latest");
	assert_int_equal(image_reference_set_tag(ref, "v2", NULL), 0);
	assert_int_equal(image_reference_set_digest(ref, "sha256:12", NULL), -EINVAL);
	assert_int_equal(image_reference_set_digest(ref, DIGEST, NULL), 0);
	_cleanup_free_ char *f1 = image_reference_format(ref);
	assert_string_equal(f1, "quay.io/x:v2@" DIGEST);
	_cleanup_image_reference_ struct image_reference *dup = image_reference_dup(ref);
	image_reference_drop_tag_if_digested(ref);
	_cleanup_free_ char *f2 = image_reference_format(ref);
	assert_string_equal(f2, "quay.io/x@" DIGEST);
	image_reference_tag_default(ref);
	assert_null(ref->tag);
	_cleanup_free_ char *f3 = image_reference_format(dup);
	assert_string_equal(f3, "quay.io/x:v2@" DIGEST);
	assert_int_equal(image_reference_set_tag(dup, NULL, NULL), 0);
	assert_int_equal(image_reference_set_digest(dup, NULL, NULL), 0);
	_cleanup_free_ char *f4 = image_reference_format(dup);
	assert_string_equal(f4, "quay.io/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_reference_parse_normalizes_docker_hub),
		cmocka_unit_test(test_image_reference_parse_registries),
		cmocka_unit_test(test_image_reference_parse_tag_and_digest),
		cmocka_unit_test(test_image_reference_parse_errors_match_podman),
		cmocka_unit_test(test_image_reference_parse_length_limit),
		cmocka_unit_test(test_image_reference_parse_unnormalized_keeps_input),
		cmocka_unit_test(test_image_reference_is_short_name_cases),
		cmocka_unit_test(test_image_reference_name_and_familiar),
		cmocka_unit_test(test_image_reference_edit_tag_and_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
