/*
 * apic_modes: a domU vCPU's local APIC from its start in xAPIC mode to
 * x2APIC mode, as Linux's LAPIC driver takes it. Proves: it starts as Xen
 * starts a PVH vCPU (APIC_BASE 0xfee00000, enabled, BSP on vCPU 0; CPUID
 * shows the APIC and x2APIC); its registers answer as MMIO at 0xfee00000
 * (ID in bits 31:24 matching CPUID's initial APIC id, version, TPR), its
 * x2APIC MSRs #GP; a fixed IPI written to the xAPIC ICR (destination in
 * ICR2) arrives, to its own id and with the self shorthand; APIC_BASE
 * refuses with #GP reserved bits, a moved xAPIC page, EXTD without enable,
 * x2APIC to xAPIC and disabled to x2APIC, and takes xAPIC to x2APIC (then
 * the MSRs answer, the x2APIC ID is the same id, an IPI through the x2APIC
 * ICR arrives), x2APIC to disabled (CPUID's APIC bit goes), and disabled
 * to xAPIC (registers reset). Before tern had xAPIC mode it started in
 * x2APIC mode and the first check failed.
 * Cannot tell: what hardware does with an access to the page in x2APIC
 * mode (tern treats it as nothing there; no check).
 */
#include "lib.h"

const char test_title[] = "local APIC: xAPIC start, MMIO, xAPIC ICR, APIC_BASE transitions";

#define MSR_APIC_BASE 0x1b
#define BASE_BSP (1ull << 8)
#define BASE_EXTD (1ull << 10)
#define BASE_EN (1ull << 11)
#define XAPIC_PAGE 0xfee00000ull
#define REG_ID 0x20
#define REG_VERSION 0x30
#define REG_TPR 0x80
#define REG_ICR 0x300
#define REG_ICR2 0x310
#define MSR_X2APIC_ID 0x802
#define MSR_X2APIC_ICR 0x830
#define ICR_SELF (1u << 18)
#define IPI_VECTOR 0x40
#define VERSION 0x00050014u /* Xen's: version 0x14, six LVT entries */

static volatile unsigned int ipis;

static uint32_t mmio_read(uint32_t reg)
{
	uint32_t v;

	/* One plain 32-bit load, as Linux's readl: what tern must decode. */
	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(XAPIC_PAGE + reg) : "memory");
	return v;
}

static void mmio_write(uint32_t reg, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(XAPIC_PAGE + reg) : "memory");
}

static void on_ipi(struct trap_frame *frame)
{
	(void)frame;
	ipis++;
	upcall_eoi(); /* xAPIC or x2APIC, as APIC_BASE says */
}

/* Sends with send(), then waits with interrupts on for exactly one more. */
static void expect_ipi(const char *how, void (*send)(uint32_t id), uint32_t id)
{
	unsigned int before = ipis;
	uint64_t t0;

	send(id);
	irq_enable();
	for (t0 = rdtsc(); ipis == before && rdtsc() - t0 < WAIT_LONG;)
		cpu_relax();
	irq_disable();
	if (ipis != before + 1)
		test_failure("IPI %s: %u arrived, expected 1", how, ipis - before);
}

static void xapic_to_id(uint32_t id)
{
	mmio_write(REG_ICR2, id << 24);
	mmio_write(REG_ICR, IPI_VECTOR); /* fixed, physical: sends */
}

static void xapic_to_self(uint32_t id)
{
	(void)id;
	mmio_write(REG_ICR, ICR_SELF | IPI_VECTOR);
}

static void x2apic_to_id(uint32_t id)
{
	wrmsr_safe(MSR_X2APIC_ICR, (uint64_t)id << 32 | IPI_VECTOR);
}

static uint64_t apic_base(void)
{
	uint64_t v = 0;

	if (rdmsr_safe(MSR_APIC_BASE, &v) != TRAP_NONE)
		test_failure("RDMSR APIC_BASE faulted");
	return v;
}

/* A write that must #GP and leave APIC_BASE as it was. */
static void refused(const char *what, uint64_t value)
{
	uint64_t before = apic_base();

	if (wrmsr_safe(MSR_APIC_BASE, value) != X86_EXC_GP)
		test_failure("APIC_BASE %s (%#lx) accepted, expected #GP", what, value);
	if (apic_base() != before)
		test_failure("APIC_BASE %s changed it: %#lx -> %#lx", what, before, apic_base());
}

static void accepted(const char *what, uint64_t value)
{
	if (wrmsr_safe(MSR_APIC_BASE, value) != TRAP_NONE)
		return test_failure("APIC_BASE %s (%#lx) refused", what, value);
	if (apic_base() != value)
		test_failure("APIC_BASE %s: reads %#lx, wrote %#lx", what, apic_base(), value);
}

static bool cpuid_apic(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return r[3] & (1u << 9);
}

void test_main(void)
{
	const uint64_t xapic = XAPIC_PAGE | BASE_EN | BASE_BSP, x2apic = xapic | BASE_EXTD;
	uint32_t r[4], id;
	uint64_t v;

	cpuid(1, 0, r);
	id = r[1] >> 24;
	if (!(r[3] & (1u << 9)) || !(r[2] & (1u << 21)))
		test_failure("CPUID 1: APIC %u, x2APIC %u; expected both", !!(r[3] & (1u << 9)),
			     !!(r[2] & (1u << 21)));
	/* The start: xAPIC mode. */
	if (apic_base() != xapic)
		return test_failure("APIC_BASE at start %#lx, expected %#lx (xAPIC, BSP)",
				    apic_base(), xapic);
	if (mmio_read(REG_ID) != id << 24)
		test_failure("xAPIC ID %#x, expected %#x (CPUID's id in 31:24)", mmio_read(REG_ID),
			     id << 24);
	if (mmio_read(REG_VERSION) != VERSION)
		test_failure("xAPIC version %#x, expected %#x", mmio_read(REG_VERSION), VERSION);
	mmio_write(REG_TPR, 0x20);
	if (mmio_read(REG_TPR) != 0x20)
		test_failure("xAPIC TPR reads %#x after writing 0x20", mmio_read(REG_TPR));
	mmio_write(REG_TPR, 0);
	if (rdmsr_safe(MSR_X2APIC_ID, &v) != X86_EXC_GP)
		test_failure("x2APIC ID MSR read in xAPIC mode: no #GP");
	set_irq_handler(IPI_VECTOR, on_ipi);
	expect_ipi("xAPIC ICR to its own id", xapic_to_id, id);
	expect_ipi("xAPIC ICR, self shorthand", xapic_to_self, id);

	/* What APIC_BASE refuses from xAPIC mode. */
	refused("reserved bit 9", xapic | (1u << 9));
	refused("xAPIC page moved", (xapic & ~XAPIC_PAGE) | 0xfed00000ull);
	refused("EXTD without enable", XAPIC_PAGE | BASE_EXTD | BASE_BSP);

	/* xAPIC -> x2APIC, as Linux switches. */
	accepted("xAPIC to x2APIC", x2apic);
	if (rdmsr_safe(MSR_X2APIC_ID, &v) != TRAP_NONE || v != id)
		test_failure("x2APIC ID %#lx, expected %#x", v, id);
	expect_ipi("x2APIC ICR to its own id", x2apic_to_id, id);
	refused("x2APIC to xAPIC", xapic);

	/* x2APIC -> disabled -> (not x2APIC) -> xAPIC -> x2APIC. */
	accepted("x2APIC to disabled", XAPIC_PAGE | BASE_BSP);
	if (cpuid_apic())
		test_failure("CPUID 1 shows the APIC while it is disabled");
	if (rdmsr_safe(MSR_X2APIC_ID, &v) != X86_EXC_GP)
		test_failure("x2APIC ID MSR read while disabled: no #GP");
	refused("disabled to x2APIC", x2apic);
	accepted("disabled to xAPIC", xapic);
	if (!cpuid_apic())
		test_failure("CPUID 1 hides the APIC after it was enabled again");
	if (mmio_read(REG_ID) != id << 24 || mmio_read(REG_TPR) != 0)
		test_failure("xAPIC after re-enabling: ID %#x, TPR %#x", mmio_read(REG_ID),
			     mmio_read(REG_TPR));
	expect_ipi("xAPIC ICR after re-enabling", xapic_to_id, id);
	accepted("xAPIC to x2APIC again", x2apic);
	printf("APIC id %u: xAPIC, x2APIC, disabled and back; %u IPIs\n", id, ipis);
}
