/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's mounts from -v, --mount, --tmpfs and the image's VOLUMEs, as the "Mounts"
 * array of the settings document. Bind sources must exist (podman: "statfs SRC: no such file
 * or directory"); named and anonymous volumes are created here (ctr/volume.h) and recorded as
 * the container's by the caller.
 */
#include "ctr/mounts-build.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ctr/mount-spec.h"
#include "ctr/volume.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int mounts_parse(const struct ctr_create_opts *o, struct ctr_mount_list *l,
			struct sk_error **err)
{
	STRV_FOREACH (v, o->volumes) {
		struct ctr_mount m = { 0 };
		int r = ctr_mount_volume_parse(*v, &m, err);
		if (r >= 0)
			r = ctr_mount_list_take(l, &m, err);
		if (r < 0)
			return r;
	}
	STRV_FOREACH (v, o->mounts) {
		struct ctr_mount m = { 0 };
		int r = ctr_mount_flag_parse(*v, &m, err);
		if (r >= 0)
			r = ctr_mount_list_take(l, &m, err);
		if (r < 0)
			return r;
	}
	STRV_FOREACH (v, o->tmpfs) {
		struct ctr_mount m = { 0 };
		int r = ctr_mount_tmpfs_parse(*v, &m, err);
		if (r >= 0)
			r = ctr_mount_list_take(l, &m, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static json_t *mount_json(const struct ctr_mount *m, const char *volume)
{
	json_t *j = json_object();
	sk_json_set_str(j, "Type", ctr_mount_type_to_string(m->type));
	if (volume)
		sk_json_set_str(j, "Name", volume);
	sk_json_set_str(j, "Source", m->type == CTR_MOUNT_TMPFS ? "tmpfs" : m->source);
	sk_json_set_str(j, "Destination", m->destination);
	json_object_set_new(j, "Options", sk_json_from_strv(m->options));
	json_object_set_new(j, "RW", json_boolean(!m->readonly));
	json_object_set_new(j, "Anonymous", json_boolean(m->anonymous));
	json_object_set_new(j, "NoCopy", json_boolean(m->nocopy));
	return j;
}

static int volume_prepare(struct store *s, const struct ctr_mount *m, char **ret_name,
			  char ***created, struct sk_error **err)
{
	_cleanup_(state_volume_freep) struct state_volume *v = NULL;
	int r;
	if (m->anonymous) {
		struct ctr_volume_create_opts vo = { .anonymous = true };
		r = ctr_volume_create(s, &vo, &v, err);
		if (r >= 0)
			strv_push(created, v->name);
	} else {
		r = ctr_volume_ensure(s, m->source, &v, err);
	}
	if (r < 0)
		return r;
	*ret_name = xstrdup(v->name);
	return 0;
}

int ctr_mounts_build(struct store *s, const struct ctr_create_opts *o, const json_t *image_volumes,
		     json_t **ret, char ***ret_created_volumes, struct sk_error **err)
{
	struct ctr_mount_list l = { 0 };
	_cleanup_strv_free_ char **created = strv_new(NULL);
	_cleanup_json_ json_t *arr = json_array();
	int r = mounts_parse(o, &l, err);
	/* The image's VOLUMEs not covered by a user mount become anonymous volumes. */
	const char *dst;
	json_t *unused;
	json_object_foreach ((json_t *)image_volumes, dst, unused) {
		if (r < 0)
			break;
		_cleanup_free_ char *clean = NULL;
		if (ctr_mount_dest_clean(dst, &clean, NULL) < 0 || ctr_mount_list_find(&l, clean))
			continue;
		struct ctr_mount m = { .type = CTR_MOUNT_VOLUME,
				       .destination = TAKE_PTR(clean),
				       .anonymous = true };
		r = ctr_mount_list_take(&l, &m, err);
	}
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		const struct ctr_mount *m = &l.items[i];
		_cleanup_free_ char *volume = NULL;
		struct stat st;
		if (m->type == CTR_MOUNT_BIND && stat(m->source, &st) < 0)
			r = sk_error_set(err, SK_ERR_NOTFOUND, errno, "statfs %s: %s", m->source,
					 strerror_go(errno));
		else if (m->type == CTR_MOUNT_VOLUME)
			r = volume_prepare(s, m, &volume, &created, err);
		if (r >= 0)
			json_array_append_new(arr, mount_json(m, volume));
	}
	ctr_mount_list_clear(&l);
	if (r < 0) {
		STRV_FOREACH (v, created)
			ctr_volume_remove(s, *v, &(struct ctr_volume_remove_opts){ 0 }, NULL);
		return r;
	}
	*ret = TAKE_PTR(arr);
	*ret_created_volumes = TAKE_PTR(created);
	return 0;
}
