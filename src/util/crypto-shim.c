/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcrypto, loaded on first use (see util/lazy-lib.h): the few digest functions selkie calls.
 * Most commands never compute a digest, and relocating libcrypto cost every process (the
 * per-container monitor too) a few milliseconds and over a megabyte of resident pages. A
 * libcrypto function used without a trampoline here fails the link.
 */
#include <openssl/evp.h>

#include "util/lazy-lib.h"

static struct lazy_lib libcrypto = LAZY_LIB_INIT(SELKIE_LIBCRYPTO_SONAME, SELKIE_LIBCRYPTO_PACKAGE);

const EVP_MD *EVP_sha256(void)
{
	return LAZY_LIB_FN(&libcrypto, EVP_sha256)();
}

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	return LAZY_LIB_FN(&libcrypto, EVP_MD_CTX_new)();
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	if (!ctx)
		return; /* as libcrypto's: and without loading it */
	LAZY_LIB_FN(&libcrypto, EVP_MD_CTX_free)(ctx);
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	return LAZY_LIB_FN(&libcrypto, EVP_DigestInit_ex)(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	return LAZY_LIB_FN(&libcrypto, EVP_DigestUpdate)(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	return LAZY_LIB_FN(&libcrypto, EVP_DigestFinal_ex)(ctx, md, s);
}
