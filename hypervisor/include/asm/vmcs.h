/*
 * The VMCS (Intel SDM vol. 3, appendix B): its fields are reached only by
 * VMREAD and VMWRITE with an encoding, never by layout. Each encoding is
 * defined once, here, with the width the SDM gives it; bits 14:13 of an
 * encoding say its width too, and a compile-time check per field holds the
 * two together. Only vmx/ includes this.
 */
#ifndef ASM_VMCS_H
#define ASM_VMCS_H

#include <tern/types.h>

/* Width in bits 14:13 of an encoding; bit 0 (the high half of a 64-bit field) stays 0. */
#define VMCS_W16 0
#define VMCS_W64 1
#define VMCS_W32 2
#define VMCS_WNAT 3
#define VMCS_FIELD_WIDTH(f) (((f) >> 13) & 3)

/* name, encoding, width */
#define VMCS_FIELDS(X) \
	X(VPID, 0x0000, W16) \
	X(GUEST_ES_SEL, 0x0800, W16) X(GUEST_CS_SEL, 0x0802, W16) X(GUEST_SS_SEL, 0x0804, W16) \
	X(GUEST_DS_SEL, 0x0806, W16) X(GUEST_FS_SEL, 0x0808, W16) X(GUEST_GS_SEL, 0x080a, W16) \
	X(GUEST_LDTR_SEL, 0x080c, W16) X(GUEST_TR_SEL, 0x080e, W16) \
	X(HOST_ES_SEL, 0x0c00, W16) X(HOST_CS_SEL, 0x0c02, W16) X(HOST_SS_SEL, 0x0c04, W16) \
	X(HOST_DS_SEL, 0x0c06, W16) X(HOST_FS_SEL, 0x0c08, W16) X(HOST_GS_SEL, 0x0c0a, W16) \
	X(HOST_TR_SEL, 0x0c0c, W16) \
	X(IO_BITMAP_A, 0x2000, W64) X(IO_BITMAP_B, 0x2002, W64) X(MSR_BITMAP, 0x2004, W64) \
	X(TSC_OFFSET, 0x2010, W64) X(EPT_POINTER, 0x201a, W64) \
	X(GUEST_PHYSICAL_ADDRESS, 0x2400, W64) \
	X(VMCS_LINK_POINTER, 0x2800, W64) X(GUEST_DEBUGCTL, 0x2802, W64) \
	X(GUEST_PAT, 0x2804, W64) X(GUEST_EFER, 0x2806, W64) \
	X(HOST_PAT, 0x2c00, W64) X(HOST_EFER, 0x2c02, W64) \
	X(PIN_CONTROLS, 0x4000, W32) X(PROC_CONTROLS, 0x4002, W32) \
	X(EXCEPTION_BITMAP, 0x4004, W32) X(CR3_TARGET_COUNT, 0x400a, W32) \
	X(EXIT_CONTROLS, 0x400c, W32) X(EXIT_MSR_STORE_COUNT, 0x400e, W32) \
	X(EXIT_MSR_LOAD_COUNT, 0x4010, W32) X(ENTRY_CONTROLS, 0x4012, W32) \
	X(ENTRY_MSR_LOAD_COUNT, 0x4014, W32) X(ENTRY_INTR_INFO, 0x4016, W32) \
	X(ENTRY_EXCEPTION_ERROR, 0x4018, W32) X(ENTRY_INSTRUCTION_LEN, 0x401a, W32) \
	X(PROC2_CONTROLS, 0x401e, W32) \
	X(INSTRUCTION_ERROR, 0x4400, W32) X(EXIT_REASON, 0x4402, W32) \
	X(EXIT_INTR_INFO, 0x4404, W32) \
	X(IDT_VECTORING_INFO, 0x4408, W32) X(IDT_VECTORING_ERROR, 0x440a, W32) \
	X(EXIT_INSTRUCTION_LEN, 0x440c, W32) \
	X(GUEST_ES_LIMIT, 0x4800, W32) X(GUEST_CS_LIMIT, 0x4802, W32) X(GUEST_SS_LIMIT, 0x4804, W32) \
	X(GUEST_DS_LIMIT, 0x4806, W32) X(GUEST_FS_LIMIT, 0x4808, W32) X(GUEST_GS_LIMIT, 0x480a, W32) \
	X(GUEST_LDTR_LIMIT, 0x480c, W32) X(GUEST_TR_LIMIT, 0x480e, W32) \
	X(GUEST_GDTR_LIMIT, 0x4810, W32) X(GUEST_IDTR_LIMIT, 0x4812, W32) \
	X(GUEST_ES_AR, 0x4814, W32) X(GUEST_CS_AR, 0x4816, W32) X(GUEST_SS_AR, 0x4818, W32) \
	X(GUEST_DS_AR, 0x481a, W32) X(GUEST_FS_AR, 0x481c, W32) X(GUEST_GS_AR, 0x481e, W32) \
	X(GUEST_LDTR_AR, 0x4820, W32) X(GUEST_TR_AR, 0x4822, W32) \
	X(GUEST_INTERRUPTIBILITY, 0x4824, W32) X(GUEST_ACTIVITY_STATE, 0x4826, W32) \
	X(GUEST_SYSENTER_CS, 0x482a, W32) X(HOST_SYSENTER_CS, 0x4c00, W32) \
	X(CR0_GUEST_HOST_MASK, 0x6000, WNAT) X(CR4_GUEST_HOST_MASK, 0x6002, WNAT) \
	X(CR0_READ_SHADOW, 0x6004, WNAT) X(CR4_READ_SHADOW, 0x6006, WNAT) \
	X(EXIT_QUALIFICATION, 0x6400, WNAT) \
	X(GUEST_CR0, 0x6800, WNAT) X(GUEST_CR3, 0x6802, WNAT) X(GUEST_CR4, 0x6804, WNAT) \
	X(GUEST_ES_BASE, 0x6806, WNAT) X(GUEST_CS_BASE, 0x6808, WNAT) X(GUEST_SS_BASE, 0x680a, WNAT) \
	X(GUEST_DS_BASE, 0x680c, WNAT) X(GUEST_FS_BASE, 0x680e, WNAT) X(GUEST_GS_BASE, 0x6810, WNAT) \
	X(GUEST_LDTR_BASE, 0x6812, WNAT) X(GUEST_TR_BASE, 0x6814, WNAT) \
	X(GUEST_GDTR_BASE, 0x6816, WNAT) X(GUEST_IDTR_BASE, 0x6818, WNAT) \
	X(GUEST_DR7, 0x681a, WNAT) X(GUEST_RSP, 0x681c, WNAT) X(GUEST_RIP, 0x681e, WNAT) \
	X(GUEST_RFLAGS, 0x6820, WNAT) X(GUEST_PENDING_DBG, 0x6822, WNAT) \
	X(GUEST_SYSENTER_ESP, 0x6824, WNAT) X(GUEST_SYSENTER_EIP, 0x6826, WNAT) \
	X(HOST_CR0, 0x6c00, WNAT) X(HOST_CR3, 0x6c02, WNAT) X(HOST_CR4, 0x6c04, WNAT) \
	X(HOST_FS_BASE, 0x6c06, WNAT) X(HOST_GS_BASE, 0x6c08, WNAT) X(HOST_TR_BASE, 0x6c0a, WNAT) \
	X(HOST_GDTR_BASE, 0x6c0c, WNAT) X(HOST_IDTR_BASE, 0x6c0e, WNAT) \
	X(HOST_SYSENTER_ESP, 0x6c10, WNAT) X(HOST_SYSENTER_EIP, 0x6c12, WNAT) \
	X(HOST_RSP, 0x6c14, WNAT) X(HOST_RIP, 0x6c16, WNAT)

enum vmcs_field {
#define VMCS_ENUM(name, enc, width) VMCS_##name = enc,
	VMCS_FIELDS(VMCS_ENUM)
#undef VMCS_ENUM
};

#define VMCS_CHECK(name, enc, width)                                                    \
	_Static_assert(VMCS_FIELD_WIDTH(enc) == VMCS_##width && !((enc) & 1),          \
		       "VMCS field " #name ": encoding and width disagree");
VMCS_FIELDS(VMCS_CHECK)
#undef VMCS_CHECK

/*
 * The eight segment registers' fields follow one pattern (ES, CS, SS, DS,
 * FS, GS, LDTR, TR, two apart), so the guest state is set in a loop.
 */
enum vmcs_seg { VMCS_SEG_ES, VMCS_SEG_CS, VMCS_SEG_SS, VMCS_SEG_DS, VMCS_SEG_FS, VMCS_SEG_GS,
		VMCS_SEG_LDTR, VMCS_SEG_TR, VMCS_NR_SEGS };
#define VMCS_GUEST_SEL(s) (VMCS_GUEST_ES_SEL + 2 * (s))
#define VMCS_GUEST_LIMIT(s) (VMCS_GUEST_ES_LIMIT + 2 * (s))
#define VMCS_GUEST_AR(s) (VMCS_GUEST_ES_AR + 2 * (s))
#define VMCS_GUEST_BASE(s) (VMCS_GUEST_ES_BASE + 2 * (s))
_Static_assert(VMCS_GUEST_SEL(VMCS_SEG_TR) == VMCS_GUEST_TR_SEL &&
	       VMCS_GUEST_LIMIT(VMCS_SEG_TR) == VMCS_GUEST_TR_LIMIT &&
	       VMCS_GUEST_AR(VMCS_SEG_TR) == VMCS_GUEST_TR_AR &&
	       VMCS_GUEST_BASE(VMCS_SEG_TR) == VMCS_GUEST_TR_BASE &&
	       VMCS_GUEST_AR(VMCS_SEG_SS) == VMCS_GUEST_SS_AR, "segment field pattern");

/* Segment access rights (the descriptor's bits 40-55, bit 16: unusable). */
#define VMCS_AR_CODE32 0xc09b   /* execute/read, accessed, present, D, G */
#define VMCS_AR_DATA32 0xc093   /* read/write, accessed, present, B, G */
#define VMCS_AR_CODE16 0x009b
#define VMCS_AR_DATA16 0x0093
#define VMCS_AR_TSS_BUSY 0x008b /* busy 32-bit TSS */
#define VMCS_AR_UNUSABLE (1u << 16)
#define VMCS_AR_L (1u << 13)
#define VMCS_AR_DB (1u << 14)
#define VMCS_AR_DPL(ar) (((ar) >> 5) & 3)

/* Basic exit reasons (SDM vol. 3, appendix C). */
#define VMX_EXIT_EXCEPTION_NMI 0
#define VMX_EXIT_EXTERNAL_INTR 1
#define VMX_EXIT_TRIPLE_FAULT 2
#define VMX_EXIT_INTR_WINDOW 7
#define VMX_EXIT_NMI_WINDOW 8
#define VMX_EXIT_CPUID 10
#define VMX_EXIT_GETSEC 11
#define VMX_EXIT_HLT 12
#define VMX_EXIT_INVD 13
#define VMX_EXIT_VMCALL 18
#define VMX_EXIT_VMCLEAR 19
#define VMX_EXIT_VMLAUNCH 20
#define VMX_EXIT_VMPTRLD 21
#define VMX_EXIT_VMPTRST 22
#define VMX_EXIT_VMREAD 23
#define VMX_EXIT_VMRESUME 24
#define VMX_EXIT_VMWRITE 25
#define VMX_EXIT_VMXOFF 26
#define VMX_EXIT_VMXON 27
#define VMX_EXIT_CR_ACCESS 28
#define VMX_EXIT_IO 30
#define VMX_EXIT_RDMSR 31
#define VMX_EXIT_WRMSR 32
#define VMX_EXIT_INVALID_GUEST_STATE 33
#define VMX_EXIT_MSR_LOADING 34
#define VMX_EXIT_MCE_DURING_ENTRY 41
#define VMX_EXIT_EPT_VIOLATION 48
#define VMX_EXIT_EPT_MISCONFIG 49
#define VMX_EXIT_INVEPT 50
#define VMX_EXIT_INVVPID 53
#define VMX_EXIT_WBINVD 54
#define VMX_EXIT_XSETBV 55
#define VMX_EXIT_VMFUNC 59
#define VMX_EXIT_REASON_BASIC(r) ((r) & 0xffff)
#define VMX_EXIT_REASON_ENTRY_FAILED (1u << 31)

/* Interruption information (entry, exit, IDT vectoring). */
#define VMX_INTR_VECTOR(i) ((i) & 0xff)
#define VMX_INTR_TYPE_EXT_INTR (0u << 8)
#define VMX_INTR_TYPE_NMI (2u << 8)
#define VMX_INTR_TYPE_HW_EXCEPTION (3u << 8)
#define VMX_INTR_TYPE_MASK (7u << 8)
#define VMX_INTR_ERROR_VALID (1u << 11)
#define VMX_INTR_VALID (1u << 31)

/* Guest interruptibility state: blocking by STI, by MOV SS, by NMI (with
 * virtual NMIs: the guest is in the handler of an injected NMI). */
#define VMX_INTERRUPTIBILITY_STI (1u << 0)
#define VMX_INTERRUPTIBILITY_MOV_SS (1u << 1)
#define VMX_INTERRUPTIBILITY_NMI (1u << 3)
/* In an EPT violation's qualification and an exception exit's interruption
 * information: the exit came in an IRET that had unblocked NMIs. */
#define VMX_NMI_UNBLOCKED_BY_IRET (1u << 12)

/* Exit qualifications. */
#define VMX_IO_SIZE(q) (((q) & 7) + 1)
#define VMX_IO_IN (1u << 3)
#define VMX_IO_STRING (1u << 4)
#define VMX_IO_REP (1u << 5)
#define VMX_CR_NUMBER(q) ((q) & 15)
#define VMX_CR_ACCESS_TYPE(q) (((q) >> 4) & 3) /* 0: MOV to CR */
#define VMX_CR_GPR(q) (((q) >> 8) & 15)
#define VMX_EPT_WRITE (1u << 1)
#define VMX_EPT_PERMS (7u << 3)                /* what the translation allowed: any, mapped */

static inline bool vmcs_write(enum vmcs_field f, uint64_t value)
{
	bool failed;

	__asm__ volatile("vmwrite %2, %1; setbe %0" : "=qm"(failed)
			 : "r"((uint64_t)f), "rm"(value) : "cc", "memory");
	return !failed;
}

/* The current VMCS's field; 0 if it cannot be read (a field the CPU lacks). */
static inline uint64_t vmcs_read(enum vmcs_field f)
{
	uint64_t value = 0;

	__asm__ volatile("vmread %1, %0" : "+rm"(value) : "r"((uint64_t)f) : "cc");
	return value;
}

#endif
