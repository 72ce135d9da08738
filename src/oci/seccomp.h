/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp of the runtime spec: the default profile docker and podman apply, and
 * `--security-opt seccomp=FILE|unconfined`. Profiles in docker's format (archMap, includes and
 * excludes on capabilities, architectures and kernel versions) are resolved for one container
 * into the plain OCI form; a file already in OCI form passes through, validated.
 *
 * Like docker, the rules gated on a capability are kept when the container has it: pass the
 * capabilities the container's process gets (docker and podman use the bounding set, which is
 * what oci_caps_compute() returns). podman runs --privileged containers unconfined unless a
 * profile is named explicitly: that choice is the caller's.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"

/* The most a profile file may weigh (moby's default.json is 13 KiB). */
#define OCI_SECCOMP_FILE_MAX ((size_t)4 * 1024 * 1024)

/* What the includes and excludes of a docker-format profile are matched against. */
struct oci_seccomp_target {
	char *const *caps;  /* "CAP_SYS_ADMIN" ("sys_admin" works too); NULL: none */
	const char *arch;   /* docker's name: "amd64", "x86", "arm64", "arm", "s390x", "ppc64le",
			      "riscv64", ...; NULL: the architecture selkie was built for */
	const char *kernel; /* "4.8" or a uname release; NULL: the running kernel */
};

/* Docker's name of the architecture selkie was built for ("amd64", "arm64", ...). */
const char *oci_seccomp_arch_native(void);
/* "SCMP_ARCH_X86_64" for "amd64", ...; NULL for a name docker does not map. */
const char *oci_seccomp_arch_to_scmp(const char *arch);

/* Resolve a docker- or OCI-format profile (a JSON object, borrowed) into a new linux.seccomp
 * object: the architectures of target's archMap entry, only the rules whose includes and
 * excludes match. *err (SK_ERR_INVALID) names the offending field: "syscalls[3]: ...". */
int oci_seccomp_convert(const json_t *profile, const struct oci_seccomp_target *target,
			json_t **ret, struct sk_error **err);

/* The default profile (defaultAction SCMP_ACT_ERRNO, EPERM) for a container with caps, on this
 * architecture and kernel. */
int oci_seccomp_default(char *const *caps, json_t **ret, struct sk_error **err);

/* Load a profile file (at most OCI_SECCOMP_FILE_MAX) and resolve it for caps. Errors read
 * "seccomp profile 'PATH': why": SK_ERR_NOTFOUND when missing, SK_ERR_SYSTEM when unreadable,
 * SK_ERR_INVALID when too big, not JSON or not a profile. */
int oci_seccomp_from_file(const char *path, char *const *caps, json_t **ret, struct sk_error **err);

/* The value of `--security-opt seccomp=`: NULL or "" is the default profile, "unconfined"
 * sets *ret to NULL (no linux.seccomp), anything else is a file. */
int oci_seccomp_resolve(const char *option, char *const *caps, json_t **ret, struct sk_error **err);
