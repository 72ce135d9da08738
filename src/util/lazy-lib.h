/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared libraries loaded on first use. libcurl and libarchive pull in some forty libraries
 * between them, which the dynamic loader would map and relocate before main() on every
 * command, while most commands never make an HTTP request or read a tar. Their shims
 * (registry/curl-shim.c, store/archive-shim.c) define each function selkie calls under its real
 * name; the first call dlopen()s the library and every call jumps to the real function.
 *
 * A library that cannot be loaded is an installation error (it is a package dependency): the
 * process says so on stderr and aborts. This is the one place below cli/ that prints.
 */
#pragma once

#include <stdbool.h>

struct lazy_lib {
	const char *soname;  /* what dlopen() is given: "libcurl.so.4" */
	const char *package; /* the Debian package that ships it, named in the error */
	void *handle;	     /* set once, on first use; read it with lazy_lib_loaded() */
};

#define LAZY_LIB_INIT(so, pkg)                                                                     \
	{                                                                                          \
		.soname = (so), .package = (pkg), .handle = NULL                                   \
	}

/*
 * The address of the function (or object) name in lib, loading lib (RTLD_NOW | RTLD_LOCAL) on
 * the first call. Safe to call from several threads at once. Never returns NULL: if the library
 * or the symbol is missing, prints "Error: loading <soname>: <why>: install the <package>
 * package" and aborts.
 */
void *lazy_lib_sym(struct lazy_lib *lib, const char *name);

/* Whether lib has been loaded (by an earlier lazy_lib_sym()). */
bool lazy_lib_loaded(const struct lazy_lib *lib);

/*
 * The body of a trampoline: the real fn of lib, resolved on the first call and cached in a
 * static. fn must be the function being defined, so its type comes from the library's own
 * prototype and a signature that drifts from the header fails to compile:
 *
 *	CURL *curl_easy_init(void)
 *	{
 *		return LAZY_LIB_FN(&libcurl, curl_easy_init)();
 *	}
 *
 * Concurrent first calls each resolve the same address; the atomic store makes that harmless.
 */
#define LAZY_LIB_FN(lib, fn)                                                                       \
	({                                                                                         \
		static __typeof__(&fn) lazy_fn_;                                                   \
		__typeof__(&fn) f_ = __atomic_load_n(&lazy_fn_, __ATOMIC_ACQUIRE);                 \
		if (!f_) {                                                                         \
			f_ = (__typeof__(&fn))lazy_lib_sym((lib), #fn);                            \
			__atomic_store_n(&lazy_fn_, f_, __ATOMIC_RELEASE);                         \
		}                                                                                  \
		f_;                                                                                \
	})
