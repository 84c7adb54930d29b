/*
 * Intel VT-x running guests: VMX operation kept on per CPU, a VMCS per
 * vCPU, the run loop (interrupt injection, VPIDs and EPT flushes, the entry
 * itself) and hvm_ops for the vendor-neutral code.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/ept.h>
#include <asm/percpu.h>
#include <asm/vmcs.h>
#include <asm/vmx_ops.h>
#include <asm/x86-defs.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>

#define NR_VPIDS 65536 /* 16 bits; 0 is the host's */
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2
#define MSR_DEBUGCTL 0x1d9
#define MSR_IA32_MISC_ENABLE 0x1a0
/*
 * IA32_MISC_ENABLE as a domU reads it: Linux reads it unchecked in its
 * first instructions on Intel family 6 (to clear XD disable), before it
 * has an IDT, so a #GP there is a triple fault. Fast strings on, as
 * firmware leaves them; branch trace and PEBS unavailable and xTPR
 * messages off, as Xen shows HVM guests; no XD disable, MONITOR or
 * performance monitoring. Writes of the same value are taken.
 */
#define MISC_ENABLE_FAST_STRING (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAIL (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_XTPR_DISABLE (1ull << 23)
#define MISC_ENABLE_DOMU (MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | \
			  MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE)
/*
 * The microcode revision: Linux on Intel writes 0, runs CPUID and reads it
 * (the SDM's protocol) at its first instructions. A domU reads 0, as Xen
 * shows HVM guests; the write of 0 is taken, any other is #GP.
 */
#define MSR_IA32_UCODE_REV 0x8b

/* The 128-bit descriptors INVEPT and INVVPID read (SDM vol. 3, "INVEPT",
 * "INVVPID"): the EPT pointer, or the VPID in bits 15:0 and an address. */
struct invept_desc {
	uint64_t eptp, reserved;
};
_Static_assert(sizeof(struct invept_desc) == 16, "INVEPT descriptor");
struct invvpid_desc {
	uint64_t vpid, address;
};
_Static_assert(sizeof(struct invvpid_desc) == 16, "INVVPID descriptor");

static void invept(unsigned long type, uint64_t eptp)
{
	struct invept_desc desc = { eptp, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

static void invvpid(unsigned long type, uint16_t vpid)
{
	struct invvpid_desc desc = { vpid, 0 };

	__asm__ volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

/* This CPU enters VMX operation for good; nothing cached from before tern
 * (a warm reboot) may be used. */
static int vmx_cpu_enable(void)
{
	struct percpu *cpu = this_cpu();
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL), write = 0;
	int rc;

	/* The firmware sets IA32_FEATURE_CONTROL per CPU. */
	switch (vmx_feature_control_plan(fc, &write)) {
	case VMX_FC_WRITE:
		wrmsr(MSR_IA32_FEATURE_CONTROL, write);
		break;
	case VMX_FC_DISABLED:
		pr_err("CPU%u: VMX is disabled and locked by the firmware\n", cpu->cpu_id);
		return -ENODEV;
	case VMX_FC_ENABLED:
		break;
	}
	cpu_state_cpu_init(); /* CR0 and CR4 as the host keeps them, before the fixed-bit check */
	rc = vmx_cpu_on(&cpu->vmx, &vmx_msrs, vmx_caps.revision_id);
	if (rc)
		return rc;
	asid_pcpu_init(&cpu->asids, NR_VPIDS);
	invept(INVEPT_ALL, 0);
	return 0;
}

static int vmx_domain_init(struct domain *d)
{
	return vmx_bitmaps_init(d);
}

static int vmx_vcpu_init(struct vcpu *v, const struct vcpu_start *start)
{
	int rc = cpu_state_vcpu_init(v);

	if (rc)
		return rc;
	rc = vmx_vmcs_init(v, start);
	if (rc)
		return rc;
	v->regs = (struct guest_regs){ .rsi = start->esi, .rbx = start->ebx };
	v->vmx.pending_vector = -1;
	return 0;
}

static bool vmx_interrupt_waiting(const struct vcpu *v)
{
	return v->vmx.pending_vector >= 0;
}

static bool interrupt_window_open(void)
{
	return (vmcs_read(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
		 (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS));
}

/*
 * One virtual interrupt at a time, as under SVM: taken from the upcall flag
 * or the virtual LAPIC, it waits in v->vmx.pending_vector until the guest
 * can take it (IF set, no STI or MOV SS shadow), with interrupt-window
 * exiting on meanwhile; an event already being injected (an NMI, one
 * delivered again) goes first.
 */
static void vmx_deliver_interrupt(struct vcpu *v)
{
	int vector;

	if (v->vmx.pending_vector < 0) {
		if (__atomic_exchange_n(&v->upcall_to_inject, false, __ATOMIC_ACQ_REL))
			v->vmx.pending_vector = vcpu_upcall_vector(v);
		else if ((vector = vlapic_take_irr(&v->lapic)) >= 0)
			v->vmx.pending_vector = vector;
	}
	if (v->vmx.pending_vector < 0) {
		vmx_set_proc_control(VMX_PROC_INTR_WINDOW_EXITING, false);
		return;
	}
	if ((vmcs_read(VMCS_ENTRY_INTR_INFO) & VMX_INTR_VALID) || !interrupt_window_open()) {
		vmx_set_proc_control(VMX_PROC_INTR_WINDOW_EXITING, true);
		return;
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, (uint32_t)v->vmx.pending_vector | VMX_INTR_TYPE_EXT_INTR |
					 VMX_INTR_VALID);
	v->vmx.pending_vector = -1;
	vmx_set_proc_control(VMX_PROC_INTR_WINDOW_EXITING, false);
}

/* The VPID for this entry and the flushes it needs: INVEPT for a table
 * that lost a translation (guest-physical mappings are not VPID-tagged),
 * INVVPID where asm/asid.h says. */
static void vmx_tlb_enter(struct vcpu *v)
{
	bool table_changed;
	struct asid_vmrun run = hvm_tlb_enter(v, vmx_caps.invvpid_single, &table_changed);

	if (table_changed)
		invept(vmx_caps.invept_single ? INVEPT_SINGLE : INVEPT_ALL, EPTP(v->domain->npt_root));
	if (run.flush == ASID_FLUSH_ALL)
		invvpid(INVVPID_ALL, 0);
	else if (run.flush == ASID_FLUSH_OWN)
		invvpid(INVVPID_SINGLE, (uint16_t)run.asid);
	vmcs_write(VMCS_VPID, run.asid);
}

/* VM entry checks that the IA-32e mode guest control matches EFER.LMA. */
static void sync_ia32e_mode(void)
{
	uint64_t entry = vmcs_read(VMCS_ENTRY_CONTROLS) & ~(uint64_t)VMX_ENTRY_IA32E_MODE;

	if (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA)
		entry |= VMX_ENTRY_IA32E_MODE;
	vmcs_write(VMCS_ENTRY_CONTROLS, entry);
}

/* One trip into the guest and back, with what must happen before and after. */
static void vmx_enter(struct vcpu *v, uint64_t deadline)
{
	int failed;

	if (vmx_vmcs_load(v)) {
		domain_crash(v->domain, "VMCS unusable");
		return;
	}
	if (!v->domain->passthrough) {
		vcpu_timer_poll(v);
		vcpu_timer_arm(v, deadline);
	}
	vmx_nmi_before_entry(v); /* first: an NMI goes before an interrupt */
	vmx_deliver_interrupt(v);
	vmx_tlb_enter(v);
	sync_ia32e_mode();
	vmcs_write(VMCS_GUEST_RSP, v->vmx.rsp);
	vmx_load_cr2(v);
	failed = vmx_vmenter(&v->regs, &v->vmx.rax, v->vmx.launched);
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
	if (failed) {
		vmx_report_entry_failure(v, true);
		return;
	}
	v->vmx.launched = true;
	vmx_save_cr2(v);
	v->vmx.rsp = vmcs_read(VMCS_GUEST_RSP);
	v->vmx.last_rip = vmcs_read(VMCS_GUEST_RIP);
	vmx_handle_exit(v);
}

static void vmx_vcpu_run(struct vcpu *v)
{
	hvm_run_forever(v, vmx_enter);
}

/*
 * The syscall MSRs a domU reaches natively (msr_policy.h) that VM entry
 * and exit leave alone: each domU's own on the pCPUs domUs share (tern
 * itself uses none of them; dom0 keeps its CPU and its values).
 */
static const uint32_t syscall_msrs[VMX_NR_SYSCALL_MSRS] = {
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
	0xc0000102,                                     /* KERNEL_GS_BASE */
};

static void vmx_vcpu_run_slice(struct vcpu *v, uint64_t deadline)
{
	for (unsigned int i = 0; i < VMX_NR_SYSCALL_MSRS; i++)
		wrmsr(syscall_msrs[i], v->vmx.syscall_msrs[i]);
	hvm_run_slice(v, deadline, vmx_enter);
	for (unsigned int i = 0; i < VMX_NR_SYSCALL_MSRS; i++)
		v->vmx.syscall_msrs[i] = rdmsr(syscall_msrs[i]);
	/* Before the scheduler may hand v to another pCPU (and write its
	 * runstate area through these). */
	if (v->vmx.loaded_on == (int)smp_processor_id())
		vmx_read_guest_paging(&v->vmx.paging);
	vmx_vmcs_unload(v);
	cpu_state_save(v);
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
	vmx_vmcs_free(v);
	cpu_state_vcpu_free(v);
}

static void vmx_set_cr0(struct vcpu *v, uint64_t value)
{
	uint64_t efer = vmcs_read(VMCS_GUEST_EFER);

	(void)v;
	/* Paging on with LME set enters IA-32e mode; paging off leaves it. */
	if ((value & X86_CR0_PG) && (efer & EFER_LME))
		efer |= EFER_LMA;
	else
		efer &= ~(uint64_t)EFER_LMA;
	vmcs_write(VMCS_GUEST_EFER, efer);
	vmx_set_guest_cr0(value);
}

bool vmx_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	(void)v;
	switch (msr) {
	case MSR_EFER:
		*val = vmcs_read(VMCS_GUEST_EFER);
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		*val = FEATURE_CONTROL_LOCK; /* locked with VMX off, as a firmware would */
		return true;
	case MSR_TSC:
		*val = rdtsc() + vmcs_read(VMCS_TSC_OFFSET);
		return true;
	case MSR_DEBUGCTL:
		*val = vmcs_read(VMCS_GUEST_DEBUGCTL);
		return true;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_DOMU; /* dom0 reads its CPU's natively */
		return true;
	case MSR_IA32_UCODE_REV:
		*val = 0; /* dom0 reads its CPU's natively */
		return true;
	default:
		return false;
	}
}

bool vmx_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	uint64_t efer;

	(void)v;
	switch (msr) {
	case MSR_EFER:
		/* LMA is the CPU's. */
		efer = vmcs_read(VMCS_GUEST_EFER);
		vmcs_write(VMCS_GUEST_EFER, (val & ~(uint64_t)EFER_LMA) | (efer & EFER_LMA));
		return true;
	case MSR_DEBUGCTL:
		/* Loaded at each entry where the CPU has the "load debug
		 * controls" entry control (vmx_caps), else kept and read back. */
		vmcs_write(VMCS_GUEST_DEBUGCTL, val);
		return true;
	case MSR_IA32_MISC_ENABLE:
		return val == MISC_ENABLE_DOMU;
	case MSR_IA32_UCODE_REV:
		return val == 0;
	default:
		return false;
	}
}

void vmx_dump(const struct vcpu *v)
{
	const struct guest_regs *r = &v->regs;

	pr_err("d%uv%u guest state:\n", v->domain->id, v->id);
	pr_err("  rip %016lx  rsp %016lx  rflags %016lx\n", vmcs_read(VMCS_GUEST_RIP), v->vmx.rsp,
	       vmcs_read(VMCS_GUEST_RFLAGS));
	pr_err("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", v->vmx.rax, r->rbx, r->rcx, r->rdx);
	pr_err("  rsi %016lx  rdi %016lx  rbp %016lx\n", r->rsi, r->rdi, r->rbp);
	pr_err("  cr0 %016lx (shadow %lx)  cr3 %016lx  cr4 %016lx (shadow %lx)\n",
	       vmcs_read(VMCS_GUEST_CR0), vmcs_read(VMCS_CR0_READ_SHADOW), vmcs_read(VMCS_GUEST_CR3),
	       vmcs_read(VMCS_GUEST_CR4), vmcs_read(VMCS_CR4_READ_SHADOW));
	pr_err("  efer %016lx  entry controls %lx  interruptibility %lx  idt vectoring %lx\n",
	       vmcs_read(VMCS_GUEST_EFER), vmcs_read(VMCS_ENTRY_CONTROLS),
	       vmcs_read(VMCS_GUEST_INTERRUPTIBILITY), vmcs_read(VMCS_IDT_VECTORING_INFO));
	pr_err("  cs %04lx ar %05lx base %lx  ss %04lx ar %05lx  tr ar %05lx  gdtr %lx/%lx\n",
	       vmcs_read(VMCS_GUEST_CS_SEL), vmcs_read(VMCS_GUEST_CS_AR), vmcs_read(VMCS_GUEST_CS_BASE),
	       vmcs_read(VMCS_GUEST_SS_SEL), vmcs_read(VMCS_GUEST_SS_AR), vmcs_read(VMCS_GUEST_TR_AR),
	       vmcs_read(VMCS_GUEST_GDTR_BASE), vmcs_read(VMCS_GUEST_GDTR_LIMIT));
}

/* From another CPU (debug keys) the VMCS cannot be read: what the run loop saw. */
static void vmx_vcpu_dump(const struct vcpu *v)
{
	if (!v->vmx.vmcs)
		return; /* never set up */
	pr_info("    rip %#lx rsp %#lx last exit reason %#x%s; %s\n", (unsigned long)v->vmx.last_rip,
		(unsigned long)v->vmx.rsp, v->vmx.last_exit_reason,
		v->vmx.pending_vector >= 0 ? " (an interrupt waits)" : "",
		__atomic_load_n(&v->in_guest, __ATOMIC_ACQUIRE) ? "in guest mode" : "in tern");
	/* An MSR exit's number and value, a hypercall's number and arguments. */
	pr_info("    at that exit: rax %#lx rcx %#lx rdx %#lx rdi %#lx rsi %#lx\n",
		(unsigned long)v->vmx.rax, (unsigned long)v->regs.rcx, (unsigned long)v->regs.rdx,
		(unsigned long)v->regs.rdi, (unsigned long)v->regs.rsi);
}

static void vmx_domain_destroy(struct domain *d)
{
	vmx_bitmaps_free(d);
}

const struct hvm_ops vmx_ops = {
	.name = "Intel VT-x",
	.cpu_enable = vmx_cpu_enable,
	.domain_init = vmx_domain_init,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_run = vmx_vcpu_run,
	.vcpu_run_slice = vmx_vcpu_run_slice,
	.vcpu_destroy = vmx_vcpu_destroy,
	.domain_destroy = vmx_domain_destroy,
	.guest_paging = vmx_guest_paging,
	.vcpu_dump = vmx_vcpu_dump,
	.gpr = vmx_gpr,
	.long_mode64 = vmx_long_mode64,
	.code_bits = vmx_code_bits,
	.cpl = vmx_cpl,
	.set_cr4 = vmx_set_cr4,
	.set_cr0 = vmx_set_cr0,
	.fetch_insn = vmx_fetch_insn,
	.skip_instruction = vmx_skip_instruction,
	.advance_rip = vmx_advance_rip,
	.inject_exception = vmx_inject_exception,
	.inject_page_fault = vmx_inject_page_fault,
	.access_state = vmx_access_state,
	.interrupt_waiting = vmx_interrupt_waiting,
	.msr_read = vmx_msr_read,
	.msr_write = vmx_msr_write,
	.hypercall_insn = { 0x0f, 0x01, 0xc1 }, /* VMCALL */
	.p2m_format = &ept_format,
};
