/*
 * Starting a vCPU with INIT and STARTUP, as Linux starts its other CPUs:
 * a domU's (its virtual LAPIC's IPIs, vcpu_kick.c) and dom0's (its real
 * LAPIC's ICR writes, caught by the LAPIC guard, dom0/dom0_lapic.c). The
 * real CPUs already run tern: the start is emulated.
 */
#include <asm/hvm.h>
#include <asm/dom0.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/domain_destroy.h>
#include <tern/sched.h>

/* How long a STARTUP waits for an AP that just went offline to leave its pCPU. */
#define AP_LEAVE_WAIT_MS 1000

/*
 * A domU's AP that is offline starts afresh in real mode at the STARTUP
 * vector, with its local APIC's registers reset (its mode stays, as after an
 * INIT on hardware), no timers and no runstate area. One that has just gone
 * offline may still be on its pCPU for a moment (it leaves at its next
 * exit): the STARTUP kicks it off and waits for that.
 */
static void domu_start_ap(struct vcpu *t, uint8_t vector)
{
	struct vcpu_start start = { .real_mode = true, .sipi_vector = vector };

	if (!domain_stop_vcpus(t->domain, 1ull << t->id, AP_LEAVE_WAIT_MS)) {
		if (domain_log_allowed(t->domain))
			pr_warn("d%uv%u: STARTUP ignored: the vCPU did not leave its pCPU\n",
				t->domain->id, t->id);
		return;
	}
	if (hvm->vcpu_init(t, &start)) {
		if (domain_log_allowed(t->domain))
			pr_err("d%uv%u: no memory to start this vCPU\n", t->domain->id, t->id);
		return;
	}
	vlapic_init_signal(&t->lapic); /* INIT keeps APIC_BASE: the mode stays */
	/* Its runstate area's address means nothing until it pages again (it
	 * registers it anew): written now, with paging off, it would land at
	 * the address's low 32 bits. */
	t->runstate_gva = 0;
	vcpu_timer_stop_singleshot(&t->timer);
	vcpu_timer_stop_periodic(&t->timer);
	t->poll_deadline = 0;
	__atomic_store_n(&t->polling, false, __ATOMIC_RELEASE);
	__atomic_store_n(&t->blocked, false, __ATOMIC_RELEASE);
	__atomic_store_n(&t->online, true, __ATOMIC_RELEASE);
	sched_wake(t);
}

void vcpu_init_ipi(struct vcpu *t)
{
	__atomic_store_n(&t->lapic.init_seen, true, __ATOMIC_RELEASE);
}

void vcpu_startup_ipi(struct vcpu *t, uint8_t vector)
{
	/* Linux sends STARTUP twice: only the first after INIT starts it. */
	if (!__atomic_exchange_n(&t->lapic.init_seen, false, __ATOMIC_ACQ_REL))
		return;
	if (t->domain->passthrough)
		dom0_cpu_start(t, vector);
	else
		domu_start_ap(t, vector);
}
