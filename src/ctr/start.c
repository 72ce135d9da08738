/* SPDX-License-Identifier: Apache-2.0 */
/*
 * start: mount the root file system and volumes, make the namespaces selkie owns, write the
 * bundle and the /etc files, spawn the monitor (which runs `<runtime> create`), then
 * `<runtime> start`. Everything start takes is released by ctr/cleanup.c, which also runs when
 * start fails half-way.
 */
#include "ctr/ctr.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ctr/etc-files.h"
#include "ctr/net-internal.h"
#include "ctr/runtime.h"
#include "ctr/spec-build.h"
#include "ctr/start-internal.h"
#include "ctr/userns.h"
#include "ctr/volume.h"
#include "monitor/monitor.h"
#include "net/netns.h"
#include "oci/cgroup-resources.h"
#include "oci/runtime-pick.h"
#include "state/images.h"
#include "store/mount.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int rootfs_mount(struct ctr_ctx *x, const struct state_container *c, struct sk_error **err)
{
	_cleanup_free_ char *target = ctr_rootfs_dir(x, c->id);
	if (store_mount_is_mounted(target))
		return 0;
	return ctr_userns_rootfs_mount(x, c, target, err);
}

static void resolved_release(struct ctr_start_resolved *rs)
{
	for (size_t i = 0; i < rs->n_mounts; i++) {
		free(rs->mounts[i].source);
		free(rs->mounts[i].destination);
		strv_free(rs->mounts[i].options);
	}
	free(rs->mounts);
	ctr_user_done(&rs->user);
	free(rs->uid_map);
	free(rs->gid_map);
	free(rs->userns_path);
	strv_free(rs->args);
	for (size_t i = 0; i < ELEMENTSOF(rs->joined_ns); i++)
		free(rs->joined_ns[i]);
	free(rs->etc_from);
	strv_free(rs->net_ips);
	free(rs->gateway);
	strv_free(rs->dns_servers);
	for (size_t i = 0; i < rs->n_port_fds; i++)
		close(rs->port_fds[i]);
	free(rs->port_fds);
	ctr_net_join(rs, NULL);
}

/* container:ID — the namespace of another running container, by its process. */
static int ns_join_container(struct ctr_ctx *x, const char *ref, enum oci_ns_type t,
			     struct ctr_start_resolved *rs, struct sk_error **err)
{
	_cleanup_state_container_ struct state_container *other = NULL;
	int r = ctr_lookup(x, ref, &other, err);
	if (r < 0)
		return r;
	if (!ctr_is_active(other) || other->pid <= 0)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "cannot join %s namespace of container %s: container %s is "
				    "not running: container state improper",
				    oci_ns_type_to_string(t), ref, other->id);
	static const char *const proc_name[] = {
		[OCI_NS_PID] = "pid",	[OCI_NS_IPC] = "ipc",	  [OCI_NS_UTS] = "uts",
		[OCI_NS_MOUNT] = "mnt", [OCI_NS_NETWORK] = "net", [OCI_NS_CGROUP] = "cgroup",
	};
	free(rs->joined_ns[t]);
	rs->joined_ns[t] = xasprintf("/proc/%d/ns/%s", (int)other->pid, proc_name[t]);
	rs->ns[t] = (struct oci_ns){ OCI_NS_PATH, rs->joined_ns[t] };
	if (t == OCI_NS_NETWORK) {
		free(rs->etc_from);
		rs->etc_from = ctr_userdata_dir(x, other->id);
	}
	return 0;
}

static void mount_add(struct ctr_start_resolved *rs, const char *type, const char *src,
		      const char *dst, char **options)
{
	rs->mounts = xreallocarray(rs->mounts, rs->n_mounts + 1, sizeof(*rs->mounts));
	rs->mounts[rs->n_mounts++] = (struct ctr_resolved_mount){
		.type = type,
		.source = src ? xstrdup(src) : NULL,
		.destination = xstrdup(dst),
		.options = options ? options : strv_new(NULL),
	};
}

static int mounts_resolve(struct ctr_ctx *x, const json_t *doc, const char *rootfs,
			  const struct ctr_userns *u, struct ctr_start_resolved *rs,
			  struct sk_error **err)
{
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(doc, "Mounts"), i, m) {
		const char *type = sk_json_str(m, "Type");
		const char *dst = sk_json_str(m, "Destination");
		char **opts = sk_json_to_strv(json_object_get(m, "Options"));
		if (streq(type, "volume")) {
			_cleanup_free_ char *path = NULL;
			struct ctr_volume_mount_opts vo = {
				.rootfs = rootfs,
				.container_path = dst,
				.nocopy = sk_json_bool(m, "NoCopy", false),
				.uid = ctr_userns_host_uid(u, rs->user.uid),
				.gid = ctr_userns_host_gid(u, rs->user.gid),
			};
			int r = ctr_volume_mount(x->store, sk_json_str(m, "Name"), &vo, &path, err);
			if (r < 0) {
				strv_free(opts);
				return r;
			}
			mount_add(rs, "bind", path, dst, opts);
		} else {
			mount_add(rs, streq(type, "tmpfs") ? "tmpfs" : "bind",
				  sk_json_str(m, "Source"), dst, opts);
		}
	}
	return 0;
}

static int user_resolve(const json_t *doc, const char *rootfs, const struct ctr_userns *u,
			struct ctr_start_resolved *rs, struct sk_error **err)
{
	int r = ctr_userns_passwd_write(u, doc, rootfs, err);
	if (r < 0)
		return r;
	const json_t *cfg = json_object_get(doc, "Config");
	_cleanup_close_ int fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_err_system(err, errno, "open %s: %s", rootfs, strerror(errno));
	_cleanup_strv_free_ char **groups =
		sk_json_to_strv(sk_json_path((json_t *)doc, "HostConfig.GroupAdd"));
	r = ctr_user_resolve(fd, sk_json_str(cfg, "User"), groups, &rs->user, err);
	if (r >= 0)
		r = ctr_userns_user_check(u, &rs->user, err);
	if (r < 0 && *err)
		(*err)->kind = SK_ERR_NOEXEC; /* podman exits 126 for an unknown user */
	return r;
}

/* Said before the runtime is asked (it would report "command not found"). */
static int ns_path_missing(const char *path, struct sk_error **err)
{
	return sk_error_set(err, SK_ERR_NOTFOUND, ENOENT,
			    "cannot find namespace path %s: no such file or directory", path);
}

/* --network, --ipc, --pid, --uts modes → the spec's namespaces. */
static int namespaces_resolve(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			      struct ctr_start_resolved *rs, struct sk_error **err)
{
	const json_t *host = json_object_get(doc, "HostConfig");
	static const struct {
		const char *key;
		enum oci_ns_type t;
	} modes[] = { { "IpcMode", OCI_NS_IPC },
		      { "PidMode", OCI_NS_PID },
		      { "UTSMode", OCI_NS_UTS },
		      { "CgroupnsMode", OCI_NS_CGROUP } };
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		const char *m = sk_json_str(host, modes[i].key);
		if (m && streq(m, "host"))
			rs->ns[modes[i].t].mode = OCI_NS_HOST;
		else if (m && strncmp(m, "ns:", 3) == 0) {
			if (!fs_exists(m + 3))
				return ns_path_missing(m + 3, err);
			rs->ns[modes[i].t] = (struct oci_ns){ OCI_NS_PATH, m + 3 };
		} else if (m && streq(m, "private"))
			rs->ns[modes[i].t].mode = OCI_NS_PRIVATE;
		else if (m && strncmp(m, "container:", 10) == 0) {
			int r = ns_join_container(x, m + 10, modes[i].t, rs, err);
			if (r < 0)
				return r;
		}
	}
	const char *net = sk_json_str(host, "NetworkMode");
	if (net && streq(net, "host")) {
		rs->ns[OCI_NS_NETWORK].mode = OCI_NS_HOST;
		return 0;
	}
	if (net && strncmp(net, "ns:", 3) == 0) {
		if (!fs_exists(net + 3))
			return ns_path_missing(net + 3, err);
		rs->ns[OCI_NS_NETWORK] = (struct oci_ns){ OCI_NS_PATH, net + 3 };
		return 0;
	}
	if (net && strncmp(net, "container:", 10) == 0)
		return ns_join_container(x, net + 10, OCI_NS_NETWORK, rs, err);
	/* none, private and bridge: a namespace of our own with loopback up. */
	_cleanup_free_ char *path = ctr_netns_path(x, c->id);
	net_netns_remove(path, NULL);
	int r = net_netns_create(path, err);
	if (r < 0)
		return r;
	rs->netns_path = TAKE_PTR(path);
	rs->ns[OCI_NS_NETWORK] = (struct oci_ns){ OCI_NS_PATH, rs->netns_path };
	if (net && streq(net, "bridge"))
		return ctr_net_start(x, c, doc, rs, err);
	if (net && (strncmp(net, "slirp4netns", 11) == 0 || strncmp(net, "pasta", 5) == 0))
		return ctr_net_user_start(x, c, doc, net, rs, err);
	return 0;
}

static int bundle_write(struct ctr_ctx *x, const struct state_container *c, const json_t *doc,
			struct ctr_start_resolved *rs, struct sk_error **err)
{
	_cleanup_free_ char *rootfs = ctr_rootfs_dir(x, c->id);
	_cleanup_free_ char *userdata = ctr_userdata_dir(x, c->id);
	rs->rootfs = rootfs;
	_cleanup_(ctr_userns_done) struct ctr_userns u = { 0 };
	int r = ctr_userns_load(doc, &u, err);
	if (r >= 0)
		r = user_resolve(doc, rootfs, &u, rs, err);
	/* the owner a new working directory gets, as the container's user is outside */
	struct ctr_user owner = rs->user;
	owner.uid = ctr_userns_host_uid(&u, rs->user.uid);
	owner.gid = ctr_userns_host_gid(&u, rs->user.gid);
	if (r >= 0)
		r = ctr_workdir_ensure(doc, rootfs, &owner, err);
	if (r >= 0)
		r = mounts_resolve(x, doc, rootfs, &u, rs, err);
	if (r >= 0)
		r = namespaces_resolve(x, c, doc, rs, err);
	if (r >= 0)
		r = ctr_etc_files_write(doc, userdata, rs, err);
	if (r >= 0)
		r = ctr_init_wrap(x, doc, rs, err);
	if (r >= 0)
		r = ctr_userns_spec_prepare(x, &u, doc, userdata, rs, err);
	_cleanup_free_ char *cgpath = NULL;
	_cleanup_free_ char *cg_user = x->store->rootless ? oci_cgroup_rootless_parent() : NULL;
	const char *cg_parent =
		sk_json_str(sk_json_path((json_t *)doc, "HostConfig"), "CgroupParent");
	rs->rootless = x->store->rootless;
	rs->no_cgroups = x->store->rootless && !cg_user;
	if (r >= 0 && !rs->no_cgroups)
		r = oci_cgroup_path_build(cg_parent ? cg_parent : cg_user, c->id, &cgpath, err);
	rs->cgroups_path = cgpath;
	_cleanup_json_ json_t *spec = NULL;
	if (r >= 0)
		r = ctr_spec_build(doc, rs, &spec, err);
	if (r >= 0)
		r = oci_spec_write(spec, userdata, err);
	rs->rootfs = NULL;
	rs->cgroups_path = NULL;
	return r;
}

/* The runtime's exec.fifo is there until the container's process is started. */
static bool fs_exists_at_pidfifo(const struct ctr_runtime *rt, const char *id)
{
	_cleanup_free_ char *fifo = xasprintf("%s/%s/exec.fifo", rt->root, id);
	return fs_exists(fifo);
}

int ctr_start_locked(struct ctr_ctx *x, struct state_container *c,
		     const struct ctr_start_hooks *hooks, struct sk_error **err)
{
	_cleanup_json_ json_t *doc = sk_json_parse(c->config, strlen(c->config), NULL);
	if (!doc)
		return sk_err_corrupt(err, "container %.12s: settings unreadable", c->id);
	json_t *priv = json_object_get(doc, "Selkie");
	sk_json_set_str(priv, "Name", c->name);
	sk_json_set_str(priv, "Id", c->id);
	struct ctr_start_resolved rs = { 0 };
	/* A start killed between the runtime's create and start left a created container with
	 * its monitor waiting: only `runtime start` is missing. */
	bool created = c->state == STATE_CTR_CREATED && c->pid > 0 && ctr_monitor_alive(c);
	/* What a killed start may have left: its monitor and the runtime's container. */
	if (!created && !ctr_monitor_alive(c)) {
		ctr_stale_monitor_kill(x, c->id, 0);
		ctr_release_resources(x, c, doc, true);
	}
	int r = created ? 0 : rootfs_mount(x, c, err);
	if (r >= 0 && !created)
		r = bundle_write(x, c, doc, &rs, err);
	pid_t pid = c->pid, monitor_pid = c->monitor_pid;
	if (r >= 0 && !created)
		r = ctr_monitor_launch(x, c, doc, rs.port_fds, rs.n_port_fds, &pid, &monitor_pid,
				       err);
	/* the network was being set up while the runtime created the container */
	int net_r = ctr_net_join(&rs, r >= 0 ? err : NULL);
	if (r >= 0 && net_r < 0) {
		kill(monitor_pid, SIGKILL);
		r = net_r;
	}
	resolved_release(&rs);
	free(rs.netns_path);
	if (r < 0) {
		ctr_release_resources(x, c, doc, true);
		return r;
	}
	struct state_ctr_runtime rt;
	state_container_runtime_get(c, &rt);
	rt.state = STATE_CTR_CREATED;
	rt.pid = pid;
	rt.monitor_pid = monitor_pid;
	rt.monitor_start = created ? c->monitor_start : ctr_proc_start_time(monitor_pid);
	rt.stopped_by_user = false;
	r = state_container_runtime_set(x->store->db, c->id, &rt, err);
	if (r >= 0 && hooks && hooks->before_start)
		r = hooks->before_start(hooks->userdata, c, err);
	struct ctr_runtime runtime = { 0 };
	if (r >= 0 && ctr_runtime_from_doc(x, doc, &runtime) < 0)
		r = sk_err_corrupt(err, "container %.12s: no runtime recorded", c->id);
	if (r >= 0)
		r = ctr_runtime_run1(&runtime, "start", c->id, err);
	if (r < 0 && created && kill(c->pid, 0) == 0 && !fs_exists_at_pidfifo(&runtime, c->id)) {
		/* The killed start got as far as `runtime start`: it runs already. */
		sk_error_free(*err);
		*err = NULL;
		r = 0;
	}
	if (r < 0) {
		if (runtime.root)
			ctr_runtime_run(&runtime, (char *[]){ "delete", "--force", c->id, NULL },
					NULL);
		ctr_runtime_release(&runtime);
		ctr_release_resources(x, c, doc, true);
		rt.state = STATE_CTR_CREATED;
		rt.pid = 0;
		state_container_runtime_set(x->store->db, c->id, &rt, NULL);
		state_container_runtime_get(c, &rt);
		return r;
	}
	ctr_runtime_release(&runtime);
	rt.state = STATE_CTR_RUNNING;
	rt.started_at = time_now_ns();
	if (sk_json_path(doc, "Config.Healthcheck")) {
		state_container_health_set(x->store->db, c->id, "starting", 0, c->health_log, NULL);
		free(c->health_status);
		c->health_status = xstrdup("starting");
	}
	rt.finished_at = 0;
	rt.exit_code = 0;
	rt.oom_killed = false;
	r = state_container_runtime_set(x->store->db, c->id, &rt, err);
	if (r < 0)
		return r;
	c->state = rt.state;
	c->pid = rt.pid;
	c->monitor_pid = rt.monitor_pid;
	c->monitor_start = rt.monitor_start;
	c->started_at = rt.started_at;
	c->finished_at = 0;
	c->exit_code = 0;
	c->oom_killed = false;
	c->stopped_by_user = false;
	if (x->event)
		x->event(x->event_userdata, c, "start", NULL);
	return 0;
}

int ctr_start(struct ctr_ctx *x, struct state_container *c, const struct ctr_start_hooks *hooks,
	      struct sk_error **err)
{
	_cleanup_close_ int lock = -1;
	int r = ctr_lock(x, c->id, &lock, err);
	if (r < 0)
		return r;
	r = ctr_sync_locked(x, c, err);
	if (r < 0)
		return r;
	if (c->state == STATE_CTR_RUNNING || c->state == STATE_CTR_PAUSED)
		return 0; /* podman prints the name and succeeds */
	if (c->state != STATE_CTR_CREATED && c->state != STATE_CTR_EXITED)
		return sk_error_set(err, SK_ERR_STATE, EBUSY,
				    "container %s is %s: container state improper", c->id,
				    state_ctr_status_to_string(c->state));
	return ctr_start_locked(x, c, hooks, err);
}
