/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podman's defaults for the runtime spec (containers.conf): capabilities, masked and read-only
 * paths, environment, rlimits; and the validation of the values a user may add to them
 * (capability names, sysctls, ulimits, devices).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* containers.conf default_capabilities, "CAP_"-prefixed. NULL-terminated. */
extern const char *const oci_caps_default[];
/* linux.maskedPaths and linux.readonlyPaths as podman sets them. NULL-terminated. */
extern const char *const oci_masked_paths_default[];
extern const char *const oci_readonly_paths_default[];
/* "PATH=..." and "TERM=xterm", added when the caller's env does not set them. */
extern const char *const oci_env_default[];

#define OCI_SHM_SIZE_DEFAULT ((uint64_t)64 * 1024 * 1024)
#define OCI_NOFILE_DEFAULT 1048576ULL
#define OCI_NPROC_DEFAULT 32768ULL

/* The name (without "CAP_") of capability number n, NULL past the last one known. */
const char *oci_cap_name(unsigned n);
/* Canonical "CAP_X" for "x", "X", "cap_x" or "CAP_X"; -EINVAL for an unknown name. */
int oci_cap_normalize(const char *name, char **ret);
/* Every capability the kernel knows that this process can grant (its bounding set), as podman
 * gives --privileged containers: asking the runtime for more fails ("unable to apply caps"). */
char **oci_caps_all(void);
/* The bounding set: the defaults (or every capability when privileged), then cap_add, then
 * cap_drop; "ALL" in either list means every capability. Sets *err for an unknown name. */
int oci_caps_compute(bool privileged, char *const *cap_add, char *const *cap_drop, char ***ret,
		     struct sk_error **err);

struct oci_rlimit {
	char *type; /* "RLIMIT_NOFILE" */
	uint64_t soft;
	uint64_t hard;
};
/* "nofile=1024:2048" or "nofile=1024" (soft = hard); -1 for "unlimited" is UINT64_MAX. */
int oci_ulimit_parse(const char *text, struct oci_rlimit *ret, struct sk_error **err);
void oci_rlimit_release(struct oci_rlimit *r);
/* The hard limit of the calling process for "RLIMIT_X", UINT64_MAX when unlimited/unknown. */
uint64_t oci_rlimit_host_hard(const char *type);

/* Whether a sysctl may be set in a container (namespaced ones only, as docker allows). */
int oci_sysctl_validate(const char *name, bool host_net, bool host_ipc, bool host_uts,
			struct sk_error **err);

struct oci_device {
	char *host_path;
	char *path; /* in the container */
	char type;  /* 'c', 'b' or 'p' */
	int64_t major;
	int64_t minor;
	mode_t file_mode;
	char access[4]; /* subset of "rwm" */
};
/* "--device /dev/x[:/dev/y][:rwm]": stats the host device for its type and numbers. */
int oci_device_parse(const char *text, struct oci_device *ret, struct sk_error **err);
void oci_device_release(struct oci_device *d);
/* Every char and block device under dir (normally "/dev", named "/dev/..." in the container),
 * as --privileged containers get them; skips pts/, shm/, mqueue/, console, ptmx and tty, which
 * the runtime makes itself. Unreadable entries are skipped. */
void oci_devices_host_list(const char *dir, struct oci_device **ret, size_t *ret_n);
void oci_devices_free(struct oci_device *v, size_t n);
