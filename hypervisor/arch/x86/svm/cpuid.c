/*
 * What a guest sees of CPUID: the host's processor, minus what the hypervisor
 * owns. SVM is hidden (no nesting), and the hypervisor leaves are Xen's.
 * dom0 sees no x2APIC (tern follows its LAPIC in xAPIC mode only); a domU
 * sees its virtual local APIC, x2APIC-capable (asm/vlapic.h), and its APIC
 * id everywhere the CPU reports one, but no TSC-deadline timer, MTRRs or
 * machine checks. Unknown leaves read as zero (the CPU's own answer for
 * them). VMX and SMX are hidden like SVM. What shows of the extended state (XSAVE, AVX, AVX-512,
 * PKU, leaf 0xD) is xstate_policy.c's, the same for every domain.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/creg_policy.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <asm/xstate.h>
#include <public/hvm.h>
#include <tern/domain.h>

#define LEAF1_ECX_X2APIC (1u << 21)
#define LEAF1_ECX_TSC_DEADLINE (1u << 24)
#define LEAF1_EBX_APIC_ID_SHIFT 24
#define LEAF1_EDX_APIC (1u << 9)
#define LEAF1_EDX_MCE (1u << 7)
#define LEAF1_EDX_MTRR (1u << 12)
#define LEAF1_EDX_MCA (1u << 14)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define EXT1_ECX_SVM (1u << 2)
#define HYPERVISOR_LEAVES_FIRST 0x40000000u
#define HYPERVISOR_LEAVES_LAST 0x400000ffu

/*
 * Xen's leaves, which make Linux run in Xen HVM mode: the signature, the ABI
 * version, the hypercall page MSR, and per-vCPU upcall vectors (base+4).
 */
static struct cpuid_regs xen_leaf(const struct vcpu *v, uint32_t leaf)
{
	switch (leaf - XEN_CPUID_FIRST_LEAF) {
	case 0:
		return (struct cpuid_regs){ XEN_CPUID_FIRST_LEAF + 4, XEN_CPUID_SIGNATURE_EBX,
					    XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX };
	case 1:
		return (struct cpuid_regs){ (4u << 16) | 17, 0, 0, 0 };
	case 2:
		return (struct cpuid_regs){ 1, XEN_HYPERCALL_PAGE_MSR, 0, 0 };
	case 4:
		return (struct cpuid_regs){ XEN_HVM_CPUID_VCPU_ID_PRESENT |
					    XEN_HVM_CPUID_DOMID_PRESENT |
					    XEN_HVM_CPUID_UPCALL_VECTOR,
					    v->id, v->domain->id, 0 };
	default:
		return (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

/* Whether the host CPU has this basic or extended leaf (others read as zero). */
static bool host_has_leaf(uint32_t leaf)
{
	if (leaf < HYPERVISOR_LEAVES_FIRST)
		return leaf <= cpuid(0, 0).eax;
	if (leaf >= 0x80000000u && leaf < 0x90000000u)
		return leaf <= cpuid(0x80000000u, 0).eax;
	return false;
}

void svm_cpuid_dom0(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= HYPERVISOR_LEAVES_FIRST && leaf <= HYPERVISOR_LEAVES_LAST)
		r = xen_leaf(v, leaf);
	else if (host_has_leaf(leaf))
		r = cpuid(leaf, subleaf);
	xstate_cpuid(cpu_state_xstate_host(), leaf, subleaf, v->vmcb->save.cr4,
		     leaf == 0xd ? cpu_state_xcr0(v) : 0, &r);
	switch (leaf) {
	case 1:
		r.ecx &= ~(LEAF1_ECX_X2APIC | L1_ECX_VMX | L1_ECX_SMX);
		r.ecx |= LEAF1_ECX_HYPERVISOR;
		if (!v->domain->passthrough) {
			r.ecx = (r.ecx | LEAF1_ECX_X2APIC) & ~LEAF1_ECX_TSC_DEADLINE;
			/* The APIC bit follows APIC_BASE's enable, as on hardware. */
			r.edx = (r.edx | LEAF1_EDX_APIC) &
				~(LEAF1_EDX_MTRR | LEAF1_EDX_MCE | LEAF1_EDX_MCA);
			if (!vlapic_enabled(&v->lapic))
				r.edx &= ~LEAF1_EDX_APIC;
			r.ebx = (r.ebx & ((1u << LEAF1_EBX_APIC_ID_SHIFT) - 1)) |
				(v->lapic.id << LEAF1_EBX_APIC_ID_SHIFT);
		}
		break;
	case 0xb:      /* x2APIC topology: EDX is the x2APIC id */
	case 0x1f:
		if (!v->domain->passthrough)
			r.edx = v->lapic.id;
		break;
	case 0x8000001e: /* AMD extended APIC id */
		if (!v->domain->passthrough)
			r.eax = v->lapic.id;
		break;
	case 0x80000001:
		r.ecx &= ~EXT1_ECX_SVM;
		break;
	case 0x8000000a: /* SVM features */
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	default:
		break;
	}
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}

void svm_guest_creg_features(const struct vcpu *v, struct creg_features *f)
{
	uint32_t r[4];

	svm_cpuid_dom0(v, 1, 0, r);
	f->l1_ecx = r[2];
	f->l1_edx = r[3];
	svm_cpuid_dom0(v, 7, 0, r);
	f->l7_ebx = r[1];
	f->l7_ecx = r[2];
	svm_cpuid_dom0(v, 0x80000001, 0, r);
	f->ext1_ecx = r[2];
	f->ext1_edx = r[3];
	svm_cpuid_dom0(v, 0x80000021, 0, r);
	f->ext21_eax = r[0];
}

void svm_host_creg_features(struct creg_features *f)
{
	struct cpuid_regs l1 = cpuid(1, 0), ext1 = cpuid(0x80000001, 0);
	struct cpuid_regs l7 = host_has_leaf(7) ? cpuid(7, 0) : (struct cpuid_regs){ 0 };

	*f = (struct creg_features){
		.l1_ecx = l1.ecx, .l1_edx = l1.edx, .l7_ebx = l7.ebx, .l7_ecx = l7.ecx,
		.ext1_ecx = ext1.ecx, .ext1_edx = ext1.edx,
		.ext21_eax = host_has_leaf(0x80000021) ? cpuid(0x80000021, 0).eax : 0,
	};
}
