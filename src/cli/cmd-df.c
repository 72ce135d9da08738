/* SPDX-License-Identifier: Apache-2.0 */
/*
 * system df: disk usage of images, containers and volumes in podman's layout. No container or
 * volume exists yet, so those lines count nothing and no image is active.
 */
#include <string.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "cli/output.h"
#include "cli/table-writer.h"
#include "image/reference.h"
#include "state/images.h"
#include "store/store.h"
#include "util/json-util.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* docker/go-units HumanSize: decimal units, 4 significant digits, no space ("4.273MB"). */
static char *df_size(uint64_t bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;
	while (v >= 1000.0 && i + 1 < ELEMENTSOF(units)) {
		v /= 1000.0;
		i++;
	}
	return xasprintf("%.4g%s", v, units[i]);
}

/* podman's dfSummary, with the JSON fields it marshals. */
static json_t *df_summary(const char *type, int total, int active, uint64_t size,
			  uint64_t reclaimable)
{
	int percent = size ? (int)((double)reclaimable / (double)size * 100.0 + 0.5) : 0;
	_cleanup_free_ char *hs = df_size(size), *hr = df_size(reclaimable);
	_cleanup_free_ char *rec = xasprintf("%s (%d%%)", hr, percent);
	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:i, s:s, s:s}", "Type", type, "Total", total,
			 "Active", active, "RawSize", (json_int_t)size, "RawReclaimable",
			 (json_int_t)reclaimable, "TotalCount", total, "Size", hs, "Reclaimable",
			 rec);
}

/* Rows of the image table: one per name, or one "<none>" row for an image without names. */
static size_t image_rows(const struct state_image *img)
{
	size_t n = strv_length(img->names);
	return n ? n : 1;
}

/* Bytes of every layer the images use, each layer counted once. */
static int layers_size(struct store *s, struct state_image **imgs, uint64_t *ret,
		       struct sk_error **err)
{
	_cleanup_strv_free_ char **seen = NULL;
	uint64_t total = 0;
	for (size_t i = 0; imgs[i]; i++) {
		STRV_FOREACH (chain, imgs[i]->layers) {
			if (strv_contains(seen, *chain))
				continue;
			strv_push(&seen, *chain);
			_cleanup_state_layer_ struct state_layer *l = NULL;
			int r = state_layer_get(s->db, *chain, &l, err);
			if (r < 0)
				return r;
			total += l->diff_size;
		}
	}
	*ret = total;
	return 0;
}

static int df_print_summary(struct store *s, struct state_image **imgs, const char *format)
{
	_cleanup_error_ struct sk_error *err = NULL;
	uint64_t size = 0;
	int total = 0;
	for (size_t i = 0; imgs[i]; i++)
		total += (int)image_rows(imgs[i]);
	if (layers_size(s, imgs, &size, &err) < 0)
		return cli_fail(err);
	_cleanup_json_ json_t *rows = json_array();
	json_array_append_new(rows, df_summary("Images", total, 0, size, size));
	json_array_append_new(rows, df_summary("Containers", 0, 0, 0, 0));
	json_array_append_new(rows, df_summary("Local Volumes", 0, 0, 0, 0));
	const char *table = "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
	if (format_print_list(format, rows, table, NULL, false, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* Is a a strict prefix of b (an image built on top of another)? */
static bool layers_prefix(char *const *a, char *const *b)
{
	size_t na = strv_length(a), nb = strv_length(b);
	if (na == 0 || na >= nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!streq(a[i], b[i]))
			return false;
	return true;
}

/* podman's shared and unique sizes: an image with children shares all of it; one with a
 * parent image shares the parent's size. */
static void image_shared(struct state_image **imgs, size_t k, uint64_t *shared, uint64_t *unique)
{
	const struct state_image *img = imgs[k], *parent = NULL;
	bool children = false;
	for (size_t i = 0; imgs[i]; i++) {
		if (i == k)
			continue;
		children = children || layers_prefix(img->layers, imgs[i]->layers);
		if (layers_prefix(imgs[i]->layers, img->layers) &&
		    (!parent || strv_length(imgs[i]->layers) > strv_length(parent->layers)))
			parent = imgs[i];
	}
	*shared = children ? img->size : parent ? MIN(parent->size, img->size) : 0;
	*unique = img->size - *shared;
}

static void image_row_add(struct strbuf *sb, const struct state_image *img, const char *name,
			  uint64_t shared, uint64_t unique, int64_t now)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	_cleanup_free_ char *repo = NULL;
	if (name && image_reference_parse(name, &ref, NULL) >= 0)
		repo = image_reference_name(ref);
	char idbuf[13];
	_cleanup_free_ char *created = time_human_duration(now - img->created);
	_cleanup_free_ char *size = df_size(shared + unique), *hs = df_size(shared),
			    *hu = df_size(unique);
	strbuf_addf(sb, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", repo ? repo : "<none>",
		    ref && ref->tag ? ref->tag : "<none>", cli_short_id(img->id, false, idbuf),
		    created, size, hs, hu, 0);
}

static int df_print_verbose(struct state_image **imgs)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int64_t now = time_now_ns();
	strbuf_addstr(&sb, "Images space usage:\n\nREPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\t"
			   "SHARED SIZE\tUNIQUE SIZE\tCONTAINERS\n");
	for (size_t i = 0; imgs[i]; i++) {
		uint64_t shared, unique;
		image_shared(imgs, i, &shared, &unique);
		if (!imgs[i]->names || !imgs[i]->names[0])
			image_row_add(&sb, imgs[i], NULL, shared, unique, now);
		STRV_FOREACH (name, imgs[i]->names)
			image_row_add(&sb, imgs[i], *name, shared, unique, now);
	}
	strbuf_addstr(&sb, "\nContainers space usage:\n\nCONTAINER ID\tIMAGE\tCOMMAND\tLOCAL "
			   "VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES\n");
	strbuf_addstr(&sb, "\nLocal Volumes space usage:\n\nVOLUME NAME\tLINKS\tSIZE\n");
	_cleanup_table_writer_ struct table_writer *tw = table_writer_new();
	table_writer_write(tw, sb.buf, sb.len);
	_cleanup_error_ struct sk_error *err = NULL;
	if (table_writer_flush(tw, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

int cmd_system_df(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct system_df_opts *o = opts_;
	if (!isempty(o->format) && o->verbose)
		return cli_failf("cannot combine --format and --verbose flags");
	_cleanup_error_ struct sk_error *err = NULL;
	struct store *s;
	if (cli_ctx_store(ctx, &s, &err) < 0)
		return cli_fail(err);
	struct state_image **imgs = NULL;
	if (state_image_list(s->db, &imgs, &err) < 0)
		return cli_fail(err);
	int rc = o->verbose ? df_print_verbose(imgs) : df_print_summary(s, imgs, o->format);
	state_image_list_free(imgs);
	return rc;
}
