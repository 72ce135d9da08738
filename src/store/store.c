/* SPDX-License-Identifier: Apache-2.0 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/lock.h"
#include "util/xalloc.h"

static const char *const driver_names[_STORE_DRIVER_MAX] = {
	[STORE_DRIVER_OVERLAY] = "overlay",
	[STORE_DRIVER_VFS] = "vfs",
};

const char *store_driver_to_string(enum store_driver d)
{
	if ((int)d < 0 || d >= _STORE_DRIVER_MAX)
		return NULL;
	return driver_names[d];
}

enum store_driver store_driver_from_string(const char *s)
{
	if (streq(s, "overlay") || streq(s, "overlay2"))
		return STORE_DRIVER_OVERLAY;
	if (streq(s, "vfs"))
		return STORE_DRIVER_VFS;
	return _STORE_DRIVER_INVALID;
}

static bool kernel_has_overlay(void)
{
	_cleanup_free_ char *fss = NULL;
	if (fs_read_file("/proc/filesystems", 1 << 20, &fss, NULL) < 0)
		return false;
	return strstr(fss, "\toverlay\n") != NULL;
}

/* The driver is fixed when the store is made; a different --storage-driver later is an error,
 * as podman refuses it. */
static int store_pick_driver(struct store *s, const char *wanted, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(s->graph_root, "driver");
	_cleanup_free_ char *recorded = NULL;
	int r = fs_read_file(path, 64, &recorded, NULL);
	if (r < 0 && r != -ENOENT)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	if (recorded)
		recorded[strcspn(recorded, "\n")] = '\0';
	if (wanted && store_driver_from_string(wanted) < 0)
		return sk_err_invalid(err, "unknown storage driver '%s' (overlay, vfs)", wanted);
	if (recorded && wanted &&
	    store_driver_from_string(recorded) != store_driver_from_string(wanted))
		return sk_error_set(err, SK_ERR_STATE, EINVAL,
				    "database storage graph driver \"%s\" does not match our "
				    "storage graph driver \"%s\": database configuration mismatch",
				    recorded, wanted);
	const char *name = recorded ? recorded : wanted;
	if (!name)
		name = kernel_has_overlay() ? "overlay" : "vfs";
	s->driver = store_driver_from_string(name);
	if ((int)s->driver < 0)
		return sk_error_set(err, SK_ERR_CORRUPT, EINVAL, "%s: unknown driver '%s'", path,
				    name);
	if (!recorded) {
		r = fs_write_atomic(path, name, strlen(name), 0644);
		if (r < 0)
			return sk_err_system(err, r, "write %s: %s", path, strerror(-r));
	}
	return 0;
}

int store_open(const struct store_opts *o, struct store **ret, struct sk_error **err)
{
	struct store *s = xnew(struct store, 1);
	s->graph_root = xstrdup(o->graph_root);
	s->run_root = xstrdup(o->run_root);
	s->rootless = o->rootless;
	s->mount_program = o->mount_program ? xstrdup(o->mount_program) : NULL;
	s->lock_fd = -1;
	s->blobs_dir = path_join(s->graph_root, "blobs/sha256");
	s->tmp_dir = path_join(s->graph_root, "tmp");
	int r = 0;
	const char *dirs[] = { s->graph_root, s->blobs_dir, s->tmp_dir, s->run_root };
	for (size_t i = 0; i < ELEMENTSOF(dirs) && r >= 0; i++) {
		r = fs_mkdir_p(dirs[i], 0700);
		if (r < 0)
			sk_err_system(err, r, "create %s: %s", dirs[i], strerror(-r));
	}
	if (r >= 0)
		r = store_pick_driver(s, o->driver, err);
	if (r >= 0) {
		s->layers_dir = path_join(s->graph_root, store_driver_to_string(s->driver));
		if (!s->mount_program) {
			/* the kernel refused overlay here once: not asked again */
			_cleanup_free_ char *mp = path_join(s->layers_dir, ".mount_program");
			if (fs_read_file(mp, 4096, &s->mount_program, NULL) >= 0)
				s->mount_program[strcspn(s->mount_program, "\n")] = '\0';
		}
		_cleanup_free_ char *l = path_join(s->layers_dir, "l");
		r = fs_mkdir_p(l, 0700);
		if (r < 0)
			sk_err_system(err, r, "create %s: %s", l, strerror(-r));
	}
	if (r >= 0) {
		_cleanup_free_ char *dbpath = path_join(s->graph_root, "selkie.db");
		r = state_db_open(dbpath, &s->db, err);
	}
	if (r < 0) {
		store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	state_db_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->mount_program);
	free(s->graph_root);
	free(s->run_root);
	free(s->layers_dir);
	free(s->blobs_dir);
	free(s->tmp_dir);
	free(s);
}

int store_lock(struct store *s, struct sk_error **err)
{
	if (s->lock_depth++ > 0)
		return 0;
	_cleanup_free_ char *path = path_join(s->graph_root, "storage.lock");
	int fd = lock_file_take(path, true, false);
	if (fd < 0) {
		s->lock_depth = 0;
		return sk_err_system(err, fd, "lock %s: %s", path, strerror(-fd));
	}
	s->lock_fd = fd;
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->lock_depth == 0 || --s->lock_depth > 0)
		return;
	close(s->lock_fd);
	s->lock_fd = -1;
}

int store_tmpdir_new(struct store *s, const char *prefix, char **ret_path, int *ret_lock_fd,
		     struct sk_error **err)
{
	/* The lock is taken under a hidden name and renamed next to the directory, so the
	 * sweeper never sees a lock its owner does not hold yet. */
	_cleanup_free_ char *hidden = xasprintf("%s/.lock-XXXXXX", s->tmp_dir);
	_cleanup_close_ int fd = mkostemp(hidden, O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "create lock in %s: %s", s->tmp_dir,
				     strerror(errno));
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		unlink(hidden);
		return sk_err_system(err, e, "lock %s: %s", hidden, strerror(e));
	}
	_cleanup_free_ char *path = NULL;
	int r = fs_mkdtemp_in(s->tmp_dir, prefix, &path);
	if (r < 0) {
		unlink(hidden);
		return sk_err_system(err, r, "create work directory in %s: %s", s->tmp_dir,
				     strerror(-r));
	}
	_cleanup_free_ char *lock = xasprintf("%s.lock", path);
	if (rename(hidden, lock) < 0) {
		int e = errno;
		unlink(hidden);
		fs_rm_rf(path);
		return sk_err_system(err, e, "lock %s: %s", lock, strerror(e));
	}
	*ret_path = TAKE_PTR(path);
	*ret_lock_fd = TAKE_FD(fd);
	return 0;
}

void store_tmpdir_remove(const char *path)
{
	fs_rm_rf(path);
	_cleanup_free_ char *lock = xasprintf("%s.lock", path);
	unlink(lock);
}

void store_sweep_tmp(struct store *s)
{
	DIR *d = opendir(s->tmp_dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, ".lock-", 6) == 0) {
			/* A lock whose owner died before naming it. */
			_cleanup_free_ char *p = path_join(s->tmp_dir, de->d_name);
			int fd = lock_file_take(p, true, true);
			if (fd >= 0) {
				unlink(p);
				close(fd);
			}
			continue;
		}
		if (n < 6 || !streq(de->d_name + n - 5, ".lock"))
			continue;
		_cleanup_free_ char *lock = path_join(s->tmp_dir, de->d_name);
		int fd = lock_file_take(lock, true, true);
		if (fd < 0)
			continue; /* its owner is still at work */
		_cleanup_free_ char *work = xstrndup(lock, strlen(lock) - 5);
		store_tmpdir_remove(work);
		close(fd);
	}
	closedir(d);
}
