/* SPDX-License-Identifier: Apache-2.0 */
/* "sha256:<hex>" content digests: streaming computation and validation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define DIGEST_HEX_LEN 64
/* "sha256:" + 64 hex + NUL */
#define DIGEST_STR_LEN (7 + DIGEST_HEX_LEN + 1)

struct digester;

struct digester *digester_new(void);
void digester_update(struct digester *d, const void *data, size_t len);
/* Finish and write "sha256:<hex>" into out. The digester can't be updated afterwards. */
void digester_final(struct digester *d, char out[DIGEST_STR_LEN]);
void digester_free(struct digester *d);
DEFINE_CLEANUP_FUNC(struct digester *, digester_free)
#define _cleanup_digester_ _cleanup_(digester_freep)

void digest_buffer(const void *data, size_t len, char out[DIGEST_STR_LEN]);
/* Digest of a file's content; -errno. */
int digest_file(const char *path, char out[DIGEST_STR_LEN]);
/* "sha256:" followed by exactly 64 lowercase hex digits (sha512 accepted with 128). */
bool digest_is_valid(const char *s);
/* The hex part of a valid digest. */
const char *digest_hex(const char *digest);
bool hex_is_valid(const char *s, size_t len);
/* Random hex ID of 64 characters. */
void random_hex_id(char out[DIGEST_HEX_LEN + 1]);
