/*
 * AMD SVM: finding it, switching it on per CPU, setting up a vCPU's VMCB
 * and running it.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/guest_walk.h>
#include <asm/percpu.h>
#include <asm/npt_build.h>
#include <asm/svm.h>
#include <asm/vmcb_check.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_ECX_SVM (1u << 2)
#define CPUID_SVM_FEATURES 0x8000000a
#define SVM_EDX_NP (1u << 0)
#define SVM_EDX_LBRV (1u << 1)
#define SVM_EDX_NRIPS (1u << 3)
#define SVM_EDX_FLUSH_BY_ASID (1u << 6)
#define SVM_EDX_DECODE_ASSISTS (1u << 7)

#define PAT_POWER_ON 0x0007040600070406ull

struct svm_features svm_features;

bool svm_probe(void)
{
	struct cpuid_regs r;

	if (cpuid(0x80000000, 0).eax < CPUID_SVM_FEATURES ||
	    !(cpuid(CPUID_EXT_FEATURES, 0).ecx & CPUID_ECX_SVM)) {
		pr_err("SVM: this CPU has no AMD-V\n");
		return false;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		pr_err("SVM: AMD-V is disabled by the firmware (enable SVM in the BIOS setup)\n");
		return false;
	}
	r = cpuid(CPUID_SVM_FEATURES, 0);
	svm_features.nr_asids = r.ebx;
	svm_features.nested_paging = r.edx & SVM_EDX_NP;
	svm_features.nrip_save = r.edx & SVM_EDX_NRIPS;
	svm_features.flush_by_asid = r.edx & SVM_EDX_FLUSH_BY_ASID;
	svm_features.decode_assists = r.edx & SVM_EDX_DECODE_ASSISTS;
	svm_features.lbr_virt = r.edx & SVM_EDX_LBRV;
	if (!svm_features.nested_paging) {
		pr_err("SVM: this CPU has no nested paging, which tern requires\n");
		return false;
	}
	pr_info("SVM: %u ASIDs, nested paging%s%s%s%s\n", svm_features.nr_asids,
		svm_features.nrip_save ? ", next-RIP save" : "",
		svm_features.decode_assists ? ", decode assists" : "",
		svm_features.flush_by_asid ? ", flush by ASID" : "",
		svm_features.lbr_virt ? ", LBR virtualization" : "");
	return true;
}

static int svm_cpu_enable(void)
{
	void *hsave = alloc_pages(0), *host_vmcb = alloc_pages(0);

	if (!hsave || !host_vmcb)
		return -ENOMEM;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)hsave);
	this_cpu()->svm_host_vmcb_pa = (uintptr_t)host_vmcb;
	asid_pcpu_init(&this_cpu()->asids, svm_features.nr_asids);
	cpu_state_cpu_init();
	return 0;
}

static void flat_segment(struct vmcb_segment *seg, uint16_t selector, uint16_t attrib)
{
	*seg = (struct vmcb_segment){ selector, attrib, 0xffffffff, 0 };
}

/* The state the Linux 32-bit boot protocol (and PVH) asks for: flat
 * protected mode, paging and interrupts off. */
/* An AP after INIT and STARTUP: real mode, CS = vector << 8, IP = 0. */
static void vmcb_set_sipi_state(struct vmcb_save *s, uint8_t vector)
{
	const struct vmcb_segment data = { 0, VMCB_ATTR_DATA16, 0xffff, 0 };

	s->cs = (struct vmcb_segment){ (uint16_t)(vector << 8), VMCB_ATTR_CODE16, 0xffff,
				       (uint64_t)vector << 12 };
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = s->idtr = (struct vmcb_segment){ 0, 0, 0xffff, 0 };
	s->cr0 = X86_CR0_ET;
	s->rip = 0;
	s->rsp = 0;
}

static void vmcb_set_start_state(struct vmcb *vmcb, const struct vcpu_start *start)
{
	struct vmcb_save *s = &vmcb->save;

	flat_segment(&s->cs, 0x10, VMCB_ATTR_CODE32);
	flat_segment(&s->ds, 0x18, VMCB_ATTR_DATA32);
	flat_segment(&s->es, 0x18, VMCB_ATTR_DATA32);
	flat_segment(&s->ss, 0x18, VMCB_ATTR_DATA32);
	flat_segment(&s->fs, 0x18, VMCB_ATTR_DATA32);
	flat_segment(&s->gs, 0x18, VMCB_ATTR_DATA32);
	s->gdtr = (struct vmcb_segment){ 0, 0, start->gdt_limit, start->gdt_base };
	s->idtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	s->tr = (struct vmcb_segment){ 0, VMCB_ATTR_TSS32_BUSY, 0xffff, 0 };
	s->ldtr = (struct vmcb_segment){ 0, VMCB_ATTR_LDT, 0xffff, 0 };
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->cr4 = 0;
	s->efer = EFER_SVME; /* VMRUN demands it; the guest never sees it (svm/msr.c) */
	s->rflags = 0x2;
	s->rip = start->eip;
	s->rsp = start->esp;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = PAT_POWER_ON;
	if (start->real_mode)
		vmcb_set_sipi_state(s, start->sipi_vector);
}

#define IOPM_ORDER 2  /* 12 KiB used */
#define MSRPM_ORDER 1 /* 8 KiB */

/* The permission maps: I/O ports as ioio.c decides (almost none: dom0's
 * ports are its own), MSRs as asm/msr_policy.h decides. */
static int svm_domain_init(struct domain *d)
{
	void *iopm = alloc_pages(IOPM_ORDER), *msrpm = alloc_pages(MSRPM_ORDER);

	if (!iopm || !msrpm)
		return -ENOMEM;
	svm_iopm_init(iopm, d->passthrough);
	svm_msrpm_init(msrpm, d->passthrough);
	d->svm.iopm_pa = (uintptr_t)iopm;
	d->svm.msrpm_pa = (uintptr_t)msrpm;
	return 0;
}

static int svm_vcpu_init(struct vcpu *v, const struct vcpu_start *start)
{
	struct domain *d = v->domain;
	/* An AP started again after going offline keeps its VMCB, reset. */
	struct vmcb *vmcb = v->svm.vmcb ? memset(v->svm.vmcb, 0, PAGE_SIZE) : alloc_pages(0);
	struct vmcb_control *c;

	if (!vmcb || cpu_state_vcpu_init(v)) {
		if (vmcb && vmcb != v->svm.vmcb)
			free_pages(vmcb, 0);
		return -ENOMEM;
	}
	v->svm.vmcb = vmcb;
	v->svm.vmcb_pa = (uintptr_t)vmcb;
	c = &vmcb->control;
	/*
	 * Intercept only what the hypervisor must own: CPUID (the policy), MSRs
	 * in the permission map, the SVM instructions, triple faults, INIT
	 * (which would otherwise reset the CPU tern runs on), NMIs (handed on by
	 * tern: svm/nmi.c), CR4 and XCR0 writes (checked: a bad value would stop
	 * VMRUN, cr.c, cpu_state.c) and INVD (it would drop everyone's dirty
	 * cache lines). Interrupts and I/O ports stay native: dom0 owns the
	 * devices.
	 */
	c->intercept_misc1 = VMCB_INTERCEPT_CPUID | VMCB_INTERCEPT_MSR_PROT |
			     VMCB_INTERCEPT_IOIO_PROT | VMCB_INTERCEPT_INVLPGA |
			     VMCB_INTERCEPT_SHUTDOWN | VMCB_INTERCEPT_INIT | VMCB_INTERCEPT_NMI |
			     VMCB_INTERCEPT_INVD;
	c->intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL |
			     VMCB_INTERCEPT_VMLOAD | VMCB_INTERCEPT_VMSAVE |
			     VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI | VMCB_INTERCEPT_SKINIT |
			     VMCB_INTERCEPT_XSETBV;
	c->intercept_cr = VMCB_INTERCEPT_CR_WRITE(4);
	c->iopm_base_pa = d->svm.iopm_pa;
	c->msrpm_base_pa = d->svm.msrpm_pa;
	c->np_control = VMCB_NP_ENABLE; /* ASID and TLB control: set at each entry */
	c->n_cr3 = d->npt_root;
	/*
	 * Without devices, the guest's IF masks only the interrupts tern injects,
	 * and the CPU's own interrupts (tern's timer) stop the guest.
	 */
	if (!d->passthrough) {
		c->vintr = VMCB_VINTR_MASKING;
		c->intercept_misc1 |= VMCB_INTERCEPT_INTR | VMCB_INTERCEPT_HLT;
		c->intercept_misc2 |= VMCB_INTERCEPT_WBINVD; /* nothing to write back for */
	}
	vmcb_set_start_state(vmcb, start);
	v->regs = (struct guest_regs){ .rsi = start->esi, .rbx = start->ebx };
	return 0;
}

/* A virtual interrupt the CPU delivers when the guest's IF allows (no EOI). */
static void svm_inject_virtual_irq(struct vcpu *v, uint8_t vector)
{
	uint64_t vintr = v->svm.vmcb->control.vintr & VMCB_VINTR_MASKING;

	v->svm.vmcb->control.vintr = vintr | VMCB_VINTR_V_IRQ | VMCB_VINTR_IGN_TPR |
				 (0xfull << VMCB_VINTR_PRIO_SHIFT) |
				 ((uint64_t)vector << VMCB_VINTR_VECTOR_SHIFT);
}

/*
 * One virtual interrupt at a time: the next waits until the guest has taken
 * the last (the CPU clears V_IRQ then). The event upcall goes first; flags
 * are taken atomically so one sent from another CPU meanwhile is not lost.
 */
static void svm_deliver_interrupt(struct vcpu *v)
{
	int vector;

	if (v->svm.vmcb->control.vintr & VMCB_VINTR_V_IRQ)
		return;
	if (__atomic_exchange_n(&v->upcall_to_inject, false, __ATOMIC_ACQ_REL)) {
		v->stats.upcalls++;
		svm_inject_virtual_irq(v, vcpu_upcall_vector(v));
	}
	else if ((vector = vlapic_take_irr(&v->lapic)) >= 0)
		svm_inject_virtual_irq(v, (uint8_t)vector);
}

static bool svm_interrupt_waiting(const struct vcpu *v)
{
	return v->svm.vmcb->control.vintr & VMCB_VINTR_V_IRQ;
}

static const uint8_t tlb_control[] = {
	[ASID_FLUSH_NONE] = VMCB_TLB_FLUSH_NOTHING,
	[ASID_FLUSH_ALL] = VMCB_TLB_FLUSH_ALL,
	[ASID_FLUSH_OWN] = VMCB_TLB_FLUSH_ASID,
};

/* The ASID for this entry and what to flush (hvm_tlb_enter): a new ASID
 * has nothing cached in the nested table's old translations either. */
static void svm_tlb_enter(struct vcpu *v)
{
	bool table_changed;
	struct asid_vmrun run = hvm_tlb_enter(v, svm_features.flush_by_asid, &table_changed);

	v->svm.vmcb->control.asid = run.asid;
	v->svm.vmcb->control.tlb_control = tlb_control[run.flush];
}

/* One trip into the guest and back, with what must happen before and after. */
static void svm_enter(struct vcpu *v, uint64_t deadline)
{
	uint64_t exited;

	if (!v->domain->passthrough) {
		vcpu_timer_poll(v);
		vcpu_timer_arm(v, deadline);
	}
	svm_deliver_interrupt(v);
	svm_nmi_before_entry(v);
	svm_tlb_enter(v);
	vmcb_entry_keep(&v->svm.vmcb_entry, v->svm.vmcb);
	svm_vmrun(v->svm.vmcb_pa, &v->regs, this_cpu()->svm_host_vmcb_pa,
		  v->svm.vmcb->control.interrupt_shadow & 1);
	exited = rdtsc();
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
	svm_nmi_after_exit(v, v->svm.vmcb->control.exitcode);
	svm_handle_exit(v);
	v->stats.exit_tsc[svm_exit_kind(v->svm.vmcb->control.exitcode)] += rdtsc() - exited;
}

static void svm_vcpu_run(struct vcpu *v)
{
	hvm_run_forever(v, svm_enter);
}

static void svm_vcpu_run_slice(struct vcpu *v, uint64_t deadline)
{
	hvm_run_slice(v, deadline, svm_enter);
	/* Before the scheduler may hand v to another pCPU. */
	cpu_state_save(v);
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	if (v->svm.vmcb)
		free_pages(v->svm.vmcb, 0);
	v->svm.vmcb = NULL;
	cpu_state_vcpu_free(v);
}

static void svm_domain_destroy(struct domain *d)
{
	free_pages((void *)(uintptr_t)d->svm.iopm_pa, IOPM_ORDER);
	free_pages((void *)(uintptr_t)d->svm.msrpm_pa, MSRPM_ORDER);
}

static void svm_guest_paging(const struct vcpu *v, struct guest_paging *p)
{
	const struct vmcb_save *s = &v->svm.vmcb->save;

	*p = (struct guest_paging){ s->cr0, s->cr3, s->cr4, s->efer };
}

static void svm_vcpu_dump(const struct vcpu *v)
{
	const struct vmcb *vmcb = v->svm.vmcb;

	if (!vmcb)
		return; /* never set up */
	pr_info("    rip %#lx rsp %#lx rflags %#lx cr3 %#lx vintr %#lx exit %#lx\n",
		(unsigned long)vmcb->save.rip, (unsigned long)vmcb->save.rsp,
		(unsigned long)vmcb->save.rflags, (unsigned long)vmcb->save.cr3,
		(unsigned long)vmcb->control.vintr, (unsigned long)vmcb->control.exitcode);
}

const struct hvm_ops svm_ops = {
	.name = "AMD SVM",
	.cpu_enable = svm_cpu_enable,
	.domain_init = svm_domain_init,
	.vcpu_init = svm_vcpu_init,
	.vcpu_run = svm_vcpu_run,
	.vcpu_run_slice = svm_vcpu_run_slice,
	.vcpu_destroy = svm_vcpu_destroy,
	.domain_destroy = svm_domain_destroy,
	.guest_paging = svm_guest_paging,
	.vcpu_dump = svm_vcpu_dump,
	.gpr = svm_guest_gpr,
	.long_mode64 = svm_long_mode64,
	.code_bits = svm_code_bits,
	.cpl = svm_cpl,
	.set_cr4 = svm_set_cr4,
	.fetch_insn = svm_fetch_insn,
	.skip_instruction = svm_skip_instruction,
	.advance_rip = svm_advance_rip,
	.inject_exception = svm_inject_exception,
	.inject_page_fault = svm_inject_page_fault,
	.access_state = svm_access_state,
	.interrupt_waiting = svm_interrupt_waiting,
	.msr_read = svm_msr_read,
	.msr_write = svm_msr_write,
	.hypercall_insn = { 0x0f, 0x01, 0xd9 }, /* VMMCALL */
	.p2m_format = &npt_format,
};
