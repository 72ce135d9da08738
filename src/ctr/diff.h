/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff: what a container's writable layer changed on top of its image, or an image's top
 * layer on top of the layers below it, as podman (containers/storage) reports it:
 *
 *   A /new        added: not in any layer below
 *   C /etc        changed: in a layer below; a directory only when its size, mode or mtime
 *                 differ, or when an entry right inside it was added or deleted
 *   D /gone       deleted: an overlay whiteout (or, for a vfs layer, missing from its parent)
 *
 * The mount points the runtime makes (/etc/hosts, /etc/resolv.conf, /run/.containerenv, /dev,
 * /proc, /sys, ...) are left out, as podman does. Changes come in path order, a directory
 * before its entries.
 */
#pragma once

#include <stddef.h>

#include "ctr/ctr.h"
#include "util/error.h"

enum ctr_change_kind {
	CTR_CHANGE_MODIFY,
	CTR_CHANGE_ADD,
	CTR_CHANGE_DELETE,
	_CTR_CHANGE_KIND_MAX,
	_CTR_CHANGE_KIND_INVALID = -22,
};

/* "C", "A", "D". */
const char *ctr_change_kind_to_string(enum ctr_change_kind k);

struct ctr_change {
	enum ctr_change_kind kind;
	char *path; /* absolute */
};

struct ctr_changes {
	struct ctr_change *v;
	size_t n;
};

void ctr_changes_release(struct ctr_changes *c);

/* A path order: component by component, so "/a" < "/a/b" < "/a-b" (a directory before its
 * entries, as a walk meets them). */
int ctr_change_path_cmp(const char *a, const char *b);

/* The changes of a container's writable layer. */
int ctr_diff_container(struct ctr_ctx *x, const struct state_container *c, struct ctr_changes *ret,
		       struct sk_error **err);
/* The changes of an image's top layer (everything is added for a one-layer image). */
int ctr_diff_image(struct ctr_ctx *x, const char *image_id, struct ctr_changes *ret,
		   struct sk_error **err);
