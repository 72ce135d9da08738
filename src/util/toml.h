/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A TOML 1.0 reader for configuration files (registries.conf, containers.conf, ...). The
 * document becomes a jansson tree so callers use the json-util helpers: tables are objects,
 * arrays (and arrays of tables) are arrays, strings, integers, floats and booleans map to the
 * JSON types, and date/time values are kept as their TOML text in strings.
 * Tier 1: returns -errno and never logs.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* Largest configuration file toml_parse_file() reads. */
#define TOML_FILE_MAX (4u * 1024 * 1024)
/* Deepest nesting of arrays, inline tables and dotted keys accepted. */
#define TOML_DEPTH_MAX 64

/* Parse text (len bytes) into a new JSON object. On bad input returns -EINVAL and, if
 * ret_reason is given, an allocated "line N: why" message. */
int toml_parse(const char *text, size_t len, json_t **ret, char **ret_reason);
/* Read path (at most TOML_FILE_MAX bytes) and parse it: -errno when it can't be read (no
 * reason then), -EINVAL with a reason when it is not valid TOML. */
int toml_parse_file(const char *path, json_t **ret, char **ret_reason);
