/* SPDX-License-Identifier: Apache-2.0 */
/* Every command handler and its options struct (one table row each in commands.c). */
#pragma once

#include <stdbool.h>

#include "cli/context.h"

int cmd_help(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct version_opts {
	char *format;
};
int cmd_version(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct info_opts {
	char *format;
};
int cmd_info(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct pull_opts {
	bool all_tags;
	bool quiet;
	char *platform;
	char *arch;
	char *os;
	char *variant;
	char *tls_verify;
	char *cert_dir;
	char *creds;
	char *authfile;
};
int cmd_pull(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct images_opts {
	bool all;
	bool digests;
	char **filters;
	char *format;
	bool noheading;
	bool no_trunc;
	bool quiet;
	char *sort;
};
int cmd_images(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct image_inspect_opts {
	char *format;
};
int cmd_image_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);
/* `inspect`: picks the object type (only images exist so far). */
struct inspect_opts {
	char *format;
	char *type;
	bool size;
	bool latest;
};
int cmd_inspect(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct rmi_opts {
	bool all;
	bool force;
	bool ignore;
};
int cmd_rmi(struct cli_ctx *ctx, void *opts, int argc, char **argv);

int cmd_tag(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_untag(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_image_exists(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct history_opts {
	bool human;
	bool no_trunc;
	bool quiet;
	char *format;
};
int cmd_history(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct image_prune_opts {
	bool all;
	bool force;
	char **filters;
};
int cmd_image_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct push_opts {
	char *authfile;
	char *cert_dir;
	char *compression_format;
	char *creds;
	char *digestfile;
	bool disable_content_trust;
	char *format;
	bool quiet;
	bool remove_signatures;
	char *tls_verify;
};
int cmd_push(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct login_opts {
	char *authfile;
	char *cert_dir;
	bool get_login;
	char *password;
	bool password_stdin;
	char *tls_verify;
	char *username;
	bool verbose;
};
int cmd_login(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct logout_opts {
	bool all;
	char *authfile;
};
int cmd_logout(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct search_opts {
	char *authfile;
	char *cert_dir;
	bool compatible;
	char *creds;
	char **filters;
	char *format;
	int limit;
	bool list_tags;
	bool no_trunc;
	char *tls_verify;
};
int cmd_search(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct system_df_opts {
	char *format;
	bool verbose;
};
int cmd_system_df(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct save_opts {
	bool compress;
	char *format;
	bool multi_image;
	char *output;
	bool quiet;
	bool uncompressed;
};
int cmd_save(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct load_opts {
	char *input;
	bool quiet;
};
int cmd_load(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct import_opts {
	char **changes;
	char *message;
	char *platform;
	char *arch;
	char *os;
	char *variant;
	bool quiet;
};
int cmd_import(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct image_mount_opts {
	bool all;
	char *format;
};
int cmd_image_mount(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct image_unmount_opts {
	bool all;
	bool force;
};
int cmd_image_unmount(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct events_opts {
	char **filters;
	char *format;
	bool no_trunc;
	char *since;
	bool stream;
	char *until;
};
int cmd_events(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct system_prune_opts {
	bool all;
	bool force;
	bool volumes;
	char **filters;
};
int cmd_unshare(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_system_migrate(struct cli_ctx *ctx, void *opts, int argc, char **argv);
int cmd_system_prune(struct cli_ctx *ctx, void *opts, int argc, char **argv);

struct system_reset_opts {
	bool force;
};
int cmd_system_reset(struct cli_ctx *ctx, void *opts, int argc, char **argv);
