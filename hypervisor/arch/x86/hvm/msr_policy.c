/* Which MSRs a guest has (asm/msr_policy.h). Pure. */
#include <asm/msr_policy.h>
#include <asm/vlapic.h>
#include <asm/x86-defs.h>
#include <public/hvm.h>

#define MSR_DEBUGCTL 0x1d9
#define DEBUGCTL_LBR (1u << 0)
#define DEBUGCTL_BTF (1u << 1)
#define MSR_KERNEL_GS_BASE 0xc0000102
#define APIC_BASE_ADDRESS_AND_MODE (~0xfffull | APIC_BASE_X2APIC)

const uint32_t msr_domu_native[] = {
	0x174, 0x175, 0x176,             /* SYSENTER_CS, _ESP, _EIP */
	0x277,                           /* PAT (the guest's, with nested paging) */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_TSC_AUX,                     /* reads; writes are intercepted below */
};
const unsigned int msr_domu_native_count = ARRAY_SIZE(msr_domu_native);

const struct msr_intercept msr_always_intercepted[] = {
	{ MSR_EFER, true, true },
	{ MSR_APIC_BASE, false, true },
	{ MSR_TSC_AUX, false, true },
};
const unsigned int msr_always_intercepted_count = ARRAY_SIZE(msr_always_intercepted);

enum msr_route msr_route(uint32_t msr, bool write, bool passthrough)
{
	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST)
		return passthrough ? MSR_ROUTE_GP : MSR_ROUTE_VLAPIC;
	switch (msr) {
	case MSR_APIC_BASE:
		return MSR_ROUTE_APIC_BASE;
	case MSR_EFER:
		return MSR_ROUTE_EFER;
	case MSR_DEBUGCTL:
		/* dom0 reaches its CPU's natively. */
		return passthrough ? MSR_ROUTE_GP : MSR_ROUTE_DEBUGCTL;
	case MSR_TSC_AUX:
		return write ? MSR_ROUTE_TSC_AUX : MSR_ROUTE_VENDOR;
	case XEN_HYPERCALL_PAGE_MSR:
		return write ? MSR_ROUTE_HYPERCALL_PAGE : MSR_ROUTE_GP;
	case MSR_MTRR_CAP:
		/* A domU has no MTRRs: its memory is write-back. */
		return passthrough || write ? MSR_ROUTE_GP : MSR_ROUTE_ZERO;
	case MSR_MTRR_DEF_TYPE:
		return passthrough ? MSR_ROUTE_GP : MSR_ROUTE_ZERO;
	case MSR_AMD_INT_PENDING:
		/* Linux reads it unchecked on AMD family 0xf (C1E): no C1E here. */
		return passthrough || write ? MSR_ROUTE_GP : MSR_ROUTE_ZERO;
	default:
		return MSR_ROUTE_VENDOR;
	}
}

bool msr_debugctl_valid(uint64_t value)
{
	return !(value & ~(uint64_t)(DEBUGCTL_LBR | DEBUGCTL_BTF));
}

bool msr_dom0_apic_base_valid(uint64_t current, uint64_t value)
{
	return !(value & APIC_BASE_X2APIC) && !((value ^ current) & APIC_BASE_ADDRESS_AND_MODE);
}
