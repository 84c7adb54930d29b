/*
 * The extended-state policy: which components guests are offered (AVX-512
 * all or nothing, never MPX or AMX), which XCR0 values XSETBV accepts, the
 * standard-format area sizes, and CPUID leaves 1, 7 and 0xD as a guest sees
 * them (OSXSAVE/OSPKE from its CR4, sizes from its XCR0). The host facts are
 * QEMU 7.2's `-cpu max` (x87, SSE, AVX, MPX, PKRU: 0x21f) and an AVX-512
 * machine's layout from the SDM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/cpu.h>
#include <asm/x86-defs.h>
#include <asm/xstate.h>

/* QEMU 7.2 -cpu max under TCG, as its CPUID 0xD reports. */
static struct xstate_host qemu_max(void)
{
	struct xstate_host h = { .xcr0_mask = 0x21f, .max_size = 2696, .d1_eax = 0x5 };

	h.size[2] = 256, h.offset[2] = 576;
	h.size[3] = 64, h.offset[3] = 960;
	h.size[4] = 64, h.offset[4] = 1024;
	h.size[9] = 8, h.offset[9] = 2688;
	return h;
}

/* A host with AVX-512 (standard offsets, SDM vol. 1 table 13-1). */
static struct xstate_host avx512_host(uint64_t mask)
{
	struct xstate_host h = qemu_max();

	h.xcr0_mask = mask;
	h.size[5] = 64, h.offset[5] = 1088;
	h.size[6] = 512, h.offset[6] = 1152;
	h.size[7] = 1024, h.offset[7] = 1664;
	return h;
}

static void test_offered_mask(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();

	/* MPX (3, 4) is never offered; PKRU is. */
	assert_int_equal(xstate_guest_mask(&h), 0x207);
	h = avx512_host(0x2ff);
	assert_int_equal(xstate_guest_mask(&h), 0x2e7);
	/* AVX-512 needs all three components and AVX. */
	h = avx512_host(0x26f);
	assert_int_equal(xstate_guest_mask(&h), 0x207);
	h = avx512_host(0x2e3);
	assert_int_equal(xstate_guest_mask(&h), 0x203);
	/* AMX tiles (17, 18) are not offered. */
	h = avx512_host(0x602e7);
	assert_int_equal(xstate_guest_mask(&h), 0x2e7);
	/* Without XSAVE there is nothing. */
	h = (struct xstate_host){ 0 };
	assert_int_equal(xstate_guest_mask(&h), 0);
}

static void test_area_size(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();

	assert_int_equal(xstate_area_size(&h, 0x3), 576);
	assert_int_equal(xstate_area_size(&h, 0x7), 832);
	assert_int_equal(xstate_area_size(&h, 0x207), 2696);
	assert_int_equal(xstate_area_size(&h, 0x21f), 2696);
	h = avx512_host(0x2ff);
	assert_int_equal(xstate_area_size(&h, 0xe7), 2688);
}

static void test_xcr0_check(void **state)
{
	(void)state;
	const uint64_t qemu = 0x207, avx512 = 0x2e7;

	assert_null(xstate_xcr0_check(qemu, 0, 0x1));
	assert_null(xstate_xcr0_check(qemu, 0, 0x3));
	assert_null(xstate_xcr0_check(qemu, 0, 0x7));
	assert_null(xstate_xcr0_check(qemu, 0, 0x207));
	assert_null(xstate_xcr0_check(avx512, 0, 0xe7));
	assert_null(xstate_xcr0_check(avx512, 0, 0x2e7));
	/* ECX selects the register: only XCR0 is writable. */
	assert_non_null(xstate_xcr0_check(qemu, 1, 0x7));
	assert_non_null(xstate_xcr0_check(qemu, 0xffffffff, 0x7));
	/* x87 always. */
	assert_non_null(xstate_xcr0_check(qemu, 0, 0x0));
	assert_non_null(xstate_xcr0_check(qemu, 0, 0x6));
	/* AVX needs SSE. */
	assert_non_null(xstate_xcr0_check(qemu, 0, 0x5));
	/* Only what is offered: MPX on a host that has it, AVX-512 on one without. */
	assert_non_null(xstate_xcr0_check(qemu, 0, 0x1f));
	assert_non_null(xstate_xcr0_check(qemu, 0, 0x8 | 0x7));
	assert_non_null(xstate_xcr0_check(qemu, 0, 0xe7));
	assert_non_null(xstate_xcr0_check(qemu, 0, 1ull << 63 | 0x7));
	/* AVX-512: all three, and with AVX. */
	assert_non_null(xstate_xcr0_check(avx512, 0, 0x27));
	assert_non_null(xstate_xcr0_check(avx512, 0, 0x67));
	assert_non_null(xstate_xcr0_check(avx512, 0, 0xc7));
	assert_non_null(xstate_xcr0_check(avx512, 0, 0xe3));
}

#define L1_AVX_FAMILY ((1u << 12) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29))

static void test_cpuid_leaf1(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();
	/* What the host says, OSXSAVE set (the host's CR4), plus unrelated bits. */
	struct cpuid_regs host = { 0, 0, L1_AVX_FAMILY | 0x1, 0xffffffff };
	struct cpuid_regs r = host;

	xstate_cpuid(&h, 1, 0, 0, 0, &r);
	assert_int_equal(r.ecx, (L1_AVX_FAMILY & ~(1u << 27)) | 0x1); /* guest CR4: no OSXSAVE */
	assert_int_equal(r.edx, 0xffffffff);
	r = host;
	xstate_cpuid(&h, 1, 0, X86_CR4_OSXSAVE, 0, &r);
	assert_int_equal(r.ecx, L1_AVX_FAMILY | 0x1);
	/* A host without XSAVE: no XSAVE, OSXSAVE or AVX family, whatever CR4 says. */
	h = (struct xstate_host){ 0 };
	r = host;
	xstate_cpuid(&h, 1, 0, X86_CR4_OSXSAVE, 0, &r);
	assert_int_equal(r.ecx, 0x1);
}

static void test_cpuid_leaf7(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();
	/* QEMU's: AVX2 (5), MPX (14); PKU (3), OSPKE (4); plus AVX-512F (16) and
	 * AMX-TILE (EDX 24), CET (ECX 7, EDX 20) as a bigger host would say. */
	struct cpuid_regs host = { 0, (1u << 5) | (1u << 14) | (1u << 16) | 1,
				   (1u << 3) | (1u << 4) | (1u << 7) | (1u << 9),
				   (1u << 24) | (1u << 20) | (1u << 4) };
	struct cpuid_regs r = host;

	xstate_cpuid(&h, 7, 0, 0, 0, &r);
	assert_int_equal(r.ebx, (1u << 5) | 1);          /* AVX2 kept, MPX and AVX-512 not */
	assert_int_equal(r.ecx, (1u << 3) | (1u << 9));  /* PKU and VAES; no OSPKE, no CET */
	assert_int_equal(r.edx, 1u << 4);                /* no AMX, no IBT */
	r = host;
	xstate_cpuid(&h, 7, 0, X86_CR4_PKE, 0, &r);
	assert_int_equal(r.ecx, (1u << 3) | (1u << 4) | (1u << 9));
	/* AVX-512 offered: its bits stay. */
	h = avx512_host(0x2ff);
	r = host;
	xstate_cpuid(&h, 7, 0, 0, 0, &r);
	assert_int_equal(r.ebx, (1u << 5) | (1u << 16) | 1);
	/* Subleaf 1: AVX-VNNI with AVX, AVX512-BF16 only with AVX-512. */
	h = qemu_max();
	r = (struct cpuid_regs){ (1u << 4) | (1u << 5), 0, 0, 0 };
	xstate_cpuid(&h, 7, 1, 0, 0, &r);
	assert_int_equal(r.eax, 1u << 4);
}

static void test_cpuid_leaf_d(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();
	struct cpuid_regs r = { 0x21f, 2696, 2696, 0 };

	/* Subleaf 0: offered components, size for the guest's XCR0, size for all offered. */
	xstate_cpuid(&h, 0xd, 0, X86_CR4_OSXSAVE, 0x1, &r);
	assert_int_equal(r.eax, 0x207);
	assert_int_equal(r.ebx, 576);
	assert_int_equal(r.ecx, 2696);
	assert_int_equal(r.edx, 0);
	xstate_cpuid(&h, 0xd, 0, X86_CR4_OSXSAVE, 0x7, &r);
	assert_int_equal(r.ebx, 832);
	/* Subleaf 1: XSAVEOPT and XGETBV1 only (XSAVEC, XSAVES, XFD hidden). */
	r = (struct cpuid_regs){ 0x1f, 123, 0x1800, 0 };
	xstate_cpuid(&h, 0xd, 1, 0, 0x7, &r);
	assert_int_equal(r.eax, 0x5);
	assert_int_equal(r.ebx, 0);
	assert_int_equal(r.ecx, 0);
	/* Offered components describe themselves; MPX reads as absent. */
	r = (struct cpuid_regs){ 0 };
	xstate_cpuid(&h, 0xd, 2, 0, 0x7, &r);
	assert_int_equal(r.eax, 256);
	assert_int_equal(r.ebx, 576);
	r = (struct cpuid_regs){ 64, 960, 0, 0 };
	xstate_cpuid(&h, 0xd, 3, 0, 0x7, &r);
	assert_int_equal(r.eax, 0);
	assert_int_equal(r.ebx, 0);
	r = (struct cpuid_regs){ 0 };
	xstate_cpuid(&h, 0xd, 9, 0, 0x7, &r);
	assert_int_equal(r.eax, 8);
	assert_int_equal(r.ebx, 2688);
	r = (struct cpuid_regs){ 1, 2, 3, 4 };
	xstate_cpuid(&h, 0xd, 64, 0, 0x7, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	/* No XSAVE on the host: leaf 0xD is empty. */
	h = (struct xstate_host){ 0 };
	r = (struct cpuid_regs){ 1, 2, 3, 4 };
	xstate_cpuid(&h, 0xd, 0, 0, 0, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_other_leaves_untouched(void **state)
{
	(void)state;
	struct xstate_host h = qemu_max();
	struct cpuid_regs r = { 1, 2, 3, 4 };

	xstate_cpuid(&h, 0x80000001, 0, X86_CR4_OSXSAVE, 0x7, &r);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 2);
	assert_int_equal(r.ecx, 3);
	assert_int_equal(r.edx, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offered_mask),
		cmocka_unit_test(test_area_size),
		cmocka_unit_test(test_xcr0_check),
		cmocka_unit_test(test_cpuid_leaf1),
		cmocka_unit_test(test_cpuid_leaf7),
		cmocka_unit_test(test_cpuid_leaf_d),
		cmocka_unit_test(test_other_leaves_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
