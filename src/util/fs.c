/* SPDX-License-Identifier: Apache-2.0 */

#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "strbuf.h"
#include "strv.h"
#include "xalloc.h"

int fs_mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	size_t len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0) {
		if (errno != EEXIST)
			return -errno;
		if (!fs_is_dir(p))
			return -ENOTDIR;
	}
	return 0;
}

int fs_mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *d = path_dirname(path);
	return fs_mkdir_p(d, mode);
}

int fs_read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[16384];
	for (;;) {
		ssize_t n = RETRY_EINTR(read(fd, buf, sizeof(buf)));
		if (n < 0) {
			int e = errno;
			strbuf_release(&sb);
			return -e;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			strbuf_release(&sb);
			return -EFBIG;
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	*ret = strbuf_detach(&sb, ret_len);
	return 0;
}

int fs_read_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fs_read_fd(fd, max, ret, ret_len);
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = RETRY_EINTR(write(fd, p, len));
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t fd_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = RETRY_EINTR(read(fd, (char *)buf + got, len - got));
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return fs_write_replace(path, data, len, mode, true);
}

int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode, bool sync)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int r = fd_write_all(fd, data, len);
	if (r >= 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int rm_rf_children(int dfd, dev_t dev)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = errno;
		close(dfd);
		return -e;
	}
	int ret = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT && ret == 0)
				ret = -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev) {
				if (ret == 0)
					ret = -EBUSY; /* a mount point: never descend */
				continue;
			}
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				if (ret == 0)
					ret = -errno;
				continue;
			}
			int r = rm_rf_children(cfd, dev);
			if (r < 0 && ret == 0)
				ret = r;
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT &&
			    ret == 0)
				ret = -errno;
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && ret == 0) {
			ret = -errno;
		}
	}
	closedir(d);
	return ret;
}

int fs_rm_rf_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = rm_rf_children(fd, st.st_dev);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
		r = -errno;
	return r;
}

int fs_rm_rf(const char *path)
{
	return fs_rm_rf_at(AT_FDCWD, path);
}

bool fs_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

const char *path_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

char *path_dirname(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

int fs_mkdtemp_in(const char *parent, const char *prefix, char **ret)
{
	char *p = xasprintf("%s/%sXXXXXX", parent, prefix);
	if (!mkdtemp(p)) {
		int e = errno;
		free(p);
		return -e;
	}
	*ret = p;
	return 0;
}

static int du_at(int dfd, dev_t dev, bool use_blocks, unsigned long long *total)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev)
				continue;
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				du_at(cfd, dev, use_blocks, total);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			*total += use_blocks ? (unsigned long long)st.st_blocks * 512
					     : (unsigned long long)st.st_size;
		}
	}
	closedir(d);
	return 0;
}

int fs_disk_usage(const char *path, bool use_blocks, unsigned long long *ret)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return -errno;
	unsigned long long total = 0;
	if (S_ISDIR(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		int r = du_at(fd, st.st_dev, use_blocks, &total);
		if (r < 0)
			return r;
	} else {
		total = use_blocks ? (unsigned long long)st.st_blocks * 512
				   : (unsigned long long)st.st_size;
	}
	*ret = total;
	return 0;
}

int fs_copy_file(const char *src, const char *dst, mode_t mode)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	_cleanup_close_ int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		return -errno;
	return fd_copy_all(in, out);
}

int fs_dir_names_sorted(int fd, char ***ret)
{
	/* A new fd of our own: fdopendir() takes it over, and the caller keeps fd. */
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -errno;
	}
	char **v = strv_new(NULL);
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&v, de->d_name);
	int r = errno ? -errno : 0;
	closedir(dir);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	strv_sort(v);
	*ret = v;
	return 0;
}

void fs_write_atomic_leftovers_remove(const char *path)
{
	_cleanup_free_ char *dir = path_dirname(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	_cleanup_free_ char *prefix = xasprintf("%s.tmp-", base);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		int pid;
		if (parse_int(de->d_name + strlen(prefix), &pid) < 0 || pid <= 0 ||
		    (kill(pid, 0) < 0 && errno == ESRCH))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int fd_copy_all(int sfd, int dfd)
{
	for (;;) {
		ssize_t n = copy_file_range(sfd, NULL, dfd, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP &&
		    errno != ENOTSUP)
			return -errno;
		break; /* copy_file_range cannot do it: read and write */
	}
	_cleanup_free_ char *buf = xmalloc(128 * 1024);
	for (;;) {
		ssize_t n = RETRY_EINTR(read(sfd, buf, 128 * 1024));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		int r = fd_write_all(dfd, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}
