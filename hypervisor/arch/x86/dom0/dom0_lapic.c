/*
 * dom0's writes to its LAPICs, carried out on the real one of the pCPU it
 * writes from. Everything passes but the interrupt command register, whose
 * IPIs may reach only dom0's own CPUs (lapic_guard.c): the other CPUs are
 * tern's; INIT and STARTUP to dom0's other CPUs start its vCPUs there
 * (vcpu_start.c); the ID register keeps the ID tern read at boot; and the
 * software-enable bit lets event upcalls reach the vCPU (vcpu_kick.c). The
 * page stays read-only (p2m_fix_page), so every write comes here.
 *
 * ICR_HIGH is kept here, not in the register: tern's own IPIs from dom0's
 * pCPU (an event-channel kick each) write it, and putting dom0's value back
 * after each would cost a LAPIC access per event (apic.c). It is written
 * just before dom0's IPI goes out; until then a read of ICR_HIGH (reads are
 * not intercepted) may show the destination of tern's last IPI.
 */
#include <asm/apic.h>
#include <asm/dom0.h>
#include <asm/io.h>
#include <asm/lapic_guard.h>
#include <asm/percpu.h>
#include <tern/console.h>

#define APIC_LDR 0xd0
#define ICR_LEVEL_TRIGGER (1u << 15)
#define REFUSED_REPORTS 8

paddr_t dom0_lapic_base;

/* The logical IDs dom0 wrote to its CPUs' LDRs (bits 24-31), by vCPU. */
static uint8_t logical_ids[TERN_MAX_VCPUS];
/* The ICR_HIGH each of dom0's vCPUs last wrote. */
static uint32_t icr_high_of[TERN_MAX_VCPUS];

/* INIT with the level-triggered bit and no assert: a de-assert, which
 * starts or resets nothing. */
static bool init_deassert(uint32_t icr_low)
{
	return (icr_low & (ICR_LEVEL_TRIGGER | APIC_ICR_LEVEL_ASSERT)) == ICR_LEVEL_TRIGGER;
}

static void start_vcpus(struct domain *d, const struct lapic_route *r)
{
	for (unsigned int i = 0; i < d->nr_vcpus && i < 64; i++) {
		if (!(r->targets >> i & 1))
			continue;
		if ((r->icr_low & ICR_DELIVERY_MASK) == ICR_DELIVERY_STARTUP)
			vcpu_startup_ipi(&d->vcpu[i], (uint8_t)(r->icr_low & ICR_VECTOR_MASK));
		else if (!init_deassert(r->icr_low))
			vcpu_init_ipi(&d->vcpu[i]);
	}
}

static void send_icr(struct vcpu *v, uint32_t icr_low, uint32_t icr_high)
{
	static unsigned int refused;
	struct lapic_identity cpus[TERN_MAX_VCPUS];
	struct lapic_guard_cpus guard = { v->domain->nr_vcpus, v->id, cpus };
	struct lapic_route r;

	for (unsigned int i = 0; i < guard.nr; i++)
		cpus[i] = (struct lapic_identity){ percpu[v->domain->vcpu[i].pcpu].apic_id,
						   __atomic_load_n(&logical_ids[i], __ATOMIC_RELAXED) };
	/* The writer's own LDR, as the real register has it. */
	cpus[v->id].logical_id = mmio_read32(dom0_lapic_base + APIC_LDR) >> 24;
	if (lapic_guard_route(icr_low, icr_high, &guard, &r) < 0) {
		if (__atomic_fetch_add(&refused, 1, __ATOMIC_RELAXED) < REFUSED_REPORTS)
			pr_warn("dom0: IPI to another CPU refused (ICR %08x:%08x)\n", icr_high, icr_low);
		return;
	}
	switch (r.kind) {
	case LAPIC_WRITE:
		mmio_write32(dom0_lapic_base + APIC_ICR_HIGH, icr_high);
		mmio_write32(dom0_lapic_base + APIC_ICR_LOW, r.icr_low);
		break;
	case LAPIC_EACH:
		for (unsigned int i = 0; i < guard.nr && i < 64; i++)
			if (r.targets >> i & 1)
				lapic_send_icr(cpus[i].apic_id, r.icr_low);
		break;
	case LAPIC_START:
		start_vcpus(v->domain, &r);
		break;
	}
}

void dom0_lapic_write(struct vcpu *v, unsigned int reg, uint32_t val)
{
	/* The ID stays the one tern knows dom0's CPU by (its IPIs, the guard). */
	if (reg == APIC_ID)
		return;
	if (reg == APIC_LDR)
		__atomic_store_n(&logical_ids[v->id], (uint8_t)(val >> 24), __ATOMIC_RELAXED);
	if (reg == APIC_ICR_HIGH) {
		icr_high_of[v->id] = val;
		return;
	}
	if (reg != APIC_ICR_LOW) {
		mmio_write32(dom0_lapic_base + reg, val);
		if (reg == APIC_SVR)
			vcpu_lapic_switched(v, val & APIC_SVR_ENABLE);
		return;
	}
	send_icr(v, val, icr_high_of[v->id]);
}
