/*
 * What dom0 sees of CPUID: the host's processor, minus what the hypervisor
 * owns. SVM is hidden (dom0 cannot nest), x2APIC is hidden (tern follows
 * dom0's LAPIC in xAPIC mode only), and the hypervisor leaves are tern's.
 */
#include <asm/cpu.h>
#include <asm/svm.h>

#define LEAF1_ECX_X2APIC (1u << 21)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define EXT1_ECX_SVM (1u << 2)
#define HYPERVISOR_LEAVES_FIRST 0x40000000u
#define HYPERVISOR_LEAVES_LAST 0x400000ffu

void svm_cpuid_dom0(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf < HYPERVISOR_LEAVES_FIRST || leaf > HYPERVISOR_LEAVES_LAST)
		r = cpuid(leaf, subleaf);
	switch (leaf) {
	case 1:
		r.ecx &= ~LEAF1_ECX_X2APIC;
		r.ecx |= LEAF1_ECX_HYPERVISOR;
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
