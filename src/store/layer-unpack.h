/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unpacking a layer blob (a tar, plain or gzip or zstd compressed) into a directory of the
 * layer store, computing its diff ID on the way. Layer tars are untrusted: no entry can write,
 * link or delete outside the destination, and sizes are bounded.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/digest.h"
#include "util/error.h"

/* The whiteout names of the OCI image spec (aufs's, kept by docker). */
#define STORE_WHITEOUT_PREFIX ".wh."
#define STORE_WHITEOUT_META_PREFIX ".wh..wh."
#define STORE_WHITEOUT_OPAQUE ".wh..wh..opq"

/* How a layer's tree is laid out on disk. */
enum store_layer_mode {
	/* An overlayfs layer: the directory holds this layer's own files only; deletions are
	 * overlay whiteouts (0/0 character devices), opaque directories carry the opaque
	 * xattr. */
	STORE_LAYER_OVERLAY,
	/* A vfs layer: the directory holds the full merged tree (a copy of the parent's, with
	 * this layer applied on top); deletions remove files. */
	STORE_LAYER_APPLY,
	_STORE_LAYER_MODE_MAX,
	_STORE_LAYER_MODE_INVALID = -EINVAL,
};

const char *store_layer_mode_to_string(enum store_layer_mode m);
enum store_layer_mode store_layer_mode_from_string(const char *s);

/* The compression of a layer blob, detected from its content. */
enum store_compression {
	STORE_COMPRESSION_NONE,
	STORE_COMPRESSION_GZIP,
	STORE_COMPRESSION_ZSTD,
	_STORE_COMPRESSION_MAX,
	_STORE_COMPRESSION_INVALID = -EINVAL,
};

const char *store_compression_to_string(enum store_compression c);
enum store_compression store_compression_from_string(const char *s);

/*
 * Map an owner between the image's view (container IDs) and the disk's (host IDs), e.g. for
 * rootless storage without a user namespace. Rewrites *uid and *gid; a negative return
 * (-errno) means the pair has no mapping and fails the operation.
 */
typedef int (*store_idmap_fn)(void *userdata, uid_t *uid, gid_t *gid);

/* The default bound on a layer's uncompressed size. */
#define STORE_UNPACK_MAX_SIZE_DEFAULT (UINT64_C(64) << 30)

struct store_unpack_opts {
	enum store_layer_mode mode;
	/* OVERLAY: mark opaque directories with user.overlay.opaque (rootless overlay mounted
	 * with "userxattr") instead of trusted.overlay.opaque. */
	bool userxattr;
	/* Create character and block devices; when false (rootless) they are skipped. FIFOs
	 * and overlay whiteouts are always created. */
	bool allow_devices;
	/* Carry on when chown fails with EPERM or EINVAL (storage.conf's ignore_chown_errors,
	 * for a user namespace with a single ID). */
	bool ignore_chown_errors;
	/* Bound on the uncompressed tar stream (and on any single file's size); 0 means
	 * STORE_UNPACK_MAX_SIZE_DEFAULT. */
	uint64_t max_size;
	/* Container IDs to host IDs; NULL: as in the tar. */
	store_idmap_fn idmap;
	void *idmap_data;
};

struct store_unpack_result {
	char diff_id[DIGEST_STR_LEN]; /* sha256 of the uncompressed tar stream, all of it */
	uint64_t size;		      /* bytes of the uncompressed tar stream */
	enum store_compression compression;
	uint64_t devices_skipped; /* device nodes left out (allow_devices unset) */
};

/*
 * Read a layer blob from blob_fd (read sequentially to its end; a pipe is fine) and unpack it
 * into the directory dest_fd as opts says. On success *ret is filled. On failure (SK_ERR_CORRUPT
 * for a bad or hostile tar, SK_ERR_SYSTEM for the disk) the destination is left half-written for
 * the caller to delete; nothing outside it has been touched.
 */
int store_layer_unpack(int blob_fd, int dest_fd, const struct store_unpack_opts *opts,
		       struct store_unpack_result *ret, struct sk_error **err);
