/* Which VM-entry rule a guest state breaks (asm/vmx_entry_check.h). Pure. */
#include <asm/vmcs.h>
#include <asm/vmx_caps.h>
#include <asm/vmx_entry_check.h>
#include <asm/x86-defs.h>

#define RFLAGS_RESERVED_1 (1ull << 1)
#define RFLAGS_RESERVED_0 (~0x3fffffull | (1ull << 15) | (1ull << 5) | (1ull << 3))
#define RFLAGS_IF (1ull << 9)
#define AR_TYPE(ar) ((ar) & 0xf)
#define AR_S (1u << 4)
#define AR_P (1u << 7)
#define TSS_BUSY_16 3
#define TSS_BUSY_32 11
#define ACTIVITY_WAIT_FOR_SIPI 3

static const char *check_control_registers(const struct vmx_entry_state *s)
{
	uint64_t cr0_fixed0 = s->cr0_fixed0;
	bool ia32e = s->entry_controls & VMX_ENTRY_IA32E_MODE;

	if (s->proc2_controls & VMX_PROC2_UNRESTRICTED_GUEST)
		cr0_fixed0 &= ~(uint64_t)(X86_CR0_PE | X86_CR0_PG);
	if ((s->cr0 & cr0_fixed0) != cr0_fixed0 || (s->cr0 & ~s->cr0_fixed1))
		return "CR0 breaks IA32_VMX_CR0_FIXED0/1";
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return "CR0.PG set with CR0.PE clear";
	if ((s->cr4 & s->cr4_fixed0) != s->cr4_fixed0 || (s->cr4 & ~s->cr4_fixed1))
		return "CR4 breaks IA32_VMX_CR4_FIXED0/1";
	if (ia32e && (!(s->cr0 & X86_CR0_PG) || !(s->cr4 & X86_CR4_PAE)))
		return "an IA-32e mode guest without CR0.PG and CR4.PAE";
	if (!ia32e && (s->cr4 & X86_CR4_PCIDE))
		return "CR4.PCIDE set outside IA-32e mode";
	if (ia32e != !!(s->efer & EFER_LMA))
		return "EFER.LMA differs from the IA-32e mode guest entry control";
	if ((s->cr0 & X86_CR0_PG) && !!(s->efer & EFER_LME) != !!(s->efer & EFER_LMA))
		return "EFER.LME differs from EFER.LMA with paging on";
	return NULL;
}

static const char *check_segments(const struct vmx_entry_state *s)
{
	bool ia32e = s->entry_controls & VMX_ENTRY_IA32E_MODE;
	unsigned int tr_type = AR_TYPE(s->tr_ar);

	if (s->tr_ar & VMCS_AR_UNUSABLE)
		return "TR unusable";
	if (tr_type != TSS_BUSY_32 && (ia32e || tr_type != TSS_BUSY_16))
		return "TR is not a busy TSS (64- or 32-bit; 16-bit outside IA-32e mode)";
	if ((s->tr_ar & AR_S) || !(s->tr_ar & AR_P))
		return "TR is not a present system segment";
	if (s->cs_ar & VMCS_AR_UNUSABLE)
		return "CS unusable";
	if (ia32e && (s->cs_ar & VMCS_AR_L) && (s->cs_ar & VMCS_AR_DB))
		return "CS.L and CS.D both set in IA-32e mode";
	if (!(s->ss_ar & VMCS_AR_UNUSABLE) && VMCS_AR_DPL(s->ss_ar) != VMCS_AR_DPL(s->cs_ar) &&
	    AR_TYPE(s->cs_ar) != 3)
		return "SS.DPL differs from CS.DPL";
	if (!(s->cr0 & X86_CR0_PE) && VMCS_AR_DPL(s->ss_ar) != 0)
		return "SS.DPL not 0 with CR0.PE clear";
	return NULL;
}

static const char *check_rest(const struct vmx_entry_state *s)
{
	uint32_t intr = s->entry_intr_info;

	if (!(s->rflags & RFLAGS_RESERVED_1) || (s->rflags & RFLAGS_RESERVED_0))
		return "a reserved RFLAGS bit wrong (bit 1 clear, or one that must be 0 set)";
	if (s->link_pointer != ~0ull)
		return "the VMCS link pointer is not all ones";
	if (s->activity > ACTIVITY_WAIT_FOR_SIPI)
		return "an activity state that does not exist";
	if ((s->interruptibility & VMX_INTERRUPTIBILITY_STI) &&
	    (s->interruptibility & VMX_INTERRUPTIBILITY_MOV_SS))
		return "blocking by STI and by MOV SS at once";
	if ((s->interruptibility & VMX_INTERRUPTIBILITY_STI) && !(s->rflags & RFLAGS_IF))
		return "blocking by STI with RFLAGS.IF clear";
	if (intr & VMX_INTR_VALID) {
		uint32_t type = intr & VMX_INTR_TYPE_MASK;

		if (type == VMX_INTR_TYPE_HW_EXCEPTION && VMX_INTR_VECTOR(intr) > 31)
			return "injection of a hardware exception with a vector above 31";
		if (type == VMX_INTR_TYPE_NMI && VMX_INTR_VECTOR(intr) != 2)
			return "injection of an NMI with a vector other than 2";
		if (type == VMX_INTR_TYPE_NMI && (s->interruptibility & VMX_INTERRUPTIBILITY_MOV_SS))
			return "injection of an NMI with blocking by MOV SS";
		/* Every VMCS of tern's has virtual NMIs. */
		if (type == VMX_INTR_TYPE_NMI && (s->interruptibility & VMX_INTERRUPTIBILITY_NMI))
			return "injection of an NMI while the guest is in the handler of the last one";
		if ((intr & VMX_INTR_ERROR_VALID) &&
		    (type != VMX_INTR_TYPE_HW_EXCEPTION || !(s->cr0 & X86_CR0_PE)))
			return "injection with an error code that cannot have one (or in real mode)";
		if (type == VMX_INTR_TYPE_EXT_INTR && !(s->rflags & RFLAGS_IF))
			return "injection of an external interrupt with RFLAGS.IF clear";
	}
	return NULL;
}

const char *vmx_entry_check(const struct vmx_entry_state *s)
{
	const char *why = check_control_registers(s);

	if (!why)
		why = check_segments(s);
	return why ? why : check_rest(s);
}

const char *vmx_instruction_error_name(unsigned int n)
{
	static const char *const names[] = {
		[2] = "VMCALL in VMX root operation",
		[3] = "VMCLEAR with an invalid address",
		[4] = "VMCLEAR with the VMXON pointer",
		[5] = "VMLAUNCH with a non-clear VMCS",
		[6] = "VMRESUME with a non-launched VMCS",
		[7] = "VM entry with invalid control fields",
		[8] = "VM entry with invalid host-state fields",
		[9] = "VMPTRLD with an invalid address",
		[10] = "VMPTRLD with the VMXON pointer",
		[11] = "VMPTRLD with an incorrect VMCS revision",
		[12] = "VMREAD or VMWRITE of an unsupported field",
		[13] = "VMWRITE to a read-only field",
		[26] = "VM entry with events blocked by MOV SS",
	};

	return n < ARRAY_SIZE(names) && names[n] ? names[n] : "an error tern does not name";
}
