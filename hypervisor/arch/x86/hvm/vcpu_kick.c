/*
 * Telling a vCPU an event is pending. dom0, which owns its CPU's LAPIC, gets
 * a physical interrupt at its upcall vector: its interrupts are native (no
 * INTR intercept), so it reaches the guest's IDT directly, or waits in the
 * LAPIC while the CPU is in the hypervisor; with a per-vCPU upcall vector
 * Linux EOIs it itself. A domain without devices has no LAPIC to EOI: it gets
 * a virtual interrupt, injected before it next runs.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <public/hvm.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/vcpu_timer.h>
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
	/* dom0's vector, sent from wherever the event came from (a domU's CPU too). */
	if (v->pcpu == smp_processor_id())
		lapic_self_ipi(vector);
	else
		lapic_send_fixed(percpu[v->pcpu].apic_id, vector);
}

/* How long a STARTUP waits for an AP that just went offline to leave its pCPU. */
#define AP_LEAVE_WAIT_MS 1000

/* Waits until t is on no pCPU; false if it is still on one after the wait. */
static bool wait_off_cpu(struct vcpu *t)
{
	for (unsigned int ms = 0; __atomic_load_n(&t->running, __ATOMIC_ACQUIRE); ms++) {
		if (ms == AP_LEAVE_WAIT_MS)
			return false;
		mdelay(1);
	}
	return true;
}

/*
 * INIT then STARTUP wakes an AP that is offline (how Linux brings up a PVH
 * domU's other vCPUs, and brings one back after taking it offline): it
 * starts afresh in real mode at the STARTUP vector, with its local APIC's
 * registers reset (its mode stays, as after an INIT on hardware), no timers
 * and no runstate area. An AP that is online ignores both (Linux does not
 * reset running APs). One that has just gone offline may still be on its pCPU
 * for a moment (it leaves at its next exit): the STARTUP waits for that.
 */
static void vcpu_start_ap(struct vcpu *t, const struct vlapic_ipi *ipi)
{
	struct vcpu_start start = { .real_mode = true, .sipi_vector = ipi->vector };

	if (ipi->delivery == VLAPIC_INIT) {
		__atomic_store_n(&t->lapic.init_seen, true, __ATOMIC_RELEASE);
		return;
	}
	/* Linux sends STARTUP twice: only the first after INIT starts it. */
	if (!__atomic_exchange_n(&t->lapic.init_seen, false, __ATOMIC_ACQ_REL))
		return;
	if (!wait_off_cpu(t)) {
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
		case VLAPIC_STARTUP:
			if (t != src && !t->online)
				vcpu_start_ap(t, ipi);
			break;
		}
	}
}

void arch_kick_cpus(uint64_t mask)
{
	unsigned int self = smp_processor_id();

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
