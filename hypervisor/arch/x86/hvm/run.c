/* The run loops around a vendor's trip into the guest, the same for both. */
#include <asm/cpu_state.h>
#include <tern/arch.h>
#include <tern/domain.h>

void hvm_run_forever(struct vcpu *v, hvm_enter_fn enter)
{
	/* dom0 has its CPU to itself: its state stays in the registers. */
	cpu_state_load(v);
	for (;;)
		enter(v, 0);
}

void hvm_run_slice(struct vcpu *v, uint64_t deadline, hvm_enter_fn enter)
{
	const struct domain *d = v->domain;

	v->yielded = false;
	cpu_state_load(v);
	/* The slice's end or a guest timer, whichever comes first, ends a trip. */
	while (!d->paused && !d->shutdown && !d->dying && v->online && !v->blocked &&
	       !v->yielded && system_time_ns() < deadline)
		enter(v, deadline);
}
