/* SPDX-License-Identifier: Apache-2.0 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "macro.h"

int lock_file_take(const char *path, bool exclusive, bool nonblock)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int op = (exclusive ? LOCK_EX : LOCK_SH) | (nonblock ? LOCK_NB : 0);
	if (RETRY_EINTR(flock(fd, op)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}
