/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/passwd-entries.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "ctr/user-resolve.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool id_parse(const char *s, uint32_t *ret)
{
	uint64_t v;
	if (isempty(s) || parse_uint64(s, &v) < 0 || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Does a line of the passwd or group text have name (field 0) or ID id (field 2)? */
static bool db_has(const char *text, const char *name, const uint32_t *id)
{
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n", true);
	STRV_FOREACH (l, lines) {
		if ((*l)[0] == '#')
			continue;
		_cleanup_strv_free_ char **f = strv_split(*l, ":", false);
		uint32_t v;
		if (strv_length(f) < 3)
			continue;
		if ((name && streq(f[0], name)) || (id && id_parse(f[2], &v) && v == *id))
			return true;
	}
	return false;
}

static bool group_gid(const char *text, const char *name, uint32_t *ret)
{
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n", true);
	STRV_FOREACH (l, lines) {
		_cleanup_strv_free_ char **f = strv_split(*l, ":", false);
		if (strv_length(f) >= 3 && streq(f[0], name) && id_parse(f[2], ret))
			return true;
	}
	return false;
}

/* The user's home when it, or a directory above it, is mounted into the container. */
static const char *keep_id_home(const struct ctr_passwd_request *req)
{
	const char *home = req->keep_id.home;
	const char *wd = isempty(req->workdir) ? "/" : req->workdir;
	if (isempty(home) || home[0] != '/')
		return wd;
	_cleanup_free_ char *h = xstrdup(home);
	while (!streq(h, "/") && h[0]) {
		if (strv_contains(req->mount_destinations, h))
			return home;
		char *slash = strrchr(h, '/');
		if (slash == h)
			break;
		*slash = '\0';
	}
	return wd;
}

static int passwd_lines(const struct ctr_passwd_request *req, struct strbuf *sb,
			uint32_t *added_uid, struct sk_error **err)
{
	const struct ctr_passwd_user *k = &req->keep_id;
	if (k->name && k->uid != 0 && !db_has(req->passwd, NULL, &k->uid)) {
		strbuf_addf(sb, "%s:*:%u:%u:%s:%s:/bin/sh\n", k->name, k->uid, k->gid,
			    k->gecos ? k->gecos : "", keep_id_home(req));
		*added_uid = k->uid;
	}
	if (isempty(req->user))
		return 0;
	const char *colon = strchr(req->user, ':');
	_cleanup_free_ char *uspec =
		colon ? xstrndup(req->user, (size_t)(colon - req->user)) : xstrdup(req->user);
	uint32_t uid, gid = 0;
	if (!id_parse(uspec, &uid) || (*added_uid && uid == *added_uid) ||
	    db_has(req->passwd, uspec, &uid))
		return 0;
	if (colon && colon[1] && !id_parse(colon + 1, &gid) &&
	    !group_gid(req->group, colon + 1, &gid))
		return sk_err_notfound(err,
				       "unable to get gid %s from group file: no matching entries "
				       "in group file",
				       colon + 1);
	strbuf_addf(sb, "%u:*:%u:%u:container user:%s:/bin/sh\n", uid, uid, gid,
		    isempty(req->workdir) ? "/" : req->workdir);
	return 0;
}

static void group_lines(const struct ctr_passwd_request *req, struct strbuf *sb)
{
	const struct ctr_passwd_user *k = &req->keep_id;
	uint32_t added_gid = 0;
	if (k->name && k->gid != 0 && !db_has(req->group, k->group, &k->gid)) {
		strbuf_addf(sb, "%s:x:%u:%s\n", k->group ? k->group : k->name, k->gid, k->name);
		added_gid = k->gid;
	}
	const char *colon = req->user ? strchr(req->user, ':') : NULL;
	if (!colon)
		return;
	_cleanup_free_ char *uspec = xstrndup(req->user, (size_t)(colon - req->user));
	uint32_t uid, gid;
	if (!id_parse(uspec, &uid) || !id_parse(colon + 1, &gid) ||
	    (added_gid && gid == added_gid) || db_has(req->group, NULL, &gid))
		return;
	strbuf_addf(sb, "%u:x:%u:%u\n", gid, gid, uid);
}

int ctr_passwd_entries(const struct ctr_passwd_request *req, char **ret_passwd, char **ret_group,
		       struct sk_error **err)
{
	struct strbuf pw = STRBUF_INIT, gr = STRBUF_INIT;
	uint32_t added_uid = 0;
	strbuf_addstr(&pw, "");
	strbuf_addstr(&gr, "");
	if (req->passwd && passwd_lines(req, &pw, &added_uid, err) < 0) {
		strbuf_release(&pw);
		strbuf_release(&gr);
		return sk_error_ret(*err);
	}
	if (req->group)
		group_lines(req, &gr);
	*ret_passwd = strbuf_detach(&pw, NULL);
	*ret_group = strbuf_detach(&gr, NULL);
	return 0;
}

/* The image's file, NULL when it has none (or not a regular file: left alone). */
static int etc_read(int rootfs_fd, const char *path, char **ret, struct sk_error **err)
{
	*ret = NULL;
	_cleanup_close_ int fd =
		safe_path_open(rootfs_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return sk_err_system(err, fd < 0 ? fd : -errno, "open \"/%s\" in the container: %s",
				     path, strerror(fd < 0 ? -fd : errno));
	if (!S_ISREG(st.st_mode))
		return 0;
	int r = fs_read_fd(fd, CTR_USER_FILE_MAX, ret, NULL);
	if (r < 0)
		return sk_err_system(err, r, "read \"/%s\" in the container: %s", path,
				     strerror(-r));
	return 0;
}

static int etc_append(int rootfs_fd, const char *path, const char *old, const char *lines,
		      struct sk_error **err)
{
	if (isempty(lines))
		return 0;
	_cleanup_close_ int fd = safe_path_open(rootfs_fd, path, O_WRONLY | O_APPEND | O_NOCTTY, 0);
	int r = fd;
	if (fd >= 0 && old[0] && old[strlen(old) - 1] != '\n')
		r = fd_write_all(fd, "\n", 1);
	if (r >= 0)
		r = fd_write_all(fd, lines, strlen(lines));
	if (r < 0)
		return sk_err_system(err, r, "write \"/%s\" in the container: %s", path,
				     strerror(-r));
	return 0;
}

int ctr_passwd_entries_write(const json_t *doc, int rootfs_fd,
			     const struct ctr_passwd_user *keep_id, struct sk_error **err)
{
	const json_t *cfg = json_object_get(doc, "Config");
	_cleanup_strv_free_ char **dests = NULL;
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m)
		if (sk_json_str(m, "Destination"))
			strv_push(&dests, sk_json_str(m, "Destination"));
	/* A file the user mounts there is theirs. */
	bool own_passwd = strv_contains(dests, "/etc/passwd");
	bool own_group = strv_contains(dests, "/etc/group");
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	int r = own_passwd ? 0 : etc_read(rootfs_fd, "etc/passwd", &passwd, err);
	if (r >= 0 && !own_group)
		r = etc_read(rootfs_fd, "etc/group", &group, err);
	if (r < 0)
		return r;
	struct ctr_passwd_request req = {
		.passwd = passwd,
		.group = group,
		.user = sk_json_str(cfg, "User"),
		.workdir = sk_json_str(cfg, "WorkingDir"),
		.mount_destinations = dests,
	};
	if (keep_id)
		req.keep_id = *keep_id;
	_cleanup_free_ char *pw_lines = NULL, *gr_lines = NULL;
	r = ctr_passwd_entries(&req, &pw_lines, &gr_lines, err);
	if (r >= 0 && passwd)
		r = etc_append(rootfs_fd, "etc/passwd", passwd, pw_lines, err);
	if (r >= 0 && group)
		r = etc_append(rootfs_fd, "etc/group", group, gr_lines, err);
	return r;
}
