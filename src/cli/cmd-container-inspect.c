/* SPDX-License-Identifier: Apache-2.0 */
/* container inspect (and the container half of `inspect`). */
#include <stdio.h>

#include "cli/cmds-container.h"
#include "cli/ctr-context.h"
#include "cli/format-template.h"
#include "cli/output.h"
#include "ctr/inspect.h"
#include "util/json-util.h"
#include "util/strbuf.h"

int cli_container_inspect_json(struct cli_ctx *ctx, const char *name, bool size, json_t **ret,
			       struct sk_error **err)
{
	struct ctr_ctx *x;
	int r = cli_ctx_ctr(ctx, &x, err);
	if (r < 0)
		return r;
	_cleanup_state_container_ struct state_container *c = NULL;
	struct sk_error *e = NULL;
	if (ctr_lookup(x, name, &c, &e) < 0) {
		if (e->kind == SK_ERR_NOTFOUND) {
			sk_error_free(e);
			return 1;
		}
		*err = e;
		return -1;
	}
	return ctr_inspect_json(x, c, size, ret, err);
}

int cmd_container_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv)
{
	struct container_inspect_opts *o = opts;
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_json_ json_t *all = json_array();
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	int rc = 0;
	_cleanup_(state_container_list_freep) struct state_container **list = NULL;
	bool failed = false;
	if (o->latest) {
		rc = cli_ctr_targets(ctx, 0, NULL, false, true, false, &list, &failed);
		if (rc != 0)
			return rc;
		for (size_t i = 0; list[i]; i++) {
			json_t *doc = NULL;
			if (ctr_inspect_json(x, list[i], o->size, &doc, &err) < 0)
				return cli_fail(err);
			json_array_append_new(all, doc);
		}
	}
	for (int i = 0; i < argc; i++) {
		json_t *doc = NULL;
		int r = cli_container_inspect_json(ctx, argv[i], o->size, &doc, &err);
		if (r > 0)
			rc = cli_failf("inspecting object: no such container %s", argv[i]);
		else if (r < 0)
			rc = cli_fail_take(&err);
		else
			json_array_append_new(all, doc);
	}
	if (!o->format || format_is_json(o->format)) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, all, 4, false);
		printf("%s\n", sb.buf);
		return rc;
	}
	size_t i;
	json_t *doc;
	json_array_foreach (all, i, doc) {
		/* Templates see Go's time.Time String(), as podman's do. */
		cli_template_times(doc, (const char *const[]){ "Created", NULL });
		cli_template_times(json_object_get(doc, "State"),
				   (const char *const[]){ "StartedAt", "FinishedAt", NULL });
		if (format_print_one(o->format, doc, stdout, &err) < 0)
			return cli_fail(err);
	}
	return rc;
}
