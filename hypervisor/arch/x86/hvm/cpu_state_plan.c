/* Whether a pCPU must load a vCPU's state, and flush predictors, before it
 * runs there (asm/cpu_state.h). Pure. */
#include <asm/cpu_state.h>

struct cpu_state_switch cpu_state_plan(struct cpu_state_pcpu *pcpu, unsigned int cpu,
				       const void *vcpu, const void *domain, int *loaded_on,
				       uint64_t frees, bool ibpb_available)
{
	struct cpu_state_switch sw = {
		/* The registers may hold a state of this vCPU from before it ran
		 * elsewhere: only the last load counts. */
		.load = pcpu->loaded != vcpu || *loaded_on != (int)cpu,
		.ibpb = ibpb_available && pcpu->last_domain &&
			(pcpu->last_domain != domain || pcpu->frees_seen != frees),
	};

	pcpu->loaded = vcpu;
	pcpu->last_domain = domain;
	pcpu->frees_seen = frees;
	*loaded_on = (int)cpu;
	return sw;
}
