/*
 * dom0's writes to its LAPIC, carried out on the real one. Everything passes
 * but the interrupt command register, whose IPIs may reach only dom0's own
 * CPU (lapic_guard.c): the other CPUs are tern's; and the ID register, which
 * keeps the ID tern read at boot. The page stays read-only (p2m_fix_page),
 * so every write comes here.
 */
#include <asm/apic.h>
#include <asm/dom0.h>
#include <asm/io.h>
#include <asm/lapic_guard.h>
#include <asm/percpu.h>
#include <tern/console.h>

#define APIC_LDR 0xd0
#define REFUSED_REPORTS 8

paddr_t dom0_lapic_base;

void dom0_lapic_write(unsigned int reg, uint32_t val)
{
	static unsigned int refused;
	struct lapic_identity self;
	int64_t icr;

	/* The ID stays the one tern knows dom0's CPU by (its IPIs, the guard). */
	if (reg == APIC_ID)
		return;
	if (reg != APIC_ICR_LOW) {
		mmio_write32(dom0_lapic_base + reg, val);
		return;
	}
	self.apic_id = percpu[0].apic_id;
	self.logical_id = mmio_read32(dom0_lapic_base + APIC_LDR) >> 24;
	icr = lapic_guard_icr(val, mmio_read32(dom0_lapic_base + APIC_ICR_HIGH), &self);
	if (icr < 0) {
		if (refused++ < REFUSED_REPORTS)
			pr_warn("dom0: IPI to another CPU refused (ICR %08x:%08x)\n",
				mmio_read32(dom0_lapic_base + APIC_ICR_HIGH), val);
		return;
	}
	mmio_write32(dom0_lapic_base + APIC_ICR_LOW, (uint32_t)icr);
}
