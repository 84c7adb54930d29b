/*
 * VM-exit dispatch: each handler decodes VMX's exit information (reason,
 * qualification, instruction length) and calls the vendor-neutral hvm_
 * function SVM's exits call. An exit nobody expects stops the domain with
 * its state printed, never the hypervisor.
 */
#include <asm/vmcs.h>
#include <asm/vmx_entry_check.h>
#include <asm/vmx_ops.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/domain.h>

#define X86_EXC_UD 6
#define VECTOR_NMI 2

static void unexpected_exit(struct vcpu *v, const char *what)
{
	pr_err("d%uv%u: %s (exit reason %#x, qualification %#lx)\n", v->domain->id, v->id, what,
	       (unsigned int)vmcs_read(VMCS_EXIT_REASON), vmcs_read(VMCS_EXIT_QUALIFICATION));
	vmx_dump(v);
	domain_crash(v->domain, what);
}

static void read_entry_state(struct vmx_entry_state *s)
{
	*s = (struct vmx_entry_state){
		.cr0 = vmcs_read(VMCS_GUEST_CR0), .cr4 = vmcs_read(VMCS_GUEST_CR4),
		.efer = vmcs_read(VMCS_GUEST_EFER), .rflags = vmcs_read(VMCS_GUEST_RFLAGS),
		.link_pointer = vmcs_read(VMCS_VMCS_LINK_POINTER),
		.entry_controls = (uint32_t)vmcs_read(VMCS_ENTRY_CONTROLS),
		.proc2_controls = (uint32_t)vmcs_read(VMCS_PROC2_CONTROLS),
		.cs_ar = (uint32_t)vmcs_read(VMCS_GUEST_CS_AR),
		.ss_ar = (uint32_t)vmcs_read(VMCS_GUEST_SS_AR),
		.tr_ar = (uint32_t)vmcs_read(VMCS_GUEST_TR_AR),
		.interruptibility = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY),
		.activity = (uint32_t)vmcs_read(VMCS_GUEST_ACTIVITY_STATE),
		.entry_intr_info = (uint32_t)vmcs_read(VMCS_ENTRY_INTR_INFO),
		.cr0_fixed0 = vmx_msrs.cr0_fixed0, .cr0_fixed1 = vmx_msrs.cr0_fixed1,
		.cr4_fixed0 = vmx_msrs.cr4_fixed0, .cr4_fixed1 = vmx_msrs.cr4_fixed1,
	};
}

/*
 * VMLAUNCH or VMRESUME failed (launch_failed: the instruction error says
 * why), or VM entry refused the guest state (an exit with bit 31 set): say
 * which rule, as far as tern knows them, and stop the domain alone.
 */
void vmx_report_entry_failure(struct vcpu *v, bool launch_failed)
{
	struct vmx_entry_state s;
	const char *rule;

	read_entry_state(&s);
	rule = vmx_entry_check(&s);
	if (launch_failed) {
		unsigned int err = (unsigned int)vmcs_read(VMCS_INSTRUCTION_ERROR);

		pr_err("d%uv%u: VM entry failed: %s (VM-instruction error %u)\n", v->domain->id,
		       v->id, vmx_instruction_error_name(err), err);
	} else {
		uint32_t reason = VMX_EXIT_REASON_BASIC((uint32_t)vmcs_read(VMCS_EXIT_REASON));

		pr_err("d%uv%u: VM entry failed: %s (exit reason %u, qualification %#lx)\n",
		       v->domain->id, v->id,
		       reason == VMX_EXIT_INVALID_GUEST_STATE ? "invalid guest state" :
		       reason == VMX_EXIT_MSR_LOADING ? "MSR loading" :
		       reason == VMX_EXIT_MCE_DURING_ENTRY ? "machine check during entry" : "unknown",
		       reason, vmcs_read(VMCS_EXIT_QUALIFICATION));
	}
	pr_err("d%uv%u: guest state: %s\n", v->domain->id, v->id,
	       rule ? rule : "it breaks no entry rule tern knows of");
	vmx_dump(v);
	domain_crash(v->domain, "VM entry refused the vCPU's state");
}

/* An exit during the delivery of an event (through the IDT): delivered
 * again at the next entry, unless the handler injects something else. */
static void redeliver_event(void)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);

	if (!(info & VMX_INTR_VALID))
		return;
	if (info & VMX_INTR_ERROR_VALID)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, vmcs_read(VMCS_IDT_VECTORING_ERROR));
	vmcs_write(VMCS_ENTRY_INSTRUCTION_LEN, vmcs_read(VMCS_EXIT_INSTRUCTION_LEN));
	vmcs_write(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12)); /* bit 12 is undefined here */
}

/* An NMI stopped the guest: the host's handler takes it as if it had come
 * in the hypervisor (asm/nmi.h), and it is handed on from there (nmi.c). */
static void handle_exception_or_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);

	vmx_nmi_unblocked_by_iret(info & VMX_NMI_UNBLOCKED_BY_IRET);
	if ((info & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_NMI && VMX_INTR_VECTOR(info) == VECTOR_NMI) {
		__asm__ volatile("int $2" : : : "memory");
		return;
	}
	unexpected_exit(v, "unexpected exception exit");
}

static void handle_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned int gpr = VMX_CR_GPR(q), len = (unsigned int)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN);

	if (VMX_CR_ACCESS_TYPE(q) != 0) {
		unexpected_exit(v, "unexpected control-register access");
		return;
	}
	switch (VMX_CR_NUMBER(q)) {
	case 0:
		hvm_handle_cr0_write(v, gpr, len);
		break;
	case 4:
		hvm_handle_cr4_write(v, gpr, len);
		break;
	default:
		unexpected_exit(v, "unexpected control-register write");
		break;
	}
}

static void handle_io(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	struct hvm_io io = {
		.size = VMX_IO_SIZE(q),
		.in = q & VMX_IO_IN,
		.string = q & VMX_IO_STRING,
		.rep = q & VMX_IO_REP,
		.len = (unsigned int)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN),
		.port = (uint16_t)(q >> 16),
	};

	hvm_handle_absent_io(v, &io);
}

/* An access EPT did not allow: emulated by hvm/mmio.c, or the domain stops. */
static void handle_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION), gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);

	vmx_nmi_unblocked_by_iret(q & VMX_NMI_UNBLOCKED_BY_IRET);
	if (hvm_mmio_access(v, gpa, q & VMX_EPT_PERMS, q & VMX_EPT_WRITE) == 0)
		return;
	pr_err("d%uv%u: EPT violation at %#lx, qualification %#lx\n", v->domain->id, v->id, gpa, q);
	vmx_dump(v);
	domain_crash(v->domain, "access to guest-physical memory it may not use");
}

/* INVD would drop everyone's dirty lines; WBINVD from a domain without
 * devices has nothing to write back for (as svm/exit.c). */
static void handle_cache_flush(struct vcpu *v)
{
	if (v->domain->passthrough)
		__asm__ volatile("wbinvd" : : : "memory");
	vmx_skip_instruction(v, 0);
}

void vmx_handle_exit(struct vcpu *v)
{
	uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);

	v->vmx.last_exit_reason = reason;
	if (reason & VMX_EXIT_REASON_ENTRY_FAILED) {
		vmx_report_entry_failure(v, false);
		return;
	}
	redeliver_event();
	switch (VMX_EXIT_REASON_BASIC(reason)) {
	case VMX_EXIT_EXCEPTION_NMI:
		handle_exception_or_nmi(v);
		break;
	case VMX_EXIT_EXTERNAL_INTR:
		/* tern's timer or a kick (a domain without devices): take it. */
		__asm__ volatile("sti; nop; cli" : : : "memory");
		break;
	case VMX_EXIT_INTR_WINDOW:
	case VMX_EXIT_NMI_WINDOW:
		break; /* the run loop injects what waits */
	case VMX_EXIT_CPUID:
		hvm_handle_cpuid(v);
		break;
	case VMX_EXIT_HLT:
		vmx_skip_instruction(v, 0);
		vcpu_halt(v, vmcs_read(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF);
		break;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		hvm_handle_msr(v, VMX_EXIT_REASON_BASIC(reason) == VMX_EXIT_WRMSR);
		break;
	case VMX_EXIT_VMCALL:
		hvm_hypercall(v, 0);
		break;
	case VMX_EXIT_IO:
		handle_io(v);
		break;
	case VMX_EXIT_CR_ACCESS:
		handle_cr_access(v);
		break;
	case VMX_EXIT_XSETBV:
		hvm_handle_xsetbv(v, 0);
		break;
	case VMX_EXIT_INVD:
	case VMX_EXIT_WBINVD:
		handle_cache_flush(v);
		break;
	case VMX_EXIT_EPT_VIOLATION:
		handle_ept_violation(v);
		break;
	case VMX_EXIT_GETSEC:
	case VMX_EXIT_VMCLEAR:
	case VMX_EXIT_VMLAUNCH:
	case VMX_EXIT_VMPTRLD:
	case VMX_EXIT_VMPTRST:
	case VMX_EXIT_VMREAD:
	case VMX_EXIT_VMRESUME:
	case VMX_EXIT_VMWRITE:
	case VMX_EXIT_VMXOFF:
	case VMX_EXIT_VMXON:
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
	case VMX_EXIT_VMFUNC:
		/* The guest sees no VMX or SMX (cpuid_policy.c): invalid opcodes to it. */
		vmx_inject_exception(v, X86_EXC_UD, false, 0);
		break;
	case VMX_EXIT_TRIPLE_FAULT:
		unexpected_exit(v, "triple fault");
		break;
	case VMX_EXIT_EPT_MISCONFIG:
		unexpected_exit(v, "EPT misconfiguration (tern built a bad entry)");
		break;
	default:
		unexpected_exit(v, "unexpected VM exit");
		break;
	}
}
