/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named volumes with the local driver, as podman's: a directory <graph>/volumes/<name>/_data,
 * or, with options (`-o type=tmpfs|nfs|..., device=..., o=...`), a file system mounted on that
 * directory while containers use it (`volume create -o type=tmpfs -o device=tmpfs -o o=size=2m`).
 * Records live in the state database (state/volumes.h); which container uses which volume is
 * in container_volumes (state/containers.h).
 *
 * A new volume is populated from the image when a container first mounts it (docker's copy-up:
 * the content of the image at the mount point, owners, modes and xattrs kept) unless nocopy
 * was asked; this happens once (needs_copy_up is cleared after).
 *
 * Changes to volume directories are serialised by <graph>/volumes/.lock (flock; no volume name
 * starts with '.'). A volume's directory is complete before its record is inserted and its
 * record is deleted before its directory goes, so a killed command leaves at worst a directory
 * without a record: the next `volume create` of that name moves it aside, `volume prune`
 * removes every such directory.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/volumes.h"
#include "store/store.h"
#include "util/error.h"

struct ctr_volume_create_opts {
	const char *name;     /* NULL or "": a random 64-hex name (anonymous volumes) */
	const char *driver;   /* NULL or "local" */
	char *const *labels;  /* "k=v" or "k" (value "") */
	char *const *options; /* "type=tmpfs", "device=tmpfs", "o=size=2m,uid=1000,gid=1000" */
	bool anonymous;
	bool ignore_if_exists; /* --ignore: an existing volume is returned as is */
};

/* Volume names as podman allows them: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
bool ctr_volume_name_is_valid(const char *name);

/* Create a volume; EXISTS "volume with name X already exists: volume already exists", INVALID
 * for a bad name ("running volume create option: names must match ..."), label or option. */
int ctr_volume_create(struct store *s, const struct ctr_volume_create_opts *o,
		      struct state_volume **ret, struct sk_error **err);
/* The volume, creating it (no options) when it does not exist: what -v NAME:/dst does. */
int ctr_volume_ensure(struct store *s, const char *name, struct state_volume **ret,
		      struct sk_error **err);

/* Removes the containers (full IDs, sorted) using a volume, for `volume rm -f`. */
typedef int (*ctr_volume_remove_users_fn)(void *userdata, char *const *ids, struct sk_error **err);

struct ctr_volume_remove_opts {
	bool force; /* remove the containers using it first, through remove_users */
	ctr_volume_remove_users_fn remove_users; /* NULL: force cannot remove users */
	void *userdata;
};

/* Remove the record and the directory (unmounting its file system first). Refused while
 * containers use it (INUSE "volume X is being used by the following container(s): ID, ID:
 * volume is being used") unless force and remove_users removed them. NOTFOUND "no volume with
 * name "X" found: no such volume". o may be NULL. */
int ctr_volume_remove(struct store *s, const char *name, const struct ctr_volume_remove_opts *o,
		      struct sk_error **err);

struct ctr_volume_mount_opts {
	const char *rootfs;	    /* the container's mounted root file system */
	const char *container_path; /* where the volume goes, absolute */
	bool nocopy;		    /* do not copy the image's content in (-v NAME:/dst:nocopy) */
	uid_t uid;		    /* the container's user, owner of a new volume whose */
	gid_t gid;		    /* path the image lacks; (uid_t)-1/(gid_t)-1: keep */
};

/*
 * Make the volume ready for a container: mount its file system if it has one (idempotent) and,
 * on first use, give the _data directory the owner, mode and times of the image's directory at
 * container_path (or the container's user when the image has none, as podman does unless the
 * volume was created with uid=/gid=) and copy that directory's content in when the volume is
 * empty and nocopy is not set. Paths in the rootfs are resolved inside it: a symlink in the
 * image never leads out. Returns the host path to bind-mount (the _data directory).
 */
int ctr_volume_mount(struct store *s, const char *name, const struct ctr_volume_mount_opts *o,
		     char **ret_path, struct sk_error **err);
/* Unmount the volume's file system when no active (running, paused, stopping) container uses it
 * any more; call it after the stopping container's state is recorded. */
int ctr_volume_unmount(struct store *s, const char *name, struct sk_error **err);

/*
 * Every volume (sorted by name) matching filters, "key=value" as podman 4.3's volume ls takes
 * them (name (regex), driver, scope, label, opt, until, dangling; values of one key OR, keys
 * AND) or, with prune set, as volume prune takes them (label, until). INVALID with podman's
 * wording for a bad filter.
 */
int ctr_volume_list(struct store *s, char *const *filters, bool prune, struct state_volume ***ret,
		    struct sk_error **err);
/* Remove every volume no container uses that matches filters (prune filters), and every
 * volume directory without a record (left by a killed command). The names removed are
 * appended to *removed (sorted), also when a later removal fails. */
int ctr_volume_prune(struct store *s, char *const *filters, char ***removed, struct sk_error **err);

/*
 * The `volume inspect` document with podman's fields: Name, Driver, Mountpoint, CreatedAt,
 * Labels, Scope, Options, UID, GID, Anonymous, MountCount, NeedsCopyUp, NeedsChown. Without
 * full, fields podman omits when empty are left out and CreatedAt is RFC 3339 (the JSON
 * output); with full, every field is there with its zero value, Status and Timeout too, and
 * CreatedAt is Go's time.Time String() (what a --format template sees). Times are in the local
 * time zone.
 */
json_t *ctr_volume_inspect_json(struct store *s, const struct state_volume *v, bool full);
/* NeedsChown: the first container's mount gives the volume an owner (not set at creation). */
bool ctr_volume_needs_chown(const struct state_volume *v);
/* A time in the local zone as RFC 3339 with nanoseconds ("2026-11-23T02:44:05.65+01:00",
 * "...Z" in UTC) or, with go_string, as Go's String() ("2026-11-23 02:44:05.65 +0100 CET"). */
char *ctr_volume_time_format(int64_t ns, bool go_string);
