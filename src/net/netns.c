/* SPDX-License-Identifier: Apache-2.0 */
#include "net/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/macro.h"

static int loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq ifr = { 0 };
	memcpy(ifr.ifr_name, "lo", 3);
	int r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	close(fd);
	return r < 0 ? -e : 0;
}

/* In the child: a new namespace, loopback up, pinned on path. Returns an errno for _exit. */
static int child_pin(const char *path)
{
	if (unshare(CLONE_NEWNET) < 0)
		return errno;
	int r = loopback_up();
	if (r < 0)
		return -r;
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		return errno;
	return 0;
}

int net_netns_create(const char *path, struct sk_error **err)
{
	int r = fs_mkdir_parents(path, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create the directory of %s: %s", path, strerror(-r));
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_err_system(err, errno, "create network namespace %s: %s", path,
				     strerror(errno));
	close(fd);
	pid_t pid = fork();
	if (pid < 0) {
		r = -errno;
		unlink(path);
		return sk_err_system(err, r, "fork: %s", strerror(-r));
	}
	if (pid == 0)
		_exit(child_pin(path));
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int e = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	if (e != 0) {
		unlink(path);
		return sk_err_system(err, e, "create network namespace %s: %s", path, strerror(e));
	}
	return 0;
}

int net_netns_remove(const char *path, struct sk_error **err)
{
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return sk_err_system(err, errno, "unmount network namespace %s: %s", path,
				     strerror(errno));
	if (unlink(path) < 0 && errno != ENOENT)
		return sk_err_system(err, errno, "remove network namespace %s: %s", path,
				     strerror(errno));
	return 0;
}
