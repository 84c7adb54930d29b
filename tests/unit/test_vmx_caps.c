/* Whether a CPU's VT-x can run tern's guests (asm/vmx_caps.h), fed with MSR
 * values real and emulated CPUs report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/vmx_caps.h>

/* Bochs 2.7's corei7_sandy_bridge_2600k, as tern logged them at boot
 * (tests/system/test_vmx.py boots it). */
static const struct vmx_msrs sandy_bridge = {
	.feature_control = 0x5,
	.basic = 0xd810000000002bull,
	.pinbased = 0x7f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x7fffff00036dffull,
	.entry = 0xffff000011ffull,
	.true_pinbased = 0x7f00000016ull,
	.true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x7fffff00036dfbull,
	.true_entry = 0xffff000011fbull,
	.procbased2 = 0xff00000000ull,
	.ept_vpid_cap = 0xf0106114141ull,
};

/* Bochs 2.7's core2_penryn_t9600: VT-x without EPT, VPID or unrestricted
 * guest, and without the EFER/PAT entry and exit controls. */
static const struct vmx_msrs penryn = {
	.feature_control = 0x5,
	.basic = 0xd810000000002bull,
	.pinbased = 0x3f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x3ffff00036dffull,
	.entry = 0x3fff000011ffull,
	.true_pinbased = 0x3f00000016ull,
	.true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x3ffff00036dfbull,
	.true_entry = 0x3fff000011fbull,
	.procbased2 = 0x4100000000ull,
};

static void test_sandy_bridge_is_usable(void **state)
{
	struct vmx_caps c;

	(void)state;
	vmx_caps_decide(&sandy_bridge, &c);
	assert_int_equal(c.missing, 0);
	assert_int_equal(c.revision_id, 0x2b);
	assert_int_equal(c.region_size, 4096);
	/* Sandy Bridge: no 1 GiB EPT pages, no accessed/dirty bits. */
	assert_false(c.ept_1g_pages);
	assert_false(c.ept_ad_bits);
	assert_true(c.invept_single);
	assert_true(c.invvpid_single);
	assert_true(c.invvpid_address);
}

static void test_controls_are_required_plus_forced_bits(void **state)
{
	struct vmx_caps c;

	(void)state;
	vmx_caps_decide(&sandy_bridge, &c);
	/* TRUE_ controls are used: proc's must-be-1 is 0x04006172 there, not
	 * 0x0401e172 (CR3 load/store exiting may be off with EPT). */
	assert_int_equal(c.pin, 0x16 | VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING |
				VMX_PIN_VIRTUAL_NMIS);
	assert_int_equal(c.proc, 0x04006172 | VMX_PROC_INTR_WINDOW_EXITING | VMX_PROC_HLT_EXITING |
				 VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS | VMX_PROC_SECONDARY_CTLS);
	/* Optional ones where allowed: RDTSCP (not INVPCID or XSAVES: 0xff
	 * are all Sandy Bridge's secondary controls), the debug controls. */
	assert_int_equal(c.proc2, VMX_PROC2_EPT | VMX_PROC2_VPID | VMX_PROC2_UNRESTRICTED_GUEST |
				  VMX_PROC2_RDTSCP);
	assert_int_equal(c.exit, 0x36dfb | VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_SAVE_PAT |
				 VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
				 VMX_EXIT_SAVE_DEBUG_CTLS);
	assert_int_equal(c.entry, 0x11fb | VMX_ENTRY_IA32E_MODE | VMX_ENTRY_LOAD_PAT |
				  VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_DEBUG_CTLS);
}

static void test_without_true_ctls_the_old_msrs_decide(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.basic &= ~VMX_BASIC_TRUE_CTLS;
	m.true_pinbased = m.true_procbased = m.true_exit = m.true_entry = 0;
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 0);
	assert_int_equal(c.proc & 0x0401e172, 0x0401e172);
}

static void test_penryn_lacks_ept_vpid_unrestricted_and_efer_pat(void **state)
{
	struct vmx_caps c;
	uint32_t want = 1u << VMX_REQ_EPT | 1u << VMX_REQ_VPID | 1u << VMX_REQ_UNRESTRICTED_GUEST |
			1u << VMX_REQ_EXIT_EFER | 1u << VMX_REQ_EXIT_PAT | 1u << VMX_REQ_ENTRY_EFER |
			1u << VMX_REQ_ENTRY_PAT | 1u << VMX_REQ_EPT_WALK_4 | 1u << VMX_REQ_EPT_WB |
			1u << VMX_REQ_EPT_2M_PAGES | 1u << VMX_REQ_INVEPT | 1u << VMX_REQ_INVVPID;

	(void)state;
	assert_true(vmx_has_secondary_ctls(&penryn));
	assert_false(vmx_has_ept_vpid_cap(&penryn));
	vmx_caps_decide(&penryn, &c);
	assert_int_equal(c.missing, want);
}

/* A made-up CPU: Sandy Bridge's VT-x with EPT taken away (VPID kept). */
static void test_a_cpu_without_ept_misses_exactly_ept(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.procbased2 &= ~((uint64_t)VMX_PROC2_EPT << 32);
	m.ept_vpid_cap &= ~(VMX_EPT_WALK_4 | VMX_EPT_MEMTYPE_WB | VMX_EPT_2M_PAGES | VMX_EPT_INVEPT |
			    VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL);
	assert_true(vmx_has_ept_vpid_cap(&m));
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_EPT | 1u << VMX_REQ_EPT_WALK_4 |
				    1u << VMX_REQ_EPT_WB | 1u << VMX_REQ_EPT_2M_PAGES |
				    1u << VMX_REQ_INVEPT);
	assert_int_equal(c.proc2 & VMX_PROC2_EPT, 0);
}

static void test_each_ept_vpid_capability_is_checked(void **state)
{
	static const struct { uint64_t bits; enum vmx_requirement req; } cases[] = {
		{ VMX_EPT_WALK_4, VMX_REQ_EPT_WALK_4 },
		{ VMX_EPT_MEMTYPE_WB, VMX_REQ_EPT_WB },
		{ VMX_EPT_2M_PAGES, VMX_REQ_EPT_2M_PAGES },
		{ VMX_EPT_INVEPT, VMX_REQ_INVEPT },
		{ VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL, VMX_REQ_INVEPT },
		{ VMX_VPID_INVVPID, VMX_REQ_INVVPID },
		{ VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL, VMX_REQ_INVVPID },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmx_msrs m = sandy_bridge;
		struct vmx_caps c;

		m.ept_vpid_cap &= ~cases[i].bits;
		vmx_caps_decide(&m, &c);
		assert_int_equal(c.missing, 1u << cases[i].req);
	}
}

static void test_all_context_invalidation_alone_is_enough(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.ept_vpid_cap = (m.ept_vpid_cap & ~(VMX_EPT_INVEPT_SINGLE | VMX_VPID_INVVPID_SINGLE |
					     VMX_VPID_INVVPID_ADDRESS)) |
			 VMX_EPT_INVEPT_ALL | VMX_VPID_INVVPID_ALL;
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 0);
	assert_false(c.invept_single);
	assert_false(c.invvpid_single);
	assert_false(c.invvpid_address);
}

static void test_no_secondary_controls_means_no_ept(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	/* vmx.c would not read PROCBASED_CTLS2 then; a stale value must not count. */
	m.procbased &= ~((uint64_t)VMX_PROC_SECONDARY_CTLS << 32);
	m.true_procbased &= ~((uint64_t)VMX_PROC_SECONDARY_CTLS << 32);
	assert_false(vmx_has_secondary_ctls(&m));
	assert_false(vmx_has_ept_vpid_cap(&m));
	vmx_caps_decide(&m, &c);
	assert_true(c.missing & 1u << VMX_REQ_SECONDARY_CTLS);
	assert_true(c.missing & 1u << VMX_REQ_EPT);
	assert_true(c.missing & 1u << VMX_REQ_UNRESTRICTED_GUEST);
	assert_true(c.missing & 1u << VMX_REQ_INVVPID);
	assert_int_equal(c.proc2, 0);
}

static void test_basic_memory_type_and_address_width(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.basic = (m.basic & ~(0xfull << 50)) | VMX_BASIC_32BIT_ADDRESSES; /* uncacheable, 32-bit */
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_WB_REGIONS | 1u << VMX_REQ_64BIT_ADDRESSES);
}

static void test_a_missing_control_is_named(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.true_procbased &= ~((uint64_t)VMX_PROC_MSR_BITMAPS << 32);
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_MSR_BITMAPS);
	assert_string_equal(vmx_requirement_name(VMX_REQ_MSR_BITMAPS),
			    "MSR bitmaps (processor-based control 28)");
	for (unsigned int r = 0; r < VMX_NR_REQUIREMENTS; r++)
		assert_non_null(vmx_requirement_name(r));
	assert_string_equal(vmx_requirement_name(VMX_NR_REQUIREMENTS), "?");
}

/* dom0's NMIs need the CPU to track its NMI handler (virtual NMIs) and to
 * say when the next may go in (NMI-window exiting): either one missing is
 * named. */
static void test_virtual_nmis_are_required(void **state)
{
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	m.true_pinbased &= ~((uint64_t)VMX_PIN_VIRTUAL_NMIS << 32);
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_VIRTUAL_NMIS);
	m = sandy_bridge;
	m.true_procbased &= ~((uint64_t)VMX_PROC_NMI_WINDOW_EXITING << 32);
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_VIRTUAL_NMIS);
	assert_false(c.proc & VMX_PROC_NMI_WINDOW_EXITING); /* on only while an NMI waits */
	assert_string_equal(vmx_requirement_name(VMX_REQ_VIRTUAL_NMIS),
			    "virtual NMIs and NMI-window exiting (pin-based control 5, "
			    "processor-based control 22)");
}

static void test_feature_control(void **state)
{
	uint64_t write = 0;
	struct vmx_msrs m = sandy_bridge;
	struct vmx_caps c;

	(void)state;
	assert_int_equal(vmx_feature_control_plan(0x5, &write), VMX_FC_ENABLED);
	/* Locked with VMX off (or only inside SMX): the firmware's to change. */
	assert_int_equal(vmx_feature_control_plan(0x1, &write), VMX_FC_DISABLED);
	assert_int_equal(vmx_feature_control_plan(0x3, &write), VMX_FC_DISABLED);
	/* Unlocked: enable outside SMX and lock, keeping the other bits. */
	assert_int_equal(vmx_feature_control_plan(0x0, &write), VMX_FC_WRITE);
	assert_int_equal(write, 0x5);
	assert_int_equal(vmx_feature_control_plan(0x100002, &write), VMX_FC_WRITE);
	assert_int_equal(write, 0x100007);

	m.feature_control = 0x1;
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_ENABLED);
	m.feature_control = 0x4; /* enabled but not locked: VMXON would #GP */
	vmx_caps_decide(&m, &c);
	assert_int_equal(c.missing, 1u << VMX_REQ_ENABLED);
}

/* Sandy Bridge's IA32_VMX_CR0_FIXED0/1 and CR4_FIXED0/1 under Bochs. */
static void test_fixed_control_register_bits(void **state)
{
	uint64_t out = 0;

	(void)state;
	/* tern's CR0 (PE, ET, NE, WP, PG) already has PE, NE and PG. */
	assert_true(vmx_fixed_cr(0x80010031, 0x80000021, 0xffffffff, &out));
	assert_int_equal(out, 0x80010031);
	/* NE is forced on. */
	assert_true(vmx_fixed_cr(0x80010011, 0x80000021, 0xffffffff, &out));
	assert_int_equal(out, 0x80010031);
	/* CR4.VMXE is what FIXED0 asks for; PAE and VMXE are allowed. */
	assert_true(vmx_fixed_cr(0x20 | 0x2000, 0x2000, 0x627ff, &out));
	assert_int_equal(out, 0x2020);
	/* FSGSBASE (bit 16) is not allowed by that CPU: refused, not cleared. */
	assert_false(vmx_fixed_cr(0x10020 | 0x2000, 0x2000, 0x627ff, &out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandy_bridge_is_usable),
		cmocka_unit_test(test_controls_are_required_plus_forced_bits),
		cmocka_unit_test(test_without_true_ctls_the_old_msrs_decide),
		cmocka_unit_test(test_penryn_lacks_ept_vpid_unrestricted_and_efer_pat),
		cmocka_unit_test(test_a_cpu_without_ept_misses_exactly_ept),
		cmocka_unit_test(test_each_ept_vpid_capability_is_checked),
		cmocka_unit_test(test_all_context_invalidation_alone_is_enough),
		cmocka_unit_test(test_no_secondary_controls_means_no_ept),
		cmocka_unit_test(test_basic_memory_type_and_address_width),
		cmocka_unit_test(test_a_missing_control_is_named),
		cmocka_unit_test(test_virtual_nmis_are_required),
		cmocka_unit_test(test_feature_control),
		cmocka_unit_test(test_fixed_control_register_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
