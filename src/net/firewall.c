/* SPDX-License-Identifier: Apache-2.0 */
#include "firewall.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/child.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define RULES_FILE_MAX (4u << 20)
#define SAVE_MAX (64u << 20)

/* Where selkie's chains hang off the built-in ones. */
static const struct {
	const char *table, *builtin, *spec;
} jumps[] = {
	{ "nat", "PREROUTING", "-m addrtype --dst-type LOCAL -j " NET_FW_CHAIN_DNAT },
	{ "nat", "OUTPUT", "-m addrtype --dst-type LOCAL -j " NET_FW_CHAIN_DNAT },
	{ "nat", "POSTROUTING", "-j " NET_FW_CHAIN_POSTROUTING },
	{ "filter", "FORWARD", "-j " NET_FW_CHAIN_FORWARD },
};

static bool is_ipv4(const char *s)
{
	return s && s[0] && !strchr(s, ':');
}

char *net_fw_rules(const struct net_fw_ctr *f, bool add)
{
	const char *op = add ? "-A" : "-D";
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "*nat\n");
	if (f->masquerade)
		strbuf_addf(&sb,
			    "%s %s -s %s/32 ! -d %s -m comment --comment selkie:%s -j MASQUERADE\n",
			    op, NET_FW_CHAIN_POSTROUTING, f->ip, f->subnet, f->container_id);
	for (size_t i = 0; i < f->n_ports; i++) {
		const struct net_port *p = &f->ports[i];
		if (p->host_ip[0] && !is_ipv4(p->host_ip))
			continue; /* IPv6 host addresses need ip6tables: not handled */
		const char *pr = p->protocol;
		strbuf_addf(&sb, "%s %s", op, NET_FW_CHAIN_DNAT);
		if (p->host_ip[0])
			strbuf_addf(&sb, " -d %s/32", p->host_ip);
		strbuf_addf(&sb,
			    " -p %s -m %s --dport %u -m comment --comment selkie:%s -j DNAT "
			    "--to-destination %s:%u\n",
			    pr, pr, p->host_port, f->container_id, f->ip, p->container_port);
		/* 127.0.0.1:PORT and containers of the network through the host's address: the
		 * answer must come back through the host, so the source is rewritten. */
		strbuf_addf(&sb,
			    "%s %s -s 127.0.0.0/8 -d %s/32 -p %s -m %s --dport %u -m comment "
			    "--comment selkie:%s -j MASQUERADE\n",
			    op, NET_FW_CHAIN_POSTROUTING, f->ip, pr, pr, p->container_port,
			    f->container_id);
		strbuf_addf(&sb,
			    "%s %s -s %s -d %s/32 -p %s -m %s --dport %u -m comment --comment "
			    "selkie:%s -j MASQUERADE\n",
			    op, NET_FW_CHAIN_POSTROUTING, f->subnet, f->ip, pr, pr,
			    p->container_port, f->container_id);
	}
	strbuf_addstr(&sb, "COMMIT\n*filter\n");
	strbuf_addf(&sb,
		    "%s %s -d %s/32 -m conntrack --ctstate RELATED,ESTABLISHED -m comment "
		    "--comment selkie:%s -j ACCEPT\n",
		    op, NET_FW_CHAIN_FORWARD, f->ip, f->container_id);
	strbuf_addf(&sb, "%s %s -s %s/32 -m comment --comment selkie:%s -j ACCEPT\n", op,
		    NET_FW_CHAIN_FORWARD, f->ip, f->container_id);
	for (size_t i = 0; i < f->n_ports; i++) {
		const struct net_port *p = &f->ports[i];
		if (p->host_ip[0] && !is_ipv4(p->host_ip))
			continue;
		strbuf_addf(&sb,
			    "%s %s -d %s/32 -p %s -m %s --dport %u -m comment --comment selkie:%s "
			    "-j ACCEPT\n",
			    op, NET_FW_CHAIN_FORWARD, f->ip, p->protocol, p->protocol,
			    p->container_port, f->container_id);
	}
	strbuf_addstr(&sb, "COMMIT\n");
	return strbuf_detach(&sb, NULL);
}

static char *program(const char *name)
{
	char *p = child_find_program(name);
	return p ? p : xasprintf("/usr/sbin/%s", name);
}

static int run(char *const *argv, const char *input, char **errout)
{
	struct child_opts co = CHILD_OPTS_INIT;
	co.stdin_data = input;
	co.capture_stdout = true;
	co.capture_stderr = true;
	co.timeout_ms = 60000;
	int status = 0;
	_cleanup_free_ char *out = NULL;
	char *e = NULL;
	int r = child_run(argv, &co, &status, &out, &e);
	if (r >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EIO;
	if (errout)
		*errout = e;
	else
		free(e);
	return r;
}

static int iptables(const char *table, const char *action, const char *chain, const char *spec)
{
	_cleanup_free_ char *exe = program("iptables");
	_cleanup_strv_free_ char **argv = strv_new(exe, "-w", "-t", table, action, chain, NULL);
	_cleanup_strv_free_ char **words = strv_split(spec ? spec : "", " ", true);
	STRV_FOREACH (w, words)
		strv_push(&argv, *w);
	return run(argv, NULL, NULL);
}

/* selkie's chains and the jumps to them; repairs what a flush removed. */
static int chains_setup(struct sk_error **err)
{
	static const struct {
		const char *table, *chain;
	} chains[] = { { "nat", NET_FW_CHAIN_DNAT },
		       { "nat", NET_FW_CHAIN_POSTROUTING },
		       { "filter", NET_FW_CHAIN_FORWARD } };
	for (size_t i = 0; i < ELEMENTSOF(chains); i++)
		iptables(chains[i].table, "-N", chains[i].chain, NULL); /* exists: fine */
	for (size_t i = 0; i < ELEMENTSOF(jumps); i++) {
		if (iptables(jumps[i].table, "-C", jumps[i].builtin, jumps[i].spec) >= 0)
			continue;
		/* first in FORWARD: before a DROP that another tool put there */
		_cleanup_free_ char *spec = xasprintf("1 %s", jumps[i].spec);
		if (iptables(jumps[i].table, "-I", jumps[i].builtin, spec) < 0)
			return sk_err_system(err, EIO, "iptables: cannot add the jump to %s in %s",
					     jumps[i].spec, jumps[i].builtin);
	}
	return 0;
}

static int restore(const char *rules, char **errout)
{
	_cleanup_free_ char *exe = program("iptables-restore");
	char *argv[] = { exe, "-w", "--noflush", NULL };
	return run(argv, rules, errout);
}

static char *rules_path(const char *dir, const char *network, const char *ctr)
{
	return xasprintf("%s/%s-%s.rules", dir, network, ctr);
}

void net_fw_localnet_enable(const char *bridge)
{
	if (!bridge || strchr(bridge, '/'))
		return;
	_cleanup_free_ char *p = xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		fd_write_all(fd, "1", 1);
}

int net_fw_add(const char *state_dir, const struct net_fw_ctr *f, struct sk_error **err)
{
	int r = fs_mkdir_p(state_dir, 0700);
	if (r < 0)
		return sk_err_system(err, r, "create %s: %s", state_dir, strerror(-r));
	_cleanup_free_ char *rules = net_fw_rules(f, true);
	_cleanup_free_ char *path = rules_path(state_dir, f->network, f->container_id);
	/* recorded first: a removal after a crash half-way still knows what to take out */
	r = fs_write_atomic(path, rules, strlen(rules), 0600);
	if (r < 0)
		return sk_err_system(err, r, "write %s: %s", path, strerror(-r));
	_cleanup_free_ char *errout = NULL;
	r = restore(rules, NULL);
	if (r < 0) {
		/* first use on this host (or chains removed): make them, then again */
		r = chains_setup(err);
		if (r < 0)
			return r;
		r = restore(rules, &errout);
	}
	if (r < 0) {
		if (errout)
			errout[strcspn(errout, "\n")] = '\0';
		unlink(path);
		return sk_err_system(err, EIO, "iptables-restore: %s",
				     errout && errout[0] ? errout : "failed");
	}
	if (f->n_ports)
		net_fw_localnet_enable(f->bridge);
	return 0;
}

/* -A → -D, line by line, when the batch failed because some rule was gone already. */
static void del_one_by_one(const char *del_rules)
{
	_cleanup_strv_free_ char **lines = strv_split(del_rules, "\n", true);
	const char *table = "filter";
	STRV_FOREACH (l, lines) {
		if ((*l)[0] == '*')
			table = *l + 1;
		else if (strncmp(*l, "-D ", 3) == 0) {
			_cleanup_free_ char *chain = xstrndup(*l + 3, strcspn(*l + 3, " "));
			const char *spec = *l + 3 + strlen(chain);
			iptables(table, "-D", chain, spec);
		}
	}
}

int net_fw_del(const char *state_dir, const char *network, const char *container_id,
	       struct sk_error **err)
{
	_cleanup_free_ char *path = rules_path(state_dir, network, container_id);
	fs_write_atomic_leftovers_remove(path);
	_cleanup_free_ char *rules = NULL;
	size_t len;
	int r = fs_read_file(path, RULES_FILE_MAX, &rules, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	_cleanup_strv_free_ char **lines = strv_split(rules, "\n", true);
	struct strbuf sb = STRBUF_INIT;
	STRV_FOREACH (l, lines) {
		if (strncmp(*l, "-A ", 3) == 0)
			strbuf_addf(&sb, "-D %s\n", *l + 3);
		else
			strbuf_addf(&sb, "%s\n", *l);
	}
	_cleanup_free_ char *del = strbuf_detach(&sb, NULL);
	if (restore(del, NULL) < 0)
		del_one_by_one(del);
	unlink(path);
	return 0;
}

int net_fw_check(const char *state_dir, const char *network, const char *container_id,
		 struct sk_error **err)
{
	_cleanup_free_ char *path = rules_path(state_dir, network, container_id);
	_cleanup_free_ char *rules = NULL;
	size_t len;
	int r = fs_read_file(path, RULES_FILE_MAX, &rules, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sk_err_system(err, r, "read %s: %s", path, strerror(-r));
	_cleanup_free_ char *exe = program("iptables-save");
	char *argv[] = { exe, NULL };
	struct child_opts co = CHILD_OPTS_INIT;
	co.capture_stdout = true;
	co.capture_stderr = true;
	int status;
	_cleanup_free_ char *out = NULL, *errout = NULL;
	r = child_run(argv, &co, &status, &out, &errout);
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sk_err_system(err, EIO, "iptables-save failed");
	for (size_t i = 0; i < ELEMENTSOF(jumps); i++) {
		_cleanup_free_ char *line = xasprintf("-A %s %s", jumps[i].builtin, jumps[i].spec);
		if (!strstr(out, line))
			return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
					    "firewall: the jump to selkie's rules in %s is missing",
					    jumps[i].builtin);
	}
	/* every recorded rule of the container is there (counted by its comment) */
	_cleanup_free_ char *tag = xasprintf("--comment selkie:%s ", container_id);
	size_t want = 0, have = 0;
	for (const char *p = rules; (p = strstr(p, tag)); p += strlen(tag))
		want++;
	for (const char *p = out; (p = strstr(p, tag)); p += strlen(tag))
		have++;
	if (have < want)
		return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
				    "firewall: %zu of %zu rules of container %.12s are missing",
				    want - have, want, container_id);
	return 0;
}

int net_fw_setup_chains(struct sk_error **err)
{
	return chains_setup(err);
}
