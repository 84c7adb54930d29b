/*
 * Which MSRs a guest has, and where an intercepted access goes. Pure
 * (hvm/msr_policy.c), so the host unit tests run it; hvm/msr.c carries the
 * answer out for a vCPU, and the vendor's permission map is built from the
 * lists here.
 *
 * dom0 reaches almost every MSR natively; only those the hypervisor owns
 * are intercepted: EFER (the vendor's enable bit must stay set and hidden;
 * writes follow creg_policy.h), APIC_BASE writes (no x2APIC, no relocation:
 * tern follows dom0's LAPIC at its firmware address), TSC_AUX writes (it is
 * switched per vCPU) and the vendor's own MSRs. A domU reaches natively only
 * the MSRs the CPU keeps per guest; its LAPIC is virtual, it has its own
 * DEBUGCTL (LBR and BTF, as Xen gives HVM guests on AMD), and the few MSRs
 * Linux reads without checking are answered. Everything else is #GP, as on
 * a CPU that does not have the MSR.
 */
#ifndef ASM_MSR_POLICY_H
#define ASM_MSR_POLICY_H

#include <tern/types.h>

enum msr_route {
	MSR_ROUTE_VENDOR,         /* the value lives in the vendor's state, or #GP */
	MSR_ROUTE_VLAPIC,         /* a domU's virtual x2APIC registers */
	MSR_ROUTE_APIC_BASE,
	MSR_ROUTE_EFER,           /* writes: checked against creg_policy.h first */
	MSR_ROUTE_DEBUGCTL,       /* writes: msr_debugctl_valid() first */
	MSR_ROUTE_TSC_AUX,        /* writes: switched per vCPU */
	MSR_ROUTE_HYPERCALL_PAGE, /* writes: the page is filled in */
	MSR_ROUTE_ZERO,           /* reads 0, writes are ignored */
	MSR_ROUTE_GP,             /* not this guest's: #GP */
};

/* Where a guest's intercepted RDMSR (write false) or WRMSR of msr goes
 * (passthrough: dom0). */
enum msr_route msr_route(uint32_t msr, bool write, bool passthrough);

/* A domU's DEBUGCTL value: LBR and BTF only (BTS and the rest: #GP). */
bool msr_debugctl_valid(uint64_t value);

/* dom0 writing its real APIC_BASE (now: current): the enable and BSP bits
 * may change, x2APIC mode and a new address may not. */
bool msr_dom0_apic_base_valid(uint64_t current, uint64_t value);

/* MSRs a domU uses natively: the CPU keeps them per guest. */
extern const uint32_t msr_domu_native[];
extern const unsigned int msr_domu_native_count;

/* MSRs intercepted even for dom0 (reads and writes; see above for why),
 * besides the vendor's own. */
struct msr_intercept {
	uint32_t msr;
	bool read, write;
};
extern const struct msr_intercept msr_always_intercepted[];
extern const unsigned int msr_always_intercepted_count;

#endif
