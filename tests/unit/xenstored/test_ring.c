/*
 * The ring page logic on a plain page, and the daemon serving domains through
 * it: messages split across the wrap, a full reply ring, broken domains.
 */
#include "ring_guest.h"

#include "ring.h"

static void test_wraparound(void **state)
{
	struct xenstore_domain_interface *intf = calloc(1, 4096);
	char buf[XENSTORE_RING_SIZE], out[XENSTORE_RING_SIZE];
	int i;

	(void)state;
	/* indexes near the uint32 wrap: they are free-running */
	intf->req_cons = intf->req_prod = 0xfffffe00u;
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)i;
	for (i = 0; i < 700; i++)
		intf->req[MASK_XENSTORE_IDX(intf->req_prod + (uint32_t)i)] = buf[i];
	intf->req_prod += 700;
	assert_int_equal(xs_ring_read(intf, out, 300), 300);
	assert_int_equal(xs_ring_read(intf, out + 300, 1000), 400);
	assert_memory_equal(out, buf, 700);
	assert_int_equal(xs_ring_read(intf, out, 10), 0);

	intf->rsp_cons = intf->rsp_prod = 0xffffff00u;
	assert_int_equal(xs_ring_write(intf, buf, 1000), 1000);
	assert_int_equal(xs_ring_write(intf, buf, 100), 24);
	for (i = 0; i < 1000; i++)
		assert_int_equal(intf->rsp[MASK_XENSTORE_IDX(0xffffff00u + (uint32_t)i)], buf[i]);
	free(intf);
}

static void test_bad_indexes(void **state)
{
	struct xenstore_domain_interface *intf = calloc(1, 4096);
	char out[16];

	(void)state;
	intf->req_prod = XENSTORE_RING_SIZE + 1;
	assert_int_equal(xs_ring_read(intf, out, sizeof(out)), -EIO);
	intf->rsp_prod = 5;
	intf->rsp_cons = 6;
	assert_int_equal(xs_ring_write(intf, out, sizeof(out)), -EIO);
	free(intf);
}

/* A header that straddles both the ring's end and the uint32 wrap, fed a byte a round. */
static void test_partial_header(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_guest *g = xs_guest_new(d, 3, 0xfffffff9u);
	struct xs_conn *c = xs_guest_restore(d, g);
	struct xsd_sockmsg h = { XS_GET_DOMAIN_PATH, 9, 0, 2 };
	unsigned char msg[sizeof(h) + 2];
	char reply[64];
	size_t i;

	(void)state;
	assert_int_equal(g->intf->server_features, XS_RINGCONN_FEATURES);
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), "3", 2);
	for (i = 0; i < sizeof(msg); i++) {
		/* nothing is answered before the last byte */
		assert_int_equal(g->intf->rsp_prod, 0xfffffff9u);
		assert_int_equal(xs_guest_put(g, msg + i, 1), 1);
		xs_test_round(d);
		assert_int_equal(g->intf->req_cons, g->intf->req_prod);
	}
	assert_int_equal(g->intf->rsp_prod - g->intf->rsp_cons, sizeof(h) + 16);
	xs_guest_take(g, XENSTORE_RING_SIZE);
	assert_int_equal(xs_guest_next(g, &h, reply, sizeof(reply)), 1);
	assert_int_equal(h.type, XS_GET_DOMAIN_PATH);
	assert_int_equal(h.req_id, 9);
	assert_string_equal(reply, "/local/domain/3");
	assert_int_equal(xs_guest_next(g, &h, reply, sizeof(reply)), 0);
	assert_true(g->kicks >= (int)sizeof(msg));
	assert_null(c->dead);
	xs_test_daemon_free(d);
	xs_guest_free(g);
}

/* Messages bigger than the ring go through it in pieces, in both directions. */
static void test_message_bigger_than_ring(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_conn *c0 = xs_test_conn(d, 0);
	struct xs_guest *g = xs_guest_new(d, 3, 0xfffffc00u);
	static char req[4096], out[8192];
	struct xsd_sockmsg h;
	size_t i;

	(void)state;
	xs_guest_home(d, c0, g);
	xs_guest_restore(d, g);
	assert_int_equal(xs_quota_set(&d->quota, "node-size", 0), 0);
	memcpy(req, "big", 4);
	for (i = 4; i < sizeof(req); i++)
		req[i] = (char)('a' + i % 26);
	assert_int_equal(xs_guest_call(d, g, XS_WRITE, 0, req, sizeof(req), out, NULL), XS_WRITE);
	/* the reply leaves in pieces as the domain takes them */
	xs_guest_send(d, g, XS_READ, 77, 0, "big", 4);
	for (i = 0; i < 40; i++) {
		xs_guest_take(g, 150);
		xs_test_round(d);
	}
	assert_int_equal(xs_guest_next(g, &h, out, sizeof(out)), 1);
	assert_int_equal(h.type, XS_READ);
	assert_int_equal(h.req_id, 77);
	assert_int_equal(h.len, sizeof(req) - 4);
	assert_memory_equal(out, req + 4, sizeof(req) - 4);
	xs_test_daemon_free(d);
	xs_guest_free(g);
}

/* A deterministic stream of pseudo-random numbers, so failures repeat. */
static uint32_t xs_test_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

#define XS_PIPELINED 120

/* The requests of test_full_reply_ring, back to back; returns the length. */
static size_t xs_test_pipeline(unsigned char *buf)
{
	static const struct xsd_sockmsg mkdir = { XS_MKDIR, 0, 0, 2 }, watch = { XS_WATCH, 1, 0, 6 };
	size_t off;
	uint32_t i;

	memcpy(buf, &mkdir, sizeof(mkdir));
	memcpy(buf + sizeof(mkdir), "w", 2);
	off = sizeof(mkdir) + 2;
	memcpy(buf + off, &watch, sizeof(watch));
	memcpy(buf + off + sizeof(watch), "w\0tok", 6);
	off += sizeof(watch) + 6;
	for (i = 0; i < XS_PIPELINED; i++) {
		char key[16];
		int klen = snprintf(key, sizeof(key), "w/k%u", i) + 1;
		uint32_t vlen = i * 37 % 300 + 1;
		struct xsd_sockmsg wr = { XS_WRITE, 2 * i + 2, 0, (uint32_t)klen + vlen };
		struct xsd_sockmsg rd = { XS_READ, 2 * i + 3, 0, (uint32_t)klen };

		memcpy(buf + off, &wr, sizeof(wr));
		memcpy(buf + off + sizeof(wr), key, (size_t)klen);
		memset(buf + off + sizeof(wr) + klen, 'A' + (int)(i % 26), vlen);
		off += sizeof(wr) + (size_t)klen + vlen;
		memcpy(buf + off, &rd, sizeof(rd));
		memcpy(buf + off + sizeof(rd), key, (size_t)klen);
		off += sizeof(rd) + (size_t)klen;
	}
	return off;
}

/* Checks message n of the expected stream: replies and events in order. */
static void xs_test_expect_nth(size_t n, const struct xsd_sockmsg *h, const char *p)
{
	static const uint32_t first[] = { XS_MKDIR, XS_WATCH, XS_WATCH_EVENT };
	uint32_t i = (uint32_t)(n - 3) / 3;
	char key[16];

	snprintf(key, sizeof(key), "w/k%u", i);
	if (n < 3) {
		assert_int_equal(h->type, first[n]);
		return;
	}
	switch ((n - 3) % 3) {
	case 0:
		assert_int_equal(h->type, XS_WRITE);
		assert_int_equal(h->req_id, 2 * i + 2);
		break;
	case 1:
		assert_int_equal(h->type, XS_WATCH_EVENT);
		assert_string_equal(p, key);
		break;
	default:
		assert_int_equal(h->type, XS_READ);
		assert_int_equal(h->req_id, 2 * i + 3);
		assert_int_equal(h->len, i * 37 % 300 + 1);
		assert_true(p[0] == 'A' + (int)(i % 26) && p[h->len - 1] == p[0]);
	}
}

/*
 * A domain that pipelines requests and is slow to take replies: the reply
 * ring fills, the daemon stops reading at the outstanding quota, and every
 * reply and event still arrives, once, in order.
 */
static void test_full_reply_ring(void **state)
{
	static unsigned char stream[XS_PIPELINED * 400];
	uint32_t seeds[] = { 1, 42, 0xdeadbeef };
	size_t s;

	(void)state;
	for (s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		struct xs_daemon *d = xs_test_daemon();
		struct xs_conn *c0 = xs_test_conn(d, 0);
		struct xs_guest *g = xs_guest_new(d, 3, xs_test_rand(&seeds[s]) << 16);
		struct xs_conn *c = (xs_guest_home(d, c0, g), xs_guest_restore(d, g));
		size_t len = xs_test_pipeline(stream), off = 0, got = 0;
		bool saw_full = false, saw_stall = false;
		struct xsd_sockmsg h;
		char p[8192];
		int rounds = 0;

		while (got < 3 + 3 * XS_PIPELINED) {
			size_t chunk = xs_test_rand(&seeds[s]) % 400;

			off += xs_guest_put(g, stream + off, chunk < len - off ? chunk : len - off);
			xs_test_round(d);
			assert_null(c->dead);
			saw_full |= g->intf->rsp_prod - g->intf->rsp_cons == XENSTORE_RING_SIZE;
			saw_stall |= c->outstanding >= 20 && g->intf->req_prod != g->intf->req_cons;
			/* some rounds the domain takes nothing at all */
			xs_guest_take(g, xs_test_rand(&seeds[s]) % 3 ? 0 : xs_test_rand(&seeds[s]) % 600);
			while (xs_guest_next(g, &h, p, sizeof(p)))
				xs_test_expect_nth(got++, &h, p);
			assert_true(++rounds < 100000);
		}
		assert_int_equal(off, len);
		assert_true(saw_full);
		assert_true(saw_stall);
		assert_int_equal(g->rx_len, 0);
		xs_test_daemon_free(d);
		xs_guest_free(g);
	}
}

/* Events reach a domain over its ring, relative paths as it watched them. */
static void test_watch_events(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_guest *g = w->g[0];
	struct xsd_sockmsg h;
	char out[8192];

	assert_int_equal(xs_guest_call(d, g, XS_WATCH, 0, XS_TEST_ARGS("device\0tok"), out, NULL),
			 XS_WATCH);
	xs_test_round(d);
	xs_guest_take(g, XENSTORE_RING_SIZE);
	assert_int_equal(xs_guest_next(g, &h, out, sizeof(out)), 1);
	assert_int_equal(h.type, XS_WATCH_EVENT);
	assert_memory_equal(out, "device\0tok", 11);
	xs_test_write_str(d, w->c0, 0, "/local/domain/3/device/vif", "x");
	xs_test_write_str(d, w->c0, 0, "/local/domain/4/device/vif", "x");
	xs_test_round(d);
	xs_guest_take(g, XENSTORE_RING_SIZE);
	assert_int_equal(xs_guest_next(g, &h, out, sizeof(out)), 1);
	assert_int_equal(h.type, XS_WATCH_EVENT);
	assert_memory_equal(out, "device/vif\0tok", 15);
	assert_int_equal(xs_guest_next(g, &h, out, sizeof(out)), 0);
}

/*
 * A domain that breaks its indexes loses its connection, told why on its
 * page; the other domain and dom0 carry on, and the domain stays introduced.
 */
static void test_broken_domain_alone(void **state)
{
	struct xs_world *w = *state;
	struct xs_daemon *d = w->d;
	struct xs_conn *c0 = w->c0;
	struct xs_guest *a = w->g[0], *b = w->g[1];
	char out[8192];

	xs_test_expect_ok(d, c0, XS_WATCH, 0, XS_TEST_ARGS("/local/domain/4\0w"));
	assert_int_equal(xs_guest_call(d, a, XS_WATCH, 0, XS_TEST_ARGS("x\0t"), out, NULL),
			 XS_WATCH);
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_WATCHES), 1);
	/* the request side: a producer more than a ring ahead */
	a->intf->req_prod = a->intf->req_cons + XENSTORE_RING_SIZE + 1;
	/* b sends in the same round */
	xs_guest_send(d, b, XS_WRITE, 5, 0, XS_TEST_ARGS("data\0v"));
	assert_int_equal(a->intf->error, XENSTORE_ERROR_RINGIDX);
	assert_int_equal(a->released, 1);
	assert_null(xs_guest_conn(d, a));
	assert_int_equal(xs_quota_used(&d->quota, 3, XS_Q_WATCHES), 0);
	assert_int_equal(xs_test_req(d, c0, XS_IS_DOMAIN_INTRODUCED, 0, XS_TEST_ARGS("3"), out),
			 XS_IS_DOMAIN_INTRODUCED);
	assert_string_equal(out, "T");
	xs_guest_take(b, XENSTORE_RING_SIZE);
	assert_int_equal(xs_guest_next(b, &(struct xsd_sockmsg){ 0 }, out, sizeof(out)), 1);
	assert_string_equal(out, "OK");
	assert_int_equal(xs_test_events(c0, NULL, 0), 2);
	assert_int_equal(b->intf->error, XENSTORE_ERROR_NONE);

	/* the reply side: a consumer ahead of the producer */
	assert_int_equal(xs_guest_call(d, b, XS_READ, 0, XS_TEST_ARGS("data"), out, NULL), XS_READ);
	b->intf->rsp_cons = b->intf->rsp_prod + 5;
	xs_guest_send(d, b, XS_READ, 6, 0, XS_TEST_ARGS("data"));
	assert_int_equal(b->intf->error, XENSTORE_ERROR_RINGIDX);
	assert_int_equal(b->released, 1);
	xs_test_write_str(d, c0, 0, "/local/domain/4/data", "w");
	assert_int_equal(xs_test_read_str(d, c0, 0, "/local/domain/4/data", out), XS_READ);
	assert_string_equal(out, "w");
}

/* A header that claims more than XENSTORE_PAYLOAD_MAX is a protocol error. */
static void test_oversized_payload(void **state)
{
	struct xs_daemon *d = xs_test_daemon();
	struct xs_guest *g = xs_guest_new(d, 3, 0);
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

	(void)state;
	xs_guest_restore(d, g);
	xs_guest_put(g, &h, sizeof(h));
	xs_test_round(d);
	assert_int_equal(g->intf->error, XENSTORE_ERROR_PROTO);
	assert_int_equal(g->released, 1);
	xs_test_daemon_free(d);
	xs_guest_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_bad_indexes),
		cmocka_unit_test(test_partial_header),
		cmocka_unit_test(test_message_bigger_than_ring),
		cmocka_unit_test(test_full_reply_ring),
		cmocka_unit_test_setup_teardown(test_watch_events, xs_world_setup, xs_world_teardown),
		cmocka_unit_test_setup_teardown(test_broken_domain_alone, xs_world_setup,
						xs_world_teardown),
		cmocka_unit_test(test_oversized_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
