/* vCPU timers (pure: tested on the host). */
#include <tern/errno.h>
#include <tern/vcpu_timer.h>

int vcpu_timer_set_singleshot(struct vcpu_timer *t, uint64_t deadline, bool future_only,
			      uint64_t now)
{
	if (future_only && deadline < now)
		return -ETIME;
	/* 0 means "not armed": a deadline at time 0 is already due. */
	t->singleshot = deadline ? deadline : 1;
	return 0;
}

void vcpu_timer_stop_singleshot(struct vcpu_timer *t)
{
	t->singleshot = 0;
}

int vcpu_timer_set_periodic(struct vcpu_timer *t, uint64_t period, uint64_t now)
{
	if (period < VCPU_TIMER_MIN_PERIOD_NS || period > VCPU_TIMER_MAX_PERIOD_NS)
		return -EINVAL;
	t->period = period;
	t->periodic_next = now + period;
	return 0;
}

void vcpu_timer_stop_periodic(struct vcpu_timer *t)
{
	t->period = 0;
	t->periodic_next = 0;
}

bool vcpu_timer_expire(struct vcpu_timer *t, uint64_t now)
{
	bool fired = false;

	if (t->singleshot && t->singleshot <= now) {
		t->singleshot = 0;
		fired = true;
	}
	if (t->period && t->periodic_next <= now) {
		/* Missed periods collapse into one event, as Xen's do. */
		uint64_t missed = (now - t->periodic_next) / t->period + 1;

		t->periodic_next += missed * t->period;
		fired = true;
	}
	return fired;
}

uint64_t vcpu_timer_next(const struct vcpu_timer *t)
{
	uint64_t next = t->singleshot;

	if (t->period && (!next || t->periodic_next < next))
		next = t->periodic_next;
	return next;
}
