/*
 * MSR intercepts. dom0 reaches almost every MSR natively; the permission map
 * intercepts only those the hypervisor owns: EFER (SVME must stay set under
 * VMRUN and stay invisible; writes follow creg_policy.c), APIC_BASE writes
 * (no x2APIC, no relocation: tern follows dom0's LAPIC at its firmware
 * address), TSC_AUX writes (it is switched per vCPU: cpu_state.c) and the
 * SVM MSRs. A domU reaches only the MSRs the CPU keeps per guest, and its
 * own DEBUGCTL; the few others Linux reads without checking are answered
 * here. Everything else gets #GP, as on a CPU that does not have it.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <public/hvm.h>
#include <tern/console.h>
#include <tern/domain.h>
#include <tern/hypercall.h>
#include <tern/string.h>

#define MSRPM_SIZE 0x2000
#define MSR_DEBUGCTL 0x1d9
#define DEBUGCTL_LBR (1u << 0)
#define DEBUGCTL_BTF (1u << 1)
#define MSR_SVM_LAST 0xc001011f /* SVM's MSRs: VM_CR .. the SVM key */

struct msrpm_range {
	uint32_t first;
	uint32_t offset; /* byte offset of the range in the map */
};

static const struct msrpm_range msrpm_ranges[] = {
	{ 0x00000000, 0x0000 },
	{ 0xc0000000, 0x0800 },
	{ 0xc0010000, 0x1000 },
};
#define MSRPM_RANGE_MSRS 0x2000

#define INTERCEPT_READ 1
#define INTERCEPT_WRITE 2

static void msrpm_intercept(uint8_t *msrpm, uint32_t msr, unsigned int what)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msrpm_ranges); i++) {
		const struct msrpm_range *r = &msrpm_ranges[i];

		if (msr - r->first < MSRPM_RANGE_MSRS) {
			uint32_t bit = 2 * (msr - r->first);

			msrpm[r->offset + bit / 8] |= what << (bit % 8);
			return;
		}
	}
}

static void msrpm_pass(uint8_t *msrpm, uint32_t msr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msrpm_ranges); i++) {
		const struct msrpm_range *r = &msrpm_ranges[i];

		if (msr - r->first < MSRPM_RANGE_MSRS) {
			uint32_t bit = 2 * (msr - r->first);

			msrpm[r->offset + bit / 8] &= (uint8_t)~(3u << (bit % 8));
			return;
		}
	}
}

/* MSRs the CPU keeps per guest (VMLOAD/VMSAVE state, the guest PAT under
 * nested paging): a domU may use them natively. */
static const uint32_t guest_owned_msrs[] = {
	0x174, 0x175, 0x176,             /* SYSENTER_CS, _ESP, _EIP */
	0x277,                           /* PAT (the guest's, with nested paging) */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
	MSR_FS_BASE, MSR_GS_BASE, 0xc0000102, /* KERNEL_GS_BASE */
	MSR_TSC_AUX,                     /* reads; writes are switched state */
};

void svm_msrpm_init(uint8_t *msrpm, bool passthrough)
{
	/* dom0 owns the machine's MSRs; a domU owns none but its own state. */
	memset(msrpm, passthrough ? 0 : 0xff, MSRPM_SIZE);
	if (!passthrough)
		for (unsigned int i = 0; i < ARRAY_SIZE(guest_owned_msrs); i++)
			msrpm_pass(msrpm, guest_owned_msrs[i]);
	msrpm_intercept(msrpm, MSR_EFER, INTERCEPT_READ | INTERCEPT_WRITE);
	msrpm_intercept(msrpm, MSR_APIC_BASE, INTERCEPT_WRITE);
	msrpm_intercept(msrpm, MSR_TSC_AUX, INTERCEPT_WRITE);
	for (uint32_t msr = MSR_VM_CR; msr <= MSR_SVM_LAST; msr++)
		msrpm_intercept(msrpm, msr, INTERCEPT_READ | INTERCEPT_WRITE);
}

static bool is_vlapic_msr(const struct vcpu *v, uint32_t msr)
{
	return !v->domain->passthrough && msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST;
}

/* Returns false if the access must fault. */
static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (is_vlapic_msr(v, msr))
		return vlapic_read(&v->lapic, msr, val) == 0;
	switch (msr) {
	case MSR_APIC_BASE:
		/* dom0 reads its own (not intercepted); a domU its virtual one. */
		*val = vlapic_get_base(&v->lapic);
		return true;
	case MSR_EFER:
		*val = v->vmcb->save.efer & ~(uint64_t)EFER_SVME;
		return true;
	case MSR_VM_CR:
		*val = VM_CR_LOCK | VM_CR_SVMDIS; /* "SVM disabled by firmware" */
		return true;
	case MSR_TSC:
		*val = rdtsc() + v->vmcb->control.tsc_offset;
		return true;
	case MSR_MTRR_CAP:
	case MSR_MTRR_DEF_TYPE:
		*val = 0; /* a domU has no MTRRs: its memory is write-back */
		return !v->domain->passthrough;
	case MSR_AMD_INT_PENDING:
		/* Linux reads it unchecked on family 0xf (C1E): no C1E here. */
		*val = 0;
		return !v->domain->passthrough;
	case MSR_DEBUGCTL:
		*val = v->vmcb->save.dbgctl; /* a domU's (dom0 reads its CPU's natively) */
		return true;
	default:
		return false;
	}
}

/*
 * EFER: the bits the guest's CPUID shows, LME not changed under paging
 * (creg_policy.c); LMA is the CPU's, SVME stays set and hidden.
 */
static bool efer_write(struct vcpu *v, uint64_t val)
{
	struct vmcb_save *s = &v->vmcb->save;

	if (!svm_creg_write_allowed(v, "EFER", creg_efer_check, val))
		return false;
	s->efer = (val & ~(uint64_t)EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
	return true;
}

/*
 * A domU's DEBUGCTL, as Xen gives HVM guests on AMD: LBR and BTF, others
 * #GP. It lives in the VMCB, which VMRUN loads with LBR virtualization; on
 * CPUs without it (QEMU) the value is kept and read back, with no effect.
 */
static bool debugctl_write(struct vcpu *v, uint64_t val)
{
	if (val & ~(uint64_t)(DEBUGCTL_LBR | DEBUGCTL_BTF))
		return false;
	v->vmcb->save.dbgctl = val;
	if (svm_features.lbr_virt && val)
		v->vmcb->control.lbr_virt |= VMCB_LBR_VIRT_ENABLE;
	return true;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic_ipi ipi;
	uint64_t apic_base;
	int rc;

	if (is_vlapic_msr(v, msr)) {
		rc = vlapic_write(&v->lapic, msr, val, &ipi);
		if (rc == 1)
			vcpu_send_ipi(v, &ipi);
		return rc >= 0;
	}
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, val);
	case MSR_TSC_AUX:
		return cpu_state_set_tsc_aux(v, val) == 0;
	case MSR_DEBUGCTL:
		return !v->domain->passthrough && debugctl_write(v, val);
	case XEN_HYPERCALL_PAGE_MSR:
		if (hypercall_page_install(v->domain, val))
			return false;
		/* A guest's drivers start here: its shared pages follow its mode. */
		domain_latch_shared_layout(v->domain, !svm_long_mode64(v));
		return true;
	case MSR_MTRR_DEF_TYPE:
		return !v->domain->passthrough; /* ignored */
	case MSR_APIC_BASE:
		if (!v->domain->passthrough)
			return vlapic_set_base(&v->lapic, val) == 0;
		apic_base = rdmsr(MSR_APIC_BASE);
		if (val & APIC_BASE_X2APIC || (val ^ apic_base) & ~0xfffull)
			return false;
		wrmsr(MSR_APIC_BASE, val);
		return true;
	default:
		return false;
	}
}

void svm_handle_msr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	bool write = v->vmcb->control.exitinfo1 & 1;
	uint64_t val;
	bool ok;

	if (write) {
		val = (v->vmcb->save.rax & 0xffffffff) | (v->regs.rdx << 32);
		ok = msr_write(v, msr, val);
	} else {
		ok = msr_read(v, msr, &val);
		if (ok) {
			v->vmcb->save.rax = (uint32_t)val;
			v->regs.rdx = val >> 32;
		}
	}
	if (!ok) {
		svm_inject_gp(v);
		return;
	}
	svm_skip_instruction(v, 2);
}
