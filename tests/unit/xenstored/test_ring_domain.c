/*
 * A domain's ring over its life: INTRODUCE, the domain's RECONNECT, RELEASE,
 * and shutdown or death reported by the hypervisor (VIRQ_DOM_EXC).
 */
#include "ring_guest.h"

#include "domain_exc.h"

/* Does the quota table still hold an entry for domid? */
static bool xs_test_quota_knows(const struct xs_daemon *d, uint32_t domid)
{
	size_t i;

	for (i = 0; i < d->quota.ndoms; i++)
		if (d->quota.doms[i].domid == domid)
			return true;
	return false;
}

static void xs_test_expect_introduced(struct xs_daemon *d, struct xs_conn *c0, const char *domid,
				      const char *answer)
{
	char out[64];

	assert_int_equal(xs_test_req(d, c0, XS_IS_DOMAIN_INTRODUCED, 0, domid, strlen(domid) + 1,
				     out),
			 XS_IS_DOMAIN_INTRODUCED);
	assert_string_equal(out, answer);
}

/* Gives the domain a watch, an open transaction and a reply it has not taken. */
static uint32_t xs_test_busy_domain(struct xs_daemon *d, struct xs_guest *g)
{
	char out[8192];
	uint32_t tx;

	assert_int_equal(xs_guest_call(d, g, XS_WATCH, 0, XS_TEST_ARGS("data\0t"), out, NULL),
			 XS_WATCH);
	assert_int_equal(xs_guest_call(d, g, XS_TRANSACTION_START, 0, "", 1, out, NULL),
			 XS_TRANSACTION_START);
	tx = (uint32_t)strtoul(out, NULL, 10);
	assert_int_equal(xs_guest_call(d, g, XS_WRITE, tx, XS_TEST_ARGS("data/a\0v"), out, NULL),
			 XS_WRITE);
	xs_guest_send(d, g, XS_GET_DOMAIN_PATH, 1, 0, XS_TEST_ARGS("3"));
	assert_int_equal(xs_quota_used(&d->quota, g->domid, XS_Q_WATCHES), 1);
	assert_int_equal(xs_quota_used(&d->quota, g->domid, XS_Q_TXNS), 1);
	assert_true(g->intf->rsp_prod != g->intf->rsp_cons);
	return tx;
}

static void test_introduce_offers_features(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_guest *g = xs_guest_new(d, 3, 0x1234);

	(void)state;
	g->intf->error = XENSTORE_ERROR_COMM;
	xs_guest_introduce(d, c0, g, 7);
	assert_int_equal(g->intf->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION,
			 XENSTORE_SERVER_FEATURE_RECONNECTION);
	assert_int_equal(g->intf->server_features & XENSTORE_SERVER_FEATURE_ERROR,
			 XENSTORE_SERVER_FEATURE_ERROR);
	/* INTRODUCE starts the ring afresh, as Xen's daemon does */
	assert_int_equal(g->intf->req_prod, 0);
	assert_int_equal(g->intf->rsp_cons, 0);
	assert_int_equal(g->intf->error, XENSTORE_ERROR_NONE);
	assert_int_equal(g->intf->connection, XENSTORE_CONNECTED);
	assert_true(g->kicks >= 1);
	xs_test_daemon_free(d);
	xs_guest_free(g);
}

/*
 * RECONNECT: the domain's watches, transactions, queued replies and a
 * request read in part all go; the ring is empty and CONNECTED again.
 */
static void test_reconnect(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_conn *c0 = w->c0, *c = xs_guest_conn(d, w->g[0]);
	struct xs_guest *g = w->g[0];
	struct xsd_sockmsg h = { XS_READ, 2, 0, 5 };
	char out[8192];
	uint32_t tx = xs_test_busy_domain(d, g);
	int kicks, events = 0;

	/* replies that do not fit the ring wait in the daemon's queue */
	xs_test_write_str(d, c0, 0, "/local/domain/3/big", "0123456789012345678901234567890123456789"
			  "0123456789012345678901234567890123456789012345678901234567890123456789"
			  "0123456789012345678901234567890123456789012345678901234567890123456789");
	for (int i = 0; i < 8; i++)
		xs_guest_send(d, g, XS_READ, 3, 0, XS_TEST_ARGS("big"));
	assert_non_null(c->out_head);
	/* half a header, which the daemon takes and keeps; no reset unasked */
	xs_guest_put(g, &h, 10);
	xs_test_round(d);
	assert_int_equal(c->inlen, 10);
	assert_true(g->intf->req_cons != 0 && g->intf->req_cons == g->intf->req_prod);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_WATCHES), 1);
	kicks = g->kicks;

	g->intf->connection = XENSTORE_RECONNECT;
	g->intf->error = XENSTORE_ERROR_RINGIDX;
	xs_test_round(d);
	assert_int_equal(g->intf->connection, XENSTORE_CONNECTED);
	assert_int_equal(g->intf->req_cons, 0);
	assert_int_equal(g->intf->req_prod, 0);
	assert_int_equal(g->intf->rsp_cons, 0);
	assert_int_equal(g->intf->rsp_prod, 0);
	assert_int_equal(g->intf->error, XENSTORE_ERROR_NONE);
	assert_true(g->kicks > kicks);
	assert_ptr_equal(xs_guest_conn(d, g), c);
	assert_null(c->dead);
	assert_int_equal(c->inlen, 0);
	assert_int_equal(c->outstanding, 0);
	assert_null(c->out_head);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_WATCHES), 0);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_TXNS), 0);

	/* the old watch and transaction are gone; whole requests work again */
	g->rx_len = 0;
	xs_test_write_str(d, c0, 0, "/local/domain/3/data/b", "x");
	assert_int_equal(xs_guest_call(d, g, XS_READ, tx, XS_TEST_ARGS("data/b"), out, &events),
			 XS_ERROR);
	assert_string_equal(out, "ENOENT");
	assert_int_equal(xs_guest_call(d, g, XS_READ, 0, XS_TEST_ARGS("data/b"), out, &events),
			 XS_READ);
	assert_string_equal(out, "x");
	assert_int_equal(events, 0);
}

/* INTRODUCE again: the same ring restarts; a new ring replaces the old one. */
static void test_introduce_again(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_conn *c0 = w->c0, *c = xs_guest_conn(d, w->g[0]);
	struct xs_guest *g = w->g[0];
	char out[8192];

	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@introduceDomain\0i"));
	assert_int_equal(xs_test_events(c0, NULL, 0), 1);
	xs_test_busy_domain(d, g);
	g->intf->connection = XENSTORE_RECONNECT;
	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("3\0" "103\0" "7"));
	assert_ptr_equal(xs_guest_conn(d, g), c);
	assert_int_equal(g->intf->connection, XENSTORE_CONNECTED);
	assert_int_equal(g->intf->rsp_prod, 0);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_WATCHES), 0);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_TXNS), 0);
	assert_int_equal(xs_test_events(c0, NULL, 0), 0);

	/* another event channel: the old connection closes, a new one serves */
	xs_test_expect_ok(d, c0, XS_INTRODUCE, 0, XS_TEST_ARGS("3\0" "103\0" "9"));
	assert_non_null(c->dead);
	assert_true(xs_guest_conn(d, g) != c);
	xs_test_round(d);
	assert_int_equal(g->released, 1);
	g->rx_len = 0;
	assert_int_equal(xs_guest_call(d, g, XS_GET_DOMAIN_PATH, 0, XS_TEST_ARGS("3"), out, NULL),
			 XS_GET_DOMAIN_PATH);
}

/*
 * RELEASE takes the domain's connection (with its watches, transaction and
 * unanswered requests), its nodes and its quota accounting; others carry on.
 */
static void test_release(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_conn *c0 = w->c0;
	struct xs_guest *g = w->g[0], *other = w->g[1];
	char out[8192];
	int events = 0;

	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain\0r"));
	assert_int_equal(xs_guest_call(d, other, XS_WATCH, 0, XS_TEST_ARGS("mine\0o"), out, NULL),
			 XS_WATCH);
	assert_int_equal(xs_guest_call(d, g, XS_WRITE, 0, XS_TEST_ARGS("data/x\0v"), out, NULL),
			 XS_WRITE);
	xs_test_busy_domain(d, g);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_NODES), 3);
	assert_int_equal(xs_test_events(c0, NULL, 0), 1);

	xs_test_expect_ok(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("3"));
	xs_test_round(d);
	assert_int_equal(g->released, 1);
	assert_int_equal(xs_test_events(c0, NULL, 0), 1);
	xs_test_expect_introduced(d, c0, "3", "F");
	assert_false(xs_test_quota_knows(d, 3));
	assert_int_equal(xs_test_read_str(d, c0, 0, "/local/domain/3", out), XS_ERROR);
	assert_string_equal(out, "ENOENT");
	/* the other domain is served as before, its watch too */
	xs_test_write_str(d, c0, 0, "/local/domain/4/mine", "x");
	assert_int_equal(xs_guest_call(d, other, XS_GET_DOMAIN_PATH, 0, XS_TEST_ARGS("4"), out,
				       &events),
			 XS_GET_DOMAIN_PATH);
	assert_int_equal(events, 2);
	xs_test_expect_err(d, c0, XS_RELEASE, 0, XS_TEST_ARGS("3"), "ENOENT");
}

/* RELEASE of a device model's target takes its rights over that domain id. */
static void test_release_target(void **state)
{
	struct xs_world *w = *state;
	struct xs_conn *dm = xs_guest_conn(w->d, w->g[1]);

	xs_test_expect_ok(w->d, w->c0, XS_SET_TARGET, 0, XS_TEST_ARGS("4\0" "3"));
	assert_int_equal(dm->who.target, 3);
	xs_test_expect_ok(w->d, w->c0, XS_RELEASE, 0, XS_TEST_ARGS("3"));
	assert_int_equal(dm->who.target, XS_NO_TARGET);
	assert_int_equal(xs_domain_find(&w->d->domains, 4)->target, XS_NO_TARGET);
}

/* The hypervisor's answers for the VIRQ_DOM_EXC test, by domain id. */
static enum xs_dom_state xs_test_states[XS_GUEST_MAX];

static enum xs_dom_state xs_test_dom_state(uint32_t domid, unsigned int *reason)
{
	*reason = 1;
	return xs_test_states[domid];
}

/*
 * VIRQ_DOM_EXC: a shutdown is announced once (again after RESUME); a dying
 * or vanished domain is released with everything it held.
 */
static void test_domain_exc(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_conn *c0 = w->c0;
	struct xs_guest *g3 = w->g[0], *g4 = w->g[1], *g5 = xs_guest_new(d, 5, 0);
	char ev[4][256];

	xs_guest_introduce(d, c0, g5, 9);
	xs_test_busy_domain(d, g4);
	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("@releaseDomain\0r\0" "1"));
	assert_int_equal(xs_test_events(c0, NULL, 0), 1);

	xs_domain_exc(d, xs_test_dom_state);
	assert_int_equal(xs_test_events(c0, NULL, 0), 0);
	xs_test_states[3] = XS_DOM_SHUTDOWN;
	xs_domain_exc(d, xs_test_dom_state);
	assert_int_equal(xs_test_events(c0, ev, 4), 1);
	assert_string_equal(ev[0], "@releaseDomain/3");
	xs_domain_exc(d, xs_test_dom_state);
	assert_int_equal(xs_test_events(c0, NULL, 0), 0);
	xs_test_expect_ok(d, c0, XS_RESUME, 0, XS_TEST_ARGS("3"));
	xs_domain_exc(d, xs_test_dom_state);
	assert_int_equal(xs_test_events(c0, NULL, 0), 1);
	xs_test_expect_introduced(d, c0, "3", "T");

	xs_test_states[4] = XS_DOM_GONE;
	xs_test_states[5] = XS_DOM_DYING;
	xs_domain_exc(d, xs_test_dom_state);
	xs_test_round(d);
	assert_int_equal(xs_test_events(c0, ev, 4), 2);
	assert_int_equal(g4->released, 1);
	assert_int_equal(g5->released, 1);
	assert_int_equal(g3->released, 0);
	assert_false(xs_test_quota_knows(d, 4));
	xs_test_expect_introduced(d, c0, "4", "F");
	xs_test_expect_introduced(d, c0, "5", "F");
	xs_guest_free(g5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_introduce_offers_features),
		cmocka_unit_test_setup_teardown(test_reconnect, xs_world_setup, xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_introduce_again, xs_world_setup,
						xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_release, xs_world_setup, xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_release_target, xs_world_setup,
						xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_domain_exc, xs_world_setup, xs_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
