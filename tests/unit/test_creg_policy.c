/*
 * The CR4 and EFER rules: reserved bits and bits of features the guest's
 * CPUID does not show are #GP (CR4.VMXE on AMD, CR4.PKE without PKU, EFER
 * bits that do not exist), and so are the transitions the architecture
 * forbids (PAE off or LA57 changed in long mode, PCIDE outside long mode or
 * with a PCID in CR3, LME changed with paging on). What Linux does at boot
 * and at run time passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/creg_policy.h>
#include <asm/x86-defs.h>

/* CPUID words of QEMU 7.2 -cpu max (AMD-like: no VMX, no PCID), as a domU sees them. */
static const struct creg_features qemu = {
	.l1_ecx = 0xf6f83203 & ~(1u << 5), .l1_edx = 0x078bfbff,
	.l7_ebx = 0x009c07ab, .l7_ecx = 0x0001021c,
	.ext1_ecx = 0x00000121, .ext1_edx = 0x2fd3fbff, .ext21_eax = 0,
};

/* 64-bit Linux after boot. */
static const struct creg_state long_mode = {
	.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP | X86_CR0_ET | X86_CR0_NE,
	.cr3 = 0x1000000,
	.cr4 = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT,
	.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME,
};

static void test_linux_cr4_values_pass(void **state)
{
	(void)state;
	const struct creg_state boot = { X86_CR0_PE | X86_CR0_ET, 0, 0, EFER_SVME };
	uint64_t run = long_mode.cr4 | X86_CR4_OSXSAVE | X86_CR4_FSGSBASE | X86_CR4_SMEP |
		       X86_CR4_SMAP | X86_CR4_UMIP | X86_CR4_PKE | X86_CR4_TSD | X86_CR4_PCE |
		       X86_CR4_DE | X86_CR4_PSE | X86_CR4_MCE;

	assert_null(creg_cr4_check(&qemu, &boot, X86_CR4_PAE));
	assert_null(creg_cr4_check(&qemu, &boot, X86_CR4_PAE | X86_CR4_LA57));
	assert_null(creg_cr4_check(&qemu, &long_mode, run));
	/* A global flush: PGE off, then on. */
	assert_null(creg_cr4_check(&qemu, &long_mode, long_mode.cr4 & ~(uint64_t)X86_CR4_PGE));
}

static void test_reserved_and_unoffered_cr4_bits(void **state)
{
	(void)state;
	struct creg_features no_pku = qemu;
	struct creg_features no_mce = qemu;
	uint64_t base = long_mode.cr4;

	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | X86_CR4_VMXE)); /* AMD: no VMX */
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | X86_CR4_SMXE));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | (1u << 15)));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | (1u << 19)));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | X86_CR4_CET));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | (1u << 24)));   /* PKS */
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | (1ull << 32)));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | (1ull << 63)));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, base | X86_CR4_PCIDE)); /* no PCID */
	no_pku.l7_ecx &= ~(1u << 3);
	assert_non_null(creg_cr4_check(&no_pku, &long_mode, base | X86_CR4_PKE));
	no_mce.l1_edx &= ~(1u << 7); /* domUs see no machine checks */
	assert_non_null(creg_cr4_check(&no_mce, &long_mode, base | X86_CR4_MCE));
	no_mce.l1_ecx &= ~(1u << 26);
	assert_non_null(creg_cr4_check(&no_mce, &long_mode, base | X86_CR4_OSXSAVE));
}

static void test_cr4_transitions(void **state)
{
	(void)state;
	struct creg_features pcid = qemu;
	struct creg_state la57 = long_mode;
	struct creg_state no_pcid_in_cr3 = long_mode;
	const struct creg_state legacy = { X86_CR0_PE | X86_CR0_PG, 0x1000, X86_CR4_PAE, EFER_SVME };

	assert_non_null(creg_cr4_check(&qemu, &long_mode, long_mode.cr4 & ~(uint64_t)X86_CR4_PAE));
	assert_non_null(creg_cr4_check(&qemu, &long_mode, long_mode.cr4 | X86_CR4_LA57));
	la57.cr4 |= X86_CR4_LA57;
	assert_non_null(creg_cr4_check(&qemu, &la57, long_mode.cr4));
	assert_null(creg_cr4_check(&qemu, &la57, la57.cr4 | X86_CR4_OSXSAVE));
	/* PCIDE: only in long mode, only with CR3[11:0] = 0. */
	pcid.l1_ecx |= 1u << 17;
	no_pcid_in_cr3.cr3 = 0x1000;
	assert_null(creg_cr4_check(&pcid, &no_pcid_in_cr3, long_mode.cr4 | X86_CR4_PCIDE));
	no_pcid_in_cr3.cr3 = 0x1005;
	assert_non_null(creg_cr4_check(&pcid, &no_pcid_in_cr3, long_mode.cr4 | X86_CR4_PCIDE));
	assert_non_null(creg_cr4_check(&pcid, &legacy, legacy.cr4 | X86_CR4_PCIDE));
	/* Already set, staying set: no new check of CR3. */
	no_pcid_in_cr3.cr4 |= X86_CR4_PCIDE;
	assert_null(creg_cr4_check(&pcid, &no_pcid_in_cr3, no_pcid_in_cr3.cr4));
}

static void test_efer(void **state)
{
	(void)state;
	const struct creg_state boot = { X86_CR0_PE | X86_CR0_ET, 0, X86_CR4_PAE, EFER_SVME };
	struct creg_features no_nx = qemu;

	/* Linux: LME before paging, then SCE and NXE; LMA written back as read. */
	assert_null(creg_efer_check(&qemu, &boot, EFER_LME));
	assert_null(creg_efer_check(&qemu, &long_mode, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
	assert_null(creg_efer_check(&qemu, &long_mode, EFER_SCE | EFER_LME | EFER_NXE));
	/* Reserved bits and SVM (never offered). */
	assert_non_null(creg_efer_check(&qemu, &boot, 1u << 1));
	assert_non_null(creg_efer_check(&qemu, &boot, 1u << 9));
	assert_non_null(creg_efer_check(&qemu, &boot, EFER_SVME));
	assert_non_null(creg_efer_check(&qemu, &boot, EFER_LMSLE));
	assert_non_null(creg_efer_check(&qemu, &boot, 1ull << 63));
	no_nx.ext1_edx &= ~(1u << 20);
	assert_non_null(creg_efer_check(&no_nx, &boot, EFER_NXE));
	/* LME may not change while paging is on. */
	assert_non_null(creg_efer_check(&qemu, &long_mode, EFER_SCE | EFER_NXE));
	assert_non_null(creg_efer_check(&qemu, &(struct creg_state){ X86_CR0_PE | X86_CR0_PG, 0,
								   0, EFER_SVME }, EFER_LME));
}

/* CR0 as a CPU checks a MOV to it (what VMX's intercepted writes go through). */
static void test_cr0(void **state)
{
	struct creg_features f = { 0 };
	struct creg_state off = { .cr0 = X86_CR0_PE | X86_CR0_ET };
	struct creg_state lme = { .cr0 = X86_CR0_PE, .efer = EFER_LME, .cr4 = X86_CR4_PAE };
	struct creg_state lma = { .cr0 = X86_CR0_PE | X86_CR0_PG, .efer = EFER_LME | EFER_LMA,
				  .cr4 = X86_CR4_PAE };

	(void)state;
	assert_null(creg_cr0_check(&f, &off, X86_CR0_PE | X86_CR0_NE | X86_CR0_ET | X86_CR0_PG));
	assert_null(creg_cr0_check(&f, &off, X86_CR0_ET | X86_CR0_NE)); /* back to real mode */
	assert_null(creg_cr0_check(&f, &lme, 0x80050033));               /* Linux entering long mode */
	assert_null(creg_cr0_check(&f, &off, X86_CR0_PE | X86_CR0_CD | X86_CR0_NW));
	assert_non_null(creg_cr0_check(&f, &off, 1ull << 32 | X86_CR0_PE));
	assert_non_null(creg_cr0_check(&f, &off, X86_CR0_PG));
	assert_non_null(creg_cr0_check(&f, &off, X86_CR0_PE | X86_CR0_NW));
	lme.cr4 = 0;
	assert_non_null(creg_cr0_check(&f, &lme, X86_CR0_PE | X86_CR0_PG));
	assert_non_null(creg_cr0_check(&f, &lma, X86_CR0_ET));            /* PE off in long mode */
	assert_null(creg_cr0_check(&f, &lma, X86_CR0_PE | X86_CR0_NE)); /* paging off, still PE */
}

static void test_valid_bits(void **state)
{
	(void)state;
	struct creg_features none = { 0 };

	assert_int_equal(creg_cr4_valid_bits(&none), X86_CR4_TSD | X86_CR4_PCE);
	assert_int_equal(creg_efer_valid_bits(&none), 0);
	assert_int_equal(creg_efer_valid_bits(&qemu),
			 EFER_SCE | EFER_LME | EFER_NXE | EFER_FFXSR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_cr4_values_pass),
		cmocka_unit_test(test_reserved_and_unoffered_cr4_bits),
		cmocka_unit_test(test_cr4_transitions),
		cmocka_unit_test(test_efer),
		cmocka_unit_test(test_cr0),
		cmocka_unit_test(test_valid_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
