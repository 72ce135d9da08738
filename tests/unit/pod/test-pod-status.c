/* SPDX-License-Identifier: Apache-2.0 */
/* The pod's status from its containers' states, and --share parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "pod/pod.h"
#include "util/json-util.h"
#include "util/strv.h"

#define STATUS(...)                                                                                \
	pod_status_compute((const enum state_ctr_status[]){ __VA_ARGS__ },                         \
			   sizeof((const enum state_ctr_status[]){ __VA_ARGS__ }) /                \
				   sizeof(enum state_ctr_status))

static void test_pod_status_compute_cases(void **state)
{
	assert_string_equal(pod_status_compute(NULL, 0), "Created");
	assert_string_equal(STATUS(STATE_CTR_CREATED, STATE_CTR_CREATED), "Created");
	assert_string_equal(STATUS(STATE_CTR_RUNNING, STATE_CTR_RUNNING), "Running");
	assert_string_equal(STATUS(STATE_CTR_RUNNING, STATE_CTR_EXITED), "Degraded");
	assert_string_equal(STATUS(STATE_CTR_RUNNING, STATE_CTR_CREATED), "Degraded");
	assert_string_equal(STATUS(STATE_CTR_PAUSED, STATE_CTR_PAUSED), "Paused");
	assert_string_equal(STATUS(STATE_CTR_EXITED, STATE_CTR_EXITED), "Exited");
	assert_string_equal(STATUS(STATE_CTR_EXITED, STATE_CTR_CREATED), "Stopped");
	assert_string_equal(STATUS(STATE_CTR_PAUSED, STATE_CTR_EXITED), "Stopped");
	assert_string_equal(STATUS(STATE_CTR_REMOVING, STATE_CTR_CREATED), "Error");
	assert_string_equal(STATUS(STATE_CTR_PAUSED, STATE_CTR_CREATED), "Created");
}

static void test_pod_share_parse_values(void **state)
{
	unsigned s = 0;
	assert_int_equal(pod_share_parse(NULL, &s, NULL), 0);
	assert_int_equal(s, POD_SHARE_DEFAULT);
	assert_int_equal(pod_share_parse("pid", &s, NULL), 0);
	assert_int_equal(s, POD_SHARE_PID);
	assert_int_equal(pod_share_parse("+pid", &s, NULL), 0);
	assert_int_equal(s, POD_SHARE_DEFAULT | POD_SHARE_PID);
	assert_int_equal(pod_share_parse("none", &s, NULL), 0);
	assert_int_equal(s, 0);
	assert_int_equal(pod_share_parse("net,ipc", &s, NULL), 0);
	assert_int_equal(s, POD_SHARE_NET | POD_SHARE_IPC);
	_cleanup_error_ struct sk_error *err = NULL;
	assert_true(pod_share_parse("net,foo", &s, &err) < 0);
	assert_string_equal(err->msg, "invalid kernel namespace to share: foo. Options are: "
				      "cgroup, ipc, net, pid, uts or none");
}

static void test_pod_share_names_order_and_back(void **state)
{
	_cleanup_strv_free_ char **names = pod_share_names(POD_SHARE_DEFAULT | POD_SHARE_PID);
	_cleanup_free_ char *joined = strv_join(names, ",");
	assert_string_equal(joined, "net,uts,pid,ipc");
	_cleanup_json_ json_t *cfg =
		json_pack("{s:o}", "SharedNamespaces", sk_json_from_strv(names));
	assert_int_equal(pod_share_from_config(cfg), POD_SHARE_DEFAULT | POD_SHARE_PID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_status_compute_cases),
		cmocka_unit_test(test_pod_share_parse_values),
		cmocka_unit_test(test_pod_share_names_order_and_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
