/*
 * Whether this CPU's Intel VT-x can run tern's guests, decided from its VMX
 * capability MSRs alone. Pure (vmx/vmx_caps.c), so the host unit tests feed
 * it the values real and emulated CPUs report; vmx/vmx.c reads the MSRs.
 *
 * tern needs what its AMD path gets from SVM with nested paging: EPT (4-level
 * walks, write-back tables, 2 MiB pages, as svm/npt_build.c builds its
 * tables), VPID with INVVPID, unrestricted guest (vCPUs start in real mode or
 * with paging off), I/O and MSR bitmaps, and the entry/exit controls that
 * switch EFER and PAT and return to a 64-bit host.
 */
#ifndef ASM_VMX_CAPS_H
#define ASM_VMX_CAPS_H

#include <tern/types.h>

/* Architectural MSRs (Intel SDM vol. 3, appendix A). */
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490

#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK 0x7fffffffull
#define VMX_BASIC_REGION_SIZE(b) ((unsigned int)(((b) >> 32) & 0x1fff))
#define VMX_BASIC_32BIT_ADDRESSES (1ull << 48)
#define VMX_BASIC_MEMTYPE(b) ((unsigned int)(((b) >> 50) & 0xf))
#define VMX_BASIC_TRUE_CTLS (1ull << 55)
#define VMX_MEMTYPE_WB 6

/* Pin-based VM-execution controls */
#define VMX_PIN_EXT_INTR_EXITING (1u << 0)
#define VMX_PIN_NMI_EXITING (1u << 3)
#define VMX_PIN_VIRTUAL_NMIS (1u << 5)
/* Primary processor-based VM-execution controls */
#define VMX_PROC_INTR_WINDOW_EXITING (1u << 2)
#define VMX_PROC_HLT_EXITING (1u << 7)
#define VMX_PROC_NMI_WINDOW_EXITING (1u << 22)
#define VMX_PROC_IO_BITMAPS (1u << 25)
#define VMX_PROC_MSR_BITMAPS (1u << 28)
#define VMX_PROC_SECONDARY_CTLS (1u << 31)
/* Secondary processor-based VM-execution controls */
#define VMX_PROC2_EPT (1u << 1)
#define VMX_PROC2_VPID (1u << 5)
#define VMX_PROC2_RDTSCP (1u << 3)
#define VMX_PROC2_UNRESTRICTED_GUEST (1u << 7)
#define VMX_PROC2_INVPCID (1u << 12)
#define VMX_PROC2_XSAVES (1u << 20)
/* VM-exit controls */
#define VMX_EXIT_SAVE_DEBUG_CTLS (1u << 2)
#define VMX_EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define VMX_EXIT_SAVE_PAT (1u << 18)
#define VMX_EXIT_LOAD_PAT (1u << 19)
#define VMX_EXIT_SAVE_EFER (1u << 20)
#define VMX_EXIT_LOAD_EFER (1u << 21)
/* VM-entry controls */
#define VMX_ENTRY_LOAD_DEBUG_CTLS (1u << 2)
#define VMX_ENTRY_IA32E_MODE (1u << 9)
#define VMX_ENTRY_LOAD_PAT (1u << 14)
#define VMX_ENTRY_LOAD_EFER (1u << 15)

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_WALK_4 (1ull << 6)
#define VMX_EPT_MEMTYPE_WB (1ull << 14)
#define VMX_EPT_2M_PAGES (1ull << 16)
#define VMX_EPT_1G_PAGES (1ull << 17)
#define VMX_EPT_INVEPT (1ull << 20)
#define VMX_EPT_AD_BITS (1ull << 21)
#define VMX_EPT_INVEPT_SINGLE (1ull << 25)
#define VMX_EPT_INVEPT_ALL (1ull << 26)
#define VMX_VPID_INVVPID (1ull << 32)
#define VMX_VPID_INVVPID_ADDRESS (1ull << 40)
#define VMX_VPID_INVVPID_SINGLE (1ull << 41)
#define VMX_VPID_INVVPID_ALL (1ull << 42)

/* What the CPU reports. vmx.c reads an MSR only where the CPU says it
 * exists (the vmx_has_* tests below) and leaves the others 0. */
struct vmx_msrs {
	uint64_t feature_control;
	uint64_t basic;
	uint64_t pinbased, procbased, exit, entry;
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t procbased2;
	uint64_t ept_vpid_cap;
	/* CR0 and CR4 in VMX operation: bits set in FIXED0 must be 1, bits
	 * clear in FIXED1 must be 0. */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

bool vmx_has_true_ctls(const struct vmx_msrs *m);
bool vmx_has_secondary_ctls(const struct vmx_msrs *m);
bool vmx_has_ept_vpid_cap(const struct vmx_msrs *m);

/* IA32_FEATURE_CONTROL as found: what tern does with it. */
enum vmx_feature_control_action {
	VMX_FC_ENABLED,  /* locked with VMX outside SMX on: nothing to do */
	VMX_FC_WRITE,    /* unlocked: tern enables VMX and locks it (as Xen does) */
	VMX_FC_DISABLED, /* locked with VMX off: only the firmware setup can enable it */
};
enum vmx_feature_control_action vmx_feature_control_plan(uint64_t value, uint64_t *write);

/* Each capability tern requires; missing ones are reported by name. */
enum vmx_requirement {
	VMX_REQ_ENABLED,
	VMX_REQ_WB_REGIONS,
	VMX_REQ_64BIT_ADDRESSES,
	VMX_REQ_EXT_INTR_EXITING,
	VMX_REQ_NMI_EXITING,
	VMX_REQ_VIRTUAL_NMIS,
	VMX_REQ_INTR_WINDOW_EXITING,
	VMX_REQ_HLT_EXITING,
	VMX_REQ_IO_BITMAPS,
	VMX_REQ_MSR_BITMAPS,
	VMX_REQ_SECONDARY_CTLS,
	VMX_REQ_EPT,
	VMX_REQ_VPID,
	VMX_REQ_UNRESTRICTED_GUEST,
	VMX_REQ_EXIT_64BIT_HOST,
	VMX_REQ_EXIT_EFER,
	VMX_REQ_EXIT_PAT,
	VMX_REQ_ENTRY_IA32E,
	VMX_REQ_ENTRY_EFER,
	VMX_REQ_ENTRY_PAT,
	VMX_REQ_EPT_WALK_4,
	VMX_REQ_EPT_WB,
	VMX_REQ_EPT_2M_PAGES,
	VMX_REQ_INVEPT,
	VMX_REQ_INVVPID,
	VMX_NR_REQUIREMENTS
};
_Static_assert(VMX_NR_REQUIREMENTS <= 32, "vmx_caps.missing has one bit per requirement");

/* What the requirement is and where the CPU reports it, for the boot log. */
const char *vmx_requirement_name(enum vmx_requirement r);

/* The verdict, and the VM-execution, exit and entry controls a VMCS gets:
 * tern's required bits plus those the CPU forces to 1, plus the optional
 * ones the CPU allows (what SVM does without asking: RDTSCP, INVPCID and
 * XSAVES run in the guest, DR7 and DEBUGCTL switch with it). */
struct vmx_caps {
	uint32_t missing;     /* bit n: requirement n is missing; 0: usable */
	uint32_t revision_id; /* of the VMXON region and every VMCS */
	unsigned int region_size;
	uint32_t pin, proc, proc2, exit, entry;
	bool ept_1g_pages, ept_ad_bits;
	bool invept_single, invvpid_single, invvpid_address;
};

void vmx_caps_decide(const struct vmx_msrs *m, struct vmx_caps *caps);

/* A control register's value for VMX operation: cur with the bits FIXED0
 * forces on set, in *out. False if cur has a bit FIXED1 forbids: tern does
 * not turn off what it runs with. */
bool vmx_fixed_cr(uint64_t cur, uint64_t fixed0, uint64_t fixed1, uint64_t *out);

#endif
