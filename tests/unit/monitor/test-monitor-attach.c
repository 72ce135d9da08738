/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "monitor/monitor-internal.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *tmpdir;
static char *run_dir; /* longer than sun_path allows */
static struct monitor_opts opts;
static struct monitor_ctx ctx;

static int setup(void **state)
{
	assert_int_equal(fs_mkdtemp_in("/tmp", "sk-monattach-", &tmpdir), 0);
	char name[101];
	memset(name, 'd', 100);
	name[100] = '\0';
	run_dir = path_join(tmpdir, name);
	assert_int_equal(fs_mkdir_p(run_dir, 0700), 0);
	opts = (struct monitor_opts){ .id = "x", .run_dir = run_dir, .log_driver = "none" };
	monitor_ctx_init(&ctx, &opts);
	ctx.dir_fd = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(ctx.dir_fd >= 0);
	assert_int_equal(monitor_attach_listen(&ctx, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	monitor_ctx_done(&ctx);
	fs_rm_rf(tmpdir);
	free(tmpdir);
	free(run_dir);
	tmpdir = run_dir = NULL;
	return 0;
}

/* A client connected and accepted by the monitor side; returns the client's fd. */
static int client_new(void)
{
	int fd = -1;
	size_t before = ctx.n_clients;
	assert_int_equal(monitor_attach_connect(run_dir, &fd, NULL), 0);
	monitor_attach_accept(&ctx);
	assert_int_equal(ctx.n_clients, before + 1);
	return fd;
}

static void test_monitor_msg_encode_decode(void **state)
{
	char buf[MONITOR_MSG_MAX];
	struct monitor_msg m;
	assert_int_equal(monitor_msg_encode(MONITOR_MSG_STDIN, "abc", 3, buf), 4);
	assert_int_equal(buf[0], MONITOR_MSG_STDIN);
	assert_true(monitor_msg_decode(buf, 4, &m));
	assert_int_equal(m.type, MONITOR_MSG_STDIN);
	assert_int_equal(m.len, 3);
	assert_memory_equal(m.data, "abc", 3);
	/* the largest payload fits, one more byte does not */
	char big[MONITOR_MSG_MAX];
	memset(big, 'z', sizeof(big));
	assert_int_equal(monitor_msg_encode(MONITOR_MSG_STDOUT, big, MONITOR_MSG_MAX - 1, buf),
			 MONITOR_MSG_MAX);
	assert_true(monitor_msg_decode(buf, MONITOR_MSG_MAX, &m));
	assert_int_equal(m.len, MONITOR_MSG_MAX - 1);
	assert_int_equal(monitor_msg_encode(MONITOR_MSG_STDOUT, big, MONITOR_MSG_MAX, buf), 0);
	/* an empty STDIN packet is valid; STDIN_CLOSE carries nothing */
	assert_int_equal(monitor_msg_encode(MONITOR_MSG_STDIN_CLOSE, NULL, 0, buf), 1);
	assert_true(monitor_msg_decode(buf, 1, &m));
	assert_int_equal(m.type, MONITOR_MSG_STDIN_CLOSE);
	assert_int_equal(m.len, 0);
}

static void test_monitor_msg_resize(void **state)
{
	char buf[MONITOR_MSG_RESIZE_LEN];
	struct monitor_winsize ws = { .rows = 40, .cols = 132 };
	assert_int_equal(monitor_msg_encode_resize(&ws, buf), 5);
	assert_int_equal(buf[0], MONITOR_MSG_RESIZE);
	struct monitor_msg m;
	assert_true(monitor_msg_decode(buf, sizeof(buf), &m));
	struct monitor_winsize got = monitor_msg_winsize(&m);
	assert_int_equal(got.rows, 40);
	assert_int_equal(got.cols, 132);
	/* host byte order, rows first */
	uint16_t rows;
	memcpy(&rows, buf + 1, 2);
	assert_int_equal(rows, 40);
}

static void test_monitor_msg_exit(void **state)
{
	char buf[MONITOR_MSG_EXIT_LEN];
	assert_int_equal(monitor_msg_encode_exit(137, buf), 5);
	assert_int_equal(buf[0], MONITOR_MSG_EXIT);
	struct monitor_msg m;
	assert_true(monitor_msg_decode(buf, sizeof(buf), &m));
	assert_int_equal(m.type, MONITOR_MSG_EXIT);
	assert_int_equal(monitor_msg_exit_code(&m), 137);
	int32_t code;
	memcpy(&code, buf + 1, 4); /* host byte order */
	assert_int_equal(code, 137);
	assert_false(monitor_msg_decode(buf, 4, &m));
	/* not an exit packet */
	struct monitor_msg out = { .type = MONITOR_MSG_STDOUT, .data = "abcd", .len = 4 };
	assert_int_equal(monitor_msg_exit_code(&out), -1);
}

static void test_monitor_msg_decode_rejects(void **state)
{
	struct monitor_msg m;
	char pkt[8] = { 0 };
	assert_false(monitor_msg_decode(pkt, 0, &m));
	pkt[0] = 6; /* unknown type */
	assert_false(monitor_msg_decode(pkt, 1, &m));
	assert_false(monitor_msg_decode(pkt, 5, &m));
	pkt[0] = (char)0xff;
	assert_false(monitor_msg_decode(pkt, 2, &m));
	pkt[0] = MONITOR_MSG_RESIZE;
	assert_false(monitor_msg_decode(pkt, 4, &m));
	assert_false(monitor_msg_decode(pkt, 6, &m));
	pkt[0] = MONITOR_MSG_STDIN_CLOSE;
	assert_false(monitor_msg_decode(pkt, 2, &m));
	assert_false(monitor_msg_decode(pkt, MONITOR_MSG_MAX + 1, &m));
}

static void test_monitor_attach_long_path_input_output(void **state)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	ctx.in_fd = p[1];
	_cleanup_close_ int rd = p[0];
	_cleanup_close_ int fd = client_new();
	char pkt[MONITOR_MSG_MAX];
	size_t n = monitor_msg_encode(MONITOR_MSG_STDIN, "hello", 5, pkt);
	assert_int_equal(send(fd, pkt, n, 0), (ssize_t)n);
	assert_true(monitor_attach_client_read(&ctx, 0));
	assert_string_equal(strbuf_str(&ctx.in_pending), "hello");
	/* nothing more: not an error, the client stays */
	assert_true(monitor_attach_client_read(&ctx, 0));
	assert_int_equal(ctx.n_clients, 1);
	n = monitor_msg_encode(MONITOR_MSG_STDIN_CLOSE, NULL, 0, pkt);
	assert_int_equal(send(fd, pkt, n, 0), (ssize_t)n);
	assert_true(monitor_attach_client_read(&ctx, 0));
	assert_true(ctx.in_close_pending);
	/* output reaches the client as one packet */
	n = monitor_msg_encode(MONITOR_MSG_STDERR, "oops\n", 5, pkt);
	monitor_attach_broadcast(&ctx, pkt, n);
	char got[MONITOR_MSG_MAX];
	assert_int_equal(recv(fd, got, sizeof(got), MSG_DONTWAIT), 6);
	assert_memory_equal(got, pkt, 6);
	/* the client leaves: dropped */
	close(TAKE_FD(fd));
	assert_false(monitor_attach_client_read(&ctx, 0));
	assert_int_equal(ctx.n_clients, 0);
}

static void test_monitor_attach_slow_client_dropped(void **state)
{
	_cleanup_close_ int slow = client_new();
	_cleanup_close_ int fast = client_new();
	char pkt[MONITOR_MSG_MAX], got[MONITOR_MSG_MAX];
	memset(pkt, 'x', sizeof(pkt));
	pkt[0] = MONITOR_MSG_STDOUT;
	int sent = 0;
	while (ctx.n_clients == 2 && sent < 100000) {
		monitor_attach_broadcast(&ctx, pkt, sizeof(pkt));
		sent++;
		/* the fast one keeps up */
		while (recv(fast, got, sizeof(got), MSG_DONTWAIT) > 0)
			;
	}
	assert_int_equal(ctx.n_clients, 1);
	assert_int_equal(ctx.clients[0] != -1, 1);
	/* the slow one got what fitted, then EOF */
	ssize_t r;
	int packets = 0;
	while ((r = recv(slow, got, sizeof(got), MSG_DONTWAIT)) > 0)
		packets++;
	assert_int_equal(r, 0);
	assert_true(packets > 0 && packets < sent);
	/* the fast one is still served */
	monitor_attach_broadcast(&ctx, pkt, 10);
	assert_int_equal(recv(fast, got, sizeof(got), MSG_DONTWAIT), 10);
}

static void test_monitor_attach_resize_applies_to_pty(void **state)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(master >= 0);
	ctx.terminal = true;
	ctx.out_fd = master;
	_cleanup_close_ int fd = client_new();
	char pkt[MONITOR_MSG_RESIZE_LEN];
	struct monitor_winsize ws = { .rows = 33, .cols = 111 };
	size_t n = monitor_msg_encode_resize(&ws, pkt);
	assert_int_equal(send(fd, pkt, n, 0), (ssize_t)n);
	assert_true(monitor_attach_client_read(&ctx, 0));
	struct winsize w;
	assert_int_equal(ioctl(master, TIOCGWINSZ, &w), 0);
	assert_int_equal(w.ws_row, 33);
	assert_int_equal(w.ws_col, 111);
}

static void test_monitor_attach_close_removes_socket(void **state)
{
	_cleanup_close_ int fd = client_new();
	_cleanup_free_ char *path = path_join(run_dir, "attach");
	assert_true(fs_exists(path));
	monitor_attach_close(&ctx);
	assert_false(fs_exists(path));
	assert_int_equal(ctx.n_clients, 0);
	char got[16];
	assert_int_equal(recv(fd, got, sizeof(got), MSG_DONTWAIT), 0); /* EOF */
	int fd2 = -1;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_attach_connect(run_dir, &fd2, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_STATE);
	assert_int_equal(fd2, -1);
}

static void test_monitor_attach_connect_no_dir(void **state)
{
	int fd = -1;
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(monitor_attach_connect("/nonexistent/selkie-run", &fd, &err) < 0);
	assert_int_equal(err->kind, SK_ERR_STATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_msg_encode_decode),
		cmocka_unit_test(test_monitor_msg_resize),
		cmocka_unit_test(test_monitor_msg_exit),
		cmocka_unit_test(test_monitor_msg_decode_rejects),
		cmocka_unit_test_setup_teardown(test_monitor_attach_long_path_input_output, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_attach_slow_client_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_attach_resize_applies_to_pty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_attach_close_removes_socket, setup,
						teardown),
		cmocka_unit_test(test_monitor_attach_connect_no_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
