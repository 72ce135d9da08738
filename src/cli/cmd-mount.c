/* SPDX-License-Identifier: Apache-2.0 */
/* image mount, image unmount: podman's counted image mounts. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/events-emit.h"
#include "cli/format-template.h"
#include "cli/table-writer.h"
#include "config/userns.h"
#include "image/lookup.h"
#include "state/images.h"
#include "store/mount-state.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A rootless mount is made in selkie's own mount namespace, where only `selkie unshare` can
 * see it: podman refuses the same way outside it. */
static int require_root(const struct cli_ctx *ctx)
{
	if (!config_userns_rootless() || getenv(CONFIG_USERNS_UNSHARE_ENV))
		return 0;
	return cli_failf("cannot run command \"%s\" in rootless mode, must execute `selkie "
			 "unshare` first",
			 ctx->cmd_path);
}

/* A growable list of image records, in the order podman lists its store: oldest added first. */
struct image_set {
	struct state_image **v;
	size_t n;
};

static void image_set_release(struct image_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		state_image_free(set->v[i]);
	free(set->v);
	*set = (struct image_set){ 0 };
}
#define _cleanup_image_set_ _cleanup_(image_set_release)

static void image_set_take(struct image_set *set, struct state_image *img)
{
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = img;
}

static int cmp_added(const void *a, const void *b)
{
	const struct state_image *x = *(struct state_image *const *)a;
	const struct state_image *y = *(struct state_image *const *)b;
	if (x->added != y->added)
		return x->added < y->added ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void image_set_sort(struct image_set *set)
{
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cmp_added);
}

/* Every image of the store. */
static int image_set_all(struct store *s, struct image_set *set, struct sk_error **err)
{
	struct state_image **all = NULL;
	int r = state_image_list(s->db, &all, err);
	if (r < 0)
		return r;
	for (size_t i = 0; all[i]; i++)
		image_set_take(set, all[i]);
	free(all);
	image_set_sort(set);
	return 0;
}

/* The images the user named, all found before anything is done (as podman looks them up). */
static int image_set_named(struct store *s, int argc, char **argv, struct image_set *set,
			   struct sk_error **err)
{
	for (int i = 0; i < argc; i++) {
		struct state_image *img = NULL;
		int r = image_lookup_record(s, argv[i], &img, err);
		if (r < 0)
			return r;
		image_set_take(set, img);
	}
	return 0;
}

/* The mounted images; records of images the database no longer has are left out. */
static int image_set_mounted(struct store *s, struct image_set *set, struct sk_error **err)
{
	struct store_mounted_image **list = NULL;
	int r = store_image_mount_list(s, &list, err);
	if (r < 0)
		return r;
	for (size_t i = 0; list[i]; i++) {
		struct state_image *img = NULL;
		struct sk_error *e = NULL;
		if (state_image_get(s->db, list[i]->id, &img, &e) >= 0)
			image_set_take(set, img);
		sk_error_free(e);
	}
	store_mounted_image_list_free(list);
	image_set_sort(set);
	return 0;
}

/* podman's image mount report: {"id", "Names": [digest], "Repositories", "mountpoint"}. */
static json_t *mount_row(const struct state_image *img, const char *path)
{
	json_t *names = json_array();
	json_array_append_new(names, json_string(img->digest));
	return json_pack("{s:s, s:o, s:o, s:s}", "id", img->id, "Names", names, "Repositories",
			 sk_json_from_strv(img->names), "mountpoint", path);
}

/* The table podman prints ("{{.ID}}\t{{.Path}}", ID being the first name if any), or JSON. */
static int print_rows(json_t *rows, const char *format)
{
	if (!isempty(format) && format_is_json(format)) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, rows, 1, true);
		printf("%s\n", sb.buf);
		return 0;
	}
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	size_t i;
	json_t *row;
	json_array_foreach (rows, i, row) {
		const char *name =
			json_string_value(json_array_get(json_object_get(row, "Repositories"), 0));
		_cleanup_free_ char *line =
			xasprintf("%s\t%s", name ? name : sk_json_str(row, "id"),
				  sk_json_str(row, "mountpoint"));
		table_writer_add_row(tw, line);
	}
	_cleanup_error_ struct sk_error *err = NULL;
	if (table_writer_flush(tw, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

static int list_mounted(struct store *s, const char *format)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_image_set_ struct image_set set = { 0 };
	if (image_set_mounted(s, &set, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; i < set.n; i++) {
		_cleanup_free_ char *path = NULL;
		if (store_image_mount_get(s, set.v[i]->id, &path, &err) < 0)
			return cli_fail(err);
		if (path)
			json_array_append_new(rows, mount_row(set.v[i], path));
	}
	return print_rows(rows, format);
}

int cmd_image_mount(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct image_mount_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	int rc = require_root(ctx);
	if (rc != 0)
		return rc;
	if (o->all && argc > 0)
		return cli_failf("when using the --all switch, you may not pass any image names "
				 "or IDs");
	if (!isempty(o->format) && !format_is_json(o->format))
		return cli_failf("unknown --format argument: \"%s\"", o->format);
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	if (!o->all && argc == 0)
		return list_mounted(s, o->format);
	_cleanup_image_set_ struct image_set set = { 0 };
	if ((o->all ? image_set_all(s, &set, &err) : image_set_named(s, argc, argv, &set, &err)) <
	    0)
		return cli_fail(err);
	_cleanup_json_ json_t *rows = json_array();
	for (size_t i = 0; i < set.n; i++) {
		_cleanup_free_ char *path = NULL;
		if (store_image_mount(s, set.v[i]->id, &path, &err) < 0)
			return cli_fail(err);
		cli_event_image(ctx, "mount", set.v[i]->id, NULL);
		json_array_append_new(rows, mount_row(set.v[i], path));
	}
	/* One image: just its mount point, as podman prints it. */
	if (argc == 1 && isempty(o->format)) {
		puts(sk_json_str(json_array_get(rows, 0), "mountpoint"));
		return 0;
	}
	return print_rows(rows, o->format);
}

int cmd_image_unmount(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct image_unmount_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	int rc = require_root(ctx);
	if (rc != 0)
		return rc;
	if (o->all && argc > 0)
		return cli_failf("when using the --all switch, you may not pass any image names "
				 "or IDs");
	if (!o->all && argc == 0)
		return cli_failf("image name or ID must be specified");
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_image_set_ struct image_set set = { 0 };
	if ((o->all ? image_set_mounted(s, &set, &err)
		    : image_set_named(s, argc, argv, &set, &err)) < 0)
		return cli_fail(err);
	/* Every image is tried; earlier errors are printed, the last one decides the exit. */
	for (size_t i = 0; i < set.n; i++) {
		struct sk_error *e = NULL;
		int r = store_image_unmount(s, set.v[i]->id, o->force, &e);
		if (r > 0) {
			puts(set.v[i]->id);
			cli_event_image(ctx, "unmount", set.v[i]->id, NULL);
		}
		if (r >= 0)
			continue;
		if (err)
			cli_fail(err);
		sk_error_free(err);
		err = e;
	}
	return err ? cli_fail(err) : 0;
}
