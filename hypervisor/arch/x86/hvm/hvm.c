/* Choosing the virtualization extension once at boot, so one tern.gz runs on either vendor. */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <asm/vmx_ops.h>
#include <tern/console.h>

#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_80000001_ECX_SVM (1u << 2)

const struct hvm_ops *hvm;

const struct hvm_ops *hvm_probe(void)
{
	if (cpuid(1, 0).ecx & CPUID_1_ECX_VMX) {
		pr_info("HVM: Intel VT-x (VMX)\n");
		if (vmx_probe()) {
			pr_info("HVM: running guests under VMX with EPT and VPID\n");
			return &vmx_ops;
		}
		pr_err("HVM: VMX cannot run tern's guests (see the VMX lines above)\n");
		return NULL;
	}
	if (cpuid(0x80000000, 0).eax >= 0x80000001 &&
	    cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM) {
		pr_info("HVM: AMD-V (SVM)\n");
		return svm_probe() ? &svm_ops : NULL;
	}
	pr_err("HVM: this CPU has neither Intel VT-x (VMX) nor AMD-V (SVM)\n");
	return NULL;
}
