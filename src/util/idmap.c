/* SPDX-License-Identifier: Apache-2.0 */
#include "idmap.h"

#include <errno.h>
#include <string.h>

#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int id_parse(const char *s, size_t len, uint32_t *ret)
{
	char buf[16];
	uint64_t v;
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_uint64(buf, &v) < 0 || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int idmap_range_parse(const char *s, struct idmap_range *ret)
{
	const char *a = s ? strchr(s, ':') : NULL;
	const char *b = a ? strchr(a + 1, ':') : NULL;
	struct idmap_range r;
	if (!b || id_parse(s, (size_t)(a - s), &r.container) < 0 ||
	    id_parse(a + 1, (size_t)(b - a - 1), &r.host) < 0 ||
	    id_parse(b + 1, strlen(b + 1), &r.size) < 0)
		return -EINVAL;
	*ret = r;
	return 0;
}

char *idmap_range_format(const struct idmap_range *r)
{
	return xasprintf("%u:%u:%u", r->container, r->host, r->size);
}

char **idmap_format_all(const struct idmap_range *v, size_t n)
{
	char **out = strv_new(NULL);
	for (size_t i = 0; i < n; i++)
		strv_pushf(&out, "%u:%u:%u", v[i].container, v[i].host, v[i].size);
	return out;
}

int idmap_parse_all(char *const *s, struct idmap_range **ret, size_t *ret_n)
{
	size_t n = strv_length(s);
	_cleanup_free_ struct idmap_range *v = xnew(struct idmap_range, n + 1);
	for (size_t i = 0; i < n; i++)
		if (idmap_range_parse(s[i], &v[i]) < 0)
			return -EINVAL;
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

bool idmap_to_host(const struct idmap_range *v, size_t n, uint32_t id, uint32_t *ret)
{
	for (size_t i = 0; i < n; i++) {
		if (id >= v[i].container && (uint64_t)id < (uint64_t)v[i].container + v[i].size) {
			uint64_t h = (uint64_t)v[i].host + (id - v[i].container);
			if (h > UINT32_MAX)
				return false;
			*ret = (uint32_t)h;
			return true;
		}
	}
	return false;
}

bool idmap_to_container(const struct idmap_range *v, size_t n, uint32_t id, uint32_t *ret)
{
	for (size_t i = 0; i < n; i++) {
		if (id >= v[i].host && (uint64_t)id < (uint64_t)v[i].host + v[i].size) {
			uint64_t c = (uint64_t)v[i].container + (id - v[i].host);
			if (c > UINT32_MAX)
				return false;
			*ret = (uint32_t)c;
			return true;
		}
	}
	return false;
}

bool idmap_host_mapped(const struct idmap_range *v, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= v[i].host && (uint64_t)id < (uint64_t)v[i].host + v[i].size)
			return true;
	return false;
}

static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an > 0 && bn > 0 && a < b + bn && b < a + an;
}

long idmap_find_conflict(const struct idmap_range *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((uint64_t)v[i].container + v[i].size > (uint64_t)UINT32_MAX + 1 ||
		    (uint64_t)v[i].host + v[i].size > (uint64_t)UINT32_MAX + 1)
			return (long)i;
		for (size_t j = 0; j < i; j++)
			if (overlap(v[i].container, v[i].size, v[j].container, v[j].size) ||
			    overlap(v[i].host, v[i].size, v[j].host, v[j].size))
				return (long)i;
	}
	return -1;
}

bool idmap_host_unused(const struct idmap_range *v, size_t n, uint64_t limit, uint32_t *ret)
{
	uint64_t id = 0;
	/* Each pass moves past one range that covers id: at most n passes. */
	for (size_t pass = 0; pass <= n && id < limit; pass++) {
		bool moved = false;
		for (size_t i = 0; i < n; i++) {
			if (id >= v[i].host && id < (uint64_t)v[i].host + v[i].size) {
				id = (uint64_t)v[i].host + v[i].size;
				moved = true;
			}
		}
		if (!moved) {
			if (id > UINT32_MAX)
				return false;
			*ret = (uint32_t)id;
			return true;
		}
	}
	return false;
}

uint64_t idmap_container_end(const struct idmap_range *v, size_t n)
{
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++)
		end = MAX(end, (uint64_t)v[i].container + v[i].size);
	return end;
}
