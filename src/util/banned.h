/* SPDX-License-Identifier: Apache-2.0 */
/* Unsafe libc functions made compile errors (included by every .c file via -include). */
#pragma once

#define BANNED(f) sorry_##f##_is_banned_in_selkie

#undef strcpy
#define strcpy(a, b) BANNED(strcpy)
#undef strcat
#define strcat(a, b) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(a) BANNED(gets)
#undef system
#define system(a) BANNED(system)
#undef popen
#define popen(a, b) BANNED(popen)
#undef atoi
#define atoi(a) BANNED(atoi)
#undef basename
#define basename(a) BANNED(basename)
#undef dirname
#define dirname(a) BANNED(dirname)
#undef dup
#define dup(a) BANNED(dup)
#undef tmpnam
#define tmpnam(a) BANNED(tmpnam)
