/* SPDX-License-Identifier: Apache-2.0 */
#include "lazy-lib.h"

#include <dlfcn.h>
#include <pthread.h>

#include "macro.h"

/* One lock for every lazy library: it is taken once per library, on its first use. */
static pthread_mutex_t lazy_lib_lock = PTHREAD_MUTEX_INITIALIZER;

_noreturn_ static void lazy_lib_fail(const struct lazy_lib *lib, const char *name)
{
	const char *why = dlerror();
	size_t n = strlen(lib->soname);
	if (!why)
		why = name ? "symbol is NULL" : "unknown error";
	/* dlopen's message starts with the name it was given: don't say it twice */
	else if (strneq(why, lib->soname, n) && strneq(why + n, ": ", 2))
		why += n + 2;
	if (name)
		fprintf(stderr, "Error: loading %s from %s: %s: install the %s package\n", name,
			lib->soname, why, lib->package);
	else
		fprintf(stderr, "Error: loading %s: %s: install the %s package\n", lib->soname, why,
			lib->package);
	abort();
}

static void *lazy_lib_handle(struct lazy_lib *lib)
{
	void *h = __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE);
	if (h)
		return h;
	pthread_mutex_lock(&lazy_lib_lock);
	h = lib->handle;
	if (!h) {
		h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			lazy_lib_fail(lib, NULL);
		__atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lazy_lib_lock);
	return h;
}

void *lazy_lib_sym(struct lazy_lib *lib, const char *name)
{
	void *h = lazy_lib_handle(lib);
	dlerror(); /* a NULL symbol is told from a missing one by dlerror() alone */
	void *sym = dlsym(h, name);
	if (!sym)
		lazy_lib_fail(lib, name);
	return sym;
}

bool lazy_lib_loaded(const struct lazy_lib *lib)
{
	return __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE) != NULL;
}
