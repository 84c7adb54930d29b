/* Intel VT-x: finding it and entering VMX operation (vmx/); running
 * guests is asm/vmx_ops.h's. */
#ifndef ASM_VMX_H
#define ASM_VMX_H

#include <asm/vmx_caps.h>

/* VMXON, VMCLEAR or VMPTRLD (insn) of the region at physical address pa:
 * false if it failed (VMfailInvalid in CF, VMfailValid in ZF). */
#define vmx_region_insn(insn, pa)                                                        \
	({                                                                               \
		bool failed_;                                                            \
		uint64_t pa_ = (pa);                                                     \
		__asm__ volatile(insn " %1; setbe %0" : "=qm"(failed_) : "m"(pa_)        \
				 : "cc", "memory");                                      \
		!failed_;                                                                \
	})

/* What vmx_probe() found on the boot CPU. */
extern struct vmx_caps vmx_caps;

/* Reads the boot CPU's VMX capabilities (enabling VMX in
 * IA32_FEATURE_CONTROL if the firmware left it unlocked), logs them and
 * every missing requirement, and enters and leaves VMX operation once;
 * true if all of tern's requirements are met and VMXON worked. */
bool vmx_probe(void);

/* One CPU's VMX operation (vmxon.c). */
struct vmx_cpu {
	void *region;        /* the VMXON region */
	uint64_t saved_cr0;  /* as they were before VMXON */
	uint64_t saved_cr4;
	bool on;
};

/* Sets CR0 and CR4 as VMX operation requires (CR4.VMXE and the fixed
 * bits) and executes VMXON; 0, or -errno with the reason logged. */
int vmx_cpu_on(struct vmx_cpu *c, const struct vmx_msrs *m, uint32_t revision_id);
/* VMXOFF, CR0 and CR4 as they were, the region freed. */
void vmx_cpu_off(struct vmx_cpu *c);

#endif
