/* SPDX-License-Identifier: Apache-2.0 */
#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "config/registries-conf.h"
#include "image/commit.h"
#include "image/pull-source.h"
#include "image/reference.h"
#include "registry/blob.h"
#include "registry/client.h"
#include "registry/manifest.h"
#include "registry/catalog.h"
#include "state/images.h"
#include "store/blob-store.h"
#include "store/layer-store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* One pull of one fully qualified reference. */
struct pull_job {
	struct store *s;
	const struct image_pull_opts *o;
	struct registry_client *client;
	const struct image_reference *ref; /* where the bytes come from */
	const char *name;		   /* the name to record ("docker.io/library/x:tag") */
	char *repo_name;		   /* ref's "domain/path" for RepoDigests */
	char *work;			   /* private work directory */
	char **extra_digests;		   /* the index's digest when one was resolved */
};

static void emit(const struct pull_job *j, enum image_pull_event ev, const char *text,
		 uint64_t done, uint64_t total)
{
	const struct image_pull_progress *p = j->o->progress;
	if (p && p->event)
		p->event(p->userdata, ev, text, done, total);
}

static int fetch_manifest(struct pull_job *j, const char *ref, char **body, size_t *len,
			  char **media_type, char digest[DIGEST_STR_LEN], struct sk_error **err)
{
	struct registry_manifest rm = { 0 };
	int r = registry_manifest_get(j->client, j->ref->path, ref, &rm, err);
	if (r < 0)
		return r;
	r = image_manifest_kind(rm.media_type, rm.body, rm.len, media_type, err);
	if (r >= 0) {
		*body = TAKE_PTR(rm.body);
		*len = rm.len;
		memcpy(digest, rm.digest, DIGEST_STR_LEN);
	}
	registry_manifest_release(&rm);
	return r;
}

/* The image manifest for the wanted platform, following an index if the tag names one. */
static int resolve_manifest(struct pull_job *j, char **body, size_t *len, char **media_type,
			    char digest[DIGEST_STR_LEN], struct sk_error **err)
{
	const char *ref = j->ref->digest ? j->ref->digest : j->ref->tag ? j->ref->tag : "latest";
	int kind = fetch_manifest(j, ref, body, len, media_type, digest, err);
	if (kind != MANIFEST_KIND_INDEX)
		return kind;
	_cleanup_index_ struct image_index *ix = NULL;
	int r = image_index_parse(*body, *len, *media_type, &ix, err);
	const struct image_descriptor *d = NULL;
	if (r >= 0)
		r = image_index_select(ix, &j->o->platform, &d, err);
	if (r < 0) {
		_cleanup_free_ char *full = image_reference_format(j->ref);
		return sk_error_wrap(err, "choosing an image from manifest list docker://%s", full);
	}
	strv_push(&j->extra_digests, digest);
	_cleanup_free_ char *child = xstrdup(d->digest);
	free(*body);
	free(*media_type);
	*body = NULL;
	*media_type = NULL;
	kind = fetch_manifest(j, child, body, len, media_type, digest, err);
	if (kind == MANIFEST_KIND_INDEX) {
		free(*body);
		free(*media_type);
		return sk_err_corrupt(err, "manifest list entry %s is itself a list", child);
	}
	return kind;
}

static int fetch_config(struct pull_job *j, const struct image_manifest *m, char **ret,
			size_t *ret_len, struct sk_error **err)
{
	if (m->config.size > CONFIG_MAX_SIZE)
		return sk_err_corrupt(err, "config %s too large (%lld bytes)", m->config.digest,
				      (long long)m->config.size);
	_cleanup_free_ char *path = path_join(j->work, "config");
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_err_system(err, errno, "create %s: %s", path, strerror(errno));
	emit(j, IMAGE_PULL_CONFIG, m->config.digest, 0, (uint64_t)m->config.size);
	int r = registry_blob_fetch(j->client, j->ref->path, m->config.digest, m->config.size, fd,
				    NULL, NULL, err);
	if (r < 0)
		return r;
	r = fs_read_file(path, CONFIG_MAX_SIZE, ret, ret_len);
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	return 0;
}

static void on_blob_progress(const char *digest, uint64_t done, uint64_t total, void *userdata)
{
	emit(userdata, IMAGE_PULL_BLOB_PROGRESS, digest, done, total);
}

/* Fetch the layers the store lacks (in parallel), then unpack them bottom up. */
static int fetch_layers(struct pull_job *j, const struct image_manifest *m, json_t *diff_ids,
			char ***ret_chain, struct sk_error **err)
{
	size_t n = m->n_layers;
	_cleanup_free_ struct registry_blob_req *reqs = xnew(struct registry_blob_req, n + 1);
	_cleanup_free_ int *fds = xnew(int, n + 1);
	_cleanup_strv_free_ char **chain = xnew(char *, n + 1);
	/* Sparse (NULL for layers already stored), so not a strv: freed element by element. */
	char **paths = xnew(char *, n + 1);
	size_t nreq = 0;
	for (size_t i = 0; i < n; i++) {
		char cid[DIGEST_STR_LEN];
		store_layer_chain_id(i ? chain[i - 1] : NULL,
				     json_string_value(json_array_get(diff_ids, i)), cid);
		chain[i] = xstrdup(cid);
	}
	/* Leased before looking: a concurrent rmi can't take a layer this pull then reuses. */
	int r = store_layer_lease(j->s, j->work, chain, err);
	for (size_t i = 0; i < n && r >= 0; i++) {
		const char *cid = chain[i];
		r = store_layer_exists(j->s, cid, err);
		if (r > 0) {
			emit(j, IMAGE_PULL_BLOB_SKIPPED, m->layers[i].digest, 0, 0);
			continue;
		}
		paths[i] = xasprintf("%s/layer-%zu", j->work, i);
		int fd = open(paths[i], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			r = sk_err_system(err, errno, "create %s: %s", paths[i], strerror(errno));
			break;
		}
		fds[nreq] = fd;
		reqs[nreq++] = (struct registry_blob_req){
			.digest = m->layers[i].digest,
			.size = m->layers[i].size,
			.fd = fd,
		};
	}
	if (r >= 0 && nreq > 0)
		r = registry_blobs_fetch(j->client, j->ref->path, reqs, nreq, on_blob_progress, j,
					 err);
	for (size_t i = 0; i < nreq; i++)
		close(fds[i]);
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (!paths[i])
			continue;
		emit(j, IMAGE_PULL_BLOB_DONE, m->layers[i].digest, 0, 0);
		struct store_layer_input in = {
			.parent_chain = i ? chain[i - 1] : NULL,
			.blob_path = paths[i],
			.blob_digest = m->layers[i].digest,
			.blob_media_type = m->layers[i].media_type,
			.blob_size = (uint64_t)m->layers[i].size,
			.expected_diff_id = json_string_value(json_array_get(diff_ids, i)),
		};
		char got[DIGEST_STR_LEN];
		r = store_layer_create(j->s, &in, got, err);
		if (r >= 0 && !streq(got, chain[i]))
			r = sk_err_corrupt(err, "layer %s: chain ID mismatch", m->layers[i].digest);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (r >= 0)
		*ret_chain = TAKE_PTR(chain);
	return r;
}

static int pull_job_run(struct pull_job *j, char **ret_id, struct sk_error **err)
{
	_cleanup_free_ char *body = NULL, *media_type = NULL, *config = NULL;
	size_t len = 0, config_len = 0;
	char digest[DIGEST_STR_LEN];
	int r = resolve_manifest(j, &body, &len, &media_type, digest, err);
	if (r < 0)
		return r;
	emit(j, IMAGE_PULL_SIGNATURES, NULL, 0, 0);
	_cleanup_manifest_ struct image_manifest *m = NULL;
	_cleanup_json_ json_t *cfg = NULL;
	r = image_manifest_parse(body, len, media_type, &m, err);
	if (r >= 0)
		r = fetch_config(j, m, &config, &config_len, err);
	if (r >= 0)
		r = image_config_parse(config, config_len, m, &cfg, err);
	_cleanup_strv_free_ char **chain = NULL;
	if (r >= 0)
		r = fetch_layers(j, m, json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"),
				 &chain, err);
	if (r < 0)
		return r;
	emit(j, IMAGE_PULL_WRITING_MANIFEST, NULL, 0, 0);
	char *names[] = { (char *)j->name, NULL };
	struct image_commit_input in = {
		.manifest = body,
		.manifest_len = len,
		.manifest_media_type = media_type,
		.config = config,
		.config_len = config_len,
		.config_media_type = m->config.media_type,
		.layers = chain,
		.names = j->name ? names : NULL,
		.digest_repo = j->repo_name,
		.extra_digests = j->extra_digests,
	};
	return image_commit(j->s, &in, ret_id, err);
}

/* Pull one candidate: src is where the bytes come from, name what the image is called. */
static int pull_candidate(struct store *s, const struct image_pull_opts *o,
			  const struct image_pull_source *src, char **ret_id, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *ref = NULL;
	int r = image_reference_parse(src->pull_ref, &ref, err);
	if (r < 0)
		return r;
	_cleanup_registry_client_ struct registry_client *client = NULL;
	struct registry_opts ro = {
		.insecure = src->insecure,
		.cert_dir = o->cert_dir,
		.authfile = o->authfile,
		.creds = o->creds,
	};
	r = registry_client_new(ref->domain, &ro, &client, err);
	if (r < 0)
		return r;
	/* An image pulled by digest gets no tag, only the repo digest (as podman). */
	struct pull_job j = {
		.s = s,
		.o = o,
		.client = client,
		.ref = ref,
		.name = strchr(src->name, '@') ? NULL : src->name,
		.repo_name = image_reference_name(ref),
	};
	const char *work_prefix = "pull-";
	_cleanup_close_ int lock = -1;
	r = store_tmpdir_new(s, work_prefix, &j.work, &lock, err);
	if (r >= 0) {
		emit(&j, IMAGE_PULL_TRYING, src->display, 0, 0);
		r = pull_job_run(&j, ret_id, err);
		store_layer_release(s, j.work);
		store_tmpdir_remove(j.work);
	}
	free(j.work);
	free(j.repo_name);
	strv_free(j.extra_digests);
	return r;
}

static int pull_one_name(struct store *s, const char *name, const struct image_pull_opts *o,
			 char **ret_id, struct sk_error **err)
{
	struct image_pull_source *srcs = NULL;
	size_t n = 0;
	_cleanup_free_ char *resolving = NULL;
	int r = image_pull_sources(name, o, &srcs, &n, &resolving, err);
	if (r < 0)
		return r;
	if (resolving && o->progress && o->progress->event)
		o->progress->event(o->progress->userdata, IMAGE_PULL_RESOLVING, resolving, 0, 0);
	struct sk_error *last = NULL;
	r = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		sk_error_free(last);
		last = NULL;
		r = pull_candidate(s, o, &srcs[i], ret_id, &last);
		if (r >= 0)
			break;
		/* Only "not there" moves on to the next candidate, as podman does. */
		if (last->kind != SK_ERR_NOTFOUND && last->kind != SK_ERR_AUTH)
			break;
	}
	if (r < 0 && last) {
		_cleanup_free_ char *full = xstrdup(srcs[n ? n - 1 : 0].display);
		*err = last;
		last = NULL;
		if (n > 1)
			sk_error_wrap(err, "initializing source docker://%s", full);
	}
	sk_error_free(last);
	image_pull_sources_free(srcs, n);
	return r;
}

int image_pull(struct store *s, const char *name, const struct image_pull_opts *o, char ***ret_ids,
	       struct sk_error **err)
{
	store_sweep_tmp(s);
	_cleanup_strv_free_ char **ids = NULL;
	if (!o->all_tags) {
		char *id = NULL;
		int r = pull_one_name(s, name, o, &id, err);
		if (r < 0)
			return r;
		strv_push_take(&ids, id);
		*ret_ids = TAKE_PTR(ids);
		return 0;
	}
	_cleanup_strv_free_ char **tags = NULL;
	_cleanup_free_ char *repo = NULL;
	/* A repository with no tags pulls nothing, as podman. */
	int r = image_pull_list_tags(name, o, &repo, &tags, err);
	STRV_FOREACH (t, tags) {
		if (r < 0)
			break;
		_cleanup_free_ char *full = xasprintf("%s:%s", repo, *t);
		char *id = NULL;
		r = pull_one_name(s, full, o, &id, err);
		if (r >= 0)
			strv_push_take(&ids, id);
	}
	if (r < 0)
		return r;
	*ret_ids = TAKE_PTR(ids);
	return 0;
}
