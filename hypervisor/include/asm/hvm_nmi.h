/*
 * dom0's NMIs, whatever the vendor (asm/nmi.h for where they come from).
 * Before each entry into dom0 the NMIs its pCPU took are added to the one
 * that may wait (any number collapse into one, as on hardware) and the
 * vendor asks whether to inject it now: not while dom0 is still in the
 * handler of the last one (until its IRET: SVM follows the IRET itself, VMX
 * lets the CPU track it with virtual NMIs), not under an STI or MOV SS
 * shadow, not while another event is being injected; and one arriving
 * before dom0 has an IDT that holds vector 2 is dropped, since a bare CPU
 * would triple-fault on it. The decision is pure (hvm/nmi_policy.c,
 * tests/unit/test_nmi_policy.c).
 */
#ifndef ASM_HVM_NMI_H
#define ASM_HVM_NMI_H

#include <tern/types.h>

struct vcpu;

/* What the vendor sees of the guest just before an entry. */
struct hvm_nmi_window {
	bool blocked;       /* still in the handler of the last NMI */
	bool event_pending; /* another event is injected at this entry */
	bool shadow;        /* STI or MOV SS blocking */
	uint32_t idt_limit;
};

enum hvm_nmi_action {
	HVM_NMI_NONE,   /* nothing to inject (none waits, or it was dropped) */
	HVM_NMI_INJECT, /* inject one now: it no longer waits */
	HVM_NMI_WAIT,   /* one waits for the window to open */
};

/* The smallest IDT limit that holds vector 2 (16-byte long-mode gates). */
#define HVM_NMI_IDT_LIMIT (3 * 16 - 1)

/* Pure: *pending is whether an NMI waits; cleared when it is injected or
 * dropped. */
enum hvm_nmi_action hvm_nmi_decide(bool *pending, const struct hvm_nmi_window *w);

/* Before an entry: a domain that owns no NMI source (a domU) drops what its
 * pCPU took; dom0 takes them into v->nmi_pending and gets the decision. */
enum hvm_nmi_action hvm_nmi_before_entry(struct vcpu *v, const struct hvm_nmi_window *w);

#endif
