/*
 * vCPU timers: one-shot deadlines (past deadlines with and without
 * VCPU_SSHOTTMR_future), periodic timers that catch up on missed periods with
 * one event, the earliest deadline for arming hardware, and the periods Xen
 * refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tern/errno.h>
#include <tern/vcpu_timer.h>

static void test_singleshot(void **state)
{
	struct vcpu_timer t = { 0 };

	(void)state;
	assert_int_equal(vcpu_timer_set_singleshot(&t, 5000, true, 1000), 0);
	assert_int_equal(vcpu_timer_next(&t), 5000);
	assert_false(vcpu_timer_expire(&t, 4999));
	assert_true(vcpu_timer_expire(&t, 5000));
	assert_false(vcpu_timer_expire(&t, 9000)); /* fired once only */
	assert_int_equal(vcpu_timer_next(&t), 0);
	/* In the past: refused with "future", due at once without. */
	assert_int_equal(vcpu_timer_set_singleshot(&t, 500, true, 1000), -ETIME);
	assert_int_equal(vcpu_timer_next(&t), 0);
	assert_int_equal(vcpu_timer_set_singleshot(&t, 500, false, 1000), 0);
	assert_true(vcpu_timer_expire(&t, 1000));
	/* Stopped timers do not fire. */
	vcpu_timer_set_singleshot(&t, 2000, false, 1000);
	vcpu_timer_stop_singleshot(&t);
	assert_false(vcpu_timer_expire(&t, 3000));
	/* Deadline 0 is due, not "disarmed". */
	vcpu_timer_set_singleshot(&t, 0, false, 1000);
	assert_true(vcpu_timer_expire(&t, 1000));
}

static void test_periodic(void **state)
{
	struct vcpu_timer t = { 0 };

	(void)state;
	assert_int_equal(vcpu_timer_set_periodic(&t, 1000000, 0), 0);
	assert_false(vcpu_timer_expire(&t, 999999));
	assert_true(vcpu_timer_expire(&t, 1000000));
	assert_int_equal(vcpu_timer_next(&t), 2000000);
	/* Three periods missed: one event, next one in the future. */
	assert_true(vcpu_timer_expire(&t, 4500000));
	assert_false(vcpu_timer_expire(&t, 4500000));
	assert_int_equal(vcpu_timer_next(&t), 5000000);
	/* Earliest of both kinds. */
	vcpu_timer_set_singleshot(&t, 4700000, false, 4500000);
	assert_int_equal(vcpu_timer_next(&t), 4700000);
	vcpu_timer_stop_periodic(&t);
	assert_int_equal(vcpu_timer_next(&t), 4700000);
	assert_true(vcpu_timer_expire(&t, 4700000));
	assert_false(vcpu_timer_expire(&t, 99000000));
	assert_int_equal(vcpu_timer_next(&t), 0);
}

/*
 * The periods Xen takes (public/vcpu.h: "Periods smaller than one
 * millisecond may not be supported"; Xen refuses them, and any above its
 * STIME_DELTA_MAX, 2^62 - 1 ns, with -EINVAL): the bounds are accepted, the
 * values just outside refused, and a refusal leaves the running timer alone.
 */
static void test_periodic_bounds(void **state)
{
	static const uint64_t refused[] = { 0, 1, 999999, 1ull << 62, ~0ull };
	struct vcpu_timer t = { 0 };

	(void)state;
	assert_int_equal(vcpu_timer_set_periodic(&t, 1000000, 5000), 0);
	assert_int_equal(vcpu_timer_next(&t), 1005000);
	assert_int_equal(vcpu_timer_set_periodic(&t, (1ull << 62) - 1, 5000), 0);
	assert_int_equal(vcpu_timer_next(&t), (1ull << 62) - 1 + 5000);
	assert_int_equal(vcpu_timer_set_periodic(&t, 10000000, 5000), 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(vcpu_timer_set_periodic(&t, refused[i], 7000), -EINVAL);
		assert_int_equal(t.period, 10000000);
		assert_int_equal(vcpu_timer_next(&t), 10005000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_singleshot),
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_periodic_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
