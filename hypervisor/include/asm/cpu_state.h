/*
 * The CPU state of a vCPU that VMRUN does not switch: the extended state
 * (x87, SSE, AVX... with XCR0), TSC_AUX and DR0-DR3 (DR6, DR7 and DEBUGCTL
 * live in the VMCB). Each pCPU remembers whose state its registers hold.
 * A vCPU's state is saved when its slice ends, on the pCPU it ran on, so
 * it may run anywhere next; it is loaded when the vCPU runs on a pCPU whose
 * registers hold anyone else's. Between domains the branch predictors are
 * flushed (IBPB) where the CPU can. The hypervisor itself never touches
 * these registers (it is built with -mgeneral-regs-only and uses no debug
 * registers), so host work between two trips into a guest needs nothing.
 */
#ifndef ASM_CPU_STATE_H
#define ASM_CPU_STATE_H

#include <tern/types.h>

struct vcpu;
struct xsave_area;
struct xstate_host;

struct vcpu_cpu_state {
	struct xsave_area *fpu;  /* its extended state while not in the registers */
	uint64_t xcr0;           /* its XCR0 */
	uint64_t tsc_aux;        /* what RDTSCP and RDPID return to it */
	uint64_t dr[4];          /* DR0-DR3 */
	int loaded_on;           /* the pCPU whose registers hold its state; -1: none */
};

/* A pCPU's view. */
struct cpu_state_pcpu {
	const void *loaded;      /* the vCPU whose state the registers hold (compared, never used) */
	const void *last_domain; /* the domain whose vCPU ran here last */
	uint64_t frees_seen;     /* vCPUs freed anywhere when it ran */
	uint64_t xcr0;           /* what XCR0 holds */
};

/* What running a vCPU on a pCPU takes (cpu_state_plan.c, pure). */
struct cpu_state_switch {
	bool load;  /* its state must be loaded into the registers */
	bool ibpb;  /* another domain ran here: flush the branch predictors */
};

/*
 * Decides, and records, that vcpu (of domain) runs on pCPU cpu next. Its
 * state is in the registers only if this pCPU loaded it last and it has not
 * been loaded anywhere since (*loaded_on). ibpb_available: the CPU has IBPB.
 * frees: how many vCPUs have been freed so far; after a free, a domain at
 * the last one's address may be a new one, so it gets IBPB too.
 */
struct cpu_state_switch cpu_state_plan(struct cpu_state_pcpu *pcpu, unsigned int cpu,
				       const void *vcpu, const void *domain, int *loaded_on,
				       uint64_t frees, bool ibpb_available);

/* Reads what the CPU has (XSAVE components and sizes, IBPB, TSC_AUX) and
 * says what is used; once, on the boot CPU, before any CPU enables guests. */
void cpu_state_probe(void);
/* Sets this CPU up to save and restore guests' state (CR0, CR4, XCR0). */
void cpu_state_cpu_init(void);
/* The host's extended-state facts (for CPUID). */
const struct xstate_host *cpu_state_xstate_host(void);

/* Gives the vCPU its architectural reset state: x87 FCW 0x37f, MXCSR
 * 0x1f80, XCR0 = x87, registers zero, TSC_AUX and DR0-DR3 zero.
 * 0 or -ENOMEM. */
int cpu_state_vcpu_init(struct vcpu *v);
void cpu_state_vcpu_free(struct vcpu *v);

/* Before v runs on this pCPU: its state into the registers, if needed. */
void cpu_state_load(struct vcpu *v);
/* After v's slice on this pCPU: its state from the registers. */
void cpu_state_save(struct vcpu *v);

/* XSETBV by v (loaded here): 0, or -EINVAL (the guest gets #GP). */
int cpu_state_set_xcr0(struct vcpu *v, uint32_t index, uint64_t value);
/* v's XCR0 as the guest last set it (from XCR0 itself while v runs here). */
uint64_t cpu_state_xcr0(const struct vcpu *v);
/* WRMSR TSC_AUX by v (loaded here): 0, or -EINVAL (#GP). */
int cpu_state_set_tsc_aux(struct vcpu *v, uint64_t value);

#endif
