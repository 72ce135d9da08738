/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "ctr/volume.h"
#include "state/containers.h"
#include "store/mount.h"
#include "store/safe-path.h"
#include "util/fs.h"
#include "util/json-util.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define STRV_MAKE(...) ((char *[]){ __VA_ARGS__, NULL })

struct fixture {
	char *dir;
	char *rootfs;
	struct store *store;
};

static int setup(void **state)
{
	struct fixture *f = xnew(struct fixture, 1);
	char tmpl[] = "/tmp/selkie-test-volume-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	_cleanup_free_ char *graph = path_join(f->dir, "graph"), *run = path_join(f->dir, "run");
	f->rootfs = path_join(f->dir, "rootfs");
	assert_int_equal(fs_mkdir_p(f->rootfs, 0755), 0);
	struct store_opts o = { .graph_root = graph, .run_root = run, .driver = "vfs" };
	assert_int_equal(store_open(&o, &f->store, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->store);
	fs_rm_rf(f->dir);
	free(f->dir);
	free(f->rootfs);
	free(f);
	return 0;
}

static char *vol_path(struct fixture *f, const char *name, const char *rest)
{
	return xasprintf("%s/graph/volumes/%s%s", f->dir, name, rest);
}

static struct state_volume *create(struct fixture *f, const char *name, char **labels,
				   char **options)
{
	struct ctr_volume_create_opts o = { .name = name, .labels = labels, .options = options };
	struct state_volume *v = NULL;
	struct sk_error *err = NULL;
	if (ctr_volume_create(f->store, &o, &v, &err) < 0)
		fail_msg("create %s: %s", name ? name : "(anonymous)", err->msg);
	return v;
}

static void assert_create_fails(struct fixture *f, const char *name, char **labels, char **options,
				enum sk_error_kind kind, const char *msg)
{
	struct ctr_volume_create_opts o = { .name = name, .labels = labels, .options = options };
	struct state_volume *v = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_volume_create(f->store, &o, &v, &err) < 0);
	assert_null(v);
	assert_int_equal(err->kind, kind);
	assert_string_equal(err->msg, msg);
	sk_error_free(err);
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, strlen(content)), 0);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static char *read_file(const char *path)
{
	char *s = NULL;
	assert_int_equal(fs_read_file(path, 1 << 20, &s, NULL), 0);
	return s;
}

static void test_ctr_volume_name_is_valid_rules(void **state)
{
	assert_true(ctr_volume_name_is_valid("a"));
	assert_true(ctr_volume_name_is_valid("0data_1.x-y"));
	assert_false(ctr_volume_name_is_valid(""));
	assert_false(ctr_volume_name_is_valid(NULL));
	assert_false(ctr_volume_name_is_valid("_x"));
	assert_false(ctr_volume_name_is_valid(".x"));
	assert_false(ctr_volume_name_is_valid("-x"));
	assert_false(ctr_volume_name_is_valid("a/b"));
	assert_false(ctr_volume_name_is_valid("a b"));
	assert_false(ctr_volume_name_is_valid("a:b"));
	assert_false(ctr_volume_name_is_valid("é"));
}

static void test_ctr_volume_create_makes_dir_and_record(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *v =
		create(f, "data", STRV_MAKE("b=2", "a", ""), NULL);
	_cleanup_free_ char *dir = vol_path(f, "data", ""), *data = vol_path(f, "data", "/_data");
	assert_string_equal(v->name, "data");
	assert_string_equal(v->driver, "local");
	assert_string_equal(v->mountpoint, data);
	assert_string_equal(v->labels, "{\"a\":\"\",\"b\":\"2\"}");
	assert_null(v->options);
	assert_true(v->needs_copy_up);
	assert_false(v->anonymous);
	assert_int_equal(v->uid, -1);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	_cleanup_state_volume_ struct state_volume *got = NULL;
	assert_int_equal(state_volume_get(f->store->db, "data", &got, NULL), 0);
	assert_string_equal(got->labels, v->labels);
	assert_true(got->created == v->created);
}

static void test_ctr_volume_create_anonymous_gets_random_name(void **state)
{
	struct fixture *f = *state;
	struct ctr_volume_create_opts o = { .anonymous = true };
	_cleanup_state_volume_ struct state_volume *v = NULL;
	assert_int_equal(ctr_volume_create(f->store, &o, &v, NULL), 0);
	assert_int_equal(strlen(v->name), 64);
	assert_true(v->anonymous);
	assert_true(fs_is_dir(v->mountpoint));
}

static void test_ctr_volume_create_existing(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *v = create(f, "x", STRV_MAKE("a=1"), NULL);
	assert_create_fails(f, "x", NULL, NULL, SK_ERR_EXISTS,
			    "volume with name x already exists: volume already exists");
	struct ctr_volume_create_opts o = { .name = "x", .ignore_if_exists = true };
	_cleanup_state_volume_ struct state_volume *again = NULL;
	assert_int_equal(ctr_volume_create(f->store, &o, &again, NULL), 0);
	assert_string_equal(again->labels, "{\"a\":\"1\"}");
	assert_true(again->created == v->created);
}

static void test_ctr_volume_create_invalid_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	const char *rule = "running volume create option: names must match "
			   "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument";
	assert_create_fails(f, "bad name", NULL, NULL, SK_ERR_INVALID, rule);
	assert_create_fails(f, "_x", NULL, NULL, SK_ERR_INVALID, rule);
	assert_create_fails(f, "../x", NULL, NULL, SK_ERR_INVALID, rule);
	assert_create_fails(f, "v", STRV_MAKE("=x"), NULL, SK_ERR_INVALID,
			    "unable to process labels: invalid label format: \"=x\"");
	assert_create_fails(f, "v", NULL, STRV_MAKE("foo=bar"), SK_ERR_INVALID,
			    "invalid mount option foo for driver 'local': invalid argument");
	assert_create_fails(f, "v", NULL, STRV_MAKE("o=uid=abc"), SK_ERR_INVALID,
			    "cannot convert UID abc to integer: strconv.Atoi: parsing \"abc\": "
			    "invalid syntax");
	assert_create_fails(f, "v", NULL, STRV_MAKE("o=gid"), SK_ERR_INVALID,
			    "gid option must provide a GID: invalid argument");
	assert_create_fails(f, "v", NULL, STRV_MAKE("type=bind", "device=/nonexistent/x"),
			    SK_ERR_INVALID,
			    "invalid volume option device for driver 'local': stat "
			    "/nonexistent/x: no such file or directory");
	assert_create_fails(f, "v", NULL, STRV_MAKE("o=size=2m"), SK_ERR_INVALID,
			    "volume options size and inodes not supported. Filesystem does not "
			    "support Project Quota");
	struct ctr_volume_create_opts o = { .name = "v", .driver = "nfsplugin" };
	struct state_volume *v = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_volume_create(f->store, &o, &v, &err) < 0);
	assert_string_equal(err->msg, "volume v uses volume plugin nfsplugin but it could not be "
				      "retrieved: no volume plugin with name nfsplugin available: "
				      "required plugin missing");
	sk_error_free(err);
	_cleanup_state_volume_list_ struct state_volume **list = NULL;
	assert_int_equal(state_volume_list(f->store->db, &list, NULL), 0);
	assert_null(list[0]);
	_cleanup_free_ char *dir = vol_path(f, "v", "");
	assert_false(fs_exists(dir));
}

static void test_ctr_volume_create_options_as_podman(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *t = create(
		f, "t", NULL, STRV_MAKE("type=tmpfs", "device=tmpfs", "o=size=2m,noquota,nodev"));
	assert_string_equal(t->options, "{\"NOQUOTA\":\"true\",\"SIZE\":\"2m\",\"device\":"
					"\"tmpfs\",\"o\":\"size=2m,nodev\",\"type\":\"tmpfs\"}");
	assert_int_equal(t->uid, -1);
	_cleanup_state_volume_ struct state_volume *u =
		create(f, "u", NULL, STRV_MAKE("o=uid=1000,gid=1001"));
	assert_string_equal(u->options,
			    "{\"GID\":\"1001\",\"UID\":\"1000\",\"o\":\"uid=1000,gid=1001\"}");
	assert_int_equal(u->uid, 1000);
	assert_int_equal(u->gid, 1001);
	assert_false(ctr_volume_needs_chown(u));
	if (geteuid() == 0) {
		struct stat st;
		_cleanup_free_ char *dir = vol_path(f, "u", "");
		assert_int_equal(stat(u->mountpoint, &st), 0);
		assert_int_equal(st.st_uid, 1000);
		assert_int_equal(st.st_gid, 1001);
		assert_int_equal(stat(dir, &st), 0);
		assert_int_equal(st.st_uid, 1000);
	}
}

static void test_ctr_volume_create_replaces_orphan_dir(void **state)
{
	struct fixture *f = *state;
	/* A killed `volume rm` left the directory of a volume whose record is gone. */
	_cleanup_free_ char *data = vol_path(f, "o", "/_data"),
			    *old = vol_path(f, "o", "/_data/old");
	assert_int_equal(fs_mkdir_p(data, 0755), 0);
	write_file(old, "stale", 0644);
	_cleanup_state_volume_ struct state_volume *v = create(f, "o", NULL, NULL);
	assert_true(fs_is_dir(data));
	assert_false(fs_exists(old));
}

static int remove_users_calls;
static char *remove_users_seen;

static int remove_users(void *userdata, char *const *ids, struct sk_error **err)
{
	struct store *s = userdata;
	remove_users_calls++;
	free(remove_users_seen);
	remove_users_seen = strv_join(ids, ",");
	STRV_FOREACH (id, ids)
		if (state_container_delete(s->db, *id, err) < 0)
			return -EIO;
	return 0;
}

static void add_user(struct fixture *f, const char *id, const char *volume,
		     enum state_ctr_status st)
{
	struct state_container c = { .id = (char *)id,
				     .name = (char *)id,
				     .image_id = (char *)"img",
				     .image_name = (char *)"img",
				     .created = 1,
				     .state = st,
				     .config = (char *)"{}" };
	struct state_container *have = NULL;
	if (state_container_get(f->store->db, id, &have, NULL) < 0)
		assert_int_equal(state_container_insert(f->store->db, &c, NULL), 0);
	state_container_free(have);
	_cleanup_free_ char *dst = xasprintf("/%s", volume);
	assert_int_equal(state_container_volume_add(f->store->db, id, volume, dst, NULL), 0);
}

static void test_ctr_volume_remove(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *v = create(f, "r", NULL, NULL);
	_cleanup_free_ char *dir = vol_path(f, "r", ""), *file = vol_path(f, "r", "/_data/f");
	write_file(file, "x", 0600);
	assert_int_equal(ctr_volume_remove(f->store, "r", NULL, NULL), 0);
	assert_false(fs_exists(dir));
	struct state_volume *got = NULL;
	struct sk_error *err = NULL;
	assert_int_equal(state_volume_get(f->store->db, "r", &got, NULL), -ENOENT);
	assert_true(ctr_volume_remove(f->store, "r", NULL, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	assert_string_equal(err->msg, "no volume with name \"r\" found: no such volume");
	sk_error_free(err);
}

static void test_ctr_volume_remove_in_use(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *v = create(f, "used", NULL, NULL);
	add_user(f, "bbb", "used", STATE_CTR_CREATED);
	add_user(f, "aaa", "used", STATE_CTR_EXITED);
	const char *msg = "volume used is being used by the following container(s): aaa, bbb: "
			  "volume is being used";
	struct sk_error *err = NULL;
	assert_true(ctr_volume_remove(f->store, "used", NULL, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INUSE);
	assert_string_equal(err->msg, msg);
	sk_error_free(err);
	err = NULL;
	/* force without a way to remove the containers is refused the same way */
	struct ctr_volume_remove_opts o = { .force = true };
	assert_true(ctr_volume_remove(f->store, "used", &o, &err) < 0);
	assert_string_equal(err->msg, msg);
	sk_error_free(err);
	assert_true(fs_is_dir(v->mountpoint));
	/* the hook removes them, then the volume goes */
	remove_users_calls = 0;
	o.remove_users = remove_users;
	o.userdata = f->store;
	assert_int_equal(ctr_volume_remove(f->store, "used", &o, NULL), 0);
	assert_int_equal(remove_users_calls, 1);
	assert_string_equal(remove_users_seen, "aaa,bbb");
	assert_false(fs_exists(v->mountpoint));
	free(remove_users_seen);
	remove_users_seen = NULL;
}

static void test_ctr_volume_ensure(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *a = NULL, *b = NULL;
	assert_int_equal(ctr_volume_ensure(f->store, "e", &a, NULL), 0);
	assert_int_equal(ctr_volume_ensure(f->store, "e", &b, NULL), 0);
	assert_true(a->created == b->created);
	struct state_volume *c = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_volume_ensure(f->store, "bad/name", &c, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_INVALID);
	sk_error_free(err);
}

/* rootfs/data: a file (setuid, owned 1:2, xattr), a nested dir, a symlink out of the tree,
 * two hard links, a fifo. */
static void make_image_dir(struct fixture *f)
{
	_cleanup_free_ char *data = path_join(f->rootfs, "data");
	_cleanup_free_ char *nested = path_join(data, "sub/dir");
	assert_int_equal(fs_mkdir_p(nested, 0755), 0);
	_cleanup_free_ char *file = path_join(data, "file"), *deep = path_join(nested, "deep");
	write_file(file, "hello", 04755);
	write_file(deep, "deep", 0600);
	_cleanup_free_ char *a = path_join(data, "a"), *b = path_join(data, "sub/b");
	write_file(a, "linked", 0644);
	assert_int_equal(link(a, b), 0);
	_cleanup_free_ char *lnk = path_join(data, "passwd");
	assert_int_equal(symlink("/etc/passwd", lnk), 0);
	_cleanup_free_ char *fifo = path_join(data, "fifo");
	assert_int_equal(mkfifo(fifo, 0640), 0);
	if (geteuid() == 0) {
		assert_int_equal(lchown(lnk, 3, 4), 0);
		assert_int_equal(chown(file, 1, 2), 0);
		assert_int_equal(chmod(file, 04755), 0);
		assert_int_equal(chown(data, 7, 8), 0);
	}
	setxattr(file, "user.selkie", "v", 1, 0); /* where the file system has user xattrs */
	assert_int_equal(chmod(data, 0751), 0);
	const struct timespec ts[2] = { { 1000000000, 5 }, { 1000000000, 7 } };
	assert_int_equal(utimensat(AT_FDCWD, file, ts, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, data, ts, 0), 0);
}

static char *mount_vol(struct fixture *f, const char *name, const char *path, bool nocopy)
{
	struct ctr_volume_mount_opts o = { .rootfs = f->rootfs,
					   .container_path = path,
					   .nocopy = nocopy,
					   .uid = (uid_t)-1,
					   .gid = (gid_t)-1 };
	char *ret = NULL;
	struct sk_error *err = NULL;
	if (ctr_volume_mount(f->store, name, &o, &ret, &err) < 0)
		fail_msg("mount %s: %s", name, err->msg);
	return ret;
}

static void test_ctr_volume_mount_copies_up_once(void **state)
{
	struct fixture *f = *state;
	make_image_dir(f);
	_cleanup_state_volume_ struct state_volume *v = create(f, "c", NULL, NULL);
	_cleanup_free_ char *p = mount_vol(f, "c", "/data", false);
	assert_string_equal(p, v->mountpoint);

	_cleanup_free_ char *file = path_join(p, "file"), *deep = path_join(p, "sub/dir/deep");
	_cleanup_free_ char *content = read_file(file), *dc = read_file(deep);
	assert_string_equal(content, "hello");
	assert_string_equal(dc, "deep");
	struct stat st, a, b;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_true(st.st_mtim.tv_sec == 1000000000 && st.st_mtim.tv_nsec == 7);
	_cleanup_free_ char *la = path_join(p, "a"), *lb = path_join(p, "sub/b");
	assert_int_equal(stat(la, &a), 0);
	assert_int_equal(stat(lb, &b), 0);
	assert_true(a.st_ino == b.st_ino);
	char target[64] = "";
	_cleanup_free_ char *lnk = path_join(p, "passwd"), *fifo = path_join(p, "fifo");
	assert_int_equal(readlink(lnk, target, sizeof(target) - 1), 11);
	assert_string_equal(target, "/etc/passwd");
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	char val[8] = "";
	_cleanup_free_ char *src_file = path_join(f->rootfs, "data/file");
	if (getxattr(src_file, "user.selkie", val, sizeof(val)) == 1) {
		memset(val, 0, sizeof(val));
		assert_int_equal(getxattr(file, "user.selkie", val, sizeof(val)), 1);
		assert_string_equal(val, "v");
	}
	/* _data took the image directory's mode, owner and times (podman's NeedsChown) */
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0751);
	assert_true(st.st_mtim.tv_sec == 1000000000);
	if (geteuid() == 0) {
		assert_int_equal(stat(file, &st), 0);
		assert_int_equal(st.st_uid, 1);
		assert_int_equal(st.st_gid, 2);
		assert_int_equal(lstat(lnk, &st), 0);
		assert_int_equal(st.st_uid, 3);
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_uid, 7);
		assert_int_equal(st.st_gid, 8);
	}
	_cleanup_state_volume_ struct state_volume *after = NULL;
	assert_int_equal(state_volume_get(f->store->db, "c", &after, NULL), 0);
	assert_false(after->needs_copy_up);
	assert_false(ctr_volume_needs_chown(after));

	/* Once: new image content and emptied volume stay as they are. */
	assert_int_equal(unlink(file), 0);
	_cleanup_free_ char *newer = path_join(f->rootfs, "data/newer");
	write_file(newer, "n", 0644);
	_cleanup_free_ char *p2 = mount_vol(f, "c", "/data", false);
	_cleanup_free_ char *newer_in_vol = path_join(p2, "newer");
	assert_false(fs_exists(newer_in_vol));
	assert_false(fs_exists(file));
	/* No work directory is left next to _data. */
	_cleanup_free_ char *dir = vol_path(f, "c", "");
	_cleanup_strv_free_ char **entries = NULL;
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			strv_push(&entries, de->d_name);
	closedir(d);
	_cleanup_free_ char *joined = strv_join(entries, ",");
	assert_string_equal(joined, "_data");
}

static void test_ctr_volume_mount_nocopy_and_missing_path(void **state)
{
	struct fixture *f = *state;
	make_image_dir(f);
	_cleanup_state_volume_ struct state_volume *v = create(f, "n", NULL, NULL);
	_cleanup_free_ char *p = mount_vol(f, "n", "/data", true);
	_cleanup_free_ char *file = path_join(p, "file");
	assert_false(fs_exists(file));
	_cleanup_state_volume_ struct state_volume *w = create(f, "m", NULL, NULL);
	_cleanup_free_ char *pm = mount_vol(f, "m", "/not/in/image", false);
	assert_true(fs_is_dir(pm));
	/* -o nocopy at creation: no copy either */
	_cleanup_state_volume_ struct state_volume *x = create(f, "oc", NULL, STRV_MAKE("nocopy"));
	_cleanup_free_ char *px = mount_vol(f, "oc", "/data", false);
	_cleanup_free_ char *fx = path_join(px, "file");
	assert_false(fs_exists(fx));
}

static void test_ctr_volume_mount_skips_non_empty_volume(void **state)
{
	struct fixture *f = *state;
	make_image_dir(f);
	_cleanup_state_volume_ struct state_volume *v = create(f, "ne", NULL, NULL);
	_cleanup_free_ char *mine = path_join(v->mountpoint, "mine");
	write_file(mine, "keep", 0644);
	_cleanup_free_ char *p = mount_vol(f, "ne", "/data", false);
	_cleanup_free_ char *file = path_join(p, "file");
	assert_false(fs_exists(file));
	assert_true(fs_exists(mine));
}

static void test_ctr_volume_mount_symlinks_stay_in_rootfs(void **state)
{
	struct fixture *f = *state;
	/* rootfs/evil -> ../../../../../etc must mean rootfs/etc, never the host's /etc. */
	_cleanup_free_ char *etc = path_join(f->rootfs, "etc"),
			    *evil = path_join(f->rootfs, "evil");
	_cleanup_free_ char *marker = path_join(etc, "marker");
	assert_int_equal(fs_mkdir_p(etc, 0755), 0);
	write_file(marker, "inside", 0644);
	assert_int_equal(symlink("../../../../../../etc", evil), 0);
	_cleanup_state_volume_ struct state_volume *v = create(f, "s", NULL, NULL);
	_cleanup_free_ char *p = mount_vol(f, "s", "/evil", false);
	_cleanup_free_ char *got = path_join(p, "marker"), *host = path_join(p, "passwd");
	assert_true(fs_exists(got));
	assert_false(fs_exists(host));
	/* an absolute link too */
	_cleanup_free_ char *abs = path_join(f->rootfs, "abs");
	assert_int_equal(symlink("/etc", abs), 0);
	_cleanup_state_volume_ struct state_volume *w = create(f, "s2", NULL, NULL);
	_cleanup_free_ char *p2 = mount_vol(f, "s2", "/abs", false);
	_cleanup_free_ char *host2 = path_join(p2, "passwd"), *got2 = path_join(p2, "marker");
	assert_false(fs_exists(host2));
	assert_true(fs_exists(got2));
	/* the same where the kernel lacks openat2 */
	bool old = safe_path_use_openat2(false);
	_cleanup_state_volume_ struct state_volume *w3 = create(f, "s3", NULL, NULL);
	_cleanup_free_ char *p3 = mount_vol(f, "s3", "/evil", false);
	safe_path_use_openat2(old);
	_cleanup_free_ char *host3 = path_join(p3, "passwd"), *got3 = path_join(p3, "marker");
	assert_false(fs_exists(host3));
	assert_true(fs_exists(got3));
}

static void test_ctr_volume_mount_missing_volume(void **state)
{
	struct fixture *f = *state;
	struct ctr_volume_mount_opts o = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	char *p = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_volume_mount(f->store, "nope", &o, &p, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_NOTFOUND);
	sk_error_free(err);
	assert_null(p);
}

static void test_ctr_volume_tmpfs_mounted_while_used(void **state)
{
	struct fixture *f = *state;
	if (geteuid() != 0) {
		print_message("not root: the tmpfs volume test needs to mount\n");
		return;
	}
	make_image_dir(f);
	_cleanup_state_volume_ struct state_volume *v =
		create(f, "tmp", NULL, STRV_MAKE("type=tmpfs", "device=tmpfs", "o=size=2m"));
	_cleanup_free_ char *p = mount_vol(f, "tmp", "/data", false);
	assert_true(store_mount_is_mounted(p));
	_cleanup_free_ char *file = path_join(p, "file");
	assert_true(fs_exists(file));
	_cleanup_json_ json_t *doc = ctr_volume_inspect_json(f->store, v, false);
	assert_int_equal(sk_json_int(doc, "MountCount", -1), 0); /* no running user */
	add_user(f, "run1", "tmp", STATE_CTR_RUNNING);
	_cleanup_json_ json_t *doc2 = ctr_volume_inspect_json(f->store, v, false);
	assert_int_equal(sk_json_int(doc2, "MountCount", -1), 1);
	/* still used by a running container: stays mounted */
	assert_int_equal(ctr_volume_unmount(f->store, "tmp", NULL), 0);
	assert_true(store_mount_is_mounted(p));
	assert_int_equal(state_container_delete(f->store->db, "run1", NULL), 0);
	assert_int_equal(ctr_volume_unmount(f->store, "tmp", NULL), 0);
	assert_false(store_mount_is_mounted(p));
	/* mounted again, then removed: unmounted first */
	_cleanup_free_ char *p2 = mount_vol(f, "tmp", "/data", false);
	assert_true(store_mount_is_mounted(p2));
	assert_int_equal(ctr_volume_remove(f->store, "tmp", NULL, NULL), 0);
	_cleanup_free_ char *dir = vol_path(f, "tmp", "");
	assert_false(fs_exists(dir));
}

static void test_ctr_volume_bind_device_never_emptied(void **state)
{
	struct fixture *f = *state;
	if (geteuid() != 0) {
		print_message("not root: the bind volume test needs to mount\n");
		return;
	}
	_cleanup_free_ char *host = path_join(f->dir, "hostdir"), *keep = path_join(host, "keep");
	assert_int_equal(fs_mkdir_p(host, 0755), 0);
	write_file(keep, "precious", 0644);
	_cleanup_free_ char *dev = xasprintf("device=%s", host);
	_cleanup_state_volume_ struct state_volume *v =
		create(f, "b", NULL, STRV_MAKE("o=bind", dev));
	_cleanup_free_ char *p = mount_vol(f, "b", "/data", false);
	_cleanup_free_ char *seen = path_join(p, "keep");
	assert_true(fs_exists(seen));
	assert_int_equal(ctr_volume_remove(f->store, "b", NULL, NULL), 0);
	assert_true(fs_exists(keep));
}

static void test_ctr_volume_list_filters(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *v1 = create(f, "v1", STRV_MAKE("a=b", "c=d"),
								NULL),
						   *v2 = create(f, "v2", STRV_MAKE("a=c"), NULL),
						   *v3 = create(f, "v3", NULL,
								STRV_MAKE("o=bind", "device=/tmp")),
						   *x = create(f, "x", NULL, NULL);
	add_user(f, "c1", "v2", STATE_CTR_CREATED);
	struct {
		char **filters;
		const char *want;
	} cases[] = {
		{ NULL, "v1,v2,v3,x" },
		{ STRV_MAKE("name=v"), "v1,v2,v3" },
		{ STRV_MAKE("name=^v.$", "name=x"), "v1,v2,v3,x" },
		{ STRV_MAKE("name=1"), "v1" },
		{ STRV_MAKE("label=a"), "v1,v2" },
		{ STRV_MAKE("label=a=b"), "v1" },
		{ STRV_MAKE("label=a=b", "label=a=c"), "v1,v2" },
		{ STRV_MAKE("label=a", "name=2"), "v2" },
		{ STRV_MAKE("driver=local"), "v1,v2,v3,x" },
		{ STRV_MAKE("driver=nfs"), "" },
		{ STRV_MAKE("scope=local"), "v1,v2,v3,x" },
		{ STRV_MAKE("opt=o"), "v3" },
		{ STRV_MAKE("opt=device=/tmp"), "v3" },
		{ STRV_MAKE("opt=device=/var"), "" },
		{ STRV_MAKE("dangling=true"), "v1,v3,x" },
		{ STRV_MAKE("dangling=0"), "v2" },
		{ STRV_MAKE("until=1h"), "" },
		{ STRV_MAKE("until=2099-01-01"), "v1,v2,v3,x" },
		{ STRV_MAKE("until=-1h"), "v1,v2,v3,x" },
		{ STRV_MAKE("until=10"), "" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_state_volume_list_ struct state_volume **list = NULL;
		assert_int_equal(ctr_volume_list(f->store, cases[i].filters, false, &list, NULL),
				 0);
		_cleanup_strv_free_ char **names = strv_new(NULL);
		for (size_t j = 0; list[j]; j++)
			strv_push(&names, list[j]->name);
		_cleanup_free_ char *got = strv_join(names, ",");
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

static void test_ctr_volume_list_bad_filters(void **state)
{
	struct fixture *f = *state;
	struct {
		char **filters;
		bool prune;
		const char *msg;
	} cases[] = {
		{ STRV_MAKE("bogus=1"), false, "\"bogus\" is an invalid volume filter" },
		{ STRV_MAKE("nonsense"), false,
		  "filter input must be in the form of filter=value: nonsense is invalid" },
		{ STRV_MAKE("dangling=maybe"), false,
		  "\"maybe\" is not a valid value for the \"dangling\" filter - must be true or "
		  "false" },
		{ STRV_MAKE("until=garbage"), false,
		  "failed to parse value as time or duration: \"garbage\"" },
		{ STRV_MAKE("name=x"), true, "\"name\" is an invalid volume filter" },
		{ STRV_MAKE("dangling=true"), true, "\"dangling\" is an invalid volume filter" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct state_volume **list = NULL;
		struct sk_error *err = NULL;
		assert_true(ctr_volume_list(f->store, cases[i].filters, cases[i].prune, &list,
					    &err) < 0);
		assert_null(list);
		assert_int_equal(err->kind, SK_ERR_INVALID);
		assert_string_equal(err->msg, cases[i].msg);
		sk_error_free(err);
	}
}

static void test_ctr_volume_prune(void **state)
{
	struct fixture *f = *state;
	_cleanup_state_volume_ struct state_volume *a = create(f, "a", STRV_MAKE("k=v"), NULL),
						   *b = create(f, "b", NULL, NULL),
						   *u = create(f, "u", STRV_MAKE("k=v"), NULL);
	add_user(f, "c1", "u", STATE_CTR_EXITED);
	/* a directory without a record, as a killed command leaves it */
	_cleanup_free_ char *orphan = vol_path(f, "orphan", "/_data");
	assert_int_equal(fs_mkdir_p(orphan, 0755), 0);
	_cleanup_strv_free_ char **removed = NULL;
	assert_int_equal(ctr_volume_prune(f->store, STRV_MAKE("label=k"), &removed, NULL), 0);
	_cleanup_free_ char *got = strv_join(removed, ",");
	assert_string_equal(got, "a");
	_cleanup_free_ char *odir = vol_path(f, "orphan", "");
	assert_false(fs_exists(odir));
	strv_free(TAKE_PTR(removed));
	assert_int_equal(ctr_volume_prune(f->store, NULL, &removed, NULL), 0);
	_cleanup_free_ char *got2 = strv_join(removed, ",");
	assert_string_equal(got2, "b");
	assert_true(fs_is_dir(u->mountpoint));
	assert_false(fs_exists(b->mountpoint));
}

static void test_ctr_volume_inspect_json_fields(void **state)
{
	struct fixture *f = *state;
	setenv("TZ", "UTC", 1);
	tzset();
	_cleanup_state_volume_ struct state_volume *v =
		create(f, "i", STRV_MAKE("a=b"), STRV_MAKE("o=uid=5"));
	v->created = 1700000000123456789LL;
	_cleanup_json_ json_t *doc = ctr_volume_inspect_json(f->store, v, false);
	_cleanup_free_ char *text = sk_json_dump(doc, 0);
	_cleanup_free_ char *want = xasprintf(
		"{\"Name\": \"i\", \"Driver\": \"local\", \"Mountpoint\": \"%s\", \"CreatedAt\": "
		"\"2023-11-14T22:13:20.123456789Z\", \"Labels\": {\"a\": \"b\"}, \"Scope\": "
		"\"local\", \"Options\": {\"UID\": \"5\", \"o\": \"uid=5\"}, \"UID\": 5, "
		"\"MountCount\": 0, \"NeedsCopyUp\": true}",
		v->mountpoint);
	assert_string_equal(text, want);
	_cleanup_json_ json_t *full = ctr_volume_inspect_json(f->store, v, true);
	assert_string_equal(sk_json_str(full, "CreatedAt"),
			    "2023-11-14 22:13:20.123456789 +0000 UTC");
	assert_int_equal(sk_json_int(full, "GID", -1), 0);
	assert_false(sk_json_bool(full, "Anonymous", true));
	assert_false(sk_json_bool(full, "NeedsChown", true));
	assert_true(json_is_object(json_object_get(full, "Status")));
	assert_int_equal(sk_json_int(full, "Timeout", -1), 0);
}

static void test_ctr_volume_time_format_zones(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	_cleanup_free_ char *a = ctr_volume_time_format(1700000000000000000LL, false);
	_cleanup_free_ char *b = ctr_volume_time_format(1700000000100000000LL, true);
	assert_string_equal(a, "2023-11-14T22:13:20Z");
	assert_string_equal(b, "2023-11-14 22:13:20.1 +0000 UTC");
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	_cleanup_free_ char *c = ctr_volume_time_format(1700000000123000000LL, false);
	_cleanup_free_ char *d = ctr_volume_time_format(1700000000123000000LL, true);
	if (strcmp(c, "2023-11-14T22:13:20.123Z") != 0) { /* zoneinfo installed */
		assert_string_equal(c, "2023-11-14T23:13:20.123+01:00");
		assert_string_equal(d, "2023-11-14 23:13:20.123 +0100 CET");
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_volume_name_is_valid_rules),
		T(test_ctr_volume_create_makes_dir_and_record),
		T(test_ctr_volume_create_anonymous_gets_random_name),
		T(test_ctr_volume_create_existing),
		T(test_ctr_volume_create_invalid_leaves_nothing),
		T(test_ctr_volume_create_options_as_podman),
		T(test_ctr_volume_create_replaces_orphan_dir),
		T(test_ctr_volume_remove),
		T(test_ctr_volume_remove_in_use),
		T(test_ctr_volume_ensure),
		T(test_ctr_volume_mount_copies_up_once),
		T(test_ctr_volume_mount_nocopy_and_missing_path),
		T(test_ctr_volume_mount_skips_non_empty_volume),
		T(test_ctr_volume_mount_symlinks_stay_in_rootfs),
		T(test_ctr_volume_mount_missing_volume),
		T(test_ctr_volume_tmpfs_mounted_while_used),
		T(test_ctr_volume_bind_device_never_emptied),
		T(test_ctr_volume_list_filters),
		T(test_ctr_volume_list_bad_filters),
		T(test_ctr_volume_prune),
		T(test_ctr_volume_inspect_json_fields),
		cmocka_unit_test(test_ctr_volume_time_format_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
