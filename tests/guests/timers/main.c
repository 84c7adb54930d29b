/*
 * timers: Xen time and the vCPU timers. Proves: vcpu_time_info in the
 * registered vcpu_info is published (even version, a TSC scale) and its
 * system time advances; a singleshot timer in the future raises VIRQ_TIMER
 * and wakes SCHEDOP_block, not before its deadline; one in the past is
 * refused with VCPU_SSHOTTMR_future; a periodic timer fires repeatedly and
 * stops when told.
 * Cannot tell: accuracy beyond "not early, not absurdly late", or the
 * wall clock. A timer that never fires hangs in SCHEDOP_block (the runner's
 * timeout reports it).
 */
#include "lib.h"

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "vCPU timers, VIRQ_TIMER, SCHEDOP_block, pvclock";

#define MS 1000000ull

static evtchn_port_t timer_port;

/* Blocks until the timer port has seen more than events events. */
static void block_for_timer(unsigned int events)
{
	for (int i = 0; i < 1000 && port_events[timer_port] <= events; i++) {
		irq_enable();
		long rc = sched_op(SCHEDOP_block, NULL);

		irq_disable();
		if (rc)
			return test_failure("SCHEDOP_block: %ld", rc);
	}
	if (port_events[timer_port] <= events)
		test_failure("1000 wake-ups from SCHEDOP_block without the timer event");
}

void test_main(void)
{
	long rc;

	if ((rc = events_map_shared_info()) || (rc = events_register_vcpu_info()) ||
	    (rc = events_set_upcall_vector()))
		return test_failure("event setup (shared_info, vcpu_info, upcall vector): %ld", rc);
	const volatile struct vcpu_time_info *t = &vcpu_info->time;
	/* Without a published clock the timers are still tried, with deadlines
	 * that are already due, so that every missing piece gets reported. */
	bool clock = !(t->version & 1) && t->version && t->tsc_to_system_mul;
	uint64_t published = t->system_time;

	printf("vcpu_time_info: version %u system_time %lu mul %u shift %d\n", t->version,
	       t->system_time, t->tsc_to_system_mul, t->tsc_shift);
	if (!clock)
		test_failure("vcpu_time_info not published: version %u mul %u", t->version,
			     t->tsc_to_system_mul);

	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	if ((rc = event_channel_op(EVTCHNOP_bind_virq, &bv)))
		return test_failure("bind_virq(VIRQ_TIMER): %ld", rc);
	timer_port = bv.port;

	struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future };

	if ((rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss)) != -ETIME)
		test_failure("singleshot timer in the past with _future: %ld, expected -ETIME", rc);

	unsigned int seen = port_events[timer_port];

	ss = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = 1 };
	if (clock)
		ss = (struct vcpu_set_singleshot_timer){
			.timeout_abs_ns = xen_system_time() + 20 * MS, .flags = VCPU_SSHOTTMR_future };
	if ((rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss))) {
		test_failure("set_singleshot_timer: %ld", rc);
	} else {
		block_for_timer(seen);
		uint64_t now = clock ? xen_system_time() : 0;

		printf("singleshot: woke %ld us after the deadline\n",
		       (long)(now - ss.timeout_abs_ns) / 1000);
		if (clock && now < ss.timeout_abs_ns)
			test_failure("singleshot fired %lu ns early", ss.timeout_abs_ns - now);
		/* Waking from a block republishes the time, as on Xen. */
		if (clock && (t->system_time <= published || (t->version & 1)))
			test_failure("vcpu_time_info not advanced by the wake-up: version %u "
				     "system_time %lu (was %lu)", t->version, t->system_time, published);
	}

	struct vcpu_set_periodic_timer pt = { .period_ns = 10 * MS };
	uint64_t start = clock ? xen_system_time() : 0;

	seen = port_events[timer_port];
	if ((rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &pt)))
		return test_failure("set_periodic_timer(10 ms): %ld", rc);
	for (int i = 0; i < 3 && !test_has_failed(); i++)
		block_for_timer(seen + i);
	if (clock) {
		uint64_t elapsed = xen_system_time() - start;

		printf("periodic: %u events in %lu us\n", port_events[timer_port] - seen,
		       elapsed / 1000);
		if (elapsed < 20 * MS)
			test_failure("3 periodic events of 10 ms in %lu us", elapsed / 1000);
	}
	if ((rc = vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL)))
		return test_failure("stop_periodic_timer: %ld", rc);
	if (!clock)
		return;

	/* Stopped: nothing for five periods. */
	seen = port_events[timer_port];
	start = xen_system_time();
	irq_enable();
	while (xen_system_time() - start < 50 * MS)
		cpu_relax();
	irq_disable();
	if (port_events[timer_port] > seen + 1) /* one may have been in flight */
		test_failure("%u timer events after stop_periodic_timer",
			     port_events[timer_port] - seen);
}
