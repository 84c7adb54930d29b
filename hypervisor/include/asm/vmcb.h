/*
 * The AMD-V virtual machine control block (AMD64 APM vol. 2, appendix B):
 * the control area at 0x000 and the state save area at 0x400. Offsets are
 * checked below against the manual's table.
 */
#ifndef ASM_VMCB_H
#define ASM_VMCB_H

#include <tern/types.h>

struct vmcb_segment {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 40-47 in 0-7, bits 52-55 in 8-11 */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmcb_segment) == 16, "VMCB segment");

#define VMCB_ATTR_L (1u << 9)  /* CS.L: 64-bit code (descriptor bit 53) */
#define VMCB_ATTR_DB (1u << 10) /* CS.D: 32-bit default sizes (descriptor bit 54) */

/* attrib values for flat segments. */
#define VMCB_ATTR_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define VMCB_ATTR_DATA32 0xc93 /* G, B, P, S, read/write, accessed */
#define VMCB_ATTR_TSS32_BUSY 0x08b
#define VMCB_ATTR_LDT 0x082
#define VMCB_ATTR_CODE16 0x09b /* P, S, execute/read, accessed */
#define VMCB_ATTR_DATA16 0x093 /* P, S, read/write, accessed */

struct vmcb_control {
	uint32_t intercept_cr;   /* reads in bits 0-15, writes in 16-31 */
#define VMCB_INTERCEPT_CR_WRITE(n) (1u << (16 + (n)))
	uint32_t intercept_dr;
	uint32_t intercept_exceptions;
	uint32_t intercept_misc1;
#define VMCB_INTERCEPT_INTR (1u << 0)
#define VMCB_INTERCEPT_NMI (1u << 1)
#define VMCB_INTERCEPT_SMI (1u << 2)
#define VMCB_INTERCEPT_INIT (1u << 3)
#define VMCB_INTERCEPT_CPUID (1u << 18)
#define VMCB_INTERCEPT_IRET (1u << 20)
#define VMCB_INTERCEPT_INVD (1u << 22)
#define VMCB_INTERCEPT_HLT (1u << 24)
#define VMCB_INTERCEPT_INVLPGA (1u << 26)
#define VMCB_INTERCEPT_IOIO_PROT (1u << 27)
#define VMCB_INTERCEPT_MSR_PROT (1u << 28)
#define VMCB_INTERCEPT_SHUTDOWN (1u << 31)
	uint32_t intercept_misc2;
#define VMCB_INTERCEPT_VMRUN (1u << 0)
#define VMCB_INTERCEPT_VMMCALL (1u << 1)
#define VMCB_INTERCEPT_VMLOAD (1u << 2)
#define VMCB_INTERCEPT_VMSAVE (1u << 3)
#define VMCB_INTERCEPT_STGI (1u << 4)
#define VMCB_INTERCEPT_CLGI (1u << 5)
#define VMCB_INTERCEPT_SKINIT (1u << 6)
#define VMCB_INTERCEPT_WBINVD (1u << 9)
#define VMCB_INTERCEPT_XSETBV (1u << 13)
	uint32_t intercept_misc3;
	uint8_t reserved1[0x3c - 0x18];
	uint16_t pause_filter_threshold;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;
	uint64_t msrpm_base_pa;
	uint64_t tsc_offset;
	uint32_t asid;
	uint8_t tlb_control;
#define VMCB_TLB_FLUSH_NOTHING 0
#define VMCB_TLB_FLUSH_ALL 1
#define VMCB_TLB_FLUSH_ASID 3 /* this guest's ASID only (flush-by-ASID) */
	uint8_t reserved2[3];
	uint64_t vintr;
#define VMCB_VINTR_V_IRQ (1ull << 8)
#define VMCB_VINTR_PRIO_SHIFT 16
#define VMCB_VINTR_IGN_TPR (1ull << 20)
#define VMCB_VINTR_MASKING (1ull << 24)
#define VMCB_VINTR_VECTOR_SHIFT 32
	uint64_t interrupt_shadow;
	uint64_t exitcode;
	uint64_t exitinfo1;
/* CR access exits with decode assists: the general register, and valid. */
#define VMCB_CR_INFO_VALID (1ull << 63)
#define VMCB_CR_INFO_GPR 0xfull
	uint64_t exitinfo2;
	uint64_t exitintinfo;
	uint64_t np_control;
#define VMCB_NP_ENABLE (1ull << 0)
	uint64_t avic_apic_bar;
	uint64_t ghcb_pa;
	uint64_t eventinj;
#define VMCB_EVENT_VALID (1ull << 31)
#define VMCB_EVENT_ERROR_VALID (1ull << 11)
#define VMCB_EVENT_TYPE_INTR (0ull << 8)
#define VMCB_EVENT_TYPE_NMI (2ull << 8)
#define VMCB_EVENT_TYPE_EXCEPTION (3ull << 8)
	uint64_t n_cr3;
	uint64_t lbr_virt;
#define VMCB_LBR_VIRT_ENABLE (1ull << 0) /* VMRUN switches DEBUGCTL and the LBR MSRs */
	uint32_t clean_bits;
	uint32_t reserved3;
	uint64_t next_rip;
	uint8_t insn_len;
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint8_t reserved1[0xcb - 0xa0];
	uint8_t cpl;
	uint32_t reserved2;
	uint64_t efer;
	uint8_t reserved3[0x148 - 0xd8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
	uint8_t reserved4[0x1d8 - 0x180];
	uint64_t rsp;
	uint64_t s_cet, ssp, isst_addr;
	uint64_t rax;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;
	uint8_t reserved5[0x268 - 0x248];
	uint64_t g_pat;
	uint64_t dbgctl;
	uint64_t br_from, br_to, last_excp_from, last_excp_to;
	uint8_t reserved6[0xc00 - 0x298];
};

/* Every field is naturally aligned, so no packing: the asserts prove the layout. */
struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, control.iopm_base_pa) == 0x040, "iopm");
_Static_assert(__builtin_offsetof(struct vmcb, control.asid) == 0x058, "asid");
_Static_assert(__builtin_offsetof(struct vmcb, control.exitcode) == 0x070, "exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, control.np_control) == 0x090, "np enable");
_Static_assert(__builtin_offsetof(struct vmcb, control.eventinj) == 0x0a8, "eventinj");
_Static_assert(__builtin_offsetof(struct vmcb, control.n_cr3) == 0x0b0, "n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, control.lbr_virt) == 0x0b8, "lbr virtualization");
_Static_assert(__builtin_offsetof(struct vmcb, control.next_rip) == 0x0c8, "nrip");
_Static_assert(__builtin_offsetof(struct vmcb, control.insn_len) == 0x0d0, "insn bytes");
_Static_assert(__builtin_offsetof(struct vmcb, save.es) == 0x400, "save area");
_Static_assert(__builtin_offsetof(struct vmcb, save.tr) == 0x490, "tr");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "cpl");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "efer");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "cr4");
_Static_assert(__builtin_offsetof(struct vmcb, save.dr7) == 0x560, "dr7");
_Static_assert(__builtin_offsetof(struct vmcb, save.dr6) == 0x568, "dr6");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "rsp");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.star) == 0x600, "star");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "cr2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "g_pat");
_Static_assert(__builtin_offsetof(struct vmcb, save.dbgctl) == 0x670, "dbgctl");

/* #VMEXIT codes (APM vol. 2, table C-1). */
#define VMCB_EXIT_CR_WRITE(n) (0x010 + (n))
#define VMCB_EXIT_EXCP_BASE 0x040
#define VMCB_EXIT_INTR 0x060
#define VMCB_EXIT_NMI 0x061
#define VMCB_EXIT_SMI 0x062
#define VMCB_EXIT_INIT 0x063
#define VMCB_EXIT_CPUID 0x072
#define VMCB_EXIT_IRET 0x074
#define VMCB_EXIT_INVD 0x076
#define VMCB_EXIT_HLT 0x078
#define VMCB_EXIT_INVLPGA 0x07a
#define VMCB_EXIT_IOIO 0x07b
#define VMCB_EXIT_MSR 0x07c
#define VMCB_EXIT_SHUTDOWN 0x07f
#define VMCB_EXIT_VMRUN 0x080
#define VMCB_EXIT_VMMCALL 0x081
#define VMCB_EXIT_VMLOAD 0x082
#define VMCB_EXIT_VMSAVE 0x083
#define VMCB_EXIT_STGI 0x084
#define VMCB_EXIT_CLGI 0x085
#define VMCB_EXIT_SKINIT 0x086
#define VMCB_EXIT_WBINVD 0x089
#define VMCB_EXIT_XSETBV 0x08d
#define VMCB_EXIT_NPF 0x400
#define VMCB_EXIT_INVALID ((uint64_t)-1)
/* The same as QEMU 7.2 writes it (its exit codes are 32 bits wide). */
#define VMCB_EXIT_INVALID_32 0xffffffffull

/* IOIO exit information (EXITINFO1). */
#define VMCB_IOIO_IN (1u << 0)
#define VMCB_IOIO_STR (1u << 2)
#define VMCB_IOIO_REP (1u << 3)
#define VMCB_IOIO_SZ8 (1u << 4)
#define VMCB_IOIO_SZ16 (1u << 5)
#define VMCB_IOIO_SZ32 (1u << 6)
#define VMCB_IOIO_PORT_SHIFT 16

#endif
