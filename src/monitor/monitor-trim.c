/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor is the selkie binary, so its start-up faults in pages of code and read-only data
 * (its own and its libraries') that the copy loop never uses again. Once the container runs,
 * those pages are dropped from the monitor's page tables: every file-backed mapping with no
 * private (copy-on-write) page in it is discarded with MADV_DONTNEED, which for such a mapping
 * only forgets the mapping of page-cache pages — whatever the loop does use comes back on the
 * next touch as a minor fault. Mappings holding private pages (relocated data, .bss, heap,
 * stack) are never touched: MADV_DONTNEED would lose their contents.
 */
#include "monitor/monitor-internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "util/fs.h"

struct trim_range {
	unsigned long start, end;
	bool file_backed, candidate;
};

static void range_trim(const struct trim_range *r)
{
	if (!r->candidate || !r->file_backed || r->end <= r->start)
		return;
	/* MADV_RANDOM first: the pages the loop faults back come one at a time, without the
	 * kernel's read-around of their neighbours. */
	madvise((void *)r->start, r->end - r->start, MADV_RANDOM);
	madvise((void *)r->start, r->end - r->start, MADV_DONTNEED);
}

void monitor_memory_trim(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return;
	char line[512];
	struct trim_range cur = { 0 };
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perms[8] = "", path[256] = "";
		unsigned long kb;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &a, &b, perms, path) >= 3 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			range_trim(&cur);
			/* Only read-only or executable private file mappings qualify. */
			cur = (struct trim_range){
				.start = a,
				.end = b,
				.file_backed = path[0] == '/',
				.candidate = perms[1] == '-' && perms[3] == 'p',
			};
		} else if ((sscanf(line, "Anonymous: %lu kB", &kb) == 1 ||
			    sscanf(line, "Private_Dirty: %lu kB", &kb) == 1) &&
			   kb > 0) {
			cur.candidate = false;
		}
	}
	range_trim(&cur);
}
