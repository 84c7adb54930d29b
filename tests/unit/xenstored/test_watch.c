/* Watches: initial event, subtree matching, depth, relative paths, removal,
 * visibility, and the special @introduceDomain/@releaseDomain events. */
#include "xs_test.h"

static void test_initial_and_subtree(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *w = xs_test_conn(d, 0);
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xsd_sockmsg h;
	char ev[8][256], buf[8192];

	(void)state;
	xs_test_send(d, w, XS_WATCH, 0, XS_TEST_ARGS("/w\0tok"));
	/* the reply, then the initial event with the path as given */
	assert_int_equal(xs_test_recv(w, &h, buf, sizeof(buf)), 1);
	assert_int_equal(h.type, XS_WATCH);
	assert_int_equal(xs_test_recv(w, &h, buf, sizeof(buf)), 1);
	assert_int_equal(h.type, XS_WATCH_EVENT);
	assert_int_equal(h.req_id, 0);
	assert_memory_equal(buf, "/w\0tok\0", 7);
	xs_test_write_str(d, c, 0, "/w/a/b", "1");
	xs_test_write_str(d, c, 0, "/wx", "1");
	xs_test_write_str(d, c, 0, "/w", "2");
	assert_int_equal(xs_test_events(w, ev, 8), 2);
	assert_string_equal(ev[0], "/w/a/b");
	assert_string_equal(ev[1], "/w");
	xs_test_expect_err(d, w, XS_WATCH, 0, XS_TEST_ARGS("/w\0tok"), "EEXIST");
	xs_test_expect_ok(d, w, XS_UNWATCH, 0, XS_TEST_ARGS("/w\0tok"));
	xs_test_expect_err(d, w, XS_UNWATCH, 0, XS_TEST_ARGS("/w\0tok"), "ENOENT");
	xs_test_write_str(d, c, 0, "/w/a", "3");
	assert_int_equal(xs_test_events(w, NULL, 0), 0);
	xs_test_daemon_free(d);
}

static void test_depth_and_removal(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *w = xs_test_conn(d, 0);
	struct xs_conn *c = xs_test_conn(d, 0);
	char ev[8][256];

	(void)state;
	xs_test_write_str(d, c, 0, "/d/x/y", "1");
	xs_test_expect_ok(d, w, XS_WATCH, 0, XS_TEST_ARGS("/d\0t\0" "1"));
	xs_test_expect_ok(d, w, XS_WATCH, 0, XS_TEST_ARGS("/d/x/y\0deep"));
	assert_int_equal(xs_test_events(w, NULL, 0), 2);
	xs_test_write_str(d, c, 0, "/d/x/y", "2");
	assert_int_equal(xs_test_events(w, ev, 8), 1);
	assert_string_equal(ev[0], "/d/x/y");
	xs_test_write_str(d, c, 0, "/d/x", "2");
	assert_int_equal(xs_test_events(w, ev, 8), 1);
	assert_string_equal(ev[0], "/d/x");
	/* removing an ancestor tells the deep watch its own path */
	xs_test_expect_ok(d, c, XS_RM, 0, XS_TEST_ARGS("/d/x"));
	assert_int_equal(xs_test_events(w, ev, 8), 2);
	assert_string_equal(ev[0], "/d/x/y");
	assert_string_equal(ev[1], "/d/x");
	xs_test_daemon_free(d);
}

static void test_relative_and_visibility(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_conn *c5 = xs_test_conn(d, 5);
	char ev[8][256];

	(void)state;
	xs_test_expect_ok(d, c0, XS_MKDIR, 0, XS_TEST_ARGS("/local/domain/5"));
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5\0n5"));
	xs_test_expect_ok(d, c5, XS_WATCH, 0, XS_TEST_ARGS("control\0c"));
	xs_test_expect_ok(d, c5, XS_WATCH, 0, XS_TEST_ARGS("/secret\0s"));
	assert_int_equal(xs_test_events(c5, ev, 8), 2);
	assert_string_equal(ev[0], "control");
	xs_test_write_str(d, c0, 0, "/local/domain/5/control/shutdown", "poweroff");
	xs_test_write_str(d, c0, 0, "/secret/x", "dom0 only");
	assert_int_equal(xs_test_events(c5, ev, 8), 1);
	assert_string_equal(ev[0], "control/shutdown");
	xs_test_daemon_free(d);
}

static void test_special_events(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_conn *c5 = xs_test_conn(d, 5);
	char ev[8][256], out[64];

	(void)state;
	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@introduceDomain\0i"));
	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain\0r\0" "1"));
	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain/9\0only9"));
	xs_test_expect_ok(d, c5, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain\0r5"));
	assert_int_equal(xs_test_events(c0, NULL, 0), 3);
	assert_int_equal(xs_test_events(c5, NULL, 0), 1);

	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("7\0" "4096\0" "3"));
	assert_int_equal(xs_test_events(c0, ev, 8), 1);
	assert_string_equal(ev[0], "@introduceDomain");
	assert_int_equal(xs_test_req(d, c0, XS_IS_DOMAIN_INTRODUCED, 0, XS_TEST_ARGS("7"), out),
			 XS_IS_DOMAIN_INTRODUCED);
	assert_string_equal(out, "T");
	assert_int_equal(xs_test_req(d, c0, XS_IS_DOMAIN_INTRODUCED, 0, XS_TEST_ARGS("8"), out),
			 XS_IS_DOMAIN_INTRODUCED);
	assert_string_equal(out, "F");
	assert_int_equal(xs_test_req(d, c0, XS_GET_DOMAIN_PATH, 0, XS_TEST_ARGS("7"), out),
			 XS_GET_DOMAIN_PATH);
	assert_string_equal(out, "/local/domain/7");

	xs_test_expect_ok(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("7"));
	assert_int_equal(xs_test_events(c0, ev, 8), 1);
	assert_string_equal(ev[0], "@releaseDomain/7");
	/* dom5 may not see @releaseDomain until granted read */
	assert_int_equal(xs_test_events(c5, NULL, 0), 0);
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("@releaseDomain\0n0\0r5"));
	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("9\0" "1\0" "2"));
	xs_test_expect_ok(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("9"));
	/* one for the permission change (as in Xen), one for the release */
	assert_int_equal(xs_test_events(c5, ev, 8), 2);
	assert_string_equal(ev[1], "@releaseDomain");
	assert_int_equal(xs_test_events(c0, ev, 8), 4);
	assert_string_equal(ev[2], "@releaseDomain/9");
	assert_string_equal(ev[3], "@releaseDomain/9");
	xs_test_expect_err(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("9"), "ENOENT");
	xs_test_expect_err(d, c5, XS_INTRODUCE, 0, XS_TEST_ARGS("9\0" "1\0" "2"), "EACCES");
	xs_test_expect_err(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("9\0" "1\0" "0"), "EINVAL");
	xs_test_daemon_free(d);
}

static void test_release_removes_owned_nodes(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	char out[8192];

	(void)state;
	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("4\0" "1\0" "2"));
	xs_test_write_str(d, c0, 0, "/local/domain/4/device/vbd/768/state", "1");
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0,
			  XS_TEST_ARGS("/local/domain/4/device/vbd/768\0n4\0r0"));
	xs_test_expect_ok(d, c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/4\0n0\0r4"));
	xs_test_expect_ok(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("4"));
	xs_test_expect_err(d, c0, XS_READ, 0, XS_TEST_ARGS("/local/domain/4/device/vbd/768"),
			   "ENOENT");
	assert_int_equal(xs_test_req(d, c0, XS_GET_PERMS, 0, XS_TEST_ARGS("/local/domain/4"),
				     out),
			 XS_GET_PERMS);
	assert_memory_equal(out, "n0\0", 3);
	xs_test_daemon_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_and_subtree),
		cmocka_unit_test(test_depth_and_removal),
		cmocka_unit_test(test_relative_and_visibility),
		cmocka_unit_test(test_special_events),
		cmocka_unit_test(test_release_removes_owned_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
