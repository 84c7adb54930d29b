/*
 * xenconsoled's pure parts: copying through the console page (both
 * directions, wrap-around, free-running indexes that overflow, a guest
 * whose indexes claim more than a ring) and the output buffer that drops
 * the oldest bytes instead of stalling a guest.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cons_buf.h"
#include "cons_ring.h"

static struct xencons_interface page;

/* What a guest does: put bytes into out[] at out_prod. */
static void guest_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		page.out[(page.out_prod + i) & (XCS_RING_OUT_SIZE - 1)] = s[i];
	page.out_prod += (uint32_t)n;
}

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct xencons_interface, in), 0);
	assert_int_equal(offsetof(struct xencons_interface, out), 1024);
	assert_int_equal(offsetof(struct xencons_interface, in_cons), 3072);
	assert_int_equal(offsetof(struct xencons_interface, in_prod), 3076);
	assert_int_equal(offsetof(struct xencons_interface, out_cons), 3080);
	assert_int_equal(offsetof(struct xencons_interface, out_prod), 3084);
}

static void test_take_out_empty_and_simple(void **state)
{
	char buf[64];

	(void)state;
	memset(&page, 0, sizeof(page));
	assert_int_equal(xcs_ring_take_out(&page, buf, sizeof(buf)), 0);
	guest_write("hello", 5);
	assert_int_equal(xcs_ring_take_out(&page, buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(page.out_cons, 3);
	assert_int_equal(xcs_ring_take_out(&page, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "lo", 2);
	assert_int_equal(page.out_cons, page.out_prod);
}

/* Indexes start anywhere and wrap through 2^32; the bytes stay in order. */
static void test_take_out_wraps(void **state)
{
	char msg[XCS_RING_OUT_SIZE], buf[XCS_RING_OUT_SIZE];

	(void)state;
	memset(&page, 0, sizeof(page));
	page.out_cons = page.out_prod = UINT32_MAX - 100;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	guest_write(msg, sizeof(msg)); /* a full ring, across the array end and 2^32 */
	assert_true(page.out_prod < page.out_cons);
	assert_int_equal(xcs_ring_take_out(&page, buf, sizeof(buf)), sizeof(msg));
	assert_memory_equal(buf, msg, sizeof(msg));
	assert_int_equal(page.out_cons, page.out_prod);
}

static void test_take_out_broken_indexes(void **state)
{
	char buf[16];

	(void)state;
	memset(&page, 0, sizeof(page));
	page.out_prod = XCS_RING_OUT_SIZE + 1;
	assert_int_equal(xcs_ring_take_out(&page, buf, sizeof(buf)), -EIO);
	assert_int_equal(page.out_cons, 0); /* nothing consumed */
	page.out_cons = 10;
	page.out_prod = 5; /* producer behind the consumer */
	assert_int_equal(xcs_ring_take_out(&page, buf, sizeof(buf)), -EIO);
}

static void test_put_in_room_and_wrap(void **state)
{
	char data[XCS_RING_IN_SIZE + 10];

	(void)state;
	memset(&page, 0, sizeof(page));
	memset(data, 'x', sizeof(data));
	assert_int_equal(xcs_ring_in_room(&page), XCS_RING_IN_SIZE);
	assert_int_equal(xcs_ring_put_in(&page, "ls\n", 3), 3);
	assert_memory_equal(page.in, "ls\n", 3);
	assert_int_equal(page.in_prod, 3);
	/* Only the room left is taken. */
	assert_int_equal(xcs_ring_put_in(&page, data, sizeof(data)), XCS_RING_IN_SIZE - 3);
	assert_int_equal(xcs_ring_in_room(&page), 0);
	assert_int_equal(xcs_ring_put_in(&page, "y", 1), 0);
	/* The guest reads 5 bytes: 5 fit again, wrapping to in[0]. */
	page.in_cons += 5;
	assert_int_equal(xcs_ring_put_in(&page, "ABCDEFG", 7), 5);
	assert_memory_equal(page.in, "ABCDE", 5);
	assert_int_equal(page.in_prod, XCS_RING_IN_SIZE + 5);
}

static void test_put_in_broken_indexes(void **state)
{
	(void)state;
	memset(&page, 0, sizeof(page));
	page.in_cons = 100; /* consumer ahead of producer */
	assert_int_equal(xcs_ring_put_in(&page, "a", 1), -EIO);
	assert_int_equal(xcs_ring_in_room(&page), 0);
	assert_int_equal(page.in_prod, 0);
}

static void test_buf_keeps_newest(void **state)
{
	struct xcs_buf b;

	(void)state;
	assert_int_equal(xcs_buf_init(&b, 8), 0);
	xcs_buf_add(&b, "abcde", 5);
	assert_int_equal(b.len, 5);
	xcs_buf_add(&b, "fghij", 5); /* 10 > 8: "ab" dropped */
	assert_int_equal(b.len, 8);
	assert_int_equal(b.dropped, 2);
	assert_memory_equal(b.data, "cdefghij", 8);
	xcs_buf_consume(&b, 3);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "fghij", 5);
	xcs_buf_add(&b, "0123456789", 10); /* bigger than the limit by itself */
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "23456789", 8);
	assert_int_equal(b.dropped, 2 + 5 + 2);
	xcs_buf_consume(&b, 100);
	assert_int_equal(b.len, 0);
	xcs_buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_take_out_empty_and_simple),
		cmocka_unit_test(test_take_out_wraps),
		cmocka_unit_test(test_take_out_broken_indexes),
		cmocka_unit_test(test_put_in_room_and_wrap),
		cmocka_unit_test(test_put_in_broken_indexes),
		cmocka_unit_test(test_buf_keeps_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
