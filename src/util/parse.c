/* SPDX-License-Identifier: Apache-2.0 */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_uint64(const char *s, uint64_t *ret)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_int64(const char *s, int64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno)
		return -errno;
	if (*end || isspace((unsigned char)*s))
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_int(const char *s, int *ret)
{
	int64_t v;
	int r = parse_int64(s, &v);
	if (r < 0)
		return r;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "1", "true", "yes", "on", "y", "t" };
	static const char *const no[] = { "0", "false", "no", "off", "n", "f" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_size(const char *s, uint64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -EINVAL;
	double mult = 1;
	if (*end) {
		switch (tolower((unsigned char)*end)) {
		case 'b':
			break;
		case 'k':
			mult = 1024.0;
			break;
		case 'm':
			mult = 1024.0 * 1024;
			break;
		case 'g':
			mult = 1024.0 * 1024 * 1024;
			break;
		case 't':
			mult = 1024.0 * 1024 * 1024 * 1024;
			break;
		default:
			return -EINVAL;
		}
		end++;
		if (mult > 1 && (strcasecmp(end, "b") == 0 || strcasecmp(end, "ib") == 0))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	double total = v * mult;
	if (total > (double)UINT64_MAX)
		return -ERANGE;
	*ret = (uint64_t)total;
	return 0;
}

int parse_duration_ns(const char *s, int64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	char *end;
	/* A bare number is seconds, as podman's --stop-timeout and friends accept. */
	errno = 0;
	long long plain = strtoll(s, &end, 10);
	if (!errno && !*end && plain >= 0) {
		if (plain > INT64_MAX / 1000000000LL)
			return -ERANGE;
		*ret = plain * 1000000000LL;
		return 0;
	}
	double total = 0;
	const char *p = s;
	while (*p) {
		errno = 0;
		double v = strtod(p, &end);
		if (errno || end == p || v < 0)
			return -EINVAL;
		p = end;
		double unit;
		if (strncmp(p, "ns", 2) == 0)
			unit = 1, p += 2;
		else if (strncmp(p, "us", 2) == 0 || strncmp(p, "\xc2\xb5s", 3) == 0)
			unit = 1e3, p += (*p == 'u' ? 2 : 3);
		else if (strncmp(p, "ms", 2) == 0)
			unit = 1e6, p += 2;
		else if (*p == 's')
			unit = 1e9, p += 1;
		else if (*p == 'm')
			unit = 60e9, p += 1;
		else if (*p == 'h')
			unit = 3600e9, p += 1;
		else
			return -EINVAL;
		total += v * unit;
	}
	if (total > (double)INT64_MAX)
		return -ERANGE;
	*ret = (int64_t)total;
	return 0;
}
