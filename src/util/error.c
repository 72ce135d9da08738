/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const kind_names[_SK_ERR_MAX] = {
	[SK_ERR_NOTFOUND] = "notfound", [SK_ERR_EXISTS] = "exists",
	[SK_ERR_STATE] = "state",	[SK_ERR_INVALID] = "invalid",
	[SK_ERR_RUNTIME] = "runtime",	[SK_ERR_REGISTRY] = "registry",
	[SK_ERR_AUTH] = "auth",		[SK_ERR_CORRUPT] = "corrupt",
	[SK_ERR_NOEXEC] = "noexec",	[SK_ERR_NOCMD] = "nocmd",
	[SK_ERR_SYSTEM] = "system",	[SK_ERR_INTERNAL] = "internal",
	[SK_ERR_INUSE] = "inuse",
};

const char *sk_error_kind_to_string(enum sk_error_kind kind)
{
	if ((int)kind < 0 || kind >= _SK_ERR_MAX)
		return NULL;
	return kind_names[kind];
}

static int errnum_to_ret(int errnum)
{
	if (errnum < 0)
		errnum = -errnum;
	return errnum ? -errnum : -EIO;
}

int sk_error_setv(struct sk_error **err, enum sk_error_kind kind, int errnum, const char *fmt,
		  va_list ap)
{
	if (!err || *err)
		return err && *err ? sk_error_ret(*err) : errnum_to_ret(errnum);
	struct sk_error *e = xnew(struct sk_error, 1);
	e->kind = kind;
	e->errnum = errnum < 0 ? -errnum : errnum;
	e->msg = xvasprintf(fmt, ap);
	*err = e;
	return errnum_to_ret(errnum);
}

int sk_error_set(struct sk_error **err, enum sk_error_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = sk_error_setv(err, kind, errnum, fmt, ap);
	va_end(ap);
	return r;
}

int sk_error_wrap(struct sk_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return -EIO;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *ctx = xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = xasprintf("%s: %s", ctx, (*err)->msg);
	free((*err)->msg);
	(*err)->msg = msg;
	return sk_error_ret(*err);
}

int sk_error_ret(const struct sk_error *err)
{
	return err ? errnum_to_ret(err->errnum) : -EIO;
}

void sk_error_free(struct sk_error *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err);
}

const char *strerror_go(int errnum)
{
	static _Thread_local char buf[128];
	if (errnum < 0)
		errnum = -errnum;
	snprintf(buf, sizeof(buf), "%s", strerror(errnum));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}
