/*
 * Time for vCPUs that do not own their CPU's LAPIC: Xen's pvclock in their
 * vcpu_info, and their VCPUOP timers driven by the hypervisor's LAPIC timer.
 * (dom0 owns its LAPIC and keeps its native clock and timers.)
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/time.h>
#include <asm/x86-defs.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tern/arch.h>
#include <tern/domain.h>
#include <tern/evtchn.h>

/* ns = ((tsc delta << shift) * mul) >> 32, computed once from tsc_khz. */
static uint32_t pvclock_mul;
static int8_t pvclock_shift;

static void pvclock_scale(void)
{
	uint64_t num = 1000000ull << 32; /* ns per kHz-tick, in 32.32 fixed point */
	int8_t shift = 0;

	while (num / tsc_khz >= (1ull << 32)) {
		shift++;
		num >>= 1;
	}
	pvclock_mul = (uint32_t)(num / tsc_khz);
	pvclock_shift = shift;
}

void vcpu_time_update(struct vcpu *v)
{
	volatile struct vcpu_time_info *t;

	if (!v->vcpu_info || !tsc_khz)
		return;
	if (!pvclock_mul)
		pvclock_scale();
	t = &v->vcpu_info->time;
	/* Odd while changing: the guest retries a read that saw it odd or changed. */
	t->version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = rdtsc();
	t->system_time = system_time_ns();
	t->tsc_to_system_mul = pvclock_mul;
	t->tsc_shift = pvclock_shift;
	t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->version++;
}

void vcpu_timer_poll(struct vcpu *v)
{
	if (vcpu_timer_expire(&v->timer, system_time_ns())) {
		vcpu_time_update(v);
		evtchn_send_virq(v->domain, VIRQ_TIMER, v->id);
	}
}

void vcpu_timer_arm(struct vcpu *v, uint64_t limit)
{
	uint64_t next = vcpu_timer_next(&v->timer);

	if (limit && (!next || limit < next))
		next = limit;
	if (!next)
		lapic_timer_stop();
	else
		lapic_timer_at(next);
}

static bool vcpu_event_pending(const struct vcpu *v)
{
	return (v->vcpu_info && __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending,
						__ATOMIC_SEQ_CST)) ||
	       __atomic_load_n(&v->upcall_to_inject, __ATOMIC_SEQ_CST) ||
	       vlapic_irr_pending(&v->lapic) || hvm->interrupt_waiting(v);
}

bool vcpu_events_need_delivery(const struct vcpu *v)
{
	struct hvm_access_state s;

	hvm->access_state(v, &s);
	return (s.rflags & X86_EFLAGS_IF) && vcpu_event_pending(v);
}

void vcpu_block(struct vcpu *v)
{
	vcpu_timer_poll(v);
	/* A scheduled vCPU gives its CPU up; an event or its timer wakes it. */
	if (!v->domain->is_privileged) {
		/*
		 * Block first, then look for an event: a waker marks the event
		 * before it unblocks, so one of the two sees the other (looking
		 * first could miss an event sent in between, and sleep on it).
		 */
		__atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
		if (vcpu_event_pending(v))
			__atomic_store_n(&v->blocked, false, __ATOMIC_RELEASE);
		return;
	}
	if (vcpu_event_pending(v))
		return;
	/* Nothing could wake a vCPU without a timer: return rather than hang. */
	if (!vcpu_timer_next(&v->timer))
		return;
	vcpu_timer_arm(v, 0);
	/* The timer interrupt (traps.c) ends the HLT; nothing else is waited for. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
	vcpu_timer_poll(v);
}

void vcpu_halt(struct vcpu *v, bool interrupts_on)
{
	struct domain *d = v->domain;
	bool any_online = false;

	/* STI; HLT with an interrupt already waiting (the STI shadow held it
	 * back) blocks nothing: vcpu_block sees it, as a CPU's HLT would. */
	if (interrupts_on) {
		vcpu_block(v);
		return;
	}
	/* HLT with interrupts off ends the vCPU; the last one ends the domain
	 * (how a PVH guest without ACPI powers off, as on Xen). */
	v->online = false;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		any_online |= d->vcpu[i].online;
	if (!any_online)
		domain_shutdown(d, SHUTDOWN_poweroff);
}
