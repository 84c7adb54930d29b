/*
 * A vCPU's VMCS: its controls (from vmx_caps), the host state of the CPU
 * that runs it, and the guest state of struct vcpu_start. A VMCS is current
 * on at most one CPU: a vCPU's is loaded where it runs (vmx_vmcs_load) and
 * cleared when its slice ends, so it can run next anywhere.
 */
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/ept.h>
#include <asm/percpu.h>
#include <asm/vmcs.h>
#include <asm/vmx_ops.h>
#include <asm/x86-defs.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/errno.h>
#include <tern/mm.h>
#include <tern/string.h>

#define PAT_POWER_ON 0x0007040600070406ull
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_PAT 0x277
#define RFLAGS_RESERVED_1 0x2ull
#define DR7_RESET 0x400ull

extern char vmx_vmexit[];

static bool vmclear(paddr_t pa)
{
	return vmx_region_insn("vmclear", pa);
}

static bool vmptrld(paddr_t pa)
{
	return vmx_region_insn("vmptrld", pa);
}

static paddr_t vmptrst(void)
{
	paddr_t pa;

	__asm__ volatile("vmptrst %0" : "=m"(pa) : : "memory");
	return pa;
}

/* CR0 bits VMX operation forces on that the guest does not choose: set in
 * GUEST_CR0, shown to the guest as it wrote them (the read shadow).
 * Unrestricted guest lets PE and PG be 0. */
uint64_t vmx_cr0_host_owned(void)
{
	return vmx_msrs.cr0_fixed0 & ~(uint64_t)(X86_CR0_PE | X86_CR0_PG);
}

void vmx_set_guest_cr0(uint64_t value)
{
	vmcs_write(VMCS_CR0_READ_SHADOW, value);
	vmcs_write(VMCS_GUEST_CR0, value | vmx_cr0_host_owned());
}

/* CR4 is the host's in every bit (VMXE must stay set): each write the
 * guest makes exits, and reads show the shadow. */
void vmx_set_cr4(struct vcpu *v, uint64_t value)
{
	(void)v;
	vmcs_write(VMCS_CR4_READ_SHADOW, value);
	vmcs_write(VMCS_GUEST_CR4, value | vmx_msrs.cr4_fixed0);
}

static uint16_t selector(uint16_t sel)
{
	return sel & ~7; /* the host's, with RPL 0 and the GDT, as VM entry requires */
}

/* The host state that differs between CPUs: written when the VMCS is loaded. */
static bool set_host_state(void)
{
	struct desc_ptr gdtr, idtr;
	uint16_t cs, ss, ds, es, fs, gs, tr;
	bool ok = true;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	__asm__ volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3"
			 : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es));
	__asm__ volatile("mov %%fs, %0; mov %%gs, %1; str %2" : "=r"(fs), "=r"(gs), "=r"(tr));
	ok &= vmcs_write(VMCS_HOST_CS_SEL, selector(cs));
	ok &= vmcs_write(VMCS_HOST_SS_SEL, selector(ss));
	ok &= vmcs_write(VMCS_HOST_DS_SEL, selector(ds));
	ok &= vmcs_write(VMCS_HOST_ES_SEL, selector(es));
	ok &= vmcs_write(VMCS_HOST_FS_SEL, selector(fs));
	ok &= vmcs_write(VMCS_HOST_GS_SEL, selector(gs));
	ok &= vmcs_write(VMCS_HOST_TR_SEL, selector(tr));
	ok &= vmcs_write(VMCS_HOST_CR0, read_cr0());
	ok &= vmcs_write(VMCS_HOST_CR3, read_cr3());
	ok &= vmcs_write(VMCS_HOST_CR4, read_cr4());
	ok &= vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	ok &= vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	ok &= vmcs_write(VMCS_HOST_TR_BASE, (uintptr_t)&this_cpu()->tss);
	ok &= vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
	ok &= vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
	ok &= vmcs_write(VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
	ok &= vmcs_write(VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
	ok &= vmcs_write(VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
	ok &= vmcs_write(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	ok &= vmcs_write(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	ok &= vmcs_write(VMCS_HOST_RIP, (uintptr_t)vmx_vmexit);
	return ok;
}

static bool set_segment(enum vmcs_seg s, uint16_t sel, uint32_t ar, uint32_t limit, uint64_t base)
{
	return vmcs_write(VMCS_GUEST_SEL(s), sel) & vmcs_write(VMCS_GUEST_AR(s), ar) &
	       vmcs_write(VMCS_GUEST_LIMIT(s), limit) & vmcs_write(VMCS_GUEST_BASE(s), base);
}

/* Flat 32-bit protected mode with paging off (the PVH and Linux 32-bit
 * entry), or real mode at the STARTUP vector for an AP. */
static bool set_start_state(struct vcpu *v, const struct vcpu_start *start)
{
	bool ok = true, real = start->real_mode;
	uint16_t cs_sel = real ? (uint16_t)(start->sipi_vector << 8) : 0x10;
	uint16_t ds_sel = real ? 0 : 0x18;
	uint32_t code_ar = real ? VMCS_AR_CODE16 : VMCS_AR_CODE32;
	uint32_t data_ar = real ? VMCS_AR_DATA16 : VMCS_AR_DATA32;
	uint32_t limit = real ? 0xffff : 0xffffffff;

	ok &= set_segment(VMCS_SEG_CS, cs_sel, code_ar, limit, real ? (uint64_t)start->sipi_vector << 12 : 0);
	for (enum vmcs_seg s = VMCS_SEG_ES; s <= VMCS_SEG_GS; s++)
		if (s != VMCS_SEG_CS)
			ok &= set_segment(s, ds_sel, data_ar, limit, 0);
	ok &= set_segment(VMCS_SEG_LDTR, 0, VMCS_AR_UNUSABLE, 0, 0);
	ok &= set_segment(VMCS_SEG_TR, 0, VMCS_AR_TSS_BUSY, 0xffff, 0);
	ok &= vmcs_write(VMCS_GUEST_GDTR_BASE, real ? 0 : start->gdt_base);
	ok &= vmcs_write(VMCS_GUEST_GDTR_LIMIT, real ? 0xffff : start->gdt_limit);
	ok &= vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	ok &= vmcs_write(VMCS_GUEST_IDTR_LIMIT, real ? 0xffff : 0);
	vmx_set_guest_cr0(real ? X86_CR0_ET : X86_CR0_PE | X86_CR0_ET);
	vmx_set_cr4(v, 0);
	ok &= vmcs_write(VMCS_GUEST_CR3, 0);
	ok &= vmcs_write(VMCS_GUEST_DR7, DR7_RESET);
	ok &= vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED_1);
	ok &= vmcs_write(VMCS_GUEST_RIP, real ? 0 : start->eip);
	ok &= vmcs_write(VMCS_GUEST_EFER, 0);
	ok &= vmcs_write(VMCS_GUEST_PAT, PAT_POWER_ON);
	ok &= vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	ok &= vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	ok &= vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	ok &= vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	ok &= vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	ok &= vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	ok &= vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
	ok &= vmcs_write(VMCS_VMCS_LINK_POINTER, ~0ull);
	v->vmx.rsp = real ? 0 : start->esp;
	v->vmx.rax = 0;
	return ok;
}

/*
 * What exits: as under SVM, only what the hypervisor must own. A domain
 * without devices also exits on external interrupts (tern's timer) and HLT;
 * dom0 takes its interrupts and halts natively. Interrupt-window exiting is
 * turned on only while an interrupt waits (vmx_ops.c).
 */
static bool set_controls(struct vcpu *v)
{
	const struct domain *d = v->domain;
	uint32_t pin = vmx_caps.pin, proc = vmx_caps.proc & ~VMX_PROC_INTR_WINDOW_EXITING;
	bool ok = true;

	if (d->passthrough) {
		pin &= ~VMX_PIN_EXT_INTR_EXITING;
		proc &= ~VMX_PROC_HLT_EXITING;
	}
	ok &= vmcs_write(VMCS_PIN_CONTROLS, pin);
	ok &= vmcs_write(VMCS_PROC_CONTROLS, proc);
	ok &= vmcs_write(VMCS_PROC2_CONTROLS, vmx_caps.proc2);
	ok &= vmcs_write(VMCS_EXIT_CONTROLS, vmx_caps.exit);
	ok &= vmcs_write(VMCS_ENTRY_CONTROLS, vmx_caps.entry & ~VMX_ENTRY_IA32E_MODE);
	ok &= vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
	ok &= vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	ok &= vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	ok &= vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	ok &= vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	ok &= vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	ok &= vmcs_write(VMCS_IO_BITMAP_A, d->vmx.io_bitmap_pa);
	ok &= vmcs_write(VMCS_IO_BITMAP_B, d->vmx.io_bitmap_pa + PAGE_SIZE);
	ok &= vmcs_write(VMCS_MSR_BITMAP, d->vmx.msr_bitmap_pa);
	ok &= vmcs_write(VMCS_EPT_POINTER, EPTP(d->npt_root));
	ok &= vmcs_write(VMCS_TSC_OFFSET, 0);
	ok &= vmcs_write(VMCS_CR0_GUEST_HOST_MASK, vmx_cr0_host_owned());
	ok &= vmcs_write(VMCS_CR4_GUEST_HOST_MASK, ~0ull);
	return ok;
}

int vmx_vmcs_init(struct vcpu *v, const struct vcpu_start *start)
{
	paddr_t current;
	bool ok;

	if (!v->vmx.vmcs) {
		v->vmx.vmcs = alloc_pages(0);
		if (!v->vmx.vmcs)
			return -ENOMEM;
		v->vmx.vmcs_pa = (uintptr_t)v->vmx.vmcs;
		v->vmx.loaded_on = -1;
	}
	/* An AP started again after going offline gets its VMCS afresh; one
	 * still current on another CPU cannot be cleared from here. */
	if (v->vmx.loaded_on >= 0 && v->vmx.loaded_on != (int)smp_processor_id()) {
		pr_err("d%uv%u: VMX: its VMCS is still current on CPU%d\n", v->domain->id, v->id,
		       v->vmx.loaded_on);
		return -EBUSY;
	}
	if (v->vmx.loaded_on >= 0)
		vmclear(v->vmx.vmcs_pa);
	memset(v->vmx.vmcs, 0, PAGE_SIZE);
	*(uint32_t *)v->vmx.vmcs = vmx_caps.revision_id;
	v->vmx.loaded_on = -1;
	v->vmx.launched = false;
	/* This CPU may be running another vCPU (a STARTUP IPI from an exit
	 * handler): its VMCS is current again afterwards. */
	current = vmptrst();
	ok = vmclear(v->vmx.vmcs_pa) && vmptrld(v->vmx.vmcs_pa);
	ok = ok && set_controls(v) && set_start_state(v, start);
	if (ok)
		vmx_read_guest_paging(&v->vmx.paging); /* for use before its first slice */
	ok &= vmclear(v->vmx.vmcs_pa);
	if (current != ~0ull)
		vmptrld(current);
	if (!ok) {
		pr_err("d%uv%u: VMX: cannot set up the VMCS\n", v->domain->id, v->id);
		return -EIO;
	}
	return 0;
}

int vmx_vmcs_load(struct vcpu *v)
{
	int cpu = (int)smp_processor_id();

	if (v->vmx.loaded_on == cpu)
		return 0;
	if (!vmptrld(v->vmx.vmcs_pa) || !set_host_state()) {
		pr_err("d%uv%u: VMX: cannot load the VMCS on CPU%d\n", v->domain->id, v->id, cpu);
		return -EIO;
	}
	v->vmx.loaded_on = cpu;
	return 0;
}

void vmx_vmcs_unload(struct vcpu *v)
{
	if (v->vmx.loaded_on < 0)
		return;
	vmclear(v->vmx.vmcs_pa);
	v->vmx.loaded_on = -1;
	v->vmx.launched = false;
}

void vmx_vmcs_free(struct vcpu *v)
{
	if (!v->vmx.vmcs)
		return;
	vmx_vmcs_unload(v);
	free_pages(v->vmx.vmcs, 0);
	v->vmx.vmcs = NULL;
}

void vmx_set_proc_control(uint32_t control, bool on)
{
	uint64_t proc = vmcs_read(VMCS_PROC_CONTROLS);

	vmcs_write(VMCS_PROC_CONTROLS, on ? proc | control : proc & ~(uint64_t)control);
}
