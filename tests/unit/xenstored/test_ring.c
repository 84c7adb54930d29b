/* The ring page logic on a plain page, and a request served through it. */
#include "xs_test.h"

#include "ring.h"
#include "ringconn.h"

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

static int xs_ring_kicks;

static void xs_ring_kick(void *ctx)
{
	(void)ctx;
	xs_ring_kicks++;
}

static void test_request_over_ring(void **state)
{
	struct xenstore_domain_interface *intf = calloc(1, 4096);
	struct xs_ring_port port = { intf, xs_ring_kick, NULL, NULL };
	struct xs_daemon *d = xs_test_daemon();
	struct xsd_sockmsg h = { XS_GET_DOMAIN_PATH, 9, 0, 2 };
	struct xs_conn *c = xs_ringconn_new(&port, 3);
	char reply[64];

	(void)state;
	assert_non_null(c);
	assert_int_equal(intf->server_features & XENSTORE_SERVER_FEATURE_WATCHDEPTH,
			 XENSTORE_SERVER_FEATURE_WATCHDEPTH);
	xs_daemon_add_conn(d, c);
	memcpy(intf->req, &h, sizeof(h));
	memcpy(intf->req + sizeof(h), "3", 2);
	intf->req_prod = sizeof(h) + 2;
	xs_handle_input(d, c);
	assert_int_equal(xs_conn_flush(c), 0);
	assert_int_equal(intf->req_cons, sizeof(h) + 2);
	assert_int_equal(intf->rsp_prod, sizeof(h) + 16);
	memcpy(&h, intf->rsp, sizeof(h));
	memcpy(reply, intf->rsp + sizeof(h), h.len);
	assert_int_equal(h.type, XS_GET_DOMAIN_PATH);
	assert_int_equal(h.req_id, 9);
	assert_string_equal(reply, "/local/domain/3");
	assert_true(xs_ring_kicks >= 2);
	/* a broken index is reported on the page and ends the connection */
	intf->req_prod = intf->req_cons + 5000;
	xs_handle_input(d, c);
	assert_non_null(c->dead);
	assert_int_equal(intf->error, XENSTORE_ERROR_RINGIDX);
	xs_test_daemon_free(d);
	free(intf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_bad_indexes),
		cmocka_unit_test(test_request_over_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
