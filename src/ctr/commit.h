/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commit: a new image made of the container's image layers with the container's writable layer
 * as one more layer on top, its config taken from the container's settings (Entrypoint, Cmd,
 * Env, WorkingDir, User, Labels, ExposedPorts, StopSignal, Volumes) with --change instructions
 * applied after them, and a history entry — as podman commit makes it.
 *
 * The new layer is diffed into a work directory of the store and stored like an imported
 * layer; the image appears all at once (image_commit), or not at all when commit fails or is
 * killed (the layer lease ends with the work directory, and garbage collection takes the
 * layer).
 */
#pragma once

#include <stdbool.h>

#include "ctr/ctr.h"
#include "image/save-load.h"
#include "util/error.h"

struct ctr_commit_opts {
	const char *reference; /* the new image's name ("foo" → localhost/foo:latest); NULL: none */
	const char *author;
	const char *message;  /* docker format only, as podman */
	char *const *changes; /* Dockerfile instructions (image/change.h) */
	bool pause;	      /* pause a running container while its layer is read */
	bool docker_format;   /* a Docker schema2 manifest and config; else OCI */
	bool include_volumes; /* the container's volume destinations become image volumes */
	const struct image_copy_progress *progress;
};

/* Commit c; returns the new image's ID (64 hex). */
int ctr_commit(struct ctr_ctx *x, struct state_container *c, const struct ctr_commit_opts *o,
	       char **ret_id, struct sk_error **err);
