/* SPDX-License-Identifier: Apache-2.0 */
#include "refname.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* One DNS-ish label: [A-Za-z0-9] or [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]. */
static bool label_is_valid(const char *s, size_t len)
{
	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

static bool host_is_valid(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '[') {
		if (s[len - 1] != ']' || len == 2)
			return false;
		for (size_t i = 1; i < len - 1; i++) {
			if (!isxdigit((unsigned char)s[i]) && s[i] != ':')
				return false;
		}
		return true;
	}
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!label_is_valid(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

bool refname_domain_is_valid(const char *s, size_t len)
{
	size_t host_len = len;
	/* the port follows the last ':' outside brackets */
	for (size_t i = len; i > 0; i--) {
		if (s[i - 1] == ']')
			break;
		if (s[i - 1] == ':') {
			host_len = i - 1;
			break;
		}
	}
	if (host_len < len) {
		const char *port = s + host_len + 1;
		size_t plen = len - host_len - 1;
		if (plen == 0)
			return false;
		for (size_t i = 0; i < plen; i++) {
			if (!isdigit((unsigned char)port[i]))
				return false;
		}
	}
	return host_is_valid(s, host_len);
}

bool refname_component_is_valid(const char *s, size_t len)
{
	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len;) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		/* a separator: '.', '_', '__' or any run of '-', between alphanumerics */
		size_t j = i;
		if (s[i] == '-') {
			while (j < len && s[j] == '-')
				j++;
		} else if (s[i] == '_') {
			j += (j + 1 < len && s[j + 1] == '_') ? 2 : 1;
		} else if (s[i] == '.') {
			j++;
		} else {
			return false;
		}
		if (j >= len || !is_lower_alnum(s[j]))
			return false;
		i = j;
	}
	return true;
}

bool refname_path_is_valid(const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		if (!refname_component_is_valid(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

bool refname_tag_is_valid(const char *s, size_t len)
{
	if (len == 0 || len > REFNAME_TAG_MAX || !is_word(s[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	}
	return true;
}

bool refname_is_domain_like(const char *s, size_t len)
{
	if (len == 9 && memcmp(s, "localhost", 9) == 0)
		return true;
	return memchr(s, '.', len) || memchr(s, ':', len);
}

/* [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* */
static bool algorithm_is_valid(const char *s, size_t len)
{
	bool need_alpha = true;
	for (size_t i = 0; i < len; i++) {
		if (need_alpha) {
			if (!isalpha((unsigned char)s[i]))
				return false;
			need_alpha = false;
		} else if (strchr("-_+.", s[i])) {
			need_alpha = true;
		} else if (!isalnum((unsigned char)s[i])) {
			return false;
		}
	}
	return len > 0 && !need_alpha;
}

int refname_digest_check(const char *s, size_t len)
{
	static const struct {
		const char *name;
		size_t hex_len;
	} algorithms[] = { { "sha256", 64 }, { "sha384", 96 }, { "sha512", 128 } };
	const char *colon = memchr(s, ':', len);
	if (!colon || !algorithm_is_valid(s, (size_t)(colon - s)))
		return -EINVAL;
	const char *hex = colon + 1;
	size_t alg_len = (size_t)(colon - s), hex_len = len - alg_len - 1;
	if (hex_len < 32)
		return -EINVAL;
	for (size_t i = 0; i < hex_len; i++) {
		if (!isxdigit((unsigned char)hex[i]))
			return -EINVAL;
	}
	for (size_t a = 0; a < sizeof(algorithms) / sizeof(*algorithms); a++) {
		if (alg_len != strlen(algorithms[a].name) ||
		    memcmp(s, algorithms[a].name, alg_len) != 0)
			continue;
		if (hex_len != algorithms[a].hex_len)
			return -EMSGSIZE;
		for (size_t i = 0; i < hex_len; i++) {
			if (isupper((unsigned char)hex[i]))
				return -EBADMSG;
		}
		return 0;
	}
	return -EOPNOTSUPP;
}

bool refname_split(const char *s, struct refname_parts *p)
{
	size_t len = strlen(s), rest = len;
	const char *at = memchr(s, '@', len);
	*p = (struct refname_parts){ 0 };
	if (at) {
		rest = (size_t)(at - s);
		p->digest = at + 1;
		p->digest_len = len - rest - 1;
		if (refname_digest_check(p->digest, p->digest_len) == -EINVAL)
			return false;
	}
	/* a tag is what follows a ':' after the last '/' (a ':' before it is a port) */
	const char *slash = memrchr(s, '/', rest);
	const char *from = slash ? slash + 1 : s;
	const char *colon = memchr(from, ':', rest - (size_t)(from - s));
	p->name_len = colon ? (size_t)(colon - s) : rest;
	if (colon) {
		p->tag = colon + 1;
		p->tag_len = rest - p->name_len - 1;
		if (!refname_tag_is_valid(p->tag, p->tag_len))
			return false;
	}
	const char *first = memchr(s, '/', p->name_len);
	if (first && refname_domain_is_valid(s, (size_t)(first - s)) &&
	    refname_path_is_valid(first + 1, p->name_len - (size_t)(first - s) - 1)) {
		p->domain = s;
		p->domain_len = (size_t)(first - s);
		p->path = first + 1;
		p->path_len = p->name_len - p->domain_len - 1;
		return true;
	}
	p->path = s;
	p->path_len = p->name_len;
	return refname_path_is_valid(s, p->name_len);
}
