/* Filtering dom0's IPIs (pure: tested on the host). */
#include <asm/lapic_guard.h>
#include <tern/errno.h>

#define ICR_DELIVERY_NMI (4u << 8)

static uint32_t mode_of(uint32_t icr_low)
{
	return icr_low & ICR_DELIVERY_MASK;
}

static bool is_fixed(uint32_t icr_low)
{
	return mode_of(icr_low) == ICR_DELIVERY_FIXED || mode_of(icr_low) == ICR_DELIVERY_LOWEST;
}

/* What may go to a group of CPUs (a mask or a broadcast): interrupts and NMIs. */
static bool groups_allowed(uint32_t icr_low)
{
	return is_fixed(icr_low) || mode_of(icr_low) == ICR_DELIVERY_NMI;
}

static bool starts_cpu(uint32_t icr_low)
{
	return mode_of(icr_low) == ICR_DELIVERY_INIT || mode_of(icr_low) == ICR_DELIVERY_STARTUP;
}

/* A fixed IPI to ourselves, whatever the destination said. */
static uint32_t as_self(uint32_t icr_low)
{
	return (icr_low & ~(ICR_SHORTHAND_MASK | ICR_DELIVERY_MASK | ICR_DEST_LOGICAL)) |
	       ICR_SHORTHAND_SELF | ICR_DELIVERY_FIXED;
}

/* The dom0 CPUs the destination names (bit i: dom0's CPU i). */
static uint64_t named_cpus(uint32_t icr_low, uint32_t icr_high, const struct lapic_guard_cpus *cpus)
{
	uint64_t all = cpus->nr < 64 ? (1ull << cpus->nr) - 1 : ~0ull, self = 1ull << cpus->self;
	uint32_t dest = icr_high >> 24;
	uint64_t named = 0;

	switch (icr_low & ICR_SHORTHAND_MASK) {
	case ICR_SHORTHAND_SELF:
		return self;
	case ICR_SHORTHAND_ALL:
		return all;
	case ICR_SHORTHAND_OTHERS:
		return all & ~self;
	default:
		break;
	}
	for (unsigned int i = 0; i < cpus->nr && i < 64; i++) {
		const struct lapic_identity *c = &cpus->cpu[i];

		/* Flat logical mode: a bit mask against each CPU's LDR. */
		if (icr_low & ICR_DEST_LOGICAL ? (dest & c->logical_id) != 0 : dest == c->apic_id)
			named |= 1ull << i;
	}
	return named;
}

int lapic_guard_route(uint32_t icr_low, uint32_t icr_high, const struct lapic_guard_cpus *cpus,
		      struct lapic_route *out)
{
	uint64_t named = named_cpus(icr_low, icr_high, cpus), self = 1ull << cpus->self;
	bool physical = !(icr_low & (ICR_SHORTHAND_MASK | ICR_DEST_LOGICAL));

	if (!named || mode_of(icr_low) == ICR_DELIVERY_SMI)
		return -EPERM;
	if (starts_cpu(icr_low)) {
		/* The writing CPU is also the one tern runs it from: never reset. */
		if (named & self)
			return -EPERM;
		*out = (struct lapic_route){ LAPIC_START, icr_low, named };
		return 0;
	}
	/* One CPU by its physical ID, or the self shorthand: the ICR as written
	 * reaches exactly it. */
	if (physical || (icr_low & ICR_SHORTHAND_MASK) == ICR_SHORTHAND_SELF) {
		if (named != self && !groups_allowed(icr_low))
			return -EPERM;
		*out = (struct lapic_route){ LAPIC_WRITE, icr_low, named };
		return 0;
	}
	if (named == self) {
		if (!is_fixed(icr_low))
			return -EPERM;
		*out = (struct lapic_route){ LAPIC_WRITE, as_self(icr_low), self };
		return 0;
	}
	if (!groups_allowed(icr_low))
		return -EPERM;
	/* A mask or a broadcast: one physical IPI per dom0 CPU it names, so
	 * whatever tern's CPUs' LDRs hold, it reaches dom0's CPUs alone. A
	 * lowest-priority interrupt goes to one of them. */
	if (mode_of(icr_low) == ICR_DELIVERY_LOWEST)
		named &= -named;
	*out = (struct lapic_route){ LAPIC_EACH,
				     icr_low & ~(ICR_SHORTHAND_MASK | ICR_DEST_LOGICAL), named };
	return 0;
}
