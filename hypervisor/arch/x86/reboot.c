/* Resetting or stopping the machine. */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <tern/arch.h>
#include <tern/sched.h>

#define RESET_CONTROL 0xcf9   /* PCI reset control register (chipset) */
#define RESET_CPU_HARD 0x06
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe

void machine_restart(void)
{
	static const struct desc_ptr no_idt = { 0, 0 };

	irq_disable();
	outb(RESET_CONTROL, 0x02);
	outb(RESET_CONTROL, RESET_CPU_HARD);
	mdelay(50);
	outb(KBC_COMMAND, KBC_PULSE_RESET);
	mdelay(50);
	/* Last resort: a triple fault resets the CPU. */
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	cpu_halt_forever();
}

static bool halting;

bool machine_halting(void)
{
	return __atomic_load_n(&halting, __ATOMIC_ACQUIRE);
}

/*
 * As Xen does, every CPU stops, so no domU runs on with nobody to manage it:
 * the others are kicked and halt in the kick's handler (traps.c). dom0's
 * pCPUs take no kicks (an interrupt there is dom0's): they get an NMI,
 * which tern intercepts, and halt when they look for it (nmi.c). One of
 * them is the one halting when dom0 ends.
 */
void machine_halt(void)
{
	uint64_t dom0_cpus = ~arch_domu_cpus();
	unsigned int self = smp_processor_id();

	__atomic_store_n(&halting, true, __ATOMIC_RELEASE);
	arch_kick_cpus(~0ull);
	for (unsigned int cpu = 0; cpu < nr_cpus_online && cpu < 64; cpu++)
		if (dom0_cpus >> cpu & 1 && cpu != self)
			lapic_send_icr(percpu[cpu].apic_id, APIC_ICR_DELIVERY_NMI);
	cpu_halt_forever();
}
