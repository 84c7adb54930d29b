/*
 * SVM's side of the MSRs: the permission map built from asm/msr_policy.h's
 * lists, plus SVM's own MSRs (all intercepted), and the values the VMCB
 * holds (EFER, whose SVME stays set under VMRUN and hidden from the guest;
 * the TSC offset; DEBUGCTL) or that describe SVM (VM_CR). What a guest may
 * do with an MSR is hvm/msr.c's.
 */
#include <asm/cpu.h>
#include <asm/msr_policy.h>
#include <asm/svm.h>
#include <asm/x86-defs.h>
#include <tern/domain.h>
#include <tern/string.h>

#define MSRPM_SIZE 0x2000
#define MSR_DEBUGCTL 0x1d9
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

/* Two bits per MSR: read, write. */
static void msrpm_set(void *map, uint32_t msr, bool read, bool write, bool intercept)
{
	uint8_t *msrpm = map;
	unsigned int what = (read ? INTERCEPT_READ : 0) | (write ? INTERCEPT_WRITE : 0);

	for (unsigned int i = 0; i < ARRAY_SIZE(msrpm_ranges); i++) {
		const struct msrpm_range *r = &msrpm_ranges[i];

		if (msr - r->first < MSRPM_RANGE_MSRS) {
			uint32_t bit = 2 * (msr - r->first);

			if (intercept)
				msrpm[r->offset + bit / 8] |= (uint8_t)(what << (bit % 8));
			else
				msrpm[r->offset + bit / 8] &= (uint8_t)~(what << (bit % 8));
			return;
		}
	}
}

void svm_msrpm_init(uint8_t *msrpm, bool passthrough)
{
	memset(msrpm, passthrough ? 0 : 0xff, MSRPM_SIZE);
	hvm_msr_policy_apply(msrpm, passthrough, msrpm_set);
	for (uint32_t msr = MSR_VM_CR; msr <= MSR_SVM_LAST; msr++)
		msrpm_set(msrpm, msr, true, true, true);
}

bool svm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = v->svm.vmcb->save.efer & ~(uint64_t)EFER_SVME;
		return true;
	case MSR_VM_CR:
		*val = VM_CR_LOCK | VM_CR_SVMDIS; /* "SVM disabled by firmware" */
		return true;
	case MSR_TSC:
		*val = rdtsc() + v->svm.vmcb->control.tsc_offset;
		return true;
	case MSR_DEBUGCTL:
		*val = v->svm.vmcb->save.dbgctl; /* a domU's (dom0 reads its CPU's natively) */
		return true;
	default:
		return false;
	}
}

bool svm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vmcb_save *s = &v->svm.vmcb->save;

	switch (msr) {
	case MSR_EFER:
		/* LMA is the CPU's; SVME stays set. */
		s->efer = (val & ~(uint64_t)EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return true;
	case MSR_DEBUGCTL:
		/* VMRUN loads it with LBR virtualization; on CPUs without it
		 * (QEMU) the value is kept and read back, with no effect. */
		s->dbgctl = val;
		if (svm_features.lbr_virt && val)
			v->svm.vmcb->control.lbr_virt |= VMCB_LBR_VIRT_ENABLE;
		return true;
	default:
		return false;
	}
}
