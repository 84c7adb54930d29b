/* Filtering dom0's IPIs (pure: tested on the host). */
#include <asm/lapic_guard.h>
#include <tern/errno.h>

static bool is_fixed(uint32_t icr_low)
{
	uint32_t mode = icr_low & ICR_DELIVERY_MASK;

	return mode == ICR_DELIVERY_FIXED || mode == ICR_DELIVERY_LOWEST;
}

/* A fixed IPI to ourselves, whatever the destination said. */
static uint32_t as_self(uint32_t icr_low)
{
	return (icr_low & ~(ICR_SHORTHAND_MASK | ICR_DELIVERY_MASK | ICR_DEST_LOGICAL)) |
	       ICR_SHORTHAND_SELF | ICR_DELIVERY_FIXED;
}

/* INIT, STARTUP and SMI would reset or divert the CPU tern itself runs on. */
static bool resets_cpu(uint32_t icr_low)
{
	uint32_t mode = icr_low & ICR_DELIVERY_MASK;

	return mode == ICR_DELIVERY_INIT || mode == ICR_DELIVERY_STARTUP || mode == ICR_DELIVERY_SMI;
}

int64_t lapic_guard_icr(uint32_t icr_low, uint32_t icr_high, const struct lapic_identity *self)
{
	uint32_t dest = icr_high >> 24;

	if (resets_cpu(icr_low))
		return -EPERM;

	switch (icr_low & ICR_SHORTHAND_MASK) {
	case ICR_SHORTHAND_SELF:
		return icr_low; /* the LAPIC only allows fixed IPIs to self */
	case ICR_SHORTHAND_OTHERS:
		return -EPERM;
	case ICR_SHORTHAND_ALL:
		return is_fixed(icr_low) ? (int64_t)as_self(icr_low) : -EPERM;
	default:
		break;
	}
	if (icr_low & ICR_DEST_LOGICAL) {
		/* Flat logical mode: a bit mask; dom0 is the bits of its LDR. It
		 * goes out as a self IPI, so whatever the other CPUs' LDRs hold,
		 * and whatever dom0 wrote to its own, it reaches dom0 alone. */
		if (!(dest & self->logical_id) || !is_fixed(icr_low))
			return -EPERM;
		return as_self(icr_low);
	}
	return dest == self->apic_id ? (int64_t)icr_low : -EPERM;
}
