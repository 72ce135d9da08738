/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/events-ctr.h"

#include <jansson.h>
#include <string.h>

#include "cli/events-emit.h"
#include "state/events.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

void cli_event_container(struct cli_ctx *ctx, const struct state_container *c, const char *action,
			 char *const *attributes)
{
	_cleanup_strv_free_ char **attrs = strv_copy(attributes);
	if (c->labels) {
		_cleanup_json_ json_t *labels = sk_json_parse(c->labels, strlen(c->labels), NULL);
		const char *k;
		json_t *v;
		json_object_foreach (labels, k, v)
			if (json_is_string(v))
				strv_pushf(&attrs, "%s=%s", k, json_string_value(v));
	}
	struct state_event e = {
		.type = "container",
		.action = (char *)action,
		.id = c->id,
		.name = c->name,
		.image = c->image_name,
		.attributes = attrs,
	};
	cli_event_emit(ctx, &e);
}
