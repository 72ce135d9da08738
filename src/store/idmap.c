/* SPDX-License-Identifier: Apache-2.0 */
#include "store/idmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/images.h"
#include "store/idmap-copy.h"
#include "store/layer-store.h"
#include "store/mount.h"
#include "store/safe-path.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define IDMAP_DIR "idmap"
/* The short link: "x" (never in a layer's upper-case short name) + a key prefix. */
#define LINK_KEY_CHARS 15

char *store_idmap_key(const struct store_idmap_request *req)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strv_length(req->layers);
	strbuf_addf(&sb, "layer %s\nids %llu\n", n ? req->layers[n - 1] : "",
		    (unsigned long long)req->ns_ids);
	for (size_t i = 0; i < req->n_uids; i++)
		strbuf_addf(&sb, "u %u:%u:%u\n", req->uids[i].container, req->uids[i].host,
			    req->uids[i].size);
	for (size_t i = 0; i < req->n_gids; i++)
		strbuf_addf(&sb, "g %u:%u:%u\n", req->gids[i].container, req->gids[i].host,
			    req->gids[i].size);
	char d[DIGEST_STR_LEN];
	digest_buffer(sb.buf, sb.len, d);
	strbuf_release(&sb);
	return xstrdup(digest_hex(d));
}

static char *link_name(const char *key)
{
	return xasprintf("x%.*s", LINK_KEY_CHARS, key);
}

static char *link_path(const struct store *s, const char *key)
{
	_cleanup_free_ char *name = link_name(key);
	return xasprintf("%s/l/%s", s->layers_dir, name);
}

static char *entry_dir(const struct store *s, const char *key)
{
	return xasprintf("%s/" IDMAP_DIR "/%s", s->graph_root, key);
}

static bool published(const struct store *s, const char *key)
{
	_cleanup_free_ char *l = link_path(s, key);
	return fs_is_dir(l);
}

static void entry_remove(const struct store *s, const char *key)
{
	_cleanup_free_ char *l = link_path(s, key);
	_cleanup_free_ char *d = entry_dir(s, key);
	unlink(l);
	fs_rm_rf(d);
}

/* What the child needs, worked out before the fork (the database is the parent's alone). */
struct build_job {
	const char *src;  /* the mount point (overlay) or the top layer's tree (vfs) */
	const char *dst;  /* the empty directory the copy goes in */
	int layers_fd;	  /* overlay: <graph>/overlay, the lower names are relative to it */
	const char *data; /* overlay: the read-only mount's data */
	char **lowers;	  /* overlay: the same one by one, for "lowerdir+" */
	bool userxattr;	  /* overlay */
	struct store_idmap_copy map;
};

static int child_mount(const struct build_job *j)
{
	/* Into the layers' directory first: unshare moves the working directory into the new
	 * namespace's copy of its mount (an fd opened before would stay in the old one, whose
	 * paths overlay refuses). */
	if (fchdir(j->layers_fd) < 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (strlen(j->data) < (size_t)sysconf(_SC_PAGESIZE))
		return mount("overlay", j->src, "overlay", MS_RDONLY, j->data) < 0 ? -errno : 0;
	int fd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (char **l = j->lowers; *l; l++)
		if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0)
			return -errno;
	if ((j->userxattr && fsconfig(fd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
	    fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int mfd = fsmount(fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, j->src, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* In the forked child: mount, copy, report a failure as text on report_fd. */
_noreturn_ static void build_child(const struct build_job *j, int report_fd)
{
	umask(0);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	int r = j->data ? child_mount(j) : 0;
	if (r < 0) {
		dprintf(report_fd, "mount the image's layers: %s", strerror(-r));
		_exit(1);
	}
	int src = open(j->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dst = open(j->dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0 || dst < 0) {
		dprintf(report_fd, "open %s: %s", src < 0 ? j->src : j->dst, strerror(errno));
		_exit(1);
	}
	_cleanup_free_ char *path = NULL;
	r = store_idmap_copy_tree(src, dst, &j->map, &path);
	if (r < 0) {
		dprintf(report_fd, "/%s: %s", path && !streq(path, ".") ? path : "", strerror(-r));
		_exit(1);
	}
	_exit(0);
}

static int build_run(const struct build_job *j, struct sk_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_err_system(err, errno, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		build_child(j, p[1]);
	}
	close(p[1]);
	_cleanup_close_ int rd = p[0];
	if (pid < 0)
		return sk_err_system(err, errno, "fork: %s", strerror(errno));
	char msg[1024];
	ssize_t n = fd_read_full(rd, msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	int status;
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		return sk_err_system(err, errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return sk_err_system(err, EIO,
			     "shift the owners of the image's files for the user namespace: %s",
			     msg[0] ? msg : "the worker died");
}

static int layer_names(struct store *s, char *const *layers, char ***ret, struct sk_error **err)
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

/* Build req's copy in work/tree. */
static int build(struct store *s, const struct store_idmap_request *req, const char *work,
		 struct sk_error **err)
{
	size_t n = strv_length(req->layers);
	if (n == 0)
		return sk_err_invalid(err, "user namespace copy: the image has no layers");
	_cleanup_free_ char *src = path_join(work, "src");
	_cleanup_free_ char *dst = path_join(work, "tree");
	if (mkdir(src, 0700) < 0 || mkdir(dst, 0700) < 0)
		return sk_err_system(err, errno, "create %s: %s", dst, strerror(errno));
	struct build_job j = {
		.src = src,
		.dst = dst,
		.layers_fd = -1,
		.userxattr = s->rootless,
		.map = { req->uids, req->n_uids, req->gids, req->n_gids, 0, 0 },
	};
	/* IDs the mapping leaves out: a namespace ID the container does not map (nobody). */
	uint64_t limit = req->ns_ids ? req->ns_ids : (uint64_t)UINT32_MAX;
	if (!idmap_host_unused(req->uids, req->n_uids, limit, &j.map.fallback_uid))
		j.map.fallback_uid = 0;
	if (!idmap_host_unused(req->gids, req->n_gids, limit, &j.map.fallback_gid))
		j.map.fallback_gid = 0;
	_cleanup_free_ char *top = NULL;
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *data = NULL;
	_cleanup_strv_free_ char **lowers = NULL;
	_cleanup_close_ int layers_fd = -1;
	int r = 0;
	if (s->driver == STORE_DRIVER_VFS) {
		r = store_layer_dir(s, req->layers[n - 1], &top, err);
		j.src = top;
	} else {
		r = layer_names(s, req->layers, &names, err);
		struct store_overlay_opts oo = { .lowers = names, .userxattr = s->rootless };
		if (r >= 0)
			r = store_overlay_data_build(&oo, &data, err);
		_cleanup_free_ char *empty = path_join(s->layers_dir, STORE_OVERLAY_EMPTY_LOWER);
		if (r >= 0 && n == 1 && mkdir(empty, 0700) < 0 && errno != EEXIST)
			r = sk_err_system(err, errno, "create %s: %s", empty, strerror(errno));
		lowers = store_overlay_lowers_build(&oo);
		layers_fd = open(s->layers_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (r >= 0 && layers_fd < 0)
			r = sk_err_system(err, errno, "open %s: %s", s->layers_dir,
					  strerror(errno));
		j.layers_fd = layers_fd;
		j.data = data;
		j.lowers = lowers;
	}
	return r < 0 ? r : build_run(&j, err);
}

/* Under the store lock: work/tree → <graph>/idmap/<key>/tree, its top layer noted, the
 * short link last. */
static int publish(struct store *s, const struct store_idmap_request *req, const char *key,
		   const char *work, struct sk_error **err)
{
	_cleanup_free_ char *final = entry_dir(s, key);
	_cleanup_free_ char *tree = path_join(final, "tree");
	_cleanup_free_ char *from = path_join(work, "tree");
	_cleanup_free_ char *note = path_join(final, "layer");
	_cleanup_free_ char *lnk = link_path(s, key);
	_cleanup_free_ char *target = xasprintf("../../" IDMAP_DIR "/%s/tree", key);
	size_t n = strv_length(req->layers);
	unlink(lnk);
	fs_rm_rf(final);
	int r = fs_mkdir_p(final, 0700);
	if (r >= 0 && rename(from, tree) < 0)
		r = -errno;
	if (r >= 0)
		r = fs_write_atomic(note, req->layers[n - 1], strlen(req->layers[n - 1]), 0600);
	if (r >= 0 && symlink(target, lnk) < 0)
		r = -errno;
	if (r < 0)
		return sk_err_system(err, r, "store the user namespace copy in %s: %s", final,
				     strerror(-r));
	return 0;
}

int store_idmap_get(struct store *s, const struct store_idmap_request *req, char **ret_link,
		    struct sk_error **err)
{
	_cleanup_free_ char *key = store_idmap_key(req);
	if (published(s, key)) {
		*ret_link = link_name(key);
		return 0;
	}
	_cleanup_free_ char *work = NULL;
	_cleanup_close_ int work_lock = -1;
	int r = store_tmpdir_new(s, "idmap-", &work, &work_lock, err);
	if (r < 0)
		return r;
	r = build(s, req, work, err);
	if (r >= 0)
		r = store_lock(s, err);
	if (r >= 0) {
		if (!published(s, key))
			r = publish(s, req, key, work, err);
		store_unlock(s);
	}
	store_tmpdir_remove(work);
	if (r < 0)
		return r;
	*ret_link = link_name(key);
	return 0;
}

/* Is the entry's top layer still in the store? Entries without a note are leftovers. */
static bool entry_layer_alive(struct store *s, const char *key)
{
	_cleanup_free_ char *dir = entry_dir(s, key);
	_cleanup_free_ char *note = path_join(dir, "layer");
	_cleanup_free_ char *chain = NULL;
	if (fs_read_file(note, 4096, &chain, NULL) < 0)
		return false;
	_cleanup_error_ struct sk_error *e = NULL;
	/* (an error reading the database keeps the entry) */
	return store_layer_exists(s, chain, &e) != 0;
}

static void sweep(struct store *s, char *const *keep, bool use_keep)
{
	_cleanup_free_ char *root = path_join(s->graph_root, IDMAP_DIR);
	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_strv_free_ char **names = NULL;
	if (fd < 0 || fs_dir_names_sorted(fd, &names) < 0)
		return;
	STRV_FOREACH (k, names)
		if ((use_keep && !strv_contains(keep, *k)) || !entry_layer_alive(s, *k))
			entry_remove(s, *k);
}

int store_idmap_prune(struct store *s, char *const *keep, struct sk_error **err)
{
	int r = store_lock(s, err);
	if (r < 0)
		return r;
	sweep(s, keep, true);
	store_unlock(s);
	return 0;
}

void store_idmap_gc(struct store *s)
{
	sweep(s, NULL, false);
}

static void scan_tree(int dfd, unsigned depth, uint32_t *max)
{
	_cleanup_strv_free_ char **names = NULL;
	if (depth > STORE_IDMAP_COPY_DEPTH_MAX || fs_dir_names_sorted(dfd, &names) < 0)
		return;
	STRV_FOREACH (n, names) {
		struct stat st;
		if (fstatat(dfd, *n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		*max = MAX(*max, MAX((uint32_t)st.st_uid, (uint32_t)st.st_gid));
		if (!S_ISDIR(st.st_mode))
			continue;
		_cleanup_close_ int sub =
			openat(dfd, *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			scan_tree(sub, depth + 1, max);
	}
}

static char *layer_file(int dfd, const char *path)
{
	_cleanup_close_ int fd = safe_path_open(dfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	struct stat st;
	char *text = NULL;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fs_read_fd(fd, 8u << 20, &text, NULL) < 0)
		return NULL;
	return text;
}

void store_layers_scan(struct store *s, char *const *layers, uint32_t *ret_max_id,
		       char **ret_passwd, char **ret_group)
{
	*ret_max_id = 0;
	*ret_passwd = *ret_group = NULL;
	for (size_t i = strv_length(layers); i > 0; i--) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_error_ struct sk_error *e = NULL;
		if (store_layer_dir(s, layers[i - 1], &dir, &e) < 0)
			continue;
		_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		scan_tree(dfd, 0, ret_max_id);
		if (!*ret_passwd)
			*ret_passwd = layer_file(dfd, "etc/passwd");
		if (!*ret_group)
			*ret_group = layer_file(dfd, "etc/group");
	}
}
