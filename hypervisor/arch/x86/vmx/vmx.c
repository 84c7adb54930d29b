/* Intel VT-x: reading the boot CPU's VMX capabilities and judging them (vmx_caps.c). */
#include <asm/cpu.h>
#include <asm/vmx_ops.h>
#include <tern/console.h>

struct vmx_caps vmx_caps;
struct vmx_msrs vmx_msrs;

/* IA32_FEATURE_CONTROL: enabled by the firmware, or by tern if the
 * firmware left it unlocked; returns its value afterwards. */
static uint64_t enable_vmx(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL), write = 0;

	switch (vmx_feature_control_plan(fc, &write)) {
	case VMX_FC_ENABLED:
		pr_info("VMX: IA32_FEATURE_CONTROL %#lx: enabled and locked by the firmware\n", fc);
		break;
	case VMX_FC_WRITE:
		wrmsr(MSR_IA32_FEATURE_CONTROL, write);
		fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
		pr_info("VMX: IA32_FEATURE_CONTROL was unlocked; tern enabled VMX and locked it (%#lx)\n", fc);
		break;
	case VMX_FC_DISABLED:
		pr_err("VMX: IA32_FEATURE_CONTROL %#lx: disabled and locked by the firmware\n", fc);
		break;
	}
	return fc;
}

/* Each MSR only where the CPU says it has it: the others #GP. */
static void read_msrs(struct vmx_msrs *m)
{
	m->feature_control = enable_vmx();
	m->basic = rdmsr(MSR_IA32_VMX_BASIC);
	m->pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	m->procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	m->exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	m->entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	if (vmx_has_true_ctls(m)) {
		m->true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		m->true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		m->true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
		m->true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	}
	if (vmx_has_secondary_ctls(m))
		m->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (vmx_has_ept_vpid_cap(m))
		m->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	m->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	m->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	m->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	m->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
}

/* Whether VMX operation works at all, before any CPU depends on it: the
 * boot CPU enters it and leaves it again (cpu_enable then stays in it). */
static bool try_vmxon(const struct vmx_msrs *m)
{
	struct vmx_cpu cpu = { 0 };
	uint64_t cr0, cr4;

	if (vmx_cpu_on(&cpu, m, vmx_caps.revision_id))
		return false;
	cr0 = read_cr0();
	cr4 = read_cr4();
	vmx_cpu_off(&cpu);
	pr_info("VMX: VMXON and VMXOFF on CPU0 (CR0 %#lx, CR4 %#lx in VMX operation)\n", cr0, cr4);
	return true;
}

bool vmx_probe(void)
{
	struct vmx_msrs m = { 0 };
	struct vmx_caps *c = &vmx_caps;

	read_msrs(&m);
	vmx_msrs = m;
	/* The raw values, so a report from any machine can be replayed in
	 * tests/unit/test_vmx_caps.c. */
	pr_info("VMX: basic %#lx pin %#lx proc %#lx exit %#lx entry %#lx\n", m.basic, m.pinbased,
		m.procbased, m.exit, m.entry);
	pr_info("VMX: true pin %#lx proc %#lx exit %#lx entry %#lx\n", m.true_pinbased,
		m.true_procbased, m.true_exit, m.true_entry);
	pr_info("VMX: proc2 %#lx ept_vpid_cap %#lx\n", m.procbased2, m.ept_vpid_cap);
	pr_info("VMX: cr0 fixed %#lx/%#lx cr4 fixed %#lx/%#lx\n", m.cr0_fixed0, m.cr0_fixed1,
		m.cr4_fixed0, m.cr4_fixed1);
	vmx_caps_decide(&m, c);
	for (unsigned int r = 0; r < VMX_NR_REQUIREMENTS; r++)
		if (c->missing & 1u << r)
			pr_err("VMX: missing: %s\n", vmx_requirement_name(r));
	if (c->missing)
		return false;
	pr_info("VMX: revision %#x, %u-byte regions; EPT: 4-level, write-back, 2 MiB%s pages%s; "
		"INVEPT %s; INVVPID %s%s\n", c->revision_id, c->region_size,
		c->ept_1g_pages ? " and 1 GiB" : "", c->ept_ad_bits ? ", accessed/dirty bits" : "",
		c->invept_single ? "single-context" : "all-context",
		c->invvpid_single ? "single-context" : "all-context",
		c->invvpid_address ? ", individual-address" : "");
	pr_info("VMX: controls pin %#x proc %#x proc2 %#x exit %#x entry %#x\n", c->pin, c->proc,
		c->proc2, c->exit, c->entry);
	return try_vmxon(&m);
}
