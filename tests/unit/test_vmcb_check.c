/*
 * Naming the VMRUN consistency rule a refused state breaks: a valid 64-bit
 * guest breaks none; each change below breaks exactly the rule named, the
 * first in the manual's order when several are broken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <asm/vmcb_check.h>
#include <asm/x86-defs.h>

static const struct vmcb_limits host = {
	.host = { .l1_ecx = 1u << 26, .l1_edx = 0x078bfbff, .l7_ebx = 1, .l7_ecx = 1u << 16,
		  .ext1_edx = (1u << 29) | (1u << 20) | (1u << 11) },
	.phys_bits = 40,
};

static struct vmcb *valid_guest(void)
{
	static struct vmcb vmcb;

	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.control.intercept_misc2 = VMCB_INTERCEPT_VMRUN;
	vmcb.control.asid = 2;
	vmcb.control.iopm_base_pa = 0x100000;
	vmcb.control.msrpm_base_pa = 0x104000;
	vmcb.save.efer = EFER_SVME | EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
	vmcb.save.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_ET;
	vmcb.save.cr3 = 0x1000000;
	vmcb.save.cr4 = X86_CR4_PAE | X86_CR4_OSXSAVE;
	vmcb.save.cs.attrib = VMCB_ATTR_L | 0x9b;
	vmcb.save.dr6 = 0xffff0ff0;
	vmcb.save.dr7 = 0x400;
	return &vmcb;
}

static void expect(const struct vmcb *v, const char *words)
{
	const char *why = vmcb_check_state(v, &host);

	if (!why || !strstr(why, words))
		fail_msg("expected a rule with '%s', got '%s'", words, why ? why : "(none)");
}

static void test_valid_state_breaks_nothing(void **state)
{
	(void)state;
	assert_null(vmcb_check_state(valid_guest(), &host));
}

static void test_each_rule(void **state)
{
	(void)state;
	struct vmcb *v;

	v = valid_guest(), v->save.efer &= ~(uint64_t)EFER_SVME;
	expect(v, "SVME");
	v = valid_guest(), v->save.cr0 |= X86_CR0_NW;
	expect(v, "CR0.NW");
	v = valid_guest(), v->save.cr0 |= 1ull << 40;
	expect(v, "CR0[63:32]");
	v = valid_guest(), v->save.cr3 |= 1ull << 45;
	expect(v, "CR3");
	v = valid_guest(), v->save.cr4 |= X86_CR4_VMXE;
	expect(v, "CR4");
	v = valid_guest(), v->save.dr6 |= 1ull << 32;
	expect(v, "DR6");
	v = valid_guest(), v->save.dr7 |= 1ull << 32;
	expect(v, "DR7");
	v = valid_guest(), v->save.efer |= 1u << 9;
	expect(v, "EFER");
	v = valid_guest(), v->save.cr4 &= ~(uint64_t)X86_CR4_PAE;
	expect(v, "CR4.PAE clear");
	v = valid_guest(), v->save.cr0 &= ~(uint64_t)X86_CR0_PE;
	expect(v, "CR0.PE clear");
	v = valid_guest(), v->save.cs.attrib |= 1u << 10;
	expect(v, "CS.L and CS.D");
	v = valid_guest(), v->control.intercept_misc2 = 0;
	expect(v, "VMRUN intercept");
	v = valid_guest(), v->control.msrpm_base_pa = 1ull << 40;
	expect(v, "permission map");
	v = valid_guest(), v->control.eventinj = VMCB_EVENT_VALID | (1u << 8) | 32;
	expect(v, "reserved type");
	v = valid_guest(), v->control.eventinj = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_EXCEPTION | 40;
	expect(v, "impossible vector");
	v = valid_guest(), v->control.asid = 0;
	expect(v, "ASID 0");
}

static void test_long_mode_less_cpu_and_real_mode(void **state)
{
	(void)state;
	struct vmcb_limits no_lm = host;
	struct vmcb *v = valid_guest();

	no_lm.host.ext1_edx &= ~(1u << 29);
	assert_non_null(strstr(vmcb_check_state(v, &no_lm), "without long mode"));
	/* Real mode: an injected #GP must come without an error code. */
	v->save.efer = EFER_SVME;
	v->save.cr0 = X86_CR0_ET;
	v->save.cr4 = 0;
	v->save.cr3 = 0;
	v->save.cs.attrib = 0x9b;
	v->control.eventinj = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_EXCEPTION | 13;
	assert_null(vmcb_check_state(v, &host));
	v->control.eventinj |= VMCB_EVENT_ERROR_VALID;
	expect(v, "real mode");
	/* Outside long mode CR3 is 32 bits. */
	v->control.eventinj = 0;
	v->save.cr3 = 1ull << 33;
	expect(v, "CR3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_state_breaks_nothing),
		cmocka_unit_test(test_each_rule),
		cmocka_unit_test(test_long_mode_less_cpu_and_real_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
