/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image references ("busybox", "quay.io/a/b:tag", "localhost:5000/x@sha256:...") with the
 * grammar of distribution/reference and Docker's normalisation as podman applies it:
 * "busybox" and "docker.io/busybox" both mean "docker.io/library/busybox".
 */
#pragma once

#include <stdbool.h>

#include "util/error.h"
#include "util/macro.h"

#define IMAGE_DEFAULT_DOMAIN "docker.io"
#define IMAGE_DEFAULT_TAG "latest"

struct image_reference {
	char *domain;	 /* "docker.io", "localhost:5000"; NULL only for unnormalised short names */
	char *path;	 /* "library/busybox" */
	char *tag;	 /* NULL when none was given */
	char *digest;	 /* "sha256:<hex>", NULL when none was given */
	bool short_name; /* the input named no registry */
};

/* Parse and normalise s: a name without a registry goes to docker.io, and a single docker.io
 * component gets "library/". Errors carry podman's messages ("invalid reference format"). */
int image_reference_parse(const char *s, struct image_reference **ret, struct sk_error **err);
/* Parse s with the same grammar but without normalising: a short name keeps domain NULL and
 * its path as written ("busybox", "library/busybox"), as short-name resolution needs. */
int image_reference_parse_unnormalized(const char *s, struct image_reference **ret,
				       struct sk_error **err);
/* Whether s is a valid reference without a registry ("busybox:1", "user/app@sha256:..."). */
bool image_reference_is_short_name(const char *s);
struct image_reference *image_reference_dup(const struct image_reference *ref);
void image_reference_free(struct image_reference *ref);
DEFINE_CLEANUP_FUNC(struct image_reference *, image_reference_free)
#define _cleanup_image_reference_ _cleanup_(image_reference_freep)

/* "domain/path[:tag][@digest]" (just the path for an unnormalised short name). */
char *image_reference_format(const struct image_reference *ref);
/* "domain/path": the repository name, without tag or digest. */
char *image_reference_name(const struct image_reference *ref);
/* Docker's familiar form: docker.io and a lone "library/" dropped ("busybox:1.36", "user/app",
 * "quay.io/a/b:tag"). */
char *image_reference_familiar(const struct image_reference *ref);
/* Add the "latest" tag when neither a tag nor a digest is set. */
void image_reference_tag_default(struct image_reference *ref);
/* Replace the tag (NULL drops it); -EINVAL with podman's message for a bad tag. */
int image_reference_set_tag(struct image_reference *ref, const char *tag, struct sk_error **err);
/* Replace the digest (NULL drops it); validated like a parsed one. */
int image_reference_set_digest(struct image_reference *ref, const char *digest,
			       struct sk_error **err);
/* Docker compatibility for "name:tag@digest": the digest alone decides, the tag is dropped. */
void image_reference_drop_tag_if_digested(struct image_reference *ref);
