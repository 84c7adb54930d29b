/* Whether this CPU's VT-x can run tern's guests (asm/vmx_caps.h). Pure. */
#include <asm/vmx_caps.h>

/* The controls tern sets in every VMCS (the later stages' exit handlers
 * rely on each of them). */
#define PIN_REQUIRED (VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS)
#define PROC_REQUIRED (VMX_PROC_INTR_WINDOW_EXITING | VMX_PROC_HLT_EXITING | VMX_PROC_IO_BITMAPS | \
		       VMX_PROC_MSR_BITMAPS | VMX_PROC_SECONDARY_CTLS)
#define PROC2_REQUIRED (VMX_PROC2_EPT | VMX_PROC2_VPID | VMX_PROC2_UNRESTRICTED_GUEST)
#define EXIT_REQUIRED (VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | \
		       VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER)
#define ENTRY_REQUIRED (VMX_ENTRY_IA32E_MODE | VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_EFER)
/* Set where the CPU allows them (without, the guest's instruction is #UD,
 * or its DR7 and DEBUGCTL are not its own). */
#define PROC2_OPTIONAL (VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID | VMX_PROC2_XSAVES)
#define EXIT_OPTIONAL VMX_EXIT_SAVE_DEBUG_CTLS
#define ENTRY_OPTIONAL VMX_ENTRY_LOAD_DEBUG_CTLS

static const char *const requirement_names[VMX_NR_REQUIREMENTS] = {
	[VMX_REQ_ENABLED] = "VMX enabled (IA32_FEATURE_CONTROL is locked with VMX outside SMX off: "
			    "enable VT-x in the firmware setup)",
	[VMX_REQ_WB_REGIONS] = "write-back VMCS memory (IA32_VMX_BASIC bits 53:50)",
	[VMX_REQ_64BIT_ADDRESSES] = "64-bit VMCS addresses (IA32_VMX_BASIC bit 48)",
	[VMX_REQ_EXT_INTR_EXITING] = "external-interrupt exiting (pin-based control 0)",
	[VMX_REQ_NMI_EXITING] = "NMI exiting (pin-based control 3)",
	[VMX_REQ_VIRTUAL_NMIS] = "virtual NMIs and NMI-window exiting (pin-based control 5, "
				 "processor-based control 22)",
	[VMX_REQ_INTR_WINDOW_EXITING] = "interrupt-window exiting (processor-based control 2)",
	[VMX_REQ_HLT_EXITING] = "HLT exiting (processor-based control 7)",
	[VMX_REQ_IO_BITMAPS] = "I/O bitmaps (processor-based control 25)",
	[VMX_REQ_MSR_BITMAPS] = "MSR bitmaps (processor-based control 28)",
	[VMX_REQ_SECONDARY_CTLS] = "secondary controls (processor-based control 31)",
	[VMX_REQ_EPT] = "EPT (secondary control 1)",
	[VMX_REQ_VPID] = "VPID (secondary control 5)",
	[VMX_REQ_UNRESTRICTED_GUEST] = "unrestricted guest (secondary control 7)",
	[VMX_REQ_EXIT_64BIT_HOST] = "64-bit host on VM exit (exit control 9)",
	[VMX_REQ_EXIT_EFER] = "EFER saved and loaded on VM exit (exit controls 20, 21)",
	[VMX_REQ_EXIT_PAT] = "PAT saved and loaded on VM exit (exit controls 18, 19)",
	[VMX_REQ_ENTRY_IA32E] = "IA-32e mode guests (entry control 9)",
	[VMX_REQ_ENTRY_EFER] = "EFER loaded on VM entry (entry control 15)",
	[VMX_REQ_ENTRY_PAT] = "PAT loaded on VM entry (entry control 14)",
	[VMX_REQ_EPT_WALK_4] = "4-level EPT walks (IA32_VMX_EPT_VPID_CAP bit 6)",
	[VMX_REQ_EPT_WB] = "write-back EPT tables (IA32_VMX_EPT_VPID_CAP bit 14)",
	[VMX_REQ_EPT_2M_PAGES] = "2 MiB EPT pages (IA32_VMX_EPT_VPID_CAP bit 16)",
	[VMX_REQ_INVEPT] = "INVEPT, single- or all-context (IA32_VMX_EPT_VPID_CAP bits 20, 25, 26)",
	[VMX_REQ_INVVPID] = "INVVPID, single- or all-context (IA32_VMX_EPT_VPID_CAP bits 32, 41, 42)",
};

const char *vmx_requirement_name(enum vmx_requirement r)
{
	return r < VMX_NR_REQUIREMENTS ? requirement_names[r] : "?";
}

bool vmx_has_true_ctls(const struct vmx_msrs *m)
{
	return m->basic & VMX_BASIC_TRUE_CTLS;
}

/* A control MSR: the low half has the bits that must be 1, the high half
 * those that may be 1. */
static uint32_t must_be_1(uint64_t ctls)
{
	return (uint32_t)ctls;
}

static uint32_t may_be_1(uint64_t ctls)
{
	return (uint32_t)(ctls >> 32);
}

bool vmx_has_secondary_ctls(const struct vmx_msrs *m)
{
	return may_be_1(m->procbased) & VMX_PROC_SECONDARY_CTLS;
}

bool vmx_has_ept_vpid_cap(const struct vmx_msrs *m)
{
	return vmx_has_secondary_ctls(m) && may_be_1(m->procbased2) & (VMX_PROC2_EPT | VMX_PROC2_VPID);
}

enum vmx_feature_control_action vmx_feature_control_plan(uint64_t value, uint64_t *write)
{
	if (value & FEATURE_CONTROL_LOCK)
		return value & FEATURE_CONTROL_VMX_OUTSIDE_SMX ? VMX_FC_ENABLED : VMX_FC_DISABLED;
	*write = value | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	return VMX_FC_WRITE;
}

static void need(struct vmx_caps *caps, enum vmx_requirement r, bool present)
{
	if (!present)
		caps->missing |= 1u << r;
}

/* The value tern gives a control field: its wanted bits that the CPU
 * allows, plus those the CPU forces on. */
static uint32_t control_value(uint64_t ctls, uint32_t wanted)
{
	return (wanted & may_be_1(ctls)) | must_be_1(ctls);
}

static bool allows(uint64_t ctls, uint32_t bits)
{
	return (may_be_1(ctls) & bits) == bits;
}

static void decide_controls(const struct vmx_msrs *m, struct vmx_caps *caps)
{
	/* With the TRUE_ MSRs, some controls the old ones force to 1 may be 0. */
	bool t = vmx_has_true_ctls(m);
	uint64_t pin = t ? m->true_pinbased : m->pinbased, proc = t ? m->true_procbased : m->procbased;
	uint64_t exit = t ? m->true_exit : m->exit, entry = t ? m->true_entry : m->entry;
	uint64_t proc2 = vmx_has_secondary_ctls(m) ? m->procbased2 : 0;

	need(caps, VMX_REQ_EXT_INTR_EXITING, allows(pin, VMX_PIN_EXT_INTR_EXITING));
	need(caps, VMX_REQ_NMI_EXITING, allows(pin, VMX_PIN_NMI_EXITING));
	need(caps, VMX_REQ_VIRTUAL_NMIS, allows(pin, VMX_PIN_VIRTUAL_NMIS) &&
					 allows(proc, VMX_PROC_NMI_WINDOW_EXITING));
	need(caps, VMX_REQ_INTR_WINDOW_EXITING, allows(proc, VMX_PROC_INTR_WINDOW_EXITING));
	need(caps, VMX_REQ_HLT_EXITING, allows(proc, VMX_PROC_HLT_EXITING));
	need(caps, VMX_REQ_IO_BITMAPS, allows(proc, VMX_PROC_IO_BITMAPS));
	need(caps, VMX_REQ_MSR_BITMAPS, allows(proc, VMX_PROC_MSR_BITMAPS));
	need(caps, VMX_REQ_SECONDARY_CTLS, allows(proc, VMX_PROC_SECONDARY_CTLS));
	need(caps, VMX_REQ_EPT, allows(proc2, VMX_PROC2_EPT));
	need(caps, VMX_REQ_VPID, allows(proc2, VMX_PROC2_VPID));
	need(caps, VMX_REQ_UNRESTRICTED_GUEST, allows(proc2, VMX_PROC2_UNRESTRICTED_GUEST));
	need(caps, VMX_REQ_EXIT_64BIT_HOST, allows(exit, VMX_EXIT_HOST_ADDR_SPACE_SIZE));
	need(caps, VMX_REQ_EXIT_EFER, allows(exit, VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER));
	need(caps, VMX_REQ_EXIT_PAT, allows(exit, VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT));
	need(caps, VMX_REQ_ENTRY_IA32E, allows(entry, VMX_ENTRY_IA32E_MODE));
	need(caps, VMX_REQ_ENTRY_EFER, allows(entry, VMX_ENTRY_LOAD_EFER));
	need(caps, VMX_REQ_ENTRY_PAT, allows(entry, VMX_ENTRY_LOAD_PAT));

	caps->pin = control_value(pin, PIN_REQUIRED);
	caps->proc = control_value(proc, PROC_REQUIRED);
	caps->proc2 = control_value(proc2, PROC2_REQUIRED | PROC2_OPTIONAL);
	caps->exit = control_value(exit, EXIT_REQUIRED | EXIT_OPTIONAL);
	caps->entry = control_value(entry, ENTRY_REQUIRED | ENTRY_OPTIONAL);
}

static void decide_ept_vpid(const struct vmx_msrs *m, struct vmx_caps *caps)
{
	uint64_t c = vmx_has_ept_vpid_cap(m) ? m->ept_vpid_cap : 0;

	need(caps, VMX_REQ_EPT_WALK_4, c & VMX_EPT_WALK_4);
	need(caps, VMX_REQ_EPT_WB, c & VMX_EPT_MEMTYPE_WB);
	need(caps, VMX_REQ_EPT_2M_PAGES, c & VMX_EPT_2M_PAGES);
	need(caps, VMX_REQ_INVEPT, c & VMX_EPT_INVEPT && c & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL));
	need(caps, VMX_REQ_INVVPID,
	     c & VMX_VPID_INVVPID && c & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL));
	caps->ept_1g_pages = c & VMX_EPT_1G_PAGES;
	caps->ept_ad_bits = c & VMX_EPT_AD_BITS;
	caps->invept_single = c & VMX_EPT_INVEPT && c & VMX_EPT_INVEPT_SINGLE;
	caps->invvpid_single = c & VMX_VPID_INVVPID && c & VMX_VPID_INVVPID_SINGLE;
	caps->invvpid_address = c & VMX_VPID_INVVPID && c & VMX_VPID_INVVPID_ADDRESS;
}

void vmx_caps_decide(const struct vmx_msrs *m, struct vmx_caps *caps)
{
	*caps = (struct vmx_caps){ 0 };
	need(caps, VMX_REQ_ENABLED, m->feature_control & FEATURE_CONTROL_LOCK &&
				    m->feature_control & FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	need(caps, VMX_REQ_WB_REGIONS, VMX_BASIC_MEMTYPE(m->basic) == VMX_MEMTYPE_WB);
	need(caps, VMX_REQ_64BIT_ADDRESSES, !(m->basic & VMX_BASIC_32BIT_ADDRESSES));
	caps->revision_id = (uint32_t)(m->basic & VMX_BASIC_REVISION_MASK);
	caps->region_size = VMX_BASIC_REGION_SIZE(m->basic);
	decide_controls(m, caps);
	decide_ept_vpid(m, caps);
}

bool vmx_fixed_cr(uint64_t cur, uint64_t fixed0, uint64_t fixed1, uint64_t *out)
{
	*out = cur | fixed0;
	return !(*out & ~fixed1);
}
