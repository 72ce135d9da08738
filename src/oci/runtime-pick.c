/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime-pick.h"

#include <errno.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/child.h"
#include "util/fs.h"
#include "util/xalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum oci_cgroup_layout oci_cgroup_layout_detect(void)
{
	struct statfs st;
	if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return OCI_CGROUP_V2;
	if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) {
		_cleanup_free_ char *ctrls = NULL;
		if (fs_read_file("/sys/fs/cgroup/unified/cgroup.controllers", 4096, &ctrls, NULL) >=
			    0 &&
		    ctrls[strspn(ctrls, " \n")] != '\0')
			return OCI_CGROUP_HYBRID_V2_CONTROLLERS;
	}
	return OCI_CGROUP_V1;
}

const char *oci_cgroup_version_string(enum oci_cgroup_layout l)
{
	return l == OCI_CGROUP_V2 ? "v2" : "v1";
}

/* crun keeps refusing while any controller is on cgroup2; binding them to v1 (as an
 * administrator may do for hugetlb) makes the layout plain v1. */
static bool crun_usable(void)
{
	return oci_cgroup_layout_detect() != OCI_CGROUP_HYBRID_V2_CONTROLLERS;
}

static char *runtime_version(const char *path)
{
	char *argv[] = { (char *)path, "--version", NULL };
	struct child_opts o = CHILD_OPTS_INIT;
	o.capture_stdout = true;
	_cleanup_free_ char *out = NULL;
	int status;
	if (child_run(argv, &o, &status, &out, NULL) < 0 || !WIFEXITED(status))
		return xstrdup("unknown");
	out[strcspn(out, "\n")] = '\0';
	return xstrdup(out);
}

int oci_runtime_find(const char *wanted, struct oci_runtime_info *ret, struct sk_error **err)
{
	struct oci_runtime_info r = { 0 };
	const char *name = wanted;
	if (isempty(name)) {
		name = "crun";
		if (!crun_usable()) {
			name = "runc";
			r.note = xstrdup(
				"crun does not support this host's hybrid cgroup layout "
				"(controllers on cgroup v2 while v1 is in use): using runc");
		}
	}
	r.path = child_find_program(name);
	if (!r.path && isempty(wanted) && streq(name, "crun")) {
		name = "runc";
		r.path = child_find_program(name);
	}
	if (!r.path) {
		free(r.note);
		return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
				    "default OCI runtime \"%s\" not found: invalid argument", name);
	}
	r.name = xstrdup(path_basename(name));
	*ret = r;
	return 0;
}

int oci_runtime_pick(const char *wanted, struct oci_runtime_info *ret, struct sk_error **err)
{
	int r = oci_runtime_find(wanted, ret, err);
	if (r >= 0)
		ret->version = runtime_version(ret->path);
	return r;
}

void oci_runtime_info_release(struct oci_runtime_info *r)
{
	free(r->name);
	free(r->path);
	free(r->version);
	free(r->note);
	*r = (struct oci_runtime_info){ 0 };
}

char *oci_cgroup_rootless_parent(void)
{
	if (oci_cgroup_layout_detect() != OCI_CGROUP_V2)
		return NULL;
	_cleanup_free_ char *text = NULL;
	if (fs_read_file("/proc/self/cgroup", 65536, &text, NULL) < 0)
		return NULL;
	const char *line = strstr(text, "0::/");
	if (!line || (line != text && line[-1] != '\n'))
		return NULL;
	_cleanup_free_ char *cg = xstrndup(line + 3, strcspn(line + 3, "\n"));
	_cleanup_free_ char *dir = xasprintf("/sys/fs/cgroup%s", cg);
	_cleanup_free_ char *procs = path_join(dir, "cgroup.subtree_control");
	if (access(dir, W_OK) < 0 || access(procs, W_OK) < 0)
		return NULL;
	return TAKE_PTR(cg);
}
