/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp (ctr/cp.h): resolve both sides in their trees, decide where the copy goes (docker's
 * rules), then stream a tar from one side into the other. A copy between two trees runs the
 * tar writer in a thread feeding a pipe that this thread extracts from.
 */
#include "config/userns.h"
#include "ctr/cp.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/cp-tar.h"
#include "ctr/start-internal.h"
#include "ctr/userns.h"
#include "state/images.h"
#include "store/mount.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/xalloc.h"

/* Symlinks followed at the end of a destination path before ELOOP, as the kernel's limit. */
#define CP_MAX_LINKS 40

/* ---- the rules ---- */

bool ctr_cp_path_is_contents(const char *path)
{
	size_t n = strlen(path);
	return streq(path, ".") || (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/');
}

bool ctr_cp_path_has_slash(const char *path)
{
	size_t n = strlen(path);
	return n > 0 && path[n - 1] == '/';
}

void ctr_cp_plan_release(struct ctr_cp_plan *p)
{
	free(p->dir);
	free(p->name);
	*p = (struct ctr_cp_plan){ 0 };
}

/* The cleaned form of a path in a tree: relative to its root, "" for the root. */
static char *rel_of(const char *path)
{
	_cleanup_free_ char *abs = path[0] == '/' ? xstrdup(path) : xasprintf("/%s", path);
	char *rel = NULL;
	if (safe_path_clean(abs, &rel) < 0) /* cannot happen: a rooted path never climbs out */
		rel = xstrdup("");
	return rel;
}

static char *rel_dirname(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
}

static const char *rel_basename(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? slash + 1 : rel;
}

enum ctr_cp_verdict ctr_cp_plan_build(const char *src, bool src_is_dir, const char *dst,
				      const struct ctr_cp_target *t, struct ctr_cp_plan *ret)
{
	_cleanup_free_ char *s = rel_of(src);
	_cleanup_free_ char *d = rel_of(dst);

	if (t->exists && t->is_dir) {
		bool contents = src_is_dir && (ctr_cp_path_is_contents(src) || !s[0]);
		*ret = (struct ctr_cp_plan){
			.dir = TAKE_PTR(d),
			.name = xstrdup(contents ? "" : rel_basename(s)),
		};
		return CTR_CP_OK;
	}
	if (t->exists && src_is_dir)
		return CTR_CP_DIR_TO_FILE;
	if (!t->exists && (ctr_cp_path_has_slash(dst) || !t->parent_is_dir || !d[0]))
		return CTR_CP_DEST_MISSING;
	*ret = (struct ctr_cp_plan){
		.dir = rel_dirname(d),
		.name = xstrdup(rel_basename(d)),
	};
	return CTR_CP_OK;
}

/* ---- a container's root ---- */

static int rootfs_mount(struct ctr_ctx *x, const struct state_container *c, const char *target,
			struct sk_error **err)
{
	return ctr_userns_rootfs_mount(x, c, target, err);
}

static int proc_root_open(const struct state_container *c)
{
	if (!ctr_is_active(c) || c->pid <= 0)
		return -ESRCH;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", c->pid);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int ctr_rootfs_open(struct ctr_ctx *x, struct state_container *c, bool live, struct ctr_rootfs *ret,
		    struct sk_error **err)
{
	*ret = (struct ctr_rootfs){ .fd = -1, .lock_fd = -1 };
	if (live) {
		int fd = proc_root_open(c);
		if (fd >= 0) {
			ret->fd = fd;
			return 0;
		}
	}
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r >= 0)
		r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (live && (r = proc_root_open(c)) >= 0) {
		ret->fd = r;
		return 0;
	}
	_cleanup_free_ char *merged = ctr_rootfs_dir(x, c->id);
	/* With the lock held, the rootfs of a container that is not running is ours to mount;
	 * a mount left by a copy that was killed is taken over (and unmounted at the end). */
	bool started = ctr_is_active(c) || (c->state == STATE_CTR_CREATED && c->monitor_pid > 0);
	bool mounted = !started;
	if (!store_mount_is_mounted(merged)) {
		r = rootfs_mount(x, c, merged, err);
		if (r < 0)
			return r;
		mounted = true;
	}
	int fd = open(merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = sk_err_system(err, errno, "open %s: %s", merged, strerror(errno));
		if (mounted)
			store_layers_unmount(merged, NULL);
		return r;
	}
	ret->fd = fd;
	if (mounted) {
		ret->mounted = TAKE_PTR(merged);
		ret->lock_fd = TAKE_FD(lock);
	}
	return 0;
}

void ctr_rootfs_release(struct ctr_rootfs *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->mounted)
		store_layers_unmount(r->mounted, NULL);
	free(r->mounted);
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	*r = (struct ctr_rootfs){ .fd = -1, .lock_fd = -1 };
}

/* ---- one side of a copy ---- */

struct side {
	const struct ctr_cp_end *end;
	struct ctr_rootfs rootfs;
	bool own_rootfs;
	int root_fd;	/* the tree's root (the container's, or the host's "/") */
	char *abs;	/* the path made absolute in the tree */
	char *where;	/* "container NAME" or "the host" */
	bool stdio;	/* "-" */
	int item_fd;	/* source: O_PATH of what is copied */
	struct stat st; /* source: what it is */
	char *rel;	/* destination: cleaned, last symlink followed */
	struct ctr_cp_target target;
};

static void side_release(struct side *s)
{
	if (s->own_rootfs)
		ctr_rootfs_release(&s->rootfs);
	else if (!s->end->ctr && s->root_fd >= 0)
		close(s->root_fd);
	if (s->item_fd >= 0)
		close(s->item_fd);
	free(s->abs);
	free(s->where);
	free(s->rel);
}

/* strerror, lowercase as podman's (Go's) messages are. */
static const char *errno_text(int e, char *buf, size_t size)
{
	const char *s = strerror(e < 0 ? -e : e);
	snprintf(buf, size, "%c%s", tolower((unsigned char)s[0]), s + 1);
	return buf;
}

static int not_found(const struct side *s, int e, struct sk_error **err)
{
	char buf[128];
	return sk_error_set(err, SK_ERR_NOTFOUND, e < 0 ? -e : e,
			    "\"%s\" could not be found on %s: %s", s->end->path, s->where,
			    errno_text(e, buf, sizeof(buf)));
}

/* A container's working directory, where its relative paths start. */
static char *ctr_workdir(const struct state_container *c)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	const char *w = sk_json_str(sk_json_path(doc, "Config"), "WorkingDir");
	return xstrdup(isempty(w) ? "/" : w);
}

static int side_open(struct ctr_ctx *x, struct side *s, const struct ctr_cp_end *end,
		     const struct side *other, struct sk_error **err)
{
	*s = (struct side){ .end = end, .root_fd = -1, .item_fd = -1 };
	s->stdio = !end->ctr && streq(end->path, "-");
	if (s->stdio)
		return 0;
	if (end->ctr) {
		s->where = xasprintf("container %s", end->ctr_name);
		if (other && other->end->ctr && streq(other->end->ctr->id, end->ctr->id)) {
			s->root_fd = other->root_fd; /* the same container: its lock is held once */
		} else {
			int r = ctr_rootfs_open(x, end->ctr, true, &s->rootfs, err);
			if (r < 0)
				return r;
			s->own_rootfs = true;
			s->root_fd = s->rootfs.fd;
		}
		_cleanup_free_ char *wd = ctr_workdir(end->ctr);
		s->abs = end->path[0] == '/' ? xstrdup(end->path) : path_join(wd, end->path);
		return 0;
	}
	s->where = xstrdup("the host");
	s->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0)
		return sk_err_system(err, errno, "open /: %s", strerror(errno));
	if (end->path[0] == '/') {
		s->abs = xstrdup(end->path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return sk_err_system(err, errno, "getcwd: %s", strerror(errno));
		s->abs = path_join(cwd, end->path);
	}
	return 0;
}

/* The source: its last component followed only with -L or a trailing "/" or "/.". */
static int src_resolve(struct side *s, bool follow_link, struct sk_error **err)
{
	_cleanup_free_ char *rel = rel_of(s->abs);
	bool follow = follow_link || ctr_cp_path_has_slash(s->end->path) ||
		      ctr_cp_path_is_contents(s->end->path);
	int fd;
	if (follow || !rel[0]) {
		fd = safe_path_open(s->root_fd, rel, O_PATH, 0);
	} else {
		_cleanup_free_ char *parent = rel_dirname(rel);
		_cleanup_close_ int pfd =
			safe_path_open(s->root_fd, parent, O_PATH | O_DIRECTORY, 0);
		fd = pfd < 0 ? pfd
			     : openat(pfd, rel_basename(rel), O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (pfd >= 0 && fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return not_found(s, fd, err);
	s->item_fd = fd;
	if (fstat(fd, &s->st) < 0)
		return not_found(s, -errno, err);
	if (ctr_cp_path_has_slash(s->end->path) && !S_ISDIR(s->st.st_mode))
		return not_found(s, -ENOTDIR, err);
	s->rel = TAKE_PTR(rel);
	return 0;
}

/* Follow the destination's last component while it is a symlink (the rest is resolved by
 * every open), then look at what is there. */
static int dst_resolve(struct side *s, struct sk_error **err)
{
	_cleanup_free_ char *rel = rel_of(s->abs);
	for (int i = 0; rel[0]; i++) {
		if (i == CP_MAX_LINKS)
			return not_found(s, -ELOOP, err);
		_cleanup_free_ char *parent = rel_dirname(rel);
		_cleanup_close_ int pfd =
			safe_path_open(s->root_fd, parent, O_PATH | O_DIRECTORY, 0);
		struct stat st;
		if (pfd < 0 || fstatat(pfd, rel_basename(rel), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISLNK(st.st_mode))
			break;
		char target[PATH_MAX];
		ssize_t n = readlinkat(pfd, rel_basename(rel), target, sizeof(target) - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		_cleanup_free_ char *next =
			target[0] == '/' ? xstrdup(target) : xasprintf("/%s/%s", parent, target);
		free(rel);
		rel = rel_of(next);
	}
	_cleanup_close_ int fd = safe_path_open(s->root_fd, rel, O_PATH, 0);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) >= 0) {
		s->target.exists = true;
		s->target.is_dir = S_ISDIR(st.st_mode);
		if (!s->end->ctr && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			return sk_err_invalid(
				err,
				"invalid destination: \"%s\" must be a directory or a "
				"regular file",
				s->end->path);
	} else if (fd < 0 && fd != -ENOENT) {
		return not_found(s, fd, err);
	} else {
		_cleanup_free_ char *parent = rel_dirname(rel);
		_cleanup_close_ int pfd =
			safe_path_open(s->root_fd, parent, O_PATH | O_DIRECTORY, 0);
		s->target.parent_is_dir = pfd >= 0;
	}
	s->rel = TAKE_PTR(rel);
	return 0;
}

/* ---- moving the bytes ---- */

struct tar_job {
	int item_fd;
	const char *name;
	const char *shown;
	int out_fd;
	int r;
	struct sk_error *err;
};

static void *tar_job_run(void *data)
{
	struct tar_job *j = data;
	sigset_t set;
	/* a reader that gave up makes our writes fail with EPIPE instead of killing selkie */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	j->r = ctr_cp_tar_write(j->item_fd, j->name, j->out_fd, j->shown, &j->err);
	close(j->out_fd);
	return NULL;
}

/* The item written as a tar by a thread, extracted here. */
static int transfer(int item_fd, const char *name, const char *shown,
		    const struct ctr_cp_extract_opts *eo, struct sk_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "pipe: %s", strerror(errno));
	struct tar_job job = { .item_fd = item_fd, .name = name, .shown = shown, .out_fd = p[1] };
	pthread_t t;
	int e = pthread_create(&t, NULL, tar_job_run, &job);
	if (e != 0) {
		close(p[0]);
		close(p[1]);
		return sk_err_system(err, e, "start a thread: %s", strerror(e));
	}
	struct sk_error *xerr = NULL;
	int r = ctr_cp_tar_extract(p[0], eo, &xerr);
	char buf[4096];
	while (r >= 0 && RETRY_EINTR(read(p[0], buf, sizeof(buf))) > 0)
		; /* the writer's last padding */
	close(p[0]);
	pthread_join(t, NULL);
	if (job.r < 0 && (r >= 0 || job.err->errnum != EPIPE)) {
		sk_error_free(xerr);
		*err = job.err;
		return job.r;
	}
	sk_error_free(job.err);
	if (r < 0)
		*err = xerr;
	return r;
}

/* The source's name in a tar on stdout: "" for a directory's content ("dir/." or "/"). */
static const char *src_name(const struct side *src)
{
	if (S_ISDIR(src->st.st_mode) && ctr_cp_path_is_contents(src->end->path))
		return "";
	return rel_basename(src->rel);
}

static int plan_fail(enum ctr_cp_verdict v, const struct side *dst, struct sk_error **err)
{
	if (v == CTR_CP_DIR_TO_FILE)
		return sk_err_invalid(err, "destination must be a directory when copying a "
					   "directory");
	return not_found(dst, -ENOENT, err);
}

/* Where the tar goes in: the container's tree as is; on the host the destination directory
 * itself is the root, so that no symlink the tar brings leads anywhere else. */
static int extract_opts(const struct side *dst, const char *dir, const struct ctr_cp_opts *o,
			struct ctr_cp_extract_opts *eo, int *ret_fd, struct sk_error **err)
{
	*ret_fd = -1;
	*eo = (struct ctr_cp_extract_opts){
		.root_fd = dst->root_fd,
		.dir = dir,
		.overwrite = o->overwrite,
	};
	if (dst->end->ctr) {
		eo->chown = !o->archive;
		eo->devices = !config_userns_rootless();
		/* The container's root, as it is outside its own user namespace. */
		const char *cfg = dst->end->ctr->config;
		_cleanup_json_ json_t *doc = cfg ? sk_json_parse(cfg, strlen(cfg), NULL) : NULL;
		_cleanup_(ctr_userns_done) struct ctr_userns u = { 0 };
		if (doc && ctr_userns_load(doc, &u, err) < 0)
			return sk_error_ret(*err);
		eo->uid = ctr_userns_host_uid(&u, 0);
		eo->gid = ctr_userns_host_gid(&u, 0);
		return 0;
	}
	int fd = safe_path_open(dst->root_fd, dir, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return not_found(dst, fd, err);
	*ret_fd = fd;
	eo->root_fd = fd;
	eo->dir = "";
	eo->chown = true;
	eo->uid = geteuid();
	eo->gid = getegid();
	return 0;
}

static int copy_from_stdin(const struct side *src, struct side *dst, const struct ctr_cp_opts *o,
			   struct sk_error **err)
{
	int r = dst_resolve(dst, err);
	if (r < 0)
		return r;
	if (!dst->target.exists && ctr_cp_path_has_slash(dst->end->path))
		return not_found(dst, -ENOENT, err);
	if (!dst->target.is_dir)
		return sk_err_invalid(err, "destination must be a directory when copying from "
					   "stdin");
	struct ctr_cp_extract_opts eo;
	_cleanup_close_ int fd = -1;
	r = extract_opts(dst, dst->rel, o, &eo, &fd, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *shown = xasprintf("/%s", dst->rel);
	eo.shown_dir = shown;
	r = ctr_cp_tar_extract(src->end->stdio_fd, &eo, err);
	if (r < 0 && (*err)->kind == SK_ERR_INVALID && strstr((*err)->msg, "(compressed) tar")) {
		sk_error_free(TAKE_PTR(*err));
		return sk_err_invalid(err, "source must be a (compressed) tar archive when copying "
					   "from stdin");
	}
	return r;
}

static int copy_tree(const struct side *src, struct side *dst, const struct ctr_cp_opts *o,
		     struct sk_error **err)
{
	if (dst->stdio)
		return ctr_cp_tar_write(src->item_fd, src_name(src), dst->end->stdio_fd,
					src->end->path, err);
	int r = dst_resolve(dst, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dst_abs = xasprintf("/%s", dst->rel);
	struct ctr_cp_plan plan = { 0 };
	enum ctr_cp_verdict v =
		ctr_cp_plan_build(src->abs, S_ISDIR(src->st.st_mode), dst_abs, &dst->target, &plan);
	if (v == CTR_CP_OK && ctr_cp_path_has_slash(dst->end->path) && !dst->target.exists) {
		ctr_cp_plan_release(&plan);
		v = CTR_CP_DEST_MISSING;
	}
	if (v != CTR_CP_OK)
		return plan_fail(v, dst, err);
	struct ctr_cp_extract_opts eo;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *shown = xasprintf("/%s", plan.dir);
	r = extract_opts(dst, plan.dir, o, &eo, &fd, err);
	eo.shown_dir = shown;
	if (r >= 0)
		r = transfer(src->item_fd, plan.name, src->end->path, &eo, err);
	ctr_cp_plan_release(&plan);
	return r;
}

int ctr_cp(struct ctr_ctx *x, const struct ctr_cp_end *src, const struct ctr_cp_end *dst,
	   const struct ctr_cp_opts *o, struct sk_error **err)
{
	if (!src->ctr && !dst->ctr)
		return sk_err_invalid(err, "name or ID cannot be empty");
	struct side s, d;
	int r = side_open(x, &s, src, NULL, err);
	if (r >= 0)
		r = side_open(x, &d, dst, &s, err);
	else
		d = (struct side){ .end = dst, .root_fd = -1, .item_fd = -1 };
	if (r >= 0 && !s.stdio)
		r = src_resolve(&s, o->follow_link, err);
	if (r >= 0)
		r = s.stdio ? copy_from_stdin(&s, &d, o, err) : copy_tree(&s, &d, o, err);
	side_release(&d);
	side_release(&s);
	return r;
}
