/* SPDX-License-Identifier: Apache-2.0 */
#include "blob.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "request.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* One blob being fetched: the request, its transfer and what arrived so far. */
struct blob_job {
	const struct registry_blob_req *breq;
	struct registry_request req;
	struct registry_xfer x;
	struct digester *dg;
	uint64_t done;
	uint64_t total;
	char *path;
	char *what;
	char *scopes[2];
	struct sk_error *error; /* set by the sink or the header hook */
	registry_progress_fn progress;
	void *userdata;
	bool active; /* in the multi handle */
};

static int blob_digest_check(const char *digest, struct sk_error **err)
{
	if (digest && strneq(digest, "sha256:", 7) && digest_is_valid(digest))
		return 0;
	if (digest_is_valid(digest))
		return sk_err_invalid(err, "blob %s: unsupported digest algorithm", digest);
	return sk_err_invalid(err, "invalid digest '%s'", digest ? digest : "");
}

static int job_headers(void *userdata, const struct registry_response *resp)
{
	struct blob_job *j = userdata;
	if (resp->status != 200)
		return 0;
	int64_t size = j->breq->size, clen = resp->content_length;
	if (size >= 0 && clen >= 0 && clen != size)
		return sk_err_corrupt(&j->error,
				      "blob %s: size mismatch: the registry sends %lld bytes, "
				      "expected %lld",
				      j->breq->digest, (long long)clen, (long long)size);
	j->total = size >= 0 ? (uint64_t)size : clen >= 0 ? (uint64_t)clen : 0;
	if (j->progress)
		j->progress(j->breq->digest, 0, j->total, j->userdata);
	return 0;
}

static int job_sink(void *userdata, const char *data, size_t len)
{
	struct blob_job *j = userdata;
	int64_t size = j->breq->size;
	if (size >= 0 && j->done + len > (uint64_t)size)
		return sk_err_corrupt(&j->error,
				      "blob %s: size mismatch: more than the expected %lld bytes",
				      j->breq->digest, (long long)size);
	digester_update(j->dg, data, len);
	int r = fd_write_all(j->breq->fd, data, len);
	if (r < 0)
		return sk_err_system(&j->error, r, "writing blob %s: %s", j->breq->digest,
				     strerror(-r));
	j->done += len;
	if (j->progress)
		j->progress(j->breq->digest, j->done, j->total, j->userdata);
	return 0;
}

static void job_init(struct blob_job *j, struct registry_client *c, const char *repo,
		     const struct registry_blob_req *breq, registry_progress_fn progress,
		     void *userdata)
{
	j->breq = breq;
	j->progress = progress;
	j->userdata = userdata;
	j->path = xasprintf("/v2/%s/blobs/%s", repo, breq->digest);
	j->what = xasprintf("fetching blob %s", breq->digest);
	j->scopes[0] = xasprintf("repository:%s:pull", repo);
	j->x.resp.content_length = -1;
	j->req = (struct registry_request){ .url = j->path,
					    .repo = repo,
					    .scopes = j->scopes,
					    .follow = true,
					    .sink = job_sink,
					    .on_headers = job_headers,
					    .userdata = j,
					    .what = j->what };
}

static void job_release(struct blob_job *j)
{
	registry_xfer_release(&j->x);
	digester_free(j->dg);
	free(j->path);
	free(j->what);
	free(j->scopes[0]);
	sk_error_free(j->error);
}

static int job_start(struct registry_client *c, struct blob_job *j, struct sk_error **err)
{
	digester_free(j->dg);
	j->dg = digester_new();
	j->done = 0;
	int r = registry_xfer_setup(&j->x, c, &j->req, NULL, err);
	if (r < 0)
		return r;
	CURLMcode mc = curl_multi_add_handle(c->multi, j->x.easy);
	if (mc != CURLM_OK)
		return sk_err_internal(err, "%s: %s", j->what, curl_multi_strerror(mc));
	j->active = true;
	return 0;
}

/* The transfer ended: 0 verified, 1 to be sent again, <0 failed. */
static int job_finish(struct blob_job *j, CURLcode code, struct sk_error **err)
{
	const char *digest = j->breq->digest;
	int64_t size = j->breq->size;
	if (code == CURLE_PARTIAL_FILE && j->x.resp.status == 200)
		return sk_err_corrupt(err, "blob %s: size mismatch: got %llu bytes, expected %llu",
				      digest, (unsigned long long)j->done,
				      (unsigned long long)(size >= 0 ? (uint64_t)size : j->total));
	int r = registry_xfer_done(&j->x, code, err);
	if (r == -ECANCELED) {
		r = sk_error_ret(j->error);
		*err = TAKE_PTR(j->error);
		return r;
	}
	if (r != 0)
		return r;
	if (j->x.resp.status != 200)
		return registry_response_error(&j->x.resp, j->what, "blob unknown", err);
	if (size >= 0 && j->done != (uint64_t)size)
		return sk_err_corrupt(err, "blob %s: size mismatch: got %llu bytes, expected %lld",
				      digest, (unsigned long long)j->done, (long long)size);
	char got[DIGEST_STR_LEN];
	digester_final(j->dg, got);
	if (!streq(got, digest))
		return sk_err_corrupt(err, "blob %s: digest mismatch: got %s", digest, got);
	return 0;
}

/* Every finished transfer: verify it, or send it again after a 401. */
static int multi_collect(struct registry_client *c, size_t *running, size_t *finished,
			 struct sk_error **err)
{
	CURLMsg *msg;
	int left = 0;
	while ((msg = curl_multi_info_read(c->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode code = msg->data.result;
		struct registry_xfer *x = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		struct blob_job *j = x->req->userdata;
		curl_multi_remove_handle(c->multi, easy);
		j->active = false;
		(*running)--;
		int r = job_finish(j, code, err);
		if (r == 1) {
			r = job_start(c, j, err);
			if (r >= 0)
				(*running)++;
		} else if (r == 0) {
			(*finished)++;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int multi_run(struct registry_client *c, struct blob_job *jobs, size_t n,
		     struct sk_error **err)
{
	size_t next = 0, running = 0, finished = 0;
	while (finished < n) {
		while (running < REGISTRY_FETCH_PARALLEL && next < n) {
			int r = job_start(c, &jobs[next++], err);
			if (r < 0)
				return r;
			running++;
		}
		int still = 0;
		CURLMcode mc = curl_multi_perform(c->multi, &still);
		if (mc != CURLM_OK)
			return sk_err_internal(err, "fetching blobs: %s", curl_multi_strerror(mc));
		size_t before = finished;
		int r = multi_collect(c, &running, &finished, err);
		if (r < 0)
			return r;
		/* Wait only when nothing finished: a transfer that completed inside perform must
		 * not cost a poll timeout. */
		if (finished == before && still > 0) {
			mc = curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
			if (mc != CURLM_OK)
				return sk_err_internal(err, "fetching blobs: %s",
						       curl_multi_strerror(mc));
		}
	}
	return 0;
}

int registry_blobs_fetch(struct registry_client *c, const char *repo,
			 const struct registry_blob_req *reqs, size_t n,
			 registry_progress_fn progress, void *userdata, struct sk_error **err)
{
	int r = registry_repo_check(repo, err);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = blob_digest_check(reqs[i].digest, err);
	if (r < 0 || n == 0)
		return r;
	r = registry_client_ensure(c, err);
	if (r < 0)
		return r;
	if (!c->multi) {
		c->multi = curl_multi_init();
		if (!c->multi)
			return sk_err_internal(err, "cannot create a curl multi handle");
	}
	struct blob_job *jobs = xnew(struct blob_job, n);
	for (size_t i = 0; i < n; i++)
		job_init(&jobs[i], c, repo, &reqs[i], progress, userdata);
	r = multi_run(c, jobs, n, err);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].active)
			curl_multi_remove_handle(c->multi, jobs[i].x.easy);
		job_release(&jobs[i]);
	}
	free(jobs);
	return r < 0 ? r : 0;
}

int registry_blob_fetch(struct registry_client *c, const char *repo, const char *digest,
			int64_t size, int fd, registry_progress_fn progress, void *userdata,
			struct sk_error **err)
{
	const struct registry_blob_req req = { .digest = digest, .size = size, .fd = fd };
	return registry_blobs_fetch(c, repo, &req, 1, progress, userdata, err);
}

int registry_blob_exists(struct registry_client *c, const char *repo, const char *digest,
			 int64_t *ret_size, struct sk_error **err)
{
	int r = registry_repo_check(repo, err);
	if (r >= 0)
		r = blob_digest_check(digest, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = xasprintf("/v2/%s/blobs/%s", repo, digest);
	_cleanup_free_ char *what = xasprintf("checking blob %s in %s/%s", digest, c->name, repo);
	_cleanup_free_ char *scope = xasprintf("repository:%s:pull", repo);
	char *scopes[] = { scope, NULL };
	const struct registry_request req = { .method = "HEAD",
					      .url = path,
					      .repo = repo,
					      .scopes = scopes,
					      .follow = true,
					      .what = what };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r >= 0) {
		if (resp.status == 200) {
			if (ret_size)
				*ret_size = resp.content_length;
			r = 1;
		} else if (resp.status == 404) {
			r = 0;
		} else {
			r = registry_response_error(&resp, what, "blob unknown", err);
		}
	}
	registry_response_release(&resp);
	return r;
}

struct upload_call {
	struct registry_client *c;
	const char *repo;
	const char *digest;
	char *what;
	char *scopes[3];
	registry_progress_fn progress;
	void *userdata;
	uint64_t size;
};

static void upload_sent(void *userdata, uint64_t sent)
{
	struct upload_call *u = userdata;
	if (u->progress)
		u->progress(u->digest, sent, u->size, u->userdata);
}

/* POST .../blobs/uploads/ (with ?mount=&from= when asked): 1 mounted, 0 with *ret_location
 * the URL to PUT to. */
static int upload_start(struct upload_call *u, const char *mount_from, char **ret_location,
			struct sk_error **err)
{
	_cleanup_free_ char *path = xasprintf("/v2/%s/blobs/uploads/", u->repo);
	if (mount_from) {
		_cleanup_free_ char *base = registry_url_resolve(u->c->base_url, path);
		_cleanup_free_ char *m =
			base ? registry_url_add_query(base, "mount", u->digest) : NULL;
		free(path);
		path = m ? registry_url_add_query(m, "from", mount_from) : NULL;
		if (!path)
			return sk_err_internal(err, "%s: cannot build the mount URL", u->what);
	}
	const struct registry_request req = {
		.method = "POST", .url = path, .repo = u->repo, .scopes = u->scopes, .what = u->what
	};
	struct registry_response resp = { 0 };
	int r = registry_request(u->c, &req, &resp, err);
	if (r >= 0 && resp.status == 201 && mount_from) {
		r = 1;
	} else if (r >= 0 && resp.status == 202 && !isempty(resp.location)) {
		_cleanup_free_ char *post_url = registry_url_resolve(u->c->base_url, path);
		*ret_location = post_url ? registry_url_resolve(post_url, resp.location) : NULL;
		r = *ret_location ? 0
				  : sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
						 "%s: invalid upload location '%s'", u->what,
						 resp.location);
	} else if (r >= 0 && resp.status == 202) {
		r = sk_error_set(err, SK_ERR_REGISTRY, EPROTO, "%s: no upload location", u->what);
	} else if (r >= 0) {
		r = registry_response_error(&resp, u->what, NULL, err);
	}
	registry_response_release(&resp);
	return r;
}

/* PUT <location>&digest= with the whole blob. */
static int upload_put(struct upload_call *u, const char *location, int fd, struct sk_error **err)
{
	_cleanup_free_ char *url = registry_url_add_query(location, "digest", u->digest);
	if (!url)
		return sk_error_set(err, SK_ERR_REGISTRY, EPROTO,
				    "%s: invalid upload location '%s'", u->what, location);
	const struct registry_body body = { .fd = fd, .size = u->size };
	const struct registry_request req = { .method = "PUT",
					      .url = url,
					      .repo = u->repo,
					      .scopes = u->scopes,
					      .content_type = "application/octet-stream",
					      .body = &body,
					      .on_sent = upload_sent,
					      .userdata = u,
					      .what = u->what };
	struct registry_response resp = { 0 };
	int r = registry_request(u->c, &req, &resp, err);
	if (r >= 0 && (resp.status < 200 || resp.status >= 300))
		r = registry_response_error(&resp, u->what, NULL, err);
	registry_response_release(&resp);
	return r;
}

static int upload_check(const char *repo, const char *digest, uint64_t size, int fd,
			const char *mount_from, struct sk_error **err)
{
	int r = registry_repo_check(repo, err);
	if (r >= 0)
		r = blob_digest_check(digest, err);
	if (r >= 0 && mount_from)
		r = registry_repo_check(mount_from, err);
	if (r < 0)
		return r;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return sk_err_system(err, errno, "uploading blob %s: %s", digest, strerror(errno));
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size != size)
		return sk_err_invalid(err, "uploading blob %s: the file has %llu bytes, not %llu",
				      digest, (unsigned long long)st.st_size,
				      (unsigned long long)size);
	return 0;
}

int registry_blob_upload(struct registry_client *c, const char *repo, const char *digest,
			 uint64_t size, int fd, const char *mount_from,
			 registry_progress_fn progress, void *userdata, struct sk_error **err)
{
	int r = upload_check(repo, digest, size, fd, mount_from, err);
	if (r < 0)
		return r;
	r = registry_client_ensure(c, err);
	if (r < 0)
		return r;
	struct upload_call u = { .c = c,
				 .repo = repo,
				 .digest = digest,
				 .progress = progress,
				 .userdata = userdata,
				 .size = size };
	u.what = xasprintf("uploading blob %s to %s/%s", digest, c->name, repo);
	u.scopes[0] = xasprintf("repository:%s:pull,push", repo);
	if (mount_from)
		u.scopes[1] = xasprintf("repository:%s:pull", mount_from);
	_cleanup_free_ char *location = NULL;
	r = upload_start(&u, mount_from, &location, err);
	if (r == 0)
		r = upload_put(&u, location, fd, err);
	free(u.what);
	free(u.scopes[0]);
	free(u.scopes[1]);
	return r;
}
