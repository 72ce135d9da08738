/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error object carried back to the fronts (STYLE.md "Errors"). Library functions above
 * util/ end with `struct sk_error **err`, return a negative value on failure and set *err once.
 */
#pragma once

#include <stdarg.h>

#include "macro.h"

enum sk_error_kind {
	SK_ERR_NOTFOUND,
	SK_ERR_EXISTS,
	SK_ERR_STATE,
	SK_ERR_INVALID,
	SK_ERR_RUNTIME,
	SK_ERR_REGISTRY,
	SK_ERR_AUTH,
	SK_ERR_CORRUPT,
	SK_ERR_NOEXEC,
	SK_ERR_NOCMD,
	SK_ERR_SYSTEM,
	SK_ERR_INTERNAL,
	SK_ERR_INUSE,
	_SK_ERR_MAX,
	_SK_ERR_INVALID = -22,
};

struct sk_error {
	enum sk_error_kind kind;
	int errnum; /* positive errno, 0 when not from a syscall */
	char *msg;
};

const char *sk_error_kind_to_string(enum sk_error_kind kind);

/* Set *err (if err is non-NULL and not yet set) and return -errnum, or -EIO when errnum is 0.
 * errnum may be given negative or positive. */
int sk_error_set(struct sk_error **err, enum sk_error_kind kind, int errnum, const char *fmt, ...)
	_printf_(4, 5);
int sk_error_setv(struct sk_error **err, enum sk_error_kind kind, int errnum, const char *fmt,
		  va_list ap) _printf_(4, 0);
/* Prepend "context: " to the message of an error already set; returns the error's -errno. */
int sk_error_wrap(struct sk_error **err, const char *fmt, ...) _printf_(2, 3);
/* The return value that matches an error already set. */
int sk_error_ret(const struct sk_error *err);
void sk_error_free(struct sk_error *err);
DEFINE_CLEANUP_FUNC(struct sk_error *, sk_error_free)
#define _cleanup_error_ _cleanup_(sk_error_freep)

/* errno's text as Go (and so podman) prints it: strerror() with a lowercase first letter
 * ("no such file or directory"). Thread-local buffer. */
const char *strerror_go(int errnum);

/* Shorthands for the common categories. */
#define sk_err_notfound(err, ...) sk_error_set((err), SK_ERR_NOTFOUND, ENOENT, __VA_ARGS__)
#define sk_err_invalid(err, ...) sk_error_set((err), SK_ERR_INVALID, EINVAL, __VA_ARGS__)
#define sk_err_system(err, e, ...) sk_error_set((err), SK_ERR_SYSTEM, (e), __VA_ARGS__)
#define sk_err_corrupt(err, ...) sk_error_set((err), SK_ERR_CORRUPT, EBADMSG, __VA_ARGS__)
#define sk_err_internal(err, ...) sk_error_set((err), SK_ERR_INTERNAL, EIO, __VA_ARGS__)
