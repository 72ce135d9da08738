/* SPDX-License-Identifier: Apache-2.0 */
#include "push.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "config/registries-conf.h"
#include "image/lookup.h"
#include "image/reference.h"
#include "registry/blob.h"
#include "registry/client.h"
#include "registry/manifest.h"
#include "state/images.h"
#include "store/blob-store.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const format_names[_IMAGE_PUSH_FORMAT_MAX] = {
	[IMAGE_PUSH_FORMAT_KEEP] = "",
	[IMAGE_PUSH_FORMAT_OCI] = "oci",
	[IMAGE_PUSH_FORMAT_V2S2] = "v2s2",
};

enum image_push_format image_push_format_from_string(const char *s)
{
	if (isempty(s))
		return IMAGE_PUSH_FORMAT_KEEP;
	for (int i = IMAGE_PUSH_FORMAT_OCI; i < _IMAGE_PUSH_FORMAT_MAX; i++)
		if (streq(s, format_names[i]))
			return (enum image_push_format)i;
	return _IMAGE_PUSH_FORMAT_INVALID;
}

const char *image_push_format_to_string(enum image_push_format f)
{
	if (f < 0 || f >= _IMAGE_PUSH_FORMAT_MAX)
		return NULL;
	return format_names[f];
}

/* Media types with an equivalent in the other format: {OCI, Docker}. */
static const char *const media_type_pairs[][2] = {
	{ MT_OCI_CONFIG, MT_DOCKER_CONFIG },
	{ MT_OCI_LAYER_GZIP, MT_DOCKER_LAYER_GZIP },
	{ MT_OCI_LAYER, "application/vnd.docker.image.rootfs.diff.tar" },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar",
	  "application/vnd.docker.image.rootfs.foreign.diff.tar" },
};

/* mt as the format to_oci asks for; NULL when it has no equivalent. */
static const char *media_type_convert(const char *mt, bool to_oci)
{
	const char *own = to_oci ? "application/vnd.oci." : "application/vnd.docker.";
	if (strneq(mt, own, strlen(own)))
		return mt;
	for (size_t i = 0; i < ELEMENTSOF(media_type_pairs); i++)
		if (streq(mt, media_type_pairs[i][0]) || streq(mt, media_type_pairs[i][1]))
			return media_type_pairs[i][to_oci ? 0 : 1];
	return NULL;
}

/* One descriptor in containers/image's field order: OCI mediaType, digest, size; Docker
 * mediaType, size, digest. "urls" are kept, annotations only in OCI. */
static json_t *descriptor_build(const struct image_descriptor *d, const char *media_type,
				const json_t *orig, bool to_oci)
{
	json_t *o = json_object();
	sk_json_set_str(o, "mediaType", media_type);
	if (to_oci)
		sk_json_set_str(o, "digest", d->digest);
	json_object_set_new(o, "size", json_integer(d->size));
	if (!to_oci)
		sk_json_set_str(o, "digest", d->digest);
	json_t *urls = json_object_get(orig, "urls");
	if (json_is_array(urls) && json_array_size(urls) > 0)
		json_object_set(o, "urls", urls);
	json_t *ann = json_object_get(orig, "annotations");
	if (to_oci && json_is_object(ann) && json_object_size(ann) > 0)
		json_object_set(o, "annotations", ann);
	return o;
}

static int layers_build(const struct image_manifest *m, bool to_oci, json_t *layers,
			struct sk_error **err)
{
	json_t *orig = json_object_get(m->doc, "layers");
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct image_descriptor *l = &m->layers[i];
		const char *mt = media_type_convert(l->media_type, to_oci);
		if (!mt && !to_oci && strstr(l->media_type, "zstd"))
			return sk_err_invalid(
				err,
				"creating an updated image manifest: error during "
				"manifest conversion: \"%s\": zstd compression is not "
				"supported for docker images",
				l->media_type);
		if (!mt)
			return sk_err_invalid(err,
					      "creating an updated image manifest: error during "
					      "manifest conversion: unknown media type of layer "
					      "%s: \"%s\"",
					      l->digest, l->media_type);
		json_array_append_new(layers,
				      descriptor_build(l, mt, json_array_get(orig, i), to_oci));
	}
	return 0;
}

int image_push_manifest_convert(const struct image_manifest *m, const char *to_media_type,
				char **ret, size_t *ret_len, struct sk_error **err)
{
	bool to_oci = streq(to_media_type, MT_OCI_MANIFEST);
	if (!to_oci && !streq(to_media_type, MT_DOCKER_MANIFEST))
		return sk_err_invalid(err, "converting a manifest to \"%s\": not supported",
				      to_media_type);
	const char *cmt = media_type_convert(m->config.media_type, to_oci);
	if (!cmt)
		return sk_err_invalid(err,
				      "creating an updated image manifest: error during manifest "
				      "conversion: unknown config media type \"%s\"",
				      m->config.media_type);
	_cleanup_json_ json_t *doc = json_object();
	json_object_set_new(doc, "schemaVersion", json_integer(2));
	sk_json_set_str(doc, "mediaType", to_media_type);
	json_object_set_new(
		doc, "config",
		descriptor_build(&m->config, cmt, json_object_get(m->doc, "config"), to_oci));
	json_t *layers = json_array();
	json_object_set_new(doc, "layers", layers);
	int r = layers_build(m, to_oci, layers, err);
	if (r < 0)
		return r;
	if (to_oci && json_is_object(m->annotations) && json_object_size(m->annotations) > 0)
		json_object_set(doc, "annotations", m->annotations);
	char *text = sk_json_dump(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	*ret_len = strlen(text);
	*ret = text;
	return 0;
}

/* One push of one image to one repository. */
struct push_job {
	struct store *s;
	const struct image_push_opts *o;
	const struct state_image *img;
	struct registry_client *client;
	const struct image_reference *dest;
	char *mount_from; /* a repository of the same registry the image came from */
};

static void emit(const struct push_job *j, enum image_push_event ev, const char *text,
		 uint64_t done, uint64_t total)
{
	const struct image_push_progress *p = j->o->progress;
	if (p && p->event)
		p->event(p->userdata, ev, text, done, total);
}

static void on_upload_progress(const char *digest, uint64_t done, uint64_t total, void *userdata)
{
	emit(userdata, IMAGE_PUSH_BLOB_PROGRESS, digest, done, total);
}

/* Upload one blob unless the repository has it: 1 when skipped (present or mounted). */
static int blob_push(struct push_job *j, const struct image_descriptor *d, bool progress,
		     struct sk_error **err)
{
	int r = registry_blob_exists(j->client, j->dest->path, d->digest, NULL, err);
	if (r != 0)
		return r;
	_cleanup_close_ int fd = store_blob_open(j->s, d->digest, err);
	if (fd < 0)
		return sk_error_wrap(err, "reading the image's blobs");
	return registry_blob_upload(j->client, j->dest->path, d->digest, (uint64_t)d->size, fd,
				    j->mount_from, progress ? on_upload_progress : NULL, j, err);
}

static int blobs_push(struct push_job *j, const struct image_manifest *m, struct sk_error **err)
{
	for (size_t i = 0; i < m->n_layers; i++) {
		const char *digest = m->layers[i].digest;
		int r = blob_push(j, &m->layers[i], true, err);
		if (r < 0)
			return r;
		emit(j, r > 0 ? IMAGE_PUSH_BLOB_SKIPPED : IMAGE_PUSH_BLOB_DONE, digest, 0, 0);
	}
	int r = blob_push(j, &m->config, false, err);
	if (r < 0)
		return r;
	emit(j, IMAGE_PUSH_CONFIG, m->config.digest, 0, 0);
	return 0;
}

/* The manifest to push: the stored one, or its conversion when --format asks for another type. */
static int manifest_prepare(struct push_job *j, struct image_manifest **ret_m, char **ret_body,
			    size_t *ret_len, char **ret_mt, struct sk_error **err)
{
	_cleanup_free_ char *body = NULL;
	size_t len = 0;
	int r = store_blob_read(j->s, j->img->digest, MANIFEST_MAX_SIZE, &body, &len, err);
	if (r < 0)
		return sk_error_wrap(err, "reading the manifest of image %.12s", j->img->id);
	_cleanup_free_ char *stored_mt = isempty(j->img->manifest_media_type)
						 ? registry_manifest_media_type(NULL, body, len)
						 : xstrdup(j->img->manifest_media_type);
	r = image_manifest_parse(body, len, stored_mt, ret_m, err);
	if (r < 0)
		return r;
	const char *want = (*ret_m)->media_type;
	if (j->o->format == IMAGE_PUSH_FORMAT_OCI)
		want = MT_OCI_MANIFEST;
	else if (j->o->format == IMAGE_PUSH_FORMAT_V2S2)
		want = MT_DOCKER_MANIFEST;
	*ret_mt = xstrdup(want);
	if (streq(want, (*ret_m)->media_type)) {
		*ret_body = TAKE_PTR(body);
		*ret_len = len;
		return 0;
	}
	return image_push_manifest_convert(*ret_m, want, ret_body, ret_len, err);
}

static int push_job_run(struct push_job *j, char ret_digest[DIGEST_STR_LEN], struct sk_error **err)
{
	_cleanup_manifest_ struct image_manifest *m = NULL;
	_cleanup_free_ char *body = NULL, *mt = NULL;
	size_t len = 0;
	int r = manifest_prepare(j, &m, &body, &len, &mt, err);
	if (r < 0)
		return r;
	emit(j, IMAGE_PUSH_SIGNATURES, NULL, 0, 0);
	r = blobs_push(j, m, err);
	if (r < 0)
		return r;
	emit(j, IMAGE_PUSH_WRITING_MANIFEST, NULL, 0, 0);
	char digest[DIGEST_STR_LEN];
	r = registry_manifest_put(j->client, j->dest->path, j->dest->tag, mt, body, len, digest,
				  err);
	if (r < 0)
		return sk_error_wrap(err, "writing manifest");
	if (ret_digest)
		memcpy(ret_digest, digest, DIGEST_STR_LEN);
	return 0;
}

/* A repository on dest's registry that holds the image (from its RepoDigests), to mount
 * blobs from instead of uploading them. */
static char *mount_source(const struct state_image *img, const struct image_reference *dest)
{
	STRV_FOREACH (rd, img->repo_digests) {
		_cleanup_image_reference_ struct image_reference *ref = NULL;
		if (image_reference_parse(*rd, &ref, NULL) < 0)
			continue;
		if (streq(ref->domain, dest->domain) && !streq(ref->path, dest->path))
			return xstrdup(ref->path);
	}
	return NULL;
}

static bool transport_is_other(const char *d)
{
	static const char *const transports[] = {
		"oci",		 "oci-archive",	       "dir", "docker-archive",
		"docker-daemon", "containers-storage", "sif", "tarball",
	};
	size_t n = strcspn(d, ":");
	for (size_t i = 0; d[n] == ':' && i < ELEMENTSOF(transports); i++)
		if (strlen(transports[i]) == n && strneq(d, transports[i], n))
			return true;
	return false;
}

static int push_destination(const char *image, const char *destination,
			    struct image_reference **ret, struct sk_error **err)
{
	const char *d = destination ? destination : image;
	if (strneq(d, "docker://", 9))
		d += 9;
	else if (transport_is_other(d))
		return sk_err_invalid(err,
				      "pushing to \"%s\": only the docker transport is "
				      "supported",
				      d);
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	int r = image_reference_parse(d, &ref, err);
	if (r < 0)
		return r;
	if (ref->digest)
		return sk_err_invalid(err, "copying this image would require changing layer "
					   "representation, which we cannot do: \"Destination "
					   "specifies a digest\"");
	image_reference_tag_default(ref);
	*ret = TAKE_PTR(ref);
	return 0;
}

static int push_client(const struct image_push_opts *o, const struct image_reference *dest,
		       struct registry_client **ret, struct sk_error **err)
{
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	struct config_registries_opts co = { .path = o->registries_conf };
	int r = config_registries_load(&co, &conf, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *full = image_reference_format(dest);
	if (config_registries_is_blocked(conf, full))
		return sk_error_set(err, SK_ERR_REGISTRY, EACCES,
				    "registry %s is blocked in %s or registries.conf.d",
				    dest->domain,
				    conf->sources ? conf->sources : "registries.conf");
	struct registry_opts ro = {
		.insecure = o->tls_verify < 0 ? config_registries_is_insecure(conf, dest->domain)
					      : !o->tls_verify,
		.cert_dir = o->cert_dir,
		.authfile = o->authfile,
		.creds = o->creds,
	};
	return registry_client_new(dest->domain, &ro, ret, err);
}

int image_push(struct store *s, const char *image, const char *destination,
	       const struct image_push_opts *o, char ret_digest[DIGEST_STR_LEN],
	       struct sk_error **err)
{
	_cleanup_state_image_ struct state_image *img = NULL;
	int r = image_lookup_record(s, image, &img, err);
	if (r < 0)
		return r;
	_cleanup_image_reference_ struct image_reference *dest = NULL;
	r = push_destination(image, destination, &dest, err);
	if (r < 0)
		return r;
	_cleanup_registry_client_ struct registry_client *client = NULL;
	r = push_client(o, dest, &client, err);
	if (r < 0)
		return r;
	struct push_job j = {
		.s = s,
		.o = o,
		.img = img,
		.client = client,
		.dest = dest,
		.mount_from = mount_source(img, dest),
	};
	r = push_job_run(&j, ret_digest, err);
	free(j.mount_from);
	return r;
}
