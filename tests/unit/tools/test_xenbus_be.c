/* The backend handshake's decisions (tools/lib/xenbus_be.c, xbe_decide). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xenbus_be.h"

static enum xbe_action decide(enum xenbus_state be, enum xenbus_state fe, int fe_gone,
			      int online, int hotplug_ok, int failed)
{
	struct xbe_view v = { be, fe, fe_gone, online, hotplug_ok, failed };

	return xbe_decide(&v);
}

static void test_connects_when_frontend_and_hotplug_are_ready(void **state)
{
	(void)state;
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateInitialised, 0, 1, 1, 0), XBE_CONNECT);
	/* netfront skips Initialised. */
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateConnected, 0, 1, 1, 0), XBE_CONNECT);
	/* Not before the hotplug script has done its part. */
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateInitialised, 0, 1, 0, 0), XBE_NOTHING);
	/* Not while the toolstack takes the device away. */
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateInitialised, 0, 0, 1, 0), XBE_NOTHING);
	assert_int_equal(decide(XenbusStateConnected, XenbusStateConnected, 0, 1, 1, 0), XBE_NOTHING);
	/* The frontend is not ready yet. */
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateInitialising, 0, 1, 1, 0), XBE_NOTHING);
}

static void test_closes_with_the_frontend(void **state)
{
	(void)state;
	assert_int_equal(decide(XenbusStateConnected, XenbusStateClosing, 0, 1, 1, 0), XBE_CLOSING);
	assert_int_equal(decide(XenbusStateClosing, XenbusStateClosing, 0, 1, 1, 0), XBE_NOTHING);
	assert_int_equal(decide(XenbusStateClosing, XenbusStateClosed, 0, 1, 1, 0), XBE_CLOSE);
	assert_int_equal(decide(XenbusStateConnected, XenbusStateClosed, 0, 1, 1, 0), XBE_CLOSE);
	assert_int_equal(decide(XenbusStateClosed, XenbusStateClosed, 0, 1, 1, 0), XBE_NOTHING);
	/* A destroyed guest leaves no frontend: close whatever we were. */
	assert_int_equal(decide(XenbusStateConnected, XenbusStateUnknown, 1, 1, 1, 0), XBE_CLOSE);
	assert_int_equal(decide(XenbusStateInitWait, XenbusStateUnknown, 1, 0, 0, 0), XBE_CLOSE);
	/* A failed device still closes when the frontend goes. */
	assert_int_equal(decide(XenbusStateClosing, XenbusStateClosed, 0, 1, 1, 1), XBE_CLOSE);
	assert_int_equal(decide(XenbusStateClosing, XenbusStateInitialised, 0, 1, 1, 1), XBE_NOTHING);
}

static void test_toolstack_close_of_an_unconnected_device(void **state)
{
	(void)state;
	/* xl wrote Closing; the frontend never came (no driver, paused guest). */
	assert_int_equal(decide(XenbusStateClosing, XenbusStateInitialising, 0, 0, 1, 0), XBE_CLOSE);
	/* ...but a connected frontend is asked first: we wait for its Closed. */
	assert_int_equal(decide(XenbusStateClosing, XenbusStateConnected, 0, 0, 1, 0), XBE_NOTHING);
}

static void test_reconnects_after_a_guest_reboot(void **state)
{
	(void)state;
	assert_int_equal(decide(XenbusStateClosed, XenbusStateInitialising, 0, 1, 1, 0), XBE_REINIT);
	/* Not for a device being removed. */
	assert_int_equal(decide(XenbusStateClosed, XenbusStateInitialising, 0, 0, 1, 0), XBE_NOTHING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connects_when_frontend_and_hotplug_are_ready),
		cmocka_unit_test(test_closes_with_the_frontend),
		cmocka_unit_test(test_toolstack_close_of_an_unconnected_device),
		cmocka_unit_test(test_reconnects_after_a_guest_reboot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
