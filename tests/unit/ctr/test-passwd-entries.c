/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>

#include "ctr/passwd-entries.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "selkie:x:1000:1000:selkie:/home/selkie:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
static const char group[] = "root:x:0:\nselkie:x:1000:\nnogroup:x:65534:\n";

static const struct ctr_passwd_user alice = {
	.name = "alice",
	.uid = 1001,
	.gid = 1001,
	.gecos = "Alice",
	.home = "/home/alice",
	.group = "alice",
};

static void entries(const struct ctr_passwd_request *req, const char *want_pw, const char *want_gr)
{
	char *pw = NULL, *gr = NULL;
	struct sk_error *err = NULL;
	assert_int_equal(ctr_passwd_entries(req, &pw, &gr, &err), 0);
	assert_string_equal(pw, want_pw);
	assert_string_equal(gr, want_gr);
	free(pw);
	free(gr);
}

static void test_ctr_passwd_entries_keep_id(void **state)
{
	(void)state;
	struct ctr_passwd_request req = {
		.passwd = passwd,
		.group = group,
		.user = "1001:1001",
		.workdir = "/",
		.keep_id = alice,
	};
	entries(&req, "alice:*:1001:1001:Alice:/:/bin/sh\n", "alice:x:1001:alice\n");
	/* the home, when it or a directory above it is mounted */
	char *dests[] = { "/data", "/home", NULL };
	req.mount_destinations = dests;
	entries(&req, "alice:*:1001:1001:Alice:/home/alice:/bin/sh\n", "alice:x:1001:alice\n");
	/* else the working directory */
	req.mount_destinations = NULL;
	req.workdir = "/tmp";
	entries(&req, "alice:*:1001:1001:Alice:/tmp:/bin/sh\n", "alice:x:1001:alice\n");
	/* the image has the UID and the group already: nothing */
	struct ctr_passwd_user bob = alice;
	bob.uid = bob.gid = 1000;
	bob.group = "selkie";
	req.keep_id = bob;
	req.user = "1000:1000";
	entries(&req, "", "");
	/* -u 0 keeps the user's entries */
	req.keep_id = alice;
	req.user = "0";
	entries(&req, "alice:*:1001:1001:Alice:/tmp:/bin/sh\n", "alice:x:1001:alice\n");
}

static void test_ctr_passwd_entries_numeric_user(void **state)
{
	(void)state;
	struct ctr_passwd_request req = {
		.passwd = passwd,
		.group = group,
		.user = "1234",
		.workdir = "/",
	};
	entries(&req, "1234:*:1234:0:container user:/:/bin/sh\n", "");
	req.user = "1234:55";
	entries(&req, "1234:*:1234:55:container user:/:/bin/sh\n", "55:x:55:1234\n");
	req.user = "1234:selkie";
	entries(&req, "1234:*:1234:1000:container user:/:/bin/sh\n", "");
	req.user = "1000:55";
	entries(&req, "", "55:x:55:1000\n");
	req.user = "selkie";
	entries(&req, "", "");
	req.user = "";
	entries(&req, "", "");
	/* keep-id:uid=500,gid=600 (no keep-id user entry): podman's "container user" lines */
	req.user = "500:600";
	entries(&req, "500:*:500:600:container user:/:/bin/sh\n", "600:x:600:500\n");
	/* no files in the image: nothing added */
	req.passwd = NULL;
	req.group = NULL;
	entries(&req, "", "");
}

static void test_ctr_passwd_entries_unknown_group(void **state)
{
	(void)state;
	struct ctr_passwd_request req = {
		.passwd = passwd,
		.group = group,
		.user = "1234:nosuch",
	};
	char *pw = NULL, *gr = NULL;
	struct sk_error *err = NULL;
	assert_true(ctr_passwd_entries(&req, &pw, &gr, &err) < 0);
	assert_string_equal(err->msg, "unable to get gid nosuch from group file: no matching "
				      "entries in group file");
	sk_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_passwd_entries_keep_id),
		cmocka_unit_test(test_ctr_passwd_entries_numeric_user),
		cmocka_unit_test(test_ctr_passwd_entries_unknown_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
