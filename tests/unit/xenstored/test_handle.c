/* The message parser and dispatcher: malformed input gets an error or a
 * disconnection, and never stops other clients being served. */
#include "xs_test.h"

static void test_reply_echoes_ids(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xsd_sockmsg h = { XS_DIRECTORY, 0xabcd, 0, 2 };
	unsigned char buf[32];
	char out[64];

	(void)state;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/", 2);
	xs_test_feed(d, c, buf, sizeof(h) + 2);
	assert_int_equal(xs_test_recv(c, &h, out, sizeof(out)), 1);
	assert_int_equal(h.type, XS_DIRECTORY);
	assert_int_equal(h.req_id, 0xabcd);
	xs_test_daemon_free(d);
}

static void test_byte_by_byte(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, 5 };
	unsigned char buf[32];
	char out[64];
	size_t i;

	(void)state;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/x\0ab", 5);
	for (i = 0; i < sizeof(h) + 5; i++)
		xs_test_feed(d, c, buf + i, 1);
	assert_int_equal(xs_test_recv(c, &h, out, sizeof(out)), 1);
	assert_int_equal(h.type, XS_WRITE);
	assert_string_equal(out, "OK");
	assert_int_equal(xs_test_read_str(d, c, 0, "/x", out), XS_READ);
	assert_string_equal(out, "ab");
	xs_test_daemon_free(d);
}

static void test_bad_types(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);

	(void)state;
	xs_test_expect_err(d, c, 20, 0, XS_TEST_ARGS("/"), "ENOSYS");
	xs_test_expect_err(d, c, XS_WATCH_EVENT, 0, XS_TEST_ARGS("/"), "ENOSYS");
	xs_test_expect_err(d, c, XS_ERROR, 0, XS_TEST_ARGS("/"), "ENOSYS");
	xs_test_expect_err(d, c, XS_INVALID, 0, XS_TEST_ARGS("/"), "ENOSYS");
	xs_test_expect_err(d, c, 0x12345678, 0, XS_TEST_ARGS("/"), "ENOSYS");
	assert_null(c->dead);
	xs_test_daemon_free(d);
}

static void test_bad_payloads(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char longp[4000];

	(void)state;
	xs_test_expect_err(d, c, XS_READ, 0, "/tool", 5, "EINVAL");
	xs_test_expect_err(d, c, XS_READ, 0, "", 0, "EINVAL");
	xs_test_expect_err(d, c, XS_WRITE, 0, "/novalue", 8, "EINVAL");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("//"), "EINVAL");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/tool/"), "EINVAL");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/a\x01"), "EINVAL");
	xs_test_expect_err(d, c, XS_WRITE, 0, XS_TEST_ARGS("/a b\0v"), "EINVAL");
	xs_test_expect_err(d, c, XS_READ, 0, XS_TEST_ARGS("/a\0extra"), "EINVAL");
	xs_test_expect_err(d, c, XS_GET_DOMAIN_PATH, 0, XS_TEST_ARGS("x1"), "EINVAL");
	xs_test_expect_err(d, c, XS_GET_DOMAIN_PATH, 0, XS_TEST_ARGS("70000"), "EINVAL");
	xs_test_expect_err(d, c, XS_WATCH, 0, XS_TEST_ARGS("/w"), "EINVAL");
	xs_test_expect_err(d, c, XS_WATCH, 0, XS_TEST_ARGS("/w\0t\0-1"), "EINVAL");
	xs_test_expect_err(d, c, XS_CONTROL, 0, XS_TEST_ARGS("no-such-command"), "EINVAL");
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	xs_test_expect_err(d, c, XS_MKDIR, 0, longp, sizeof(longp), "EINVAL");
	assert_null(c->dead);
	xs_test_daemon_free(d);
}

static void test_oversized_disconnects_only_offender(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *bad = xs_test_conn(d, 5);
	struct xs_conn *good = xs_test_conn(d, 0);
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	char out[64];

	(void)state;
	xs_test_feed(d, bad, &h, sizeof(h));
	assert_non_null(bad->dead);
	assert_int_equal(xs_test_recv(bad, &h, out, sizeof(out)), 0);
	xs_daemon_reap(d);
	assert_ptr_equal(d->conns, good);
	assert_int_equal(xs_test_read_str(d, good, 0, "/tool", out), XS_READ);
	xs_test_daemon_free(d);
}

static void test_max_payload_accepted(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	char buf[XENSTORE_PAYLOAD_MAX];
	char out[8192];

	(void)state;
	memcpy(buf, "/full", 6);
	memset(buf + 6, 'z', sizeof(buf) - 6);
	xs_test_expect_ok(d, c, XS_WRITE, 0, buf, sizeof(buf));
	assert_int_equal(xs_test_read_str(d, c, 0, "/full", out), XS_READ);
	assert_int_equal(strlen(out), sizeof(buf) - 6);
	xs_test_daemon_free(d);
}

static void test_outstanding_limit(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_conn *c = xs_test_conn(d, 5);
	struct xs_test_pipe *p = c->tp->name ? c->tp_priv : NULL;
	struct xsd_sockmsg h = { XS_GET_DOMAIN_PATH, 0, 0, 2 };
	unsigned char msg[sizeof(h) + 2];
	char out[64];
	int i, n = 0;

	(void)state;
	(void)c0;
	memcpy(msg + sizeof(h), "5", 2);
	p->in = malloc(30 * sizeof(msg));
	for (i = 0; i < 30; i++) {
		h.req_id = (uint32_t)i;
		memcpy(msg, &h, sizeof(h));
		memcpy(p->in + p->in_len, msg, sizeof(msg));
		p->in_len += sizeof(msg);
	}
	/* 20 replies in flight: the daemon stops reading until they are taken */
	xs_handle_input(d, c);
	assert_int_equal(c->outstanding, 20);
	xs_conn_flush(c);
	assert_int_equal(c->outstanding, 0);
	xs_handle_input(d, c);
	xs_conn_flush(c);
	while (xs_test_recv(c, &h, out, sizeof(out))) {
		assert_int_equal(h.req_id, (uint32_t)n);
		n++;
	}
	assert_int_equal(n, 30);
	xs_test_daemon_free(d);
}

static void test_control(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c = xs_test_conn(d, 0);
	struct xs_conn *c5 = xs_test_conn(d, 5);
	char out[8192];

	(void)state;
	assert_int_equal(xs_test_req(d, c, XS_CONTROL, 0, XS_TEST_ARGS("check"), out),
			 XS_CONTROL);
	assert_string_equal(out, "OK");
	assert_int_equal(xs_test_req(d, c, XS_CONTROL, 0, XS_TEST_ARGS("quota"), out),
			 XS_CONTROL);
	assert_non_null(strstr(out, "watches"));
	xs_test_expect_ok(d, c, XS_CONTROL, 0, XS_TEST_ARGS("quota\0set\0watches\0" "7"));
	assert_int_equal(d->quota.limit[XS_Q_WATCHES], 7);
	xs_test_expect_err(d, c5, XS_CONTROL, 0, XS_TEST_ARGS("check"), "EACCES");
	xs_test_daemon_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_echoes_ids),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_oversized_disconnects_only_offender),
		cmocka_unit_test(test_max_payload_accepted),
		cmocka_unit_test(test_outstanding_limit),
		cmocka_unit_test(test_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
