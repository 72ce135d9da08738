/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <zlib.h> /* a prototype to build a trampoline on; libz itself is not linked */

#include "util/lazy-lib.h"
#include "util/macro.h"

/* A trampoline as the shims write them, over a library the test does not link. */
static struct lazy_lib libz = LAZY_LIB_INIT("libz.so.1", "zlib1g");

const char *zlibVersion(void)
{
	return LAZY_LIB_FN(&libz, zlibVersion)();
}

static void test_lazy_lib_sym_loads_on_first_use(void **state)
{
	struct lazy_lib libm = LAZY_LIB_INIT("libm.so.6", "libc6");
	assert_false(lazy_lib_loaded(&libm));
	double (*c)(double) = (double (*)(double))lazy_lib_sym(&libm, "cos");
	assert_true(lazy_lib_loaded(&libm));
	void *handle = libm.handle;
	assert_non_null(handle);
	volatile double zero = 0.0;
	assert_true(c(zero) == 1.0);
	/* a second lookup reuses the handle */
	assert_ptr_equal(lazy_lib_sym(&libm, "cos"), (void *)c);
	assert_non_null(lazy_lib_sym(&libm, "sin"));
	assert_ptr_equal(libm.handle, handle);
}

static void test_lazy_lib_fn_trampoline_reaches_the_library(void **state)
{
	assert_false(lazy_lib_loaded(&libz));
	assert_string_equal(zlibVersion(), ZLIB_VERSION);
	assert_true(lazy_lib_loaded(&libz));
	assert_string_equal(zlibVersion(), ZLIB_VERSION);
}

struct race {
	struct lazy_lib *lib;
	pthread_barrier_t *start;
	void *sym;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	pthread_barrier_wait(r->start);
	r->sym = lazy_lib_sym(r->lib, "crc32");
	return NULL;
}

static void test_lazy_lib_sym_concurrent_first_use(void **state)
{
	struct lazy_lib lib = LAZY_LIB_INIT("libz.so.1", "zlib1g");
	pthread_barrier_t start;
	pthread_t t[8];
	struct race r[ELEMENTSOF(t)];
	assert_int_equal(pthread_barrier_init(&start, NULL, ELEMENTSOF(t)), 0);
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		r[i] = (struct race){ .lib = &lib, .start = &start };
		assert_int_equal(pthread_create(&t[i], NULL, race_thread, &r[i]), 0);
	}
	for (size_t i = 0; i < ELEMENTSOF(t); i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&start);
	assert_non_null(r[0].sym);
	for (size_t i = 1; i < ELEMENTSOF(t); i++)
		assert_ptr_equal(r[i].sym, r[0].sym);
}

/* Runs lazy_lib_sym(lib, name) in a child: it must abort, and what it printed is returned. */
static char *abort_output(struct lazy_lib *lib, const char *name)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);
		dup2(p[1], STDERR_FILENO);
		lazy_lib_sym(lib, name);
		_exit(0); /* not reached */
	}
	close(p[1]);
	static char out[1024];
	size_t n = 0;
	ssize_t k;
	while (n < sizeof(out) - 1 && (k = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(p[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	return out;
}

static void test_lazy_lib_sym_missing_library_aborts(void **state)
{
	struct lazy_lib lib = LAZY_LIB_INIT("libselkie-missing.so.1", "libselkie-missing1");
	assert_string_equal(
		abort_output(&lib, "x"),
		"Error: loading libselkie-missing.so.1: cannot open shared object file: "
		"No such file or directory: install the libselkie-missing1 package\n");
}

static void test_lazy_lib_sym_missing_symbol_aborts(void **state)
{
	struct lazy_lib lib = LAZY_LIB_INIT("libz.so.1", "zlib1g");
	const char *out = abort_output(&lib, "selkie_no_such_symbol");
	const char *head = "Error: loading selkie_no_such_symbol from libz.so.1: ";
	assert_true(strneq(out, head, strlen(head)));
	assert_non_null(strstr(out, "undefined symbol: selkie_no_such_symbol"));
	assert_non_null(strstr(out, ": install the zlib1g package\n"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_lib_sym_loads_on_first_use),
		cmocka_unit_test(test_lazy_lib_fn_trampoline_reaches_the_library),
		cmocka_unit_test(test_lazy_lib_sym_concurrent_first_use),
		cmocka_unit_test(test_lazy_lib_sym_missing_library_aborts),
		cmocka_unit_test(test_lazy_lib_sym_missing_symbol_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
