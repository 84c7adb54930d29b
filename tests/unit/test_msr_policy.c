/* Which MSRs a guest has, and where an intercepted access goes (asm/msr_policy.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <asm/msr_policy.h>
#include <asm/x86-defs.h>
#include <public/hvm.h>

#define MSR_DEBUGCTL 0x1d9
#define MSR_SYSENTER_CS 0x174
#define MSR_PAT 0x277
#define MSR_LSTAR 0xc0000082
#define X2APIC_ICR 0x830

static void test_domu_x2apic_registers_are_virtual_dom0_has_none(void **state)
{
	(void)state;
	assert_int_equal(msr_route(X2APIC_ICR, true, false), MSR_ROUTE_VLAPIC);
	assert_int_equal(msr_route(0x800, false, false), MSR_ROUTE_VLAPIC);
	assert_int_equal(msr_route(0x8ff, false, false), MSR_ROUTE_VLAPIC);
	assert_int_equal(msr_route(0x900, false, false), MSR_ROUTE_VENDOR);
	/* dom0 runs its LAPIC in xAPIC mode: no x2APIC MSRs. */
	assert_int_equal(msr_route(X2APIC_ICR, true, true), MSR_ROUTE_GP);
	assert_int_equal(msr_route(0x802, false, true), MSR_ROUTE_GP);
}

static void test_what_linux_reads_unchecked_reads_zero_in_a_domu(void **state)
{
	(void)state;
	const uint32_t zero[] = { MSR_MTRR_CAP, MSR_MTRR_DEF_TYPE, MSR_AMD_INT_PENDING };

	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(msr_route(zero[i], false, false), MSR_ROUTE_ZERO);
		assert_int_equal(msr_route(zero[i], false, true), MSR_ROUTE_GP);
	}
	/* MTRRdefType writes are ignored; the read-only ones are #GP. */
	assert_int_equal(msr_route(MSR_MTRR_DEF_TYPE, true, false), MSR_ROUTE_ZERO);
	assert_int_equal(msr_route(MSR_MTRR_CAP, true, false), MSR_ROUTE_GP);
	assert_int_equal(msr_route(MSR_AMD_INT_PENDING, true, false), MSR_ROUTE_GP);
}

static void test_routes_of_the_hypervisors_msrs(void **state)
{
	(void)state;
	for (int pt = 0; pt < 2; pt++) {
		assert_int_equal(msr_route(MSR_EFER, false, pt), MSR_ROUTE_EFER);
		assert_int_equal(msr_route(MSR_EFER, true, pt), MSR_ROUTE_EFER);
		assert_int_equal(msr_route(MSR_APIC_BASE, true, pt), MSR_ROUTE_APIC_BASE);
		assert_int_equal(msr_route(MSR_TSC_AUX, true, pt), MSR_ROUTE_TSC_AUX);
		assert_int_equal(msr_route(XEN_HYPERCALL_PAGE_MSR, true, pt),
				 MSR_ROUTE_HYPERCALL_PAGE);
		assert_int_equal(msr_route(XEN_HYPERCALL_PAGE_MSR, false, pt), MSR_ROUTE_GP);
		/* Unknown MSRs: the vendor's, which #GPs what it does not have. */
		assert_int_equal(msr_route(0x12345, false, pt), MSR_ROUTE_VENDOR);
	}
	assert_int_equal(msr_route(MSR_DEBUGCTL, true, false), MSR_ROUTE_DEBUGCTL);
	assert_int_equal(msr_route(MSR_DEBUGCTL, true, true), MSR_ROUTE_GP);
}

static void test_debugctl_lbr_and_btf_only(void **state)
{
	(void)state;
	assert_true(msr_debugctl_valid(0));
	assert_true(msr_debugctl_valid(1));
	assert_true(msr_debugctl_valid(3));
	assert_false(msr_debugctl_valid(1u << 6));  /* TR */
	assert_false(msr_debugctl_valid(1u << 7));  /* BTS */
	assert_false(msr_debugctl_valid(1ull << 32));
}

static void test_dom0_apic_base_stays_xapic_at_its_address(void **state)
{
	(void)state;
	const uint64_t now = 0xfee00000 | APIC_BASE_ENABLE | APIC_BASE_BSP;

	assert_true(msr_dom0_apic_base_valid(now, now));
	assert_true(msr_dom0_apic_base_valid(now, now & ~(uint64_t)APIC_BASE_ENABLE));
	assert_false(msr_dom0_apic_base_valid(now, now | APIC_BASE_X2APIC));
	assert_false(msr_dom0_apic_base_valid(now, (now & 0xfff) | 0xfed00000));
	assert_false(msr_dom0_apic_base_valid(now, now | 1ull << 40));
}

static void test_lists_for_the_permission_maps(void **state)
{
	(void)state;
	bool sysenter = false, lstar = false, pat = false, tsc_aux_write = false;

	for (unsigned int i = 0; i < msr_domu_native_count; i++) {
		uint32_t m = msr_domu_native[i];

		sysenter |= m == MSR_SYSENTER_CS;
		lstar |= m == MSR_LSTAR;
		pat |= m == MSR_PAT;
		/* Nothing the hypervisor owns is given to a domU. */
		assert_true(m != MSR_EFER && m != MSR_APIC_BASE && m != MSR_DEBUGCTL &&
			    m != MSR_TSC && m != MSR_MTRR_DEF_TYPE);
	}
	assert_true(sysenter && lstar && pat);
	for (unsigned int i = 0; i < msr_always_intercepted_count; i++) {
		const struct msr_intercept *m = &msr_always_intercepted[i];

		assert_true(m->write);
		tsc_aux_write |= m->msr == MSR_TSC_AUX;
		if (m->msr == MSR_EFER)
			assert_true(m->read);
	}
	assert_true(tsc_aux_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domu_x2apic_registers_are_virtual_dom0_has_none),
		cmocka_unit_test(test_what_linux_reads_unchecked_reads_zero_in_a_domu),
		cmocka_unit_test(test_routes_of_the_hypervisors_msrs),
		cmocka_unit_test(test_debugctl_lbr_and_btf_only),
		cmocka_unit_test(test_dom0_apic_base_stays_xapic_at_its_address),
		cmocka_unit_test(test_lists_for_the_permission_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
