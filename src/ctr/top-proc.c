/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/top-proc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define PROC_FILE_MAX (256u * 1024) /* stat, status, maps: far smaller */
#define CMDLINE_MAX (128u * 1024)   /* longer command lines are cut */
#define GROUPS_MAX 65536
#define OVERFLOW_ID 65534 /* what an unmapped id reads as inside a user namespace */

static bool gone(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

static char *proc_path(const char *proc_root, pid_t pid, const char *file)
{
	return xasprintf("%s/%d/%s", proc_root, (int)pid, file);
}

static int proc_file_read(const char *proc_root, pid_t pid, const char *file, char **ret)
{
	_cleanup_free_ char *path = proc_path(proc_root, pid, file);
	size_t len = 0;

	return fs_read_file(path, PROC_FILE_MAX, ret, &len);
}

static int proc_error(int r, pid_t pid, const char *file, struct sk_error **err)
{
	if (gone(r))
		return -ESRCH;
	return sk_err_system(err, r, "read /proc/%d/%s: %s", (int)pid, file, strerror(-r));
}

/* "pid (comm) S ppid pgrp ..." — comm may hold spaces and parentheses: cut at the last ')'. */
static int stat_parse(char *buf, struct top_proc *p, pid_t *ret_host_ppid)
{
	char *open = strchr(buf, '(');
	char *close = strrchr(buf, ')');
	uint64_t ppid = 0;

	if (!open || !close || close < open)
		return -EBADMSG;
	p->comm = xstrndup(open + 1, (size_t)(close - open - 1));
	_cleanup_strv_free_ char **f = strv_split(close + 1, " \n", true);
	if (strv_length(f) < 21)
		return -EBADMSG;
	if (parse_uint64(f[1], &ppid) < 0 || parse_uint64(f[4], &p->tty_nr) < 0 ||
	    parse_uint64(f[11], &p->utime) < 0 || parse_uint64(f[12], &p->stime) < 0 ||
	    parse_uint64(f[19], &p->starttime) < 0 || parse_uint64(f[20], &p->vsize) < 0)
		return -EBADMSG;
	p->nice = xstrdup(f[16]);
	*ret_host_ppid = (pid_t)ppid;
	return 0;
}

/* Call fn for each "Key:\tvalue" line of a status file. */
typedef void (*status_line_fn)(const char *key, const char *value, void *userdata);

static void status_foreach(char *buf, status_line_fn fn, void *userdata)
{
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			const char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			fn(line, v, userdata);
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* The last of the whitespace-separated numbers in s ("7631\t1" → 1) and how many there are. */
static size_t last_number(const char *s, pid_t *ret)
{
	_cleanup_strv_free_ char **f = strv_split(s, " \t", true);
	size_t n = strv_length(f);
	uint64_t v = 0;

	if (n > 0 && parse_uint64(f[n - 1], &v) == 0 && v <= INT32_MAX)
		*ret = (pid_t)v;
	return n;
}

static void ids_parse(const char *s, uint32_t ret[2])
{
	_cleanup_strv_free_ char **f = strv_split(s, " \t", true);
	uint64_t v = 0;

	for (size_t i = 0; i < 2 && i < strv_length(f); i++)
		if (parse_uint64(f[i], &v) == 0 && v <= UINT32_MAX)
			ret[i] = (uint32_t)v;
}

static void groups_parse(const char *s, struct top_proc *p)
{
	_cleanup_strv_free_ char **f = strv_split(s, " \t", true);
	size_t n = MIN(strv_length(f), (size_t)GROUPS_MAX);
	uint64_t v = 0;

	p->host_groups = xnew(uint32_t, n + 1);
	for (size_t i = 0; i < n; i++)
		if (parse_uint64(f[i], &v) == 0 && v <= UINT32_MAX)
			p->host_groups[p->n_groups++] = (uint32_t)v;
}

static uint64_t hex_parse(const char *s)
{
	char *end = NULL;
	unsigned long long v = strtoull(s, &end, 16);

	return end && end != s ? v : 0;
}

struct status_scan {
	struct top_proc *p;
	size_t ns_depth;
};

static void status_line(const char *key, const char *value, void *userdata)
{
	struct status_scan *s = userdata;
	struct top_proc *p = s->p;

	if (streq(key, "Name") && !p->name)
		p->name = xstrdup(value);
	else if (streq(key, "State") && !p->state)
		p->state = xstrndup(value, strcspn(value, " \t"));
	else if (streq(key, "Uid"))
		ids_parse(value, p->host_uid);
	else if (streq(key, "Gid"))
		ids_parse(value, p->host_gid);
	else if (streq(key, "Groups") && !p->host_groups)
		groups_parse(value, p);
	else if (streq(key, "NSpid"))
		s->ns_depth = last_number(value, &p->pid);
	else if (streq(key, "NSpgid"))
		last_number(value, &p->pgid);
	else if (streq(key, "VmRSS") && !p->vmrss)
		p->vmrss = xstrndup(value, strcspn(value, " \t"));
	else if (streq(key, "Seccomp") && !p->seccomp)
		p->seccomp = xstrdup(value);
	else if (streq(key, "CapInh"))
		p->cap_inh = hex_parse(value);
	else if (streq(key, "CapPrm"))
		p->cap_prm = hex_parse(value);
	else if (streq(key, "CapEff"))
		p->cap_eff = hex_parse(value);
	else if (streq(key, "CapBnd"))
		p->cap_bnd = hex_parse(value);
	else if (streq(key, "CapAmb"))
		p->cap_amb = hex_parse(value);
}

/* The NSpid depth of a process (0 when unreadable), and its innermost PID. */
static size_t ns_depth_read(const char *proc_root, pid_t pid, pid_t *ret_pid)
{
	_cleanup_free_ char *buf = NULL;
	struct top_proc tmp = { 0 };
	struct status_scan s = { .p = &tmp };

	if (pid <= 0 || proc_file_read(proc_root, pid, "status", &buf) < 0)
		return 0;
	status_foreach(buf, status_line, &s);
	*ret_pid = tmp.pid;
	top_proc_done(&tmp);
	return s.ns_depth;
}

/* Map a host id through a uid_map/gid_map text ("inside outside count" lines); no map means
 * the identity, an id the map lacks reads as the overflow id. */
static uint32_t id_map(const char *map, uint32_t id)
{
	if (!map)
		return id;
	for (const char *line = map; line && *line;) {
		unsigned long long in = 0, out = 0, count = 0;
		if (sscanf(line, "%llu %llu %llu", &in, &out, &count) == 3 && id >= out &&
		    id - out < count)
			return (uint32_t)(in + (id - out));
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return OVERFLOW_ID;
}

static void ids_translate(const char *proc_root, struct top_proc *p)
{
	_cleanup_free_ char *uid_map = NULL;
	_cleanup_free_ char *gid_map = NULL;

	if (proc_file_read(proc_root, p->hpid, "uid_map", &uid_map) < 0)
		uid_map = NULL;
	if (proc_file_read(proc_root, p->hpid, "gid_map", &gid_map) < 0)
		gid_map = NULL;
	for (size_t i = 0; i < 2; i++) {
		p->uid[i] = id_map(uid_map, p->host_uid[i]);
		p->gid[i] = id_map(gid_map, p->host_gid[i]);
	}
	p->groups = xnew(uint32_t, p->n_groups + 1);
	for (size_t i = 0; i < p->n_groups; i++)
		p->groups[i] = id_map(gid_map, p->host_groups[i]);
}

static int cmdline_read(const char *proc_root, struct top_proc *p)
{
	_cleanup_free_ char *path = proc_path(proc_root, p->hpid, "cmdline");
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = xmalloc(CMDLINE_MAX + 1);

	if (fd < 0)
		return -errno;
	ssize_t n = fd_read_full(fd, buf, CMDLINE_MAX);
	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	p->args = xstrdup(buf);
	return 0;
}

static void label_read(const char *proc_root, struct top_proc *p)
{
	_cleanup_free_ char *buf = NULL;

	if (proc_file_read(proc_root, p->hpid, "attr/current", &buf) < 0) {
		p->label = xstrdup("?");
		return;
	}
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p->label = xstrdup(buf);
}

static int top_proc_fill(const char *proc_root, struct top_proc *p, struct sk_error **err)
{
	_cleanup_free_ char *stat = NULL;
	_cleanup_free_ char *status = NULL;
	struct status_scan scan = { .p = p };
	pid_t host_ppid = 0, parent_pid = 0;
	int r;

	r = proc_file_read(proc_root, p->hpid, "stat", &stat);
	if (r < 0)
		return proc_error(r, p->hpid, "stat", err);
	r = stat_parse(stat, p, &host_ppid);
	if (r < 0)
		return sk_err_system(err, r, "read /proc/%d/stat: unexpected format", (int)p->hpid);
	r = proc_file_read(proc_root, p->hpid, "status", &status);
	if (r < 0)
		return proc_error(r, p->hpid, "status", err);
	p->pid = p->hpid;
	p->pgid = -1;
	status_foreach(status, status_line, &scan);
	if (p->pgid < 0)
		p->pgid = 0;
	/* The parent counts when it lives in the same PID namespace: as deep as the process. */
	if (host_ppid > 0 && ns_depth_read(proc_root, host_ppid, &parent_pid) == scan.ns_depth)
		p->ppid = parent_pid;
	r = cmdline_read(proc_root, p);
	if (r < 0)
		return proc_error(r, p->hpid, "cmdline", err);
	ids_translate(proc_root, p);
	label_read(proc_root, p);
	return 0;
}

int top_proc_read(const char *proc_root, pid_t hpid, struct top_proc *ret, struct sk_error **err)
{
	struct top_proc p = { .hpid = hpid };
	int r = top_proc_fill(proc_root, &p, err);

	if (r < 0) {
		top_proc_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}

void top_proc_done(struct top_proc *p)
{
	if (!p)
		return;
	free(p->comm);
	free(p->name);
	free(p->state);
	free(p->nice);
	free(p->vmrss);
	free(p->seccomp);
	free(p->args);
	free(p->label);
	free(p->host_groups);
	free(p->groups);
	*p = (struct top_proc){ 0 };
}

int top_boot_time(const char *proc_root, int64_t *ret, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(proc_root, "stat");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = fs_read_file(path, 4u * 1024 * 1024, &buf, &len);

	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strneq(line, "btime ", 6) && parse_int64(line + 6, ret) == 0)
			return 0;
		line = nl ? nl + 1 : NULL;
	}
	return sk_err_system(err, EBADMSG, "read %s: no btime line", path);
}
