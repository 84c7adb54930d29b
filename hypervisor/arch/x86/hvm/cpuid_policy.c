/* What a guest sees of CPUID (asm/cpuid_policy.h). Pure. */
#include <asm/cpuid_policy.h>
#include <asm/x86-defs.h>
#include <public/hvm.h>

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
#define XEN_ABI_VERSION ((4u << 16) | 17) /* leaf base+1: Xen 4.17 */

static struct cpuid_regs xen_leaf(const struct cpuid_guest *g, uint32_t leaf)
{
	switch (leaf - XEN_CPUID_FIRST_LEAF) {
	case 0:
		return (struct cpuid_regs){ XEN_CPUID_FIRST_LEAF + 4, XEN_CPUID_SIGNATURE_EBX,
					    XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX };
	case 1:
		return (struct cpuid_regs){ XEN_ABI_VERSION, 0, 0, 0 };
	case 2:
		return (struct cpuid_regs){ 1, XEN_HYPERCALL_PAGE_MSR, 0, 0 };
	case 4:
		return (struct cpuid_regs){ XEN_HVM_CPUID_VCPU_ID_PRESENT |
					    XEN_HVM_CPUID_DOMID_PRESENT |
					    XEN_HVM_CPUID_UPCALL_VECTOR,
					    g->vcpu_id, g->domid, 0 };
	default:
		return (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

/* Whether the host CPU has this basic or extended leaf (others read as zero). */
static bool host_has_leaf(const struct cpuid_host *h, uint32_t leaf)
{
	if (leaf < HYPERVISOR_LEAVES_FIRST)
		return leaf <= h->cpuid(0, 0).eax;
	if (leaf >= 0x80000000u && leaf < 0x90000000u)
		return leaf <= h->cpuid(0x80000000u, 0).eax;
	return false;
}

/* Leaf 1 of a domU: its virtual LAPIC, and no MTRRs or machine checks. */
static void domu_leaf1(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->ecx = (r->ecx | LEAF1_ECX_X2APIC) & ~LEAF1_ECX_TSC_DEADLINE;
	r->edx = (r->edx | LEAF1_EDX_APIC) & ~(LEAF1_EDX_MTRR | LEAF1_EDX_MCE | LEAF1_EDX_MCA);
	if (!g->apic_enabled)
		r->edx &= ~LEAF1_EDX_APIC;
	r->ebx = (r->ebx & ((1u << LEAF1_EBX_APIC_ID_SHIFT) - 1)) |
		 (g->apic_id << LEAF1_EBX_APIC_ID_SHIFT);
}

struct cpuid_regs cpuid_policy(const struct cpuid_host *h, const struct cpuid_guest *g,
			       uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= HYPERVISOR_LEAVES_FIRST && leaf <= HYPERVISOR_LEAVES_LAST)
		r = xen_leaf(g, leaf);
	else if (host_has_leaf(h, leaf))
		r = h->cpuid(leaf, subleaf);
	xstate_cpuid(h->xstate, leaf, subleaf, g->cr4, leaf == 0xd ? g->xcr0 : 0, &r);
	switch (leaf) {
	case 1:
		r.ecx &= ~(LEAF1_ECX_X2APIC | L1_ECX_VMX | L1_ECX_SMX);
		r.ecx |= LEAF1_ECX_HYPERVISOR;
		if (!g->passthrough)
			domu_leaf1(g, &r);
		break;
	case 0xb:      /* x2APIC topology: EDX is the x2APIC id */
	case 0x1f:
		if (!g->passthrough)
			r.edx = g->apic_id;
		break;
	case 0x8000001e: /* AMD extended APIC id */
		if (!g->passthrough)
			r.eax = g->apic_id;
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
	return r;
}
