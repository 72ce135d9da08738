/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/userns-map.h"

#include <errno.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* podman: no more than this for auto (containers.conf auto_userns_max_size), at least this
 * (auto_userns_min_size). */
#define AUTO_SIZE_MAX 65536u
#define AUTO_SIZE_MIN 1024u

static const char *const kind_names[_CTR_USERNS_KIND_MAX] = {
	[CTR_USERNS_HOST] = "host",	      [CTR_USERNS_KEEP_ID] = "keep-id",
	[CTR_USERNS_NOMAP] = "nomap",	      [CTR_USERNS_AUTO] = "auto",
	[CTR_USERNS_CONTAINER] = "container", [CTR_USERNS_MAPPED] = "mapped",
};

const char *ctr_userns_kind_to_string(enum ctr_userns_kind k)
{
	if ((int)k < 0 || k >= _CTR_USERNS_KIND_MAX)
		return NULL;
	return kind_names[k];
}

enum ctr_userns_kind ctr_userns_kind_from_string(const char *s)
{
	for (int i = 0; s && i < _CTR_USERNS_KIND_MAX; i++)
		if (streq(s, kind_names[i]))
			return (enum ctr_userns_kind)i;
	return _CTR_USERNS_KIND_INVALID;
}

void ctr_userns_mode_done(struct ctr_userns_mode *m)
{
	if (!m)
		return;
	free(m->container);
	*m = (struct ctr_userns_mode){ 0 };
}

/* Go's strconv.ParseUint(s, 10, 32) and its errors. */
static int uint32_parse(const char *s, uint32_t *ret, struct sk_error **err)
{
	uint64_t v;
	int r = parse_uint64(s, &v);
	if (r == -ERANGE || (r >= 0 && v > UINT32_MAX))
		return sk_err_invalid(err, "strconv.ParseUint: parsing \"%s\": value out of range",
				      s);
	if (r < 0)
		return sk_err_invalid(err, "strconv.ParseUint: parsing \"%s\": invalid syntax", s);
	*ret = (uint32_t)v;
	return 0;
}

/* keep-id's and auto's "key=value,..." options. */
static int options_parse(const char *opts, struct ctr_userns_mode *m, struct sk_error **err)
{
	_cleanup_strv_free_ char **v = strv_split(opts, ",", false);
	STRV_FOREACH (o, v) {
		const char *eq = strchr(*o, '=');
		if (!eq)
			return sk_err_invalid(err, "invalid option specified: \"%s\"", *o);
		_cleanup_free_ char *key = xstrndup(*o, (size_t)(eq - *o));
		int r = 0;
		if (m->kind == CTR_USERNS_KEEP_ID && streq(key, "uid")) {
			r = uint32_parse(eq + 1, &m->uid, err);
			m->has_uid = true;
		} else if (m->kind == CTR_USERNS_KEEP_ID && streq(key, "gid")) {
			r = uint32_parse(eq + 1, &m->gid, err);
			m->has_gid = true;
		} else if (m->kind == CTR_USERNS_AUTO && streq(key, "size")) {
			r = uint32_parse(eq + 1, &m->size, err);
			m->has_size = true;
		} else if (m->kind == CTR_USERNS_AUTO &&
			   (streq(key, "uidmapping") || streq(key, "gidmapping"))) {
			return sk_err_invalid(err,
					      "invalid option specified: \"%s\": auto's %s is "
					      "not supported",
					      *o, key);
		} else if (m->kind == CTR_USERNS_KEEP_ID) {
			return sk_err_invalid(err, "unknown option specified: \"%s\"", key);
		} else {
			return sk_err_invalid(err, "invalid option specified: \"%s\"", *o);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int ctr_userns_mode_parse(const char *s, struct ctr_userns_mode *ret, struct sk_error **err)
{
	struct ctr_userns_mode m = { .kind = CTR_USERNS_HOST };
	if (isempty(s) || streq(s, "host")) {
		*ret = m;
		return 0;
	}
	const char *colon = strchr(s, ':');
	_cleanup_free_ char *word = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	if (streq(word, "keep-id"))
		m.kind = CTR_USERNS_KEEP_ID;
	else if (streq(word, "auto"))
		m.kind = CTR_USERNS_AUTO;
	else if (streq(s, "nomap"))
		m.kind = CTR_USERNS_NOMAP;
	else if (streq(word, "container") && colon && colon[1]) {
		m.kind = CTR_USERNS_CONTAINER;
		m.container = xstrdup(colon + 1);
	} else if (streq(s, "private"))
		return sk_err_invalid(err, "must provide at least one UID or GID mapping to "
					   "configure a user namespace");
	else if (streq(word, "ns") && colon)
		return sk_err_invalid(err,
				      "--userns=%s: joining a user namespace by path is not "
				      "supported",
				      s);
	else
		return sk_err_invalid(err, "unrecognized namespace mode %s passed", s);
	if (colon && (m.kind == CTR_USERNS_KEEP_ID || m.kind == CTR_USERNS_AUTO)) {
		int r = options_parse(colon + 1, &m, err);
		if (r < 0)
			return r;
	}
	*ret = m;
	return 0;
}

/* Go's %q of a []string: ["a" "b"]. */
static char *go_quote_list(char *const *values)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '[');
	STRV_FOREACH (v, values) {
		if (v != values)
			strbuf_addch(&sb, ' ');
		strbuf_addch(&sb, '"');
		for (const char *p = *v; *p; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, *p);
		}
		strbuf_addch(&sb, '"');
	}
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb, NULL);
}

int ctr_idmap_parse_flags(char *const *values, const char *what, struct idmap_range **ret,
			  size_t *ret_n, struct sk_error **err)
{
	_cleanup_strv_free_ char **parts = NULL;
	STRV_FOREACH (v, values) {
		_cleanup_strv_free_ char **p = strv_split(*v, ",", false);
		STRV_FOREACH (x, p)
			strv_push(&parts, *x);
	}
	struct idmap_range *v = NULL;
	size_t n = 0;
	if (idmap_parse_all(parts, &v, &n) < 0) {
		_cleanup_free_ char *list = go_quote_list(values);
		return sk_err_invalid(err,
				      "initializing ID mappings: %s setting is malformed expected "
				      "[\"uint32:uint32:uint32\"]: %s",
				      what, list);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int ctr_idmap_check(const struct idmap_range *v, size_t n, struct sk_error **err)
{
	long bad = idmap_find_conflict(v, n);
	if (bad < 0)
		return 0;
	_cleanup_free_ char *s = idmap_range_format(&v[bad]);
	return sk_err_invalid(err,
			      "creating container storage: the specified UID and/or GID mapping %s "
			      "conflicts with other mappings: invalid mappings specified",
			      s);
}

static void range_add(struct idmap_range **v, size_t *n, uint32_t c, uint32_t h, uint64_t size)
{
	if (size == 0)
		return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct idmap_range){ c, h, (uint32_t)MIN(size, UINT32_MAX) };
}

void ctr_idmap_keep_id(uint64_t ids, uint32_t id, struct idmap_range **ret, size_t *ret_n)
{
	uint64_t avail = ids > 0 ? ids - 1 : 0;
	struct idmap_range *v = NULL;
	size_t n = 0;
	range_add(&v, &n, 0, 1, MIN((uint64_t)id, avail));
	range_add(&v, &n, id, 0, 1);
	if ((uint64_t)id < avail)
		range_add(&v, &n, id + 1, id + 1, avail - id);
	*ret = v;
	*ret_n = n;
}

void ctr_idmap_nomap(uint64_t ids, struct idmap_range **ret, size_t *ret_n)
{
	struct idmap_range *v = NULL;
	size_t n = 0;
	range_add(&v, &n, 0, 1, ids > 0 ? ids - 1 : 0);
	*ret = v;
	*ret_n = n;
}

void ctr_idmap_from_ranges(const struct idmap_range *host_ranges, size_t n_ranges,
			   struct idmap_range **ret, size_t *ret_n)
{
	struct idmap_range *v = NULL;
	size_t n = 0;
	uint64_t next = 0;
	for (size_t i = 0; i < n_ranges && next <= UINT32_MAX; i++) {
		range_add(&v, &n, (uint32_t)next, host_ranges[i].host, host_ranges[i].size);
		next += host_ranges[i].size;
	}
	*ret = v;
	*ret_n = n;
}

/* The used range covering id, or the start of the next one above it (UINT64_MAX: none). */
static bool used_at(const struct idmap_range *used, size_t n, uint64_t id, uint64_t *ret_end,
		    uint64_t *ret_next)
{
	*ret_next = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = used[i].host, b = a + used[i].size;
		if (used[i].size == 0)
			continue;
		if (id >= a && id < b) {
			*ret_end = b;
			return true;
		}
		if (a > id)
			*ret_next = MIN(*ret_next, a);
	}
	return false;
}

int ctr_idmap_auto_allocate(const struct idmap_range *avail, size_t n_avail,
			    const struct idmap_range *used, size_t n_used, uint32_t size,
			    struct idmap_range **ret, size_t *ret_n)
{
	_cleanup_free_ struct idmap_range *v = NULL;
	size_t n = 0;
	uint64_t need = size, off = 0;
	for (size_t i = 0; i < n_avail && need > 0; i++) {
		uint64_t cur = avail[i].host, end = cur + avail[i].size;
		while (cur < end && need > 0) {
			uint64_t used_end, next;
			if (used_at(used, n_used, cur, &used_end, &next)) {
				cur = used_end;
				continue;
			}
			uint64_t take = MIN(MIN(next, end) - cur, need);
			range_add(&v, &n, (uint32_t)off, (uint32_t)cur, take);
			off += take;
			need -= take;
			cur += take;
		}
	}
	if (need > 0 || size == 0)
		return -ENOSPC;
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

/* The highest ID field (fields idx_a and idx_b, -1 for none) of the lines of a passwd or group
 * text, skipping the entries named skip1 or skip2. */
static uint64_t db_max_id(const char *text, int idx_a, int idx_b, const char *skip1,
			  const char *skip2)
{
	uint64_t max = 0;
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n", true);
	STRV_FOREACH (l, lines) {
		_cleanup_strv_free_ char **f = strv_split(*l, ":", false);
		size_t nf = strv_length(f);
		if (nf < 3 || (*l)[0] == '#' || streq(f[0], skip1) || streq(f[0], skip2))
			continue;
		const int idx[] = { idx_a, idx_b };
		for (size_t i = 0; i < ELEMENTSOF(idx); i++) {
			uint64_t id;
			if (idx[i] >= 0 && (size_t)idx[i] < nf &&
			    parse_uint64(f[idx[i]], &id) >= 0 && id <= UINT32_MAX)
				max = MAX(max, id);
		}
	}
	return max;
}

uint32_t ctr_idmap_auto_size(uint32_t max_file_id, const char *passwd, const char *group)
{
	uint64_t size = (uint64_t)max_file_id + 1;
	size = MAX(size, db_max_id(passwd, 2, 3, "nobody", "nfsnobody"));
	size = MAX(size, db_max_id(group, 2, -1, "nogroup", "nobody"));
	return (uint32_t)MIN(MAX(size, AUTO_SIZE_MIN), AUTO_SIZE_MAX);
}

char *ctr_idmap_unmapped_message(const struct idmap_range *v, size_t n, const char *what,
				 uint32_t id)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "container uses ID mappings ([]specs.LinuxIDMapping{");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%sspecs.LinuxIDMapping{ContainerID:0x%x, HostID:0x%x, Size:0x%x}",
			    i ? ", " : "", v[i].container, v[i].host, v[i].size);
	strbuf_addf(&sb, "}), but doesn't map %s %u", what, id);
	return strbuf_detach(&sb, NULL);
}
