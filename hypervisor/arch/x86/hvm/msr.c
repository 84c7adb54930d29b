/*
 * RDMSR and WRMSR a vCPU's permission map intercepts, carried out as
 * asm/msr_policy.h routes them; values the vendor's state holds go to
 * hvm_ops.msr_read/msr_write.
 */
#include <asm/cpu.h>
#include <asm/cpu_state.h>
#include <asm/msr_policy.h>
#include <tern/domain.h>
#include <tern/hypercall.h>

#define INSN_LEN_MSR 2

/* dom0 owns the machine's MSRs; a domU owns none but its own state. */
void hvm_msr_policy_apply(void *map, bool passthrough, hvm_msr_bitmap_set_fn set)
{
	if (!passthrough)
		for (unsigned int i = 0; i < msr_domu_native_count; i++)
			set(map, msr_domu_native[i], true, true, false);
	for (unsigned int i = 0; i < msr_always_intercepted_count; i++) {
		const struct msr_intercept *m = &msr_always_intercepted[i];

		set(map, m->msr, m->read, m->write, true);
	}
}

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr_route(msr, false, v->domain->passthrough)) {
	case MSR_ROUTE_VLAPIC:
		return vlapic_read(&v->lapic, msr, val) == 0;
	case MSR_ROUTE_APIC_BASE:
		/* dom0 reads its own (not intercepted); a domU its virtual one. */
		*val = vlapic_get_base(&v->lapic);
		return true;
	case MSR_ROUTE_ZERO:
		*val = 0;
		return true;
	case MSR_ROUTE_EFER:
	case MSR_ROUTE_DEBUGCTL:
	case MSR_ROUTE_VENDOR:
		return hvm->msr_read(v, msr, val);
	default:
		return false;
	}
}

/* dom0's APIC_BASE is its CPU's (msr_dom0_apic_base_valid() says what may change). */
static bool dom0_apic_base_write(uint64_t val)
{
	if (!msr_dom0_apic_base_valid(rdmsr(MSR_APIC_BASE), val))
		return false;
	wrmsr(MSR_APIC_BASE, val);
	return true;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic_ipi ipi;
	int rc;

	switch (msr_route(msr, true, v->domain->passthrough)) {
	case MSR_ROUTE_VLAPIC:
		rc = vlapic_write(&v->lapic, msr, val, &ipi);
		if (rc == 1)
			vcpu_send_ipi(v, &ipi);
		return rc >= 0;
	case MSR_ROUTE_APIC_BASE:
		if (v->domain->passthrough)
			return dom0_apic_base_write(val);
		return vlapic_set_base(&v->lapic, val) == 0;
	case MSR_ROUTE_EFER:
		return hvm_creg_write_allowed(v, "EFER", creg_efer_check, val) &&
		       hvm->msr_write(v, msr, val);
	case MSR_ROUTE_DEBUGCTL:
		return msr_debugctl_valid(val) && hvm->msr_write(v, msr, val);
	case MSR_ROUTE_TSC_AUX:
		return cpu_state_set_tsc_aux(v, val) == 0;
	case MSR_ROUTE_HYPERCALL_PAGE:
		if (hypercall_page_install(v->domain, val))
			return false;
		/* A guest's drivers start here: its shared pages follow its mode. */
		domain_latch_shared_layout(v->domain, !hvm->long_mode64(v));
		return true;
	case MSR_ROUTE_ZERO:
		return true;
	case MSR_ROUTE_VENDOR:
		return hvm->msr_write(v, msr, val);
	default:
		return false;
	}
}

void hvm_handle_msr(struct vcpu *v, bool write)
{
	uint64_t *rax = hvm->gpr(v, 0), *rdx = hvm->gpr(v, 2);
	uint32_t msr = (uint32_t)*hvm->gpr(v, 1);
	uint64_t val;
	bool ok;

	if (write) {
		ok = msr_write(v, msr, (uint32_t)*rax | *rdx << 32);
	} else {
		ok = msr_read(v, msr, &val);
		if (ok) {
			*rax = (uint32_t)val;
			*rdx = val >> 32;
		}
	}
	if (!ok) {
		hvm_inject_gp(v);
		return;
	}
	hvm->skip_instruction(v, INSN_LEN_MSR);
}
