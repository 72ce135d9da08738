/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/user-resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "store/safe-path.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define ID_MAX 4294967294ULL /* (uid_t)-1 is "no id" */

typedef bool (*user_line_fn)(char **fields, size_t n, void *userdata);

/* Call fn with the ':'-separated fields of each line of buf until it returns true. */
static void user_db_foreach(const char *buf, user_line_fn fn, void *userdata)
{
	const char *p = buf;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 0 && len <= CTR_USER_LINE_MAX && *p != '#') {
			_cleanup_free_ char *line = xstrndup(p, len);
			_cleanup_strv_free_ char **f = strv_split(line, ":", false);
			if (fn(f, strv_length(f), userdata))
				return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

static int user_id_parse(const char *s, uint32_t *ret)
{
	uint64_t v = 0;

	if (isempty(s) || parse_uint64(s, &v) < 0 || v > ID_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

struct pw_match {
	const char *name; /* match by name unless NULL */
	uid_t uid;
	struct ctr_user *user;
	bool found;
};

static bool pw_match_line(char **f, size_t n, void *userdata)
{
	struct pw_match *m = userdata;
	uint32_t uid = 0, gid = 0;

	if (n < 4 || user_id_parse(f[2], &uid) < 0 || user_id_parse(f[3], &gid) < 0)
		return false;
	if (m->name ? !streq(f[0], m->name) : uid != m->uid)
		return false;
	m->user->uid = uid;
	m->user->gid = gid;
	m->user->name = xstrdup(f[0]);
	m->user->home = xstrdup(n > 5 && *f[5] ? f[5] : "/");
	m->found = true;
	return true;
}

static int user_lookup(const char *passwd, const char *spec, struct ctr_user *u,
		       struct sk_error **err)
{
	uint32_t uid = 0;
	bool numeric = user_id_parse(spec, &uid) == 0;
	struct pw_match m = { .name = numeric ? NULL : spec, .uid = uid, .user = u };

	user_db_foreach(passwd, pw_match_line, &m);
	if (m.found)
		return 0;
	if (!numeric)
		return sk_err_notfound(
			err, "unable to find user %s: no matching entries in passwd file", spec);
	u->uid = uid;
	u->gid = 0;
	u->home = xstrdup("/");
	return 0;
}

struct gr_match {
	const char *name;
	gid_t gid;
	bool found;
};

static bool gr_match_line(char **f, size_t n, void *userdata)
{
	struct gr_match *m = userdata;
	uint32_t gid = 0;

	if (n < 3 || user_id_parse(f[2], &gid) < 0 || !streq(f[0], m->name))
		return false;
	m->gid = gid;
	m->found = true;
	return true;
}

static int group_lookup(const char *group, const char *spec, gid_t *ret, struct sk_error **err)
{
	uint32_t gid = 0;
	struct gr_match m = { .name = spec };

	if (user_id_parse(spec, &gid) == 0) {
		*ret = gid;
		return 0;
	}
	user_db_foreach(group, gr_match_line, &m);
	if (!m.found)
		return sk_err_notfound(
			err, "unable to find group %s: no matching entries in group file", spec);
	*ret = m.gid;
	return 0;
}

static int user_group_add(struct ctr_user *u, gid_t gid, struct sk_error **err)
{
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return 0;
	if (u->n_groups >= CTR_USER_GROUPS_MAX)
		return sk_err_invalid(err, "supplementary groups: more than %d",
				      CTR_USER_GROUPS_MAX);
	u->groups = xreallocarray(u->groups, u->n_groups + 1, sizeof(gid_t));
	u->groups[u->n_groups++] = gid;
	return 0;
}

struct member_scan {
	struct ctr_user *user;
	struct sk_error **err;
	int r;
};

static bool member_scan_line(char **f, size_t n, void *userdata)
{
	struct member_scan *s = userdata;
	uint32_t gid = 0;
	_cleanup_strv_free_ char **members = NULL;

	if (n < 4 || user_id_parse(f[2], &gid) < 0)
		return false;
	members = strv_split(f[3], ",", true);
	STRV_FOREACH (mb, members)
		if (streq(*mb, s->user->name)) {
			s->r = user_group_add(s->user, gid, s->err);
			return s->r < 0;
		}
	return false;
}

static int user_group_add_all(struct ctr_user *u, const char *group, char *const *group_add,
			      struct sk_error **err)
{
	gid_t gid = 0;
	int r;

	if (strv_contains(group_add, "keep-groups")) {
		if (strv_length(group_add) > 1)
			return sk_err_invalid(err, "the '--group-add keep-groups' option is not "
						   "allowed with any other --group-add options");
		u->keep_groups = true;
		return 0;
	}
	STRV_FOREACH (g, group_add) {
		if (isempty(*g))
			return sk_err_invalid(err,
					      "invalid group \"\": group name cannot be empty");
		r = group_lookup(group, *g, &gid, err);
		if (r < 0)
			return r;
		r = user_group_add(u, gid, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void ctr_user_done(struct ctr_user *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->home);
	free(u->groups);
	*u = (struct ctr_user){ 0 };
}

int ctr_user_resolve_buf(const char *passwd, const char *group, const char *spec,
			 char *const *group_add, struct ctr_user *ret, struct sk_error **err)
{
	_cleanup_(ctr_user_done) struct ctr_user u = { 0 };
	_cleanup_free_ char *uspec = NULL;
	const char *colon = spec ? strchr(spec, ':') : NULL;
	const char *gspec = colon ? colon + 1 : "";
	int r;

	uspec = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec ? spec : "");
	r = user_lookup(passwd, *uspec ? uspec : "0", &u, err);
	if (r < 0)
		return r;
	if (*gspec) {
		r = group_lookup(group, gspec, &u.gid, err);
	} else if (u.name) {
		struct member_scan s = { .user = &u, .err = err };
		user_db_foreach(group, member_scan_line, &s);
		r = s.r;
	}
	if (r < 0)
		return r;
	r = user_group_add_all(&u, group, group_add, err);
	if (r < 0)
		return r;
	*ret = u;
	u = (struct ctr_user){ 0 };
	return 0;
}

/* Read "/<path>" of the rootfs; a missing file gives *ret = NULL. */
static int user_file_read(int rootfs_fd, const char *path, char **ret, struct sk_error **err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t len = 0;
	int r;

	fd = safe_path_open(rootfs_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		*ret = NULL;
		return 0;
	}
	if (fd < 0)
		return sk_err_system(err, fd, "opening \"/%s\" in the container: %s", path,
				     strerror(-fd));
	if (fstat(fd, &st) < 0)
		return sk_err_system(err, errno, "reading \"/%s\" in the container: %s", path,
				     strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sk_err_invalid(err, "reading \"/%s\" in the container: not a regular file",
				      path);
	r = fs_read_fd(fd, CTR_USER_FILE_MAX, ret, &len);
	if (r == -EFBIG)
		return sk_err_invalid(err, "reading \"/%s\" in the container: larger than %u bytes",
				      path, CTR_USER_FILE_MAX);
	if (r < 0)
		return sk_err_system(err, r, "reading \"/%s\" in the container: %s", path,
				     strerror(-r));
	return 0;
}

int ctr_user_resolve(int rootfs_fd, const char *spec, char *const *group_add, struct ctr_user *ret,
		     struct sk_error **err)
{
	_cleanup_free_ char *passwd = NULL;
	_cleanup_free_ char *group = NULL;
	int r;

	r = user_file_read(rootfs_fd, "etc/passwd", &passwd, err);
	if (r < 0)
		return r;
	r = user_file_read(rootfs_fd, "etc/group", &group, err);
	if (r < 0)
		return r;
	return ctr_user_resolve_buf(passwd, group, spec, group_add, ret, err);
}
