/* Local APIC: enable, identify, EOI, and the INIT-SIPI-SIPI sequence. */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <tern/arch.h>

#define ICR_POLLS 1000000

static uintptr_t lapic_base(void)
{
	return rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
}

static uint32_t lapic_read(unsigned int reg)
{
	return mmio_read32(lapic_base() + reg);
}

static void lapic_write(unsigned int reg, uint32_t val)
{
	mmio_write32(lapic_base() + reg, val);
}

void lapic_init(bool lint1_nmi)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, lint1_nmi ? APIC_LVT_DELIVERY_NMI : APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
}

uint32_t lapic_id(void)
{
	return lapic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

static bool lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_ICR_HIGH, apic_id << 24);
	lapic_write(APIC_ICR_LOW, icr_low);
	for (unsigned int i = 0; i < ICR_POLLS; i++)
		if (!(lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY))
			return true;
	return false;
}

bool lapic_start_ap(uint32_t apic_id, paddr_t trampoline_base)
{
	uint32_t sipi = APIC_ICR_DELIVERY_STARTUP | APIC_ICR_LEVEL_ASSERT |
			(uint32_t)(trampoline_base >> PAGE_SHIFT);

	if (!lapic_send_ipi(apic_id, APIC_ICR_DELIVERY_INIT | APIC_ICR_LEVEL_ASSERT))
		return false;
	mdelay(10);
	for (int i = 0; i < 2; i++) {
		if (!lapic_send_ipi(apic_id, sipi))
			return false;
		udelay(200);
	}
	return true;
}

void lapic_self_ipi(uint8_t vector)
{
	/* Shorthand "self": ICR_HIGH (which dom0 may be using) is not touched. */
	lapic_write(APIC_ICR_LOW, APIC_ICR_SHORTHAND_SELF | vector);
}

#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define APIC_TIMER_DIVIDE_BY_16 0x3
#define TIMER_CALIBRATE_MS 10

static uint64_t lapic_ticks_per_ms;

void lapic_timer_calibrate(void)
{
	lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_16);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
	lapic_write(APIC_TIMER_INITIAL, 0xffffffff);
	mdelay(TIMER_CALIBRATE_MS);
	lapic_ticks_per_ms = (0xffffffffu - lapic_read(APIC_TIMER_CURRENT)) / TIMER_CALIBRATE_MS;
	lapic_write(APIC_TIMER_INITIAL, 0);
}

/*
 * Each LAPIC access is a trip through QEMU's device model (docs/blkback.md),
 * and a domU's deadline is armed before every VM entry (vcpu_time.c), where
 * it is most often the one already armed: the divider and the vector are
 * written once per CPU, and a deadline already armed is left alone. The
 * timer's interrupt (traps.c) says it is no longer armed.
 */
void lapic_timer_at(uint64_t deadline)
{
	struct percpu *cpu = this_cpu();
	uint64_t now = system_time_ns();
	uint64_t ticks = deadline > now ? (deadline - now) / 1000 * lapic_ticks_per_ms / 1000 : 0;

	if (deadline == cpu->lapic_timer_at)
		return;
	if (!cpu->lapic_timer_ready) {
		lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_16);
		lapic_write(APIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
		cpu->lapic_timer_ready = true;
	}
	lapic_write(APIC_TIMER_INITIAL, (uint32_t)MIN(MAX(ticks, 1), 0xffffffffull));
	cpu->lapic_timer_at = deadline;
}

void lapic_timer_oneshot(uint64_t ns)
{
	lapic_timer_at(system_time_ns() + ns);
}

void lapic_timer_stop(void)
{
	if (!this_cpu()->lapic_timer_at)
		return;
	lapic_write(APIC_TIMER_INITIAL, 0);
	this_cpu()->lapic_timer_at = 0;
}

void lapic_timer_fired(void)
{
	this_cpu()->lapic_timer_at = 0;
}

/*
 * As few LAPIC accesses as will do: event-channel kicks send one per event,
 * and under QEMU each access to the xAPIC page is a trip through the
 * emulator's device model under its global lock (docs/blkback.md measured
 * the old sequence, with an ESR clear, a busy poll after sending and
 * ICR_HIGH saved and restored on every CPU, at a third of a millisecond
 * per event). ICR_HIGH is tern's on every CPU: on dom0's, dom0's own value
 * is kept aside and written back just before dom0's IPI (dom0_lapic.c).
 */
void lapic_send_icr(uint32_t apic_id, uint32_t icr_low)
{
	for (unsigned int i = 0; i < ICR_POLLS && lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY; i++)
		cpu_relax();
	lapic_write(APIC_ICR_HIGH, apic_id << 24);
	lapic_write(APIC_ICR_LOW, icr_low);
}

void lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	lapic_send_icr(apic_id, vector);
}
