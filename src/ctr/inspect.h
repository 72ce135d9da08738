/* SPDX-License-Identifier: Apache-2.0 */
/* `inspect` of a container: podman's document (Id, Created, Path, Args, State{...}, Image,
 * ImageName, Name, Mounts, Config, HostConfig, GraphDriver, ...). */
#pragma once

#include <jansson.h>

#include "ctr/ctr.h"
#include "util/error.h"

/* size: also SizeRw (the writable layer) and SizeRootFs (with the image), as --size. */
int ctr_inspect_json(struct ctr_ctx *x, const struct state_container *c, bool size, json_t **ret,
		     struct sk_error **err);
