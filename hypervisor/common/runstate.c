/* Runstate accounting; the rules are in tern/runstate.h. */
#include <tern/domain.h>
#include <tern/runstate.h>

void runstate_init(struct vcpu_runstate_info *rs, uint64_t now)
{
	*rs = (struct vcpu_runstate_info){ .state = RUNSTATE_offline, .state_entry_time = now };
}

int runstate_of(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	if (v->running)
		return RUNSTATE_running;
	if (!v->online || d->paused || d->shutdown || d->dying)
		return RUNSTATE_offline;
	return v->blocked ? RUNSTATE_blocked : RUNSTATE_runnable;
}

void runstate_change(struct vcpu_runstate_info *rs, int state, uint64_t now)
{
	if (state == rs->state)
		return;
	if (now > rs->state_entry_time) {
		rs->time[rs->state] += now - rs->state_entry_time;
		rs->state_entry_time = now;
	}
	rs->state = state;
}

void runstate_read(const struct vcpu_runstate_info *rs, uint64_t now,
		   struct vcpu_runstate_info *out)
{
	*out = *rs;
	if (now > rs->state_entry_time)
		out->time[rs->state] += now - rs->state_entry_time;
}
