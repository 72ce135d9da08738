/* SPDX-License-Identifier: Apache-2.0 */
/* Invoking the OCI runtime a container was created with (its path and name are in the settings
 * document's "Selkie" part); the runtime keeps its state under <run root>/<name>. */
#pragma once

#include <jansson.h>

#include "ctr/ctr.h"
#include "util/error.h"

struct ctr_runtime {
	const char *path; /* borrowed from the document */
	const char *name;
	char *root; /* --root */
};

int ctr_runtime_from_doc(const struct ctr_ctx *x, const json_t *doc, struct ctr_runtime *ret);
void ctr_runtime_release(struct ctr_runtime *rt);
/* `<runtime> --root R args...`; a failure is a RUNTIME error with the runtime's message. */
int ctr_runtime_run(const struct ctr_runtime *rt, char *const *args, struct sk_error **err);
/* `<runtime> --root R op id`. */
int ctr_runtime_run1(const struct ctr_runtime *rt, const char *op, const char *id,
		     struct sk_error **err);
