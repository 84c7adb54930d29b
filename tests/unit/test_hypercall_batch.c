/*
 * Continuation bookkeeping: a batch is cut into steps whose addresses and
 * counts add up to the whole, an array that would wrap around the address
 * space is refused before anything runs, and memory_op resume points go in
 * and out of the command's upper bits, refused where a 32-bit register
 * could not carry them back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <public/memory.h>
#include <tern/errno.h>
#include <tern/hypercall_batch.h>

static void test_steps_add_up(void **state)
{
	struct batch_step s;
	uint64_t addr = 0x10000, count = 100, runs = 0, done = 0;

	(void)state;
	while (count) {
		assert_int_equal(batch_step(addr, count, 24, 32, &s), 0);
		assert_true(s.n > 0 && s.n <= 32);
		assert_int_equal(s.next_addr, addr + s.n * 24);
		assert_int_equal(s.left, count - s.n);
		done += s.n;
		addr = s.next_addr;
		count = s.left;
		runs++;
	}
	assert_int_equal(done, 100);
	assert_int_equal(runs, 4); /* 32 + 32 + 32 + 4 */
	assert_int_equal(batch_step(0x10000, 0, 24, 32, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.left, 0);
}

static void test_wrapping_arrays_are_refused(void **state)
{
	struct batch_step s;

	(void)state;
	assert_int_equal(batch_step(UINT64_MAX - 100, 10, 24, 32, &s), -EFAULT);
	assert_int_equal(s.n, 0);
	assert_int_equal(batch_step(0x1000, UINT64_MAX / 8, 24, 32, &s), -EFAULT);
	/* Up to the very top is fine. */
	assert_int_equal(batch_step(UINT64_MAX - 240, 10, 24, 32, &s), 0);
	assert_int_equal(s.n, 10);
}

static void test_memop_resume_points(void **state)
{
	uint64_t cmd;

	(void)state;
	cmd = memop_resume_cmd(XENMEM_populate_physmap, 4096);
	assert_int_equal(cmd & MEMOP_CMD_MASK, XENMEM_populate_physmap);
	assert_int_equal(memop_resume_point(cmd), 4096);
	assert_int_equal(memop_resume_point(XENMEM_add_to_physmap_batch), 0);
	/* A 32-bit guest's cmd holds resume points below 2^26. */
	assert_true(memop_batch_fits((1ull << 26) - 1, UINT32_MAX));
	assert_false(memop_batch_fits(1ull << 26, UINT32_MAX));
	assert_true(memop_batch_fits((1ull << 58) - 1, UINT64_MAX));
	assert_false(memop_batch_fits(1ull << 58, UINT64_MAX));
	/* The largest resume point survives the trip through a 32-bit register. */
	cmd = memop_resume_cmd(XENMEM_populate_physmap, (1ull << 26) - 1);
	assert_true(cmd <= UINT32_MAX);
	assert_int_equal(memop_resume_point(cmd & UINT32_MAX), (1ull << 26) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_add_up),
		cmocka_unit_test(test_wrapping_arrays_are_refused),
		cmocka_unit_test(test_memop_resume_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
