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
 * the IRET executes, so the block lifts at the exit after it. When one is
 * injected is decided as for VMX (asm/hvm_nmi.h).
 */
#include <asm/hvm_nmi.h>
#include <asm/svm.h>
#include <tern/domain.h>

enum { NMI_UNBLOCKED, NMI_IN_HANDLER, NMI_IRET_SEEN };

void svm_nmi_before_entry(struct vcpu *v)
{
	struct vmcb *vmcb = v->svm.vmcb;
	struct hvm_nmi_window w = {
		.blocked = v->nmi_state != NMI_UNBLOCKED,
		.event_pending = vmcb->control.eventinj & VMCB_EVENT_VALID,
		.shadow = vmcb->control.interrupt_shadow & 1,
		.idt_limit = vmcb->save.idtr.limit,
	};

	/* Waiting costs nothing here: the IRET intercept or the next exit
	 * brings tern back. */
	if (hvm_nmi_before_entry(v, &w) != HVM_NMI_INJECT)
		return;
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
