/*
 * The VM-entry guest-state checks tern reports a refused entry with: the
 * states tern's VMCS starts vCPUs in (flat 32-bit protected mode, real mode
 * at a STARTUP vector) and a 64-bit guest pass with Sandy Bridge's fixed
 * bits as Bochs reports them; each broken rule is named, one at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <asm/vmcs.h>
#include <asm/vmx_caps.h>
#include <asm/vmx_entry_check.h>
#include <asm/x86-defs.h>

#define CR0_FIXED0 0x80000021ull /* corei7_sandy_bridge_2600k under Bochs */
#define CR0_FIXED1 0xffffffffull
#define CR4_FIXED0 0x2000ull
#define CR4_FIXED1 0x627ffull

static struct vmx_entry_state start32(void)
{
	return (struct vmx_entry_state){
		.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE, .cr4 = X86_CR4_VMXE, .rflags = 2,
		.link_pointer = ~0ull, .entry_controls = 0xd1fb,
		.proc2_controls = VMX_PROC2_EPT | VMX_PROC2_VPID | VMX_PROC2_UNRESTRICTED_GUEST,
		.cs_ar = VMCS_AR_CODE32, .ss_ar = VMCS_AR_DATA32, .tr_ar = VMCS_AR_TSS_BUSY,
		.cr0_fixed0 = CR0_FIXED0, .cr0_fixed1 = CR0_FIXED1,
		.cr4_fixed0 = CR4_FIXED0, .cr4_fixed1 = CR4_FIXED1,
	};
}

static struct vmx_entry_state long64(void)
{
	struct vmx_entry_state s = start32();

	s.cr0 |= X86_CR0_PG;
	s.cr4 |= X86_CR4_PAE;
	s.efer = EFER_LME | EFER_LMA;
	s.entry_controls |= VMX_ENTRY_IA32E_MODE;
	s.cs_ar = 0xa09b; /* L, G */
	return s;
}

static void assert_rule(const struct vmx_entry_state *s, const char *part)
{
	const char *why = vmx_entry_check(s);

	if (!why || !strstr(why, part))
		fail_msg("expected a rule with \"%s\", got \"%s\"", part, why ? why : "(none)");
}

static void test_tern_start_states_pass(void **state)
{
	struct vmx_entry_state s = start32();

	(void)state;
	assert_null(vmx_entry_check(&s));
	/* Real mode at a STARTUP vector: unrestricted guest lets PE be 0. */
	s.cr0 = X86_CR0_ET | X86_CR0_NE;
	s.cs_ar = VMCS_AR_CODE16;
	s.ss_ar = VMCS_AR_DATA16;
	assert_null(vmx_entry_check(&s));
	s = long64();
	assert_null(vmx_entry_check(&s));
	/* An interrupt injected into a guest that takes it. */
	s.rflags |= 1u << 9;
	s.entry_intr_info = 0x20 | VMX_INTR_TYPE_EXT_INTR | VMX_INTR_VALID;
	assert_null(vmx_entry_check(&s));
}

static void test_control_register_rules(void **state)
{
	struct vmx_entry_state s;

	(void)state;
	s = start32(), s.cr0 &= ~(uint64_t)X86_CR0_NE;
	assert_rule(&s, "CR0 breaks");
	s = start32(), s.proc2_controls = 0, s.cr0 = X86_CR0_ET | X86_CR0_NE;
	assert_rule(&s, "CR0 breaks"); /* PE may be 0 only with unrestricted guest */
	s = start32(), s.cr0 = X86_CR0_PG | X86_CR0_NE;
	assert_rule(&s, "CR0.PG set with CR0.PE clear");
	s = start32(), s.cr4 = 0;
	assert_rule(&s, "CR4 breaks");
	s = start32(), s.cr4 |= 1ull << 20; /* SMEP: not in Sandy Bridge's FIXED1 */
	assert_rule(&s, "CR4 breaks");
	s = long64(), s.cr4 &= ~(uint64_t)X86_CR4_PAE;
	assert_rule(&s, "IA-32e mode guest without");
	s = long64(), s.efer = EFER_LME;
	assert_rule(&s, "EFER.LMA differs");
	s = start32(), s.efer = EFER_LMA;
	assert_rule(&s, "EFER.LMA differs");
	s = long64(), s.efer = EFER_LMA;
	assert_rule(&s, "EFER.LME differs");
}

static void test_segment_rules(void **state)
{
	struct vmx_entry_state s;

	(void)state;
	s = start32(), s.tr_ar = VMCS_AR_UNUSABLE;
	assert_rule(&s, "TR unusable");
	s = start32(), s.tr_ar = 0x89; /* an available TSS */
	assert_rule(&s, "busy TSS");
	s = long64(), s.tr_ar = 0x83; /* a 16-bit busy TSS in IA-32e mode */
	assert_rule(&s, "busy TSS");
	s = long64(), s.cs_ar |= VMCS_AR_DB;
	assert_rule(&s, "CS.L and CS.D");
	s = start32(), s.ss_ar |= 3u << 5;
	assert_rule(&s, "SS.DPL differs");
}

static void test_other_rules(void **state)
{
	struct vmx_entry_state s;

	(void)state;
	s = start32(), s.rflags = 0;
	assert_rule(&s, "RFLAGS");
	s = start32(), s.rflags |= 1ull << 22;
	assert_rule(&s, "RFLAGS");
	s = start32(), s.link_pointer = 0;
	assert_rule(&s, "link pointer");
	s = start32(), s.activity = 4;
	assert_rule(&s, "activity state");
	s = start32(), s.interruptibility = VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
	assert_rule(&s, "STI and by MOV SS");
	s = start32(), s.interruptibility = VMX_INTERRUPTIBILITY_STI;
	assert_rule(&s, "STI with RFLAGS.IF clear");
	s = start32(), s.entry_intr_info = 32 | VMX_INTR_TYPE_HW_EXCEPTION | VMX_INTR_VALID;
	assert_rule(&s, "vector above 31");
	s = start32(), s.entry_intr_info = 3 | VMX_INTR_TYPE_NMI | VMX_INTR_VALID;
	assert_rule(&s, "NMI");
	s = start32(), s.entry_intr_info = 2 | VMX_INTR_TYPE_NMI | VMX_INTR_VALID;
	assert_null(vmx_entry_check(&s));
	s.interruptibility = VMX_INTERRUPTIBILITY_MOV_SS;
	assert_rule(&s, "NMI with blocking by MOV SS");
	s.interruptibility = VMX_INTERRUPTIBILITY_NMI;
	assert_rule(&s, "handler of the last one");
	s = start32(), s.cr0 = X86_CR0_ET | X86_CR0_NE, s.cs_ar = VMCS_AR_CODE16;
	s.ss_ar = VMCS_AR_DATA16;
	s.entry_intr_info = 13 | VMX_INTR_TYPE_HW_EXCEPTION | VMX_INTR_ERROR_VALID | VMX_INTR_VALID;
	assert_rule(&s, "error code");
	s = start32(), s.entry_intr_info = 0x30 | VMX_INTR_TYPE_EXT_INTR | VMX_INTR_VALID;
	assert_rule(&s, "RFLAGS.IF clear");
}

static void test_instruction_errors(void **state)
{
	(void)state;
	assert_string_equal(vmx_instruction_error_name(7), "VM entry with invalid control fields");
	assert_string_equal(vmx_instruction_error_name(8), "VM entry with invalid host-state fields");
	assert_string_equal(vmx_instruction_error_name(1), "an error tern does not name");
	assert_string_equal(vmx_instruction_error_name(1000), "an error tern does not name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tern_start_states_pass),
		cmocka_unit_test(test_control_register_rules),
		cmocka_unit_test(test_segment_rules),
		cmocka_unit_test(test_other_rules),
		cmocka_unit_test(test_instruction_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
