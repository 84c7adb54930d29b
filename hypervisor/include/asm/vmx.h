/* Intel VT-x: so far, finding it (vmx/vmx.c); guests run under SVM only. */
#ifndef ASM_VMX_H
#define ASM_VMX_H

#include <asm/vmx_caps.h>

/* What vmx_probe() found on the boot CPU. */
extern struct vmx_caps vmx_caps;

/* Reads the boot CPU's VMX capabilities (enabling VMX in
 * IA32_FEATURE_CONTROL if the firmware left it unlocked), logs them and
 * every missing requirement; true if all of tern's requirements are met. */
bool vmx_probe(void);

#endif
