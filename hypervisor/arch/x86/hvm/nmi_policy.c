/* When a waiting NMI goes into the guest (asm/hvm_nmi.h). Pure. */
#include <asm/hvm_nmi.h>

enum hvm_nmi_action hvm_nmi_decide(bool *pending, const struct hvm_nmi_window *w)
{
	if (!*pending)
		return HVM_NMI_NONE;
	if (w->blocked || w->event_pending || w->shadow)
		return HVM_NMI_WAIT;
	*pending = false;
	if (w->idt_limit < HVM_NMI_IDT_LIMIT)
		return HVM_NMI_NONE; /* dropped: what a bare CPU would do with it is worse */
	return HVM_NMI_INJECT;
}
