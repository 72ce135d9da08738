/* SPDX-License-Identifier: Apache-2.0 */
#include "names.h"

#include <errno.h>
#include <string.h>

#include "image/lookup.h"
#include "image/reference.h"
#include "state/containers.h"
#include "state/images.h"
#include "store/layer-store.h"
#include "store/mount-state.h"
#include "util/strv.h"
#include "util/xalloc.h"

int image_name_for_tag(const char *input, char **ret, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	int r = image_reference_parse_unnormalized(input, &ref, err);
	if (r < 0)
		return r;
	if (ref->digest)
		return sk_err_invalid(err, "%s: tag by digest not supported", input);
	if (!ref->domain) {
		_cleanup_free_ char *local = xasprintf("localhost/%s", input);
		image_reference_free(ref);
		ref = NULL;
		r = image_reference_parse(local, &ref, err);
		if (r < 0)
			return r;
	} else {
		image_reference_free(ref);
		ref = NULL;
		r = image_reference_parse(input, &ref, err);
		if (r < 0)
			return r;
	}
	image_reference_tag_default(ref);
	*ret = image_reference_format(ref);
	return 0;
}

int image_tag(struct store *s, const char *image, const char *target, struct sk_error **err)
{
	_cleanup_free_ char *id = NULL, *name = NULL;
	int r = image_lookup(s, image, &id, NULL, err);
	if (r >= 0)
		r = image_name_for_tag(target, &name, err);
	if (r >= 0)
		r = state_image_name_set(s->db, id, name, err);
	return r;
}

/* The stored name an untag argument means: the exact full name, else a stored name the
 * user's short form matches. */
static char *resolve_name(char *const *names, const char *input)
{
	_cleanup_free_ char *full = NULL;
	if (image_name_for_tag(input, &full, NULL) >= 0 && strv_contains(names, full))
		return TAKE_PTR(full);
	STRV_FOREACH (n, names)
		if (image_name_matches(*n, input))
			return xstrdup(*n);
	return NULL;
}

int image_untag(struct store *s, const char *image, char *const *names, struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = image_lookup_record(s, image, &img, err);
	if (r < 0)
		return r;
	r = state_db_begin(s->db, err);
	if (r < 0)
		return r;
	char *const *which = names && names[0] ? names : img->names;
	STRV_FOREACH (n, which) {
		_cleanup_free_ char *name = resolve_name(img->names, *n);
		if (!name) {
			_cleanup_free_ char *full = NULL;
			image_name_for_tag(*n, &full, NULL);
			r = sk_err_notfound(err, "%s: tag not known", full ? full : *n);
			break;
		}
		r = state_image_name_remove(s->db, img->id, name, err);
		if (r < 0)
			break;
	}
	/* Repository digests go with the last name of their repository, as podman derives them
	 * from names. */
	if (r >= 0)
		r = state_image_digests_prune(s->db, img->id, !names || !names[0], err);
	if (r < 0) {
		state_db_rollback(s->db);
		return r;
	}
	return state_db_commit(s->db, err);
}

void image_remove_report_release(struct image_remove_report *r)
{
	strv_free(r->untagged);
	strv_free(r->deleted);
	*r = (struct image_remove_report){ 0 };
}

static int delete_image(struct store *s, const struct state_image *img,
			struct image_remove_report *report, struct sk_error **err)
{
	_cleanup_strv_free_ char **users = NULL;
	int r = state_container_ids_by_image(s->db, img->id, &users, err);
	if (r < 0)
		return r;
	if (users[0])
		return sk_error_set(err, SK_ERR_INUSE, EBUSY,
				    "image used by %s: image is in use by a container: consider "
				    "listing external containers and force-removing image",
				    users[0]);
	r = store_lock(s, err);
	if (r < 0)
		return r;
	/* podman unmounts a mounted image (whatever its mount count) when removing it */
	r = store_image_unmount(s, img->id, true, err);
	if (r >= 0)
		r = state_db_begin(s->db, err);
	if (r >= 0)
		r = state_image_delete(s->db, img->id, err);
	if (r >= 0)
		r = state_db_commit(s->db, err);
	else
		state_db_rollback(s->db);
	if (r >= 0) {
		STRV_FOREACH (n, img->names)
			strv_push(&report->untagged, *n);
		strv_push(&report->deleted, img->id);
		r = store_layer_gc(s, err);
	}
	store_unlock(s);
	return r;
}

int image_remove(struct store *s, const char *input, bool force, struct image_remove_report *report,
		 struct sk_error **err)
{
	_cleanup_free_ char *id = NULL, *matched = NULL;
	int r = image_lookup(s, input, &id, &matched, err);
	if (r < 0)
		return r;
	_cleanup_state_image_ struct state_image *img = NULL;
	r = state_image_get(s->db, id, &img, err);
	if (r < 0)
		return r;
	size_t nnames = strv_length(img->names);
	if (matched && nnames > 1) {
		/* By name, with other names left: only that name goes. */
		r = state_image_name_remove(s->db, id, matched, err);
		if (r >= 0)
			strv_push(&report->untagged, matched);
		return r;
	}
	if (!matched && nnames > 1 && !force) {
		_cleanup_free_ char *all = strv_join(img->names, " ");
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "unable to delete image \"%s\" by ID with more than one tag "
				    "([%s]): please force removal",
				    id, all);
	}
	return delete_image(s, img, report, err);
}
