/*
 * Why VMRUN refused a guest state: the consistency checks of AMD APM vol. 2
 * §15.5.1, applied to a VMCB after a #VMEXIT with exit code -1, so that the
 * report names the rule. Pure: the host's limits come in a struct.
 */
#ifndef ASM_VMCB_CHECK_H
#define ASM_VMCB_CHECK_H

#include <asm/creg_policy.h>
#include <asm/vmcb.h>

struct vmcb_limits {
	struct creg_features host;  /* the host CPU's CPUID words (which CR4/EFER bits exist) */
	unsigned int phys_bits;     /* physical address width (CPUID 0x80000008 EAX[7:0]) */
};

/* The first consistency rule vmcb breaks, or NULL if it breaks none of those
 * tern knows (then the processor or emulator refused it for another reason). */
const char *vmcb_check_state(const struct vmcb *vmcb, const struct vmcb_limits *lim);

#endif
