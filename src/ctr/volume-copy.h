/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copy-up: the content of a directory of a container's root file system copied into a new
 * volume, as docker and podman populate a volume from the image. Everything is opened relative
 * to directory fds with O_NOFOLLOW, so symlinks are copied as links and never followed.
 */
#pragma once

#include "util/error.h"

/* The deepest directory nesting copied (each level holds two fds while it is copied). */
#define CTR_VOLUME_COPY_MAX_DEPTH 256

/*
 * Copy every entry below src_fd into dst_fd (both directories, opened O_RDONLY): directories,
 * regular files, symlinks, fifos and device nodes, with their owners, modes (setuid bits
 * included), times and extended attributes (those the destination refuses, as security.selinux
 * or trusted.* when not root, are skipped); files hard-linked to each other inside the tree are
 * linked again. Sockets are skipped. Neither directory's own metadata is touched. On failure
 * the copied entries stay: the caller copies into a directory it can throw away.
 */
int ctr_volume_copy_tree(int src_fd, int dst_fd, struct sk_error **err);
