/* SPDX-License-Identifier: Apache-2.0 */
#include "pull-source.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "config/registries-conf.h"
#include "image/reference.h"
#include "image/shortname.h"
#include "registry/client.h"
#include "registry/catalog.h"
#include "util/xalloc.h"

void image_pull_sources_free(struct image_pull_source *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].name);
		free(s[i].pull_ref);
		free(s[i].display);
	}
	free(s);
}

static int add_sources(const struct config_registries *conf, const struct image_pull_opts *o,
		       const struct image_reference *ref, struct image_pull_source **list,
		       size_t *n, struct sk_error **err)
{
	_cleanup_free_ char *full = image_reference_format(ref);
	if (config_registries_is_blocked(conf, full))
		return sk_error_set(err, SK_ERR_REGISTRY, EACCES,
				    "registry %s is blocked in %s or registries.conf.d",
				    ref->domain, conf->sources ? conf->sources : "registries.conf");
	struct config_pull_source *srcs = NULL;
	size_t ns = 0;
	int r = config_registries_pull_sources(conf, full, ref->digest != NULL, &srcs, &ns, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns; i++) {
		*list = xreallocarray(*list, *n + 1, sizeof(**list));
		bool insecure = srcs[i].insecure;
		if (o->tls_verify == 0)
			insecure = true;
		else if (o->tls_verify == 1)
			insecure = false;
		(*list)[(*n)++] = (struct image_pull_source){
			.name = xstrdup(full),
			.pull_ref = xstrdup(srcs[i].ref),
			.display = xstrdup(srcs[i].ref),
			.insecure = insecure,
		};
	}
	config_pull_sources_free(srcs, ns);
	return 0;
}

static int load_conf(const struct image_pull_opts *o, struct config_registries **conf,
		     struct sk_error **err)
{
	struct config_registries_opts co = { .path = o->registries_conf };
	return config_registries_load(&co, conf, err);
}

int image_pull_sources(const char *input, const struct image_pull_opts *o,
		       struct image_pull_source **ret, size_t *ret_n, char **ret_description,
		       struct sk_error **err)
{
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	int r = load_conf(o, &conf, err);
	if (r < 0)
		return r;
	_cleanup_shortname_resolved_ struct image_shortname_resolved *res = NULL;
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	r = image_shortname_resolve(conf, input, tty, &res, err);
	if (r < 0)
		return r;
	struct image_pull_source *list = NULL;
	size_t n = 0;
	for (size_t i = 0; i < res->n_candidates && r >= 0; i++)
		r = add_sources(conf, o, res->candidates[i].ref, &list, &n, err);
	if (r >= 0 && n == 0)
		r = sk_err_notfound(err, "%s: no registry to pull from", input);
	if (r < 0) {
		image_pull_sources_free(list, n);
		return r;
	}
	*ret = list;
	*ret_n = n;
	if (ret_description)
		*ret_description = image_shortname_description(res);
	return 0;
}

int image_pull_list_tags(const char *input, const struct image_pull_opts *o, char **ret_repo,
			 char ***ret_tags, struct sk_error **err)
{
	_cleanup_image_reference_ struct image_reference *typed = NULL;
	int r = image_reference_parse_unnormalized(input, &typed, err);
	if (r < 0)
		return r;
	if (typed->tag || typed->digest)
		return sk_err_invalid(err, "tag can't be used with --all-tags/-a");
	struct image_pull_source *srcs = NULL;
	size_t n = 0;
	r = image_pull_sources(input, o, &srcs, &n, NULL, err);
	if (r < 0)
		return r;
	_cleanup_image_reference_ struct image_reference *ref = NULL, *named = NULL;
	r = image_reference_parse(srcs[0].pull_ref, &ref, err);
	if (r >= 0)
		r = image_reference_parse(srcs[0].name, &named, err);
	_cleanup_registry_client_ struct registry_client *c = NULL;
	struct registry_opts ro = { .insecure = srcs[0].insecure,
				    .authfile = o->authfile,
				    .cert_dir = o->cert_dir,
				    .creds = o->creds };
	if (r >= 0)
		r = registry_client_new(ref->domain, &ro, &c, err);
	if (r >= 0)
		r = registry_tags_list(c, ref->path, 0, 0, ret_tags, err);
	if (r >= 0)
		*ret_repo = image_reference_name(named);
	image_pull_sources_free(srcs, n);
	return r;
}
