/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/top.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ctr/stats-format.h"
#include "ctr/top-proc.h"
#include "oci/spec-defaults.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define NSEC_PER_SEC 1000000000LL
#define DB_LINE_MAX (64u * 1024)
/* psgo names capabilities 0..37 (CAP_AUDIT_READ); later ones print as "unknown", and "full"
 * means exactly those 38 bits. */
#define CAP_FULL_MASK ((UINT64_C(1) << 38) - 1)

struct top_ctx {
	const struct ctr_top_opts *opts;
	int64_t now_ns;
	int64_t boot_time; /* seconds since the epoch */
	long ticks;
};

typedef char *(*top_fn)(const struct top_proc *p, const struct top_ctx *c);

struct top_descriptor {
	const char *code; /* "%C", or NULL */
	const char *normal;
	const char *header;
	top_fn fn;
};

static const char *const default_descriptors[] = { "user",  "pid", "ppid", "pcpu",
						   "etime", "tty", "time", "args" };

/* psgo (podman 4.3's top) names capabilities up to CAP_AUDIT_READ; later ones are "unknown". */
#define TOP_CAP_LAST 37

/* The name of id in a passwd or group text (the id is the third field), or NULL. */
static char *db_name(const char *db, uint32_t id)
{
	for (const char *p = db; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && len <= DB_LINE_MAX) {
			_cleanup_free_ char *line = xstrndup(p, len);
			_cleanup_strv_free_ char **f = strv_split(line, ":", false);
			uint64_t v = 0;
			if (strv_length(f) >= 3 && !isempty(f[0]) && parse_uint64(f[2], &v) == 0 &&
			    v == id)
				return xstrdup(f[0]);
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static char *id_name(const char *db, uint32_t id)
{
	char *name = db_name(db, id);

	return name ? name : xasprintf("%" PRIu32, id);
}

static char *ids_join(const uint32_t *ids, size_t n, const char *db, bool names)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_init(&sb, 16);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addch(&sb, ',');
		if (names) {
			_cleanup_free_ char *s = id_name(db, ids[i]);
			strbuf_addstr(&sb, s);
		} else {
			strbuf_addf(&sb, "%" PRIu32, ids[i]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *caps_format(uint64_t mask)
{
	const char *names[64];
	size_t n = 0;

	if (mask == CAP_FULL_MASK)
		return xstrdup("full");
	for (unsigned i = 0; i < 64; i++)
		if (mask & (UINT64_C(1) << i))
			names[n++] =
				i <= TOP_CAP_LAST && oci_cap_name(i) ? oci_cap_name(i) : "unknown";
	if (n == 0)
		return xstrdup("none");
	qsort(names, n, sizeof(*names), str_cmp);
	_cleanup_strv_free_ char **v = NULL;
	for (size_t i = 0; i < n; i++)
		strv_push(&v, names[i]);
	return strv_join(v, ",");
}

static int64_t start_seconds(const struct top_proc *p, const struct top_ctx *c)
{
	return c->boot_time + (int64_t)(p->starttime / (uint64_t)c->ticks);
}

static int64_t elapsed_ns(const struct top_proc *p, const struct top_ctx *c)
{
	return c->now_ns - start_seconds(p, c) * NSEC_PER_SEC;
}

static int64_t cpu_seconds(const struct top_proc *p, const struct top_ctx *c)
{
	return (int64_t)((p->utime + p->stime) / (uint64_t)c->ticks);
}

static char *tty_name(uint64_t nr)
{
	unsigned major = (unsigned)((nr >> 8) & 0xfff);
	unsigned minor = (unsigned)((nr & 0xff) | ((nr >> 12) & 0xfff00));

	if (major >= 136 && major <= 143)
		return xasprintf("pts/%u", (major - 136) * 256 + minor);
	if (major == 4 && minor < 64)
		return xasprintf("tty%u", minor);
	if (major == 4)
		return xasprintf("ttyS%u", minor - 64);
	if (major == 5 && minor == 0)
		return xstrdup("tty");
	if (major == 5 && minor == 1)
		return xstrdup("console");
	return xstrdup("?");
}

static char *fn_user(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->passwd, p->uid[1]);
}

static char *fn_ruser(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->passwd, p->uid[0]);
}

static char *fn_group(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->group, p->gid[1]);
}

static char *fn_rgroup(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->group, p->gid[0]);
}

static char *fn_groups(const struct top_proc *p, const struct top_ctx *c)
{
	return ids_join(p->groups, p->n_groups, c->opts->group, true);
}

static char *fn_huser(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->host_passwd, p->host_uid[1]);
}

static char *fn_hgroup(const struct top_proc *p, const struct top_ctx *c)
{
	return id_name(c->opts->host_group, p->host_gid[1]);
}

static char *fn_hgroups(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return ids_join(p->host_groups, p->n_groups, NULL, false);
}

static char *fn_pid(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xasprintf("%d", (int)p->pid);
}

static char *fn_ppid(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xasprintf("%d", (int)p->ppid);
}

static char *fn_pgid(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xasprintf("%d", (int)p->pgid);
}

static char *fn_hpid(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xasprintf("%d", (int)p->hpid);
}

static char *fn_pcpu(const struct top_proc *p, const struct top_ctx *c)
{
	double pcpu = 100.0 * (double)cpu_seconds(p, c) / ((double)elapsed_ns(p, c) / 1e9);

	if (isnan(pcpu))
		return xstrdup("NaN");
	if (isinf(pcpu))
		return xstrdup(pcpu > 0 ? "+Inf" : "-Inf");
	return xasprintf("%.3f", pcpu);
}

static char *fn_etime(const struct top_proc *p, const struct top_ctx *c)
{
	return ctr_duration_format_go(elapsed_ns(p, c));
}

static char *fn_time(const struct top_proc *p, const struct top_ctx *c)
{
	return ctr_duration_format_go(cpu_seconds(p, c) * NSEC_PER_SEC);
}

static char *fn_stime(const struct top_proc *p, const struct top_ctx *c)
{
	return time_format_go(start_seconds(p, c) * NSEC_PER_SEC);
}

static char *fn_tty(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return p->tty_nr == 0 ? xstrdup("?") : tty_name(p->tty_nr);
}

static char *fn_args(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	if (isempty(p->args) || p->args[0] == ' ')
		return xasprintf("[%s]", p->name ? p->name : p->comm);
	return xstrdup(p->args);
}

static char *fn_comm(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xstrdup(p->comm);
}

static char *fn_nice(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xstrdup(p->nice);
}

static char *fn_vsz(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xasprintf("%" PRIu64, p->vsize / 1024);
}

static char *fn_rss(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xstrdup(p->vmrss ? p->vmrss : "0");
}

static char *fn_state(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xstrdup(p->state ? p->state : "");
}

static char *fn_seccomp(const struct top_proc *p, const struct top_ctx *c)
{
	static const char *const modes[] = { "disabled", "strict", "filter" };
	(void)c;
	for (size_t i = 0; i < ELEMENTSOF(modes); i++)
		if (p->seccomp && p->seccomp[0] == (char)('0' + i) && p->seccomp[1] == '\0')
			return xstrdup(modes[i]);
	return xstrdup("?");
}

static char *fn_label(const struct top_proc *p, const struct top_ctx *c)
{
	(void)c;
	return xstrdup(p->label);
}

#define CAP_FN(field)                                                                              \
	static char *fn_##field(const struct top_proc *p, const struct top_ctx *c)                 \
	{                                                                                          \
		(void)c;                                                                           \
		return caps_format(p->field);                                                      \
	}
CAP_FN(cap_amb)
CAP_FN(cap_bnd)
CAP_FN(cap_eff)
CAP_FN(cap_inh)
CAP_FN(cap_prm)

static const struct top_descriptor descriptors[] = {
	{ "%C", "pcpu", "%CPU", fn_pcpu },
	{ "%G", "group", "GROUP", fn_group },
	{ NULL, "groups", "GROUPS", fn_groups },
	{ "%P", "ppid", "PPID", fn_ppid },
	{ "%U", "user", "USER", fn_user },
	{ "%a", "args", "COMMAND", fn_args },
	{ "%c", "comm", "COMMAND", fn_comm },
	{ "%g", "rgroup", "RGROUP", fn_rgroup },
	{ "%n", "nice", "NI", fn_nice },
	{ "%p", "pid", "PID", fn_pid },
	{ "%r", "pgid", "PGID", fn_pgid },
	{ "%t", "etime", "ELAPSED", fn_etime },
	{ "%u", "ruser", "RUSER", fn_ruser },
	{ "%x", "time", "TIME", fn_time },
	{ "%y", "tty", "TTY", fn_tty },
	{ "%z", "vsz", "VSZ", fn_vsz },
	{ NULL, "capamb", "AMBIENT CAPS", fn_cap_amb },
	{ NULL, "capinh", "INHERITED CAPS", fn_cap_inh },
	{ NULL, "capprm", "PERMITTED CAPS", fn_cap_prm },
	{ NULL, "capeff", "EFFECTIVE CAPS", fn_cap_eff },
	{ NULL, "capbnd", "BOUNDING CAPS", fn_cap_bnd },
	{ NULL, "seccomp", "SECCOMP", fn_seccomp },
	{ NULL, "label", "LABEL", fn_label },
	{ NULL, "hpid", "HPID", fn_hpid },
	{ NULL, "huser", "HUSER", fn_huser },
	{ NULL, "hgroup", "HGROUP", fn_hgroup },
	{ NULL, "hgroups", "HGROUPS", fn_hgroups },
	{ NULL, "rss", "RSS", fn_rss },
	{ NULL, "state", "STATE", fn_state },
	{ NULL, "stime", "STIME", fn_stime },
};

static const struct top_descriptor *descriptor_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(descriptors); i++)
		if (streq(name, descriptors[i].normal) ||
		    (descriptors[i].code && streq(name, descriptors[i].code)))
			return &descriptors[i];
	return NULL;
}

static char *trim_spaces(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
		len--;
	return xstrndup(s, len);
}

char **ctr_top_descriptors_parse(char *const *args)
{
	char **v = NULL;

	STRV_FOREACH (a, args) {
		_cleanup_strv_free_ char **parts = strv_split(*a, ",", true);
		STRV_FOREACH (p, parts)
			strv_push_take(&v, trim_spaces(*p));
	}
	if (!v)
		for (size_t i = 0; i < ELEMENTSOF(default_descriptors); i++)
			strv_push(&v, default_descriptors[i]);
	return v;
}

bool ctr_top_descriptors_valid(char *const *args)
{
	_cleanup_strv_free_ char **v = ctr_top_descriptors_parse(args);

	STRV_FOREACH (d, v)
		if (!descriptor_find(*d))
			return false;
	return true;
}

char **ctr_top_descriptors_list(void)
{
	char **v = NULL;

	for (size_t i = 0; i < ELEMENTSOF(descriptors); i++)
		strv_push(&v, descriptors[i].normal);
	strv_sort(v);
	return v;
}

static int row_cmp(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int procs_read(const char *proc_root, const pid_t *pids, size_t n, struct top_proc **ret,
		      size_t *ret_n, struct sk_error **err)
{
	struct top_proc *procs = xnew(struct top_proc, n + 1);
	size_t got = 0;

	for (size_t i = 0; i < n; i++) {
		int r = top_proc_read(proc_root, pids[i], &procs[got], err);
		if (r == -ESRCH)
			continue;
		if (r < 0) {
			for (size_t j = 0; j < got; j++)
				top_proc_done(&procs[j]);
			free(procs);
			return r;
		}
		got++;
	}
	qsort(procs, got, sizeof(*procs), row_cmp);
	*ret = procs;
	*ret_n = got;
	return 0;
}

static int top_ctx_init(const struct ctr_top_opts *opts, struct top_ctx *c, struct sk_error **err)
{
	c->opts = opts;
	c->now_ns = opts->now_ns ? opts->now_ns : time_now_ns();
	c->ticks = opts->clock_ticks > 0 ? opts->clock_ticks : sysconf(_SC_CLK_TCK);
	if (c->ticks <= 0)
		c->ticks = 100;
	return top_boot_time(opts->proc_root ? opts->proc_root : "/proc", &c->boot_time, err);
}

int ctr_top_run(const struct ctr_top_opts *opts, const pid_t *host_pids, size_t n_pids,
		char *const *args, struct ctr_top_table *ret, struct sk_error **err)
{
	_cleanup_strv_free_ char **names = ctr_top_descriptors_parse(args);
	size_t n_desc = strv_length(names), n_procs = 0;
	_cleanup_free_ const struct top_descriptor **desc =
		xnew(const struct top_descriptor *, n_desc + 1);
	struct top_proc *procs = NULL;
	struct top_ctx ctx = { 0 };
	struct ctr_top_table t = { 0 };
	int r;

	for (size_t i = 0; i < n_desc; i++) {
		desc[i] = descriptor_find(names[i]);
		if (!desc[i]) {
			ctr_top_table_done(&t);
			return sk_err_invalid(err, "'%s': unknown descriptor", names[i]);
		}
		strv_push(&t.titles, desc[i]->header);
	}
	r = top_ctx_init(opts, &ctx, err);
	if (r >= 0)
		r = procs_read(opts->proc_root ? opts->proc_root : "/proc", host_pids, n_pids,
			       &procs, &n_procs, err);
	if (r < 0) {
		ctr_top_table_done(&t);
		return r;
	}
	t.rows = xnew(char **, n_procs + 1);
	for (size_t i = 0; i < n_procs; i++) {
		t.rows[i] = xnew(char *, n_desc + 1);
		for (size_t j = 0; j < n_desc; j++)
			t.rows[i][j] = desc[j]->fn(&procs[i], &ctx);
		top_proc_done(&procs[i]);
	}
	free(procs);
	t.n_rows = n_procs;
	*ret = t;
	return 0;
}

void ctr_top_table_done(struct ctr_top_table *t)
{
	if (!t)
		return;
	strv_free(t->titles);
	for (size_t i = 0; i < t->n_rows; i++)
		strv_free(t->rows[i]);
	free(t->rows);
	*t = (struct ctr_top_table){ 0 };
}

char **ctr_top_table_lines(const struct ctr_top_table *t)
{
	char **v = NULL;

	strv_push_take(&v, strv_join(t->titles, "\t"));
	for (size_t i = 0; i < t->n_rows; i++)
		strv_push_take(&v, strv_join(t->rows[i], "\t"));
	return v;
}

char **ctr_top_ps_filter(char *const *lines, char *const *args)
{
	_cleanup_free_ char *cmd = strv_join(args, " ");
	char **v = NULL;

	STRV_FOREACH (l, lines)
		if (!strstr(*l, cmd ? cmd : ""))
			strv_push(&v, *l);
	return v ? v : strv_new(NULL);
}
