/*
 * NMIs and VMX (asm/nmi.h for the whole path, asm/hvm_nmi.h for when one
 * goes into dom0). Every VMCS has NMI exiting, so an NMI that arrives while
 * a guest runs exits to tern, whose handler takes it. dom0's are injected
 * with "virtual NMIs" on: the CPU then blocks further ones from the
 * injection until the guest's IRET, as it would for a real NMI, and shows
 * it as "blocking by NMI" in the guest's interruptibility state. One that
 * must wait turns NMI-window exiting on, so tern is back as soon as the
 * guest can take it.
 */
#include <asm/hvm_nmi.h>
#include <asm/vmcs.h>
#include <asm/vmx_ops.h>
#include <tern/domain.h>

#define VECTOR_NMI 2

void vmx_nmi_before_entry(struct vcpu *v)
{
	uint32_t intr = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	struct hvm_nmi_window w = {
		.blocked = intr & VMX_INTERRUPTIBILITY_NMI,
		.event_pending = vmcs_read(VMCS_ENTRY_INTR_INFO) & VMX_INTR_VALID,
		.shadow = intr & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS),
		.idt_limit = (uint32_t)vmcs_read(VMCS_GUEST_IDTR_LIMIT),
	};
	enum hvm_nmi_action action = hvm_nmi_before_entry(v, &w);

	if (action == HVM_NMI_INJECT)
		vmcs_write(VMCS_ENTRY_INTR_INFO, VECTOR_NMI | VMX_INTR_TYPE_NMI | VMX_INTR_VALID);
	vmx_set_proc_control(VMX_PROC_NMI_WINDOW_EXITING, action == HVM_NMI_WAIT);
}

/*
 * An exit in the middle of an IRET that ended an NMI handler (a fault on
 * its stack, say) comes with the NMI unblocked: the IRET will run again,
 * so the block must be put back before the guest re-enters, or a second
 * NMI could nest inside the first handler (SDM vol. 3, "Information for VM
 * Exits Due to Vectored Events"). Not when the exit was in an event's
 * delivery: that one is delivered again first.
 */
void vmx_nmi_unblocked_by_iret(bool unblocked)
{
	if (!unblocked || (vmcs_read(VMCS_IDT_VECTORING_INFO) & VMX_INTR_VALID))
		return;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
		   vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) | VMX_INTERRUPTIBILITY_NMI);
}
