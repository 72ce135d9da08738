/* SPDX-License-Identifier: Apache-2.0 */
#include "import.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "image/archive-stream.h"
#include "image/change.h"
#include "image/commit.h"
#include "image/names.h"
#include "store/layer-store.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

bool image_import_source_is_url(const char *source)
{
	return strneq(source, "http://", 7) || strneq(source, "https://", 8);
}

/* ---- downloading ---- */

struct download {
	int fd;
	uint64_t total;
	int write_errno;
	bool too_big;
};

static size_t download_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct download *d = userdata;
	size_t n = size * nmemb;
	d->total += n;
	if (d->total > IMAGE_IMPORT_MAX_DOWNLOAD) {
		d->too_big = true;
		return 0;
	}
	int r = fd_write_all(d->fd, ptr, n);
	if (r < 0) {
		d->write_errno = -r;
		return 0;
	}
	return n;
}

static int download_fail(CURL *c, CURLcode res, const struct download *d, const char *url,
			 const char *errbuf, struct sk_error **err)
{
	long code = 0;
	if (d->too_big)
		return sk_err_invalid(err, "download \"%s\": larger than %llu bytes", url,
				      (unsigned long long)IMAGE_IMPORT_MAX_DOWNLOAD);
	if (d->write_errno)
		return sk_err_system(err, d->write_errno, "download \"%s\": %s", url,
				     strerror(d->write_errno));
	if (res == CURLE_HTTP_RETURNED_ERROR &&
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
		return sk_error_set(err, code == 404 ? SK_ERR_NOTFOUND : SK_ERR_RUNTIME, EIO,
				    "download \"%s\": invalid status code %ld", url, code);
	return sk_error_set(err, SK_ERR_RUNTIME, EIO, "download \"%s\": %s", url,
			    *errbuf ? errbuf : curl_easy_strerror(res));
}

static int download(const char *url, int fd, struct sk_error **err)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	if (!c)
		return sk_err_internal(err, "download \"%s\": cannot start libcurl", url);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct download d = { .fd = fd };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "selkie");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, download_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
	CURLcode res = curl_easy_perform(c);
	int r = res == CURLE_OK ? 0 : download_fail(c, res, &d, url, errbuf, err);
	curl_easy_cleanup(c);
	return r;
}

/* ---- the image ---- */

static int source_open(const struct image_import_opts *o, const char *work, struct sk_error **err)
{
	if (streq(o->source, "-")) {
		int fd = fcntl(o->in_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return sk_err_system(err, errno, "read stdin: %s", strerror(errno));
		return fd;
	}
	if (!image_import_source_is_url(o->source)) {
		int fd = open(o->source, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sk_err_system(err, errno, "open \"%s\": %s", o->source,
					     strerror(errno));
		return fd;
	}
	_cleanup_free_ char *path = path_join(work, "download");
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_err_system(err, errno, "create %s: %s", path, strerror(errno));
	int r = download(o->source, fd, err);
	if (r >= 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = sk_err_system(err, errno, "seek %s: %s", path, strerror(errno));
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static int to_fd(void *userdata, const void *data, size_t len, struct sk_error **err)
{
	int r = fd_write_all(*(int *)userdata, data, len);
	return r < 0 ? sk_err_system(err, r, "write layer: %s", strerror(-r)) : 0;
}

/* The source, decompressed, as work/layer.tar; its digest is the layer's diff ID. */
static int layer_write(const struct image_import_opts *o, const char *work,
		       struct image_layer_info *info, struct sk_error **err)
{
	_cleanup_close_ int in = source_open(o, work, err);
	if (in < 0)
		return in;
	_cleanup_free_ char *path = path_join(work, "layer.tar");
	_cleanup_close_ int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return sk_err_system(err, errno, "create %s: %s", path, strerror(errno));
	int r = image_layer_read(in, true, to_fd, &out, info, err);
	if (r < 0)
		return sk_error_wrap(err, "import \"%s\"", o->source);
	if (info->diff_size == 0)
		return sk_err_invalid(err, "import \"%s\": empty input, not a tar archive",
				      o->source);
	return 0;
}

static json_t *config_build(const struct image_import_opts *o, json_t *config, const char *diff_id)
{
	_cleanup_free_ char *now = time_format_rfc3339nano(time_now_ns());
	_cleanup_free_ char *by =
		xasprintf("/bin/sh -c #(nop) ADD file:%s in /", digest_hex(diff_id));
	json_t *hist = json_pack("{s:s, s:s}", "created", now, "created_by", by);
	json_t *c = json_pack("{s:s, s:s, s:s}", "created", now, "architecture",
			      o->platform.arch ? o->platform.arch : image_host_arch(), "os",
			      o->platform.os ? o->platform.os : "linux");
	if (o->platform.variant)
		sk_json_set_str(c, "variant", o->platform.variant);
	if (!isempty(o->message)) {
		sk_json_set_str(c, "comment", o->message);
		sk_json_set_str(hist, "comment", o->message);
	}
	json_object_set(c, "config", config);
	json_object_set_new(c, "rootfs",
			    json_pack("{s:s, s:[s]}", "type", "layers", "diff_ids", diff_id));
	json_object_set_new(c, "history", json_pack("[o]", hist));
	return c;
}

static int layer_store(struct store *s, const char *work, const struct image_layer_info *info,
		       bool *created, struct sk_error **err)
{
	int r = store_layer_exists(s, info->diff_id, err);
	if (r != 0)
		return r < 0 ? r : 0;
	_cleanup_free_ char *path = path_join(work, "layer.tar");
	struct store_layer_input in = {
		.blob_path = path,
		.blob_digest = info->diff_id,
		.blob_media_type = MT_OCI_LAYER,
		.blob_size = info->diff_size,
		.expected_diff_id = info->diff_id,
	};
	char chain[DIGEST_STR_LEN];
	*created = true;
	return store_layer_create(s, &in, chain, err);
}

static int import_commit(struct store *s, const struct image_import_opts *o, const char *name,
			 json_t *config, const struct image_layer_info *info, char **ret_id,
			 struct sk_error **err)
{
	_cleanup_json_ json_t *cfg = config_build(o, config, info->diff_id);
	_cleanup_free_ char *text = sk_json_dump(cfg, JSON_COMPACT);
	char digest[DIGEST_STR_LEN];
	digest_buffer(text, strlen(text), digest);
	image_copy_emit(o->progress, IMAGE_COPY_CONFIG, digest);
	struct image_load_layer l = { .blob_size = info->diff_size, .media_type = MT_OCI_LAYER };
	memcpy(l.blob_digest, info->diff_id, DIGEST_STR_LEN);
	_cleanup_free_ char *manifest = image_oci_manifest_build(digest, strlen(text), &l, 1);
	image_copy_emit(o->progress, IMAGE_COPY_MANIFEST, NULL);
	char *layers[] = { (char *)info->diff_id, NULL };
	char *names[] = { (char *)name, NULL };
	struct image_commit_input in = {
		.manifest = manifest,
		.manifest_len = strlen(manifest),
		.manifest_media_type = MT_OCI_MANIFEST,
		.config = text,
		.config_len = strlen(text),
		.config_media_type = MT_OCI_CONFIG,
		.layers = layers,
		.names = name ? names : NULL,
	};
	return image_commit(s, &in, ret_id, err);
}

static int import_work(struct store *s, const struct image_import_opts *o, const char *work,
		       const char *name, json_t *config, char **ret_id, struct sk_error **err)
{
	struct image_layer_info info;
	bool created = false;
	int r = layer_write(o, work, &info, err);
	if (r < 0)
		return r;
	image_copy_emit(o->progress, IMAGE_COPY_SIGNATURES, NULL);
	image_copy_emit(o->progress, IMAGE_COPY_BLOB, info.diff_id);
	char *lease[] = { info.diff_id, NULL };
	r = store_layer_lease(s, work, lease, err);
	if (r >= 0)
		r = layer_store(s, work, &info, &created, err);
	if (r >= 0)
		r = import_commit(s, o, name, config, &info, ret_id, err);
	store_layer_release(s, work);
	if (r < 0 && created)
		store_layer_gc(s, NULL);
	return r;
}

int image_import(struct store *s, const struct image_import_opts *o, char **ret_id,
		 struct sk_error **err)
{
	_cleanup_free_ char *name = NULL;
	int r = o->reference ? image_name_for_tag(o->reference, &name, err) : 0;
	_cleanup_json_ json_t *config = json_object();
	if (r >= 0)
		r = image_changes_apply(config, o->changes, err);
	if (r < 0)
		return r;
	store_sweep_tmp(s);
	_cleanup_free_ char *work = NULL;
	_cleanup_close_ int lock = -1;
	r = store_tmpdir_new(s, "import-", &work, &lock, err);
	if (r < 0)
		return r;
	r = import_work(s, o, work, name, config, ret_id, err);
	store_tmpdir_remove(work);
	return r;
}
