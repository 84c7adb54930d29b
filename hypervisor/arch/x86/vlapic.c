/*
 * A domain's virtual local APIC in x2APIC mode (asm/vlapic.h). Register
 * numbers are the x2APIC MSRs: 0x800 + (xAPIC offset >> 4).
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
#define REG_SVR 0x80f
#define REG_ISR0 0x810
#define REG_IRR0 0x820
#define REG_ESR 0x828
#define REG_ICR 0x830
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
#define ICR_WRITABLE 0xffffffff000cffffull /* dest, shorthand, trigger, level, mode, vector */

void vlapic_init(struct vlapic *l, unsigned int vcpu_id)
{
	memset(l, 0, sizeof(*l));
	l->id = 2 * vcpu_id;
	l->apic_base = VLAPIC_BASE_ADDRESS | APIC_BASE_ENABLE | APIC_BASE_X2APIC |
		       (vcpu_id == 0 ? APIC_BASE_BSP : 0);
	l->svr = SVR_RESET;
	for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
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
	const uint64_t fixed = ~(uint64_t)APIC_BASE_BSP;

	/* Disabling it, or leaving x2APIC mode, is not something Linux does. */
	if ((val & fixed) != (l->apic_base & fixed))
		return -EINVAL;
	return 0;
}

int vlapic_read(const struct vlapic *l, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case REG_ID:
		*val = l->id;
		return 0;
	case REG_VERSION:
		*val = VLAPIC_VERSION;
		return 0;
	case REG_TPR:
	case REG_PPR:
		*val = l->tpr;
		return 0;
	case REG_LDR:
		*val = vlapic_logical_id(l->id);
		return 0;
	case REG_SVR:
		*val = l->svr;
		return 0;
	case REG_ESR:
		*val = l->esr;
		return 0;
	case REG_ICR:
		*val = l->icr;
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
	if (msr >= REG_IRR0 && msr <= REG_IRR0 + 7) {
		unsigned int i = msr - REG_IRR0; /* 32 vectors each */

		*val = (uint32_t)(__atomic_load_n(&l->irr[i / 2], __ATOMIC_SEQ_CST) >> (32 * (i % 2)));
		return 0;
	}
	if (msr >= REG_ISR0 && msr < REG_IRR0) {
		*val = 0; /* in service, trigger mode: none (a virtual IRQ needs no EOI) */
		return 0;
	}
	if (msr >= REG_LVT_TIMER && msr <= REG_LVT_ERROR) {
		*val = l->lvt[msr - REG_LVT_TIMER];
		return 0;
	}
	return -EINVAL;
}

static void decode_icr(uint64_t icr, struct vlapic_ipi *ipi)
{
	ipi->vector = (uint8_t)(icr & ICR_VECTOR);
	ipi->delivery = (uint8_t)((icr >> ICR_DELIVERY_SHIFT) & 7);
	ipi->shorthand = (uint8_t)((icr >> ICR_SHORTHAND_SHIFT) & 3);
	ipi->logical = icr & ICR_LOGICAL;
	ipi->dest = (uint32_t)(icr >> ICR_DEST_SHIFT);
}

int vlapic_write(struct vlapic *l, uint32_t msr, uint64_t val, struct vlapic_ipi *ipi)
{
	/* Every x2APIC register but the ICR is 32 bits wide: the rest must be 0. */
	if (msr != REG_ICR && val >> 32)
		return -EINVAL;
	switch (msr) {
	case REG_TPR:
		l->tpr = (uint32_t)val & 0xff;
		return 0;
	case REG_EOI:
		return val ? -EINVAL : 0;
	case REG_SVR:
		l->svr = (uint32_t)val & 0x11ff;
		return 0;
	case REG_ESR:
		l->esr = 0;
		return 0;
	case REG_ICR:
		l->icr = val & ICR_WRITABLE;
		decode_icr(l->icr, ipi);
		return 1;
	case REG_TMICT:
		l->tmict = (uint32_t)val;
		return 0;
	case REG_TDCR:
		l->tdcr = (uint32_t)val & 0xb;
		return 0;
	case REG_SELF_IPI:
		*ipi = (struct vlapic_ipi){ (uint8_t)val, VLAPIC_FIXED, VLAPIC_DEST_SELF, false, 0 };
		return 1;
	default:
		break;
	}
	if (msr >= REG_LVT_TIMER && msr <= REG_LVT_ERROR) {
		l->lvt[msr - REG_LVT_TIMER] = (uint32_t)val;
		return 0;
	}
	return -EINVAL; /* read-only or reserved */
}

bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t sender, uint32_t target)
{
	switch (ipi->shorthand) {
	case VLAPIC_DEST_SELF:
		return target == sender;
	case VLAPIC_DEST_ALL:
		return true;
	case VLAPIC_DEST_OTHERS:
		return target != sender;
	default:
		break;
	}
	if (ipi->dest == 0xffffffffu)
		return true; /* broadcast */
	if (!ipi->logical)
		return ipi->dest == target;
	/* Logical: same cluster, and the target's bit among the 16 set. */
	return (ipi->dest >> 16) == (vlapic_logical_id(target) >> 16) &&
	       (ipi->dest & vlapic_logical_id(target) & 0xffff);
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
