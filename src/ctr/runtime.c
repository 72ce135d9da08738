/* SPDX-License-Identifier: Apache-2.0 */
/* Running the container's OCI runtime (crun, runc) for one operation. */
#include "ctr/runtime.h"

#include <errno.h>
#include <string.h>

#include "util/child.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

int ctr_runtime_from_doc(const struct ctr_ctx *x, const json_t *doc, struct ctr_runtime *ret)
{
	const json_t *priv = json_object_get(doc, "Selkie");
	const char *path = sk_json_str(priv, "Runtime");
	const char *name = sk_json_str(priv, "RuntimeName");
	if (!path || !name)
		return -EINVAL;
	ret->path = path;
	ret->name = name;
	free(ret->root);
	ret->root = xasprintf("%s/%s", x->run_root, name);
	return 0;
}

void ctr_runtime_release(struct ctr_runtime *rt)
{
	free(rt->root);
	rt->root = NULL;
}

/* The runtime's message without its "crun: "/"time=... level=error msg=" decorations. */
static char *runtime_message(const char *out)
{
	_cleanup_strv_free_ char **lines = strv_split(out ? out : "", "\n", true);
	const char *last = lines[0] ? lines[strv_length(lines) - 1] : "";
	const char *msg = strstr(last, "msg=\"");
	if (msg) {
		_cleanup_free_ char *m = xstrdup(msg + 5);
		size_t n = strlen(m);
		if (n && m[n - 1] == '"')
			m[n - 1] = '\0';
		return xstrdup(m);
	}
	return xstrdup(last);
}

int ctr_runtime_run(const struct ctr_runtime *rt, char *const *args, struct sk_error **err)
{
	_cleanup_strv_free_ char **argv = strv_new(rt->path, "--root", rt->root, NULL);
	STRV_FOREACH (a, (char **)args)
		strv_push(&argv, *a);
	struct child_opts o = CHILD_OPTS_INIT;
	o.capture_stderr = true;
	o.capture_stdout = true;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	int status = 0;
	int r = child_run(argv, &o, &status, &out, &errout);
	if (r < 0)
		return sk_error_set(err, SK_ERR_RUNTIME, r, "run %s: %s", rt->path, strerror(-r));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	_cleanup_free_ char *msg = runtime_message(errout && errout[0] ? errout : out);
	return sk_error_set(err, SK_ERR_RUNTIME, EIO, "%s: %s", rt->name, msg);
}

int ctr_runtime_run1(const struct ctr_runtime *rt, const char *op, const char *id,
		     struct sk_error **err)
{
	char *args[] = { (char *)op, (char *)id, NULL };
	return ctr_runtime_run(rt, args, err);
}
