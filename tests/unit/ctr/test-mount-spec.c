/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "ctr/mount-spec.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

typedef int (*parse_fn)(const char *arg, struct ctr_mount *ret, struct sk_error **err);

static void assert_mount(parse_fn fn, const char *arg, enum ctr_mount_type type, const char *src,
			 const char *dst, const char *opts)
{
	struct ctr_mount m = { 0 };
	struct sk_error *err = NULL;
	char *joined = NULL;

	if (fn(arg, &m, &err) < 0)
		fail_msg("parsing '%s': %s", arg, err->msg);
	assert_int_equal(m.type, type);
	if (src)
		assert_string_equal(m.source, src);
	else
		assert_null(m.source);
	assert_string_equal(m.destination, dst);
	joined = strv_join(m.options, ",");
	assert_string_equal(joined, opts);
	assert_int_equal(m.readonly, strv_contains(m.options, "ro"));
	free(joined);
	ctr_mount_clear(&m);
}

static void assert_fails(parse_fn fn, const char *arg, const char *msg)
{
	struct ctr_mount m = { 0 };
	struct sk_error *err = NULL;

	assert_true(fn(arg, &m, &err) < 0);
	assert_non_null(err);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	assert_string_equal(err->msg, msg);
	assert_null(m.destination);
	assert_null(m.options);
	sk_error_free(err);
}

static char *cwd_join(const char *rel)
{
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	return rel ? path_join(cwd, rel) : xstrdup(cwd);
}

static void test_ctr_mount_type_strings(void **state)
{
	(void)state;
	assert_string_equal(ctr_mount_type_to_string(CTR_MOUNT_BIND), "bind");
	assert_string_equal(ctr_mount_type_to_string(CTR_MOUNT_VOLUME), "volume");
	assert_string_equal(ctr_mount_type_to_string(CTR_MOUNT_TMPFS), "tmpfs");
	assert_null(ctr_mount_type_to_string(_CTR_MOUNT_TYPE_MAX));
	assert_int_equal(ctr_mount_type_from_string("tmpfs"), CTR_MOUNT_TMPFS);
	assert_int_equal(ctr_mount_type_from_string("Bind"), _CTR_MOUNT_TYPE_INVALID);
	assert_int_equal(ctr_mount_type_from_string(NULL), _CTR_MOUNT_TYPE_INVALID);
}

static void test_ctr_mount_dest_clean_paths(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" },
		{ "/a", "/a" },
		{ "/a/", "/a" },
		{ "//a//b/", "/a/b" },
		{ "/a/./b", "/a/b" },
		{ "/a/../b", "/b" },
		{ "/..", "/" },
		{ "/../../x", "/x" },
		{ "/a/b/../../..", "/" },
		{ "/.", "/" },
		{ "/a/..b/c", "/a/..b/c" },
	};
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *out = NULL;
		assert_int_equal(ctr_mount_dest_clean(cases[i][0], &out, NULL), 0);
		assert_string_equal(out, cases[i][1]);
		free(out);
	}
	struct sk_error *err = NULL;
	char *out = NULL;
	assert_true(ctr_mount_dest_clean("rel/x", &out, &err) < 0);
	assert_string_equal(err->msg, "invalid container path \"rel/x\", must be an absolute path");
	assert_null(out);
	sk_error_free(err);
}

static void test_ctr_mount_volume_parse_binds(void **state)
{
	char *rel = cwd_join("rel/dir");
	char *up = NULL;
	char *cwd = cwd_join(NULL);
	(void)state;
	up = path_dirname(cwd);
	assert_mount(ctr_mount_volume_parse, "/src:/dst", CTR_MOUNT_BIND, "/src", "/dst", "");
	assert_mount(ctr_mount_volume_parse, "/src/:/dst//x/../y/:ro", CTR_MOUNT_BIND, "/src",
		     "/dst/y", "ro");
	assert_mount(ctr_mount_volume_parse, "/a:/b:rw,z,rshared,nosuid,nodev,exec,rbind",
		     CTR_MOUNT_BIND, "/a", "/b", "rw,z,rshared,nosuid,nodev,exec,rbind");
	assert_mount(ctr_mount_volume_parse, "/a:/b:Z,U,idmap,private,suid,dev,noexec,bind",
		     CTR_MOUNT_BIND, "/a", "/b", "Z,U,idmap,private,suid,dev,noexec,bind");
	assert_mount(ctr_mount_volume_parse, "/a:/b:O,idmap=uids=0-1-10", CTR_MOUNT_BIND, "/a",
		     "/b", "O,idmap=uids=0-1-10");
	assert_mount(ctr_mount_volume_parse, "/a:/b:O,upperdir=/u,workdir=/w", CTR_MOUNT_BIND, "/a",
		     "/b", "O,upperdir=/u,workdir=/w");
	assert_mount(ctr_mount_volume_parse, "/a:/b:ro,,", CTR_MOUNT_BIND, "/a", "/b", "ro");
	assert_mount(ctr_mount_volume_parse, "/a:/b:", CTR_MOUNT_BIND, "/a", "/b", "");
	assert_mount(ctr_mount_volume_parse, "./rel/dir:/x", CTR_MOUNT_BIND, rel, "/x", "");
	assert_mount(ctr_mount_volume_parse, "..:/x", CTR_MOUNT_BIND, up, "/x", "");
	assert_mount(ctr_mount_volume_parse, ".:/x", CTR_MOUNT_BIND, cwd, "/x", "");
	free(rel);
	free(up);
	free(cwd);
}

static void test_ctr_mount_volume_parse_volumes(void **state)
{
	struct ctr_mount m = { 0 };
	(void)state;
	assert_mount(ctr_mount_volume_parse, "data:/var/lib/data", CTR_MOUNT_VOLUME, "data",
		     "/var/lib/data", "");
	assert_mount(ctr_mount_volume_parse, "my_vol-1.x:/d:ro,nocopy", CTR_MOUNT_VOLUME,
		     "my_vol-1.x", "/d", "ro,nocopy");
	assert_mount(ctr_mount_volume_parse, "/anon", CTR_MOUNT_VOLUME, NULL, "/anon", "");
	assert_int_equal(ctr_mount_volume_parse("/anon/", &m, NULL), 0);
	assert_true(m.anonymous);
	assert_false(m.nocopy);
	assert_string_equal(m.destination, "/anon");
	ctr_mount_clear(&m);
	assert_int_equal(ctr_mount_volume_parse("v:/d:nocopy", &m, NULL), 0);
	assert_false(m.anonymous);
	assert_true(m.nocopy);
	ctr_mount_clear(&m);
}

static void test_ctr_mount_volume_parse_invalid(void **state)
{
	parse_fn p = ctr_mount_volume_parse;
	(void)state;
	assert_fails(p, "/a:/b:/c:/d",
		     "/a:/b:/c:/d: incorrect volume format, should be [host-dir:]ctr-dir[:option]");
	assert_fails(p, "", "container directory cannot be empty");
	assert_fails(p, ":/x", "host directory cannot be empty");
	assert_fails(p, "/a:", "container directory cannot be empty");
	assert_fails(p, "/a:rel", "invalid container path \"rel\", must be an absolute path");
	assert_fails(p, "rel", "invalid container path \"rel\", must be an absolute path");
	assert_fails(p, "/a:/x:foo", "invalid option type \"foo\"");
	assert_fails(p, "/a:/x:RO", "invalid option type \"RO\"");
	assert_fails(p, "/a:/x:ro=true", "invalid option type \"ro=true\"");
	assert_fails(p, "/a:/x:ro,rw",
		     "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option");
	assert_fails(p, "/a:/x:ro,ro",
		     "invalid options \"ro, ro\", can only specify 1 'rw' or 'ro' option");
	assert_fails(p, "/a:/x:z,Z",
		     "invalid options \"z, Z\", can only specify 1 'z', 'Z', or 'O' option");
	assert_fails(p, "/a:/x:rshared,private",
		     "invalid options \"rshared, private\", can only specify 1 '[r]shared', "
		     "'[r]private', '[r]slave' or '[r]unbindable' option");
	assert_fails(p, "/a:/x:exec,noexec",
		     "invalid options \"exec, noexec\", can only specify 1 'noexec' or 'exec' "
		     "option");
	assert_fails(p, "/a:/x:nodev,dev",
		     "invalid options \"nodev, dev\", can only specify 1 'nodev' or 'dev' option");
	assert_fails(p, "/a:/x:suid,nosuid",
		     "invalid options \"suid, nosuid\", can only specify 1 'nosuid' or 'suid' "
		     "option");
	assert_fails(p, "/a:/x:bind,rbind",
		     "invalid options \"bind, rbind\", can only specify 1 'rbind' or 'bind' "
		     "option");
	assert_fails(p, "/a:/x:nocopy,copy",
		     "invalid options \"nocopy, copy\", can only specify 1 'copy' or 'nocopy' "
		     "option");
	assert_fails(p, "/a:/x:U,U", "invalid options \"U, U\", can only specify 1 'U' option");
	assert_fails(p, "/a:/x:U,chown", "invalid option type \"chown\"");
	assert_fails(p, "/a:/x:O,upperdir", "invalid option type \"upperdir\"");
	assert_fails(p, "/a:/x:O,workdir=", "invalid option type \"workdir=\"");
	assert_fails(p, "/a:/x:idmapx", "invalid option type \"idmapx\"");
	assert_fails(p, "/a:/x:idmap,idmap=uids=0-1-1",
		     "invalid options \"idmap, idmap=uids=0-1-1\", can only specify 1 'idmap' "
		     "option");
	assert_fails(p, "bad name:/x",
		     "creating named volume \"bad name\": running volume create option: "
		     "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	assert_fails(p, "-vol:/x",
		     "creating named volume \"-vol\": running volume create option: "
		     "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	assert_fails(p, "_v:/x",
		     "creating named volume \"_v\": running volume create option: "
		     "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
}

static void test_ctr_mount_tmpfs_parse_values(void **state)
{
	parse_fn p = ctr_mount_tmpfs_parse;
	(void)state;
	assert_mount(p, "/run", CTR_MOUNT_TMPFS, NULL, "/run", "rw,noexec,nosuid,nodev");
	assert_mount(p, "/run/", CTR_MOUNT_TMPFS, NULL, "/run", "rw,noexec,nosuid,nodev");
	assert_mount(p, "/run:size=64m,mode=1777", CTR_MOUNT_TMPFS, NULL, "/run",
		     "size=64m,mode=1777,rw,noexec,nosuid,nodev");
	assert_mount(p, "/t:ro,exec,suid,dev,uid=1,gid=2,nr_inodes=5,noatime", CTR_MOUNT_TMPFS,
		     NULL, "/t", "ro,exec,suid,dev,uid=1,gid=2,nr_inodes=5,noatime");
	assert_mount(p, "/t:", CTR_MOUNT_TMPFS, NULL, "/t", "rw,noexec,nosuid,nodev");
	assert_mount(p, "/t:tmpcopyup,U", CTR_MOUNT_TMPFS, NULL, "/t",
		     "tmpcopyup,U,rw,noexec,nosuid,nodev");
}

static void test_ctr_mount_tmpfs_parse_invalid(void **state)
{
	parse_fn p = ctr_mount_tmpfs_parse;
	(void)state;
	assert_fails(p, "rel", "invalid container path \"rel\", must be an absolute path");
	assert_fails(p, "", "container directory cannot be empty");
	assert_fails(p, ":size=1m", "container directory cannot be empty");
	assert_fails(p, "/x:foo", "unknown mount option \"foo\": invalid mount option");
	assert_fails(p, "/x:size=", "unknown mount option \"size=\": invalid mount option");
	assert_fails(p, "/x:bogus=1", "unknown mount option \"bogus=1\": invalid mount option");
	assert_fails(p, "/x:Z", "unknown mount option \"Z\": invalid mount option");
}

static void test_ctr_mount_flag_parse_bind(void **state)
{
	parse_fn p = ctr_mount_flag_parse;
	(void)state;
	assert_mount(p, "type=bind,src=/a,target=/b", CTR_MOUNT_BIND, "/a", "/b", "");
	assert_mount(p, "type=bind,source=/a,dst=/b,ro", CTR_MOUNT_BIND, "/a", "/b", "ro");
	assert_mount(p, "destination=/b,type=bind,source=/a,readonly=true", CTR_MOUNT_BIND, "/a",
		     "/b", "ro");
	assert_mount(p, "type=bind,src=/a,dst=/b,readonly=false", CTR_MOUNT_BIND, "/a", "/b", "rw");
	assert_mount(p, "type=bind,src=/a,dst=/b,rw=false", CTR_MOUNT_BIND, "/a", "/b", "ro");
	assert_mount(p, "type=bind,src=/a,dst=/b,bind-propagation=rslave,bind-nonrecursive",
		     CTR_MOUNT_BIND, "/a", "/b", "rslave,bind");
	assert_mount(p, "type=bind,src=/a,dst=/b,relabel=shared,nosuid,nodev,noexec,U",
		     CTR_MOUNT_BIND, "/a", "/b", "z,nosuid,nodev,noexec,U");
	assert_mount(p, "type=bind,src=/a,dst=/b,relabel=private,chown=false,consistency=cached",
		     CTR_MOUNT_BIND, "/a", "/b", "Z");
	assert_mount(p, "type=bind,src=/a,dst=/b,idmap", CTR_MOUNT_BIND, "/a", "/b", "idmap");
	assert_mount(p, "type=bind,target=/x", CTR_MOUNT_BIND, "/x", "/x", "");
	assert_mount(p, "type=bind,\"src=/a,b\",dst=/x", CTR_MOUNT_BIND, "/a,b", "/x", "");
	assert_mount(p, "type=bind,\"src=/a\"\"q\",dst=/x", CTR_MOUNT_BIND, "/a\"q", "/x", "");
	char *rel = cwd_join("sub");
	assert_mount(p, "type=bind,src=sub,dst=/x", CTR_MOUNT_BIND, rel, "/x", "");
	free(rel);
}

static void test_ctr_mount_flag_parse_volume_tmpfs(void **state)
{
	parse_fn p = ctr_mount_flag_parse;
	struct ctr_mount m = { 0 };
	(void)state;
	assert_mount(p, "type=volume,src=data,dst=/d", CTR_MOUNT_VOLUME, "data", "/d", "");
	assert_mount(p, "type=volume,dst=/d,ro,volume-nocopy", CTR_MOUNT_VOLUME, NULL, "/d",
		     "ro,nocopy");
	assert_int_equal(
		p("type=volume,src=v,dst=/d,volume-opt=o=size=1m,volume-opt=type=tmpfs", &m, NULL),
		0);
	assert_int_equal(strv_length(m.volume_options), 2);
	assert_string_equal(m.volume_options[0], "o=size=1m");
	assert_string_equal(m.volume_options[1], "type=tmpfs");
	assert_false(m.anonymous);
	ctr_mount_clear(&m);
	assert_int_equal(p("type=volume,dst=/d,nocopy", &m, NULL), 0);
	assert_true(m.anonymous);
	assert_true(m.nocopy);
	ctr_mount_clear(&m);
	assert_mount(p, "type=tmpfs,dst=/t", CTR_MOUNT_TMPFS, NULL, "/t", "rw,noexec,nosuid,nodev");
	assert_mount(p, "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770,ro,exec", CTR_MOUNT_TMPFS,
		     NULL, "/t", "size=67108864,mode=1770,ro,exec,nosuid,nodev");
	assert_mount(p, "type=tmpfs,dst=/t,tmpfs-mode=755,notmpcopyup", CTR_MOUNT_TMPFS, NULL, "/t",
		     "mode=0755,notmpcopyup,rw,noexec,nosuid,nodev");
}

static void test_ctr_mount_flag_parse_invalid(void **state)
{
	parse_fn p = ctr_mount_flag_parse;
	(void)state;
	assert_fails(p, "src=/a,dst=/x",
		     "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
		     "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]");
	assert_fails(p, "",
		     "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
		     "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]");
	assert_fails(p, "type=foo,target=/x", "invalid filesystem type \"foo\"");
	assert_fails(p, "type=,target=/x", "invalid filesystem type \"\"");
	assert_fails(p, "type=bind,src=/a,target=/x,bogus=1", "bogus: invalid mount option");
	assert_fails(p, "type=bind,src=/a,dst=/x,volume-opt=a=b",
		     "volume-opt: invalid mount option");
	assert_fails(p, "type=volume,dst=/x,tmpfs-size=1m", "tmpfs-size: invalid mount option");
	assert_fails(p, "type=tmpfs,dst=/x,bind-propagation=shared",
		     "bind-propagation: invalid mount option");
	assert_fails(p, "type=tmpfs,target=/x,src=/a", "source is not supported with tmpfs mounts");
	assert_fails(p, "type=bind,src=/a", "must set volume destination");
	assert_fails(p, "type=bind,src=/a,dst=", "dst: must provide an argument for option");
	assert_fails(p, "type=bind,src,dst=/x", "src: must provide an argument for option");
	assert_fails(p, "type=bind,src=/a,dst=rel",
		     "invalid container path \"rel\", must be an absolute path");
	assert_fails(p, "type=bind,src=/a,dst=/x,readonly=maybe",
		     "'readonly', 'ro', or 'rw' must be set to true or false, instead received "
		     "\"maybe\": must provide an argument for option");
	assert_fails(p, "type=bind,src=/a,dst=/x,bind-propagation=foo",
		     "invalid option type \"foo\"");
	assert_fails(p, "type=bind,src=/a,dst=/x,bind-propagation=",
		     "bind-propagation: must provide an argument for option");
	assert_fails(p, "type=bind,src=/a,dst=/x,ro,rw",
		     "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option");
	assert_fails(p, "type=bind,src=/a,dst=/x,relabel=foo",
		     "relabel: invalid value \"foo\", must be 'shared' or 'private'");
	assert_fails(p, "type=bind,src=/a,dst=/x,U=maybe", "U: invalid value \"maybe\"");
	assert_fails(p, "type=volume,src=a b,dst=/x",
		     "creating named volume \"a b\": running volume create option: "
		     "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
	assert_fails(p, "type=volume,dst=/x,volume-opt",
		     "volume-opt: must provide an argument "
		     "for option");
	assert_fails(p, "type=tmpfs,dst=/x,tmpfs-size=abc", "tmpfs-size: invalid size \"abc\"");
	assert_fails(p, "type=tmpfs,dst=/x,tmpfs-mode=abc", "tmpfs-mode: invalid mode \"abc\"");
	assert_fails(p, "type=tmpfs,dst=/x,tmpfs-mode=17777", "tmpfs-mode: invalid mode \"17777\"");
	assert_fails(p, "type=tmpfs,dst=/x,tmpfs-mode=-1", "tmpfs-mode: invalid mode \"-1\"");
	assert_fails(p, "type=tmpfs,dst=/x,tmpfs-mode=8", "tmpfs-mode: invalid mode \"8\"");
	assert_fails(p, "type=bind,src=/a\"b,dst=/x",
		     "parse error on line 1, column 17: bare \" in non-quoted-field");
	assert_fails(p, "type=bind,\"src=/a",
		     "parse error on line 1, column 18: extraneous or missing \" in quoted-field");
	assert_fails(p, "type=bind,\"src=/a\"x,dst=/x",
		     "parse error on line 1, column 19: extraneous or missing \" in quoted-field");
}

static void test_ctr_mount_list_take_duplicates(void **state)
{
	struct ctr_mount_list l = { 0 };
	struct ctr_mount m = { 0 };
	struct sk_error *err = NULL;
	(void)state;

	assert_int_equal(ctr_mount_volume_parse("/a:/x", &m, NULL), 0);
	assert_int_equal(ctr_mount_list_take(&l, &m, NULL), 0);
	assert_null(m.destination);
	assert_int_equal(ctr_mount_tmpfs_parse("/tmp", &m, NULL), 0);
	assert_int_equal(ctr_mount_list_take(&l, &m, NULL), 0);
	assert_int_equal(ctr_mount_flag_parse("type=volume,dst=/data", &m, NULL), 0);
	assert_int_equal(ctr_mount_list_take(&l, &m, NULL), 0);
	assert_int_equal(l.n, 3);
	assert_non_null(ctr_mount_list_find(&l, "/tmp"));
	assert_null(ctr_mount_list_find(&l, "/nope"));
	assert_int_equal(ctr_mount_volume_parse("/b:/x/", &m, NULL), 0);
	assert_true(ctr_mount_list_take(&l, &m, &err) < 0);
	assert_string_equal(err->msg, "/x: duplicate mount destination");
	assert_null(m.destination);
	sk_error_free(err);
	err = NULL;
	assert_int_equal(ctr_mount_flag_parse("type=tmpfs,dst=//tmp/./", &m, NULL), 0);
	assert_true(ctr_mount_list_take(&l, &m, &err) < 0);
	assert_string_equal(err->msg, "/tmp: duplicate mount destination");
	sk_error_free(err);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[2].destination, "/data");
	ctr_mount_list_clear(&l);
	assert_int_equal(l.n, 0);
	ctr_mount_list_clear(NULL);
	ctr_mount_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_mount_type_strings),
		cmocka_unit_test(test_ctr_mount_dest_clean_paths),
		cmocka_unit_test(test_ctr_mount_volume_parse_binds),
		cmocka_unit_test(test_ctr_mount_volume_parse_volumes),
		cmocka_unit_test(test_ctr_mount_volume_parse_invalid),
		cmocka_unit_test(test_ctr_mount_tmpfs_parse_values),
		cmocka_unit_test(test_ctr_mount_tmpfs_parse_invalid),
		cmocka_unit_test(test_ctr_mount_flag_parse_bind),
		cmocka_unit_test(test_ctr_mount_flag_parse_volume_tmpfs),
		cmocka_unit_test(test_ctr_mount_flag_parse_invalid),
		cmocka_unit_test(test_ctr_mount_list_take_duplicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
