/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dockerfile instructions applied to an image config (the --change option of import and
 * commit), parsed as podman parses them: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD,
 * STOPSIGNAL, USER, VOLUME, WORKDIR. The keyword is case-insensitive and separated from its
 * value by a space (or "="). CMD, ENTRYPOINT and VOLUME take a JSON array or a shell form
 * (CMD and ENTRYPOINT then run under "/bin/sh -c").
 */
#pragma once

#include <jansson.h>

#include "util/error.h"

/* Apply one instruction to config (the "config" object of an image config, with Docker's
 * field names: Cmd, Entrypoint, Env, ExposedPorts, Labels, OnBuild, StopSignal, User,
 * Volumes, WorkingDir). INVALID with `invalid change "<change>": <why>` on bad input; config
 * is unchanged then. */
int image_change_apply(json_t *config, const char *change, struct sk_error **err);
/* Apply every instruction in order; the first bad one fails and nothing is applied. */
int image_changes_apply(json_t *config, char *const *changes, struct sk_error **err);
/* The number of a signal given as a name ("SIGTERM", "term", "RTMIN+3") or number ("15");
 * -EINVAL when it is neither. */
int image_signal_parse(const char *s);
