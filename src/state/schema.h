/* SPDX-License-Identifier: Apache-2.0 */
/* The state database's schema as an append-only list of migrations. */
#pragma once

int state_schema_count(void);
/* SQL that brings the schema from version v to v + 1. */
const char *state_schema_migration(int v);
