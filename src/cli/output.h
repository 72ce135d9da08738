/* SPDX-License-Identifier: Apache-2.0 */
/* Output helpers shared by commands: YAML rendering (podman's default for info), IDs. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Render a JSON value as block YAML, keys in object order. */
int cli_print_yaml(const json_t *v, FILE *out);
/* Templates print Go's time.Time String() where JSON has RFC 3339: rewrite the named
 * top-level string fields of obj for a template run. */
void cli_template_times(json_t *obj, const char *const *fields);
/* The 12-character short form of an ID (or the whole ID with no_trunc). */
const char *cli_short_id(const char *id, bool no_trunc, char buf[13]);
