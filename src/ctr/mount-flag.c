/* SPDX-License-Identifier: Apache-2.0 */
/* `--mount type=...,src=...,dst=...`: docker's CSV grammar, podman 4.3's keys and wording. */
#include "ctr/mount-spec.h"
#include "ctr/mount-internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define MOUNT_FORMAT_HINT                                                                          \
	"should be --mount type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>" \
	"[,options]"

/* Go's encoding/csv on one line: ',' separates fields, a field may be "quoted" with "" for
 * a literal quote inside. */
static int csv_field_quoted(const char **pp, const char *line, struct strbuf *sb,
			    struct sk_error **err)
{
	const char *p = *pp + 1;

	for (;;) {
		if (*p == '\0')
			return sk_err_invalid(err,
					      "parse error on line 1, column %zu: extraneous "
					      "or missing \" in quoted-field",
					      (size_t)(p - line) + 1);
		if (*p == '"' && p[1] == '"') {
			strbuf_addch(sb, '"');
			p += 2;
		} else if (*p == '"') {
			p++;
			break;
		} else {
			strbuf_addch(sb, *p++);
		}
	}
	if (*p != ',' && *p != '\0')
		return sk_err_invalid(err,
				      "parse error on line 1, column %zu: extraneous or "
				      "missing \" in quoted-field",
				      (size_t)(p - line) + 1);
	*pp = p;
	return 0;
}

static int csv_split(const char *line, char ***ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **fields = strv_new(NULL);
	const char *p = line;
	int r;

	for (;;) {
		struct strbuf sb = STRBUF_INIT;
		if (*p == '"') {
			r = csv_field_quoted(&p, line, &sb, err);
			if (r < 0) {
				strbuf_release(&sb);
				return r;
			}
		} else {
			size_t n = strcspn(p, ",\"");
			strbuf_add(&sb, p, n);
			p += n;
			if (*p == '"') {
				strbuf_release(&sb);
				return sk_err_invalid(err,
						      "parse error on line 1, column %zu: bare "
						      "\" in non-quoted-field",
						      (size_t)(p - line) + 1);
			}
		}
		strv_push_take(&fields, strbuf_detach(&sb, NULL));
		if (*p == '\0')
			break;
		p++; /* ',' */
	}
	*ret = TAKE_PTR(fields);
	return 0;
}

struct mount_build {
	struct ctr_mount m;
	char *src;
	char *dst;
};

#define KEY_IS(key, ...) key_is((key), (const char *const[]){ __VA_ARGS__, NULL })

static bool key_is(const char *key, const char *const *names)
{
	for (; *names; names++)
		if (streq(key, *names))
			return true;
	return false;
}

static int mount_arg_missing(const char *key, struct sk_error **err)
{
	return sk_err_invalid(err, "%s: must provide an argument for option", key);
}

static int mount_readonly_apply(struct mount_build *b, const char *key, const char *val,
				struct sk_error **err)
{
	bool on = true;

	if (val && parse_bool(val, &on) < 0)
		return sk_err_invalid(err,
				      "'readonly', 'ro', or 'rw' must be set to true or false, "
				      "instead received \"%s\": must provide an argument for "
				      "option",
				      val);
	if (streq(key, "rw"))
		on = !on;
	strv_push(&b->m.options, on ? "ro" : "rw");
	return 0;
}

/* Keys valid for more than one type; 1 when key is not one of them. */
static int mount_common_apply(struct mount_build *b, const char *key, const char *val,
			      struct sk_error **err)
{
	bool is_src = KEY_IS(key, "src", "source");

	if (is_src && b->m.type == CTR_MOUNT_TMPFS)
		return sk_err_invalid(err, "source is not supported with tmpfs mounts");
	if (is_src || KEY_IS(key, "target", "dst", "destination")) {
		if (isempty(val))
			return mount_arg_missing(key, err);
		free(is_src ? b->src : b->dst);
		*(is_src ? &b->src : &b->dst) = xstrdup(val);
		return 0;
	}
	if (KEY_IS(key, "ro", "readonly", "rw"))
		return mount_readonly_apply(b, key, val, err);
	if (!val &&
	    KEY_IS(key, "nosuid", "suid", "nodev", "dev", "noexec", "exec", "shared", "rshared",
		   "private", "rprivate", "slave", "rslave", "unbindable", "runbindable")) {
		strv_push(&b->m.options, key);
		return 0;
	}
	if (b->m.type != CTR_MOUNT_TMPFS && KEY_IS(key, "idmap")) {
		strv_pushf(&b->m.options, "idmap%s%s", val ? "=" : "", val ? val : "");
		return 0;
	}
	if (KEY_IS(key, "U", "chown")) {
		bool on = true;
		if (val && parse_bool(val, &on) < 0)
			return sk_err_invalid(err, "%s: invalid value \"%s\"", key, val);
		if (on)
			strv_push(&b->m.options, "U");
		return 0;
	}
	if (KEY_IS(key, "consistency"))
		return 0;
	return 1;
}

static int mount_bind_apply(struct mount_build *b, const char *key, const char *val,
			    struct sk_error **err)
{
	if (KEY_IS(key, "bind-propagation")) {
		if (isempty(val))
			return mount_arg_missing(key, err);
		strv_push(&b->m.options, val);
	} else if (!val && KEY_IS(key, "bind-nonrecursive")) {
		strv_push(&b->m.options, "bind");
	} else if (KEY_IS(key, "relabel")) {
		if (isempty(val))
			return mount_arg_missing(key, err);
		if (!streq(val, "shared") && !streq(val, "private"))
			return sk_err_invalid(err,
					      "relabel: invalid value \"%s\", must be "
					      "'shared' or 'private'",
					      val);
		strv_push(&b->m.options, streq(val, "shared") ? "z" : "Z");
	} else {
		return sk_err_invalid(err, "%s: invalid mount option", key);
	}
	return 0;
}

static int mount_volume_apply(struct mount_build *b, const char *key, const char *val,
			      struct sk_error **err)
{
	if (KEY_IS(key, "volume-opt")) {
		if (isempty(val))
			return mount_arg_missing(key, err);
		strv_push(&b->m.volume_options, val);
	} else if (!val && KEY_IS(key, "nocopy", "volume-nocopy", "copy")) {
		strv_push(&b->m.options, streq(key, "copy") ? "copy" : "nocopy");
	} else {
		return sk_err_invalid(err, "%s: invalid mount option", key);
	}
	return 0;
}

static int mount_tmpfs_apply(struct mount_build *b, const char *key, const char *val,
			     struct sk_error **err)
{
	uint64_t v = 0;

	if (KEY_IS(key, "tmpfs-size")) {
		if (isempty(val))
			return mount_arg_missing(key, err);
		if (parse_size(val, &v) < 0)
			return sk_err_invalid(err, "tmpfs-size: invalid size \"%s\"", val);
		strv_pushf(&b->m.options, "size=%" PRIu64, v);
	} else if (KEY_IS(key, "tmpfs-mode")) {
		char *end = NULL;
		if (isempty(val))
			return mount_arg_missing(key, err);
		errno = 0;
		v = strtoull(val, &end, 8);
		if (errno || *end || !isdigit((unsigned char)*val) || v > 07777)
			return sk_err_invalid(err, "tmpfs-mode: invalid mode \"%s\"", val);
		strv_pushf(&b->m.options, "mode=%04" PRIo64, v);
	} else if (!val && KEY_IS(key, "tmpcopyup", "notmpcopyup")) {
		strv_push(&b->m.options, key);
	} else {
		return sk_err_invalid(err, "%s: invalid mount option", key);
	}
	return 0;
}

static int mount_type_find(char *const *fields, enum ctr_mount_type *ret, struct sk_error **err)
{
	STRV_FOREACH (f, fields) {
		if (!strneq(*f, "type=", 5))
			continue;
		*ret = ctr_mount_type_from_string(*f + 5);
		if ((int)*ret < 0)
			return sk_err_invalid(err, "invalid filesystem type \"%s\"", *f + 5);
		return 0;
	}
	return sk_err_invalid(err, "incorrect mount format: " MOUNT_FORMAT_HINT);
}

static int mount_field_apply(struct mount_build *b, const char *field, struct sk_error **err)
{
	_cleanup_free_ char *key = xstrndup(field, strcspn(field, "="));
	const char *val = field[strlen(key)] == '=' ? field + strlen(key) + 1 : NULL;
	int r;

	if (streq(key, "type"))
		return 0;
	r = mount_common_apply(b, key, val, err);
	if (r <= 0)
		return r;
	switch (b->m.type) {
	case CTR_MOUNT_BIND:
		return mount_bind_apply(b, key, val, err);
	case CTR_MOUNT_VOLUME:
		return mount_volume_apply(b, key, val, err);
	default:
		return mount_tmpfs_apply(b, key, val, err);
	}
}

static int mount_build_finish(struct mount_build *b, struct sk_error **err)
{
	struct ctr_mount *m = &b->m;
	int r;

	if (!b->dst)
		return sk_err_invalid(err, "must set volume destination");
	r = ctr_mount_dest_clean(b->dst, &m->destination, err);
	if (r < 0)
		return r;
	if (m->type == CTR_MOUNT_TMPFS) {
		ctr_mount_tmpfs_defaults(&m->options);
	} else {
		r = ctr_mount_opts_validate(m->options, err);
		if (r < 0)
			return r;
	}
	if (m->type == CTR_MOUNT_BIND) {
		/* podman binds the destination's own path when no source is given */
		r = ctr_mount_host_path_absolute(b->src ? b->src : m->destination, &m->source, err);
	} else if (m->type == CTR_MOUNT_VOLUME && !b->src) {
		m->anonymous = true;
	} else if (m->type == CTR_MOUNT_VOLUME) {
		r = ctr_mount_volume_name_check(b->src, err);
		m->source = r < 0 ? NULL : xstrdup(b->src);
	}
	if (r < 0)
		return r;
	ctr_mount_flags_from_opts(m);
	return 0;
}

int ctr_mount_flag_parse(const char *arg, struct ctr_mount *ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **fields = NULL;
	struct mount_build b = { .m = { .type = CTR_MOUNT_BIND } };
	int r;

	r = csv_split(arg, &fields, err);
	if (r < 0)
		return r;
	r = mount_type_find(fields, &b.m.type, err);
	STRV_FOREACH (f, fields) {
		if (r < 0)
			break;
		r = mount_field_apply(&b, *f, err);
	}
	if (r >= 0)
		r = mount_build_finish(&b, err);
	free(b.src);
	free(b.dst);
	if (r < 0) {
		ctr_mount_clear(&b.m);
		return r;
	}
	*ret = b.m;
	return 0;
}
