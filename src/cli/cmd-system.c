/* SPDX-License-Identifier: Apache-2.0 */
/* version, info. */
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/format-template.h"
#include "cli/output.h"
#include "config/registries-conf.h"
#include "config/userns.h"
#include "image/manifest.h"
#include "oci/runtime-pick.h"
#include "state/containers.h"
#include "state/images.h"
#include "store/store.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/xalloc.h"

static json_t *client_object(void)
{
	_cleanup_free_ char *osarch = xasprintf("linux/%s", image_host_arch());
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "APIVersion", SELKIE_VERSION,
			 "Version", SELKIE_VERSION, "GoVersion", "none", "GitCommit", "",
			 "BuiltTime", "", "Built", 0, "OsArch", osarch, "Os", "linux");
}

static json_t *version_object(void)
{
	json_t *client = client_object();
	/* No daemon: the server is this same binary, as podman reports in local mode. */
	return json_pack("{s:o, s:O}", "Client", client, "Server", client);
}

int cmd_version(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct version_opts *opts = opts_;
	_cleanup_json_ json_t *v = version_object();
	if (isempty(opts->format)) {
		json_t *c = json_object_get(v, "Client");
		printf("Client:       Selkie Engine\n");
		printf("Version:      %s\n", sk_json_str(c, "Version"));
		printf("API Version:  %s\n", sk_json_str(c, "APIVersion"));
		printf("Built:        %s\n", "-");
		printf("OS/Arch:      %s\n", sk_json_str(c, "OsArch"));
		return 0;
	}
	if (format_is_json(opts->format))
		json_object_del(v, "Server");
	_cleanup_error_ struct sk_error *err = NULL;
	if (format_print_one_strict(opts->format, v, stdout, &err) < 0)
		return cli_fail(err);
	return 0;
}

/* podman's host.idMappings: the namespace's map as [{container_id, host_id, size}]. */
static json_t *id_map_json(const char *path)
{
	json_t *arr = json_array();
	_cleanup_free_ char *text = NULL;
	if (fs_read_file(path, 65536, &text, NULL) < 0)
		return arr;
	unsigned long in, out, size;
	int used;
	for (const char *p = text; sscanf(p, "%lu %lu %lu%n", &in, &out, &size, &used) == 3;
	     p += used)
		json_array_append_new(arr, json_pack("{s:I, s:I, s:I}", "container_id",
						     (json_int_t)in, "host_id", (json_int_t)out,
						     "size", (json_int_t)size));
	return arr;
}

static int host_object(struct cli_ctx *ctx, json_t **ret, struct sk_error **err)
{
	struct utsname u;
	uname(&u);
	struct sysinfo si;
	sysinfo(&si);
	char hostname[256] = "";
	gethostname(hostname, sizeof(hostname) - 1);
	enum oci_cgroup_layout cg = oci_cgroup_layout_detect();
	struct oci_runtime_info rt = { 0 };
	if (oci_runtime_pick(ctx->global.runtime, &rt, err) < 0)
		return sk_error_ret(*err);
	json_t *runtime = json_pack("{s:s, s:s, s:s}", "name", rt.name, "path", rt.path, "version",
				    rt.version);
	if (rt.note)
		json_object_set_new(runtime, "note", json_string(rt.note));
	json_t *idmaps =
		config_userns_rootless()
			? json_pack("{s:o, s:o}", "uidmap", id_map_json("/proc/self/uid_map"),
				    "gidmap", id_map_json("/proc/self/gid_map"))
			: NULL;
	oci_runtime_info_release(&rt);
	*ret = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:o}", "arch",
			 image_host_arch(), "os", "linux", "kernel", u.release, "hostname",
			 hostname, "cgroupVersion", oci_cgroup_version_string(cg), "cpus",
			 (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "memTotal",
			 (json_int_t)si.totalram * si.mem_unit, "memFree",
			 (json_int_t)si.freeram * si.mem_unit, "rootless", config_userns_rootless(),
			 "ociRuntime", runtime);
	if (idmaps)
		json_object_set_new(*ret, "idMappings", idmaps);
	return 0;
}

static int store_object(struct cli_ctx *ctx, json_t **ret, struct sk_error **err)
{
	struct store *s;
	int r = cli_ctx_store(ctx, &s, err);
	if (r < 0)
		return r;
	struct state_image **imgs = NULL;
	r = state_image_list(s->db, &imgs, err);
	if (r < 0)
		return r;
	size_t n = 0;
	while (imgs[n])
		n++;
	state_image_list_free(imgs);
	struct state_container **ctrs = NULL;
	r = state_container_list(s->db, false, &ctrs, err);
	if (r < 0)
		return r;
	size_t n_ctrs = 0;
	while (ctrs[n_ctrs])
		n_ctrs++;
	state_container_list_free(ctrs);
	_cleanup_free_ char *dbpath = path_join(s->graph_root, "selkie.db");
	*ret = json_pack("{s:s, s:s, s:s, s:s, s:{s:I}, s:{s:I}}", "graphRoot", s->graph_root,
			 "runRoot", s->run_root, "graphDriverName",
			 store_driver_to_string(s->driver), "databasePath", dbpath, "imageStore",
			 "number", (json_int_t)n, "containerStore", "number", (json_int_t)n_ctrs);
	/* podman's way of saying overlay goes through fuse-overlayfs */
	json_t *gopts = json_object();
	if (s->driver == STORE_DRIVER_OVERLAY && s->mount_program)
		json_object_set_new(gopts, "overlay.mount_program",
				    json_pack("{s:s}", "Executable", s->mount_program));
	json_object_set_new(*ret, "graphOptions", gopts);
	return 0;
}

static json_t *registries_object(struct cli_ctx *ctx)
{
	struct config_registries_opts o = { .path = ctx->global.registries_conf };
	_cleanup_config_registries_ struct config_registries *conf = NULL;
	_cleanup_error_ struct sk_error *err = NULL;
	if (config_registries_load(&o, &conf, &err) < 0)
		return json_pack("{s:s}", "error", err->msg);
	json_t *reg = json_object();
	json_object_set_new(reg, "search", sk_json_from_strv(conf->search));
	for (size_t i = 0; i < conf->n_registries; i++) {
		const struct config_registry *r = &conf->registries[i];
		json_object_set_new(reg, r->prefix,
				    json_pack("{s:s, s:s, s:b, s:b}", "Prefix", r->prefix,
					      "Location", r->location, "Insecure", r->insecure,
					      "Blocked", r->blocked));
	}
	return reg;
}

int cmd_info(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct info_opts *opts = opts_;
	_cleanup_error_ struct sk_error *err = NULL;
	json_t *store = NULL, *host = NULL;
	if (host_object(ctx, &host, &err) < 0)
		return cli_fail(err);
	if (store_object(ctx, &store, &err) < 0) {
		json_decref(host);
		return cli_fail(err);
	}
	_cleanup_json_ json_t *info =
		json_pack("{s:o, s:o, s:o, s:o}", "host", host, "store", store, "registries",
			  registries_object(ctx), "version", client_object());
	_cleanup_free_ char *fmt = isempty(opts->format) ? NULL : xstrdup(opts->format);
	int r = isempty(fmt) ? cli_print_yaml(info, stdout)
			     : format_print_one_strict(fmt, info, stdout, &err);
	return r < 0 ? cli_fail(err) : 0;
}
