/* SPDX-License-Identifier: Apache-2.0 */

#include "timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

int64_t time_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

char *time_format_rfc3339nano(int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000LL);
	long frac = (long)(ns % 1000000000LL);
	if (frac < 0) {
		frac += 1000000000L;
		secs--;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (!frac)
		return xasprintf("%sZ", date);
	char f[16];
	snprintf(f, sizeof(f), "%09ld", frac);
	size_t n = strlen(f);
	while (n > 0 && f[n - 1] == '0')
		f[--n] = '\0';
	return xasprintf("%s.%sZ", date, f);
}

char *time_format_go(int64_t ns)
{
	_cleanup_free_ char *rfc = time_format_rfc3339nano(ns);
	/* "YYYY-MM-DDTHH:MM:SS[.frac]Z" → "YYYY-MM-DD HH:MM:SS[.frac] +0000 UTC" */
	rfc[10] = ' ';
	rfc[strlen(rfc) - 1] = '\0';
	return xasprintf("%s +0000 UTC", rfc);
}

static int parse_digits(const char **p, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

int time_parse_rfc3339(const char *s, int64_t *ret_ns)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec;
	const char *p = s;
	if (parse_digits(&p, 4, &y) < 0 || *p++ != '-' || parse_digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || parse_digits(&p, 2, &d) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
		return -EINVAL;
	p++;
	if (parse_digits(&p, 2, &h) < 0 || *p++ != ':' || parse_digits(&p, 2, &mi) < 0 ||
	    *p++ != ':' || parse_digits(&p, 2, &sec) < 0)
		return -EINVAL;
	long frac = 0;
	if (*p == '.') {
		p++;
		int digits = 0;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		if (!digits)
			return -EINVAL;
		while (digits++ < 9)
			frac *= 10;
	}
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (parse_digits(&p, 2, &oh) < 0 || *p++ != ':' || parse_digits(&p, 2, &om) < 0)
			return -EINVAL;
		offset = sign * (oh * 3600L + om * 60L);
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	/* Nanoseconds in an int64 reach from 1677 to 2262: Go's zero time (year 1) is outside. */
	if ((int64_t)t - offset <= INT64_MIN / 1000000000LL ||
	    (int64_t)t - offset >= INT64_MAX / 1000000000LL)
		return -ERANGE;
	*ret_ns = ((int64_t)t - offset) * 1000000000LL + frac;
	return 0;
}

char *time_human_duration(int64_t ns)
{
	int64_t secs = ns / 1000000000LL;
	if (secs < 1)
		return xstrdup("Less than a second");
	if (secs == 1)
		return xstrdup("1 second");
	if (secs < 60)
		return xasprintf("%lld seconds", (long long)secs);
	int64_t mins = secs / 60;
	if (mins == 1)
		return xstrdup("About a minute");
	if (mins < 60)
		return xasprintf("%lld minutes", (long long)mins);
	int64_t hours = (secs + 1800) / 3600;
	if (hours == 1)
		return xstrdup("About an hour");
	if (hours < 48)
		return xasprintf("%lld hours", (long long)hours);
	if (hours < 24 * 7 * 2)
		return xasprintf("%lld days", (long long)(hours / 24));
	if (hours < 24 * 30 * 2)
		return xasprintf("%lld weeks", (long long)(hours / 24 / 7));
	if (hours < 24 * 365 * 2)
		return xasprintf("%lld months", (long long)(hours / 24 / 30));
	return xasprintf("%lld years", (long long)(hours / 24 / 365));
}

char *time_human_ago(int64_t then_ns, int64_t now_ns)
{
	int64_t d = now_ns - then_ns;
	if (d < 0)
		d = 0;
	_cleanup_free_ char *h = time_human_duration(d);
	return xasprintf("%s ago", h);
}

char *size_human(uint64_t bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;
	while (v >= 1000.0 && i + 1 < sizeof(units) / sizeof(*units)) {
		v /= 1000.0;
		i++;
	}
	return xasprintf("%.3g %s", v, units[i]);
}
