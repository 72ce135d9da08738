/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default seccomp profile as data: moby's profiles/seccomp/default.json (which podman's
 * containers-common follows in spirit), in docker's format — rules carry includes/excludes on
 * capabilities, architectures and kernel versions that seccomp.h resolves for one container.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct oci_seccomp_arg_def {
	unsigned index;
	uint64_t value;
	uint64_t value_two;
	const char *op; /* "SCMP_CMP_EQ", ... */
};

struct oci_seccomp_filter_def {
	const char *const *caps;   /* NULL-terminated, or NULL */
	const char *const *arches; /* docker's arch names: "amd64", "arm64", "s390x", ... */
	const char *min_kernel;	   /* "4.8", or NULL */
};

struct oci_seccomp_rule_def {
	const char *const *names; /* NULL-terminated */
	const char *action;
	int errno_ret; /* -1: none */
	const struct oci_seccomp_arg_def *args;
	size_t n_args;
	struct oci_seccomp_filter_def includes;
	struct oci_seccomp_filter_def excludes;
	const char *comment;
};

struct oci_seccomp_arch_def {
	const char *arch;	       /* "SCMP_ARCH_X86_64" */
	const char *const *sub_arches; /* NULL-terminated, or NULL */
};

extern const struct oci_seccomp_rule_def oci_seccomp_default_rules[];
extern const size_t oci_seccomp_default_rules_n;
extern const struct oci_seccomp_arch_def oci_seccomp_default_archmap[];
extern const size_t oci_seccomp_default_archmap_n;

#define OCI_SECCOMP_DEFAULT_ACTION "SCMP_ACT_ERRNO"
#define OCI_SECCOMP_DEFAULT_ERRNO 1 /* EPERM */

/* The default profile in docker's format (defaultAction, archMap, syscalls with includes and
 * excludes), as a new JSON object: what `oci_seccomp_convert()` takes. */
json_t *oci_seccomp_default_profile_build(void);
