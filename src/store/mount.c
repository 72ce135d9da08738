/* SPDX-License-Identifier: Apache-2.0 */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/images.h"
#include "store/layer-store.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* overlayfs stacks at most this many lower layers (the kernel's OVL_MAX_STACK). */
#define OVERLAY_MAX_LOWERS 500

static bool option_safe(const char *path)
{
	return !strpbrk(path, ",:");
}

static int check_overlay_opts(const struct store_overlay_opts *o, struct sk_error **err)
{
	size_t n = strv_length(o->lowers);
	if (n == 0 && !o->upper_dir)
		return sk_err_invalid(err, "overlay mount: no layers");
	if (n > OVERLAY_MAX_LOWERS)
		return sk_err_invalid(err, "overlay mount: %zu layers: overlay stacks at most %d",
				      n, OVERLAY_MAX_LOWERS);
	if (!o->upper_dir != !o->work_dir)
		return sk_err_invalid(err, "overlay mount: an upper directory needs a work "
					   "directory and the other way round");
	STRV_FOREACH (l, o->lowers)
		if (isempty(*l) || !option_safe(*l) || strchr(*l, '/'))
			return sk_err_invalid(err, "overlay mount: bad layer link name '%s'", *l);
	const char *dirs[] = { o->upper_dir, o->work_dir };
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (dirs[i] && (dirs[i][0] != '/' || !option_safe(dirs[i])))
			return sk_err_invalid(err,
					      "overlay mount: '%s': not an absolute path without "
					      "',' or ':'",
					      dirs[i]);
	return 0;
}

char **store_overlay_lowers_build(const struct store_overlay_opts *o)
{
	char **v = NULL;
	for (size_t i = strv_length(o->lowers); i > 0; i--)
		strv_pushf(&v, "l/%s", o->lowers[i - 1]);
	if (!o->upper_dir && strv_length(v) == 1)
		strv_push(&v, STORE_OVERLAY_EMPTY_LOWER);
	return v;
}

int store_overlay_data_build(const struct store_overlay_opts *o, char **ret, struct sk_error **err)
{
	int r = check_overlay_opts(o, err);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **lowers = store_overlay_lowers_build(o);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (lowers) {
		_cleanup_free_ char *joined = strv_join(lowers, ":");
		strbuf_addf(&sb, "lowerdir=%s", joined);
	}
	if (o->upper_dir)
		strbuf_addf(&sb, "%supperdir=%s,workdir=%s,index=off", sb.len ? "," : "",
			    o->upper_dir, o->work_dir);
	if (o->userxattr)
		strbuf_addstr(&sb, ",userxattr");
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

/* What the forked child does; everything is prepared before the fork, so the child only makes
 * system calls. */
struct mount_job {
	int layers_fd;	 /* the child's working directory: <graph>/overlay */
	int target_fd;	 /* O_PATH of the mount point */
	char target[64]; /* "/proc/self/fd/N" for mount(2) */
	const char *data;
	char **lowers; /* for the new API: each "lowerdir+" */
	const char *upper_dir, *work_dir;
	bool userxattr;
};

static int child_mount_classic(const struct mount_job *j)
{
	if (mount("overlay", j->target, "overlay", j->upper_dir ? 0 : MS_RDONLY, j->data) < 0)
		return errno;
	return 0;
}

static int child_fsconfig(int fd, const char *key, const char *value)
{
	return fsconfig(fd, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, value, 0);
}

static int child_mount_new_api(const struct mount_job *j)
{
	int fd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fd < 0)
		return errno;
	for (char **l = j->lowers; *l; l++)
		if (child_fsconfig(fd, "lowerdir+", *l) < 0)
			return errno;
	if (j->upper_dir && (child_fsconfig(fd, "upperdir", j->upper_dir) < 0 ||
			     child_fsconfig(fd, "workdir", j->work_dir) < 0 ||
			     child_fsconfig(fd, "index", "off") < 0))
		return errno;
	if (j->userxattr && child_fsconfig(fd, "userxattr", NULL) < 0)
		return errno;
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return errno;
	int mfd = fsmount(fd, FSMOUNT_CLOEXEC, j->upper_dir ? 0 : MOUNT_ATTR_RDONLY);
	if (mfd < 0)
		return errno;
	if (move_mount(mfd, "", j->target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return errno;
	return 0;
}

/* Run the mount in a child that changed into <graph>/overlay; returns -errno. */
static int overlay_mount_in_child(const struct mount_job *j, bool new_api)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fchdir(j->layers_fd) < 0)
			_exit(errno);
		_exit(new_api ? child_mount_new_api(j) : child_mount_classic(j));
	}
	int status;
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -EINTR;
	return -WEXITSTATUS(status);
}

static int layer_short_names(struct store *s, char *const *layers, char ***ret,
			     struct sk_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	STRV_FOREACH (c, layers) {
		_cleanup_state_layer_ struct state_layer *l = NULL;
		int r = state_layer_get(s->db, *c, &l, err);
		if (r < 0)
			return r;
		strv_push(&names, l->short_name);
	}
	*ret = TAKE_PTR(names);
	return 0;
}

static int ensure_empty_lower(struct store *s, struct sk_error **err)
{
	_cleanup_free_ char *p = path_join(s->layers_dir, STORE_OVERLAY_EMPTY_LOWER);
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return sk_err_system(err, errno, "create %s: %s", p, strerror(errno));
	return 0;
}

/* Classic mount(2) when the data fits in its page, else the new mount API. */
static int overlay_mount_run(struct mount_job *j, const struct store_overlay_opts *oo,
			     const char *target, struct sk_error **err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int r;
	if (strlen(j->data) < page) {
		r = overlay_mount_in_child(j, false);
		if (r < 0)
			return sk_err_system(err, r, "mount overlay on %s: %s", target,
					     strerror(-r));
		return 0;
	}
	j->lowers = store_overlay_lowers_build(oo);
	r = overlay_mount_in_child(j, true);
	strv_free(j->lowers);
	j->lowers = NULL;
	if (r == -EINVAL || r == -ENOSYS)
		return sk_err_system(err, r,
				     "mount overlay on %s: %zu layers do not fit in one mount "
				     "option page and this kernel has no \"lowerdir+\" (Linux 6.8)",
				     target, strv_length(oo->lowers));
	if (r < 0)
		return sk_err_system(err, r, "mount overlay on %s: %s", target, strerror(-r));
	return 0;
}

/* A FUSE overlay (fuse-overlayfs): the same layers and options, the kernel's whiteouts and
 * user.overlay.opaque understood; it runs as a daemon until the mount goes. */
static int fuse_overlay_mount(struct store *s, const char *prog,
			      const struct store_overlay_opts *oo, const char *target,
			      struct sk_error **err)
{
	if (access("/dev/fuse", R_OK | W_OK) < 0)
		return sk_err_system(err, errno,
				     "%s: cannot open /dev/fuse: %s (it must be usable by users: "
				     "mode 0666, as udev makes it)",
				     prog, strerror(errno));
	_cleanup_strv_free_ char **lowers = store_overlay_lowers_build(oo);
	_cleanup_free_ char *joined = strv_join(lowers, ":");
	_cleanup_strbuf_ struct strbuf data = STRBUF_INIT;
	strbuf_addf(&data, "lowerdir=%s", joined);
	if (oo->upper_dir)
		strbuf_addf(&data, ",upperdir=%s,workdir=%s", oo->upper_dir, oo->work_dir);
	char *argv[] = { (char *)prog, "-o", data.buf, (char *)target, NULL };
	/* the daemon keeps its stderr: a memfd, not a pipe we would wait on for ever */
	_cleanup_close_ int log = memfd_create("fuse-overlayfs", MFD_CLOEXEC);
	struct child_opts co = CHILD_OPTS_INIT;
	co.cwd = s->layers_dir;
	co.stdout_fd = log;
	co.stderr_fd = log;
	int status;
	int r = child_run(argv, &co, &status, NULL, NULL);
	if (r < 0)
		return sk_err_system(err, -r, "run %s: %s", prog, strerror(-r));
	if (status != 0) {
		_cleanup_free_ char *out = NULL;
		lseek(log, 0, SEEK_SET);
		if (fs_read_fd(log, 4096, &out, NULL) < 0 || !out)
			out = xstrdup("");
		out[strcspn(out, "\n")] = '\0';
		return sk_err_system(err, EIO, "mount %s on %s: %s", prog, target,
				     *out ? out : "failed");
	}
	return 0;
}

static int overlay_mount(struct store *s, const struct store_mount_request *req, int target_fd,
			 struct sk_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = req->lower_link ? 0 : layer_short_names(s, req->layers, &names, err);
	if (r < 0)
		return r;
	if (req->lower_link)
		strv_push(&names, req->lower_link);
	struct store_overlay_opts oo = {
		.lowers = names,
		.upper_dir = req->upper_dir,
		.work_dir = req->work_dir,
		.userxattr = s->rootless,
	};
	_cleanup_free_ char *data = NULL;
	r = store_overlay_data_build(&oo, &data, err);
	if (r >= 0 && !req->upper_dir && strv_length(names) == 1)
		r = ensure_empty_lower(s, err);
	if (r < 0)
		return r;
	_cleanup_close_ int layers_fd = open(s->layers_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (layers_fd < 0)
		return sk_err_system(err, errno, "open %s: %s", s->layers_dir, strerror(errno));
	struct mount_job j = {
		.layers_fd = layers_fd,
		.target_fd = target_fd,
		.data = data,
		.upper_dir = req->upper_dir,
		.work_dir = req->work_dir,
		.userxattr = s->rootless,
	};
	snprintf(j.target, sizeof(j.target), "/proc/self/fd/%d", target_fd);
	if (s->mount_program)
		return fuse_overlay_mount(s, s->mount_program, &oo, req->target, err);
	r = overlay_mount_run(&j, &oo, req->target, err);
	if (r >= 0 || !s->rootless || ((*err)->errnum != EPERM && (*err)->errnum != EINVAL))
		return r;
	/* The kernel refuses overlay in this user namespace: fuse-overlayfs, from now on. */
	_cleanup_free_ char *prog = child_find_program("fuse-overlayfs");
	if (!prog)
		return r;
	sk_error_free(*err);
	*err = NULL;
	r = fuse_overlay_mount(s, prog, &oo, req->target, err);
	if (r >= 0) {
		_cleanup_free_ char *mp = path_join(s->layers_dir, ".mount_program");
		(void)fs_write_atomic(mp, prog, strlen(prog), 0644);
		s->mount_program = TAKE_PTR(prog);
	}
	return r;
}

/* A read-only bind made in one step (open_tree + mount_setattr + move_mount), so no writable
 * bind is ever visible; before Linux 5.12, bind then remount read-only. */
static int bind_read_only(const char *src, int target_fd, const char *target)
{
	_cleanup_close_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree >= 0) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
		    move_mount(tree, "", target_fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return -errno;
		return 0;
	}
	if (errno != ENOSYS)
		return -errno;
	if (mount(src, target, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
		int e = errno;
		umount2(target, MNT_DETACH);
		return -e;
	}
	return 0;
}

static int vfs_mount(struct store *s, const struct store_mount_request *req, int target_fd,
		     struct sk_error **err)
{
	size_t n = strv_length(req->layers);
	_cleanup_free_ char *src = NULL;
	if (req->upper_dir) {
		src = xstrdup(req->upper_dir);
	} else if (n == 0) {
		return sk_err_invalid(err, "vfs mount: no layers");
	} else {
		int r = store_layer_dir(s, req->layers[n - 1], &src, err);
		if (r < 0)
			return r;
	}
	int r;
	if (req->upper_dir)
		r = mount(src, req->target, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
	else
		r = bind_read_only(src, target_fd, req->target);
	if (r < 0)
		return sk_err_system(err, r, "bind %s on %s: %s", src, req->target, strerror(-r));
	return 0;
}

int store_layers_mount(struct store *s, const struct store_mount_request *req,
		       struct sk_error **err)
{
	_cleanup_close_ int target_fd =
		open(req->target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target_fd < 0)
		return sk_err_system(err, errno, "mount on %s: %s", req->target, strerror(errno));
	if (s->driver == STORE_DRIVER_VFS)
		return vfs_mount(s, req, target_fd, err);
	return overlay_mount(s, req, target_fd, err);
}

int store_layers_unmount(const char *target, struct sk_error **err)
{
	if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return sk_err_system(err, errno, "unmount %s: %s", target, strerror(errno));
	return 0;
}

bool store_mount_is_mounted(const char *path)
{
	struct statx stx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_INO, &stx) < 0)
		return false;
	if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	/* Before Linux 5.8: a different device than the parent's is a mount (a bind mount
	 * of the same file system is not seen). */
	_cleanup_free_ char *parent = xasprintf("%s/..", path);
	struct stat a, b;
	return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

void store_unmount_all_below(const char *dir)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	size_t dlen = strlen(dir);
	_cleanup_strv_free_ char **targets = NULL;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." (octal escapes in MOUNTPOINT are left:
		 * our own paths have no spaces) */
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		if (strncmp(mp, dir, dlen) == 0 && (mp[dlen] == '/' || mp[dlen] == '\0'))
			strv_push(&targets, mp);
	}
	/* Deepest first. */
	for (size_t n = strv_length(targets); n > 0; n--)
		umount2(targets[n - 1], MNT_DETACH);
}
