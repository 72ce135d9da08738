/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's environment from `-e`, `--env-file` and `--env-host`, as podman builds it:
 * image Env < host environment (--env-host) < env files (in order) < -e (in order), a later
 * entry replacing an earlier one of the same name in place.
 *
 * `-e NAME=value` sets NAME; `-e NAME` copies NAME from the host environment and is dropped
 * when the host does not have it; `-e 'PREFIX*'` copies every host variable starting with
 * PREFIX. Env files hold one such entry per line; blank lines and lines starting with '#' are
 * skipped, leading white space is dropped, values are taken verbatim (no quote processing).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Env files larger than this are refused. */
#define CTR_ENV_FILE_MAX (4u * 1024 * 1024)

struct ctr_env_opts {
	char *const *image_env; /* "NAME=value" entries from the image config */
	bool env_host;		/* --env-host */
	char *const *env_files; /* --env-file paths */
	char *const *env_args;	/* -e values */
	char *const *host_env;	/* the host environment; NULL means environ */
};

/* Set "NAME=value" in *env, replacing an entry of the same name in place. */
void ctr_env_set(char ***env, const char *entry);
/* The value of name in env, or NULL. */
const char *ctr_env_get(char *const *env, const char *name);

/* Apply one `-e` value (or one env-file line) to *env. */
int ctr_env_arg_apply(char ***env, const char *arg, char *const *host_env, struct sk_error **err);
/* Apply the contents of an env file (name is used in messages). */
int ctr_env_buf_apply(char ***env, const char *name, const char *buf, char *const *host_env,
		      struct sk_error **err);
/* Read and apply an env file. */
int ctr_env_file_apply(char ***env, const char *path, char *const *host_env, struct sk_error **err);

/* The merged environment as described above; *ret is written only on success. */
int ctr_env_build(const struct ctr_env_opts *opts, char ***ret, struct sk_error **err);
