/* SPDX-License-Identifier: Apache-2.0 */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "request.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

void registry_manifest_release(struct registry_manifest *m)
{
	free(m->body);
	free(m->media_type);
	*m = (struct registry_manifest){ 0 };
}

/* "Application/JSON; charset=utf-8" -> "application/json". */
static char *mime_essence(const char *ct)
{
	const char *s = ct + strspn(ct, " \t");
	size_t n = strcspn(s, "; \t");
	char *out = xstrndup(s, n);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

char *registry_manifest_media_type(const char *content_type, const char *body, size_t len)
{
	static const char *const generic[] = { "", "application/json", "text/plain",
					       "application/octet-stream", "binary/octet-stream" };
	_cleanup_free_ char *ct = mime_essence(content_type ? content_type : "");
	bool is_generic = false;
	for (size_t i = 0; i < ELEMENTSOF(generic); i++)
		is_generic = is_generic || streq(ct, generic[i]);
	if (!is_generic)
		return TAKE_PTR(ct);
	_cleanup_json_ json_t *root = body ? sk_json_parse(body, len, NULL) : NULL;
	const char *mt = sk_json_str(root, "mediaType");
	if (!isempty(mt))
		return xstrdup(mt);
	if (json_is_array(json_object_get(root, "manifests")))
		return xstrdup(REGISTRY_MT_OCI_INDEX);
	if (json_is_object(json_object_get(root, "config")) ||
	    json_is_array(json_object_get(root, "layers")))
		return xstrdup(REGISTRY_MT_OCI_MANIFEST);
	return TAKE_PTR(ct);
}

struct manifest_call {
	char *path;
	char *what;
	char *scopes[2];
};

static int manifest_call_init(struct manifest_call *mc, struct registry_client *c, const char *repo,
			      const char *ref, bool push, struct sk_error **err)
{
	int r = registry_repo_check(repo, err);
	if (r < 0)
		return r;
	r = registry_ref_check(ref, err);
	if (r < 0)
		return r;
	mc->path = xasprintf("/v2/%s/manifests/%s", repo, ref);
	if (push)
		mc->what = xasprintf("uploading manifest %s to %s/%s", ref, c->name, repo);
	else
		mc->what = xasprintf("reading manifest %s in %s/%s", ref, c->name, repo);
	mc->scopes[0] = xasprintf("repository:%s:%s", repo, push ? "pull,push" : "pull");
	return 0;
}

static void manifest_call_release(struct manifest_call *mc)
{
	free(mc->path);
	free(mc->what);
	free(mc->scopes[0]);
}

static int digest_verify(const char *ref, const char *got, struct sk_error **err)
{
	if (!strchr(ref, ':') || streq(ref, got))
		return 0;
	if (!strneq(ref, "sha256:", 7))
		return sk_err_invalid(err, "manifest %s: unsupported digest algorithm", ref);
	return sk_err_corrupt(err, "manifest %s: digest mismatch: got %s", ref, got);
}

int registry_manifest_get(struct registry_client *c, const char *repo, const char *ref,
			  struct registry_manifest *ret, struct sk_error **err)
{
	struct manifest_call mc = { 0 };
	int r = manifest_call_init(&mc, c, repo, ref, false, err);
	if (r < 0)
		return r;
	const struct registry_request req = { .url = mc.path,
					      .repo = repo,
					      .scopes = mc.scopes,
					      .accept = REGISTRY_MANIFEST_ACCEPT,
					      .max_body = REGISTRY_MANIFEST_MAX,
					      .what = mc.what };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r >= 0 && resp.status != 200)
		r = registry_response_error(&resp, mc.what, "manifest unknown", err);
	struct registry_manifest m = { 0 };
	if (r >= 0) {
		digest_buffer(resp.body.buf, resp.body.len, m.digest);
		r = digest_verify(ref, m.digest, err);
	}
	if (r >= 0) {
		m.media_type = registry_manifest_media_type(resp.content_type, resp.body.buf,
							    resp.body.len);
		m.body = strbuf_detach(&resp.body, &m.len);
		*ret = m;
	}
	registry_response_release(&resp);
	manifest_call_release(&mc);
	return r < 0 ? r : 0;
}

int registry_manifest_head(struct registry_client *c, const char *repo, const char *ref,
			   char ret_digest[DIGEST_STR_LEN], char **ret_media_type,
			   struct sk_error **err)
{
	struct manifest_call mc = { 0 };
	int r = manifest_call_init(&mc, c, repo, ref, false, err);
	if (r < 0)
		return r;
	const struct registry_request req = { .method = "HEAD",
					      .url = mc.path,
					      .repo = repo,
					      .scopes = mc.scopes,
					      .accept = REGISTRY_MANIFEST_ACCEPT,
					      .what = mc.what };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r >= 0 && resp.status != 200)
		r = registry_response_error(&resp, mc.what, "manifest unknown", err);
	if (r >= 0 &&
	    (!resp.digest || !strneq(resp.digest, "sha256:", 7) || !digest_is_valid(resp.digest))) {
		/* No usable digest header: the body tells. */
		struct registry_manifest m = { 0 };
		r = registry_manifest_get(c, repo, ref, &m, err);
		if (r >= 0) {
			memcpy(ret_digest, m.digest, DIGEST_STR_LEN);
			if (ret_media_type)
				*ret_media_type = TAKE_PTR(m.media_type);
		}
		registry_manifest_release(&m);
	} else if (r >= 0) {
		r = digest_verify(ref, resp.digest, err);
		if (r >= 0) {
			memcpy(ret_digest, resp.digest, DIGEST_STR_LEN);
			if (ret_media_type)
				*ret_media_type =
					registry_manifest_media_type(resp.content_type, NULL, 0);
		}
	}
	registry_response_release(&resp);
	manifest_call_release(&mc);
	return r < 0 ? r : 0;
}

int registry_manifest_put(struct registry_client *c, const char *repo, const char *ref,
			  const char *media_type, const void *body, size_t len,
			  char ret_digest[DIGEST_STR_LEN], struct sk_error **err)
{
	if (isempty(media_type))
		return sk_err_invalid(err, "uploading manifest %s: no media type", ref ? ref : "");
	if (len > REGISTRY_MANIFEST_MAX)
		return sk_err_invalid(err, "uploading manifest %s: larger than %u bytes",
				      ref ? ref : "", REGISTRY_MANIFEST_MAX);
	char digest[DIGEST_STR_LEN];
	digest_buffer(body, len, digest);
	if (ref && strchr(ref, ':') && digest_is_valid(ref) && !streq(ref, digest))
		return sk_err_invalid(err, "uploading manifest %s: its digest is %s", ref, digest);
	struct manifest_call mc = { 0 };
	int r = manifest_call_init(&mc, c, repo, ref, true, err);
	if (r < 0)
		return r;
	const struct registry_body b = { .data = body, .len = len };
	const struct registry_request req = { .method = "PUT",
					      .url = mc.path,
					      .repo = repo,
					      .scopes = mc.scopes,
					      .content_type = media_type,
					      .body = &b,
					      .what = mc.what };
	struct registry_response resp = { 0 };
	r = registry_request(c, &req, &resp, err);
	if (r >= 0 && (resp.status < 200 || resp.status >= 300))
		r = registry_response_error(&resp, mc.what, NULL, err);
	if (r >= 0 && ret_digest)
		memcpy(ret_digest, digest, DIGEST_STR_LEN);
	registry_response_release(&resp);
	manifest_call_release(&mc);
	return r < 0 ? r : 0;
}
