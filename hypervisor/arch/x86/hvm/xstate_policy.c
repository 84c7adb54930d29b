/*
 * What guests are offered of the extended state, and what they may put in
 * XCR0. Pure: the host's facts come in a struct, so tests/unit runs it.
 */
#include <asm/cpu.h>
#include <asm/x86-defs.h>
#include <asm/xstate.h>

#define LEGACY_AND_HEADER 576 /* an area with x87 and SSE only */

/* CPUID bits whose instructions use the registers of one component. */
#define L1_ECX_FMA (1u << 12)
#define L1_ECX_OSXSAVE (1u << 27)
#define L1_ECX_AVX (1u << 28)
#define L1_ECX_F16C (1u << 29)
#define L7_EBX_AVX2 (1u << 5)
#define L7_EBX_MPX (1u << 14)
#define L7_EBX_AVX512 ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | \
		       (1u << 28) | (1u << 30) | (1u << 31)) /* F DQ IFMA PF ER CD BW VL */
#define L7_ECX_AVX512 ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
						/* VBMI VBMI2 VNNI BITALG VPOPCNTDQ */
#define L7_ECX_VEX256 ((1u << 9) | (1u << 10))  /* VAES, VPCLMULQDQ (256-bit forms) */
#define L7_ECX_PKU (1u << 3)
#define L7_ECX_OSPKE (1u << 4)
#define L7_ECX_CET_SS (1u << 7)
#define L7_EDX_AVX512 ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23)) /* 4VNNIW 4FMAPS VP2I FP16 */
#define L7_EDX_CET_IBT (1u << 20)
#define L7_EDX_AMX ((1u << 22) | (1u << 24) | (1u << 25))
#define L7_1_EAX_AVX_VNNI (1u << 4)
#define L7_1_EAX_AVX512_BF16 (1u << 5)
#define LD1_EAX_OFFERED ((1u << 0) | (1u << 2)) /* XSAVEOPT, XGETBV1 */

uint64_t xstate_guest_mask(const struct xstate_host *h)
{
	uint64_t m = h->xcr0_mask & (XSTATE_X87 | XSTATE_SSE | XSTATE_YMM | XSTATE_AVX512 |
				     XSTATE_PKRU);

	if (!(m & XSTATE_X87) || !(m & XSTATE_SSE))
		return 0; /* not an x86-64 XSAVE we know how to offer */
	if (!(m & XSTATE_YMM) || (m & XSTATE_AVX512) != XSTATE_AVX512)
		m &= ~XSTATE_AVX512;
	return m;
}

uint32_t xstate_area_size(const struct xstate_host *h, uint64_t mask)
{
	uint32_t size = LEGACY_AND_HEADER;

	for (unsigned int i = 2; i < XSTATE_MAX_COMPONENTS; i++)
		if (mask >> i & 1 && h->offset[i] + h->size[i] > size)
			size = h->offset[i] + h->size[i];
	return size;
}

const char *xstate_xcr0_check(uint64_t offered, uint32_t index, uint64_t value)
{
	if (index != 0)
		return "only XCR0 exists";
	if (!(value & XSTATE_X87))
		return "x87 state cannot be disabled";
	if (value & ~offered)
		return "a component not offered";
	if ((value & XSTATE_YMM) && !(value & XSTATE_SSE))
		return "AVX without SSE";
	if ((value & XSTATE_AVX512) && (value & XSTATE_AVX512) != XSTATE_AVX512)
		return "AVX-512 components not all together";
	if ((value & XSTATE_AVX512) && !(value & XSTATE_YMM))
		return "AVX-512 without AVX";
	return NULL;
}

static uint32_t keep_if(uint32_t bits, bool offered)
{
	return offered ? bits : 0;
}

static void leaf1(uint64_t offered, uint64_t cr4, struct cpuid_regs *r)
{
	bool avx = offered & XSTATE_YMM;

	r->ecx &= ~(L1_ECX_XSAVE | L1_ECX_OSXSAVE | L1_ECX_AVX | L1_ECX_FMA | L1_ECX_F16C) |
		  keep_if(L1_ECX_XSAVE, offered) | keep_if(L1_ECX_AVX | L1_ECX_FMA | L1_ECX_F16C, avx);
	if (offered && (cr4 & X86_CR4_OSXSAVE))
		r->ecx |= L1_ECX_OSXSAVE;
}

static void leaf7(uint32_t subleaf, uint64_t offered, uint64_t cr4, struct cpuid_regs *r)
{
	bool avx = offered & XSTATE_YMM, avx512 = offered & XSTATE_AVX512;
	bool pku = offered & XSTATE_PKRU;

	if (subleaf == 1) {
		r->eax &= ~(L7_1_EAX_AVX_VNNI | L7_1_EAX_AVX512_BF16) |
			  keep_if(L7_1_EAX_AVX_VNNI, avx) | keep_if(L7_1_EAX_AVX512_BF16, avx512);
		return;
	}
	if (subleaf != 0)
		return;
	r->ebx &= ~(L7_EBX_AVX2 | L7_EBX_MPX | L7_EBX_AVX512) | keep_if(L7_EBX_AVX2, avx) |
		  keep_if(L7_EBX_AVX512, avx512);
	r->ecx &= ~(L7_ECX_AVX512 | L7_ECX_VEX256 | L7_ECX_PKU | L7_ECX_OSPKE | L7_ECX_CET_SS) |
		  keep_if(L7_ECX_AVX512, avx512) | keep_if(L7_ECX_VEX256, avx) |
		  keep_if(L7_ECX_PKU, pku);
	if ((r->ecx & L7_ECX_PKU) && (cr4 & X86_CR4_PKE))
		r->ecx |= L7_ECX_OSPKE;
	r->edx &= ~(L7_EDX_AVX512 | L7_EDX_CET_IBT | L7_EDX_AMX) | keep_if(L7_EDX_AVX512, avx512);
}

static void leaf_d(const struct xstate_host *h, uint32_t subleaf, uint64_t offered,
		   uint64_t xcr0, struct cpuid_regs *r)
{
	switch (subleaf) {
	case 0:
		*r = (struct cpuid_regs){ (uint32_t)offered, xstate_area_size(h, xcr0 & offered),
					  xstate_area_size(h, offered), (uint32_t)(offered >> 32) };
		break;
	case 1:
		*r = (struct cpuid_regs){ h->d1_eax & LD1_EAX_OFFERED, 0, 0, 0 };
		break;
	default:
		if (subleaf < XSTATE_MAX_COMPONENTS && offered >> subleaf & 1)
			*r = (struct cpuid_regs){ h->size[subleaf], h->offset[subleaf],
						  h->flags[subleaf], 0 };
		else
			*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
}

void xstate_cpuid(const struct xstate_host *h, uint32_t leaf, uint32_t subleaf,
		  uint64_t guest_cr4, uint64_t guest_xcr0, struct cpuid_regs *r)
{
	uint64_t offered = xstate_guest_mask(h);

	switch (leaf) {
	case 1:
		leaf1(offered, guest_cr4, r);
		break;
	case 7:
		leaf7(subleaf, offered, guest_cr4, r);
		break;
	case 0xd:
		if (offered)
			leaf_d(h, subleaf, offered, guest_xcr0, r);
		else
			*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	default:
		break;
	}
}
