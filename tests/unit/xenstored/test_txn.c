/* Transactions: private view, conflicts end in EAGAIN with no partial effect. */
#include "xs_test.h"

static void test_commit_applies(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *o = xs_test_conn(d, 0);
	char out[8192];
	uint32_t t;

	(void)state;
	t = xs_test_txn(d, c);
	xs_test_write_str(d, c, t, "/t/a", "1");
	xs_test_write_str(d, c, t, "/t/b", "2");
	/* invisible outside until commit */
	xs_test_expect_err(d, o, XS_READ, 0, XS_TEST_ARGS("/t/a"), "ENOENT");
	assert_int_equal(xs_test_read_str(d, c, t, "/t/a", out), XS_READ);
	xs_test_expect_ok(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"));
	assert_int_equal(xs_test_read_str(d, o, 0, "/t/b", out), XS_READ);
	assert_string_equal(out, "2");
	/* the id is gone */
	xs_test_expect_err(d, c, XS_READ, t, XS_TEST_ARGS("/t/a"), "ENOENT");
	xs_test_daemon_free(d);
}

static void test_conflict_eagain_no_partial(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *o = xs_test_conn(d, 0);
	char out[8192];
	uint32_t t;

	(void)state;
	xs_test_write_str(d, c, 0, "/k", "0");
	t = xs_test_txn(d, c);
	assert_int_equal(xs_test_read_str(d, c, t, "/k", out), XS_READ);
	xs_test_write_str(d, c, t, "/k", "from-txn");
	xs_test_write_str(d, c, t, "/other/x", "y");
	xs_test_write_str(d, o, 0, "/k", "outside");
	xs_test_expect_err(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"), "EAGAIN");
	assert_int_equal(xs_test_read_str(d, o, 0, "/k", out), XS_READ);
	assert_string_equal(out, "outside");
	xs_test_expect_err(d, o, XS_READ, 0, XS_TEST_ARGS("/other"), "ENOENT");
	xs_test_daemon_free(d);
}

static void test_conflict_on_created_sibling_parent(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *o = xs_test_conn(d, 0);
	char out[8192];
	uint32_t t;

	(void)state;
	xs_test_expect_ok(d, c, XS_MKDIR, 0, XS_TEST_ARGS("/dir"));
	t = xs_test_txn(d, c);
	xs_test_write_str(d, c, t, "/dir/mine", "1");
	/* another client adds a sibling: committing our copy of /dir would lose it */
	xs_test_write_str(d, o, 0, "/dir/theirs", "2");
	xs_test_expect_err(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"), "EAGAIN");
	assert_int_equal(xs_test_req(d, o, XS_DIRECTORY, 0, XS_TEST_ARGS("/dir"), out),
			 XS_DIRECTORY);
	assert_string_equal(out, "theirs");
	xs_test_daemon_free(d);
}

static void test_unrelated_change_no_conflict(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *o = xs_test_conn(d, 0);
	uint32_t t;

	(void)state;
	xs_test_write_str(d, c, 0, "/p/a", "1");
	xs_test_write_str(d, c, 0, "/q/b", "1");
	t = xs_test_txn(d, c);
	xs_test_write_str(d, c, t, "/p/a", "2");
	xs_test_write_str(d, o, 0, "/q/b", "3");
	xs_test_expect_ok(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"));
	xs_test_daemon_free(d);
}

static void test_abort_and_rm_in_txn(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char out[8192];
	uint32_t t;

	(void)state;
	xs_test_write_str(d, c, 0, "/r/s/t", "v");
	t = xs_test_txn(d, c);
	xs_test_expect_ok(d, c, XS_RM, t, XS_TEST_ARGS("/r"));
	xs_test_expect_err(d, c, XS_READ, t, XS_TEST_ARGS("/r/s/t"), "ENOENT");
	xs_test_expect_ok(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("F"));
	assert_int_equal(xs_test_read_str(d, c, 0, "/r/s/t", out), XS_READ);
	/* remove and recreate inside one transaction */
	t = xs_test_txn(d, c);
	xs_test_expect_ok(d, c, XS_RM, t, XS_TEST_ARGS("/r"));
	xs_test_write_str(d, c, t, "/r/new", "n");
	xs_test_expect_ok(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"));
	assert_int_equal(xs_test_req(d, c, XS_DIRECTORY, 0, XS_TEST_ARGS("/r"), out),
			 XS_DIRECTORY);
	assert_string_equal(out, "new");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/r/s"), "ENOENT");
	assert_int_equal(xs_tree_count(&d->tree), 5 + 2);
	xs_test_daemon_free(d);
}

static void test_bad_ids(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	uint32_t t;

	(void)state;
	xs_test_expect_err(d, c, XS_READ, 999, XS_TEST_ARGS("/"), "ENOENT");
	xs_test_expect_err(d, c, XS_TRANSACTION_END, 0, XS_TEST_ARGS("T"), "ENOENT");
	t = xs_test_txn(d, c);
	xs_test_expect_err(d, c, XS_TRANSACTION_START, t, XS_TEST_ARGS(""), "EBUSY");
	xs_test_expect_err(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("X"), "EINVAL");
	xs_test_daemon_free(d);
}

static void test_watch_fires_on_commit_only(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *w = xs_test_conn(d, 0);
	char ev[4][256];
	uint32_t t;

	(void)state;
	xs_test_expect_ok(d, w, XS_WATCH, 0, XS_TEST_ARGS("/wt\0tok"));
	assert_int_equal(xs_test_events(w, NULL, 0), 1);
	t = xs_test_txn(d, c);
	xs_test_write_str(d, c, t, "/wt/a", "1");
	assert_int_equal(xs_test_events(w, NULL, 0), 0);
	xs_test_expect_ok(d, c, XS_TRANSACTION_END, t, XS_TEST_ARGS("T"));
	assert_int_equal(xs_test_events(w, ev, 4), 1);
	assert_string_equal(ev[0], "/wt/a");
	xs_test_daemon_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_applies),
		cmocka_unit_test(test_conflict_eagain_no_partial),
		cmocka_unit_test(test_conflict_on_created_sibling_parent),
		cmocka_unit_test(test_unrelated_change_no_conflict),
		cmocka_unit_test(test_abort_and_rm_in_txn),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_watch_fires_on_commit_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
