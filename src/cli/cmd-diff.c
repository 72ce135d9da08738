/* SPDX-License-Identifier: Apache-2.0 */
/* diff, container diff: "C /etc" lines, or podman's JSON report. */
#include <jansson.h>
#include <stdio.h>

#include "cli/cmds-container-fs.h"
#include "cli/ctr-context.h"
#include "ctr/diff.h"
#include "image/lookup.h"
#include "util/json-util.h"
#include "util/xalloc.h"

static int changes_print(const struct ctr_changes *ch, const char *format)
{
	if (!format) {
		for (size_t i = 0; i < ch->n; i++)
			printf("%s %s\n", ctr_change_kind_to_string(ch->v[i].kind), ch->v[i].path);
		return 0;
	}
	static const char *const keys[_CTR_CHANGE_KIND_MAX] = {
		[CTR_CHANGE_MODIFY] = "changed",
		[CTR_CHANGE_ADD] = "added",
		[CTR_CHANGE_DELETE] = "deleted",
	};
	_cleanup_json_ json_t *doc = json_object();
	for (int k = 0; k < _CTR_CHANGE_KIND_MAX; k++) {
		json_t *paths = json_array();
		for (size_t i = 0; i < ch->n; i++)
			if ((int)ch->v[i].kind == k)
				json_array_append_new(paths, json_string(ch->v[i].path));
		if (json_array_size(paths) > 0)
			json_object_set_new(doc, keys[k], paths);
		else
			json_decref(paths);
	}
	/* podman's encoder indents by five spaces */
	_cleanup_free_ char *text = sk_json_dump(doc, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
	puts(text);
	return 0;
}

static int format_check(const char *format)
{
	if (format && !streq(format, "json"))
		return cli_failf("only supported value for '--format' is 'json'");
	return 0;
}

/* The container the arguments name (or --latest); 1 when none has that name. */
static int target_container(struct cli_ctx *ctx, const struct diff_opts *o, int argc, char **argv,
			    struct state_container **ret, struct sk_error **err)
{
	struct ctr_ctx *x;
	int r = cli_ctx_ctr(ctx, &x, err);
	if (r < 0)
		return r;
	if (o->latest) {
		_cleanup_(state_container_list_freep) struct state_container **list = NULL;
		r = ctr_list(x, &list, err);
		if (r < 0)
			return r;
		if (!list[0])
			return sk_err_notfound(err, "no containers to diff");
		*ret = TAKE_PTR(list[0]);
		return 0;
	}
	(void)argc;
	r = ctr_lookup(x, argv[0], ret, err);
	if (r < 0 && (*err)->kind == SK_ERR_NOTFOUND) {
		sk_error_free(TAKE_PTR(*err));
		return 1;
	}
	return r;
}

static int args_check(const struct cli_ctx *ctx, const struct diff_opts *o, int argc)
{
	if (o->latest && argc > 0)
		return cli_failf("--latest and containers cannot be used together");
	if (!o->latest && argc == 0)
		return cli_failf("\"%s\" requires a name, id, or the \"--latest\" flag",
				 ctx->cmd_path);
	return 0;
}

int cmd_diff(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct diff_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	int rc = format_check(o->format);
	if (rc == 0)
		rc = args_check(ctx, o, argc);
	if (rc != 0)
		return rc;
	_cleanup_state_container_ struct state_container *c = NULL;
	int r = target_container(ctx, o, argc, argv, &c, &err);
	if (r < 0)
		return cli_fail(err);
	struct ctr_ctx *x;
	cli_ctx_ctr(ctx, &x, &err);
	struct ctr_changes ch = { 0 };
	if (r == 0) {
		r = ctr_diff_container(x, c, &ch, &err);
	} else {
		_cleanup_free_ char *id = NULL;
		r = image_lookup(x->store, argv[0], &id, NULL, &err);
		if (r < 0 && err->kind == SK_ERR_NOTFOUND)
			return cli_failf("%s not found: layer not known", argv[0]);
		if (r >= 0)
			r = ctr_diff_image(x, id, &ch, &err);
	}
	if (r < 0)
		return cli_fail(err);
	changes_print(&ch, o->format);
	ctr_changes_release(&ch);
	return 0;
}

int cmd_container_diff(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct diff_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	int rc = format_check(o->format);
	if (rc == 0)
		rc = args_check(ctx, o, argc);
	if (rc != 0)
		return rc;
	_cleanup_state_container_ struct state_container *c = NULL;
	int r = target_container(ctx, o, argc, argv, &c, &err);
	if (r < 0)
		return cli_fail(err);
	if (r > 0)
		return cli_failf("no container with name or ID \"%s\" found: no such container",
				 argv[0]);
	struct ctr_ctx *x;
	cli_ctx_ctr(ctx, &x, &err);
	struct ctr_changes ch = { 0 };
	if (ctr_diff_container(x, c, &ch, &err) < 0)
		return cli_fail(err);
	changes_print(&ch, o->format);
	ctr_changes_release(&ch);
	return 0;
}
