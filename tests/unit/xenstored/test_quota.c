/* Quotas: Xen's defaults, ENOSPC on a hit, dom0 exempt, usage readable. */
#include "xs_test.h"

#include "log.h"

static struct xs_daemon *xs_quota_setup(struct xs_conn **c0, struct xs_conn **c5)
{
	struct xs_daemon *d = xs_test_daemon();

	*c0 = xs_test_conn(d, 0);
	*c5 = xs_test_conn(d, 5);
	xs_test_expect_ok(d, *c0, XS_MKDIR, 0, XS_TEST_ARGS("/local/domain/5"));
	xs_test_expect_ok(d, *c0, XS_SET_PERMS, 0, XS_TEST_ARGS("/local/domain/5\0n5"));
	return d;
}

static void test_nodes(void **state)
{
	struct xs_conn *c0, *c5;
	struct xs_daemon *d = xs_quota_setup(&c0, &c5);
	char path[64], out[8192], logged[4096] = "", *first;
	FILE *log = tmpfile();
	int i;

	(void)state;
	assert_non_null(log);
	xs_log_set(log);
	assert_int_equal(d->quota.limit[XS_Q_NODES], 1000);
	xs_quota_set(&d->quota, "nodes", 10);
	/* dom5 owns its home already: 9 more fit */
	for (i = 0; i < 9; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		xs_test_expect_ok(d, c5, XS_MKDIR, 0, path, strlen(path) + 1);
	}
	xs_test_expect_err(d, c5, XS_MKDIR, 0, XS_TEST_ARGS("one-more"), "ENOSPC");
	/* a write creating two nodes at once is refused whole */
	xs_test_expect_ok(d, c5, XS_RM, 0, XS_TEST_ARGS("n0"));
	xs_test_expect_err(d, c5, XS_WRITE, 0, XS_TEST_ARGS("a/b\0v"), "ENOSPC");
	xs_test_expect_err(d, c5, XS_READ, 0, XS_TEST_ARGS("a"), "ENOENT");
	/* dom0 is exempt */
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/dom0/n%d", i);
		xs_test_expect_ok(d, c0, XS_MKDIR, 0, path, strlen(path) + 1);
	}
	/* usage and hits can be read */
	assert_int_equal(xs_test_req(d, c0, XS_CONTROL, 0, XS_TEST_ARGS("quota\0" "5"), out),
			 XS_CONTROL);
	assert_non_null(strstr(out, " 9/10 hits 2"));
	/* every hit is in the log, with domain, quota and limit */
	rewind(log);
	assert_true(fread(logged, 1, sizeof(logged) - 1, log) > 0);
	first = strstr(logged, "quota: domain 5 hit quota nodes (limit 10, wanted 11)");
	assert_non_null(first);
	assert_non_null(strstr(first + 1, "quota: domain 5 hit quota nodes (limit 10, wanted 11)"));
	xs_log_set(NULL);
	fclose(log);
	xs_test_daemon_free(d);
}

static void test_node_size_and_perms(void **state)
{
	struct xs_conn *c0, *c5;
	struct xs_daemon *d = xs_quota_setup(&c0, &c5);
	char buf[3000];

	(void)state;
	memcpy(buf, "big", 4);
	memset(buf + 4, 'x', 2100);
	xs_test_expect_err(d, c5, XS_WRITE, 0, buf, 4 + 2100, "ENOSPC");
	xs_test_expect_ok(d, c5, XS_WRITE, 0, buf, 4 + 1000);
	xs_test_expect_ok(d, c0, XS_WRITE, 0, buf, 4 + 2100);
	xs_test_expect_err(d, c5, XS_SET_PERMS, 0,
			   XS_TEST_ARGS("big\0n5\0r1\0r2\0r3\0r4\0r6"), "ENOSPC");
	xs_test_expect_ok(d, c5, XS_SET_PERMS, 0, XS_TEST_ARGS("big\0n5\0r1\0r2\0r3\0r4"));
	xs_test_daemon_free(d);
}

static void test_watches_and_transactions(void **state)
{
	struct xs_conn *c0, *c5;
	struct xs_daemon *d = xs_quota_setup(&c0, &c5);
	char tok[32];
	int i;

	(void)state;
	xs_quota_set(&d->quota, "watches", 3);
	for (i = 0; i < 3; i++) {
		int n = snprintf(tok, sizeof(tok), "w%c%d", 0, i);

		xs_test_expect_ok(d, c5, XS_WATCH, 0, tok, (size_t)n + 1);
	}
	xs_test_expect_err(d, c5, XS_WATCH, 0, XS_TEST_ARGS("w\0x"), "ENOSPC");
	xs_test_expect_ok(d, c5, XS_RESET_WATCHES, 0, XS_TEST_ARGS(""));
	xs_test_expect_ok(d, c5, XS_WATCH, 0, XS_TEST_ARGS("w\0x"));
	for (i = 0; i < 10; i++)
		xs_test_txn(d, c5);
	xs_test_expect_err(d, c5, XS_TRANSACTION_START, 0, XS_TEST_ARGS(""), "ENOSPC");
	xs_test_daemon_free(d);
}

static void test_transaction_nodes(void **state)
{
	struct xs_conn *c0, *c5;
	struct xs_daemon *d = xs_quota_setup(&c0, &c5);
	char path[32];
	uint32_t t;
	int i;

	(void)state;
	xs_quota_set(&d->quota, "transaction-nodes", 4);
	t = xs_test_txn(d, c5);
	/* the first mkdir changes the home and t0, later ones one node more each */
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "t%d", i);
		xs_test_expect_ok(d, c5, XS_MKDIR, t, path, strlen(path) + 1);
	}
	xs_test_expect_err(d, c5, XS_MKDIR, t, XS_TEST_ARGS("t9"), "ENOSPC");
	xs_test_daemon_free(d);
}

static void test_set_arg(void **state)
{
	struct xs_quota q;

	(void)state;
	xs_quota_init(&q);
	assert_int_equal(xs_quota_set_arg(&q, "watches=512"), 0);
	assert_int_equal(q.limit[XS_Q_WATCHES], 512);
	assert_int_equal(xs_quota_set_arg(&q, "bogus=1"), -EINVAL);
	assert_int_equal(xs_quota_set_arg(&q, "watches"), -EINVAL);
	assert_int_equal(xs_quota_set_arg(&q, "watches=x"), -EINVAL);
	xs_quota_fini(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_node_size_and_perms),
		cmocka_unit_test(test_watches_and_transactions),
		cmocka_unit_test(test_transaction_nodes),
		cmocka_unit_test(test_set_arg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
