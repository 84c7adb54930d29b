/*
 * Runstate accounting (common/runstate.c) on a made-up clock: each change
 * charges the time since the last one to the state left, reading adds the
 * present state's time so far without changing anything, a clock that went
 * back charges nothing, and the state follows a vCPU's flags. A vCPU that
 * shares its pCPU half the time shows half its time runnable (what a guest
 * counts as steal), and the four times always add up to the time elapsed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tern/domain.h>
#include <tern/runstate.h>

#define MS 1000000ull
#define T0 (5000 * MS) /* not at 0, as a vCPU created after boot */

static uint64_t total(const struct vcpu_runstate_info *rs)
{
	return rs->time[0] + rs->time[1] + rs->time[2] + rs->time[3];
}

static void test_new_vcpu_is_offline(void **state)
{
	struct vcpu_runstate_info rs;

	(void)state;
	memset(&rs, 0xa5, sizeof(rs));
	runstate_init(&rs, T0);
	assert_int_equal(rs.state, RUNSTATE_offline);
	assert_int_equal(rs.state_entry_time, T0);
	assert_int_equal(total(&rs), 0);
}

static void test_change_charges_the_state_left(void **state)
{
	struct vcpu_runstate_info rs;

	(void)state;
	runstate_init(&rs, T0);
	runstate_change(&rs, RUNSTATE_running, T0 + 7 * MS);
	assert_int_equal(rs.time[RUNSTATE_offline], 7 * MS);
	assert_int_equal(rs.state, RUNSTATE_running);
	assert_int_equal(rs.state_entry_time, T0 + 7 * MS);
	runstate_change(&rs, RUNSTATE_blocked, T0 + 37 * MS);
	assert_int_equal(rs.time[RUNSTATE_running], 30 * MS);
	runstate_change(&rs, RUNSTATE_runnable, T0 + 40 * MS);
	assert_int_equal(rs.time[RUNSTATE_blocked], 3 * MS);
	runstate_change(&rs, RUNSTATE_running, T0 + 41 * MS);
	assert_int_equal(rs.time[RUNSTATE_runnable], 1 * MS);
	assert_int_equal(total(&rs), 41 * MS);
}

static void test_same_state_changes_nothing(void **state)
{
	struct vcpu_runstate_info rs;

	(void)state;
	runstate_init(&rs, T0);
	runstate_change(&rs, RUNSTATE_running, T0 + MS);
	runstate_change(&rs, RUNSTATE_running, T0 + 9 * MS);
	/* Still running since T0 + 1 ms: nothing charged yet. */
	assert_int_equal(rs.state_entry_time, T0 + MS);
	assert_int_equal(rs.time[RUNSTATE_running], 0);
	runstate_change(&rs, RUNSTATE_runnable, T0 + 11 * MS);
	assert_int_equal(rs.time[RUNSTATE_running], 10 * MS);
}

static void test_clock_going_back_charges_nothing(void **state)
{
	struct vcpu_runstate_info rs, now;

	(void)state;
	runstate_init(&rs, T0);
	runstate_change(&rs, RUNSTATE_running, T0 + 10 * MS);
	/* Another CPU's clock a little behind: the state changes, no time moves. */
	runstate_change(&rs, RUNSTATE_blocked, T0 + 9 * MS);
	assert_int_equal(rs.state, RUNSTATE_blocked);
	assert_int_equal(rs.state_entry_time, T0 + 10 * MS);
	assert_int_equal(rs.time[RUNSTATE_running], 0);
	runstate_read(&rs, T0 + 5 * MS, &now);
	assert_int_equal(total(&now), 10 * MS);
}

static void test_read_adds_the_time_so_far(void **state)
{
	struct vcpu_runstate_info rs, now, before;

	(void)state;
	runstate_init(&rs, T0);
	runstate_change(&rs, RUNSTATE_running, T0 + 2 * MS);
	before = rs;
	runstate_read(&rs, T0 + 12 * MS, &now);
	assert_memory_equal(&rs, &before, sizeof(rs));
	assert_int_equal(now.state, RUNSTATE_running);
	assert_int_equal(now.state_entry_time, T0 + 2 * MS);
	assert_int_equal(now.time[RUNSTATE_running], 10 * MS);
	assert_int_equal(now.time[RUNSTATE_offline], 2 * MS);
}

/* Two CPU-bound vCPUs taking turns on one pCPU for 30 ms slices: each is
 * runnable while the other runs, then one blocks and the other runs alone. */
static void test_shared_pcpu_shows_as_runnable(void **state)
{
	struct vcpu_runstate_info a, b;
	uint64_t t = T0;

	(void)state;
	runstate_init(&a, t);
	runstate_init(&b, t);
	runstate_change(&a, RUNSTATE_running, t);
	runstate_change(&b, RUNSTATE_runnable, t);
	for (int i = 0; i < 100; i++) {
		t += 30 * MS;
		runstate_change(i % 2 ? &b : &a, RUNSTATE_runnable, t);
		runstate_change(i % 2 ? &a : &b, RUNSTATE_running, t);
	}
	assert_int_equal(a.time[RUNSTATE_running], 1500 * MS);
	assert_int_equal(a.time[RUNSTATE_runnable], 1500 * MS);
	assert_int_equal(b.time[RUNSTATE_running], 1500 * MS);
	assert_int_equal(b.time[RUNSTATE_runnable], 1500 * MS);
	/* b blocks for good; a runs alone and stops gaining runnable time. */
	runstate_change(&b, RUNSTATE_blocked, t);
	runstate_change(&a, RUNSTATE_running, t);
	t += 1000 * MS;
	runstate_read(&a, t, &a);
	assert_int_equal(a.time[RUNSTATE_runnable], 1500 * MS);
	assert_int_equal(a.time[RUNSTATE_running], 2500 * MS);
	assert_int_equal(total(&a), t - T0);
	runstate_read(&b, t, &b);
	assert_int_equal(b.time[RUNSTATE_blocked], 1000 * MS);
	assert_int_equal(total(&b), t - T0);
}

static void test_state_follows_the_flags(void **state)
{
	struct domain d;
	struct vcpu *v = &d.vcpu[0];

	(void)state;
	memset(&d, 0, sizeof(d));
	d.nr_vcpus = 1;
	v->domain = &d;
	assert_int_equal(runstate_of(v), RUNSTATE_offline); /* not started */
	v->online = true;
	assert_int_equal(runstate_of(v), RUNSTATE_runnable);
	v->blocked = true;
	assert_int_equal(runstate_of(v), RUNSTATE_blocked);
	v->blocked = false;
	v->running = true;
	assert_int_equal(runstate_of(v), RUNSTATE_running);
	/* Running wins until its pCPU lets it go, whatever else changed. */
	v->blocked = true;
	d.paused = true;
	assert_int_equal(runstate_of(v), RUNSTATE_running);
	v->running = false;
	assert_int_equal(runstate_of(v), RUNSTATE_offline);
	d.paused = false;
	assert_int_equal(runstate_of(v), RUNSTATE_blocked);
	v->blocked = false;
	d.shutdown = true;
	assert_int_equal(runstate_of(v), RUNSTATE_offline);
	d.shutdown = false;
	d.dying = true;
	assert_int_equal(runstate_of(v), RUNSTATE_offline);
	d.dying = false;
	v->online = false; /* HLT with interrupts off: gone offline */
	assert_int_equal(runstate_of(v), RUNSTATE_offline);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_vcpu_is_offline),
		cmocka_unit_test(test_change_charges_the_state_left),
		cmocka_unit_test(test_same_state_changes_nothing),
		cmocka_unit_test(test_clock_going_back_charges_nothing),
		cmocka_unit_test(test_read_adds_the_time_so_far),
		cmocka_unit_test(test_shared_pcpu_shows_as_runnable),
		cmocka_unit_test(test_state_follows_the_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
