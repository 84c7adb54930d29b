/*
 * The VM-entry checks on the guest state (Intel SDM vol. 3, "Checks on the
 * Guest State Area"), the ones tern's VMCS could break, for saying which
 * rule a refused entry broke: the CPU only says "invalid guest state".
 * Pure (vmx/entry_check.c), over values read back from the VMCS, so the
 * host unit tests run it.
 */
#ifndef ASM_VMX_ENTRY_CHECK_H
#define ASM_VMX_ENTRY_CHECK_H

#include <tern/types.h>

struct vmx_entry_state {
	uint64_t cr0, cr4, efer, rflags, link_pointer;
	uint32_t entry_controls, proc2_controls;
	uint32_t cs_ar, ss_ar, tr_ar;
	uint32_t interruptibility, activity, entry_intr_info;
	/* CR0 and CR4 in VMX operation: bits set in FIXED0 must be 1, bits
	 * clear in FIXED1 must be 0 (unrestricted guest frees CR0.PE and PG). */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* The first rule s breaks, or NULL. */
const char *vmx_entry_check(const struct vmx_entry_state *s);

/* What VM-instruction error n (the VMCS's instruction error field) means. */
const char *vmx_instruction_error_name(unsigned int n);

#endif
