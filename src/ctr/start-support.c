/* SPDX-License-Identifier: Apache-2.0 */
/* Small pieces of start: process start times, the working directory, --init, file removal. */
#include "ctr/start-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctr/config-doc.h"
#include "store/safe-path.h"
#include "util/child.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Where podman's init lives in Debian; catatonit is a dependency of Debian's podman and a
 * package of its own. */
static const char *const init_candidates[] = {
	"/usr/libexec/podman/catatonit",
	"/usr/bin/catatonit",
	"/usr/bin/tini-static",
	"/usr/bin/tini",
};

#define CTR_INIT_PATH "/run/selkie-init"

uint64_t ctr_proc_start_time(pid_t pid)
{
	if (pid <= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *buf = NULL;
	if (fs_read_file(path, 4096, &buf, NULL) < 0)
		return 0;
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	const char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	return strtoull(p + 1, NULL, 10);
}

bool ctr_monitor_alive(const struct state_container *c)
{
	if (c->monitor_pid <= 0)
		return false;
	uint64_t st = ctr_proc_start_time(c->monitor_pid);
	return st != 0 && st == c->monitor_start;
}

int ctr_workdir_ensure(const json_t *doc, const char *rootfs, const struct ctr_user *user,
		       struct sk_error **err)
{
	const char *wd = sk_json_str(json_object_get(doc, "Config"), "WorkingDir");
	if (!wd || streq(wd, "/") || !wd[0])
		return 0;
	_cleanup_close_ int root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sk_err_system(err, errno, "open %s: %s", rootfs, strerror(errno));
	_cleanup_free_ char *clean = NULL;
	int r = safe_path_clean(wd, &clean);
	if (r < 0)
		return sk_err_invalid(err, "workdir \"%s\": invalid path", wd);
	int fd = safe_path_open(root, clean, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	fd = safe_path_mkdir_p(root, clean, 0755, user->uid, user->gid);
	if (fd < 0)
		return sk_err_system(err, fd, "create workdir \"%s\": %s", wd, strerror(-fd));
	close(fd);
	return 0;
}

int ctr_init_wrap(struct ctr_ctx *x, const json_t *doc, struct ctr_start_resolved *rs,
		  struct sk_error **err)
{
	(void)x;
	if (!sk_json_bool(json_object_get(doc, "HostConfig"), "Init", false))
		return 0;
	const char *path = NULL;
	for (size_t i = 0; !path && i < ELEMENTSOF(init_candidates); i++)
		if (access(init_candidates[i], X_OK) == 0)
			path = init_candidates[i];
	if (!path)
		return sk_err_notfound(err, "container-init binary not found on the host: install "
					    "catatonit");
	_cleanup_free_ char *real = realpath(path, NULL);
	rs->mounts = xreallocarray(rs->mounts, rs->n_mounts + 1, sizeof(*rs->mounts));
	rs->mounts[rs->n_mounts++] = (struct ctr_resolved_mount){
		.type = "bind",
		.source = xstrdup(real ? real : path),
		.destination = xstrdup(CTR_INIT_PATH),
		.options = strv_new("bind", "ro", "rprivate", NULL),
	};
	_cleanup_strv_free_ char **args = ctr_config_args(doc);
	rs->args = strv_new(CTR_INIT_PATH, "--", NULL);
	STRV_FOREACH (a, args)
		strv_push(&rs->args, *a);
	return 0;
}

void ctr_files_remove(struct ctr_ctx *x, const char *id)
{
	/* The lock goes too: whoever waits on it re-reads the record after taking it and finds
	 * the container gone (IDs are never reused). */
	_cleanup_free_ char *dir = ctr_dir(x, id);
	_cleanup_free_ char *run = ctr_run_dir(x, id);
	fs_rm_rf(dir);
	fs_rm_rf(run);
}
