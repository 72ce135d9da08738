/* SPDX-License-Identifier: Apache-2.0 */
#include "subid.h"

#include <stdlib.h>
#include <string.h>

#include "util/fs.h"
#include "util/xalloc.h"

static bool parse_u32(const char *s, size_t len, uint32_t *ret)
{
	if (len == 0 || len > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

static bool owner_matches(const char *s, size_t len, const char *user, uid_t id)
{
	if (user && strlen(user) == len && memcmp(s, user, len) == 0)
		return true;
	uint32_t n;
	return parse_u32(s, len, &n) && n == id;
}

size_t config_subid_parse(const char *text, const char *user, uid_t id,
			  struct config_subid_range **ranges)
{
	size_t n = 0;
	*ranges = NULL;
	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		uint32_t start, count;
		if (line[0] != '#' && c2 && owner_matches(line, (size_t)(c1 - line), user, id) &&
		    parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &start) &&
		    parse_u32(c2 + 1, (size_t)(end - c2 - 1), &count) && count > 0 &&
		    (uint64_t)start + count - 1 <= UINT32_MAX) {
			*ranges = xreallocarray(*ranges, n + 1, sizeof(**ranges));
			(*ranges)[n++] = (struct config_subid_range){ start, count };
		}
		line = *end ? end + 1 : end;
	}
	return n;
}

size_t config_subid_read(const char *path, const char *user, uid_t id,
			 struct config_subid_range **ranges)
{
	_cleanup_free_ char *text = NULL;
	*ranges = NULL;
	if (fs_read_file(path, 1 << 20, &text, NULL) < 0)
		return 0;
	return config_subid_parse(text, user, id, ranges);
}

uint32_t config_subid_total(const struct config_subid_range *ranges, size_t n)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += ranges[i].count;
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}
