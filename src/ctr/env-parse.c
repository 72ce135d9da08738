/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/env-parse.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

extern char **environ;

#define ENV_SPACES " \t\n\v\f\r"

static size_t env_name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

static int env_find(char *const *env, const char *name, size_t len)
{
	for (size_t i = 0; env && env[i]; i++)
		if (env_name_len(env[i]) == len && strneq(env[i], name, len))
			return (int)i;
	return -1;
}

void ctr_env_set(char ***env, const char *entry)
{
	int i = env_find(*env, entry, env_name_len(entry));

	if (i < 0) {
		strv_push(env, entry);
		return;
	}
	free((*env)[i]);
	(*env)[i] = xstrdup(entry);
}

const char *ctr_env_get(char *const *env, const char *name)
{
	int i = env_find(env, name, strlen(name));
	const char *eq;

	if (i < 0)
		return NULL;
	eq = strchr(env[i], '=');
	return eq ? eq + 1 : "";
}

static void env_copy_host(char ***env, const char *name, char *const *host_env)
{
	size_t len = strlen(name);
	bool prefix = len > 0 && name[len - 1] == '*';

	if (prefix)
		len--;
	STRV_FOREACH (h, host_env) {
		size_t hlen = env_name_len(*h);
		if (!strchr(*h, '=') || !strneq(*h, name, len))
			continue;
		if (prefix ? hlen >= len : hlen == len)
			ctr_env_set(env, *h);
	}
}

int ctr_env_arg_apply(char ***env, const char *arg, char *const *host_env, struct sk_error **err)
{
	_cleanup_free_ char *name = NULL;
	const char *eq;

	if (!host_env)
		host_env = environ;
	if (*arg == '\0')
		return 0;
	if (*arg == '=')
		return sk_err_invalid(err, "invalid environment variable: \"%s\"", arg);
	eq = strchr(arg, '=');
	arg += strspn(arg, ENV_SPACES);
	name = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	if (*name == '\0')
		return sk_err_invalid(err, "invalid environment variable: \"%s\"", arg);
	if (strpbrk(name, ENV_SPACES))
		return sk_err_invalid(err, "name \"%s\" has white spaces, poorly formatted name",
				      name);
	if (eq)
		ctr_env_set(env, arg);
	else
		env_copy_host(env, name, host_env);
	return 0;
}

int ctr_env_buf_apply(char ***env, const char *name, const char *buf, char *const *host_env,
		      struct sk_error **err)
{
	_cleanup_strv_free_ char **lines = strv_split(buf, "\n", true);
	int r;

	STRV_FOREACH (l, lines) {
		char *line = *l + strspn(*l, ENV_SPACES);
		size_t len = strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		r = ctr_env_arg_apply(env, line, host_env, err);
		if (r < 0)
			return sk_error_wrap(err, "parsing env file \"%s\"", name);
	}
	return 0;
}

static int env_file_read(const char *path, char **ret, struct sk_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	size_t len = 0;
	int r;

	if (fd < 0)
		return sk_err_system(err, errno, "parsing env file \"%s\": open %s: %s", path, path,
				     strerror_go(errno));
	if (fstat(fd, &st) < 0)
		return sk_err_system(err, errno, "parsing env file \"%s\": %s", path,
				     strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sk_err_invalid(err, "parsing env file \"%s\": not a regular file", path);
	r = fs_read_fd(fd, CTR_ENV_FILE_MAX, ret, &len);
	if (r == -EFBIG)
		return sk_err_invalid(err, "parsing env file \"%s\": file larger than %u bytes",
				      path, CTR_ENV_FILE_MAX);
	if (r < 0)
		return sk_err_system(err, r, "parsing env file \"%s\": %s", path, strerror(-r));
	if (strlen(*ret) != len) {
		free(TAKE_PTR(*ret));
		return sk_err_invalid(err, "parsing env file \"%s\": file holds a NUL byte", path);
	}
	return 0;
}

int ctr_env_file_apply(char ***env, const char *path, char *const *host_env, struct sk_error **err)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	r = env_file_read(path, &buf, err);
	if (r < 0)
		return r;
	return ctr_env_buf_apply(env, path, buf, host_env, err);
}

int ctr_env_build(const struct ctr_env_opts *opts, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **env = NULL;
	char *const *host_env = opts->host_env ? opts->host_env : environ;
	int r;

	STRV_FOREACH (e, opts->image_env)
		if (**e != '\0' && **e != '=')
			ctr_env_set(&env, *e);
	if (opts->env_host)
		STRV_FOREACH (e, host_env)
			if (strchr(*e, '=') && **e != '=')
				ctr_env_set(&env, *e);
	STRV_FOREACH (f, opts->env_files) {
		r = ctr_env_file_apply(&env, *f, host_env, err);
		if (r < 0)
			return r;
	}
	STRV_FOREACH (a, opts->env_args) {
		r = ctr_env_arg_apply(&env, *a, host_env, err);
		if (r < 0)
			return r;
	}
	if (!env)
		env = strv_new(NULL);
	*ret = TAKE_PTR(env);
	return 0;
}
