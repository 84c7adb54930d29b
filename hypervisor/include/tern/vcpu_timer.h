/*
 * A vCPU's Xen timers (VCPUOP_set_singleshot_timer, set_periodic_timer):
 * deadlines in system time (ns). Pure logic: the caller supplies "now",
 * raises VIRQ_TIMER when vcpu_timer_expire() says so and arms a hardware
 * timer for vcpu_timer_next().
 */
#ifndef TERN_VCPU_TIMER_H
#define TERN_VCPU_TIMER_H

#include <tern/types.h>

/* The periods Xen's VCPUOP_set_periodic_timer takes: at least 1 ms and at
 * most 2^62 - 1 ns (its STIME_DELTA_MAX); others are -EINVAL. */
#define VCPU_TIMER_MIN_PERIOD_NS 1000000ull
#define VCPU_TIMER_MAX_PERIOD_NS ((1ull << 62) - 1)

struct vcpu_timer {
	uint64_t singleshot; /* deadline, 0: not armed */
	uint64_t period;     /* 0: no periodic timer */
	uint64_t periodic_next;
};

/* Arms the one-shot timer; future_only: -ETIME if the deadline has passed. */
int vcpu_timer_set_singleshot(struct vcpu_timer *t, uint64_t deadline, bool future_only,
			      uint64_t now);
void vcpu_timer_stop_singleshot(struct vcpu_timer *t);
/* Starts the periodic timer; a period out of range is -EINVAL and changes
 * nothing (0 included: stopping is vcpu_timer_stop_periodic). */
int vcpu_timer_set_periodic(struct vcpu_timer *t, uint64_t period, uint64_t now);
void vcpu_timer_stop_periodic(struct vcpu_timer *t);

/* Returns true if a timer fired by now (both disarm or move on as due); the
 * caller then raises one VIRQ_TIMER, however many periods were missed. */
bool vcpu_timer_expire(struct vcpu_timer *t, uint64_t now);

/* The earliest armed deadline, 0 if none. */
uint64_t vcpu_timer_next(const struct vcpu_timer *t);

#endif
