/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grammar of image references (distribution/reference) as predicates, shared by config/
 * (registries.conf validates registries and aliases) and image/ (reference parsing). Each
 * checks exactly len bytes of s. Tier 1: returns bool or -errno, never logs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Longest repository name, domain included. */
#define REFNAME_NAME_MAX 255
/* Longest tag. */
#define REFNAME_TAG_MAX 128

/* host[:port]: dot-separated [A-Za-z0-9-] labels (no leading or trailing '-') or a bracketed
 * IPv6 address, then an optional decimal port. */
bool refname_domain_is_valid(const char *s, size_t len);
/* One path component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-'. */
bool refname_component_is_valid(const char *s, size_t len);
/* Components joined by single slashes. */
bool refname_path_is_valid(const char *s, size_t len);
/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
bool refname_tag_is_valid(const char *s, size_t len);
/* Whether the first element of a name ("quay.io", "localhost:5000", "localhost") names a
 * registry rather than a Docker Hub namespace: it contains '.' or ':' or is "localhost". */
bool refname_is_domain_like(const char *s, size_t len);
/* The pieces of a reference (pointers into the input): name[:tag][@digest], name being
 * [domain/]path. The grammar reads a leading domain whenever one fits, so "library/busybox"
 * gets domain "library": callers decide with refname_is_domain_like(). */
struct refname_parts {
	const char *domain; /* NULL when the name has none */
	size_t domain_len;
	const char *path;
	size_t path_len;
	size_t name_len; /* domain, '/' and path: the name starts at the input */
	const char *tag; /* NULL when none */
	size_t tag_len;
	const char *digest; /* NULL when none */
	size_t digest_len;
};

/* Split s by distribution's ReferenceRegexp. Grammar only: the name's length and the digest's
 * algorithm and hex length are left to the caller (refname_digest_check). */
bool refname_split(const char *s, struct refname_parts *ret);
/* "algorithm:hex" as go-digest validates it: -EINVAL when it is not digest-shaped at all,
 * -EOPNOTSUPP for an algorithm other than sha256/sha384/sha512, -EMSGSIZE for a wrong hex
 * length, -EBADMSG for hex that is not lowercase; 0 when valid. */
int refname_digest_check(const char *s, size_t len);
