/*
 * NMIs and SVM (see asm/nmi.h for the whole path). Every VMCB intercepts
 * NMIs, so none is ever delivered to a guest by the hardware: the #VMEXIT
 * leaves it pending until tern sets GIF again, and tern's handler takes it.
 *
 * dom0's NMIs (its perf counters, its LINT1, its own NMI IPIs, external NMIs
 * on CPU0) are injected into it before it next runs, as the hardware would
 * have delivered them. As on hardware, an NMI is not delivered while the
 * guest is still in the handler of the last one: from the injection until
 * the guest's next IRET (intercepted) has run, NMIs that arrive wait, and
 * any number of them collapse into one. The IRET intercept fires before
 * the IRET executes, so the block lifts at the exit after it. Nor is one
 * injected under an interrupt shadow, or while another event is being
 * injected, or into a guest without an IDT yet (it would triple-fault).
 */
#include <asm/nmi.h>
#include <asm/svm.h>
#include <tern/domain.h>

enum { NMI_UNBLOCKED, NMI_IN_HANDLER, NMI_IRET_SEEN };

/* The smallest IDT limit that holds vector 2 (16-byte long-mode gates). */
#define IDT_LIMIT_NMI (3 * 16 - 1)

void svm_nmi_before_entry(struct vcpu *v)
{
	struct vmcb *vmcb = v->svm.vmcb;

	if (!v->domain->passthrough) {
		nmi_drop_pending();
		return;
	}
	v->nmi_pending |= nmi_take_pending() != 0;
	if (!v->nmi_pending || v->nmi_state != NMI_UNBLOCKED ||
	    vmcb->control.eventinj & VMCB_EVENT_VALID || vmcb->control.interrupt_shadow & 1)
		return;
	v->nmi_pending = false;
	if (vmcb->save.idtr.limit < IDT_LIMIT_NMI)
		return; /* dropped: what a bare CPU would do with it is worse */
	vmcb->control.eventinj = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_NMI | 2;
	vmcb->control.intercept_misc1 |= VMCB_INTERCEPT_IRET;
	v->nmi_state = NMI_IN_HANDLER;
}

void svm_nmi_after_exit(struct vcpu *v, uint64_t exitcode)
{
	if (v->nmi_state == NMI_IRET_SEEN)
		v->nmi_state = NMI_UNBLOCKED; /* the IRET ran before this exit */
	if (exitcode == VMCB_EXIT_IRET && v->nmi_state == NMI_IN_HANDLER) {
		v->svm.vmcb->control.intercept_misc1 &= ~VMCB_INTERCEPT_IRET;
		v->nmi_state = NMI_IRET_SEEN;
	}
}
