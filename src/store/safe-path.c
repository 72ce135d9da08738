/* SPDX-License-Identifier: Apache-2.0 */
#include "store/safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Symlinks followed in one resolution before ELOOP, as the kernel's limit. */
#define SAFE_PATH_MAX_LINKS 40
/* openat2 answers EAGAIN when a rename raced with a ".." lookup: try again a few times. */
#define SAFE_PATH_EAGAIN_RETRIES 64

/* Cleared when the kernel says openat2 does not exist (or a test asks for the walk). */
static bool openat2_usable = true;

bool safe_path_use_openat2(bool use)
{
	bool old = __atomic_load_n(&openat2_usable, __ATOMIC_RELAXED);
	__atomic_store_n(&openat2_usable, use, __ATOMIC_RELAXED);
	return old;
}

int safe_path_clean(const char *name, char **ret)
{
	bool rooted = name[0] == '/';
	struct strbuf sb = STRBUF_INIT;
	const char *p = name;

	strbuf_init(&sb, strlen(name));
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (sb.len == 0) {
				if (rooted)
					continue; /* "/.." is "/" */
				strbuf_release(&sb);
				return -EXDEV;
			}
			char *slash = memrchr(sb.buf, '/', sb.len);
			strbuf_setlen(&sb, slash ? (size_t)(slash - sb.buf) : 0);
			continue;
		}
		if (sb.len > 0)
			strbuf_addch(&sb, '/');
		strbuf_add(&sb, s, n);
	}
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

static int open_openat2(int root_fd, const char *path, int flags, mode_t mode)
{
	bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
	struct open_how how = {
		.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
		.mode = creates ? (uint64_t)mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	for (int i = 0; i < SAFE_PATH_EAGAIN_RETRIES; i++) {
		long fd = syscall(SYS_openat2, root_fd, isempty(path) ? "." : path, &how,
				  sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

/* Copy the next component of *rest into comp and advance; 0 at the end of the path. */
static int next_component(const char **rest, char comp[NAME_MAX + 1])
{
	const char *p = *rest;
	while (*p == '/')
		p++;
	const char *s = p;
	while (*p && *p != '/')
		p++;
	size_t n = (size_t)(p - s);
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(comp, s, n);
	comp[n] = '\0';
	*rest = p;
	return n > 0;
}

static bool is_last_component(const char *rest)
{
	while (*rest == '/')
		rest++;
	return *rest == '\0';
}

/* The state of a walk: the directory reached and the path still to walk. */
struct walk {
	int root_fd;
	int cur;	/* owned O_PATH fd of a real directory below (or at) the root */
	size_t depth;	/* how far cur is below the root */
	unsigned links; /* symlinks followed so far */
	char *buf;	/* owned: the path being walked */
	const char *rest;
};

static int walk_set(struct walk *w, int fd)
{
	if (fd < 0)
		return -errno;
	close(w->cur);
	w->cur = fd;
	return 0;
}

/* Step into directory comp of cur, or to cur's parent for ".." (never above the root). */
static int walk_step(struct walk *w, const char *comp)
{
	bool up = streq(comp, "..");
	if (up && w->depth == 0)
		return 0;
	int r = walk_set(w, openat(w->cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (r < 0)
		return r;
	w->depth = up ? w->depth - 1 : w->depth + 1;
	return 0;
}

/* Replace the path still to walk by "<target of symlink comp>/<rest>". */
static int walk_follow(struct walk *w, const char *comp)
{
	char target[PATH_MAX];

	if (++w->links > SAFE_PATH_MAX_LINKS)
		return -ELOOP;
	ssize_t n = readlinkat(w->cur, comp, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	char *joined = xasprintf("%.*s/%s", (int)n, target, w->rest);
	free(w->buf);
	w->buf = joined;
	w->rest = joined;
	if (target[0] != '/')
		return 0;
	/* absolute: start again at the root */
	w->depth = 0;
	return walk_set(w, openat(w->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

/*
 * Walk w->rest up to its last component, left in comp (empty when the path ends at a
 * directory). Returns 1 when comp does not exist and is to be created.
 */
static int walk_parents(struct walk *w, int flags, char comp[NAME_MAX + 1])
{
	for (;;) {
		int r = next_component(&w->rest, comp);
		if (r <= 0)
			return r;
		if (streq(comp, ".") || streq(comp, "..")) {
			r = walk_step(w, comp);
			if (r < 0)
				return r;
			comp[0] = '\0';
			continue;
		}
		bool last = is_last_component(w->rest);
		struct stat st;
		if (fstatat(w->cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && last && (flags & O_CREAT))
				return 1;
			return -errno;
		}
		if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
			r = walk_follow(w, comp);
			if (r < 0)
				return r;
			comp[0] = '\0';
			continue;
		}
		if (last)
			return 0;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		r = walk_step(w, comp);
		if (r < 0)
			return r;
		comp[0] = '\0';
	}
}

/*
 * RESOLVE_IN_ROOT by hand, for kernels without openat2: every component is looked up with
 * O_NOFOLLOW from a directory reached through real directories only; a symlink's text is
 * walked again from the link's directory (or from the root when absolute); ".." never climbs
 * above the root. Magic links are never followed since only their text is used.
 */
static int open_walk(int root_fd, const char *path, int flags, mode_t mode)
{
	struct walk w = { .root_fd = root_fd, .buf = xstrdup(path) };
	char comp[NAME_MAX + 1] = "";

	w.rest = w.buf;
	w.cur = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = w.cur < 0 ? -errno : walk_parents(&w, flags, comp);
	if (r >= 0) {
		r = openat(w.cur, comp[0] ? comp : ".", flags | O_NOFOLLOW | O_CLOEXEC, mode);
		if (r < 0)
			r = -errno;
	}
	if (w.cur >= 0)
		close(w.cur);
	free(w.buf);
	return r;
}

int safe_path_open(int root_fd, const char *path, int flags, mode_t mode)
{
	if (__atomic_load_n(&openat2_usable, __ATOMIC_RELAXED)) {
		int fd = open_openat2(root_fd, path, flags, mode);
		if (fd != -ENOSYS)
			return fd;
		__atomic_store_n(&openat2_usable, false, __ATOMIC_RELAXED);
	}
	return open_walk(root_fd, path, flags, mode);
}

/* Create directory name in pfd with exactly mode and the owner, and open it. */
static int mkdir_one(int pfd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkdirat(pfd, name, 0700) < 0)
		return -errno;
	_cleanup_close_ int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		return -errno;
	return TAKE_FD(fd);
}

int safe_path_mkdir_p(int root_fd, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_free_ char *clean = NULL;
	int r = safe_path_clean(path, &clean);
	if (r < 0)
		return r;
	int fd = safe_path_open(root_fd, clean, O_PATH | O_DIRECTORY, 0);
	if (fd != -ENOENT || clean[0] == '\0')
		return fd;

	const char *name;
	_cleanup_close_ int pfd =
		safe_path_open_parent(root_fd, clean, true, mode, uid, gid, &name);
	if (pfd < 0)
		return pfd;
	fd = mkdir_one(pfd, name, mode, uid, gid);
	if (fd == -EEXIST) /* a dangling symlink (in the root), or a racing creator */
		fd = safe_path_open(root_fd, clean, O_PATH | O_DIRECTORY, 0);
	return fd;
}

int safe_path_open_parent(int root_fd, const char *path, bool create, mode_t mode, uid_t uid,
			  gid_t gid, const char **ret_name)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (isempty(name) || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
	int fd = create ? safe_path_mkdir_p(root_fd, dir, mode, uid, gid)
			: safe_path_open(root_fd, dir, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	*ret_name = name;
	return fd;
}
