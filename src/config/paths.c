/* SPDX-License-Identifier: Apache-2.0 */
#include "paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/userns.h"
#include "util/fs.h"
#include "util/xalloc.h"

char *config_home_dir(void)
{
	const char *h = getenv("HOME");
	if (!isempty(h))
		return xstrdup(h);
	struct passwd *pw = getpwuid(config_userns_host_uid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

static char *user_data_home(void)
{
	const char *x = getenv("XDG_DATA_HOME");
	if (!isempty(x))
		return path_join(x, "selkie");
	_cleanup_free_ char *home = config_home_dir();
	return path_join(home, ".local/share/selkie");
}

static char *user_config_home(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (!isempty(x))
		return path_join(x, "containers");
	_cleanup_free_ char *home = config_home_dir();
	return path_join(home, ".config/containers");
}

int config_paths_resolve(const char *root, const char *runroot, struct config_paths *ret,
			 struct sk_error **err)
{
	struct config_paths p = { .rootless = config_userns_rootless() };
	if (isempty(root))
		root = getenv("SELKIE_ROOT");
	if (isempty(runroot))
		runroot = getenv("SELKIE_RUNROOT");
	if (!isempty(root))
		p.graph_root = xstrdup(root);
	else
		p.graph_root = p.rootless ? user_data_home() : xstrdup("/var/lib/selkie");
	if (!isempty(runroot))
		p.run_root = xstrdup(runroot);
	else
		p.run_root = p.rootless ? config_userns_runtime_dir() : xstrdup("/run/selkie");
	p.config_home = p.rootless ? user_config_home() : xstrdup("/etc/containers");
	if (p.graph_root[0] != '/' || p.run_root[0] != '/') {
		config_paths_release(&p);
		return sk_err_invalid(err, "storage paths must be absolute: '%s', '%s'",
				      root ? root : "", runroot ? runroot : "");
	}
	*ret = p;
	return 0;
}

void config_paths_release(struct config_paths *p)
{
	free(p->graph_root);
	free(p->run_root);
	free(p->config_home);
	*p = (struct config_paths){ 0 };
}
