/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/cgroup-stats.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>

#include "state/containers.h"
#include "util/fs.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Counter files are small; memory.stat and net/dev of a busy host are a few KiB. */
#define STAT_FILE_MAX (1024u * 1024)
/* At most this many CPUs in cpuacct.usage_percpu. */
#define PERCPU_MAX 8192

/* A value that is "max" (v2 limits). */
#define VALUE_MAX UINT64_MAX

static const char *const v1_cpuacct_dirs[] = { "cpuacct", "cpu,cpuacct", "cpuacct,cpu" };

/* Read path into *ret; a missing file gives *ret = NULL and 0. */
static int stat_file_read(const char *path, char **ret, struct sk_error **err)
{
	size_t len = 0;
	int r = fs_read_file(path, STAT_FILE_MAX, ret, &len);

	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	return 0;
}

static char *strip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* A file holding one number or "max" (VALUE_MAX); 0 when the file does not exist. */
static int value_file_read(const char *dir, const char *name, uint64_t *ret, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(dir, name);
	_cleanup_free_ char *buf = NULL;
	int r = stat_file_read(path, &buf, err);

	if (r < 0)
		return r;
	*ret = 0;
	if (!buf)
		return 0;
	char *v = strip(buf);
	if (streq(v, "max")) {
		*ret = VALUE_MAX;
		return 0;
	}
	if (parse_uint64(v, ret) < 0)
		return sk_err_system(err, EBADMSG, "read %s: not a number: '%.32s'", path, v);
	return 0;
}

/* The value of "key value" lines (memory.stat, cpu.stat); 0 when the file or key is absent. */
static int keyed_file_read(const char *dir, const char *name, const char *key, uint64_t *ret,
			   struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(dir, name);
	_cleanup_free_ char *buf = NULL;
	size_t klen = strlen(key);
	int r = stat_file_read(path, &buf, err);

	*ret = 0;
	if (r < 0 || !buf)
		return r;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strneq(line, key, klen) && line[klen] == ' ') {
			if (parse_uint64(strip(line + klen), ret) < 0)
				return sk_err_system(err, EBADMSG, "read %s: bad value of '%s'",
						     path, key);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int percpu_read(const char *dir, struct ctr_cgroup_stats *st, struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(dir, "cpuacct.usage_percpu");
	_cleanup_free_ char *buf = NULL;
	_cleanup_strv_free_ char **f = NULL;
	int r = stat_file_read(path, &buf, err);

	if (r < 0 || !buf)
		return r;
	f = strv_split(buf, " \t\n", true);
	size_t n = MIN(strv_length(f), (size_t)PERCPU_MAX);
	if (n == 0)
		return 0;
	st->cpu_percpu_ns = xnew(uint64_t, n);
	for (size_t i = 0; i < n; i++)
		if (parse_uint64(f[i], &st->cpu_percpu_ns[i]) < 0)
			return sk_err_system(err, EBADMSG, "read %s: not a number: '%.32s'", path,
					     f[i]);
	st->n_cpu_percpu = n;
	return 0;
}

/* Add the Read and Write lines ("8:0 Read 4096") of a v1 blkio file. */
static void blkio_v1_parse(char *buf, struct ctr_cgroup_stats *st)
{
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		_cleanup_strv_free_ char **f = strv_split(line, " \t", true);
		uint64_t v = 0;
		if (strv_length(f) >= 3 && strchr(f[0], ':') && parse_uint64(f[2], &v) == 0) {
			if (strcasecmp(f[1], "read") == 0)
				st->block_read_bytes += v;
			else if (strcasecmp(f[1], "write") == 0)
				st->block_write_bytes += v;
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* Add rbytes= and wbytes= of each device line ("8:0 rbytes=1 wbytes=2 rios=3 ...") of io.stat. */
static void io_stat_v2_parse(char *buf, struct ctr_cgroup_stats *st)
{
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		_cleanup_strv_free_ char **f = strv_split(line, " \t", true);
		for (size_t i = 1; f && f[0] && f[i]; i++) {
			uint64_t v = 0;
			if (strneq(f[i], "rbytes=", 7) && parse_uint64(f[i] + 7, &v) == 0)
				st->block_read_bytes += v;
			else if (strneq(f[i], "wbytes=", 7) && parse_uint64(f[i] + 7, &v) == 0)
				st->block_write_bytes += v;
		}
		line = nl ? nl + 1 : NULL;
	}
}

static int blkio_read(const char *dir, bool v2, struct ctr_cgroup_stats *st, struct sk_error **err)
{
	static const char *const v1_files[] = { "blkio.throttle.io_service_bytes_recursive",
						"blkio.throttle.io_service_bytes" };
	int r;

	if (v2) {
		_cleanup_free_ char *path = path_join(dir, "io.stat");
		_cleanup_free_ char *buf = NULL;
		r = stat_file_read(path, &buf, err);
		if (r == 0 && buf)
			io_stat_v2_parse(buf, st);
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(v1_files); i++) {
		_cleanup_free_ char *path = path_join(dir, v1_files[i]);
		_cleanup_free_ char *buf = NULL;
		r = stat_file_read(path, &buf, err);
		if (r < 0)
			return r;
		if (buf) {
			blkio_v1_parse(buf, st);
			return 0;
		}
	}
	return 0;
}

static uint64_t mem_limit_bound(uint64_t limit, uint64_t host_total)
{
	if (limit == 0 || (host_total > 0 && limit > host_total))
		return host_total;
	return limit;
}

static bool path_has_dotdot(const char *path)
{
	_cleanup_strv_free_ char **parts = strv_split(path, "/", true);

	return strv_contains(parts, "..");
}

static int cgroup_missing(const char *cgroup_path, struct sk_error **err)
{
	return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
			    "unable to load cgroup at '%s': no such file or directory",
			    cgroup_path);
}

static int stats_read_v2(const char *cgroup_root, const char *cgroup_path, uint64_t host_total,
			 struct ctr_cgroup_stats *st, struct sk_error **err)
{
	_cleanup_free_ char *dir = path_join(cgroup_root, cgroup_path);
	uint64_t usec = 0, sys_usec = 0, limit = 0;
	int r;

	if (!fs_is_dir(dir))
		return cgroup_missing(cgroup_path, err);
	if ((r = keyed_file_read(dir, "cpu.stat", "usage_usec", &usec, err)) < 0 ||
	    (r = keyed_file_read(dir, "cpu.stat", "system_usec", &sys_usec, err)) < 0 ||
	    (r = value_file_read(dir, "memory.current", &st->mem_usage, err)) < 0 ||
	    (r = value_file_read(dir, "memory.max", &limit, err)) < 0 ||
	    (r = keyed_file_read(dir, "memory.stat", "inactive_file", &st->mem_inactive_file,
				 err)) < 0 ||
	    (r = value_file_read(dir, "pids.current", &st->pids_current, err)) < 0 ||
	    (r = value_file_read(dir, "pids.max", &st->pids_max, err)) < 0 ||
	    (r = blkio_read(dir, true, st, err)) < 0)
		return r;
	st->cpu_ns = usec > UINT64_MAX / 1000 ? UINT64_MAX : usec * 1000;
	st->cpu_system_ns = sys_usec > UINT64_MAX / 1000 ? UINT64_MAX : sys_usec * 1000;
	st->mem_limit = mem_limit_bound(limit, host_total);
	if (st->pids_max == VALUE_MAX)
		st->pids_max = 0;
	return 0;
}

static char *v1_dir(const char *cgroup_root, const char *controller, const char *cgroup_path)
{
	_cleanup_free_ char *ctl = path_join(cgroup_root, controller);

	return path_join(ctl, cgroup_path);
}

static int stats_read_v1_cpu(const char *cgroup_root, const char *cgroup_path,
			     struct ctr_cgroup_stats *st, struct sk_error **err)
{
	for (size_t i = 0; i < ELEMENTSOF(v1_cpuacct_dirs); i++) {
		_cleanup_free_ char *ctl = path_join(cgroup_root, v1_cpuacct_dirs[i]);
		if (!fs_is_dir(ctl))
			continue;
		_cleanup_free_ char *dir = path_join(ctl, cgroup_path);
		int r;
		if ((r = value_file_read(dir, "cpuacct.usage", &st->cpu_ns, err)) < 0 ||
		    (r = value_file_read(dir, "cpuacct.usage_sys", &st->cpu_system_ns, err)) < 0)
			return r;
		return percpu_read(dir, st, err);
	}
	return 0;
}

static int stats_read_v1(const char *cgroup_root, const char *cgroup_path, uint64_t host_total,
			 struct ctr_cgroup_stats *st, struct sk_error **err)
{
	_cleanup_free_ char *mem = v1_dir(cgroup_root, "memory", cgroup_path);
	_cleanup_free_ char *pids = v1_dir(cgroup_root, "pids", cgroup_path);
	_cleanup_free_ char *blkio = v1_dir(cgroup_root, "blkio", cgroup_path);
	uint64_t limit = 0;
	int r;

	/* The memory controller is always there for a container: its cgroup is the test. */
	if (!fs_is_dir(mem) && !fs_is_dir(pids))
		return cgroup_missing(cgroup_path, err);
	if ((r = stats_read_v1_cpu(cgroup_root, cgroup_path, st, err)) < 0 ||
	    (r = value_file_read(mem, "memory.usage_in_bytes", &st->mem_usage, err)) < 0 ||
	    (r = value_file_read(mem, "memory.limit_in_bytes", &limit, err)) < 0 ||
	    (r = keyed_file_read(mem, "memory.stat", "total_inactive_file", &st->mem_inactive_file,
				 err)) < 0 ||
	    (r = value_file_read(pids, "pids.current", &st->pids_current, err)) < 0 ||
	    (r = value_file_read(pids, "pids.max", &st->pids_max, err)) < 0 ||
	    (r = blkio_read(blkio, false, st, err)) < 0)
		return r;
	/* v1's "unlimited" is a huge page-aligned number: larger than the host's memory. */
	st->mem_limit = mem_limit_bound(limit, host_total);
	if (st->pids_max == VALUE_MAX)
		st->pids_max = 0;
	return 0;
}

int ctr_cgroup_version_detect(const char *cgroup_root, struct sk_error **err)
{
	static const char *const v1_markers[] = { "memory", "cpuacct", "cpu,cpuacct", "pids" };
	_cleanup_free_ char *controllers = path_join(cgroup_root, "cgroup.controllers");

	if (fs_exists(controllers))
		return CTR_CGROUP_V2;
	for (size_t i = 0; i < ELEMENTSOF(v1_markers); i++) {
		_cleanup_free_ char *dir = path_join(cgroup_root, v1_markers[i]);
		if (fs_is_dir(dir))
			return CTR_CGROUP_V1;
	}
	return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT, "no cgroup hierarchy found at '%s'",
			    cgroup_root);
}

int ctr_cgroup_stats_read(const char *cgroup_root, const char *cgroup_path, uint64_t host_mem_total,
			  struct ctr_cgroup_stats *ret, struct sk_error **err)
{
	struct ctr_cgroup_stats st = { 0 };
	const char *rel = cgroup_path ? cgroup_path : "";
	int r;

	while (*rel == '/')
		rel++;
	if (path_has_dotdot(rel))
		return sk_err_invalid(err, "cgroup path '%s': must not contain '..'", cgroup_path);
	r = ctr_cgroup_version_detect(cgroup_root, err);
	if (r < 0)
		return r;
	st.version = r;
	if (st.version == CTR_CGROUP_V2)
		r = stats_read_v2(cgroup_root, rel, host_mem_total, &st, err);
	else
		r = stats_read_v1(cgroup_root, rel, host_mem_total, &st, err);
	if (r < 0) {
		ctr_cgroup_stats_done(&st);
		return r;
	}
	*ret = st;
	return 0;
}

void ctr_cgroup_stats_done(struct ctr_cgroup_stats *s)
{
	if (!s)
		return;
	free(s->cpu_percpu_ns);
	*s = (struct ctr_cgroup_stats){ 0 };
}

struct procs_acc {
	pid_t *pids;
	size_t n;
};

#define PROCS_DEPTH_MAX 32

static int procs_collect(const char *dir, unsigned depth, struct procs_acc *acc,
			 struct sk_error **err)
{
	_cleanup_free_ char *path = path_join(dir, "cgroup.procs");
	_cleanup_free_ char *buf = NULL;
	int r = stat_file_read(path, &buf, err);

	if (r < 0)
		return r;
	_cleanup_strv_free_ char **lines = strv_split(buf ? buf : "", "\n", true);
	STRV_FOREACH (l, lines) {
		uint64_t v = 0;
		if (parse_uint64(*l, &v) < 0 || v == 0 || v > INT32_MAX)
			continue;
		if (acc->n >= CTR_CGROUP_PROCS_MAX)
			return 0;
		acc->pids = xreallocarray(acc->pids, acc->n + 1, sizeof(pid_t));
		acc->pids[acc->n++] = (pid_t)v;
	}
	if (depth >= PROCS_DEPTH_MAX)
		return 0;
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return 0;
	fd = -1;
	_cleanup_strv_free_ char **subdirs = NULL;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&subdirs, de->d_name);
	closedir(d);
	strv_sort(subdirs);
	STRV_FOREACH (sub, subdirs) {
		_cleanup_free_ char *child = path_join(dir, *sub);
		r = procs_collect(child, depth + 1, acc, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static char *procs_dir(const char *cgroup_root, int version, const char *rel)
{
	static const char *const v1_order[] = { "pids", "memory", "cpuacct", "systemd" };

	if (version == CTR_CGROUP_V2)
		return path_join(cgroup_root, rel);
	for (size_t i = 0; i < ELEMENTSOF(v1_order); i++) {
		char *dir = v1_dir(cgroup_root, v1_order[i], rel);
		if (fs_is_dir(dir))
			return dir;
		free(dir);
	}
	return NULL;
}

int ctr_cgroup_procs_read(const char *cgroup_root, const char *cgroup_path, pid_t **ret,
			  size_t *ret_n, struct sk_error **err)
{
	const char *rel = cgroup_path ? cgroup_path : "";
	struct procs_acc acc = { 0 };
	int r;

	while (*rel == '/')
		rel++;
	if (path_has_dotdot(rel))
		return sk_err_invalid(err, "cgroup path '%s': must not contain '..'", cgroup_path);
	r = ctr_cgroup_version_detect(cgroup_root, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = procs_dir(cgroup_root, r, rel);
	if (!dir || !fs_is_dir(dir))
		return cgroup_missing(rel, err);
	r = procs_collect(dir, 0, &acc, err);
	if (r < 0) {
		free(acc.pids);
		return r;
	}
	*ret = acc.pids;
	*ret_n = acc.n;
	return 0;
}

/* One interface line of net/dev: "  eth0: rx_bytes rx_packets ... (8 fields) tx_bytes ...". */
static void net_dev_line(const char *line, uint64_t *rx, uint64_t *tx)
{
	const char *colon = strchr(line, ':');
	uint64_t r = 0, t = 0;

	if (!colon)
		return;
	_cleanup_free_ char *name = xstrndup(line, (size_t)(colon - line));
	if (streq(strip(name), "lo"))
		return;
	_cleanup_strv_free_ char **f = strv_split(colon + 1, " \t", true);
	if (strv_length(f) < 9 || parse_uint64(f[0], &r) < 0 || parse_uint64(f[8], &t) < 0)
		return;
	*rx += r;
	*tx += t;
}

int ctr_net_dev_read(const char *path, uint64_t *ret_rx, uint64_t *ret_tx, struct sk_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	uint64_t rx = 0, tx = 0;
	int r = fs_read_file(path, STAT_FILE_MAX, &buf, &len);

	if (r == -ENOENT || r == -ESRCH)
		return sk_error_set(err, SK_ERR_NOTFOUND, -r, "read %s: %s", path, strerror(-r));
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	/* The first two lines are headers. */
	char *line = buf;
	for (int skip = 0; skip < 2 && line; skip++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		net_dev_line(line, &rx, &tx);
		line = nl ? nl + 1 : NULL;
	}
	*ret_rx = rx;
	*ret_tx = tx;
	return 0;
}

int ctr_host_mem_total(const char *meminfo_path, uint64_t *ret, struct sk_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = fs_read_file(meminfo_path, STAT_FILE_MAX, &buf, &len);

	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", meminfo_path, strerror(-r));
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strneq(line, "MemTotal:", 9)) {
			_cleanup_strv_free_ char **f = strv_split(line + 9, " \t", true);
			uint64_t kb = 0;
			if (!f || !f[0] || parse_uint64(f[0], &kb) < 0 || kb > UINT64_MAX / 1024)
				break;
			*ret = kb * 1024;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return sk_err_system(err, EBADMSG, "read %s: no MemTotal line", meminfo_path);
}

/* /proc/<pid>/stat's 4th field; 0 when gone. */
static pid_t parent_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *buf = NULL;
	if (fs_read_file(path, 4096, &buf, NULL) < 0)
		return 0;
	const char *p = strrchr(buf, ')'); /* the command name may hold anything */
	int ppid = 0;
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

static bool descends_from(pid_t pid, pid_t root)
{
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		if (pid == root)
			return true;
		pid = parent_of(pid);
	}
	return false;
}

int ctr_procs_read(const struct state_container *c, const char *cgroup_path, pid_t **ret,
		   size_t *ret_n, struct sk_error **err)
{
	_cleanup_free_ char *probe = path_join(CTR_CGROUP_ROOT, "pids");
	_cleanup_free_ char *dir = path_join(probe, cgroup_path);
	_cleanup_free_ char *dir2 = path_join(CTR_CGROUP_ROOT, cgroup_path);
	if (c->pid <= 0 || fs_exists(dir) || fs_exists(dir2))
		return ctr_cgroup_procs_read(CTR_CGROUP_ROOT, cgroup_path, ret, ret_n, err);
	DIR *d = opendir("/proc");
	if (!d)
		return sk_err_system(err, errno, "open /proc: %m");
	pid_t *pids = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || !descends_from((pid_t)pid, (pid_t)c->pid))
			continue;
		pids = xreallocarray(pids, n + 1, sizeof(*pids));
		pids[n++] = (pid_t)pid;
	}
	closedir(d);
	*ret = pids;
	*ret_n = n;
	return 0;
}
