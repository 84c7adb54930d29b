/*
 * Extended processor state (x87, SSE, AVX, ... managed by XSAVE): the
 * save-area layout, what the host CPU has, and the policy for what guests
 * are offered and may enable in XCR0 (xstate_policy.c, pure).
 * Intel SDM vol. 1 ch. 13; AMD APM vol. 2 §11.5.
 */
#ifndef ASM_XSTATE_H
#define ASM_XSTATE_H

#include <tern/types.h>

/* State components: bit i of XCR0 and of an area's XSTATE_BV. */
#define XSTATE_X87 (1ull << 0)
#define XSTATE_SSE (1ull << 1)
#define XSTATE_YMM (1ull << 2)       /* AVX: upper halves of YMM0-15 */
#define XSTATE_BNDREGS (1ull << 3)   /* MPX */
#define XSTATE_BNDCSR (1ull << 4)
#define XSTATE_OPMASK (1ull << 5)    /* AVX-512: k0-7 */
#define XSTATE_ZMM_HI256 (1ull << 6) /* AVX-512: upper halves of ZMM0-15 */
#define XSTATE_HI16_ZMM (1ull << 7)  /* AVX-512: ZMM16-31 */
#define XSTATE_PKRU (1ull << 9)
#define XSTATE_AVX512 (XSTATE_OPMASK | XSTATE_ZMM_HI256 | XSTATE_HI16_ZMM)
#define XSTATE_MAX_COMPONENTS 64

/* The legacy region: FXSAVE's image, the first 512 bytes of an XSAVE area. */
struct xsave_legacy {
	uint16_t fcw, fsw;
	uint8_t ftw; /* abridged: one bit per register, 1 = valid */
	uint8_t reserved1;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16];
	uint8_t xmm[16][16];
	uint8_t reserved2[96];
};
_Static_assert(sizeof(struct xsave_legacy) == 512, "legacy region");
_Static_assert(__builtin_offsetof(struct xsave_legacy, mxcsr) == 24, "mxcsr");
_Static_assert(__builtin_offsetof(struct xsave_legacy, st) == 32, "st0");
_Static_assert(__builtin_offsetof(struct xsave_legacy, xmm) == 160, "xmm0");

struct xsave_header {
	uint64_t xstate_bv; /* components not in their initial state */
	uint64_t xcomp_bv;  /* 0: the standard format (XSAVE/XRSTOR) */
	uint64_t reserved[6];
};
_Static_assert(sizeof(struct xsave_header) == 64, "XSAVE header");

/* XSAVE needs 64-byte alignment, FXSAVE 16; extended components follow at
 * the offsets CPUID 0xD reports. */
struct xsave_area {
	struct xsave_legacy legacy;
	struct xsave_header header;
	uint8_t extended[];
} __attribute__((aligned(64)));
_Static_assert(__builtin_offsetof(struct xsave_area, header) == 512, "header at 512");
_Static_assert(__builtin_offsetof(struct xsave_area, extended) == 576, "extended at 576");

/* A fresh vCPU's x87 control word and MXCSR: the initial configuration
 * FINIT and XRSTOR give (SDM vol. 1 §13.6); power-up's FCW is 0x40, which
 * no OS keeps. */
#define XSTATE_FCW_RESET 0x037f
#define XSTATE_MXCSR_RESET 0x1f80

/* What the host CPU has, read once at boot (CPUID leaf 0xD). */
struct xstate_host {
	uint64_t xcr0_mask;       /* components XCR0 may enable (0xD.0 EDX:EAX); 0: no XSAVE */
	uint32_t max_size;        /* bytes of an area holding all of them (0xD.0 ECX) */
	uint32_t d1_eax;          /* 0xD.1 EAX: XSAVEOPT, XSAVEC, XGETBV1, XSAVES, XFD */
	uint32_t offset[XSTATE_MAX_COMPONENTS]; /* component i >= 2: 0xD.i EBX */
	uint32_t size[XSTATE_MAX_COMPONENTS];   /* 0xD.i EAX */
	uint32_t flags[XSTATE_MAX_COMPONENTS];  /* 0xD.i ECX */
};

/* The components guests are offered: the host's x87, SSE, AVX, AVX-512
 * (all three or none) and PKRU. */
uint64_t xstate_guest_mask(const struct xstate_host *h);

/* Bytes of a standard-format area holding the components in mask. */
uint32_t xstate_area_size(const struct xstate_host *h, uint64_t mask);

/*
 * Whether XSETBV(index, value) is allowed to a guest offered these
 * components; NULL if so, else why it gets #GP: only XCR0 exists, x87 is
 * always on, AVX needs SSE, AVX-512 needs AVX and comes as three, nothing
 * beyond what is offered.
 */
const char *xstate_xcr0_check(uint64_t offered, uint32_t index, uint64_t value);

struct cpuid_regs;

/*
 * CPUID as a guest sees it where extended state shows (leaves 1, 7 and
 * 0xD): r holds the host's answer and is adjusted in place. XSAVE and the
 * features whose registers live in components not offered (AVX, FMA,
 * F16C, AVX2, AVX-512, PKU, MPX, AMX, CET) follow the offered mask;
 * OSXSAVE and OSPKE follow the guest's CR4; leaf 0xD reports the offered
 * components and sizes for the guest's XCR0. XSAVEC, XSAVES and XFD are
 * not offered (their state needs MSRs tern does not switch).
 */
void xstate_cpuid(const struct xstate_host *h, uint32_t leaf, uint32_t subleaf,
		  uint64_t guest_cr4, uint64_t guest_xcr0, struct cpuid_regs *r);

#endif
