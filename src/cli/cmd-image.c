/* SPDX-License-Identifier: Apache-2.0 */
/* image inspect, inspect, rmi, tag, untag, image exists, history, image prune. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli/cmds-container.h"
#include "cli/cmds.h"
#include "cli/ctr-context.h"
#include "cli/events-emit.h"
#include "cli/format-template.h"
#include "cli/image-filter.h"
#include "cli/output.h"
#include "ctr/volume.h"
#include "image/inspect.h"
#include "image/lookup.h"
#include "image/names.h"
#include "state/images.h"
#include "state/volumes.h"
#include "store/layer-store.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int open_store(struct cli_ctx *ctx, struct store **s, struct sk_error **err)
{
	return cli_ctx_store(ctx, s, err);
}

/* `inspect` of a name that is neither a container nor an image may be a volume's. */
static bool volume_inspect(struct store *s, const char *name, json_t **ret)
{
	_cleanup_state_volume_ struct state_volume *v = NULL;
	if (state_volume_get(s->db, name, &v, NULL) < 0)
		return false;
	*ret = ctr_volume_inspect_json(s, v, false);
	return *ret != NULL;
}

/* Inspect each name; podman prints what it found ("[]" at worst) before the first error. */
static int inspect_images(struct cli_ctx *ctx, const char *format, int argc, char **argv,
			  const char *err_prefix, const char *type, bool size)
{
	bool containers = type && (streq(type, "all") || streq(type, "container"));
	bool images = !type || streq(type, "all") || streq(type, "image");
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *all = json_array();
	struct sk_error *first = NULL;
	for (int i = 0; i < argc; i++) {
		_cleanup_state_image_ struct state_image *img = NULL;
		json_t *doc = NULL;
		struct sk_error *e = NULL;
		if (containers) {
			int r = cli_container_inspect_json(ctx, argv[i], size, &doc, &e);
			if (r == 0) {
				json_array_append_new(all, doc);
				continue;
			}
			if (r < 0 || !images) {
				if (r > 0)
					sk_error_set(&e, SK_ERR_NOTFOUND, ENOENT,
						     "inspecting object: no such container %s",
						     argv[i]);
				first = first ? first : e;
				continue;
			}
		}
		int found = image_lookup_record(s, argv[i], &img, &e);
		if (found < 0 && e->kind == SK_ERR_NOTFOUND && type && streq(type, "all") &&
		    volume_inspect(s, argv[i], &doc)) {
			sk_error_free(e);
			json_array_append_new(all, doc);
			continue;
		}
		if (found < 0 || image_inspect_json(s, img, &doc, &e) < 0) {
			/* `inspect` does not know the object type, so it says so generically. */
			if (!err_prefix && e->kind == SK_ERR_NOTFOUND) {
				sk_error_free(e);
				e = NULL;
				sk_error_set(&e, SK_ERR_NOTFOUND, ENOENT,
					     "inspecting object: no such object: \"%s\"", argv[i]);
			} else {
				sk_error_wrap(&e, "inspecting object");
			}
			if (!first)
				first = e;
			else
				sk_error_free(e);
			continue;
		}
		json_array_append_new(all, doc);
	}
	int rc = 0;
	if (isempty(format) || format_is_json(format)) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		format_json_write(&sb, all, 4, false);
		printf("%s\n", sb.buf);
	} else {
		size_t i;
		json_t *doc;
		json_array_foreach (all, i, doc) {
			cli_template_times(doc, (const char *const[]){ "Created", NULL });
			json_t *state = json_object_get(doc, "State");
			if (json_is_object(state))
				cli_template_times(
					state,
					(const char *const[]){ "StartedAt", "FinishedAt", NULL });
			if (format_print_one(format, doc, stdout, &err) < 0) {
				rc = cli_fail(err);
				break;
			}
		}
	}
	if (first) {
		rc = cli_fail(first);
		sk_error_free(first);
	}
	return rc;
}

int cmd_image_inspect(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct image_inspect_opts *o = opts_;
	return inspect_images(ctx, o->format, argc, argv, "inspecting object", "image", false);
}

int cmd_inspect(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct inspect_opts *o = opts_;
	const char *type = o->type ? o->type : "all";
	if (!streq(type, "image") && !streq(type, "all") && !streq(type, "container"))
		return cli_failf("invalid type \"%s\": must be one of all, container, image", type);
	if (o->latest) {
		/* the newest container, as podman's --latest */
		_cleanup_(state_container_list_freep) struct state_container **list = NULL;
		bool failed = false;
		int rc = cli_ctr_targets(ctx, 0, NULL, false, true, false, &list, &failed);
		if (rc != 0 || !list[0])
			return rc ? rc : cli_failf("no containers to inspect");
		char *names[] = { list[0]->id, NULL };
		return inspect_images(ctx, o->format, 1, names, NULL, "container", o->size);
	}
	if (argc == 0)
		return cli_failf("inspect requires at least one name or ID, or --latest");
	return inspect_images(ctx, o->format, argc, argv, NULL, type, o->size);
}

/* podman's events for a removal: "untag" per name, then "remove" named as the user named it
 * (NULL for rmi --all and prune). */
static void emit_removal(struct cli_ctx *ctx, const char *id, const struct image_remove_report *rep,
			 const char *name)
{
	STRV_FOREACH (u, rep->untagged)
		cli_event_image(ctx, "untag", id, *u);
	STRV_FOREACH (d, rep->deleted)
		cli_event_image(ctx, "remove", *d, name);
}

/* rmi --force: the containers using the image go first, as podman removes them. */
static int users_remove(struct cli_ctx *ctx, const char *image_id)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct ctr_ctx *x;
	if (cli_ctx_ctr(ctx, &x, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **users = NULL;
	if (state_container_ids_by_image(x->store->db, image_id, &users, &err) < 0)
		return cli_fail(err);
	STRV_FOREACH (u, users) {
		_cleanup_state_container_ struct state_container *c = NULL;
		if (ctr_lookup(x, *u, &c, &err) < 0 || ctr_remove(x, c, true, true, 0, &err) < 0)
			return cli_fail(err);
	}
	return 0;
}

static int remove_one(struct cli_ctx *ctx, struct store *s, const char *name, bool force,
		      bool ignore, bool all)
{
	_cleanup_error_ struct sk_error *err = NULL;
	_cleanup_free_ char *id = NULL, *matched = NULL;
	(void)image_lookup(s, name, &id, &matched, NULL);
	if (force && id && users_remove(ctx, id) != 0)
		return EXIT_ENGINE;
	struct image_remove_report rep = { 0 };
	int r = image_remove(s, name, force, &rep, &err);
	STRV_FOREACH (u, rep.untagged)
		printf("Untagged: %s\n", *u);
	STRV_FOREACH (d, rep.deleted)
		printf("Deleted: %s\n", *d);
	emit_removal(ctx, id, &rep, all ? NULL : matched ? matched : name);
	image_remove_report_release(&rep);
	if (r >= 0)
		return 0;
	if (err->kind == SK_ERR_NOTFOUND) {
		if (ignore)
			return 0;
		cli_fail(err);
		return 1;
	}
	if (err->kind == SK_ERR_INUSE) {
		cli_fail(err);
		return 2;
	}
	return cli_fail(err);
}

int cmd_rmi(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct rmi_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (o->all && argc > 0)
		return cli_failf("when using the --all switch, you may not pass any images names "
				 "or IDs");
	if (!o->all && argc == 0)
		return cli_failf("image name or ID must be specified");
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_strv_free_ char **targets = NULL;
	if (o->all) {
		struct state_image **imgs = NULL;
		if (state_image_list(s->db, &imgs, &err) < 0)
			return cli_fail(err);
		for (size_t i = 0; imgs[i]; i++)
			strv_push(&targets, imgs[i]->id);
		state_image_list_free(imgs);
	} else {
		for (int i = 0; i < argc; i++)
			strv_push(&targets, argv[i]);
	}
	int rc = 0;
	STRV_FOREACH (t, targets) {
		int r = remove_one(ctx, s, *t, o->force || o->all, o->ignore || o->force, o->all);
		/* The worst outcome decides: engine errors over "in use" over "not found". */
		if (r == 125 || (r == 2 && rc != 125) || (r == 1 && rc == 0))
			rc = r;
	}
	return rc;
}

int cmd_tag(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_free_ char *id = NULL;
	(void)image_lookup(s, argv[0], &id, NULL, NULL);
	for (int i = 1; i < argc; i++) {
		if (image_tag(s, argv[0], argv[i], &err) < 0)
			return cli_fail(err);
		cli_event_image(ctx, "tag", id, argv[i]);
	}
	return 0;
}

int cmd_untag(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_state_image_ struct state_image *before = NULL, *after = NULL;
	(void)image_lookup_record(s, argv[0], &before, NULL);
	if (image_untag(s, argv[0], argv + 1, &err) < 0)
		return cli_fail(err);
	/* An "untag" event per name the image lost. */
	if (before)
		(void)state_image_get(s->db, before->id, &after, NULL);
	STRV_FOREACH (n, before ? before->names : NULL)
		if (!after || !strv_contains(after->names, *n))
			cli_event_image(ctx, "untag", before->id, *n);
	return 0;
}

int cmd_image_exists(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_free_ char *id = NULL;
	if (image_lookup(s, argv[0], &id, NULL, &err) < 0)
		return err->kind == SK_ERR_NOTFOUND ? 1 : cli_fail(err);
	return 0;
}

/* Layer sizes in history order: each non-empty history entry owns the next layer. */
static uint64_t *history_layer_sizes(struct store *s, const struct state_image *img, json_t *hist)
{
	size_t n = json_array_size(hist), layer = 0, nlayers = strv_length(img->layers);
	uint64_t *sizes = xnew(uint64_t, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (sk_json_bool(json_array_get(hist, i), "empty_layer", false) || layer >= nlayers)
			continue;
		_cleanup_state_layer_ struct state_layer *l = NULL;
		if (state_layer_get(s->db, img->layers[layer++], &l, NULL) >= 0)
			sizes[i] = l->diff_size;
	}
	return sizes;
}

static json_t *history_rows(struct store *s, const json_t *cfg, const struct state_image *img,
			    const struct history_opts *o)
{
	json_t *rows = json_array();
	json_t *hist = json_object_get(cfg, "history");
	_cleanup_free_ uint64_t *sizes = history_layer_sizes(s, img, hist);
	int64_t now = time_now_ns();
	for (size_t i = json_array_size(hist); i > 0; i--) {
		json_t *h = json_array_get(hist, i - 1);
		int64_t created = 0;
		const char *c = sk_json_str(h, "created");
		if (c)
			time_parse_rfc3339(c, &created);
		char shortid[13];
		const char *id = i == json_array_size(hist) ? img->id : "<missing>";
		if (!o->no_trunc && !streq(id, "<missing>")) {
			snprintf(shortid, sizeof(shortid), "%s", id);
			id = shortid;
		}
		_cleanup_free_ char *ago = time_human_ago(created, now);
		_cleanup_free_ char *at = time_format_rfc3339nano(created);
		_cleanup_free_ char *go_at = time_format_go(created);
		/* podman keeps sizes human even with --human=false */
		_cleanup_free_ char *size = size_human(sizes[i - 1]);
		const char *by = sk_json_str(h, "created_by") ?: "";
		_cleanup_free_ char *by_short =
			!o->no_trunc && strlen(by) > 45 ? xasprintf("%.42s...", by) : xstrdup(by);
		json_array_append_new(rows,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id,
						"Created", o->human ? ago : at, "CreatedAt", go_at,
						"CreatedBy", by_short, "Size", size, "Comment",
						sk_json_str(h, "comment") ?: "", "Tags", ""));
	}
	return rows;
}

/* podman's history --format json objects: full IDs, RFC 3339 times, numeric sizes. */
static json_t *history_json(struct store *s, const json_t *cfg, const struct state_image *img)
{
	json_t *hist = json_object_get(cfg, "history");
	_cleanup_free_ uint64_t *sizes = history_layer_sizes(s, img, hist);
	json_t *out = json_array();
	for (size_t i = json_array_size(hist); i > 0; i--) {
		json_t *h = json_array_get(hist, i - 1);
		const char *created = sk_json_str(h, "created") ?: "0001-01-01T00:00:00Z";
		json_t *row =
			json_pack("{s:s, s:s, s:s, s:I, s:s}", "id",
				  i == json_array_size(hist) ? img->id : "<missing>", "created",
				  created, "CreatedBy", sk_json_str(h, "created_by") ?: "", "size",
				  (json_int_t)sizes[i - 1], "Created", created);
		if (!isempty(sk_json_str(h, "comment")))
			json_object_set_new(row, "comment", json_string(sk_json_str(h, "comment")));
		json_array_append_new(out, row);
	}
	return out;
}

int cmd_history(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct history_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	_cleanup_state_image_ struct state_image *img = NULL;
	_cleanup_json_ json_t *cfg = NULL;
	if (image_lookup_record(s, argv[0], &img, &err) < 0 ||
	    image_config_load(s, img, &cfg, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *rows = history_rows(s, cfg, img, o);
	if (o->quiet) {
		size_t i;
		json_t *row;
		json_array_foreach (rows, i, row)
			puts(sk_json_str(row, "ID"));
		return 0;
	}
	if (o->format && format_is_json(o->format)) {
		_cleanup_json_ json_t *doc = history_json(s, cfg, img);
		return format_print_list(o->format, doc, NULL, NULL, false, stdout, &err) < 0
			       ? cli_fail(err)
			       : 0;
	}
	static const char *const headers[] = { "ID", "ID", "CreatedBy", "CREATED BY", NULL };
	if (format_print_list(
		    o->format, rows,
		    "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", headers,
		    false, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* podman asks unless -f; no answer (EOF) is an error, anything but y/yes keeps the images. */
static int confirm_prune(bool all, bool *ret_yes)
{
	printf("WARNING! This command removes all %s images.\n"
	       "Are you sure you want to continue? [y/N] ",
	       all ? "images not in use by containers" : "dangling");
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return cli_failf("EOF");
	line[strcspn(line, "\n")] = '\0';
	*ret_yes = streq(line, "y") || streq(line, "Y") || streq(line, "yes");
	return 0;
}

int cmd_image_prune(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct image_prune_opts *o = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (open_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	struct image_filter f = { 0 };
	if (image_filter_parse(s, o->filters, &f, &err) < 0) {
		image_filter_release(&f);
		return cli_fail(err);
	}
	if (!o->force) {
		bool yes = false;
		int rc = confirm_prune(o->all, &yes);
		if (rc != 0 || !yes) {
			image_filter_release(&f);
			return rc;
		}
	}
	struct state_image **imgs = NULL;
	if (state_image_list(s->db, &imgs, &err) < 0) {
		image_filter_release(&f);
		return cli_fail(err);
	}
	int rc = 0;
	for (size_t i = 0; imgs[i] && rc == 0; i++) {
		bool dangling = state_image_is_dangling(imgs[i]);
		if (!dangling && !o->all)
			continue;
		_cleanup_json_ json_t *cfg = NULL;
		if (image_config_load(s, imgs[i], &cfg, &err) < 0) {
			rc = cli_fail(err);
			break;
		}
		if (!image_filter_keep(&f, imgs[i], sk_json_path(cfg, "config.Labels")))
			continue;
		struct image_remove_report rep = { 0 };
		/* Images containers use are kept, as podman keeps them. */
		if (image_remove(s, imgs[i]->id, true, &rep, &err) < 0 && err->kind != SK_ERR_INUSE)
			rc = cli_fail(err);
		sk_error_free(TAKE_PTR(err));
		STRV_FOREACH (d, rep.deleted)
			puts(*d);
		emit_removal(ctx, imgs[i]->id, &rep, NULL);
		image_remove_report_release(&rep);
	}
	state_image_list_free(imgs);
	image_filter_release(&f);
	if (rc == 0 && store_layer_gc(s, &err) < 0)
		rc = cli_fail(err);
	return rc;
}
