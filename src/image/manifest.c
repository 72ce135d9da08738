/* SPDX-License-Identifier: Apache-2.0 */
#include "manifest.h"

#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/digest.h"
#include "util/json-util.h"
#include "util/xalloc.h"

static const char *const layer_types[] = {
	MT_OCI_LAYER,
	MT_OCI_LAYER_GZIP,
	MT_OCI_LAYER_ZSTD,
	MT_DOCKER_LAYER_GZIP,
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
};

bool image_layer_media_type_known(const char *mt)
{
	for (size_t i = 0; i < ELEMENTSOF(layer_types); i++)
		if (streq(mt, layer_types[i]))
			return true;
	return false;
}

static bool is_index_type(const char *mt)
{
	return streq(mt, MT_OCI_INDEX) || streq(mt, MT_DOCKER_LIST);
}

static bool is_manifest_type(const char *mt)
{
	return streq(mt, MT_OCI_MANIFEST) || streq(mt, MT_DOCKER_MANIFEST);
}

int image_manifest_kind(const char *content_type, const char *body, size_t len,
			char **ret_media_type, struct sk_error **err)
{
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *doc = sk_json_parse(body, len, &reason);
	if (!doc || !json_is_object(doc))
		return sk_err_corrupt(err, "parse manifest: %s", reason ? reason : "not an object");
	const char *mt = sk_json_str(doc, "mediaType");
	if (!mt && content_type && !streq(content_type, "application/json") &&
	    !streq(content_type, "text/plain"))
		mt = content_type;
	if (!mt) {
		/* OCI allows the field to be absent: tell by shape. */
		if (json_is_array(json_object_get(doc, "manifests")))
			mt = MT_OCI_INDEX;
		else if (json_is_object(json_object_get(doc, "config")))
			mt = MT_OCI_MANIFEST;
	}
	if (sk_json_int(doc, "schemaVersion", 2) == 1 ||
	    (mt && (streq(mt, MT_DOCKER_SCHEMA1) || streq(mt, MT_DOCKER_SCHEMA1_SIGNED))))
		return sk_error_set(err, SK_ERR_INVALID, ENOTSUP,
				    "unsupported manifest: Docker schema 1 is not supported");
	if (!mt || (!is_index_type(mt) && !is_manifest_type(mt)))
		return sk_error_set(err, SK_ERR_INVALID, ENOTSUP, "unsupported manifest type '%s'",
				    mt ? mt : "(none)");
	*ret_media_type = xstrdup(mt);
	return is_index_type(mt) ? MANIFEST_KIND_INDEX : MANIFEST_KIND_IMAGE;
}

static void descriptor_release(struct image_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->os);
	free(d->arch);
	free(d->variant);
}

static int descriptor_parse(json_t *j, const char *what, struct image_descriptor *d,
			    struct sk_error **err)
{
	const char *mt = sk_json_str(j, "mediaType");
	const char *dg = sk_json_str(j, "digest");
	json_t *size = json_object_get(j, "size");
	if (!json_is_object(j) || !dg)
		return sk_err_corrupt(err, "invalid manifest: %s has no digest", what);
	if (!digest_is_valid(dg))
		return sk_err_corrupt(err, "invalid manifest: %s: invalid digest '%s'", what, dg);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return sk_err_corrupt(err, "invalid manifest: %s %s: invalid size", what, dg);
	d->media_type = xstrdup(mt ? mt : "");
	d->digest = xstrdup(dg);
	d->size = json_integer_value(size);
	json_t *p = json_object_get(j, "platform");
	if (json_is_object(p)) {
		const char *os = sk_json_str(p, "os"), *arch = sk_json_str(p, "architecture"),
			   *var = sk_json_str(p, "variant");
		d->os = os ? xstrdup(os) : NULL;
		d->arch = arch ? xstrdup(arch) : NULL;
		d->variant = var ? xstrdup(var) : NULL;
	}
	return 0;
}

void image_manifest_free(struct image_manifest *m)
{
	if (!m)
		return;
	free(m->media_type);
	descriptor_release(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		descriptor_release(&m->layers[i]);
	free(m->layers);
	json_decref(m->doc);
	free(m);
}

void image_index_free(struct image_index *ix)
{
	if (!ix)
		return;
	free(ix->media_type);
	for (size_t i = 0; i < ix->n_manifests; i++)
		descriptor_release(&ix->manifests[i]);
	free(ix->manifests);
	json_decref(ix->doc);
	free(ix);
}

static json_t *parse_doc(const char *body, size_t len, struct sk_error **err)
{
	if (len > MANIFEST_MAX_SIZE) {
		sk_err_corrupt(err, "manifest too large (%zu bytes)", len);
		return NULL;
	}
	_cleanup_free_ char *reason = NULL;
	json_t *doc = sk_json_parse(body, len, &reason);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		sk_err_corrupt(err, "parse manifest: %s", reason ? reason : "not an object");
		return NULL;
	}
	return doc;
}

int image_manifest_parse(const char *body, size_t len, const char *media_type,
			 struct image_manifest **ret, struct sk_error **err)
{
	_cleanup_manifest_ struct image_manifest *m = xnew(struct image_manifest, 1);
	m->doc = parse_doc(body, len, err);
	if (!m->doc)
		return sk_error_ret(*err);
	m->media_type = xstrdup(media_type);
	if (sk_json_int(m->doc, "schemaVersion", 0) != 2)
		return sk_err_corrupt(err, "invalid manifest: schemaVersion must be 2");
	int r = descriptor_parse(json_object_get(m->doc, "config"), "config", &m->config, err);
	if (r < 0)
		return r;
	json_t *layers = json_object_get(m->doc, "layers");
	if (!json_is_array(layers))
		return sk_err_corrupt(err, "invalid manifest: no layers array");
	if (json_array_size(layers) > MANIFEST_MAX_LAYERS)
		return sk_err_corrupt(err, "invalid manifest: too many layers (%zu)",
				      json_array_size(layers));
	m->layers = xnew(struct image_descriptor, json_array_size(layers) + 1);
	size_t i;
	json_t *l;
	json_array_foreach (layers, i, l) {
		r = descriptor_parse(l, "layer", &m->layers[i], err);
		if (r < 0)
			return r;
		m->n_layers = i + 1;
		if (!image_layer_media_type_known(m->layers[i].media_type))
			return sk_error_set(err, SK_ERR_INVALID, ENOTSUP,
					    "layer %s: unsupported media type '%s'",
					    m->layers[i].digest, m->layers[i].media_type);
	}
	m->annotations = json_object_get(m->doc, "annotations");
	*ret = TAKE_PTR(m);
	return 0;
}

int image_index_parse(const char *body, size_t len, const char *media_type,
		      struct image_index **ret, struct sk_error **err)
{
	_cleanup_index_ struct image_index *ix = xnew(struct image_index, 1);
	ix->doc = parse_doc(body, len, err);
	if (!ix->doc)
		return sk_error_ret(*err);
	ix->media_type = xstrdup(media_type);
	json_t *list = json_object_get(ix->doc, "manifests");
	if (!json_is_array(list))
		return sk_err_corrupt(err, "invalid manifest list: no manifests array");
	if (json_array_size(list) > MANIFEST_MAX_LAYERS)
		return sk_err_corrupt(err, "invalid manifest list: too many entries");
	ix->manifests = xnew(struct image_descriptor, json_array_size(list) + 1);
	size_t i;
	json_t *e;
	json_array_foreach (list, i, e) {
		int r = descriptor_parse(e, "manifest list entry", &ix->manifests[i], err);
		if (r < 0)
			return r;
		ix->n_manifests = i + 1;
	}
	*ret = TAKE_PTR(ix);
	return 0;
}

const char *image_host_arch(void)
{
	static const struct {
		const char *uname, *go;
	} map[] = {
		{ "x86_64", "amd64" },	  { "aarch64", "arm64" }, { "armv7l", "arm" },
		{ "armv6l", "arm" },	  { "i686", "386" },	  { "i386", "386" },
		{ "ppc64le", "ppc64le" }, { "s390x", "s390x" },	  { "riscv64", "riscv64" },
	};
	static char machine[65];
	struct utsname u;
	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (streq(u.machine, map[i].uname))
			return map[i].go;
	snprintf(machine, sizeof(machine), "%s", u.machine);
	return machine;
}

int image_platform_parse(const char *s, struct image_platform *ret, char **ret_buf,
			 struct sk_error **err)
{
	char *buf = xstrdup(s);
	char *os = buf, *arch = strchr(buf, '/'), *variant = NULL;
	if (!arch || !arch[1] || arch == buf) {
		free(buf);
		return sk_err_invalid(err, "invalid platform '%s': want os/arch[/variant]", s);
	}
	*arch++ = '\0';
	variant = strchr(arch, '/');
	if (variant)
		*variant++ = '\0';
	*ret = (struct image_platform){ .os = os, .arch = arch, .variant = variant };
	*ret_buf = buf;
	return 0;
}

int image_index_select(const struct image_index *ix, const struct image_platform *p,
		       const struct image_descriptor **ret, struct sk_error **err)
{
	const char *os = p && p->os ? p->os : "linux";
	const char *arch = p && p->arch ? p->arch : image_host_arch();
	const char *variant = p ? p->variant : NULL;
	const struct image_descriptor *best = NULL;
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct image_descriptor *d = &ix->manifests[i];
		if (!d->os || !d->arch || !streq(d->os, os) || !streq(d->arch, arch))
			continue;
		if (variant && (!d->variant || !streq(d->variant, variant)))
			continue;
		if (!is_manifest_type(d->media_type) && *d->media_type)
			continue;
		best = d;
		break;
	}
	if (!best)
		return sk_err_notfound(err,
				       "no image found in manifest list for architecture %s, "
				       "variant \"%s\", OS %s",
				       arch, variant ? variant : "", os);
	*ret = best;
	return 0;
}

int image_config_parse(const char *body, size_t len, const struct image_manifest *m, json_t **ret,
		       struct sk_error **err)
{
	if (len > CONFIG_MAX_SIZE)
		return sk_err_corrupt(err, "image config too large (%zu bytes)", len);
	_cleanup_free_ char *reason = NULL;
	_cleanup_json_ json_t *cfg = sk_json_parse(body, len, &reason);
	if (!cfg || !json_is_object(cfg))
		return sk_err_corrupt(err, "parse image config: %s",
				      reason ? reason : "not an object");
	json_t *rootfs = json_object_get(cfg, "rootfs");
	json_t *diff_ids = json_object_get(rootfs, "diff_ids");
	const char *type = sk_json_str(rootfs, "type");
	if (!type || !streq(type, "layers") || !json_is_array(diff_ids))
		return sk_err_corrupt(err, "invalid image config: rootfs.type must be \"layers\" "
					   "with diff_ids");
	if (m && json_array_size(diff_ids) != m->n_layers)
		return sk_err_corrupt(err, "invalid image config: %zu diff_ids for %zu layers",
				      json_array_size(diff_ids), m->n_layers);
	size_t i;
	json_t *d;
	json_array_foreach (diff_ids, i, d) {
		if (!json_is_string(d) || !digest_is_valid(json_string_value(d)))
			return sk_err_corrupt(err, "invalid image config: bad diff_id at %zu", i);
	}
	*ret = TAKE_PTR(cfg);
	return 0;
}
