/* Control-register writes a vCPU makes, checked (asm/creg_policy.h) against
 * what its CPUID shows and its state; and #GP, the answer to a refused one. */
#include <asm/creg_policy.h>
#include <asm/guest_walk.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/domain.h>

#define X86_EXC_GP 13

bool hvm_creg_write_allowed(struct vcpu *v, const char *reg, creg_check_fn check, uint64_t value)
{
	struct guest_paging p;
	struct creg_state state;
	struct creg_features f;
	const char *why;

	hvm->guest_paging(v, &p);
	state = (struct creg_state){ p.cr0, p.cr3, p.cr4, p.efer };
	hvm_guest_creg_features(v, &f);
	why = check(&f, &state, value);
	if (why)
		pr_debug("d%uv%u: %s %#lx refused: %s\n", v->domain->id, v->id, reg,
			 (unsigned long)value, why);
	return !why;
}

void hvm_inject_gp(struct vcpu *v)
{
	struct guest_paging p;

	hvm->guest_paging(v, &p);
	hvm->inject_exception(v, X86_EXC_GP, p.cr0 & X86_CR0_PE, 0);
}
