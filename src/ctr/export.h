/* SPDX-License-Identifier: Apache-2.0 */
/*
 * export: a container's whole root file system (its image's layers with its writable layer on
 * top, volumes and runtime mounts left out) as one uncompressed tar, as podman export writes
 * it. A stopped container's root file system is mounted for the time it takes.
 */
#pragma once

#include "ctr/ctr.h"
#include "util/error.h"

/* Write the tar to out_fd. */
int ctr_export(struct ctr_ctx *x, struct state_container *c, int out_fd, struct sk_error **err);

/* Write the tar to the file path: a temporary file next to it, renamed at the end, so a failed
 * export leaves no partial file. */
int ctr_export_file(struct ctr_ctx *x, struct state_container *c, const char *path,
		    struct sk_error **err);
