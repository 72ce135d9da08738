/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "util/base64.h"
#include "util/macro.h"

static void test_base64_encode_rfc4648_vectors(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "",	       "Zg==",	   "Zm8=",    "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (size_t i = 0; i < ELEMENTSOF(in); i++) {
		_cleanup_free_ char *e = base64_encode(in[i], strlen(in[i]));
		assert_string_equal(e, out[i]);
	}
}

static void test_base64_decode_round_trip_binary(void **state)
{
	unsigned char data[256];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(255 - i);
	for (size_t len = 0; len <= sizeof(data); len += 7) {
		_cleanup_free_ char *e = base64_encode(data, len);
		_cleanup_free_ char *d = NULL;
		size_t dlen = 0;
		assert_int_equal(base64_decode(e, strlen(e), &d, &dlen), 0);
		assert_int_equal(dlen, len);
		assert_memory_equal(d, data, len);
		assert_int_equal(d[dlen], '\0');
	}
}

static void test_base64_decode_padding_optional(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	assert_int_equal(base64_decode("dXNlcjpwYXNz", 12, &a, &la), 0);
	assert_string_equal(a, "user:pass");
	assert_int_equal(base64_decode("Zm9vYg", 6, &b, &lb), 0);
	assert_string_equal(b, "foob");
	assert_int_equal(lb, 4);
}

static void test_base64_decode_rejects_garbage(void **state)
{
	char *d = NULL;
	assert_int_equal(base64_decode("Zm9v!", 5, &d, NULL), -EINVAL);
	assert_int_equal(base64_decode("Z", 1, &d, NULL), -EINVAL);    /* impossible length */
	assert_int_equal(base64_decode("Zg=", 3, &d, NULL), -EINVAL);  /* half padding */
	assert_int_equal(base64_decode("Z===", 4, &d, NULL), -EINVAL); /* too much padding */
	assert_int_equal(base64_decode("Zm 9v", 5, &d, NULL), -EINVAL);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_encode_rfc4648_vectors),
		cmocka_unit_test(test_base64_decode_round_trip_binary),
		cmocka_unit_test(test_base64_decode_padding_optional),
		cmocka_unit_test(test_base64_decode_rejects_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
