/* SPDX-License-Identifier: Apache-2.0 */
#include "base64.h"

#include <errno.h>
#include <stdint.h>

#include "xalloc.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	size_t groups = len / 3 + (len % 3 != 0);
	char *out = xmalloc(groups * 4 + 1);
	char *o = out;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = len - i;
		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		*o++ = alphabet[(v >> 18) & 0x3f];
		*o++ = alphabet[(v >> 12) & 0x3f];
		*o++ = left > 1 ? alphabet[(v >> 6) & 0x3f] : '=';
		*o++ = left > 2 ? alphabet[v & 0x3f] : '=';
	}
	*o = '\0';
	return out;
}

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(const char *s, size_t len, char **ret, size_t *ret_len)
{
	/* Padding is optional, but if present it must complete the last group. */
	size_t pad = 0;
	while (pad < 2 && len > pad && s[len - pad - 1] == '=')
		pad++;
	if (pad && len % 4 != 0)
		return -EINVAL;
	size_t n = len - pad;
	if (n % 4 == 1)
		return -EINVAL;
	unsigned char *out = xmalloc(n / 4 * 3 + 3);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = sextet(s[i]);
		if (v < 0) {
			free(out);
			return -EINVAL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits of a non-canonical last sextet are ignored, as Go's decoder does. */
	out[o] = '\0';
	*ret = (char *)out;
	if (ret_len)
		*ret_len = o;
	return 0;
}
