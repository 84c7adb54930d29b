/*
 * Telling a vCPU an event is pending. dom0, which owns its CPU's LAPIC, gets
 * a physical interrupt at its upcall vector: its interrupts are native (no
 * INTR intercept), so it reaches the guest's IDT directly, or waits in the
 * LAPIC while the CPU is in the hypervisor; with a per-vCPU upcall vector
 * Linux EOIs it itself. A domain without devices has no LAPIC to EOI: it gets
 * a virtual interrupt, injected before it next runs. Also here: the IPIs a
 * domU's vCPUs send each other (INIT and STARTUP go on to vcpu_start.c),
 * kicks between tern's pCPUs and their idle.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <public/hvm.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/sched.h>

#define CALLBACK_VIA_TYPE_MASK 0xffull

uint8_t vcpu_upcall_vector(const struct vcpu *v)
{
	uint64_t via = v->domain->hvm_params[HVM_PARAM_CALLBACK_IRQ];

	if (v->upcall_vector)
		return v->upcall_vector;
	/* The global callback, for a guest that set no per-vCPU vector. */
	if ((via >> HVM_PARAM_CALLBACK_TYPE_SHIFT) == HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return (uint8_t)(via & CALLBACK_VIA_TYPE_MASK);
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	uint8_t vector = vcpu_upcall_vector(v);

	if (!vector)
		return;
	if (!v->domain->passthrough) {
		__atomic_store_n(&v->upcall_to_inject, true, __ATOMIC_SEQ_CST);
		/* A domU may be blocked, or running on another CPU right now. */
		if (!v->domain->is_privileged)
			sched_wake(v);
		return;
	}
	/*
	 * Not before the vCPU has software-enabled its LAPIC, as Xen does: a
	 * disabled LAPIC takes no interrupt. Until dom0 starts the vCPU its
	 * pCPU waits halted in tern, where the vector would be tern's; after
	 * the start, Linux counts an interrupt already waiting when it sets up
	 * the LAPIC as stale. vcpu_lapic_switched() raises it later.
	 */
	if (!__atomic_load_n(&v->lapic_on, __ATOMIC_SEQ_CST))
		return;
	/* dom0's vector, sent from wherever the event came from (a domU's CPU too). */
	if (v->pcpu == smp_processor_id())
		lapic_self_ipi(vector);
	else
		lapic_send_fixed(percpu[v->pcpu].apic_id, vector);
}

void vcpu_lapic_switched(struct vcpu *v, bool on)
{
	uint8_t vector = vcpu_upcall_vector(v);

	/* Set first, then look: a kick in between sees it on, or leaves the
	 * pending flag for this look to find. */
	__atomic_store_n(&v->lapic_on, on, __ATOMIC_SEQ_CST);
	if (on && vector && v->vcpu_info &&
	    __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
		lapic_self_ipi(vector);
}

void vcpu_send_ipi(struct vcpu *src, const struct vlapic_ipi *ipi)
{
	struct domain *d = src->domain;

	if (ipi->delivery != VLAPIC_FIXED && ipi->delivery != VLAPIC_INIT &&
	    ipi->delivery != VLAPIC_STARTUP) {
		/* NMIs (Linux's stop/backtrace IPIs) are not delivered. A guest can
		 * write the ICR in a loop: one line per IPI, rate-limited. */
		if (domain_log_allowed(d))
			pr_warn("d%uv%u: local APIC delivery mode %u is not supported\n", d->id,
				src->id, ipi->delivery);
		return;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = &d->vcpu[i];

		if (!vlapic_ipi_targets(ipi, src->lapic.id, &t->lapic))
			continue;
		switch (ipi->delivery) {
		case VLAPIC_FIXED:
			if (!t->online)
				break;
			vlapic_set_irr(&t->lapic, ipi->vector);
			if (t != src)
				sched_wake(t);
			break;
		case VLAPIC_INIT:
			if (t != src && !t->online)
				vcpu_init_ipi(t);
			break;
		case VLAPIC_STARTUP:
			if (t != src && !t->online)
				vcpu_startup_ipi(t, ipi->vector);
			break;
		}
	}
}

void arch_kick_cpus(uint64_t mask)
{
	unsigned int self = smp_processor_id();

	/* Never dom0's pCPUs: the kick would land in dom0's IDT. */
	mask &= arch_domu_cpus();
	for (unsigned int cpu = 1; cpu < nr_cpus_online && cpu < 64; cpu++)
		if (mask & (1ull << cpu) && cpu != self)
			lapic_send_fixed(percpu[cpu].apic_id, KICK_VECTOR);
}

void arch_idle(uint64_t ns)
{
	if (ns)
		lapic_timer_oneshot(ns);
	else
		lapic_timer_stop();
	/* Any interrupt (a kick, the timer) ends the HLT; traps.c acknowledges it. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}
