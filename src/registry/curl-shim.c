/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl, loaded on first use (see util/lazy-lib.h): every libcurl function selkie calls,
 * defined here under its real name, so the callers are written against plain <curl/curl.h>.
 * selkie does not link libcurl: a libcurl function used anywhere without a trampoline here
 * fails the link with an undefined reference — add it below.
 */
#define CURL_DISABLE_TYPECHECK /* the typecheck macros would rename curl_easy_setopt & co */
#include <assert.h>
#include <curl/curl.h>
#include <stdarg.h>

#include "util/lazy-lib.h"

static struct lazy_lib libcurl = LAZY_LIB_INIT(SELKIE_LIBCURL_SONAME, SELKIE_LIBCURL_PACKAGE);

/*
 * curl_easy_setopt() and curl_easy_getinfo() take exactly one argument after the option, which
 * libcurl reads as a long, a curl_off_t, an object pointer or a function pointer depending on
 * the option. A trampoline does not know which: it reads the argument as a void * and passes
 * it on as one. On the 64-bit ABIs Debian builds for (x86-64 SysV, AArch64 AAPCS64, ppc64el
 * ELFv2, s390x, riscv64 LP64) all four types are 8 bytes wide and travel, variadic or not, in
 * the same general-purpose register or 8-byte stack slot, so libcurl's va_arg() reads back the
 * very bits the caller passed. No option takes a double, which would travel elsewhere. The
 * asserts stop a build where the sizes differ (i386, armhf: curl_off_t is wider than long).
 */
static_assert(sizeof(long) == sizeof(void *), "long and pointers differ in size");
static_assert(sizeof(curl_off_t) == sizeof(void *), "curl_off_t and pointers differ in size");
static_assert(sizeof(void (*)(void)) == sizeof(void *), "function and object pointers differ");

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	va_start(ap, option);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return LAZY_LIB_FN(&libcurl, curl_easy_setopt)(curl, option, arg);
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	va_start(ap, info);
	void *arg = va_arg(ap, void *); /* always a pointer to where the answer goes */
	va_end(ap);
	return LAZY_LIB_FN(&libcurl, curl_easy_getinfo)(curl, info, arg);
}

/*
 * The destructors take NULL, as libcurl's do, without loading libcurl: cleanup attributes call
 * them on paths that never needed it.
 */

/* ---- global ---- */

CURLcode curl_global_init(long flags)
{
	return LAZY_LIB_FN(&libcurl, curl_global_init)(flags);
}

void curl_free(void *p)
{
	if (p)
		LAZY_LIB_FN(&libcurl, curl_free)(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	return LAZY_LIB_FN(&libcurl, curl_slist_append)(list, data);
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (list)
		LAZY_LIB_FN(&libcurl, curl_slist_free_all)(list);
}

/* ---- easy ---- */

CURL *curl_easy_init(void)
{
	return LAZY_LIB_FN(&libcurl, curl_easy_init)();
}

CURLcode curl_easy_perform(CURL *curl)
{
	return LAZY_LIB_FN(&libcurl, curl_easy_perform)(curl);
}

void curl_easy_cleanup(CURL *curl)
{
	if (curl)
		LAZY_LIB_FN(&libcurl, curl_easy_cleanup)(curl);
}

void curl_easy_reset(CURL *curl)
{
	LAZY_LIB_FN(&libcurl, curl_easy_reset)(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
	return LAZY_LIB_FN(&libcurl, curl_easy_strerror)(code);
}

/* ---- multi ---- */

CURLM *curl_multi_init(void)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_init)();
}

CURLMcode curl_multi_add_handle(CURLM *multi_handle, CURL *curl_handle)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_add_handle)(multi_handle, curl_handle);
}

CURLMcode curl_multi_remove_handle(CURLM *multi_handle, CURL *curl_handle)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_remove_handle)(multi_handle, curl_handle);
}

CURLMcode curl_multi_poll(CURLM *multi_handle, struct curl_waitfd extra_fds[],
			  unsigned int extra_nfds, int timeout_ms, int *ret)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_poll)(multi_handle, extra_fds, extra_nfds,
						      timeout_ms, ret);
}

CURLMcode curl_multi_perform(CURLM *multi_handle, int *running_handles)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_perform)(multi_handle, running_handles);
}

CURLMcode curl_multi_cleanup(CURLM *multi_handle)
{
	if (!multi_handle)
		return CURLM_BAD_HANDLE; /* what libcurl answers for NULL */
	return LAZY_LIB_FN(&libcurl, curl_multi_cleanup)(multi_handle);
}

CURLMsg *curl_multi_info_read(CURLM *multi_handle, int *msgs_in_queue)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_info_read)(multi_handle, msgs_in_queue);
}

const char *curl_multi_strerror(CURLMcode code)
{
	return LAZY_LIB_FN(&libcurl, curl_multi_strerror)(code);
}

/* ---- URL API ---- */

CURLU *curl_url(void)
{
	return LAZY_LIB_FN(&libcurl, curl_url)();
}

void curl_url_cleanup(CURLU *handle)
{
	if (handle)
		LAZY_LIB_FN(&libcurl, curl_url_cleanup)(handle);
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
	return LAZY_LIB_FN(&libcurl, curl_url_get)(handle, what, part, flags);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags)
{
	return LAZY_LIB_FN(&libcurl, curl_url_set)(handle, what, part, flags);
}
