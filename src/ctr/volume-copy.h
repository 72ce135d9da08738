/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copy-up: the content of a directory of a container's root file system copied into a new
 * volume, as docker and podman populate a volume from the image. Everything is opened relative
 * to directory fds with O_NOFOLLOW, so symlinks are copied as links and never followed.
 */
#pragma once

#include <stdbool.h>

#include "ctr/volume.h"
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

/*
 * A volume's first use by a container (ctr_volume_mount() calls it while needs_copy_up is set,
 * under the volumes lock): _data gets the owner, mode and times of the image's directory at
 * o->container_path (or o->uid/o->gid) unless the volume was created with an owner, then that
 * directory's content is copied in when the volume is empty and neither o->nocopy nor
 * nocopy_option (`volume create -o nocopy`) is set. dir is the volume's directory (the parent
 * of _data): the copy is made in a work directory there and replaces the empty _data in one
 * rename; work directories of killed copies found there are removed first.
 */
int ctr_volume_populate(const struct state_volume *v, const char *dir,
			const struct ctr_volume_mount_opts *o, bool nocopy_option,
			struct sk_error **err);
