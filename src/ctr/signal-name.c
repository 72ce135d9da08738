/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/signal-name.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "util/parse.h"
#include "util/xalloc.h"

struct signal_entry {
	const char *name;
	int signo;
};

/* The first entry of each number is its canonical name. */
static const struct signal_entry signal_table[] = {
	{ "HUP", 1 },	{ "INT", 2 },	  { "QUIT", 3 },    { "ILL", 4 },   { "TRAP", 5 },
	{ "ABRT", 6 },	{ "IOT", 6 },	  { "BUS", 7 },	    { "FPE", 8 },   { "KILL", 9 },
	{ "USR1", 10 }, { "SEGV", 11 },	  { "USR2", 12 },   { "PIPE", 13 }, { "ALRM", 14 },
	{ "TERM", 15 }, { "STKFLT", 16 }, { "CHLD", 17 },   { "CLD", 17 },  { "CONT", 18 },
	{ "STOP", 19 }, { "TSTP", 20 },	  { "TTIN", 21 },   { "TTOU", 22 }, { "URG", 23 },
	{ "XCPU", 24 }, { "XFSZ", 25 },	  { "VTALRM", 26 }, { "PROF", 27 }, { "WINCH", 28 },
	{ "IO", 29 },	{ "POLL", 29 },	  { "PWR", 30 },    { "SYS", 31 },
};

#define RT_SPAN 15 /* RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1, as podman names them */

static int signal_parse_offset(const char *s, int *ret)
{
	int v = 0;

	if (!*s || strlen(s) > 2)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	*ret = v;
	return 0;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already without "SIG"). */
static int signal_parse_rt(const char *s)
{
	int off = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		if (s[5] == '\0')
			return CTR_SIGNAL_RTMIN;
		if (s[5] != '+' || signal_parse_offset(s + 6, &off) < 0 || off < 1 || off > RT_SPAN)
			return -EINVAL;
		return CTR_SIGNAL_RTMIN + off;
	}
	if (strncasecmp(s, "RTMAX", 5) == 0) {
		if (s[5] == '\0')
			return CTR_SIGNAL_MAX;
		if (s[5] != '-' || signal_parse_offset(s + 6, &off) < 0 || off < 1 ||
		    off > RT_SPAN - 1)
			return -EINVAL;
		return CTR_SIGNAL_MAX - off;
	}
	return -EINVAL;
}

static int signal_parse_name(const char *s)
{
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
		if (strcasecmp(s, signal_table[i].name) == 0)
			return signal_table[i].signo;
	return signal_parse_rt(s);
}

int ctr_signal_parse(const char *s, struct sk_error **err)
{
	int signo = 0;
	int r;

	if (isempty(s))
		return sk_err_invalid(err, "invalid signal: %s", s ? s : "");
	if (isdigit((unsigned char)s[0]) || s[0] == '-') {
		r = parse_int(s, &signo);
		if (r < 0 || signo <= 0)
			return sk_err_invalid(err, "invalid signal: %s", s);
		if (signo > CTR_SIGNAL_MAX)
			return sk_err_invalid(err, "valid signals are 1 through %d",
					      CTR_SIGNAL_MAX);
		return signo;
	}
	signo = signal_parse_name(s);
	if (signo < 0)
		return sk_err_invalid(err, "invalid signal: %s", s);
	return signo;
}

char *ctr_signal_name_new(int signo)
{
	if (signo < 1 || signo > CTR_SIGNAL_MAX)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
		if (signal_table[i].signo == signo)
			return xasprintf("SIG%s", signal_table[i].name);
	if (signo == CTR_SIGNAL_RTMIN)
		return xstrdup("SIGRTMIN");
	if (signo == CTR_SIGNAL_MAX)
		return xstrdup("SIGRTMAX");
	if (signo > CTR_SIGNAL_RTMIN && signo <= CTR_SIGNAL_RTMIN + RT_SPAN)
		return xasprintf("SIGRTMIN+%d", signo - CTR_SIGNAL_RTMIN);
	if (signo > CTR_SIGNAL_RTMIN + RT_SPAN)
		return xasprintf("SIGRTMAX-%d", CTR_SIGNAL_MAX - signo);
	return xasprintf("%d", signo);
}
