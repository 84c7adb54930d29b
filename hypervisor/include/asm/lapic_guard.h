/*
 * What dom0 may do with the interrupt command register of the LAPIC it owns.
 * dom0 runs alone on its CPU; the other CPUs belong to tern and its guests,
 * so dom0's IPIs may reach only itself, and never as INIT, STARTUP or SMI
 * (even to itself: that CPU is also the one tern runs dom0 from).
 */
#ifndef ASM_LAPIC_GUARD_H
#define ASM_LAPIC_GUARD_H

#include <tern/types.h>

#define ICR_VECTOR_MASK 0xffu
#define ICR_DELIVERY_MASK (7u << 8)
#define ICR_DELIVERY_FIXED (0u << 8)
#define ICR_DELIVERY_LOWEST (1u << 8)
#define ICR_DELIVERY_SMI (2u << 8)
#define ICR_DELIVERY_INIT (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_SHORTHAND_MASK (3u << 18)
#define ICR_SHORTHAND_NONE (0u << 18)
#define ICR_SHORTHAND_SELF (1u << 18)
#define ICR_SHORTHAND_ALL (2u << 18)
#define ICR_SHORTHAND_OTHERS (3u << 18)

struct lapic_identity {
	uint32_t apic_id;    /* xAPIC ID of a dom0 CPU, as it was before dom0 ran */
	uint32_t logical_id; /* bits 24-31 of its LDR */
};

/* dom0's CPUs (dom0 vCPU i runs on cpu[i]) and which of them writes. */
struct lapic_guard_cpus {
	unsigned int nr;
	unsigned int self;
	const struct lapic_identity *cpu;
};

enum lapic_route_kind {
	LAPIC_WRITE,      /* write icr_low to the real ICR, as dom0's ICR_HIGH stands */
	LAPIC_EACH,       /* send icr_low (physical) to each CPU in targets, one by one */
	LAPIC_START,      /* INIT or STARTUP to the vCPUs in targets: emulated */
};

struct lapic_route {
	enum lapic_route_kind kind;
	uint32_t icr_low;
	uint64_t targets;  /* bit i: dom0's vCPU i */
};

/*
 * Given the ICR_LOW value dom0 writes and its ICR_HIGH destination, decides
 * what reaches whom, or returns -EPERM when nothing of it may be sent.
 * Fixed, lowest-priority and NMI IPIs reach dom0's CPUs that the
 * destination names; INIT and STARTUP to another of dom0's CPUs start that
 * vCPU (emulated: the real CPU runs tern); SMI, and INIT or STARTUP to
 * dom0's writing CPU itself, never pass. With one dom0 CPU this is the old
 * rule: an IPI that names dom0's own CPU by physical ID passes unchanged, a
 * fixed IPI to a logical mask that includes dom0 or broadcast becomes a
 * self IPI. Only physical IDs (the ones tern read at boot: dom0's writes
 * to the ID register are dropped) and the LDRs dom0 wrote on its own CPUs
 * decide who is reached: registers dom0 can write never widen it to a CPU
 * that is not dom0's.
 */
int lapic_guard_route(uint32_t icr_low, uint32_t icr_high, const struct lapic_guard_cpus *cpus,
		      struct lapic_route *out);

#endif
