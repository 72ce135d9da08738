/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The files selkie manages in every container, written to its userdata directory and
 * bind-mounted: /etc/hostname, /etc/hosts, /etc/resolv.conf and /run/.containerenv (podman's
 * marker, which tools test to know they run in a container). A destination the user mounts
 * something on is left alone.
 */
#pragma once

#include <jansson.h>

#include "ctr/spec-build.h"
#include "util/error.h"

int ctr_etc_files_write(const json_t *doc, const char *userdata, struct ctr_start_resolved *rs,
			struct sk_error **err);
/* Rewrite a running container's /etc/hosts and /etc/resolv.conf in place (bind-mounted
 * files keep their inode) after its networks changed (network connect/disconnect). */
int ctr_etc_files_refresh(const json_t *doc, const char *userdata,
			  const struct ctr_start_resolved *rs, struct sk_error **err);
