/* SPDX-License-Identifier: Apache-2.0 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "xalloc.h"

struct digester {
	EVP_MD_CTX *ctx;
};

struct digester *digester_new(void)
{
	struct digester *d = xnew(struct digester, 1);
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
		abort();
	return d;
}

void digester_update(struct digester *d, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(d->ctx, data, len) != 1)
		abort();
}

static void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

void digester_final(struct digester *d, char out[DIGEST_STR_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(d->ctx, md, &len) != 1 || len != 32)
		abort();
	memcpy(out, "sha256:", 7);
	hex_encode(md, len, out + 7);
}

void digester_free(struct digester *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}

void digest_buffer(const void *data, size_t len, char out[DIGEST_STR_LEN])
{
	_cleanup_digester_ struct digester *d = digester_new();
	digester_update(d, data, len);
	digester_final(d, out);
}

int digest_file(const char *path, char out[DIGEST_STR_LEN])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_digester_ struct digester *d = digester_new();
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		digester_update(d, buf, (size_t)n);
	}
	close(fd);
	digester_final(d, out);
	return 0;
}

bool hex_is_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return s[len] == '\0';
}

bool digest_is_valid(const char *s)
{
	if (!s)
		return false;
	if (strncmp(s, "sha256:", 7) == 0)
		return strlen(s + 7) == 64 && hex_is_valid(s + 7, 64);
	if (strncmp(s, "sha512:", 7) == 0)
		return strlen(s + 7) == 128 && hex_is_valid(s + 7, 128);
	return false;
}

const char *digest_hex(const char *digest)
{
	const char *c = strchr(digest, ':');
	return c ? c + 1 : digest;
}

void random_hex_id(char out[DIGEST_HEX_LEN + 1])
{
	unsigned char raw[32];
	size_t got = 0;
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		got += (size_t)n;
	}
	hex_encode(raw, sizeof(raw), out);
}
