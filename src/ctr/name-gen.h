/* SPDX-License-Identifier: Apache-2.0 */
/* Container names when the user gives none: "adjective_surname", as docker and podman make
 * them. */
#pragma once

/* A new random name (allocated). */
char *ctr_name_generate(void);
