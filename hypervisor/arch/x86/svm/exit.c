/*
 * #VMEXIT dispatch. Every intercept the VMCB enables has a handler here; an
 * exit nobody expects stops the domain with its state printed, never the
 * hypervisor.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <asm/vmcb_check.h>
#include <asm/x86-defs.h>
#include <tern/console.h>
#include <tern/domain.h>

#define X86_EXC_UD 6
#define X86_EXC_GP 13

/* Lengths of the intercepted instructions, for CPUs without next-RIP save. */
#define INSN_LEN_HLT 1
#define INSN_LEN_VMMCALL 3
#define INSN_LEN_XSETBV 3
#define INSN_LEN_WBINVD 2 /* and INVD */
#define NPF_PRESENT (1ull << 0)  /* exitinfo1 of a nested page fault */
#define NPF_WRITE (1ull << 1)

void svm_skip_instruction(struct vcpu *v, unsigned int len)
{
	struct vmcb *vmcb = v->svm.vmcb;

	if (svm_features.nrip_save)
		vmcb->save.rip = vmcb->control.next_rip;
	else
		vmcb->save.rip += len;
	vmcb->control.interrupt_shadow = 0;
}

void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error)
{
	uint64_t event = vector | VMCB_EVENT_TYPE_EXCEPTION | VMCB_EVENT_VALID;

	if (has_error)
		event |= VMCB_EVENT_ERROR_VALID | ((uint64_t)error << 32);
	v->svm.vmcb->control.eventinj = event;
}

unsigned int svm_cpl(const struct vcpu *v)
{
	return v->svm.vmcb->save.cpl;
}

void svm_set_cr4(struct vcpu *v, uint64_t value)
{
	v->svm.vmcb->save.cr4 = value;
}

void svm_advance_rip(struct vcpu *v, unsigned int len)
{
	v->svm.vmcb->save.rip += len;
	v->svm.vmcb->control.interrupt_shadow = 0;
}

/*
 * INVD would drop dirty lines of the hypervisor and of every domain, and
 * WBINVD from a domain without devices has nothing to write back for: for
 * those both do nothing. dom0 owns devices, so its INVD becomes WBINVD (its
 * WBINVD is not intercepted; QEMU 7.2 reports its INVD as WBINVD).
 */
static void handle_cache_flush(struct vcpu *v)
{
	if (v->domain->passthrough)
		__asm__ volatile("wbinvd" : : : "memory");
	svm_skip_instruction(v, INSN_LEN_WBINVD);
}

/* VMRUN refused the state (exit code -1): say which rule it broke. */
static void report_invalid_state(struct vcpu *v)
{
	struct vmcb_limits lim;
	const char *rule;

	hvm_host_creg_features(&lim.host);
	lim.phys_bits = cpuid(0x80000008, 0).eax & 0xff;
	vmcb_entry_put_back(v->svm.vmcb, &v->svm.vmcb_entry);
	rule = vmcb_check_state(v->svm.vmcb, &lim);
	pr_err("d%uv%u: VMRUN refused the guest state: %s\n", v->domain->id, v->id,
	       rule ? rule : "it breaks no consistency rule tern knows of "
			     "(the processor or emulator refused it on its own)");
}

/* A nested page fault: emulated by hvm/mmio.c, or the domain stops. */
static void handle_npf(struct vcpu *v)
{
	uint64_t gpa = v->svm.vmcb->control.exitinfo2;
	uint64_t error = v->svm.vmcb->control.exitinfo1;

	if (hvm_mmio_access(v, gpa, error & NPF_PRESENT, error & NPF_WRITE) == 0)
		return;
	pr_err("d%uv%u: nested page fault at %#lx, error %#lx\n", v->domain->id, v->id, gpa, error);
	vmcb_dump(v);
	domain_crash(v->domain, "access to guest-physical memory it may not use");
}

static void unexpected_exit(struct vcpu *v, const char *what)
{
	pr_err("d%uv%u: %s (exit code %#lx, info1 %#lx, info2 %#lx)\n", v->domain->id, v->id,
	       what, v->svm.vmcb->control.exitcode, v->svm.vmcb->control.exitinfo1,
	       v->svm.vmcb->control.exitinfo2);
	vmcb_dump(v);
	domain_crash(v->domain, what);
}

enum vcpu_exit_kind svm_exit_kind(uint64_t code)
{
	switch (code) {
	case VMCB_EXIT_VMMCALL:
		return VCPU_EXIT_HYPERCALL;
	case VMCB_EXIT_INTR:
		return VCPU_EXIT_INTR;
	case VMCB_EXIT_HLT:
		return VCPU_EXIT_HLT;
	case VMCB_EXIT_NPF:
		return VCPU_EXIT_NPF;
	case VMCB_EXIT_IOIO:
		return VCPU_EXIT_IO;
	case VMCB_EXIT_MSR:
		return VCPU_EXIT_MSR;
	default:
		return VCPU_EXIT_OTHER;
	}
}

void svm_handle_exit(struct vcpu *v)
{
	uint64_t code = v->svm.vmcb->control.exitcode;

	v->stats.exits[svm_exit_kind(code)]++;

	switch (code) {
	case VMCB_EXIT_INTR:
		/* tern's timer (a domain without devices): take it; the run loop
		 * looks at the vCPU's timers before the guest goes on. */
		__asm__ volatile("sti; nop; cli" : : : "memory");
		break;
	case VMCB_EXIT_NMI:
	case VMCB_EXIT_IRET:
		break; /* tern took the NMI at STGI; the IRET is followed by nmi.c */
	case VMCB_EXIT_CPUID:
		hvm_handle_cpuid(v);
		break;
	case VMCB_EXIT_HLT:
		svm_skip_instruction(v, INSN_LEN_HLT);
		vcpu_halt(v, v->svm.vmcb->save.rflags & X86_EFLAGS_IF);
		break;
	case VMCB_EXIT_MSR:
		hvm_handle_msr(v, v->svm.vmcb->control.exitinfo1 & 1);
		break;
	case VMCB_EXIT_VMMCALL:
		hvm_hypercall(v, INSN_LEN_VMMCALL);
		break;
	case VMCB_EXIT_IOIO:
		svm_handle_ioio(v);
		break;
	case VMCB_EXIT_VMRUN:
	case VMCB_EXIT_VMLOAD:
	case VMCB_EXIT_VMSAVE:
	case VMCB_EXIT_STGI:
	case VMCB_EXIT_CLGI:
	case VMCB_EXIT_SKINIT:
	case VMCB_EXIT_INVLPGA:
		/* The guest sees no SVM (cpuid_policy.c): these are invalid opcodes to it. */
		svm_inject_exception(v, X86_EXC_UD, false, 0);
		break;
	case VMCB_EXIT_SHUTDOWN:
		unexpected_exit(v, "triple fault");
		break;
	case VMCB_EXIT_NPF:
		handle_npf(v);
		break;
	case VMCB_EXIT_CR_WRITE(4):
		svm_handle_cr4_write(v);
		break;
	case VMCB_EXIT_XSETBV:
		hvm_handle_xsetbv(v, INSN_LEN_XSETBV);
		break;
	case VMCB_EXIT_INVD:
	case VMCB_EXIT_WBINVD:
		handle_cache_flush(v);
		break;
	case VMCB_EXIT_INVALID:
	case VMCB_EXIT_INVALID_32:
		report_invalid_state(v);
		unexpected_exit(v, "VMRUN refused the guest state");
		break;
	default:
		unexpected_exit(v, "unexpected #VMEXIT");
		break;
	}
}
