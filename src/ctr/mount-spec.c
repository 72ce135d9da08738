/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/mount-spec.h"
#include "ctr/mount-internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "util/fs.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *const mount_type_names[_CTR_MOUNT_TYPE_MAX] = {
	[CTR_MOUNT_BIND] = "bind",
	[CTR_MOUNT_VOLUME] = "volume",
	[CTR_MOUNT_TMPFS] = "tmpfs",
};

const char *ctr_mount_type_to_string(enum ctr_mount_type t)
{
	if (t < 0 || t >= _CTR_MOUNT_TYPE_MAX)
		return NULL;
	return mount_type_names[t];
}

enum ctr_mount_type ctr_mount_type_from_string(const char *s)
{
	for (int i = 0; s && i < _CTR_MOUNT_TYPE_MAX; i++)
		if (streq(s, mount_type_names[i]))
			return (enum ctr_mount_type)i;
	return _CTR_MOUNT_TYPE_INVALID;
}

void ctr_mount_clear(struct ctr_mount *m)
{
	if (!m)
		return;
	free(m->source);
	free(m->destination);
	strv_free(m->options);
	strv_free(m->volume_options);
	*m = (struct ctr_mount){ 0 };
}

void ctr_mount_list_clear(struct ctr_mount_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		ctr_mount_clear(&l->items[i]);
	free(l->items);
	*l = (struct ctr_mount_list){ 0 };
}

/* Lexical cleaning of an absolute path: "/a//b/./../c/" is "/a/c". */
static char *path_clean_abs(const char *path)
{
	_cleanup_strv_free_ char **parts = strv_split(path, "/", true);
	_cleanup_strv_free_ char **out = strv_new(NULL);
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	STRV_FOREACH (p, parts) {
		if (streq(*p, "."))
			continue;
		if (streq(*p, "..")) {
			if (n > 0) {
				n--;
				free(out[n]);
				out[n] = NULL;
			}
			continue;
		}
		strv_push(&out, *p);
		n++;
	}
	STRV_FOREACH (p, out) {
		strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, *p);
	}
	if (sb.len == 0)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb, NULL);
}

int ctr_mount_dest_clean(const char *path, char **ret, struct sk_error **err)
{
	if (isempty(path) || path[0] != '/')
		return sk_err_invalid(err,
				      "invalid container path \"%s\", must be an absolute path",
				      path ? path : "");
	*ret = path_clean_abs(path);
	return 0;
}

/* A host path made absolute against the working directory, then cleaned. */
int ctr_mount_host_path_absolute(const char *path, char **ret, struct sk_error **err)
{
	char cwd[PATH_MAX];
	_cleanup_free_ char *joined = NULL;

	if (path[0] == '/') {
		*ret = path_clean_abs(path);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return sk_err_system(err, errno, "resolving \"%s\": %s", path, strerror(errno));
	joined = path_join(cwd, path);
	*ret = path_clean_abs(joined);
	return 0;
}

int ctr_mount_volume_name_check(const char *name, struct sk_error **err)
{
	bool ok = isalnum((unsigned char)name[0]);

	for (const char *p = name + 1; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("_.-", *p);
	if (!ok)
		return sk_err_invalid(
			err,
			"creating named volume \"%s\": running volume create option: "
			"names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
			name);
	return 0;
}

/* Options of which at most one may be given, as podman's ValidateVolumeOpts counts them. */
struct opt_class {
	const char *names[9];
	const char *what;
};

static const struct opt_class volume_opt_classes[] = {
	{ { "noexec", "exec" }, "'noexec' or 'exec'" },
	{ { "nodev", "dev" }, "'nodev' or 'dev'" },
	{ { "nosuid", "suid" }, "'nosuid' or 'suid'" },
	{ { "rbind", "bind" }, "'rbind' or 'bind'" },
	{ { "ro", "rw" }, "'rw' or 'ro'" },
	{ { "z", "Z", "O" }, "'z', 'Z', or 'O'" },
	{ { "shared", "rshared", "private", "rprivate", "slave", "rslave", "unbindable",
	    "runbindable" },
	  "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'" },
	{ { "copy", "nocopy" }, "'copy' or 'nocopy'" },
	{ { "U" }, "'U'" },
	{ { "idmap" }, "'idmap'" },
	{ { "notmpcopyup", "tmpcopyup" }, "'notmpcopyup' or 'tmpcopyup'" },
	{ { "upperdir" }, "'upperdir'" },
	{ { "workdir" }, "'workdir'" },
};

/* "idmap" may carry "=VALUE"; "upperdir" and "workdir" (for O) must. */
static bool opt_name_matches(const char *opt, const char *name, size_t klen)
{
	bool may = streq(name, "idmap");
	bool must = streq(name, "upperdir") || streq(name, "workdir");

	if (!may && !must)
		return streq(opt, name);
	if (strlen(name) != klen || !strneq(opt, name, klen))
		return false;
	return must ? opt[klen] == '=' && opt[klen + 1] != '\0' : true;
}

/* The class index of opt, or -1. */
static int opt_class_of(const struct opt_class *classes, size_t n, const char *opt)
{
	size_t klen = strcspn(opt, "=");

	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < ELEMENTSOF(classes[c].names) && classes[c].names[i]; i++)
			if (opt_name_matches(opt, classes[c].names[i], klen))
				return (int)c;
	return -1;
}

static int opts_conflict_error(char *const *opts, const char *what, struct sk_error **err)
{
	_cleanup_free_ char *joined = strv_join(opts, ", ");
	return sk_err_invalid(err, "invalid options \"%s\", can only specify 1 %s option", joined,
			      what);
}

int ctr_mount_opts_validate(char *const *opts, struct sk_error **err)
{
	unsigned seen[ELEMENTSOF(volume_opt_classes)] = { 0 };

	STRV_FOREACH (o, opts) {
		int c = opt_class_of(volume_opt_classes, ELEMENTSOF(volume_opt_classes), *o);
		if (c < 0)
			return sk_err_invalid(err, "invalid option type \"%s\"", *o);
		if (++seen[c] > 1)
			return opts_conflict_error(opts, volume_opt_classes[c].what, err);
	}
	return 0;
}

/* Options understood by the tmpfs file system (and the generic mount flags). */
static const char *const tmpfs_plain_opts[] = {
	"ro",	   "rw",       "noexec",      "exec",	     "nosuid",	   "suid",
	"nodev",   "dev",      "sync",	      "async",	     "dirsync",	   "noatime",
	"atime",   "relatime", "norelatime",  "strictatime", "nodiratime", "diratime",
	"mand",	   "nomand",   "tmpcopyup",   "notmpcopyup", "shared",	   "rshared",
	"private", "rprivate", "slave",	      "rslave",	     "unbindable", "runbindable",
	"U",	   "chown",    "nosymfollow", "symfollow",   "rbind",	   "bind",
};
static const char *const tmpfs_value_opts[] = { "size", "mode",	     "uid",
						"gid",	"nr_inodes", "nr_blocks" };

static bool tmpfs_opt_known(const char *opt)
{
	const char *eq = strchr(opt, '=');

	if (eq) {
		for (size_t i = 0; i < ELEMENTSOF(tmpfs_value_opts); i++)
			if (strlen(tmpfs_value_opts[i]) == (size_t)(eq - opt) &&
			    strneq(opt, tmpfs_value_opts[i], (size_t)(eq - opt)))
				return eq[1] != '\0';
		return false;
	}
	for (size_t i = 0; i < ELEMENTSOF(tmpfs_plain_opts); i++)
		if (streq(opt, tmpfs_plain_opts[i]))
			return true;
	return false;
}

static int tmpfs_opts_validate(char **opts, struct sk_error **err)
{
	STRV_FOREACH (o, opts)
		if (!tmpfs_opt_known(*o))
			return sk_err_invalid(
				err, "unknown mount option \"%s\": invalid mount option", *o);
	return 0;
}

/* Add the first of a pair of defaults when neither of them is given. */
void ctr_mount_tmpfs_defaults(char ***opts)
{
	static const char *const pairs[][2] = {
		{ "rw", "ro" }, { "noexec", "exec" }, { "nosuid", "suid" }, { "nodev", "dev" }
	};

	for (size_t i = 0; i < ELEMENTSOF(pairs); i++)
		if (!strv_contains(*opts, pairs[i][0]) && !strv_contains(*opts, pairs[i][1]))
			strv_push(opts, pairs[i][0]);
}

void ctr_mount_flags_from_opts(struct ctr_mount *m)
{
	m->readonly = strv_contains(m->options, "ro");
	if (strv_contains(m->options, "nocopy"))
		m->nocopy = true;
}

/* The source of a -v: "" refused, "/..." and "./..." host paths, anything else a volume. */
static int volume_source_set(struct ctr_mount *m, const char *src, struct sk_error **err)
{
	if (src[0] == '/' || src[0] == '.') {
		m->type = CTR_MOUNT_BIND;
		return ctr_mount_host_path_absolute(src, &m->source, err);
	}
	m->type = CTR_MOUNT_VOLUME;
	if (ctr_mount_volume_name_check(src, err) < 0)
		return -EINVAL;
	m->source = xstrdup(src);
	return 0;
}

int ctr_mount_volume_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **parts = strv_split(arg, ":", false);
	_cleanup_(ctr_mount_clear) struct ctr_mount m = { .type = CTR_MOUNT_VOLUME };
	size_t n = strv_length(parts);
	const char *dst = n == 1 ? parts[0] : parts[1];
	int r;

	if (n < 1 || n > 3)
		return sk_err_invalid(err,
				      "%s: incorrect volume format, should be "
				      "[host-dir:]ctr-dir[:option]",
				      arg);
	if (n > 1 && *parts[0] == '\0')
		return sk_err_invalid(err, "host directory cannot be empty");
	if (*dst == '\0')
		return sk_err_invalid(err, "container directory cannot be empty");
	r = ctr_mount_dest_clean(dst, &m.destination, err);
	if (r < 0)
		return r;
	m.options = strv_split(n == 3 ? parts[2] : "", ",", true);
	r = ctr_mount_opts_validate(m.options, err);
	if (r < 0)
		return r;
	if (n == 1)
		m.anonymous = true;
	else if ((r = volume_source_set(&m, parts[0], err)) < 0)
		return r;
	ctr_mount_flags_from_opts(&m);
	*ret = m;
	m = (struct ctr_mount){ 0 };
	return 0;
}

int ctr_mount_tmpfs_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err)
{
	_cleanup_(ctr_mount_clear) struct ctr_mount m = { .type = CTR_MOUNT_TMPFS };
	_cleanup_free_ char *dst = NULL;
	const char *colon = strchr(arg, ':');
	int r;

	dst = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	if (*dst == '\0')
		return sk_err_invalid(err, "container directory cannot be empty");
	r = ctr_mount_dest_clean(dst, &m.destination, err);
	if (r < 0)
		return r;
	m.options = strv_split(colon ? colon + 1 : "", ",", true);
	r = tmpfs_opts_validate(m.options, err);
	if (r < 0)
		return r;
	ctr_mount_tmpfs_defaults(&m.options);
	ctr_mount_flags_from_opts(&m);
	*ret = m;
	m = (struct ctr_mount){ 0 };
	return 0;
}

const struct ctr_mount *ctr_mount_list_find(const struct ctr_mount_list *l, const char *dst)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (streq(l->items[i].destination, dst))
			return &l->items[i];
	return NULL;
}

int ctr_mount_list_take(struct ctr_mount_list *l, struct ctr_mount *m, struct sk_error **err)
{
	if (ctr_mount_list_find(l, m->destination)) {
		int r = sk_err_invalid(err, "%s: duplicate mount destination", m->destination);
		ctr_mount_clear(m);
		return r;
	}
	l->items = xreallocarray(l->items, l->n + 1, sizeof(*l->items));
	l->items[l->n++] = *m;
	*m = (struct ctr_mount){ 0 };
	return 0;
}
