/*
 * CPUID for a vCPU: the policy (asm/cpuid_policy.h) with this host's
 * answers and the vCPU's state, and the intercepted instruction.
 */
#include <asm/cpu_state.h>
#include <asm/cpuid_policy.h>
#include <asm/creg_policy.h>
#include <asm/guest_walk.h>
#include <tern/domain.h>

#define INSN_LEN_CPUID 2

static struct cpuid_regs host_cpuid(uint32_t leaf, uint32_t subleaf)
{
	return cpuid(leaf, subleaf);
}

void hvm_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct cpuid_host host = { host_cpuid, cpu_state_xstate_host() };
	struct guest_paging p;
	struct cpuid_guest g;

	hvm->guest_paging(v, &p);
	g = (struct cpuid_guest){
		.passthrough = v->domain->passthrough,
		.apic_enabled = vlapic_enabled(&v->lapic),
		.apic_id = v->lapic.id,
		.vcpu_id = v->id,
		.domid = v->domain->id,
		.cr4 = p.cr4,
		.xcr0 = leaf == 0xd ? cpu_state_xcr0(v) : 0,
	};
	*out = cpuid_policy(&host, &g, leaf, subleaf);
}

void hvm_handle_cpuid(struct vcpu *v)
{
	uint64_t *rax = hvm->gpr(v, 0), *rcx = hvm->gpr(v, 1);
	struct cpuid_regs r;

	hvm_cpuid(v, (uint32_t)*rax, (uint32_t)*rcx, &r);
	*rax = r.eax;
	*hvm->gpr(v, 3) = r.ebx;
	*rcx = r.ecx;
	*hvm->gpr(v, 2) = r.edx;
	hvm->skip_instruction(v, INSN_LEN_CPUID);
}

void hvm_guest_creg_features(const struct vcpu *v, struct creg_features *f)
{
	struct cpuid_regs l1, l7, ext1, ext21;

	hvm_cpuid(v, 1, 0, &l1);
	hvm_cpuid(v, 7, 0, &l7);
	hvm_cpuid(v, 0x80000001, 0, &ext1);
	hvm_cpuid(v, 0x80000021, 0, &ext21);
	*f = (struct creg_features){
		.l1_ecx = l1.ecx, .l1_edx = l1.edx, .l7_ebx = l7.ebx, .l7_ecx = l7.ecx,
		.ext1_ecx = ext1.ecx, .ext1_edx = ext1.edx, .ext21_eax = ext21.eax,
	};
}

/* The host's leaf if it has it, else zeros (as for a guest). */
static struct cpuid_regs host_leaf(uint32_t leaf)
{
	uint32_t max = cpuid(leaf & 0x80000000u, 0).eax;

	return leaf <= max ? cpuid(leaf, 0) : (struct cpuid_regs){ 0, 0, 0, 0 };
}

void hvm_host_creg_features(struct creg_features *f)
{
	struct cpuid_regs l1 = host_leaf(1), l7 = host_leaf(7), ext1 = host_leaf(0x80000001);

	*f = (struct creg_features){
		.l1_ecx = l1.ecx, .l1_edx = l1.edx, .l7_ebx = l7.ebx, .l7_ecx = l7.ecx,
		.ext1_ecx = ext1.ecx, .ext1_edx = ext1.edx,
		.ext21_eax = host_leaf(0x80000021).eax,
	};
}
