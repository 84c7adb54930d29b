/*
 * The local APIC a domain without devices sees. It starts as Xen starts a
 * PVH vCPU's: enabled in xAPIC mode (registers in the 4 KiB MMIO page at
 * 0xfee00000, which hvm/mmio.c decodes accesses to), and the guest moves it
 * to x2APIC mode (MSRs 0x800-0x8ff) through APIC_BASE, or disables it.
 * Linux needs one to take the SMP/ACPI path that registers Xen's per-CPU
 * clockevent; it times with Xen's timers, never the APIC timer, so the
 * timer registers only hold what is written. Fixed interrupts (self-IPIs,
 * IPIs between vCPUs) wait in irr until injected.
 *
 * A pure module: hypervisor/arch/x86/hvm/vlapic.c, host unit tests in
 * tests/unit/test_vlapic.c.
 */
#ifndef TERN_ASM_VLAPIC_H
#define TERN_ASM_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_MSR_FIRST 0x800u
#define VLAPIC_MSR_LAST 0x8ffu
#define VLAPIC_BASE_ADDRESS 0xfee00000ull
#define VLAPIC_VERSION 0x00050014u /* version 0x14, six LVT entries */

/* LVT registers: timer, thermal, performance counter, LINT0, LINT1, error. */
#define VLAPIC_NR_LVT 6

enum vlapic_delivery {
	VLAPIC_FIXED = 0,
	VLAPIC_NMI = 4,
	VLAPIC_INIT = 5,
	VLAPIC_STARTUP = 6,
};

enum vlapic_shorthand {
	VLAPIC_DEST_FIELD = 0,
	VLAPIC_DEST_SELF = 1,
	VLAPIC_DEST_ALL = 2,
	VLAPIC_DEST_OTHERS = 3,
};

/* An interprocessor interrupt as written to the ICR. */
struct vlapic_ipi {
	uint8_t vector;
	uint8_t delivery;  /* enum vlapic_delivery */
	uint8_t shorthand; /* enum vlapic_shorthand */
	bool logical;      /* destination is a logical id */
	bool xapic;        /* sent in xAPIC mode: an 8-bit destination (logical: flat or cluster) */
	uint32_t dest;     /* 0xffffffff: broadcast */
};

struct vlapic {
	uint32_t id; /* x2APIC id: twice the vCPU id, as Xen numbers them */
	uint64_t apic_base;
	uint32_t tpr, svr, esr, tmict, tdcr;
	uint32_t ldr, dfr; /* xAPIC mode's logical destination and its model */
	uint32_t lvt[VLAPIC_NR_LVT];
	uint64_t icr;
	uint64_t irr[4]; /* fixed vectors waiting; set from any CPU (atomics) */
	bool init_seen;  /* an INIT arrived: the next STARTUP starts the vCPU */
};

/* Power-on state: xAPIC mode, enabled, the BSP bit on vCPU 0. */
void vlapic_init(struct vlapic *l, unsigned int vcpu_id);
/* What an INIT resets: every register, but not APIC_BASE (its mode) or the id. */
void vlapic_init_signal(struct vlapic *l);

/* APIC_BASE says enabled, and xAPIC mode (not x2APIC). */
bool vlapic_enabled(const struct vlapic *l);
bool vlapic_xapic_mode(const struct vlapic *l);
/* Whether gpa is on the xAPIC page: only in xAPIC mode is anything there. */
bool vlapic_mmio_page(const struct vlapic *l, uint64_t gpa);

/* The x2APIC logical id (cluster in bits 31:16, one bit of 16 below). */
uint32_t vlapic_logical_id(uint32_t id);

/* APIC_BASE MSR. A write follows the architecture's mode changes: xAPIC to
 * x2APIC, either to disabled, disabled to xAPIC (which resets the
 * registers); x2APIC to xAPIC, disabled to x2APIC, EXTD without enable and
 * reserved bits are -EINVAL (#GP). The xAPIC page cannot move from
 * 0xfee00000 (-EINVAL, as in Xen); the BSP bit is the hypervisor's and a
 * write leaves it. */
uint64_t vlapic_get_base(const struct vlapic *l);
int vlapic_set_base(struct vlapic *l, uint64_t val);

/* x2APIC register MSRs. -EINVAL for an access the CPU faults (#GP), every
 * one outside x2APIC mode. A write to the ICR or SELF_IPI fills *ipi and
 * returns 1: the caller delivers it (vlapic_ipi_targets says to whom). */
int vlapic_read(const struct vlapic *l, uint32_t msr, uint64_t *val);
int vlapic_write(struct vlapic *l, uint32_t msr, uint64_t val, struct vlapic_ipi *ipi);

/* The xAPIC page, at offset (0..0xfff) of the page, in 32-bit accesses.
 * Nothing faults: reserved and misaligned offsets read 0 and ignore
 * writes, read-only registers ignore writes. A write to the low half of the
 * ICR sends (returns 1 with *ipi, as above), to the destination in ICR2. */
uint32_t vlapic_mmio_read(const struct vlapic *l, uint32_t offset);
int vlapic_mmio_write(struct vlapic *l, uint32_t offset, uint32_t val, struct vlapic_ipi *ipi);

/* Whether target receives an IPI that the vCPU with id sender sent. A
 * disabled APIC receives nothing. */
bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t sender, const struct vlapic *target);

/* Marks a fixed vector pending (vectors below 16 are invalid: ignored). */
void vlapic_set_irr(struct vlapic *l, uint8_t vector);
/* Takes the highest pending vector; -1 if none. */
int vlapic_take_irr(struct vlapic *l);
bool vlapic_irr_pending(const struct vlapic *l);

#endif
