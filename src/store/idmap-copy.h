/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copy a tree giving every file the owner a user namespace's mapping makes of it (the copy's
 * owner of a file owned by uid U is the host ID the container's U maps to), so that the tree
 * seen from inside that namespace has the owners it has from outside: what a container with
 * its own user namespace needs of its image (store/idmap.h). Hard links stay hard links; modes
 * (set-ID bits included), times, extended attributes, symlinks, device nodes and FIFOs are
 * kept; file capabilities are rewritten for the container's root (VFS_CAP_REVISION_3 with its
 * host ID as rootid). IDs the mapping does not cover get the fallback IDs (seen as the
 * overflow ID inside). Needs the privilege to chown (root, or root of a user namespace).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/idmap.h"

/* Directory trees deeper than this are refused (path names are bounded anyway). */
#define STORE_IDMAP_COPY_DEPTH_MAX 4096

struct store_idmap_copy {
	const struct idmap_range *uids;
	size_t n_uids;
	const struct idmap_range *gids;
	size_t n_gids;
	uint32_t fallback_uid, fallback_gid;
};

/*
 * Copy the tree at src_fd into the empty directory dst_fd (which gets src's owner, mode and
 * times too). Returns -errno; on failure *ret_path (allocated) names the relative path that
 * failed. Never follows a symlink of the source.
 */
int store_idmap_copy_tree(int src_fd, int dst_fd, const struct store_idmap_copy *m,
			  char **ret_path);
