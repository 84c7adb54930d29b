/* The local APIC in xAPIC mode (MMIO): what the hypervisor needs of it. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <tern/types.h>

#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_ESR 0x280
#define APIC_ICR_LOW 0x300
#define APIC_ICR_HIGH 0x310
#define APIC_ICR_DELIVERY_INIT (5u << 8)
#define APIC_ICR_DELIVERY_STARTUP (6u << 8)
#define APIC_ICR_DELIVERY_NMI (4u << 8)
#define APIC_ICR_BUSY (1u << 12)
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_SHORTHAND_SELF (1u << 18)
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_DELIVERY_NMI (4u << 8)

/* Enables this CPU's LAPIC (spurious vector 0xff) with every LVT masked,
 * but LINT1 as an NMI input if lint1_nmi: on the pCPUs tern keeps, so that
 * an external NMI (a hardware error signal, a BMC's NMI button) is seen and
 * logged there too, not only on dom0's CPU. */
void lapic_init(bool lint1_nmi);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* The hypervisor's own vectors: the LAPIC timer, and a kick that makes a CPU
 * look at its vCPUs again. Their handlers only acknowledge them. */
#define TIMER_VECTOR 0xee
#define KICK_VECTOR 0xed

/* Measures the LAPIC timer against the TSC (after tsc_calibrate()). */
void lapic_timer_calibrate(void);
/* Interrupts at TIMER_VECTOR after ns nanoseconds (0: as soon as possible),
 * or at system time deadline (ns; a past one: as soon as possible). */
void lapic_timer_oneshot(uint64_t ns);
void lapic_timer_at(uint64_t deadline);
void lapic_timer_stop(void);
/* The timer's interrupt came: the next deadline is armed even if the same. */
void lapic_timer_fired(void);

/* A fixed interrupt at vector to the CPU with this APIC ID. ICR_HIGH is
 * left as tern wrote it, on dom0's pCPUs too (dom0_lapic.c keeps dom0's). */
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);
/* The same for any ICR_LOW value (physical destination, no shorthand). */
void lapic_send_icr(uint32_t apic_id, uint32_t icr_low);

/* A fixed interrupt at vector to this CPU. */
void lapic_self_ipi(uint8_t vector);
/* Sends INIT, then two STARTUP IPIs at the page trampoline_base. Returns
 * false if the LAPIC never accepted them. */
bool lapic_start_ap(uint32_t apic_id, paddr_t trampoline_base);

#endif
