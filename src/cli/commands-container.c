/* SPDX-License-Identifier: Apache-2.0 */
/* Option tables and the `container` command group (STYLE.md "Commands"). The CMD_* rows in
 * commands-container.h are shared by the group and the top-level (docker-style) commands. */
#include <stddef.h>

#include "cli/cmds-container.h"
#include "cli/cmds-port.h"
#include "cli/commands-container.h"
#include "cli/commands-container-fs.h"

#define O(st, field) offsetof(struct st, field)

#define CREATE_OPTIONS(st)                                                                             \
	{ "annotation",                                                                                \
	  0,                                                                                           \
	  CLI_OPT_STRV,                                                                                \
	  O(st, c.annotations),                                                                        \
	  "Add annotations to container (key=value)",                                                  \
	  NULL,                                                                                        \
	  0 },                                                                                         \
		{ "attach", 'a', CLI_OPT_STRV, O(st, c.attach), "Attach to STDIN, STDOUT or STDERR",   \
		  NULL,	    0 },                                                                       \
		{ "add-host",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.add_host),                                                                   \
		  "Add a custom host-to-IP mapping (host:ip)",                                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cap-add",                                                                           \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.cap_add),                                                                    \
		  "Add capabilities to the container",                                                 \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cap-drop",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.cap_drop),                                                                   \
		  "Drop capabilities from the container",                                              \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cgroup-parent",                                                                     \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cgroup_parent),                                                              \
		  "Optional parent cgroup for the container",                                          \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cgroupns", 0, CLI_OPT_STRING, O(st, c.cgroupns), "cgroup namespace to use",         \
		  NULL,	      0 },                                                                     \
		{ "cidfile",                                                                           \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cidfile),                                                                    \
		  "Write the container ID to the file",                                                \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpu-period",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpu_period),                                                                 \
		  "Limit the CPU CFS (Completely Fair Scheduler) period",                              \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpu-quota",                                                                         \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpu_quota),                                                                  \
		  "Limit the CPU CFS (Completely Fair Scheduler) quota",                               \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpu-shares",                                                                        \
		  'c',                                                                                 \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpu_shares),                                                                 \
		  "CPU shares (relative weight)",                                                      \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpus",                                                                              \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpus),                                                                       \
		  "Number of CPUs. The default is 0.000 which means no limit",                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpuset-cpus",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpuset_cpus),                                                                \
		  "CPUs in which to allow execution (0-3, 0,1)",                                       \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "cpuset-mems",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.cpuset_mems),                                                                \
		  "Memory nodes (MEMs) in which to allow execution (0-3, 0,1)",                        \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "detach-keys",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.detach_keys),                                                                \
		  "Override the key sequence for detaching a container",                               \
		  "\"ctrl-p,ctrl-q\"",                                                                 \
		  0 },                                                                                 \
		{ "device", 0, CLI_OPT_STRV, O(st, c.device), "Add a host device to the container",    \
		  NULL,	    0 },                                                                       \
		{ "dns", 0, CLI_OPT_STRV_CSV, O(st, c.dns), "Set custom DNS servers", NULL, 0 },       \
		{ "dns-option", 0, CLI_OPT_STRV, O(st, c.dns_option), "Set custom DNS options",        \
		  NULL,		0 },                                                                   \
		{ "dns-search",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.dns_search),                                                                 \
		  "Set custom DNS search domains",                                                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "entrypoint",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.entrypoint),                                                                 \
		  "Overwrite the default ENTRYPOINT of the image",                                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "env", 'e', CLI_OPT_STRV, O(st, c.env), "Set environment variables in container",    \
		  NULL,	 0 },                                                                          \
		{ "env-file",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.env_file),                                                                   \
		  "Read in a file of environment variables",                                           \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "env-host",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.env_host),                                                                   \
		  "Use all current host environment variables in container",                           \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "expose", 0, CLI_OPT_STRV, O(st, c.expose), "Expose a port or a range of ports",     \
		  NULL,	    0 },                                                                       \
		{ "gidmap",                                                                            \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.gidmap),                                                                     \
		  "GID map to use for the user namespace",                                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "group-add",                                                                         \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.group_add),                                                                  \
		  "Add additional groups to the primary container process",                            \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "health-cmd",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.health_cmd),                                                                 \
		  "set a healthcheck command for the container ('none' disables the existing "         \
		  "healthcheck)",                                                                      \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "health-interval",                                                                   \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.health_interval),                                                            \
		  "set an interval for the healthchecks (a value of disable results in no "            \
		  "automatic timer setup)",                                                            \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "health-retries",                                                                    \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.health_retries),                                                             \
		  "the number of retries allowed before a healthcheck is considered to be "            \
		  "unhealthy",                                                                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "health-start-period",                                                               \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.health_start_period),                                                        \
		  "the initialization time needed for a container to bootstrap",                       \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "health-timeout",                                                                    \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.health_timeout),                                                             \
		  "the maximum time allowed to complete the healthcheck before an interval is "        \
		  "considered failed",                                                                 \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "hostname", 'h', CLI_OPT_STRING, O(st, c.hostname), "Set container hostname",        \
		  NULL,	      0 },                                                                     \
		{ "init",                                                                              \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.init),                                                                       \
		  "Run an init binary inside the container that forwards signals and reaps "           \
		  "processes",                                                                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "init-path",                                                                         \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.init_path),                                                                  \
		  "Path to the container-init binary",                                                 \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "interactive",                                                                       \
		  'i',                                                                                 \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.interactive),                                                                \
		  "Keep STDIN open even if not attached",                                              \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "ip",                                                                                \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.ip),                                                                         \
		  "Specify a static IPv4 address for the container",                                   \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "ipc", 0, CLI_OPT_STRING, O(st, c.ipc), "IPC namespace to use", NULL, 0 },           \
		{ "label", 'l', CLI_OPT_STRV, O(st, c.labels), "Set metadata on container", NULL, 0 }, \
		{ "label-file",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.label_files),                                                                \
		  "Read in a line delimited file of labels",                                           \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "log-driver",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.log_driver),                                                                 \
		  "Logging driver for the container",                                                  \
		  "\"k8s-file\"",                                                                      \
		  0 },                                                                                 \
		{ "log-opt", 0, CLI_OPT_STRV, O(st, c.log_opt), "Logging driver options", NULL, 0 },   \
		{ "mac-address",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.mac_address),                                                                \
		  "Container MAC address (e.g. 92:d0:c6:0a:29:33)",                                    \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "memory",                                                                            \
		  'm',                                                                                 \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.memory),                                                                     \
		  "Memory limit (format: <number>[<unit>], where unit = b (bytes), k "                 \
		  "(kibibytes), m (mebibytes), or g (gibibytes))",                                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "memory-reservation",                                                                \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.memory_reservation),                                                         \
		  "Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k "            \
		  "(kibibytes), m (mebibytes), or g (gibibytes))",                                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "memory-swap",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.memory_swap),                                                                \
		  "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",               \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "mount",                                                                             \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.mounts),                                                                     \
		  "Attach a filesystem mount to the container",                                        \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "name", 0, CLI_OPT_STRING, O(st, c.name), "Assign a name to the container",          \
		  NULL,	  0 },                                                                         \
		{ "network",                                                                           \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.networks),                                                                   \
		  "Connect a container to a network",                                                  \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "net",                                                                               \
		  0,                                                                                   \
		  CLI_OPT_STRV_CSV,                                                                    \
		  O(st, c.networks),                                                                   \
		  "Connect a container to a network",                                                  \
		  NULL,                                                                                \
		  CLI_OPT_HIDDEN },                                                                    \
		{ "network-alias",                                                                     \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.network_alias),                                                              \
		  "Add network-scoped alias for the container",                                        \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "no-hosts",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.no_hosts),                                                                   \
		  "Do not create /etc/hosts within the container, instead use the version from "       \
		  "the image",                                                                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "no-healthcheck",                                                                    \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.no_healthcheck),                                                             \
		  "Disable healthchecks on container",                                                 \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "oom-score-adj",                                                                     \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.oom_score_adj),                                                              \
		  "Tune the host's OOM preferences (-1000 to 1000)",                                   \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "pid", 0, CLI_OPT_STRING, O(st, c.pid), "PID namespace to use", NULL, 0 },           \
		{ "pids-limit",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.pids_limit),                                                                 \
		  "Tune container pids limit (set -1 for unlimited)",                                  \
		  "2048",                                                                              \
		  0 },                                                                                 \
		{ "pod",                                                                               \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.pod),                                                                        \
		  "Run container in an existing pod (new:NAME makes one)",                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "platform",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.platform),                                                                   \
		  "Specify the platform for selecting the image",                                      \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "privileged",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.privileged),                                                                 \
		  "Give extended privileges to container",                                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "publish",                                                                           \
		  'p',                                                                                 \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.publish),                                                                    \
		  "Publish a container's port, or a range of ports, to the host",                      \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "publish-all",                                                                       \
		  'P',                                                                                 \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.publish_all),                                                                \
		  "Publish all exposed ports to random ports on the host interface",                   \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "pull",                                                                              \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.pull),                                                                       \
		  "Pull image before creating (\"always\"|\"missing\"|\"never\"|\"newer\")",           \
		  "\"missing\"",                                                                       \
		  0 },                                                                                 \
		{ "quiet",                                                                             \
		  'q',                                                                                 \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.quiet),                                                                      \
		  "Suppress output information when pulling images",                                   \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "read-only",                                                                         \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.read_only),                                                                  \
		  "Make containers root filesystem read-only",                                         \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "restart",                                                                           \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.restart),                                                                    \
		  "Restart policy to apply when a container exits "                                    \
		  "(\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")",                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "rm",                                                                                \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.rm),                                                                         \
		  "Remove container (and pod if created) after exit",                                  \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "security-opt", 0, CLI_OPT_STRV, O(st, c.security_opt), "Security Options",          \
		  NULL,		  0 },                                                                 \
		{ "shm-size",                                                                          \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.shm_size),                                                                   \
		  "Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k "             \
		  "(kibibytes), m (mebibytes), or g (gibibytes))",                                     \
		  "\"65536k\"",                                                                        \
		  0 },                                                                                 \
		{ "sig-proxy",                                                                         \
		  0,                                                                                   \
		  CLI_OPT_BOOL,                                                                        \
		  O(st, c.sig_proxy),                                                                  \
		  "Proxy received signals to the process",                                             \
		  "true",                                                                              \
		  CLI_OPT_DEFAULT_TRUE },                                                              \
		{ "stop-signal",                                                                       \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.stop_signal),                                                                \
		  "Signal to stop a container. Default is SIGTERM",                                    \
		  "\"SIGTERM\"",                                                                       \
		  0 },                                                                                 \
		{ "stop-timeout",                                                                      \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.stop_timeout),                                                               \
		  "Timeout (in seconds) that containers stopped by user command have to exit. If "     \
		  "exceeded, the container will be forcibly stopped via SIGKILL.",                     \
		  "10",                                                                                \
		  0 },                                                                                 \
		{ "subgidname",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.subgidname),                                                                 \
		  "Name of range listed in /etc/subgid for use in user namespace",                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "subuidname",                                                                        \
		  0,                                                                                   \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.subuidname),                                                                 \
		  "Name of range listed in /etc/subuid for use in user namespace",                     \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "sysctl", 0, CLI_OPT_STRV, O(st, c.sysctl), "Sysctl options", NULL, 0 },             \
		{ "tmpfs",                                                                             \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.tmpfs),                                                                      \
		  "Mount a temporary filesystem (tmpfs) into a container",                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "tty", 't', CLI_OPT_BOOL, O(st, c.tty), "Allocate a pseudo-TTY for container",       \
		  NULL,	 0 },                                                                          \
		{ "uidmap",                                                                            \
		  0,                                                                                   \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.uidmap),                                                                     \
		  "UID map to use for the user namespace",                                             \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "userns", 0, CLI_OPT_STRING, O(st, c.userns), "User namespace to use", NULL, 0 },    \
		{ "ulimit", 0, CLI_OPT_STRV, O(st, c.ulimit), "Ulimit options", NULL, 0 },             \
		{ "user",                                                                              \
		  'u',                                                                                 \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.user),                                                                       \
		  "Username or UID (format: <name|uid>[:<group|gid>])",                                \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "uts", 0, CLI_OPT_STRING, O(st, c.uts), "UTS namespace to use", NULL, 0 },           \
		{ "volume",                                                                            \
		  'v',                                                                                 \
		  CLI_OPT_STRV,                                                                        \
		  O(st, c.volumes),                                                                    \
		  "Bind mount a volume into the container",                                            \
		  NULL,                                                                                \
		  0 },                                                                                 \
		{ "workdir",                                                                           \
		  'w',                                                                                 \
		  CLI_OPT_STRING,                                                                      \
		  O(st, c.workdir),                                                                    \
		  "Working directory inside the container",                                            \
		  NULL,                                                                                \
		  0 },

const struct cli_option create_options[] = {
	CREATE_OPTIONS(run_opts) CLI_OPTIONS_END,
};

const struct cli_option run_options[] = {
	CREATE_OPTIONS(run_opts){ "detach", 'd', CLI_OPT_BOOL, O(run_opts, detach),
				  "Run container in background and print container ID", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option start_options[] = {
	{ "attach", 'a', CLI_OPT_BOOL, O(start_opts, attach),
	  "Attach container's STDOUT and STDERR", NULL, 0 },
	{ "detach-keys", 0, CLI_OPT_STRING, O(start_opts, detach_keys),
	  "Select the key sequence for detaching a container. Format is a single character "
	  "[a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: "
	  "`a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`",
	  "\"ctrl-p,ctrl-q\"", 0 },
	{ "interactive", 'i', CLI_OPT_BOOL, O(start_opts, interactive),
	  "Keep STDIN open even if not attached", NULL, 0 },
	{ "sig-proxy", 0, CLI_OPT_BOOL, O(start_opts, sig_proxy),
	  "Proxy received signals to the process (default true if attaching, false otherwise)",
	  NULL, CLI_OPT_DEFAULT_TRUE },
	CLI_OPTIONS_END,
};

const struct cli_option attach_options[] = {
	{ "detach-keys", 0, CLI_OPT_STRING, O(attach_opts, detach_keys),
	  "Select the key sequence for detaching a container", "\"ctrl-p,ctrl-q\"", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(attach_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "no-stdin", 0, CLI_OPT_BOOL, O(attach_opts, no_stdin), "Do not attach STDIN", NULL, 0 },
	{ "sig-proxy", 0, CLI_OPT_BOOL, O(attach_opts, sig_proxy),
	  "Proxy received signals to the process", "true", CLI_OPT_DEFAULT_TRUE },
	CLI_OPTIONS_END,
};

const struct cli_option ps_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(ps_opts, all),
	  "Show all the containers, default is only running containers", NULL, 0 },
	{ "external", 0, CLI_OPT_BOOL, O(ps_opts, external),
	  "Show containers in storage not controlled by selkie", NULL, 0 },
	{ "filter", 'f', CLI_OPT_STRV, O(ps_opts, filters),
	  "Filter output based on conditions given", NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(ps_opts, format),
	  "Pretty-print containers to JSON or using a Go template", NULL, 0 },
	{ "last", 'n', CLI_OPT_INT, O(ps_opts, last),
	  "Print the n last created containers (all states)", "-1", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(ps_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "namespace", 0, CLI_OPT_BOOL, O(ps_opts, namespace), "Display namespace information",
	  NULL, 0 },
	{ "noheading", 0, CLI_OPT_BOOL, O(ps_opts, noheading), "Do not print headers", NULL, 0 },
	{ "pod", 'p', CLI_OPT_BOOL, O(ps_opts, pod),
	  "Print the ID and name of the pod the containers are associated with", NULL, 0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(ps_opts, no_trunc), "Display the extended information",
	  NULL, 0 },
	{ "quiet", 'q', CLI_OPT_BOOL, O(ps_opts, quiet),
	  "Print the numeric IDs of the containers only", NULL, 0 },
	{ "size", 's', CLI_OPT_BOOL, O(ps_opts, size), "Display the total file sizes", NULL, 0 },
	{ "sort", 0, CLI_OPT_STRING, O(ps_opts, sort),
	  "Sort output by: command, created, id, image, names, runningfor, size, status",
	  "\"created\"", 0 },
	CLI_OPTIONS_END,
};

#define TIME_OPT(st, text)                                                                         \
	{ "time", 't', CLI_OPT_STRING, O(st, time), text, "10", 0 },                               \
	{                                                                                          \
		"timeout", 0, CLI_OPT_STRING, O(st, time), text, NULL, CLI_OPT_HIDDEN              \
	}

const struct cli_option stop_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(stop_opts, all), "Stop all running containers", NULL, 0 },
	{ "cidfile", 0, CLI_OPT_STRV, O(stop_opts, cidfiles), "Read the container ID from the file",
	  NULL, 0 },
	{ "ignore", 'i', CLI_OPT_BOOL, O(stop_opts, ignore),
	  "Ignore errors when a specified container is missing", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(stop_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	TIME_OPT(stop_opts, "Seconds to wait for stop before killing the container"),
	CLI_OPTIONS_END,
};

const struct cli_option restart_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(restart_opts, all), "Restart all non-running containers",
	  NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(restart_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "running", 0, CLI_OPT_BOOL, O(restart_opts, running),
	  "Restart only running containers when --all is used", NULL, 0 },
	TIME_OPT(restart_opts, "Seconds to wait for stop before killing the container"),
	CLI_OPTIONS_END,
};

const struct cli_option kill_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(kill_opts, all), "Signal all running containers", NULL, 0 },
	{ "cidfile", 0, CLI_OPT_STRV, O(kill_opts, cidfiles), "Read the container ID from the file",
	  NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(kill_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "signal", 's', CLI_OPT_STRING, O(kill_opts, signal), "Signal to send to the container",
	  "\"KILL\"", 0 },
	CLI_OPTIONS_END,
};

const struct cli_option rm_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(rm_opts, all), "Remove all containers", NULL, 0 },
	{ "cidfile", 0, CLI_OPT_STRV, O(rm_opts, cidfiles), "Read the container ID from the file",
	  NULL, 0 },
	{ "depend", 0, CLI_OPT_BOOL, O(rm_opts, depend),
	  "Remove container and all containers that depend on the selected container", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(rm_opts, force),
	  "Force removal of a running or unusable container", NULL, 0 },
	{ "ignore", 'i', CLI_OPT_BOOL, O(rm_opts, ignore),
	  "Ignore errors when a specified container is missing", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(rm_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	TIME_OPT(rm_opts, "Seconds to wait for stop before killing the container"),
	{ "volumes", 'v', CLI_OPT_BOOL, O(rm_opts, volumes),
	  "Remove anonymous volumes associated with the container", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option wait_options[] = {
	{ "condition", 0, CLI_OPT_STRV, O(wait_opts, conditions), "Condition to wait on",
	  "\"stopped\"", 0 },
	{ "ignore", 0, CLI_OPT_BOOL, O(wait_opts, ignore), "Ignore if a container does not exist",
	  NULL, 0 },
	{ "interval", 'i', CLI_OPT_STRING, O(wait_opts, interval),
	  "Time Interval to wait before polling for completion", "\"250ms\"", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(wait_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option pause_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(pause_opts, all), "Act on all containers", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(pause_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option container_prune_options[] = {
	{ "filter", 0, CLI_OPT_STRV, O(container_prune_opts, filters),
	  "Provide filter values (e.g. 'label=<key>=<value>')", NULL, 0 },
	{ "force", 'f', CLI_OPT_BOOL, O(container_prune_opts, force),
	  "Do not prompt for confirmation.  The default is false", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option cleanup_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(cleanup_opts, all), "Cleans up all containers", NULL, 0 },
	{ "rm", 0, CLI_OPT_BOOL, O(cleanup_opts, rm),
	  "After cleanup, remove the container entirely", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option logs_options[] = {
	{ "follow", 'f', CLI_OPT_BOOL, O(logs_opts, follow),
	  "Follow log output.  The default is false", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(logs_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "names", 'n', CLI_OPT_BOOL, O(logs_opts, names), "Output the container name in the log",
	  NULL, 0 },
	{ "since", 0, CLI_OPT_STRING, O(logs_opts, since), "Show logs since TIMESTAMP", NULL, 0 },
	{ "tail", 0, CLI_OPT_STRING, O(logs_opts, tail),
	  "Output the specified number of LINES at the end of the logs.  Defaults to -1, which "
	  "prints all lines",
	  "-1", 0 },
	{ "timestamps", 't', CLI_OPT_BOOL, O(logs_opts, timestamps),
	  "Output the timestamps in the log", NULL, 0 },
	{ "until", 0, CLI_OPT_STRING, O(logs_opts, until), "Show logs until TIMESTAMP", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option container_inspect_options[] = {
	{ "format", 'f', CLI_OPT_STRING, O(container_inspect_opts, format),
	  "Format the output to a Go template or json", "\"json\"", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(container_inspect_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "size", 's', CLI_OPT_BOOL, O(container_inspect_opts, size), "Display total file size",
	  NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option exec_options[] = {
	{ "detach", 'd', CLI_OPT_BOOL, O(exec_opts, detach),
	  "Run the exec session in detached mode (backgrounded)", NULL, 0 },
	{ "detach-keys", 0, CLI_OPT_STRING, O(exec_opts, detach_keys),
	  "Select the key sequence for detaching a container", "\"ctrl-p,ctrl-q\"", 0 },
	{ "env", 'e', CLI_OPT_STRV, O(exec_opts, env), "Set environment variables", NULL, 0 },
	{ "env-file", 0, CLI_OPT_STRV, O(exec_opts, env_file),
	  "Read in a file of environment variables", NULL, 0 },
	{ "interactive", 'i', CLI_OPT_BOOL, O(exec_opts, interactive),
	  "Keep STDIN open even if not attached", NULL, 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(exec_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "privileged", 0, CLI_OPT_BOOL, O(exec_opts, privileged),
	  "Give the process extended Linux capabilities inside the container.  The default is "
	  "false",
	  NULL, 0 },
	{ "tty", 't', CLI_OPT_BOOL, O(exec_opts, tty),
	  "Allocate a pseudo-TTY. The default is false", NULL, 0 },
	{ "user", 'u', CLI_OPT_STRING, O(exec_opts, user),
	  "Sets the username or UID used and optionally the groupname or GID for the specified "
	  "command",
	  NULL, 0 },
	{ "workdir", 'w', CLI_OPT_STRING, O(exec_opts, workdir),
	  "Working directory inside the container", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option stats_options[] = {
	{ "all", 'a', CLI_OPT_BOOL, O(stats_opts, all),
	  "Show all containers. Only running containers are shown by default. The default is false",
	  NULL, 0 },
	{ "format", 0, CLI_OPT_STRING, O(stats_opts, format),
	  "Pretty-print container statistics to JSON or using a Go template", NULL, 0 },
	{ "interval", 'i', CLI_OPT_INT, O(stats_opts, interval),
	  "Time in seconds between stats reports", "5", 0 },
	{ "latest", 'l', CLI_OPT_BOOL, O(stats_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	{ "no-reset", 0, CLI_OPT_BOOL, O(stats_opts, no_reset),
	  "Disable resetting the screen between intervals", NULL, 0 },
	{ "no-stream", 0, CLI_OPT_BOOL, O(stats_opts, no_stream),
	  "Disable streaming stats and only pull the first result, default setting is false", NULL,
	  0 },
	{ "no-trunc", 0, CLI_OPT_BOOL, O(stats_opts, no_trunc), "Do not truncate output", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_option top_options[] = {
	{ "latest", 'l', CLI_OPT_BOOL, O(top_opts, latest),
	  "Act on the latest container selkie is aware of", NULL, 0 },
	CLI_OPTIONS_END,
};

const struct cli_command cli_healthcheck_commands[] = {
	{ .name = "run",
	  .handler = cmd_healthcheck_run,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "CONTAINER",
	  .summary = "Run the health check of a container",
	  .description = "Run the health check command of a container: exit 0 when healthy, 1 when "
			 "not, 125 on an error." },
	CLI_COMMANDS_END,
};

const struct cli_command cli_container_commands[] = {
	{ .name = "attach", CMD_ATTACH },
	{ .name = "cleanup",
	  .handler = cmd_container_cleanup,
	  .flags = CLI_CMD_HIDDEN,
	  .min_args = 0,
	  .max_args = -1,
	  .usage = "[options] CONTAINER [CONTAINER...]",
	  .summary = "Clean up network and mountpoints of one or more containers",
	  .options = cleanup_options,
	  .opts_size = sizeof(struct cleanup_opts) },
	{ .name = "commit", CMD_COMMIT },
	{ .name = "cp", CMD_CP },
	{ .name = "create", CMD_CREATE },
	{ .name = "diff", CMD_CONTAINER_DIFF },
	{ .name = "exec", CMD_EXEC },
	{ .name = "exists",
	  .handler = cmd_container_exists,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "CONTAINER",
	  .summary = "Check if a container exists in local storage",
	  .description = "If the named container exists in local storage, selkie container exists "
			 "exits with 0, otherwise the exit code will be 1." },
	{ .name = "export", CMD_EXPORT },
	{ .name = "inspect", CMD_CONTAINER_INSPECT },
	{ .name = "kill", CMD_KILL },
	{ .name = "list", CMD_PS },
	{ .name = "logs", CMD_LOGS },
	{ .name = "ls", CMD_PS },
	{ .name = "monitor",
	  .handler = cmd_container_monitor,
	  .flags = CLI_CMD_HIDDEN | CLI_CMD_NO_STORE,
	  .min_args = 1,
	  .max_args = 1,
	  .usage = "RUN_DIR",
	  .summary = "The per-container monitor (started by selkie itself)" },
	{ .name = "pause", CMD_PAUSE },
	{ .name = "port", CMD_CONTAINER_PORT },
	{ .name = "prune",
	  .handler = cmd_container_prune,
	  .min_args = 0,
	  .max_args = 0,
	  .usage = "[options]",
	  .summary = "Remove all non running containers",
	  .options = container_prune_options,
	  .opts_size = sizeof(struct container_prune_opts) },
	{ .name = "ps", CMD_PS },
	{ .name = "rename", CMD_RENAME },
	{ .name = "restart", CMD_RESTART },
	{ .name = "rm", CMD_RM },
	{ .name = "run", CMD_RUN },
	{ .name = "start", CMD_START },
	{ .name = "stats", CMD_STATS },
	{ .name = "stop", CMD_STOP },
	{ .name = "top", CMD_TOP },
	{ .name = "unpause", CMD_UNPAUSE },
	{ .name = "wait", CMD_WAIT },
	CLI_COMMANDS_END,
};
