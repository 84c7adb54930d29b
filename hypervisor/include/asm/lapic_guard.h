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
	uint32_t apic_id;    /* xAPIC ID of dom0's CPU, as it was before dom0 ran */
	uint32_t logical_id; /* bits 24-31 of the LDR */
};

/*
 * Given the ICR_LOW value dom0 writes and its ICR_HIGH destination, returns
 * the ICR_LOW value to write to the real LAPIC: unchanged when the IPI names
 * dom0's own CPU by its physical ID (or the self shorthand), rewritten to
 * the self shorthand when a fixed IPI goes to a logical mask that includes
 * dom0 or is broadcast, or -EPERM when nothing of it may be sent. Only the
 * physical ID decides who else could be reached, and it is the one tern
 * read at boot (dom0's writes to the ID register are dropped): registers
 * dom0 can write never widen who an IPI reaches.
 */
int64_t lapic_guard_icr(uint32_t icr_low, uint32_t icr_high, const struct lapic_identity *self);

#endif
