/*
 * Rate limits: a fresh limit allows its burst at once, then one unit per
 * interval; refusals use nothing and are counted; costs larger than the
 * burst never pass; idle time refills no more than the burst; huge clock
 * jumps do not overflow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tern/ratelimit.h>

#define SEC 1000000000ull

static const struct ratelimit_policy per_second_burst_5 = { SEC, 5 };

static void test_burst_then_one_per_interval(void **state)
{
	struct ratelimit rl = { 0 };
	uint64_t now = 100 * SEC;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_allow(&rl, &per_second_burst_5, 1, now));
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, now));
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, now + SEC - 1));
	assert_int_equal(ratelimit_take_suppressed(&rl), 2);
	assert_int_equal(ratelimit_take_suppressed(&rl), 0);
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 1, now + SEC));
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, now + SEC));
	/* 2.5 s later: two more units have been earned, not three. */
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 1, now + 3 * SEC + SEC / 2));
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 1, now + 3 * SEC + SEC / 2));
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, now + 3 * SEC + SEC / 2));
}

static void test_idle_refills_only_the_burst(void **state)
{
	struct ratelimit rl = { 0 };
	uint64_t now = SEC;
	int allowed = 0;

	(void)state;
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 5, now));
	now += 1000 * SEC;
	while (ratelimit_allow(&rl, &per_second_burst_5, 1, now))
		allowed++;
	assert_int_equal(allowed, 5);
}

static void test_costs(void **state)
{
	/* Bytes: 100 per second, 1000 at once. */
	const struct ratelimit_policy bytes = { SEC / 100, 1000 };
	struct ratelimit rl = { 0 };

	(void)state;
	assert_false(ratelimit_allow(&rl, &bytes, 1001, SEC)); /* never fits */
	assert_true(ratelimit_allow(&rl, &bytes, 600, SEC));
	assert_false(ratelimit_allow(&rl, &bytes, 500, SEC)); /* refused: uses nothing */
	assert_true(ratelimit_allow(&rl, &bytes, 400, SEC));
	assert_false(ratelimit_allow(&rl, &bytes, 100, SEC + SEC / 2));
	assert_true(ratelimit_allow(&rl, &bytes, 100, 2 * SEC));
	assert_int_equal(ratelimit_take_suppressed(&rl), 3);
	/* A zero cost always goes. */
	assert_true(ratelimit_allow(&rl, &bytes, 0, 2 * SEC));
}

static void test_clock_extremes(void **state)
{
	struct ratelimit rl = { 0 };

	(void)state;
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 1, 0));
	assert_true(ratelimit_allow(&rl, &per_second_burst_5, 5, UINT64_MAX - 10 * SEC));
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, UINT64_MAX - 10 * SEC));
	/* A clock that went backwards (another CPU's reading) owes, never gains. */
	assert_false(ratelimit_allow(&rl, &per_second_burst_5, 1, 5 * SEC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_one_per_interval),
		cmocka_unit_test(test_idle_refills_only_the_burst),
		cmocka_unit_test(test_costs),
		cmocka_unit_test(test_clock_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
