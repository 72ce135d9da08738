/* SPDX-License-Identifier: Apache-2.0 */
/* flock()-based locks on files; the fd is the lock (close releases). Tier 1: -errno. */
#pragma once

#include <stdbool.h>

/* Open (creating) path and take a shared or exclusive lock; waits unless nonblock, in which case
 * -EWOULDBLOCK means someone else holds it. Returns the fd. */
int lock_file_take(const char *path, bool exclusive, bool nonblock);
