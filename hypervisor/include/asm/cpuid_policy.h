/*
 * What a guest sees of CPUID: the host's processor, minus what the
 * hypervisor owns. Pure (hvm/cpuid_policy.c): the host's answers and the
 * guest's facts come in structs, so the host unit tests run it; hvm/cpuid.c
 * fills them in for a vCPU.
 */
#ifndef ASM_CPUID_POLICY_H
#define ASM_CPUID_POLICY_H

#include <asm/cpu.h>
#include <asm/xstate.h>
#include <tern/types.h>

struct cpuid_host {
	/* The host CPU's answer for a leaf and subleaf. */
	struct cpuid_regs (*cpuid)(uint32_t leaf, uint32_t subleaf);
	/* Its extended state, for what guests are offered of it (xstate.h). */
	const struct xstate_host *xstate;
};

/* What the answer depends on in the guest. */
struct cpuid_guest {
	bool passthrough;     /* dom0: the host's LAPIC, in xAPIC mode only */
	bool apic_enabled;    /* a domU's virtual LAPIC is enabled in APIC_BASE */
	uint32_t apic_id;     /* a domU vCPU's virtual APIC id */
	uint32_t vcpu_id;
	uint16_t domid;
	uint64_t cr4;         /* OSXSAVE and OSPKE follow it */
	uint64_t xcr0;        /* leaf 0xD's sizes follow it */
};

/*
 * The answer for leaf and subleaf. No nesting: SVM, VMX and SMX are hidden.
 * The hypervisor leaves (0x40000000..0x400000ff) are Xen's: the signature,
 * the ABI version, the hypercall page MSR and per-vCPU upcall vectors, which
 * make Linux run in Xen HVM mode. dom0 sees no x2APIC (tern follows its
 * LAPIC in xAPIC mode only). A domU sees its virtual LAPIC, x2APIC-capable,
 * its APIC id wherever the CPU reports one, the APIC bit following
 * APIC_BASE's enable, and no TSC-deadline timer, MTRRs or machine checks.
 * What shows of the extended state is xstate_cpuid()'s, the same for every
 * domain. Leaves the host does not have read as zero, as on the CPU.
 */
struct cpuid_regs cpuid_policy(const struct cpuid_host *h, const struct cpuid_guest *g,
			       uint32_t leaf, uint32_t subleaf);

#endif
