/*
 * A vCPU's virtual local APIC (asm/vlapic.h), in xAPIC or x2APIC mode.
 * Register numbers are the x2APIC MSRs: 0x800 + (xAPIC offset >> 4); the
 * two modes share the registers and differ where the architecture makes
 * them: the ID (bits 31:24 in xAPIC mode), LDR and DFR (written by the
 * guest in xAPIC mode, derived from the id in x2APIC mode), the ICR (two
 * 32-bit halves with an 8-bit destination in xAPIC mode), SELF_IPI (x2APIC
 * only), and that xAPIC MMIO never faults where an x2APIC MSR gives #GP.
 */
#include <asm/vlapic.h>
#include <asm/x86-defs.h>
#include <tern/errno.h>
#include <tern/string.h>

#define REG_ID 0x802
#define REG_VERSION 0x803
#define REG_TPR 0x808
#define REG_PPR 0x80a
#define REG_EOI 0x80b
#define REG_LDR 0x80d
#define REG_DFR 0x80e
#define REG_SVR 0x80f
#define REG_ISR0 0x810
#define REG_IRR0 0x820
#define REG_ESR 0x828
#define REG_ICR 0x830
#define REG_ICR2 0x831
#define REG_LVT_TIMER 0x832
#define REG_LVT_ERROR 0x837
#define REG_TMICT 0x838
#define REG_TMCCT 0x839
#define REG_TDCR 0x83e
#define REG_SELF_IPI 0x83f

#define LVT_MASKED (1u << 16)
#define SVR_RESET 0xffu
#define ICR_VECTOR 0xffull
#define ICR_DELIVERY_SHIFT 8
#define ICR_LOGICAL (1ull << 11)
#define ICR_SHORTHAND_SHIFT 18
#define ICR_DEST_SHIFT 32
/* dest, shorthand, trigger, level, mode, vector; delivery status reads idle */
#define ICR_WRITABLE 0xffffffff000ccfffull
#define XAPIC_ID_SHIFT 24                 /* ID, LDR and ICR2 keep their 8 bits at 31:24 */
#define XAPIC_HIGH_BYTE 0xff000000u
#define XAPIC_BROADCAST 0xffu
#define DFR_RESET 0xffffffffu             /* flat model */
#define DFR_MODEL_SHIFT 28
#define DFR_MODEL_FLAT 0xfu
#define DFR_MODEL_CLUSTER 0x0u
#define BASE_MODE (APIC_BASE_ENABLE | APIC_BASE_X2APIC)
#define BASE_ADDRESS_MASK 0x000ffffffffff000ull
#define BASE_WRITABLE (BASE_ADDRESS_MASK | BASE_MODE | APIC_BASE_BSP)

void vlapic_init_signal(struct vlapic *l)
{
	l->tpr = l->esr = l->tmict = l->tdcr = 0;
	l->icr = 0;
	l->ldr = 0;
	l->dfr = DFR_RESET;
	l->svr = SVR_RESET;
	for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
	memset(l->irr, 0, sizeof(l->irr));
}

void vlapic_init(struct vlapic *l, unsigned int vcpu_id)
{
	memset(l, 0, sizeof(*l));
	l->id = 2 * vcpu_id;
	l->apic_base = VLAPIC_BASE_ADDRESS | APIC_BASE_ENABLE | (vcpu_id == 0 ? APIC_BASE_BSP : 0);
	vlapic_init_signal(l);
}

bool vlapic_enabled(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_ENABLE;
}

bool vlapic_xapic_mode(const struct vlapic *l)
{
	return (l->apic_base & BASE_MODE) == APIC_BASE_ENABLE;
}

bool vlapic_mmio_page(const struct vlapic *l, uint64_t gpa)
{
	return vlapic_xapic_mode(l) && (gpa & ~0xfffull) == VLAPIC_BASE_ADDRESS;
}

static bool x2apic_mode(const struct vlapic *l)
{
	return (l->apic_base & BASE_MODE) == BASE_MODE;
}

uint32_t vlapic_logical_id(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

uint64_t vlapic_get_base(const struct vlapic *l)
{
	return l->apic_base;
}

int vlapic_set_base(struct vlapic *l, uint64_t val)
{
	uint64_t old = l->apic_base;

	if (val & ~(uint64_t)BASE_WRITABLE)
		return -EINVAL;
	/* Xen's rule too: one page per domain, where the MADT says it is. */
	if ((val & BASE_MODE) == APIC_BASE_ENABLE &&
	    (val & BASE_ADDRESS_MASK) != VLAPIC_BASE_ADDRESS)
		return -EINVAL;
	if ((old ^ val) & APIC_BASE_ENABLE) {
		/* Enabling lands in xAPIC mode; disabling clears EXTD as well. */
		if (val & APIC_BASE_X2APIC)
			return -EINVAL;
		if (val & APIC_BASE_ENABLE)
			vlapic_init_signal(l);
	} else if ((old ^ val) & APIC_BASE_X2APIC && !vlapic_xapic_mode(l)) {
		return -EINVAL; /* x2APIC back to xAPIC, or EXTD while disabled */
	}
	l->apic_base = (val & ~(uint64_t)APIC_BASE_BSP) | (old & APIC_BASE_BSP);
	return 0;
}

/* A register both modes have, read the same way; -EINVAL if none. */
static int read_common(const struct vlapic *l, uint32_t reg, uint64_t *val)
{
	switch (reg) {
	case REG_VERSION:
		*val = VLAPIC_VERSION;
		return 0;
	case REG_TPR:
	case REG_PPR:
		*val = l->tpr;
		return 0;
	case REG_SVR:
		*val = l->svr;
		return 0;
	case REG_ESR:
		*val = l->esr;
		return 0;
	case REG_TMICT:
		*val = l->tmict;
		return 0;
	case REG_TMCCT:
		*val = 0; /* the APIC timer never runs */
		return 0;
	case REG_TDCR:
		*val = l->tdcr;
		return 0;
	default:
		break;
	}
	if (reg >= REG_IRR0 && reg <= REG_IRR0 + 7) {
		unsigned int i = reg - REG_IRR0; /* 32 vectors each */

		*val = (uint32_t)(__atomic_load_n(&l->irr[i / 2], __ATOMIC_SEQ_CST) >> (32 * (i % 2)));
		return 0;
	}
	if (reg >= REG_ISR0 && reg < REG_IRR0) {
		*val = 0; /* in service, trigger mode: none (a virtual IRQ needs no EOI) */
		return 0;
	}
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR) {
		*val = l->lvt[reg - REG_LVT_TIMER];
		return 0;
	}
	return -EINVAL;
}

/* A register both modes write the same way (a 32-bit value); -EINVAL if none. */
static int write_common(struct vlapic *l, uint32_t reg, uint32_t val)
{
	switch (reg) {
	case REG_TPR:
		l->tpr = val & 0xff;
		return 0;
	case REG_SVR:
		l->svr = val & 0x11ff;
		return 0;
	case REG_ESR:
		l->esr = 0;
		return 0;
	case REG_TMICT:
		l->tmict = val;
		return 0;
	case REG_TDCR:
		l->tdcr = val & 0xb;
		return 0;
	default:
		break;
	}
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR) {
		l->lvt[reg - REG_LVT_TIMER] = val;
		return 0;
	}
	return -EINVAL;
}

int vlapic_read(const struct vlapic *l, uint32_t msr, uint64_t *val)
{
	if (!x2apic_mode(l))
		return -EINVAL;
	switch (msr) {
	case REG_ID:
		*val = l->id;
		return 0;
	case REG_LDR:
		*val = vlapic_logical_id(l->id);
		return 0;
	case REG_ICR:
		*val = l->icr;
		return 0;
	default:
		return read_common(l, msr, val);
	}
}

/* The ICR's fields; dest as the mode writes it (x2APIC: 32 bits; xAPIC:
 * ICR2's 8 bits, 0xff the broadcast). */
static void decode_icr(uint64_t icr, bool xapic, struct vlapic_ipi *ipi)
{
	uint32_t dest = (uint32_t)(icr >> ICR_DEST_SHIFT);

	ipi->vector = (uint8_t)(icr & ICR_VECTOR);
	ipi->delivery = (uint8_t)((icr >> ICR_DELIVERY_SHIFT) & 7);
	ipi->shorthand = (uint8_t)((icr >> ICR_SHORTHAND_SHIFT) & 3);
	ipi->logical = icr & ICR_LOGICAL;
	ipi->xapic = xapic;
	if (xapic) {
		dest >>= XAPIC_ID_SHIFT;
		if (dest == XAPIC_BROADCAST)
			dest = 0xffffffffu;
	}
	ipi->dest = dest;
}

int vlapic_write(struct vlapic *l, uint32_t msr, uint64_t val, struct vlapic_ipi *ipi)
{
	if (!x2apic_mode(l))
		return -EINVAL;
	/* Every x2APIC register but the ICR is 32 bits wide: the rest must be 0. */
	if (msr != REG_ICR && val >> 32)
		return -EINVAL;
	switch (msr) {
	case REG_EOI:
		return val ? -EINVAL : 0;
	case REG_ICR:
		l->icr = val & ICR_WRITABLE;
		decode_icr(l->icr, false, ipi);
		return 1;
	case REG_SELF_IPI:
		*ipi = (struct vlapic_ipi){ .vector = (uint8_t)val, .delivery = VLAPIC_FIXED,
					    .shorthand = VLAPIC_DEST_SELF };
		return 1;
	default:
		return write_common(l, msr, (uint32_t)val); /* read-only or reserved: #GP */
	}
}

/* xAPIC registers are 16-byte aligned: anything else is no register. */
static uint32_t mmio_reg(uint32_t offset)
{
	return offset & 0xf || offset > 0xfff ? 0 : VLAPIC_MSR_FIRST + (offset >> 4);
}

uint32_t vlapic_mmio_read(const struct vlapic *l, uint32_t offset)
{
	uint32_t reg = mmio_reg(offset);
	uint64_t val = 0;

	switch (reg) {
	case REG_ID:
		return l->id << XAPIC_ID_SHIFT;
	case REG_LDR:
		return l->ldr;
	case REG_DFR:
		return l->dfr;
	case REG_ICR:
		return (uint32_t)l->icr;
	case REG_ICR2:
		return (uint32_t)(l->icr >> ICR_DEST_SHIFT);
	default:
		return read_common(l, reg, &val) ? 0 : (uint32_t)val;
	}
}

int vlapic_mmio_write(struct vlapic *l, uint32_t offset, uint32_t val, struct vlapic_ipi *ipi)
{
	uint32_t reg = mmio_reg(offset);

	switch (reg) {
	case REG_EOI:
		return 0;
	case REG_LDR:
		l->ldr = val & XAPIC_HIGH_BYTE;
		return 0;
	case REG_DFR:
		l->dfr = val | 0x0fffffffu; /* bits 27:0 read as ones */
		return 0;
	case REG_ICR2:
		l->icr = (uint64_t)(val & XAPIC_HIGH_BYTE) << ICR_DEST_SHIFT | (uint32_t)l->icr;
		return 0;
	case REG_ICR:
		/* Writing the low half sends, to the destination ICR2 holds. */
		l->icr = (l->icr & ~(uint64_t)UINT32_MAX) | (val & ICR_WRITABLE & UINT32_MAX);
		decode_icr(l->icr, true, ipi);
		return 1;
	default:
		/* The ID is read-only here, as dom0's is (its IPIs name it). */
		write_common(l, reg, val);
		return 0;
	}
}

/* An xAPIC logical destination (8 bits) against the target's LDR and DFR. */
static bool xapic_logical_match(uint32_t dest, const struct vlapic *t)
{
	uint32_t ldr = t->ldr >> XAPIC_ID_SHIFT;

	if (dest == 0xffffffffu)
		return true;
	if (t->dfr >> DFR_MODEL_SHIFT == DFR_MODEL_FLAT)
		return dest & ldr;
	if (t->dfr >> DFR_MODEL_SHIFT == DFR_MODEL_CLUSTER)
		return dest >> 4 == ldr >> 4 && (dest & ldr & 0xf);
	return false; /* a model the architecture does not define */
}

bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t sender, const struct vlapic *target)
{
	if (!vlapic_enabled(target))
		return false;
	switch (ipi->shorthand) {
	case VLAPIC_DEST_SELF:
		return target->id == sender;
	case VLAPIC_DEST_ALL:
		return true;
	case VLAPIC_DEST_OTHERS:
		return target->id != sender;
	default:
		break;
	}
	if (ipi->dest == 0xffffffffu && !ipi->logical)
		return true; /* broadcast */
	if (!ipi->logical)
		return ipi->dest == target->id;
	/* Logical: each side in its own mode; the modes do not mix. */
	if (ipi->xapic)
		return vlapic_xapic_mode(target) && xapic_logical_match(ipi->dest, target);
	if (!x2apic_mode(target))
		return false;
	if (ipi->dest == 0xffffffffu)
		return true;
	/* x2APIC: same cluster, and the target's bit among the 16 set. */
	return (ipi->dest >> 16) == (vlapic_logical_id(target->id) >> 16) &&
	       (ipi->dest & vlapic_logical_id(target->id) & 0xffff);
}

void vlapic_set_irr(struct vlapic *l, uint8_t vector)
{
	if (vector < 16)
		return;
	__atomic_fetch_or(&l->irr[vector / 64], 1ull << (vector % 64), __ATOMIC_SEQ_CST);
}

int vlapic_take_irr(struct vlapic *l)
{
	for (int word = 3; word >= 0; word--) {
		uint64_t bits = __atomic_load_n(&l->irr[word], __ATOMIC_SEQ_CST);

		while (bits) {
			int bit = 63 - __builtin_clzll(bits);
			uint64_t mask = 1ull << bit;

			if (__atomic_fetch_and(&l->irr[word], ~mask, __ATOMIC_SEQ_CST) & mask)
				return word * 64 + bit;
			bits &= ~mask; /* taken meanwhile by someone else */
		}
	}
	return -1;
}

bool vlapic_irr_pending(const struct vlapic *l)
{
	for (unsigned int i = 0; i < 4; i++)
		if (__atomic_load_n(&l->irr[i], __ATOMIC_SEQ_CST))
			return true;
	return false;
}
