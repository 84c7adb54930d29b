/*
 * control_regs: CR4 and EFER writes a guest may not make. Proves: setting a
 * reserved CR4 bit or one of a feature CPUID does not show (VMXE and SMXE
 * on AMD, bits 15, 19, 24-31 and 32-63, PCIDE without PCID, PKE without PKU,
 * MCE without MCE), clearing PAE or changing LA57 in long mode, get #GP and
 * leave CR4 as it was; allowed changes (PGE off and on, TSD, OSFXSR) are
 * made and read back. EFER: reserved bits, SVME and LMSLE (not offered), and
 * clearing LME with paging on get #GP; NXE and SCE can be changed. The
 * domain survives all of it: before CR4 writes were checked, CR4.VMXE made
 * VMRUN fail and tern stopped the domain.
 * Cannot tell: whether the CPU's TLB was flushed by an allowed change.
 */
#include "asm.h"
#include "lib.h"

const char test_title[] = "CR4 and EFER: reserved bits and forbidden transitions get #GP";

#define CR4_PSE (1u << 4)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_TSD (1u << 2)
#define CR4_OSFXSR (1u << 9)
#define CR4_LA57 (1u << 12)
#define CR4_VMXE (1u << 13)
#define CR4_SMXE (1u << 14)
#define CR4_PCIDE (1u << 17)
#define CR4_PKE (1u << 22)
#define EFER_SCE (1u << 0)
#define EFER_NXE (1u << 11)
#define EFER_SVME (1u << 12)
#define EFER_LMSLE (1u << 13)

static void cr4_refused(uint64_t value, const char *what)
{
	uint64_t before = read_cr4();
	int trap = write_cr4_safe(value);

	if (trap != X86_EXC_GP)
		test_failure("CR4 %#lx (%s): %s, expected #GP", value, what,
			     trap == TRAP_NONE ? "accepted" : "another exception");
	if (read_cr4() != before) {
		test_failure("CR4 now %#lx after a refused write (%s)", read_cr4(), what);
		write_cr4_safe(before);
	}
}

static void cr4_taken(uint64_t value, const char *what)
{
	if (write_cr4_safe(value) != TRAP_NONE || read_cr4() != value)
		test_failure("CR4 %#lx (%s) not taken: CR4 %#lx", value, what, read_cr4());
}

static void check_cr4(void)
{
	uint64_t cr4 = read_cr4();
	uint32_t l1[4], l7[4];

	cpuid(1, 0, l1);
	cpuid(7, 0, l7);
	printf("CR4 %#lx\n", cr4);
	if (!(l1[2] & (1u << 5)))
		cr4_refused(cr4 | CR4_VMXE, "VMXE without VMX");
	if (!(l1[2] & (1u << 6)))
		cr4_refused(cr4 | CR4_SMXE, "SMXE without SMX");
	cr4_refused(cr4 | 1u << 15, "reserved bit 15");
	cr4_refused(cr4 | 1u << 19, "bit 19 (key locker, not offered)");
	cr4_refused(cr4 | 1u << 24, "bit 24 (PKS, not offered)");
	cr4_refused(cr4 | 1u << 31, "reserved bit 31");
	cr4_refused(cr4 | 1ull << 32, "reserved bit 32");
	cr4_refused(cr4 | 1ull << 63, "reserved bit 63");
	if (!(l1[2] & (1u << 17)))
		cr4_refused(cr4 | CR4_PCIDE, "PCIDE without PCID");
	if (!(l7[2] & (1u << 3)))
		cr4_refused(cr4 | CR4_PKE, "PKE without PKU");
	if (!(l1[3] & (1u << 7)))
		cr4_refused(cr4 | CR4_MCE, "MCE without machine checks");
	cr4_refused(cr4 & ~(uint64_t)CR4_PAE, "PAE off in long mode");
	cr4_refused(cr4 ^ CR4_LA57, "LA57 changed in long mode");
	/* What an OS does. */
	cr4_taken(cr4 & ~(uint64_t)CR4_PGE, "PGE off");
	cr4_taken(cr4 | CR4_PGE, "PGE on");
	cr4_taken(read_cr4() | CR4_TSD, "TSD on");
	cr4_taken(read_cr4() & ~(uint64_t)CR4_TSD, "TSD off");
	cr4_taken(read_cr4() | CR4_OSFXSR, "OSFXSR on");
}

static void efer_refused(uint64_t value, const char *what)
{
	uint64_t before, after;
	int trap;

	rdmsr_safe(MSR_EFER, &before);
	trap = wrmsr_safe(MSR_EFER, value);
	rdmsr_safe(MSR_EFER, &after);
	if (trap != X86_EXC_GP)
		test_failure("EFER %#lx (%s): %s, expected #GP", value, what,
			     trap == TRAP_NONE ? "accepted" : "another exception");
	if (after != before)
		test_failure("EFER now %#lx after a refused write (%s), was %#lx", after, what,
			     before);
}

static void efer_taken(uint64_t value, const char *what)
{
	uint64_t after;

	if (wrmsr_safe(MSR_EFER, value) != TRAP_NONE || rdmsr_safe(MSR_EFER, &after) != TRAP_NONE ||
	    after != value)
		test_failure("EFER %#lx (%s) not taken", value, what);
}

static void check_efer(void)
{
	uint64_t efer;
	uint32_t ext1[4];

	if (rdmsr_safe(MSR_EFER, &efer) != TRAP_NONE)
		return test_failure("RDMSR EFER faulted");
	printf("EFER %#lx\n", efer);
	cpuid(0x80000001, 0, ext1);
	efer_refused(efer | 1u << 1, "reserved bit 1");
	efer_refused(efer | 1u << 9, "reserved bit 9");
	efer_refused(efer | 1ull << 63, "reserved bit 63");
	efer_refused(efer | EFER_SVME, "SVME (no SVM offered)");
	efer_refused(efer | EFER_LMSLE, "LMSLE (not offered)");
	efer_refused(efer & ~(uint64_t)EFER_LME, "LME cleared with paging on");
	efer_taken(efer ^ EFER_SCE, "SCE toggled");
	efer_taken(efer, "SCE back");
	if (ext1[3] & (1u << 20)) {
		efer_taken(efer ^ EFER_NXE, "NXE toggled");
		efer_taken(efer, "NXE back");
	}
}

void test_main(void)
{
	check_cr4();
	check_efer();
}
