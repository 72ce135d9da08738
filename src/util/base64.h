/* SPDX-License-Identifier: Apache-2.0 */
/* Standard base64 (RFC 4648 §4, "+/" alphabet, "=" padding). Tier 1: -errno. */
#pragma once

#include <stddef.h>

/* Encode len bytes; always returns an allocated, padded, NUL-terminated string. */
char *base64_encode(const void *data, size_t len);
/* Decode len characters of s (padding optional, no whitespace). The result is allocated and
 * NUL-terminated (the terminator is not counted in *ret_len). -EINVAL on a character outside the
 * alphabet, misplaced padding, or a length that can't be base64. */
int base64_decode(const char *s, size_t len, char **ret, size_t *ret_len);
