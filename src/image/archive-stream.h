/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streams of save, load and import: a writer that puts named files into a tar or a
 * directory, and the reader of layer blobs that yields their uncompressed bytes and digests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/layer-unpack.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/macro.h"

/* Writing: a tar on an fd, or files in a directory. */
struct image_archive_writer;

int image_archive_writer_tar(int fd, struct image_archive_writer **ret, struct sk_error **err);
int image_archive_writer_dir(const char *dir, struct image_archive_writer **ret,
			     struct sk_error **err);
int image_archive_writer_add_dir(struct image_archive_writer *w, const char *name,
				 struct sk_error **err);
int image_archive_writer_add_bytes(struct image_archive_writer *w, const char *name,
				   const void *data, size_t len, struct sk_error **err);
int image_archive_writer_add_symlink(struct image_archive_writer *w, const char *name,
				     const char *target, struct sk_error **err);
/* A file written in pieces: exactly size bytes must follow before _end. */
int image_archive_writer_begin(struct image_archive_writer *w, const char *name, uint64_t size,
			       struct sk_error **err);
int image_archive_writer_write(struct image_archive_writer *w, const void *data, size_t len,
			       struct sk_error **err);
int image_archive_writer_end(struct image_archive_writer *w, struct sk_error **err);
/* Copy the whole of fd (size bytes) as a file. */
int image_archive_writer_add_fd(struct image_archive_writer *w, const char *name, int fd,
				uint64_t size, struct sk_error **err);
/* Finish the tar (its end blocks); nothing is complete without it. */
int image_archive_writer_close(struct image_archive_writer *w, struct sk_error **err);
void image_archive_writer_free(struct image_archive_writer *w);
DEFINE_CLEANUP_FUNC(struct image_archive_writer *, image_archive_writer_free)
#define _cleanup_archive_writer_ _cleanup_(image_archive_writer_freep)

/* What reading a layer blob found. */
struct image_layer_info {
	char blob_digest[DIGEST_STR_LEN]; /* of the bytes as stored */
	uint64_t blob_size;
	char diff_id[DIGEST_STR_LEN]; /* of the uncompressed tar */
	uint64_t diff_size;
	enum store_compression compression; /* NONE for an xz or bzip2 blob read with any_filter */
};

/* Called with each piece of the uncompressed stream. */
typedef int (*image_layer_data_fn)(void *userdata, const void *data, size_t len,
				   struct sk_error **err);

/* Read a layer blob from fd to its end: digests and sizes of both forms, and the uncompressed
 * bytes to fn (may be NULL). The uncompressed stream must start with a tar header (or be
 * empty). Compression: none, gzip or zstd; with any_filter also xz, bzip2, lz4 and the rest
 * libarchive knows. The uncompressed size is bounded by STORE_UNPACK_MAX_SIZE_DEFAULT. */
int image_layer_read(int fd, bool any_filter, image_layer_data_fn fn, void *userdata,
		     struct image_layer_info *ret, struct sk_error **err);
/* Whether 512 bytes are a tar header with a correct checksum (or an all-zero end block). */
bool image_tar_header_valid(const unsigned char block[512]);
